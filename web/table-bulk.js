// table-bulk.js: what the table does to many entries at once. Deleting
// (the focused row or the selection) and setting one field on every
// selected entry, each followed by a toast whose "Undo" reverts all of it
// through the change log; and the bar that shows over the table while rows
// are selected ("N selected: Set field… / Delete").
import { call, get } from './api.js';
import { el, entryPath } from './dom.js';
import { createEditor, showEditorError } from './editors.js';

const plural = (n, object) => (n === 1 ? '1 entry' : `${n} ${object.name.toLowerCase()}`);

// The id of the newest change of each entry (the one just made here).
async function lastChanges(object, ids) {
  const answers = await Promise.all(ids.map((id) => get(`${entryPath(object, id)}/changes?limit=1`)));
  return answers.map((a) => a.changes[0]?.id).filter(Boolean);
}

// Revert changes, newest first; each with its group (a delete also
// cleared the relations that pointed at the entry).
async function undoChanges(changeIds) {
  for (const id of [...changeIds].reverse())
    await call('POST', `/api/changes/${id}/undo`, { group: true });
}

// Run one request per id in turn; stops at the first failure.
async function each(ids, request) {
  const done = [];
  for (const id of ids) {
    try {
      done.push(await request(id));
    } catch (error) {
      return { done, error };
    }
  }
  return { done, error: null };
}

// Delete ids from the table's object; a toast offers Undo.
export async function deleteEntries(table, ctx, ids) {
  const object = table.object;
  const names = new Map(table.loadedEntries().filter((e) => ids.includes(e.id)).map((e) => [e.id, table.labelOf(e)]));
  const pinned = table.pinned.filter((e) => ids.includes(e.id));
  const { done, error } = await each(ids, async (id) => {
    await call('DELETE', entryPath(object, id));
    return id;
  });
  if (done.length) {
    table.removeEntries(done);
    const changes = await lastChanges(object, done).catch(() => []);
    const what = done.length === 1 ? (names.get(done[0]) || `#${done[0]}`) : plural(done.length, object);
    ctx.toast(`Deleted ${what}`, { action: changes.length ? {
      label: 'Undo',
      run: async () => { await undoChanges(changes); await table.repin(pinned); },
    } : undefined });
  }
  if (error) ctx.toast(error.message, { error: true });
}

// Set field to value on ids, in turn; the rows show the answers. Throws
// the first error; the entries changed before it stay changed, and the
// toast offers Undo for them.
async function setField(table, ctx, ids, field, value) {
  const object = table.object;
  const { done, error } = await each(ids, (id) =>
    call('PATCH', entryPath(object, id), { [field.slug]: value }));
  for (const entry of done) table.updateEntry(entry);
  if (done.length) {
    const changes = await lastChanges(object, done.map((e) => e.id)).catch(() => []);
    ctx.toast(`Set ${field.name} on ${plural(done.length, object)}`, { action: changes.length ? {
      label: 'Undo',
      run: async () => { await undoChanges(changes); await table.refresh(); },
    } : undefined });
  }
  if (error) throw error;
}

// The bar shown while rows are selected. Returns {root, update(ids)}.
export function selectionBar(table, ctx) {
  const count = el('span', { className: 'bulk-count', 'aria-live': 'polite' });
  const setButton = el('button', { type: 'button', textContent: 'Set field…' });
  const slot = el('div', { className: 'bulk-editor' });
  const del = el('button', { type: 'button', className: 'danger', textContent: 'Delete' });
  const clear = el('button', { type: 'button', textContent: 'Clear selection' });
  const root = el('div', { className: 'bulk-bar', hidden: true, role: 'toolbar', 'aria-label': 'Selected rows' },
    count, setButton, slot, del, clear);
  let ids = [];

  const closeEditor = () => {
    slot.replaceChildren();
    setButton.hidden = false;
  };
  const openEditor = (field) => {
    const editor = createEditor(field, null, {
      onCommit: async (value) => {
        try {
          await setField(table, ctx, ids, field, value);
          closeEditor();
          setButton.focus();
        } catch (e) {
          showEditorError(editor, e.message);
        }
      },
      onCancel: () => { closeEditor(); setButton.focus(); },
    });
    slot.replaceChildren(el('span', { className: 'bulk-field-name', textContent: `${field.name}:` }), editor);
    editor.focus();
  };

  // First the field, with the select picker over the field names; then
  // the value, with that field's editor.
  setButton.addEventListener('click', () => {
    const fields = table.object.fields;
    const chooser = { slug: '_field', name: 'Field to set', type: 'select', options: fields.map((f) => f.name) };
    const pick = createEditor(chooser, null, {
      onCommit: (name) => {
        const field = fields.find((f) => f.name === name);
        if (field) openEditor(field); else closeEditor();
      },
      onCancel: () => { closeEditor(); setButton.focus(); },
    });
    setButton.hidden = true;
    slot.replaceChildren(pick);
    pick.focus();
  });
  del.addEventListener('click', () => deleteEntries(table, ctx, ids));
  clear.addEventListener('click', () => table.clearSelection());

  return {
    root,
    update(selected) {
      ids = selected;
      root.hidden = ids.length === 0;
      count.textContent = `${ids.length} selected:`;
      if (!ids.length) closeEditor();
    },
  };
}
