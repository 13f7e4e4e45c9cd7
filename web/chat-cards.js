// chat-cards.js: one turn of the agent on screen, for the chat panel
// (chat.js): the user's message, the reply as markdown (re-rendered at
// most once a frame while it streams, with the entries the agent named
// made into links), each tool call as a collapsed card with its
// arguments and result, approval buttons, and "Undo this turn".
import { call } from './api.js';
import { el } from './dom.js';
import { renderMarkdown } from './markdown.js';

const pretty = (v) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
const entryHref = (e) => `#/e/${encodeURIComponent(e.object)}/${e.id}`;
const entryLink = (e, text) => el('a', { href: entryHref(e), className: 'entry-link' }, text);

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
      frag.append(entryLink(entries.get(m[0]), m[0]));
      at = m.index + m[0].length;
    }
    frag.append(text.slice(at));
    node.replaceWith(frag);
  }
}

// A turn: the user's message, then the agent's text blocks and tool cards
// in the order they came, then its footer (undo, errors).
export class Turn {
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

  // A line below the reply: a note ("Stopped.") or an error.
  note(text) { this.addFooterLine(el('p', { className: 'turn-note' }, text)); }
  error(text) { this.addFooterLine(el('p', { className: 'turn-error error', role: 'alert' }, text)); }

  addFooterLine(p) {
    this.renderText();
    this.footer.append(p);
    this.panel.scrollDown();
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
    this.removeApprovalButtons();
    this.body.append(el('div', { className: 'tool-label' }, 'Result'),
      el('pre', { className: 'tool-result' }, pretty(result)));
    const found = isError ? [] : entriesIn(result, this.args?.object);
    if (!found.length) return;
    const links = el('p', { className: 'tool-entries' });
    for (const e of found) {
      this.panel.entries.set(e.label, e);
      links.append(entryLink(e, e.label));
    }
    this.el.append(links);
  }

  closeApproval() {
    if (this.removeApprovalButtons()) this.approvalBox.querySelector('.approval-outcome').textContent = 'Not answered: the turn ended.';
  }

  // Removes the Approve and Deny buttons; true when there were any.
  removeApprovalButtons() {
    const buttons = [...(this.approvalBox?.querySelectorAll('button') || [])];
    for (const b of buttons) b.remove();
    return buttons.length > 0;
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
        this.removeApprovalButtons();
        if (hadFocus) this.panel.input.focus(); // not lost on the removed button
      } catch (e) {
        outcome.textContent = e.message;
        outcome.className = 'approval-outcome error';
        // Gone or answered already: nothing left to ask. Otherwise (the
        // server unreachable) the user may try again.
        if (e.status === 404 || e.status === 409) this.removeApprovalButtons();
        else for (const b of box.querySelectorAll('button')) b.disabled = false;
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
