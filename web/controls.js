// controls.js: the controls the object screens share: the filter bar (the
// table, the board and the calendar), a labelled field picker, the
// "Save view" form of the board and the calendar, and a hidden live region
// for announcements.
import { ApiError, call } from './api.js';
import { el } from './dom.js';

const FILTER_DELAY_MS = 250;

// The user's filter and a condition of the screen's own, both applying.
export const andWhere = (where, cond) => (where ? `(${where}) and ${cond}` : cond);

// The filter bar: {root, input, error, onChange(fn), showError(e), stop()}
// where fn gets the trimmed text after a pause in typing, and showError
// puts a failure's message under the bar (or goes to the login page when
// the session has ended).
export function filterBar(initial, placeholder) {
  const input = el('input', { id: 'filter', type: 'text', spellcheck: false, autocomplete: 'off',
    placeholder, value: initial || '', 'aria-describedby': 'filter-error' });
  const error = el('p', { id: 'filter-error', className: 'error', role: 'status', 'aria-live': 'polite' });
  const root = el('div', { className: 'filterbar' },
    el('label', { htmlFor: 'filter', textContent: 'Filter' }), input, error);
  let timer = 0;
  return {
    root, input, error,
    onChange(fn) {
      input.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => fn(input.value.trim()), FILTER_DELAY_MS);
      });
    },
    showError(e) {
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      error.textContent = e.message;
    },
    stop() { clearTimeout(timer); },
  };
}

// A screen's show() over its load(): load() bumps the generation and
// answers whether it drew (false when a later load made it moot). The
// filter's error clears when it drew; a failure of the latest load (a
// wrong filter) shows under the filter bar and leaves the screen as it was.
export function showWithFilter(filter, load, generation) {
  return async () => {
    const gen = generation() + 1;
    try {
      if (await load()) filter.error.textContent = '';
    } catch (e) {
      if (gen === generation()) filter.showError(e);
    }
  };
}

// A labelled <select> of fields: {root, select}.
export function fieldPicker(id, label, fields, current) {
  const select = el('select', { id },
    ...fields.map((f) => el('option', { value: f.slug, textContent: f.name })));
  select.value = current;
  const root = el('span', { className: 'picker' }, el('label', { htmlFor: id, textContent: label }), select);
  return { root, select };
}

// "Save view": a button that opens a name field; Enter or Save posts the
// view that body() describes, Escape cancels; the server's message shows
// beside the field. Opens the new view when saved.
export function saveViewForm(object, ctx, body) {
  const open = el('button', { type: 'button', className: 'save-view', textContent: 'Save view' });
  const name = el('input', { type: 'text', id: 'view-name', placeholder: 'View name', autocomplete: 'off',
    'aria-label': 'View name', 'aria-describedby': 'view-error' });
  const save = el('button', { type: 'submit', textContent: 'Save' });
  const cancel = el('button', { type: 'button', textContent: 'Cancel' });
  const error = el('span', { id: 'view-error', className: 'error', role: 'alert' });
  const form = el('form', { className: 'view-form', hidden: true }, name, save, cancel, error);
  const root = el('span', { className: 'view-save' }, open, form);
  const close = () => { form.hidden = true; open.hidden = false; error.textContent = ''; open.focus(); };
  open.addEventListener('click', () => { open.hidden = true; form.hidden = false; name.focus(); });
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); close(); } });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      const view = await call('POST', '/api/views', { object: object.slug, name: name.value.trim(), ...body() });
      await ctx.reloadLists();
      ctx.toast(`Saved view ${view.name}`);
      ctx.navigate(`#/v/${view.id}`);
    } catch (err) {
      error.textContent = err.message;
      name.focus();
    } finally {
      save.disabled = false;
    }
  });
  return root;
}

// A visually hidden live region for announcements (moves, months).
export function announcer() {
  const region = el('div', { className: 'visually-hidden', 'aria-live': 'assertive' });
  return { root: region, say: (text) => { region.textContent = text; } };
}
