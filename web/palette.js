// palette.js: the search palette (Ctrl/Cmd-K or the sidebar's Search
// button). A modal <dialog> with a combobox input: the screens whose name
// matches (dashboard, settings, each object) come first, then the hits of
// GET /api/search grouped by object, each with its label and snippet.
// Arrow keys move, Enter opens, Escape closes and gives focus back.
import { get, query, ApiError } from './api.js';
import { el } from './dom.js';
import { entryHash } from './entry-parts.js';

const SEARCH_DELAY_MS = 150;
const SEARCH_LIMIT = 20;

let current = null; // the open palette, so a second Ctrl-K only refocuses it

// The screens a user can jump to, by name: the fixed ones, each object's
// table and each saved view.
function screens(ctx) {
  const objectName = (slug) => ctx.object(slug)?.name || slug;
  return [
    { label: 'Dashboard', hint: 'Screen', hash: '#/dashboard' },
    ...ctx.state.objects.map((o) => ({ label: o.name, hint: 'Table', hash: `#/o/${encodeURIComponent(o.slug)}` })),
    ...ctx.state.views.map((v) => ({ label: `${objectName(v.object)} · ${v.name}`, hint: 'View', hash: `#/v/${v.id}` })),
    { label: 'Objects and fields', hint: 'Screen', hash: '#/objects' },
    { label: 'Import', hint: 'Screen', hash: '#/import' },
    { label: 'Settings', hint: 'Screen', hash: '#/settings' },
  ];
}

// A snippet's text with the matched words ([word]) as <mark>.
function snippetNodes(snippet) {
  const text = snippet.replace(/\s+/g, ' ').trim();
  const nodes = [];
  const re = /\[([^\]]*)\]/g;
  let last = 0;
  for (let m; (m = re.exec(text));) {
    if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
    nodes.push(el('mark', { textContent: m[1] }));
    last = re.lastIndex;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

// The snippet only when it says more than the label does.
const usefulSnippet = (hit) => hit.snippet &&
  hit.snippet.replace(/[[\]]/g, '').trim().toLowerCase() !== String(hit.label).trim().toLowerCase();

export function openPalette(ctx) {
  if (current) current.input.focus();
  else current = new Palette(ctx);
}

class Palette {
  constructor(ctx) {
    this.ctx = ctx;
    this.returnFocus = document.activeElement;
    this.options = [];   // [{el, hash}]
    this.active = -1;
    this.timer = 0;      // the search waiting for typing to pause
    this.generation = 0; // the newest search; older answers are dropped
    this.searching = Promise.resolve();
    this.closed = false;
    this.opened = false; // closed by opening a result: the new screen takes focus
    this.build();
    this.listen();
    this.draw('', null);
    this.dialog.showModal();
    this.input.focus();
  }

  build() {
    this.input = el('input', { id: 'palette-input', type: 'text', autocomplete: 'off', spellcheck: false,
      placeholder: 'Search entries and screens…', role: 'combobox', 'aria-expanded': 'true',
      'aria-controls': 'palette-list', 'aria-autocomplete': 'list' });
    const label = el('label', { htmlFor: 'palette-input', className: 'visually-hidden', textContent: 'Search' });
    this.list = el('div', { id: 'palette-list', className: 'palette-list', role: 'listbox', 'aria-label': 'Results' });
    this.status = el('p', { id: 'palette-status', className: 'palette-status', 'aria-live': 'polite' });
    const help = el('p', { className: 'palette-help' },
      el('kbd', { textContent: '↑↓' }), ' move ', el('kbd', { textContent: 'Enter' }), ' open ',
      el('kbd', { textContent: 'Esc' }), ' close');
    this.dialog = el('dialog', { className: 'palette', 'aria-label': 'Search' },
      label, this.input, this.list, this.status, help);
    document.body.append(this.dialog);
  }

  listen() {
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), SEARCH_DELAY_MS);
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.setActive(this.active + (e.key === 'ArrowDown' ? 1 : -1));
      } else if (e.key === 'Enter') {
        e.preventDefault();
        this.openWhenSearched();
      }
    });
    this.dialog.addEventListener('close', () => {
      this.close();
      if (!this.opened && this.returnFocus?.isConnected) this.returnFocus.focus();
    });
    // A click on the backdrop (outside the box) closes.
    this.dialog.addEventListener('click', (e) => { if (e.target === this.dialog) this.dialog.close(); });
  }

  setActive(i) {
    const { options } = this;
    if (options[this.active]) options[this.active].el.setAttribute('aria-selected', 'false');
    this.active = options.length ? (i + options.length) % options.length : -1;
    if (this.active < 0) return this.input.removeAttribute('aria-activedescendant');
    const o = options[this.active];
    o.el.setAttribute('aria-selected', 'true');
    this.input.setAttribute('aria-activedescendant', o.el.id);
    o.el.scrollIntoView({ block: 'nearest' });
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.generation++;
    if (this.dialog.open) this.dialog.close();
    this.dialog.remove();
    current = null;
  }

  open(i) {
    const o = this.options[i];
    if (!o) return;
    this.opened = true;
    this.close();
    this.ctx.navigate(o.hash);
  }

  // hint: a word after the label (a screen's kind); snippet: nodes below it.
  addOption(group, text, { hint, snippet } = {}, hash) {
    const i = this.options.length;
    const label = el('span', { className: 'palette-label', textContent: text },
      hint ? el('span', { className: 'palette-hint', textContent: hint }) : null);
    const opt = el('div', { id: `palette-opt-${i}`, className: 'palette-option', role: 'option',
      'aria-selected': 'false', 'data-hash': hash },
      label, snippet ? el('span', { className: 'palette-snippet' }, ...snippet) : null);
    opt.addEventListener('mousemove', () => { if (this.active !== i) this.setActive(i); });
    opt.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
    opt.addEventListener('click', () => this.open(i));
    group.append(opt);
    this.options.push({ el: opt, hash });
  }

  addGroup(title) {
    const id = `palette-head-${this.list.children.length}`;
    const head = el('div', { id, className: 'palette-head', textContent: title, role: 'presentation' });
    return this.list.appendChild(el('div', { className: 'palette-group', role: 'group', 'aria-labelledby': id }, head));
  }

  // Draw the screens matching q and the search result (or null).
  draw(q, result) {
    this.list.replaceChildren();
    this.options = [];
    this.active = -1;
    const needle = q.trim().toLowerCase();
    const matching = screens(this.ctx).filter((s) => !needle || s.label.toLowerCase().includes(needle));
    if (matching.length) {
      const g = this.addGroup('Go to');
      for (const s of matching) this.addOption(g, s.label, { hint: s.hint }, s.hash);
    }
    for (const group of result?.groups || []) {
      const g = this.addGroup(group.name);
      for (const hit of group.hits)
        this.addOption(g, hit.label || `#${hit.id}`, { snippet: usefulSnippet(hit) ? snippetNodes(hit.snippet) : null },
          entryHash(group.object, hit.id));
    }
    // With a query, the first entry hit is what Enter should open.
    const firstHit = result?.groups?.length ? matching.length : 0;
    this.setActive(needle ? firstHit : 0);
  }

  search() {
    this.timer = 0;
    this.searching = this.runSearch();
    return this.searching;
  }

  async runSearch() {
    const q = this.input.value;
    const gen = ++this.generation;
    if (!q.trim()) {
      this.draw(q, null);
      this.status.textContent = '';
      return;
    }
    this.status.textContent = 'Searching…';
    try {
      const result = await get('/api/search' + query({ q, limit: SEARCH_LIMIT }));
      if (gen !== this.generation) return;
      this.draw(q, result);
      this.status.textContent = result.total
        ? `${result.total} matching ${result.total === 1 ? 'entry' : 'entries'}` : 'No matching entries';
    } catch (e) {
      if (gen !== this.generation) return;
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      this.draw(q, null);
      this.status.textContent = e.message;
    }
  }

  // Enter right after typing opens the first result of what was typed.
  async openWhenSearched() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.search();
    }
    await this.searching;
    if (!this.closed) this.open(this.active);
  }
}
