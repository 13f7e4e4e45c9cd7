// chat.js: the chat panel beside every screen (app.js loads it into
// <aside id="chat">). One turn of the agent is POST /api/chat, read as
// server-sent events from a fetch stream: the reply renders as markdown
// while it streams, each tool call is a card (name, arguments, result;
// collapsed), approvals are buttons, a turn that changed data can be
// undone, entries the agent names link to their pages. Above the
// conversation: the model in use with a picker, the list of conversations
// and "New conversation".
//
// Keys: Enter sends, Shift+Enter is a newline, Escape stops a reply that
// is streaming (or closes the conversation list).
import { ApiError, call, get } from './api.js';
import { renderMarkdown } from './markdown.js';

const PROVIDERS = ['openai', 'anthropic', 'ollama'];
const NEAR_BOTTOM_PX = 48;

// A tiny DOM helper: el('p', {className: 'x'}, 'text', child...).
function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('aria-') || k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

const pretty = (v) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
const entryHref = (e) => `#/e/${encodeURIComponent(e.object)}/${e.id}`;

// ---- server-sent events ----

// An incremental parser of a text/event-stream: feed(text) as it arrives
// (events may be torn anywhere, lines end in LF, CRLF or CR), and
// onEvent(name, data) runs for each complete event (data lines joined
// with "\n"; comments and unknown fields are skipped).
export function sseParser(onEvent) {
  let buf = '';
  let name = '';
  let data = [];
  const line = (l) => {
    if (l === '') {
      if (data.length) onEvent(name || 'message', data.join('\n'));
      name = '';
      data = [];
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  };
  return function feed(text) {
    buf += text;
    const ends = /\r\n|\r|\n/g;
    let at = 0;
    let m;
    while ((m = ends.exec(buf))) {
      if (m[0] === '\r' && m.index === buf.length - 1) break; // maybe CR LF torn apart
      line(buf.slice(at, m.index));
      at = ends.lastIndex;
    }
    buf = buf.slice(at);
  };
}

// POST /api/chat: calls onEvent(name, data) for each event until the
// stream ends. A JSON error answer throws an ApiError before any event.
async function streamChat(body, signal, onEvent) {
  const res = await fetch('/api/chat', {
    method: 'POST', credentials: 'same-origin', signal,
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok || !/^text\/event-stream/.test(res.headers.get('content-type') || '')) {
    const text = await res.text();
    let e = null;
    try { e = JSON.parse(text).error; } catch { /* not JSON */ }
    throw new ApiError(res.status, e?.code || `http_${res.status}`,
      e?.message || `the chat answered ${res.status}`);
  }
  const feed = sseParser((name, data) => {
    let json;
    try { json = JSON.parse(data); } catch { json = { text: data }; }
    onEvent(name, json);
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    feed(decoder.decode(value, { stream: true }));
  }
  feed(decoder.decode());
}

// ---- entries the agent names ----

// The entries in a tool result: objects with a numeric id and a string
// label, their object from their own "object", the enclosing one or the
// call's arguments. A relation inside an entry names no object: skipped.
export function entriesIn(result, object) {
  const out = [];
  const walk = (v, obj) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, obj));
    if (!v || typeof v !== 'object') return;
    const here = typeof v.object === 'string' ? v.object : obj;
    if (Number.isInteger(v.id) && typeof v.label === 'string' && v.label && here) {
      out.push({ object: here, id: v.id, label: v.label });
      for (const x of Object.values(v)) walk(x, null);
      return;
    }
    for (const x of Object.values(v)) walk(x, here);
  };
  walk(result, object || null);
  return out;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Make the mentions of known entry labels in root's text into links
// (never inside links or code).
function linkLabels(root, entries) {
  const labels = [...entries.keys()].filter((l) => l.length > 1).sort((a, b) => b.length - a.length);
  if (!labels.length) return;
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${labels.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest('a, code, pre') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.nodeValue;
    re.lastIndex = 0;
    if (!re.test(text)) continue;
    re.lastIndex = 0;
    const frag = document.createDocumentFragment();
    let at = 0;
    for (const m of text.matchAll(re)) {
      frag.append(text.slice(at, m.index));
      const e = entries.get(m[0]);
      frag.append(el('a', { href: entryHref(e), className: 'entry-link' }, m[0]));
      at = m.index + m[0].length;
    }
    frag.append(text.slice(at));
    node.replaceWith(frag);
  }
}

// ---- one turn on screen ----

// A turn: the user's message, then the agent's text blocks and tool cards
// in the order they came, then its footer (undo, errors).
class Turn {
  constructor(panel, message) {
    this.panel = panel;
    this.el = el('div', { className: 'turn' });
    if (message !== undefined) this.el.append(el('div', { className: 'msg msg-user' }, message));
    this.reply = el('div', { className: 'msg msg-agent' });
    this.footer = el('div', { className: 'turn-foot' });
    this.el.append(this.reply, this.footer);
    this.block = null;       // the text block that text goes into
    this.cards = new Map();  // tool call id -> card
    this.frame = 0;
  }

  text(t) {
    if (!this.block) {
      this.block = { node: el('div', { className: 'markdown msg-text' }), text: '' };
      this.reply.append(this.block.node);
    }
    this.block.text += t;
    this.scheduleRender();
  }

  // Re-render the streaming text at most once per frame.
  scheduleRender() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderText();
    });
  }

  renderText() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const b = this.block;
    if (!b) return;
    const stick = this.panel.nearBottom();
    b.node.replaceChildren(renderMarkdown(b.text));
    linkLabels(b.node, this.panel.entries);
    if (stick) this.panel.scrollDown();
  }

  toolCall({ id, name, arguments: args }) {
    this.renderText();
    this.block = null; // text after the card is a new block
    const card = new ToolCard(this.panel, name, args);
    this.cards.set(id, card);
    this.reply.append(card.el);
    this.panel.scrollDown();
    return card;
  }

  toolResult({ id, name, result, is_error: isError }) {
    const card = this.cards.get(id) || this.toolCall({ id, name, arguments: {} });
    card.setResult(result, isError);
  }

  // The newest card of tool that has no result yet gets the approval.
  approval({ id, tool, arguments: args }) {
    const card = [...this.cards.values()].reverse().find((c) => c.name === tool && !c.done) ||
      this.toolCall({ id: `approval-${id}`, name: tool, arguments: args });
    card.askApproval(id);
    this.panel.scrollDown();
  }

  // The turn ended (or was stopped): approvals nobody answered are moot.
  closeApprovals() {
    for (const card of this.cards.values()) card.closeApproval();
  }

  note(text, className = 'turn-note') {
    this.renderText();
    const p = el('p', { className }, text);
    if (className.includes('error')) p.setAttribute('role', 'alert');
    this.footer.append(p);
    this.panel.scrollDown();
    return p;
  }

  // The turn's "Undo this turn" button (POST .../turns/{n}/undo).
  offerUndo(conversation, n) {
    const status = el('span', { className: 'undo-status', 'aria-live': 'polite' });
    const button = el('button', { type: 'button', className: 'undo-turn' }, 'Undo this turn');
    button.addEventListener('click', async () => {
      button.disabled = true;
      status.textContent = 'Undoing…';
      status.className = 'undo-status';
      try {
        const r = await call('POST', `/api/conversations/${conversation}/turns/${n}/undo`);
        status.textContent = `Undone (change group #${r.group}).`;
        if (document.activeElement === button) this.panel.input.focus();
        button.remove();
      } catch (e) {
        status.textContent = e.message;
        status.className = 'undo-status error';
        button.disabled = false;
      }
    });
    const stick = this.panel.nearBottom();
    this.footer.append(el('div', { className: 'undo' }, button, status));
    if (stick) this.panel.scrollDown();
  }
}

// A tool call as a card: <details> with the arguments and the result,
// the entries of its result as links below, and approval buttons.
class ToolCard {
  constructor(panel, name, args) {
    this.panel = panel;
    this.name = name;
    this.args = args;
    this.done = false;
    this.state = el('span', { className: 'tool-state' }, 'running');
    const brief = JSON.stringify(args ?? {});
    this.body = el('div', { className: 'tool-body' },
      el('div', { className: 'tool-label' }, 'Arguments'),
      el('pre', { className: 'tool-args' }, pretty(args ?? {})));
    this.details = el('details', {},
      el('summary', {}, el('span', { className: 'tool-name' }, name),
        el('span', { className: 'tool-brief', title: brief }, brief === '{}' ? '' : brief), this.state), this.body);
    this.el = el('div', { className: 'tool-card', 'data-tool': name }, this.details);
  }

  setResult(result, isError) {
    this.done = true;
    this.el.classList.toggle('is-error', !!isError);
    this.state.textContent = isError ? 'error' : 'done';
    this.approvalBox?.querySelectorAll('button').forEach((b) => b.remove());
    this.body.append(el('div', { className: 'tool-label' }, 'Result'),
      el('pre', { className: 'tool-result' }, pretty(result)));
    const found = isError ? [] : entriesIn(result, this.args?.object);
    if (!found.length) return;
    const links = el('p', { className: 'tool-entries' });
    for (const e of found) {
      this.panel.entries.set(e.label, e);
      links.append(el('a', { href: entryHref(e), className: 'entry-link' }, e.label));
    }
    this.el.append(links);
  }

  closeApproval() {
    const buttons = this.approvalBox?.querySelectorAll('button') || [];
    if (!buttons.length) return;
    for (const b of buttons) b.remove();
    this.approvalBox.querySelector('.approval-outcome').textContent = 'Not answered: the turn ended.';
  }

  askApproval(id) {
    this.state.textContent = 'waiting for approval';
    const outcome = el('span', { className: 'approval-outcome', 'aria-live': 'polite' });
    const answer = (approve) => async () => {
      for (const b of box.querySelectorAll('button')) b.disabled = true;
      outcome.className = 'approval-outcome';
      try {
        await call('POST', `/api/approvals/${id}`, { approve });
        outcome.textContent = approve ? 'Approved.' : 'Denied.';
        const hadFocus = box.contains(document.activeElement);
        for (const b of box.querySelectorAll('button')) b.remove();
        if (hadFocus) this.panel.input.focus(); // not lost on the removed button
      } catch (e) {
        outcome.textContent = e.message;
        outcome.className = 'approval-outcome error';
      }
    };
    const yes = el('button', { type: 'button', className: 'approve' }, 'Approve');
    const no = el('button', { type: 'button', className: 'deny' }, 'Deny');
    yes.addEventListener('click', answer(true));
    no.addEventListener('click', answer(false));
    const box = el('div', { className: 'approval', role: 'group', 'aria-label': `Approve ${this.name}?` },
      el('span', { className: 'approval-question' }, `Allow ${this.name}?`), yes, no, outcome);
    this.approvalBox = box;
    this.el.append(box);
  }
}

// ---- the panel ----

class ChatPanel {
  constructor(aside, ctx) {
    this.ctx = ctx;
    this.conversation = null;      // the open conversation's id
    this.entries = new Map();      // label -> {object, id, label}, of this conversation
    this.abort = null;             // the AbortController of a streaming turn
    this.generation = 0;           // bumped when another conversation is shown
    this.build(aside);
  }

  build(aside) {
    this.modelSelect = el('select', { id: 'chat-model', className: 'chat-model-select' });
    this.modelError = el('p', { className: 'error chat-model-error', role: 'alert' });
    this.modelHelp = el('a', { href: '#/settings', className: 'chat-model-help', hidden: true }, 'Open Settings');
    this.listButton = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'chat-list' }, 'Conversations');
    this.newButton = el('button', { type: 'button' }, 'New conversation');
    this.list = el('ul', { id: 'chat-list', className: 'chat-list', hidden: true, 'aria-label': 'Conversations' });
    this.log = el('div', { className: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
    this.input = el('textarea', { rows: 3, placeholder: 'Ask the agent…', 'aria-label': 'Message' });
    this.send = el('button', { type: 'submit', className: 'chat-send' }, 'Send');
    this.stop = el('button', { type: 'button', className: 'chat-stop', hidden: true }, 'Stop');
    this.form = el('form', { className: 'chat-form' }, this.input,
      el('div', { className: 'chat-form-row' },
        el('span', { className: 'hint' }, 'Enter sends, Shift+Enter a new line'), this.stop, this.send));
    aside.replaceChildren(
      el('div', { className: 'chat-head' },
        el('h2', {}, 'Chat'),
        el('div', { className: 'chat-head-actions' }, this.listButton, this.newButton)),
      el('div', { className: 'chat-model' },
        el('label', { htmlFor: 'chat-model' }, 'Model'), this.modelSelect, this.modelError, this.modelHelp),
      this.list, this.log, this.form);
    this.showEmpty();

    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit();
      }
    });
    aside.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      if (this.abort) { e.preventDefault(); this.abort.abort(); }
      else if (!this.list.hidden) { e.preventDefault(); this.toggleList(false); this.listButton.focus(); }
    });
    this.stop.addEventListener('click', () => this.abort?.abort());
    this.newButton.addEventListener('click', () => this.newConversation());
    this.listButton.addEventListener('click', () => this.toggleList(this.list.hidden));
    this.list.addEventListener('keydown', (e) => this.listKeys(e));
    this.modelSelect.addEventListener('change', () => this.pickModel());
    // Settings may change the model or the providers: reload after a visit.
    let lastHash = location.hash;
    window.addEventListener('hashchange', () => {
      if (lastHash.startsWith('#/settings') && !location.hash.startsWith('#/settings')) this.loadModels();
      lastHash = location.hash;
    });
  }

  nearBottom() {
    const l = this.log;
    return l.scrollHeight - l.scrollTop - l.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollDown() { this.log.scrollTop = this.log.scrollHeight; }

  showEmpty() {
    this.log.replaceChildren(el('p', { className: 'chat-empty' },
      'Ask the agent to find, add or change entries. It asks before it deletes anything.'));
  }

  newConversation() {
    if (this.abort) this.abort.abort();
    this.generation++;
    this.conversation = null;
    this.entries = new Map();
    this.showEmpty();
    this.toggleList(false);
    this.input.focus();
  }

  // ---- the model ----

  async loadModels() {
    this.showModelError('');
    let settings;
    try {
      settings = await get('/api/settings');
    } catch (e) {
      this.showModelError(e.message);
      return;
    }
    const current = settings.model_in_use || settings.model || '';
    const inUse = current.split('/')[0];
    const configured = (p) => p === inUse || settings.providers?.[p]?.api_key_set || settings.providers?.[p]?.base_url;
    const lists = await Promise.all(PROVIDERS.filter(configured).map((p) =>
      get(`/api/models?provider=${p}`).then((r) => ({ provider: p, models: r.models }), (e) => ({ provider: p, error: e }))));
    const select = this.modelSelect;
    select.replaceChildren();
    if (!current) select.append(el('option', { value: '' }, 'No model set'));
    let found = false;
    for (const l of lists) {
      if (!l.models?.length) continue;
      const group = el('optgroup', { label: l.provider });
      for (const m of l.models) {
        const value = `${l.provider}/${m.id}`;
        found ||= value === current;
        group.append(el('option', { value }, m.id));
      }
      select.append(group);
    }
    if (current && !found) select.prepend(el('option', { value: current }, current));
    select.value = current;
    const failed = lists.find((l) => l.provider === inUse && l.error) ||
      (!current && lists.every((l) => l.error) && lists[0]);
    if (failed) this.showModelError(failed.error.message);
    else if (!current) this.showModelError('No model is set: pick one here or in Settings.');
  }

  showModelError(message) {
    this.modelError.textContent = message;
    this.modelHelp.hidden = !message;
  }

  async pickModel() {
    const model = this.modelSelect.value;
    this.modelSelect.disabled = true;
    try {
      await call('PATCH', '/api/settings', { model });
      await this.loadModels();
    } catch (e) {
      this.showModelError(e.message);
    } finally {
      this.modelSelect.disabled = false;
    }
  }

  // ---- conversations ----

  async toggleList(open) {
    this.list.hidden = !open;
    this.listButton.setAttribute('aria-expanded', String(open));
    if (!open) return;
    this.list.replaceChildren(el('li', { className: 'hint' }, 'Loading…'));
    try {
      const { conversations } = await get('/api/conversations');
      this.list.replaceChildren(...conversations.map((c) => this.listItem(c)));
      if (!conversations.length) this.list.append(el('li', { className: 'hint' }, 'No conversations yet.'));
      this.list.querySelector('button')?.focus();
    } catch (e) {
      this.list.replaceChildren(el('li', { className: 'error', role: 'alert' }, e.message));
    }
  }

  listItem(c) {
    const when = new Date(c.updated_at || c.created_at);
    const b = el('button', { type: 'button', className: 'chat-list-item', 'data-id': String(c.id) },
      el('span', { className: 'chat-list-title' }, c.title || `Conversation ${c.id}`),
      el('span', { className: 'chat-list-meta' },
        `${when.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' })} · ${c.turns} turn${c.turns === 1 ? '' : 's'}`));
    if (c.id === this.conversation) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => this.open(c.id));
    return el('li', {}, b);
  }

  listKeys(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...this.list.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement);
    const next = buttons[at + (e.key === 'ArrowDown' ? 1 : -1)];
    if (next) { e.preventDefault(); next.focus(); }
  }

  // Show conversation id with every message, tool call and result.
  async open(id) {
    if (this.abort) this.abort.abort();
    this.generation++;
    let c;
    try {
      c = await get(`/api/conversations/${id}`);
    } catch (e) {
      this.log.append(el('p', { className: 'error', role: 'alert' }, e.message));
      return;
    }
    this.conversation = c.id;
    this.entries = new Map();
    this.toggleList(false);
    this.log.replaceChildren();
    const argsOf = new Map();
    for (const m of c.messages) for (const t of m.tool_calls || []) argsOf.set(t.id, t.arguments);
    for (const m of c.messages) {
      if (m.role !== 'tool') continue;
      let result;
      try { result = JSON.parse(m.content); } catch { result = m.content; }
      if (!m.is_error) for (const e of entriesIn(result, argsOf.get(m.tool_call_id)?.object)) this.entries.set(e.label, e);
    }
    const turns = new Map();
    for (const m of c.messages) {
      let turn = turns.get(m.turn);
      if (!turn) {
        turn = new Turn(this);
        turns.set(m.turn, turn);
        this.log.append(turn.el);
      }
      this.replay(turn, m);
    }
    for (const t of c.turns || []) {
      const turn = turns.get(t.n);
      turn?.renderText();
      if (turn && t.changes > 0) turn.offerUndo(c.id, t.n);
    }
    this.scrollDown();
    this.input.focus();
  }

  // One stored message into its turn.
  replay(turn, m) {
    if (m.role === 'user') {
      turn.el.insertBefore(el('div', { className: 'msg msg-user' }, m.content), turn.reply);
    } else if (m.role === 'assistant') {
      if (m.content) turn.text(m.content);
      for (const t of m.tool_calls || []) turn.toolCall(t);
    } else if (m.role === 'tool') {
      let result;
      try { result = JSON.parse(m.content); } catch { result = m.content; }
      turn.toolResult({ id: m.tool_call_id, name: m.name, result, is_error: m.is_error });
    }
  }

  // ---- a turn ----

  async submit() {
    const message = this.input.value.trim();
    if (!message || this.abort) return;
    if (!this.conversation) this.log.replaceChildren();
    const turn = new Turn(this, message);
    this.log.append(turn.el);
    this.scrollDown();
    const typed = this.input.value;
    const generation = this.generation;
    this.input.value = '';
    this.setStreaming(true);
    const body = { message };
    if (this.conversation) body.conversation = this.conversation;
    let started = false;  // the stream began: the conversation exists
    let replied = false;  // the agent said or did something
    let done = null;
    let failed = false;
    try {
      await streamChat(body, this.abort.signal, (name, data) => {
        started = true;
        replied ||= name === 'text' || name === 'tool_call';
        if (name === 'text') turn.text(data.text || '');
        else if (name === 'tool_call') turn.toolCall(data);
        else if (name === 'tool_result') turn.toolResult(data);
        else if (name === 'approval_required') turn.approval(data);
        else if (name === 'done') done = data;
        else if (name === 'error') { failed = true; turn.note(data.message, 'turn-error error'); }
      });
      if (!done && !failed) turn.note('The reply ended before the turn was done.', 'turn-error error');
    } catch (e) {
      if (e.name === 'AbortError') turn.note('Stopped.');
      else {
        failed = true;
        turn.note(e.message, 'turn-error error');
      }
    } finally {
      turn.renderText();
      turn.closeApprovals();
      this.setStreaming(false);
    }
    if (failed && !replied) {
      if (!this.input.value) this.input.value = typed; // keep what was typed, to send again
      this.loadModels(); // the model may be what failed: show it by the picker
    }
    if (generation !== this.generation) return; // another conversation is on screen now
    if (done) await this.finishTurn(turn, done);
    else if (started && !this.conversation) await this.findConversation(message);
  }

  setStreaming(on) {
    this.abort = on ? new AbortController() : null;
    this.stop.hidden = !on;
    this.send.disabled = on;
    if (!on && document.activeElement === this.stop) this.input.focus();
  }

  // After done: the turn's changes decide whether it can be undone.
  async finishTurn(turn, done) {
    this.conversation = done.conversation;
    try {
      const c = await get(`/api/conversations/${done.conversation}`);
      const t = (c.turns || []).find((x) => x.n === done.n);
      if (t && t.changes > 0) turn.offerUndo(done.conversation, done.n);
      if (c.model && c.model !== this.modelSelect.value) this.loadModels(); // changed elsewhere
    } catch (e) {
      turn.note(e.message, 'turn-error error');
    }
    if (!this.list.hidden) this.toggleList(true);
  }

  // A turn that failed before "done" still stored its conversation: find
  // it (the newest, titled by the message) so the next message goes on.
  async findConversation(message) {
    try {
      const { conversations } = await get('/api/conversations?limit=1');
      const c = conversations[0];
      if (c && message.startsWith(c.title?.replace(/…$/, '') || '\0')) this.conversation = c.id;
    } catch { /* the next message starts a new conversation */ }
  }
}

export function mount(aside, ctx) {
  const panel = new ChatPanel(aside, ctx);
  panel.loadModels(); // not awaited: a slow provider must not hold up the panel
  return {
    // The agent (or anyone) changed data: an open conversation list may
    // have a new conversation at its top.
    onChanges() {
      if (!panel.list.hidden && !panel.list.contains(document.activeElement)) panel.toggleList(true);
    },
  };
}
