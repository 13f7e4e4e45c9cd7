// table-editing.js: the editor over a cell of the entries table
// (table.js): Enter, F2 or a double click opens the cell's editor
// (editors.js); Enter commits (PATCH), Tab commits and moves right, Escape
// cancels; a failed save shows the server's message and keeps what was
// typed. The editor sits in the spacer, not in a row, so that a refresh
// redraws the rows under it without losing what is typed. Methods mixed
// into EntriesTable.
import { call } from './api.js';
import { el, entryPath } from './dom.js';
import { createEditor, showEditorError } from './editors.js';
import { ROW_HEIGHT, columnLeft, widthOf } from './table-layout.js';

const EDITOR_MIN_WIDTH = 240;  // px; but text-like fields keep their column's width
const TEXT_LIKE = new Set(['text', 'email', 'url', 'phone']);

export const cellEditing = {
  openEditor(row, col) {
    const entry = this.rowAt(row);
    const field = this.fields[col];
    if (!entry || !field) return;
    this.closeEditor();
    this.setActive(row, col);
    const box = el('div', { className: 'cell-editor' });
    const editing = { id: entry.id, slug: field.slug, box, move: 0 };
    const editor = createEditor(field, entry[field.slug], {
      onCommit: (value) => this.save(editing, value),
      onCancel: () => this.finishEdit(editing),
    });
    editing.editor = editor;
    box.append(editor);
    box.addEventListener('keydown', (e) => {
      if (e.key !== 'Tab') return;
      e.preventDefault();
      editing.move = e.shiftKey ? -1 : 1;
      editor.editorSession.onLeave?.();
    });
    this.editing = editing;
    this.spacer.append(box);
    this.placeEditor();
    editor.focus();
  },

  // Put the editor over its entry's cell (the row may have moved).
  placeEditor() {
    const ed = this.editing;
    if (!ed) return;
    const i = this.indexOf(ed.id);
    const col = this.fields.findIndex((f) => f.slug === ed.slug);
    if (i < 0 || col < 0) return;
    const f = this.fields[col];
    ed.box.style.top = `${i * ROW_HEIGHT}px`;
    ed.box.style.left = `${columnLeft(this.fields, col)}px`;
    ed.box.style.width = `${TEXT_LIKE.has(f.type) ? widthOf(f) : Math.max(widthOf(f), EDITOR_MIN_WIDTH)}px`;
    if (this.active.row !== i) this.active = { row: i, col };
  },

  async save(editing, value) {
    const path = entryPath(this.object, editing.id);
    editing.box.classList.add('saving');
    try {
      const entry = await call('PATCH', path, { [editing.slug]: value });
      editing.box.classList.remove('saving');
      this.updateEntry(entry);
      this.finishEdit(editing);
    } catch (e) {
      editing.box.classList.remove('saving');
      if (e.status === 401) return location.replace('/login');
      editing.move = 0;
      if (editing.box.isConnected) showEditorError(editing.editor, e.message);
    }
  },

  // Close the editor; focus its cell (or the next one after Tab) unless
  // the focus has gone somewhere else on purpose.
  finishEdit(editing) {
    if (this.editing !== editing) return;
    const had = editing.box.contains(document.activeElement) || editing.move !== 0;
    this.closeEditor();
    const i = this.indexOf(editing.id);
    const col = this.fields.findIndex((f) => f.slug === editing.slug);
    if (i >= 0 && col >= 0) this.setActive(i, col + editing.move, false);
    if (had) this.focusActive();
    else requestAnimationFrame(() => { if (document.activeElement === document.body) this.focusActive(); });
  },

  closeEditor() {
    if (!this.editing) return;
    this.editing.editor.close();
    this.editing.box.remove();
    this.editing = null;
  },
};
