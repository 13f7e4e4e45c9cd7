// table-screen.js: the table layout of one object or saved view: the
// header with its actions (New, Columns, Save view, Export), the filter
// bar (the filter language, with the server's error as you type), the
// form that adds an entry, the bar shown while rows are selected, and the
// editable entries table (table.js); header sort; a reload when a change
// to this object comes in (an open editor survives it).
import { ApiError, call, get, query } from './api.js';
import { filterBar } from './controls.js';
import { el, entryPath } from './dom.js';
import { objectHeader } from './header.js';
import { EntriesTable } from './table.js';
import { deleteEntries, selectionBar } from './table-bulk.js';
import { columnsMenu, saveViewControls } from './table-columns.js';

// The form that adds an entry by its label field. onCreated(entry).
function newEntryForm(object, onCreated, onClose) {
  const labelField = object.fields.find((f) => f.slug === object.label) || object.fields[0];
  const input = el('input', { type: 'text', id: 'new-entry-label', autocomplete: 'off', required: true,
    'aria-describedby': 'new-entry-error' });
  const error = el('p', { id: 'new-entry-error', className: 'error', role: 'alert' });
  const cancel = el('button', { type: 'button', textContent: 'Cancel' });
  const form = el('form', { className: 'new-entry', hidden: true, 'aria-label': `New entry in ${object.name}` },
    el('strong', { textContent: 'New entry' }), el('label', { htmlFor: input.id, textContent: labelField.name }),
    input, el('button', { type: 'submit', textContent: 'Add' }), cancel, error);
  const close = () => { form.hidden = true; error.textContent = ''; onClose(); };
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); close(); } });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const entry = await call('POST', entryPath(object), { [labelField.slug]: input.value });
      form.hidden = true;
      input.value = '';
      error.textContent = '';
      onCreated(entry);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return location.replace('/login');
      error.textContent = err.message;
      input.focus();
    }
  });
  return { form, open: () => { form.hidden = false; input.focus(); } };
}

// params: {object, view}; ctx: see app.js.
export async function mount(root, { object, view }, ctx) {
  const head = objectHeader(object, 'table', view);
  const filter = filterBar(view?.where, 'status = Lead and tags ~ vip');
  const header = el('div', { id: 'header', className: 'row header', role: 'row' });
  const thead = el('div', { className: 'thead', role: 'rowgroup' }, header);
  const spacer = el('div', { id: 'spacer', className: 'spacer', role: 'rowgroup' });
  const viewport = el('div', { id: 'viewport', className: 'table', tabIndex: 0,
    'aria-label': `${object.name}: arrows move, Enter edits, Space selects, Delete deletes, N adds` }, thead, spacer);
  const status = el('p', { id: 'status', className: 'status', 'aria-live': 'polite' });

  const state = { where: view?.where || '', sort: view?.sort || '',
    columns: view?.columns || object.fields.map((f) => f.slug) };
  const table = new EntriesTable({
    viewport, header, spacer,
    onTotal: (n) => { head.total.textContent = typeof n === 'number' ? `${n} ${n === 1 ? 'entry' : 'entries'}` : ''; },
    onStatus: (s) => { status.textContent = s; },
    onSelection: (ids) => bar.update(ids),
    onDelete: (ids) => deleteEntries(table, ctx, ids),
    onNew: () => adder.open(),
  });
  const bar = selectionBar(table, ctx);
  const adder = newEntryForm(object, (entry) => table.addPinned(entry), () => table.focusActive());

  const showError = (e) => {
    if (e.message !== 'superseded') filter.showError(e);
  };

  const exportLink = el('a', { className: 'button', textContent: 'Export', download: `${object.slug}.csv` });
  const updateExport = () => {
    exportLink.href = `/api/objects/${encodeURIComponent(object.slug)}/export` + query({ where: state.where });
  };

  // A wrong filter or sort keeps the rows shown and puts the server's
  // message under the filter bar.
  const show = async () => {
    try {
      await table.show({ object, where: state.where, sort: state.sort, columns: state.columns });
      filter.error.textContent = '';
      updateExport();
    } catch (e) {
      showError(e);
    }
  };

  // Sort by a header: none -> ascending -> descending -> none.
  table.onSort = (slug, order) => {
    state.sort = order === 'none' ? slug : order === 'ascending' ? `-${slug}` : '';
    show();
  };

  const newButton = el('button', { type: 'button', textContent: 'New', 'aria-keyshortcuts': 'N' });
  newButton.addEventListener('click', () => adder.open());
  const columns = columnsMenu(object, () => state.columns, (slugs) => { state.columns = slugs; show(); });
  const saving = saveViewControls(object, view, ctx,
    () => ({ where: state.where, sort: state.sort, columns: state.columns }));
  head.actions.append(newButton, columns.button, ...saving.buttons, exportLink, columns.panel, saving.panel);
  updateExport();

  root.append(head.root, filter.root, adder.form, bar.root, viewport, status);
  filter.onChange((where) => {
    state.where = where;
    show();
  });

  // An entry added here and deleted elsewhere leaves the top of the
  // table (unless an undo has brought it back since: it is asked for).
  const unpinDeleted = async (changes) => {
    const ids = changes.filter((c) => c.op === 'delete' && table.pinned.some((e) => e.id === c.entry_id))
      .map((c) => c.entry_id);
    await Promise.all(ids.map((id) => get(entryPath(object, id))
      .catch((e) => { if (e instanceof ApiError && e.status === 404) table.unpin([id]); })));
  };

  await show();
  return {
    onChanges(changes) {
      const mine = changes.filter((c) => c.reset || c.object === object.slug);
      if (!mine.length) return;
      table.deselect(mine.filter((c) => c.op === 'delete').map((c) => c.entry_id));
      unpinDeleted(mine).then(() => table.refresh()).catch(showError);
    },
    unmount() { filter.stop(); table.destroy(); },
  };
}
