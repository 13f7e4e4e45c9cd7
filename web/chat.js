// chat.js: the chat panel beside every screen (app.js loads it into
// <aside id="chat">): the list of conversations, "New conversation", the
// model picker (chat-model.js), the conversation and the message box. One
// turn of the agent streams from POST /api/chat (sse.js) into a Turn
// (chat-cards.js: the reply as markdown, tool cards, approvals, undo).
//
// Keys: Enter sends, Shift+Enter is a newline, Escape stops a reply that
// is streaming (or closes the conversation list).
import { get } from './api.js';
import { entriesIn, Turn } from './chat-cards.js';
import { ModelPicker } from './chat-model.js';
import { el } from './dom.js';
import { streamChat } from './sse.js';

const NEAR_BOTTOM_PX = 48;

// A stored tool message's content: its JSON, or the text when it is not.
function toolContent(m) {
  try { return JSON.parse(m.content); } catch { return m.content; }
}

// The entries a conversation's tool results name: label -> entry.
function entriesNamedIn(messages) {
  const argsOf = new Map();
  for (const m of messages) for (const t of m.tool_calls || []) argsOf.set(t.id, t.arguments);
  const entries = new Map();
  for (const m of messages) {
    if (m.role !== 'tool' || m.is_error) continue;
    for (const e of entriesIn(toolContent(m), argsOf.get(m.tool_call_id)?.object)) entries.set(e.label, e);
  }
  return entries;
}

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
    this.model = new ModelPicker();
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
      this.model.el, this.list, this.log, this.form);
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
    // Settings may change the model or the providers: reload after a visit.
    let lastHash = location.hash;
    window.addEventListener('hashchange', () => {
      if (lastHash.startsWith('#/settings') && !location.hash.startsWith('#/settings')) this.model.load();
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
    this.entries = entriesNamedIn(c.messages);
    this.toggleList(false);
    this.log.replaceChildren();
    const turns = this.replayMessages(c.messages);
    for (const t of c.turns || []) {
      const turn = turns.get(t.n);
      turn?.renderText();
      if (turn && t.changes > 0) turn.offerUndo(c.id, t.n);
    }
    this.scrollDown();
    this.input.focus();
  }

  // The stored messages as turns in the log: turn number -> Turn.
  replayMessages(messages) {
    const turns = new Map();
    for (const m of messages) {
      let turn = turns.get(m.turn);
      if (!turn) {
        turn = new Turn(this);
        turns.set(m.turn, turn);
        this.log.append(turn.el);
      }
      this.replay(turn, m);
    }
    return turns;
  }

  // One stored message into its turn.
  replay(turn, m) {
    if (m.role === 'user') {
      turn.el.insertBefore(el('div', { className: 'msg msg-user' }, m.content), turn.reply);
    } else if (m.role === 'assistant') {
      if (m.content) turn.text(m.content);
      for (const t of m.tool_calls || []) turn.toolCall(t);
    } else if (m.role === 'tool') {
      turn.toolResult({ id: m.tool_call_id, name: m.name, result: toolContent(m), is_error: m.is_error });
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
    const { started, replied, done, failed } = await this.streamTurn(turn, body);
    if (failed && !replied) {
      if (!this.input.value) this.input.value = typed; // keep what was typed, to send again
      this.model.load(); // the model may be what failed: show it by the picker
    }
    if (generation !== this.generation) return; // another conversation is on screen now
    if (done) await this.finishTurn(turn, done);
    else if (started && !this.conversation) await this.findConversation(message);
  }

  // Streams the agent's turn into turn and says how it went: started (the
  // conversation exists), replied (the agent said or did something), done
  // (the "done" event's data) and failed.
  async streamTurn(turn, body) {
    const r = { started: false, replied: false, done: null, failed: false };
    try {
      await streamChat(body, this.abort.signal, (name, data) => {
        r.started = true;
        r.replied ||= name === 'text' || name === 'tool_call';
        if (name === 'text') turn.text(data.text || '');
        else if (name === 'tool_call') turn.toolCall(data);
        else if (name === 'tool_result') turn.toolResult(data);
        else if (name === 'approval_required') turn.approval(data);
        else if (name === 'done') r.done = data;
        else if (name === 'error') { r.failed = true; turn.error(data.message); }
      });
      if (!r.done && !r.failed) turn.error('The reply ended before the turn was done.');
    } catch (e) {
      if (e.name === 'AbortError') turn.note('Stopped.');
      else {
        r.failed = true;
        turn.error(e.message);
      }
    } finally {
      turn.renderText();
      turn.closeApprovals();
      this.setStreaming(false);
    }
    return r;
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
      if (c.model && c.model !== this.model.value) this.model.load(); // changed elsewhere
    } catch (e) {
      turn.error(e.message);
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
  panel.model.load(); // not awaited: a slow provider must not hold up the panel
  return {
    // The agent (or anyone) changed data: an open conversation list may
    // have a new conversation at its top.
    onChanges() {
      if (!panel.list.hidden && !panel.list.contains(document.activeElement)) panel.toggleList(true);
    },
  };
}
