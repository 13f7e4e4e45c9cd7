// editors.js: an editor for one value of each field type, used by the
// table's cells, the bulk "Set field…" bar and the entry page. Text-like
// fields get an input of the right type, numbers a number input, booleans
// a checkbox, dates a date picker, select and multi_select a picker list,
// and relations a search box over the target object's entries.
//
// createEditor(field, value, { onCommit(newValue), onCancel() }) -> element
//   field: a field of /api/objects ({slug, name, type, options?, target?});
//   value: the entry's value in API JSON (a relation is {id, label} or null).
//   Enter (or leaving the editor, or picking an option) commits: onCommit
//   gets the value for a PATCH body (relation: id or null; multi_select: an
//   array; boolean: true/false; number: a number or null; date:
//   "YYYY-MM-DD" or null; text: a string, or null when emptied). Escape
//   calls onCancel. Committing the starting value cancels instead, and the
//   same value is never committed twice in a row (Enter, then the blur).
//   After onCommit the editor waits for the caller: remove it on success
//   (leaving it then sends nothing), or call showEditorError.
// showEditorError(editor, message): the server's message beside it; the
//   editor stays open with what was typed, and the next commit is sent.
import { get, query } from './api.js';
import { el, entryPath, quoteValue } from './dom.js';

const RELATION_LIMIT = 8;
const SEARCH_DELAY_MS = 150;
const INPUT_TYPE = { email: 'email', url: 'url', phone: 'tel', number: 'number',
  currency: 'number', rating: 'number', date: 'date', datetime: 'datetime-local' };

let editorCount = 0;
const labelFields = new Map(); // target object slug -> promise of its label field

// The comparable form of a value, so that {id, label} and its id match.
const keyOf = (field, v) => {
  if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) v = null;
  if (field.type === 'relation' && v && typeof v === 'object') v = v.id;
  if (field.type === 'boolean') v = Boolean(v);
  return JSON.stringify(v);
};

export function createEditor(field, value, { onCommit, onCancel }) {
  const id = `editor-${++editorCount}`;
  const root = el('div', { className: `editor editor-${field.type}`, 'data-field': field.slug });
  const error = el('p', { id: `${id}-error`, className: 'editor-error', role: 'alert' });
  const start = keyOf(field, value);
  let sent = start;
  let closed = false;
  let waiting = false; // a commit is with the caller (until an error)
  const session = {
    root, id, field, error,
    commit(v) {
      if (closed) return;
      const key = keyOf(field, v);
      if (key === sent) {
        if (key === start && !error.textContent) session.cancel();
        return;
      }
      sent = key;
      waiting = true;
      onCommit(v);
    },
    cancel() {
      if (closed) return;
      closed = true;
      onCancel();
    },
  };
  root.editorSession = session;
  // Leaving the editor (focus goes outside it) commits what it holds;
  // not while a commit is being saved, nor as the caller removes it.
  root.addEventListener('focusout', (e) => {
    if (waiting || !root.isConnected || (e.relatedTarget && root.contains(e.relatedTarget))) return;
    if (session.onLeave) session.onLeave();
  });
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); session.cancel(); }
  });
  const build = field.type === 'select' ? selectPicker
    : field.type === 'multi_select' ? multiPicker
      : field.type === 'relation' ? relationPicker
        : field.type === 'boolean' ? checkbox : plainInput;
  const input = build(session, value);
  input.setAttribute('aria-describedby', error.id);
  if (!input.hasAttribute('aria-label')) input.setAttribute('aria-label', field.name);
  // Focus the input with its text selected, so typing replaces it.
  root.focus = () => { input.focus(); if (input.type !== 'checkbox') input.select(); };
  // After a successful save the caller removes the editor; a later blur
  // must not send anything.
  root.close = () => { closed = true; };
  root.retry = () => { sent = null; waiting = false; };
  root.append(error);
  return root;
}

export function showEditorError(editorEl, message) {
  const s = editorEl.editorSession;
  if (!s) return;
  s.error.textContent = message;
  editorEl.classList.add('invalid');
  editorEl.retry();
  const input = editorEl.querySelector('input');
  input?.setAttribute('aria-invalid', 'true');
  if (!editorEl.contains(document.activeElement)) editorEl.focus();
}

// text, email, url, phone, number, currency, rating, date, datetime.
function plainInput(s, value) {
  const { field } = s;
  const type = INPUT_TYPE[field.type] || 'text';
  const input = el('input', { type, className: 'editor-input', autocomplete: 'off', spellcheck: false });
  if (type === 'number') input.step = 'any';
  input.value = toInputValue(field, value);
  const read = () => fromInputValue(field, input.value);
  // A number input reads '' for "12x": say so rather than clear the field.
  const commit = () => {
    if (input.validity.badInput) showEditorError(s.root, `${field.name}: not a valid ${type === 'number' ? 'number' : 'value'}`);
    else s.commit(read());
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); commit(); }
  });
  input.addEventListener('input', () => {
    s.error.textContent = '';
    s.root.classList.remove('invalid');
  });
  s.onLeave = commit;
  s.root.append(input);
  return input;
}

function toInputValue(field, value) {
  if (value === null || value === undefined) return '';
  if (field.type === 'datetime') {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return '';
    const local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 16);
  }
  return String(value);
}

function fromInputValue(field, text) {
  const t = text.trim();
  if (t === '') return null;
  switch (field.type) {
  case 'number': case 'currency': case 'rating':
    return Number(t);
  case 'datetime':
    return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  default:
    return field.type === 'date' ? t : text;
  }
}

// boolean: Space toggles and commits at once; Enter commits too.
function checkbox(s, value) {
  const input = el('input', { type: 'checkbox', className: 'editor-check', checked: Boolean(value) });
  const label = el('label', { className: 'editor-check-label' }, input, el('span', { textContent: s.field.name }));
  input.addEventListener('change', () => s.commit(input.checked));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); s.commit(input.checked); }
  });
  s.onLeave = () => s.commit(input.checked);
  s.root.append(label);
  return input;
}

// The list part of the pickers: a filter box with a listbox under it.
// options: [{value, label, selected}]; the active one moves with the arrows.
function pickerList(s, { multi, placeholder }) {
  const list = el('ul', { id: `${s.id}-list`, className: 'picker-list', role: 'listbox', 'aria-label': s.field.name });
  if (multi) list.setAttribute('aria-multiselectable', 'true');
  const input = el('input', { type: 'text', className: 'editor-input picker-filter', autocomplete: 'off',
    spellcheck: false, placeholder, role: 'combobox', 'aria-expanded': 'true', 'aria-controls': list.id,
    'aria-autocomplete': 'list' });
  const picker = { input, list, items: [], active: -1 };
  picker.setActive = (i) => {
    const n = picker.items.length;
    if (!n) { picker.active = -1; input.removeAttribute('aria-activedescendant'); return; }
    picker.active = (i + n) % n;
    picker.items.forEach((li, j) => li.classList.toggle('active', j === picker.active));
    const li = picker.items[picker.active];
    input.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  };
  // options: [{value, label, selected, extra}]; onPick(option).
  picker.render = (options, onPick) => {
    list.replaceChildren();
    picker.items = options.map((o, i) => {
      const li = el('li', { id: `${s.id}-opt-${i}`, className: o.extra ? 'picker-option picker-extra' : 'picker-option',
        role: 'option', 'aria-selected': String(Boolean(o.selected)) });
      if (multi && !o.extra) li.append(el('span', { className: 'picker-box', ariaHidden: 'true' }));
      li.append(el('span', { textContent: o.label }));
      li.option = o;
      // Keep the focus in the filter box while clicking an option.
      li.addEventListener('mousedown', (e) => e.preventDefault());
      li.addEventListener('click', () => onPick(o, li));
      list.append(li);
      return li;
    });
    if (!options.length) list.append(el('li', { className: 'picker-empty', textContent: 'No match' }));
    picker.setActive(0);
  };
  // Enter picks the active option: onPick(option).
  picker.pickOnEnter = (onPick) => input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const li = picker.items[picker.active];
    if (li) onPick(li.option);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); picker.setActive(picker.active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); picker.setActive(picker.active - 1); }
  });
  s.root.append(input, list);
  return picker;
}

const matches = (text, filter) => text.toLowerCase().includes(filter.trim().toLowerCase());

// select: type to filter, arrows, Enter picks; "Clear" empties the field.
function selectPicker(s, value) {
  const picker = pickerList(s, { multi: false, placeholder: 'Type to filter…' });
  const pick = (o) => s.commit(o.value);
  const show = () => {
    const f = picker.input.value;
    const opts = (s.field.options || []).filter((o) => matches(o, f))
      .map((o) => ({ value: o, label: o, selected: o === value }));
    if (value !== null && value !== undefined) opts.push({ value: null, label: 'Clear', extra: true });
    picker.render(opts, pick);
    const current = opts.findIndex((o) => o.selected);
    if (current >= 0 && !f) picker.setActive(current);
  };
  picker.input.addEventListener('input', show);
  picker.pickOnEnter(pick);
  s.onLeave = () => s.cancel();
  show();
  return picker.input;
}

// multi_select: Space (or a click) toggles an option, Enter commits.
function multiPicker(s, value) {
  const picker = pickerList(s, { multi: true, placeholder: 'Filter…' });
  picker.input.setAttribute('aria-keyshortcuts', 'Space Enter');
  picker.input.title = 'Space toggles the option, Enter saves';
  const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
  // In the options' order, so the same set always reads the same.
  const result = () => (s.field.options || []).filter((o) => chosen.has(o))
    .concat([...chosen].filter((o) => !(s.field.options || []).includes(o)));
  const toggle = (o, li) => {
    if (o.extra) { chosen.clear(); s.commit([]); return; }
    if (chosen.has(o.value)) chosen.delete(o.value); else chosen.add(o.value);
    o.selected = chosen.has(o.value);
    li.setAttribute('aria-selected', String(o.selected));
    picker.setActive(picker.items.indexOf(li));
  };
  const show = () => {
    const f = picker.input.value;
    const opts = (s.field.options || []).filter((o) => matches(o, f))
      .map((o) => ({ value: o, label: o, selected: chosen.has(o) }));
    if (chosen.size) opts.push({ value: null, label: 'Clear all', extra: true });
    picker.render(opts, toggle);
  };
  picker.input.addEventListener('input', show);
  picker.input.addEventListener('keydown', (e) => {
    const li = picker.items[picker.active];
    if (e.key === ' ' && li) { e.preventDefault(); toggle(li.option, li); }
    else if (e.key === 'Enter') { e.preventDefault(); s.commit(result()); }
  });
  s.onLeave = () => s.commit(result());
  show();
  return picker.input;
}

// The label field of a target object (GET /api/objects/{slug}), once.
function labelField(target) {
  if (!labelFields.has(target))
    labelFields.set(target, get(`/api/objects/${encodeURIComponent(target)}`)
      .then((o) => o.label || 'name')
      .catch((e) => { labelFields.delete(target); throw e; }));
  return labelFields.get(target);
}

// relation: a search box over the target's entries by their label field.
function relationPicker(s, value) {
  const picker = pickerList(s, { multi: false, placeholder: 'Search…' });
  const target = s.field.target;
  picker.input.value = value?.label || '';
  let timer = 0;
  let asked = 0;
  const pick = (o) => s.commit(o.value);
  const search = async () => {
    const n = ++asked;
    const text = picker.input.value.trim();
    try {
      const label = await labelField(target);
      const where = text && text !== value?.label ? `${label} ~ ${quoteValue(text)}` : '';
      const page = await get(entryPath(target) +
        query({ where, sort: label, limit: RELATION_LIMIT, count: 'false' }));
      if (n !== asked) return;
      const opts = page.entries.map((e) => ({ value: e.id, label: e[label] ?? `#${e.id}`, selected: e.id === value?.id }));
      if (value) opts.push({ value: null, label: 'Clear', extra: true });
      picker.render(opts, pick);
    } catch (e) {
      if (n === asked) s.error.textContent = e.message;
    }
  };
  picker.input.addEventListener('input', () => {
    s.error.textContent = '';
    clearTimeout(timer);
    timer = setTimeout(search, SEARCH_DELAY_MS);
  });
  picker.pickOnEnter(pick);
  s.onLeave = () => { clearTimeout(timer); s.cancel(); };
  search();
  return picker.input;
}
