// table-columns.js: the table's "Columns" menu (a checkbox per field to
// show or hide it, Move up / Move down buttons and Alt+ArrowUp/Down to
// order them) and "Save view" (the filter, sort and columns into the
// saved view on screen, PATCH /api/views/{id}, or a new one by name,
// POST /api/views).
import { call } from './api.js';
import { el } from './dom.js';

// A disclosure: button toggles panel; Escape closes it and focuses the
// button; a click outside closes it.
function disclosure(button, panel, onOpen) {
  const set = (open) => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) onOpen();
  };
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', panel.id);
  button.addEventListener('click', () => set(panel.hidden));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); set(false); button.focus(); }
  });
  document.addEventListener('mousedown', (e) => {
    if (!panel.hidden && !panel.contains(e.target) && !button.contains(e.target)) set(false);
  });
  return { close: () => set(false) };
}

// object: from /api/objects; getColumns() -> slugs shown, in order;
// onChange(slugs) applies a new list. Returns {button, panel}.
export function columnsMenu(object, getColumns, onChange) {
  const button = el('button', { type: 'button', textContent: 'Columns' });
  const list = el('ul', { className: 'columns-list' });
  const panel = el('div', { id: 'columns-menu', className: 'popover columns-menu', hidden: true,
    role: 'dialog', 'aria-label': 'Columns' }, el('p', { className: 'popover-title', textContent: 'Columns' }), list);

  // Every field: the shown ones first in their order, then the others.
  const order = () => {
    const shown = getColumns();
    return [...shown.map((s) => object.fields.find((f) => f.slug === s)).filter(Boolean),
      ...object.fields.filter((f) => !shown.includes(f.slug))];
  };
  const apply = (fields, shown, focusSlug, focusWhat) => {
    onChange(fields.filter((f) => shown.has(f.slug)).map((f) => f.slug));
    render(fields, shown);
    list.querySelector(`[data-field="${focusSlug}"] ${focusWhat}`)?.focus();
  };
  const render = (fields = order(), shown = new Set(getColumns())) => {
    list.replaceChildren(...fields.map((f, i) => {
      const box = el('input', { type: 'checkbox', checked: shown.has(f.slug), id: `column-${f.slug}`,
        'aria-keyshortcuts': 'Alt+ArrowUp Alt+ArrowDown' });
      const label = el('label', { htmlFor: box.id, textContent: f.name });
      const up = el('button', { type: 'button', className: 'move-up', textContent: '↑', disabled: i === 0,
        'aria-label': `Move ${f.name} up` });
      const down = el('button', { type: 'button', className: 'move-down', textContent: '↓',
        disabled: i === fields.length - 1, 'aria-label': `Move ${f.name} down` });
      const move = (by, focusWhat) => {
        const j = i + by;
        if (j < 0 || j >= fields.length) return;
        const next = [...fields];
        [next[i], next[j]] = [next[j], next[i]];
        apply(next, shown, f.slug, focusWhat);
      };
      box.addEventListener('change', () => {
        const next = new Set(shown);
        if (box.checked) next.add(f.slug); else next.delete(f.slug);
        if (next.size === 0) { box.checked = true; return; } // keep one column
        apply(fields, next, f.slug, 'input');
      });
      box.addEventListener('keydown', (e) => {
        if (e.altKey && e.key === 'ArrowUp') { e.preventDefault(); move(-1, 'input'); }
        if (e.altKey && e.key === 'ArrowDown') { e.preventDefault(); move(1, 'input'); }
      });
      up.addEventListener('click', () => move(-1, i - 1 === 0 ? '.move-down' : '.move-up'));
      down.addEventListener('click', () => move(1, i + 1 === fields.length - 1 ? '.move-up' : '.move-down'));
      return el('li', { 'data-field': f.slug }, box, label, up, down);
    }));
  };
  disclosure(button, panel, () => { render(); list.querySelector('input')?.focus(); });
  return { button, panel };
}

// "Save view": into view when one is on screen; "Save as new view…" asks
// a name. getState() -> {where, sort, columns}.
export function saveViewControls(object, view, ctx, getState) {
  const buttons = [];
  if (view) {
    const save = el('button', { type: 'button', textContent: 'Save view' });
    save.addEventListener('click', async () => {
      save.disabled = true;
      try {
        await call('PATCH', `/api/views/${view.id}`, getState());
        await ctx.reloadLists();
        ctx.toast(`Saved the view “${view.name}”`);
      } catch (e) {
        ctx.toast(e.message, { error: true });
      } finally {
        save.disabled = false;
      }
    });
    buttons.push(save);
  }
  const asNew = el('button', { type: 'button', textContent: view ? 'Save as…' : 'Save view' });
  const name = el('input', { type: 'text', id: 'view-name', autocomplete: 'off', required: true });
  const error = el('p', { className: 'error', id: 'view-name-error', role: 'alert' });
  name.setAttribute('aria-describedby', error.id);
  const form = el('form', { className: 'save-view-form' },
    el('label', { htmlFor: name.id, textContent: 'View name' }), name,
    el('button', { type: 'submit', textContent: 'Save' }), error);
  const panel = el('div', { id: 'save-view', className: 'popover save-view', hidden: true,
    role: 'dialog', 'aria-label': 'Save as a new view' }, form);
  disclosure(asNew, panel, () => { error.textContent = ''; name.focus(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const created = await call('POST', '/api/views',
        { object: object.slug, name: name.value.trim(), kind: 'table', ...getState() });
      await ctx.reloadLists();
      ctx.toast(`Saved the view “${created.name}”`);
      ctx.navigate(`#/v/${created.id}`);
    } catch (err) {
      error.textContent = err.message;
      name.focus();
    }
  });
  buttons.push(asNew);
  return { buttons, panel };
}
