// palette.js: the search palette (Ctrl/Cmd-K or the sidebar's Search
// button). A modal <dialog> with a combobox input: the screens whose name
// matches (dashboard, settings, each object) come first, then the hits of
// GET /api/search grouped by object, each with its label and snippet.
// Arrow keys move, Enter opens, Escape closes and gives focus back.
import { get, query, ApiError } from './api.js';

const SEARCH_DELAY_MS = 150;
const SEARCH_LIMIT = 20;

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

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
  if (current) {
    current.input.focus();
    return;
  }
  const returnFocus = document.activeElement;
  const input = el('input', { id: 'palette-input', type: 'text', autocomplete: 'off', spellcheck: false,
    placeholder: 'Search entries and screens…' });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-expanded', 'true');
  input.setAttribute('aria-controls', 'palette-list');
  input.setAttribute('aria-autocomplete', 'list');
  const label = el('label', { htmlFor: 'palette-input', className: 'visually-hidden', textContent: 'Search' });
  const list = el('div', { id: 'palette-list', className: 'palette-list' });
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Results');
  const status = el('p', { id: 'palette-status', className: 'palette-status' });
  status.setAttribute('aria-live', 'polite');
  const help = el('p', { className: 'palette-help' },
    el('kbd', { textContent: '↑↓' }), ' move ', el('kbd', { textContent: 'Enter' }), ' open ',
    el('kbd', { textContent: 'Esc' }), ' close');
  const dialog = el('dialog', { className: 'palette' }, label, input, list, status, help);
  dialog.setAttribute('aria-label', 'Search');
  document.body.append(dialog);

  let options = [];   // [{el, hash}]
  let active = -1;
  let timer = 0;
  let generation = 0;

  const setActive = (i) => {
    if (options[active]) options[active].el.setAttribute('aria-selected', 'false');
    active = options.length ? (i + options.length) % options.length : -1;
    if (active < 0) return input.removeAttribute('aria-activedescendant');
    const o = options[active];
    o.el.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', o.el.id);
    o.el.scrollIntoView({ block: 'nearest' });
  };

  let closed = false;
  let opened = false; // closed by opening a result: the new screen takes focus
  const close = () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    generation++;
    if (dialog.open) dialog.close();
    dialog.remove();
    current = null;
  };

  const open = (i) => {
    const o = options[i];
    if (!o) return;
    opened = true;
    close();
    ctx.navigate(o.hash);
  };

  // hint: a word after the label (a screen's kind); snippet: nodes below it.
  const addOption = (group, text, { hint, snippet } = {}, hash) => {
    const i = options.length;
    const label = el('span', { className: 'palette-label', textContent: text });
    if (hint) label.append(el('span', { className: 'palette-hint', textContent: hint }));
    const opt = el('div', { id: `palette-opt-${i}`, className: 'palette-option' }, label);
    if (snippet) opt.append(el('span', { className: 'palette-snippet' }, ...snippet));
    opt.setAttribute('role', 'option');
    opt.setAttribute('aria-selected', 'false');
    opt.dataset.hash = hash;
    opt.addEventListener('mousemove', () => { if (active !== i) setActive(i); });
    opt.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
    opt.addEventListener('click', () => open(i));
    group.append(opt);
    options.push({ el: opt, hash });
  };

  let headId = 0;
  const addGroup = (title) => {
    const id = `palette-head-${headId++}`;
    const head = el('div', { id, className: 'palette-head', textContent: title });
    head.setAttribute('role', 'presentation');
    const group = el('div', { className: 'palette-group' }, head);
    group.setAttribute('role', 'group');
    group.setAttribute('aria-labelledby', id);
    list.append(group);
    return group;
  };

  // Draw the screens matching q and the search result (or null).
  const draw = (q, result) => {
    list.replaceChildren();
    options = [];
    active = -1;
    headId = 0;
    const needle = q.trim().toLowerCase();
    const matching = screens(ctx).filter((s) => !needle || s.label.toLowerCase().includes(needle));
    if (matching.length) {
      const g = addGroup('Go to');
      for (const s of matching) addOption(g, s.label, { hint: s.hint }, s.hash);
    }
    for (const group of result?.groups || []) {
      const g = addGroup(group.name);
      for (const hit of group.hits) {
        const hash = `#/e/${encodeURIComponent(group.object)}/${hit.id}`;
        addOption(g, hit.label || `#${hit.id}`, { snippet: usefulSnippet(hit) ? snippetNodes(hit.snippet) : null }, hash);
      }
    }
    // With a query, the first entry hit is what Enter should open.
    const firstHit = result?.groups?.length ? matching.length : 0;
    setActive(needle ? firstHit : 0);
  };

  let searching = Promise.resolve();
  const search = () => {
    timer = 0;
    searching = runSearch();
    return searching;
  };
  const runSearch = async () => {
    const q = input.value;
    const gen = ++generation;
    if (!q.trim()) {
      draw(q, null);
      status.textContent = '';
      return;
    }
    status.textContent = 'Searching…';
    try {
      const result = await get('/api/search' + query({ q, limit: SEARCH_LIMIT }));
      if (gen !== generation) return;
      draw(q, result);
      status.textContent = result.total ? `${result.total} matching ${result.total === 1 ? 'entry' : 'entries'}` : 'No matching entries';
    } catch (e) {
      if (gen !== generation) return;
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      draw(q, null);
      status.textContent = e.message;
    }
  };

  // Enter right after typing opens the first result of what was typed.
  const openWhenSearched = async () => {
    if (timer) {
      clearTimeout(timer);
      search();
    }
    await searching;
    if (!closed) open(active);
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, SEARCH_DELAY_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(active + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      openWhenSearched();
    }
  });
  dialog.addEventListener('close', () => {
    close();
    if (!opened && returnFocus?.isConnected) returnFocus.focus();
  });
  // A click on the backdrop (outside the box) closes.
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });

  current = { dialog, input };
  draw('', null);
  dialog.showModal();
  input.focus();
}
