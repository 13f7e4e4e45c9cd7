// table.js: the table of one object's entries, as an editable grid. A
// column per field after a checkbox column; a click on a header sorts
// (aria-sort); keyset paging (the first page counts, later pages ask
// count=false and follow next_cursor); only the rows in view are in the
// DOM: each row has a fixed height and sits at its offset inside a spacer
// as tall as every matching entry (the first page's total), so the
// scrollbar covers the whole object; the next page loads as the view
// nears the end of the loaded rows, and after a jump past them the pages
// on the way load in the background (1000 at a time when far behind)
// while placeholders stand in for the rows.
//
// The grid: one cell is active (arrows, Home/End, PageUp/PageDown move
// it); Enter, F2 or a double click opens its editor (editors.js) over the
// cell; Enter commits (PATCH), Tab commits and moves right, Escape
// cancels. The editor sits in the spacer, not in a row, so that a refresh
// redraws the rows under it without losing what is typed. Space, a row's
// checkbox, Ctrl/Shift-click select rows; Delete asks the screen to
// delete them (onDelete); N asks for a new entry (onNew).
import { call, get, query } from './api.js';
import { renderCell } from './cells.js';
import { createEditor, showEditorError } from './editors.js';

const ROW_HEIGHT = 32;   // px; matches .row in style.css
const PAGE = 200;        // entries per request
const CATCH_UP = 1000;   // entries per request while far behind the view
const OVERSCAN = 8;      // rows drawn above and below the view
const CHECK_WIDTH = 36;  // px; the selection column
const EDITOR_MIN_WIDTH = 240;

const WIDTH = { text: 220, email: 240, url: 220, relation: 180, multi_select: 220,
  select: 140, date: 140, datetime: 190, number: 110, currency: 120, boolean: 90, phone: 160 };
const widthOf = (f) => WIDTH[f.type] || 160;

export class EntriesTable {
  // onTotal(n), onStatus(text), onSelection(ids), onDelete(ids), onNew(),
  // onSort(slug, order) is set later.
  constructor({ viewport, header, spacer, onTotal, onStatus, onSelection, onDelete, onNew }) {
    Object.assign(this, { viewport, header, spacer, onTotal, onStatus, onSelection, onDelete, onNew });
    this.rows = [];
    this.pinned = [];           // entries added here, kept on top until the settings change
    this.drawn = new Map();     // row index -> element
    this.selected = new Set();  // entry ids
    this.active = { row: 0, col: 0 };
    this.anchor = null;         // row index a Shift-click extends from
    this.editing = null;        // {id, slug, box, editor, move}
    this.generation = 0;
    this.frame = 0;
    viewport.setAttribute('role', 'grid');
    viewport.addEventListener('scroll', () => this.schedule());
    viewport.addEventListener('keydown', (e) => this.onKey(e));
    // Focus coming into the table lands on the active cell; Shift+Tab
    // back from the header stops on the table itself, so it can leave.
    viewport.addEventListener('focus', (e) => {
      if (!e.relatedTarget || !header.contains(e.relatedTarget)) this.focusActive();
    });
    spacer.addEventListener('click', (e) => this.onClick(e));
    spacer.addEventListener('dblclick', (e) => {
      const at = this.cellOf(e.target);
      if (at && at.col >= 0 && !e.target.closest('a')) this.openEditor(at.row, at.col);
    });
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  // Show object (from /api/objects) with where, sort and columns (slugs).
  // Resolves after the first page; rejects with the server's error (and
  // keeps the rows shown) when the filter or sort is wrong.
  async show({ object, where = '', sort = '', columns = null }) {
    const fields = columns
      ? columns.map((s) => object.fields.find((f) => f.slug === s)).filter(Boolean)
      : object.fields;
    const page = await this.fetchPage(object, where, sort, null, true);
    const same = this.object && this.object.slug === object.slug;
    if (!same || where !== this.where || sort !== this.sort) {
      this.pinned = [];
      this.selected.clear();
      this.onSelection?.([]);
    }
    Object.assign(this, { object, where, sort, fields });
    this.active.col = Math.min(this.active.col, fields.length - 1);
    this.drawHeader();
    this.replaceRows(page, same);
    return page;
  }

  // Reload the first page with the same settings (a change came in). An
  // open editor stays as it is.
  async refresh() {
    if (!this.object) return;
    const page = await this.fetchPage(this.object, this.where, this.sort, null, true);
    this.replaceRows(page, true);
  }

  async fetchPage(object, where, sort, cursor, first, limit = PAGE) {
    const gen = first ? ++this.generation : this.generation;
    const path = `/api/objects/${encodeURIComponent(object.slug)}/entries` +
      query({ where, sort, limit, cursor, count: first ? '' : 'false' });
    const page = await get(path);
    if (gen !== this.generation) throw new Error('superseded');
    return page;
  }

  replaceRows(page, keepScroll) {
    const hadFocus = this.cellHasFocus();
    const fresh = new Map(page.entries.map((e) => [e.id, e]));
    this.pinned = this.pinned.map((e) => fresh.get(e.id) || e);
    const pinnedIds = new Set(this.pinned.map((e) => e.id));
    this.rows = [...this.pinned, ...page.entries.filter((e) => !pinnedIds.has(e.id))];
    this.nextCursor = page.next_cursor;
    this.total = page.total;
    this.onTotal(page.total);
    this.redrawAll(hadFocus, keepScroll);
  }

  redrawAll(refocus, keepScroll = true) {
    for (const el of this.drawn.values()) el.remove();
    this.drawn.clear();
    if (!keepScroll) this.viewport.scrollTop = 0;
    this.viewport.setAttribute('aria-rowcount', String((this.total ?? this.rows.length) + 1));
    this.active.row = Math.max(0, Math.min(this.active.row, this.rows.length - 1));
    this.placeEditor();
    this.draw();
    if (refocus) this.focusActive();
  }

  // The next page along the cursor; a bigger one when the view is far
  // past the loaded rows (a jump with the scrollbar).
  async loadMore(needed = 0) {
    if (this.loading || !this.nextCursor) return;
    this.loading = true;
    const behind = needed - this.rows.length > CATCH_UP;
    this.onStatus(behind ? `Loading… ${this.rows.length.toLocaleString()} of ${this.extent().toLocaleString()}` : 'Loading more…');
    try {
      const page = await this.fetchPage(this.object, this.where, this.sort, this.nextCursor, false, behind ? CATCH_UP : PAGE);
      // Entries added here are on top already.
      const pinned = new Set(this.pinned.map((e) => e.id));
      this.rows.push(...page.entries.filter((e) => !pinned.has(e.id)));
      this.nextCursor = page.next_cursor;
      // Placeholders of rows now loaded give way to the rows.
      for (const [i, el] of this.drawn)
        if (i < this.rows.length && el.classList.contains('placeholder')) { el.remove(); this.drawn.delete(i); }
      this.onStatus('');
      this.schedule();
    } catch (e) {
      if (e.message !== 'superseded') this.onStatus(e.message);
    } finally {
      this.loading = false;
    }
  }

  columnsTemplate() {
    return [`${CHECK_WIDTH}px`, ...this.fields.map((f) => `${widthOf(f)}px`)].join(' ');
  }

  // The left edge of field column col, in px.
  columnLeft(col) {
    return this.fields.slice(0, col).reduce((x, f) => x + widthOf(f), CHECK_WIDTH);
  }

  drawHeader() {
    this.header.replaceChildren();
    this.header.style.gridTemplateColumns = this.columnsTemplate();
    // The rows are absolutely placed: the spacer gets their width.
    this.spacer.style.width = `${this.columnLeft(this.fields.length)}px`;
    this.viewport.setAttribute('aria-colcount', String(this.fields.length + 1));
    const all = document.createElement('input');
    all.type = 'checkbox';
    all.id = 'select-all';
    all.setAttribute('aria-label', 'Select all loaded rows');
    all.addEventListener('change', () => this.selectAll(all.checked));
    this.selectAllBox = all;
    this.syncSelectAll();
    const check = document.createElement('div');
    check.setAttribute('role', 'columnheader');
    check.className = 'cell check';
    check.append(all);
    this.header.append(check);
    const [key, desc] = this.sort.startsWith('-') ? [this.sort.slice(1), true] : [this.sort, false];
    for (const f of this.fields) {
      const th = document.createElement('div');
      th.setAttribute('role', 'columnheader');
      th.className = 'cell';
      const order = f.slug === key ? (desc ? 'descending' : 'ascending') : 'none';
      th.setAttribute('aria-sort', order);
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = f.name;
      b.dataset.field = f.slug;
      const arrow = document.createElement('span');
      arrow.className = 'arrow';
      arrow.setAttribute('aria-hidden', 'true');
      arrow.textContent = order === 'ascending' ? '▲' : order === 'descending' ? '▼' : '';
      b.append(arrow);
      b.addEventListener('click', () => this.onSort && this.onSort(f.slug, order));
      th.append(b);
      this.header.append(th);
    }
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  // How many rows the scrollbar covers: every matching entry (the first
  // page's total) while more pages remain, else the rows loaded.
  extent() {
    if (!this.nextCursor || typeof this.total !== 'number') return this.rows.length;
    return Math.max(this.total, this.rows.length);
  }

  // Draw the rows in view (a placeholder where a row is not loaded yet);
  // drop the others; load on along the cursor up to the view.
  draw() {
    if (!this.fields) return;
    const n = this.extent();
    this.spacer.style.height = `${n * ROW_HEIGHT}px`;
    const top = Math.max(0, this.viewport.scrollTop - this.header.offsetHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((top + this.viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [i, el] of this.drawn)
      if (i < first || i >= last) { el.remove(); this.drawn.delete(i); }
    const template = this.columnsTemplate();
    for (let i = first; i < last; i++) {
      if (this.drawn.has(i)) continue;
      const el = i < this.rows.length ? this.drawRow(this.rows[i], i, template) : this.drawPlaceholder(i);
      this.drawn.set(i, el);
      this.spacer.append(el);
    }
    if (last + PAGE / 2 >= this.rows.length) this.loadMore(last);
  }

  drawPlaceholder(i) {
    const row = document.createElement('div');
    row.className = 'row placeholder';
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(i + 2));
    row.setAttribute('aria-busy', 'true');
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    return row;
  }

  drawRow(entry, i, template) {
    const row = document.createElement('div');
    const selected = this.selected.has(entry.id);
    row.className = selected ? 'row selected' : 'row';
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(i + 2));
    row.setAttribute('aria-selected', String(selected));
    row.dataset.id = entry.id;
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    row.style.gridTemplateColumns = template;
    const check = document.createElement('div');
    check.setAttribute('role', 'gridcell');
    check.className = 'cell check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.tabIndex = -1;
    box.checked = selected;
    box.setAttribute('aria-label', `Select ${this.labelOf(entry)}`);
    check.append(box);
    row.append(check);
    this.fields.forEach((f, c) => {
      const cell = document.createElement('div');
      renderCell(cell, f, entry[f.slug]);
      // One tab stop for the whole grid: links in cells are for the mouse.
      for (const a of cell.querySelectorAll('a')) a.tabIndex = -1;
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('aria-colindex', String(c + 2));
      cell.dataset.field = f.slug;
      const active = i === this.active.row && c === this.active.col;
      cell.tabIndex = -1;
      if (active) cell.classList.add('active');
      row.append(cell);
    });
    return row;
  }

  labelOf(entry) {
    const slug = this.object.label || this.fields[0]?.slug;
    const v = entry[slug];
    return v === null || v === undefined || v === '' ? `#${entry.id}` : String(v);
  }

  // Redraw the row of one entry (after a save).
  redrawRow(i) {
    const old = this.drawn.get(i);
    if (!old) return;
    const hadFocus = old.contains(document.activeElement);
    const row = this.drawRow(this.rows[i], i, this.columnsTemplate());
    old.replaceWith(row);
    this.drawn.set(i, row);
    if (hadFocus) this.focusActive();
  }

  // ---- the grid: the active cell and the keys ----

  cellOf(target) {
    const cell = target.closest?.('.row [role=gridcell]');
    const row = cell?.parentElement;
    if (!row || !this.spacer.contains(row)) return null;
    const i = Number(row.getAttribute('aria-rowindex')) - 2;
    return { row: i, col: [...row.children].indexOf(cell) - 1, cell };
  }

  cellElement(row, col) {
    return this.drawn.get(row)?.children[col + 1] || null;
  }

  cellHasFocus() {
    const a = document.activeElement;
    return Boolean(a && a.closest?.('.row') && this.spacer.contains(a));
  }

  // Scroll so that the active cell shows, draw, and focus it.
  focusActive() {
    if (!this.rows.length || !this.fields?.length) return;
    const { row, col } = this.active;
    const vp = this.viewport;
    const head = this.header.offsetHeight;
    const top = row * ROW_HEIGHT;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT + head > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_HEIGHT + head - vp.clientHeight;
    const left = this.columnLeft(col);
    const right = left + widthOf(this.fields[col]);
    if (left - CHECK_WIDTH < vp.scrollLeft) vp.scrollLeft = Math.max(0, left - CHECK_WIDTH);
    else if (right > vp.scrollLeft + vp.clientWidth) vp.scrollLeft = right - vp.clientWidth;
    this.draw();
    for (const el of this.spacer.querySelectorAll('.cell.active')) el.classList.remove('active');
    const cell = this.cellElement(row, col);
    if (cell) {
      cell.classList.add('active');
      cell.focus({ preventScroll: true });
    }
  }

  setActive(row, col, focus = true) {
    this.active = {
      row: Math.max(0, Math.min(row, this.rows.length - 1)),
      col: Math.max(0, Math.min(col, this.fields.length - 1)),
    };
    if (focus) this.focusActive();
  }

  pageRows() {
    return Math.max(1, Math.floor((this.viewport.clientHeight - this.header.offsetHeight) / ROW_HEIGHT) - 1);
  }

  // Keys on a cell (or on the table itself, which stands for its active cell).
  onKey(e) {
    const onCell = e.target.closest?.('.row') && !this.header.contains(e.target);
    if (this.editing?.box.contains(e.target) || !(onCell || e.target === this.viewport) || !this.rows.length) return;
    const { row, col } = this.active;
    const moves = {
      ArrowUp: [row - 1, col], ArrowDown: [row + 1, col], ArrowLeft: [row, col - 1], ArrowRight: [row, col + 1],
      Home: [e.ctrlKey ? 0 : row, 0], End: [e.ctrlKey ? this.rows.length - 1 : row, this.fields.length - 1],
      PageUp: [row - this.pageRows(), col], PageDown: [row + this.pageRows(), col],
    };
    if (moves[e.key] && !e.altKey && !e.metaKey) {
      e.preventDefault();
      this.setActive(...moves[e.key]);
      if (e.shiftKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) this.extendSelection(row, this.active.row);
      return;
    }
    if ((e.key === 'Enter' || e.key === 'F2') && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.openEditor(row, col);
    } else if (e.key === ' ') {
      e.preventDefault();
      this.toggleRow(row);
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && (e.metaKey || e.ctrlKey))) {
      e.preventDefault();
      const ids = this.selected.size ? [...this.selected] : [this.rows[row]?.id].filter(Boolean);
      if (ids.length) this.onDelete?.(ids);
    } else if ((e.key === 'n' || e.key === 'N') && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      this.onNew?.();
    } else if (e.key === 'Escape' && this.selected.size) {
      this.clearSelection();
    }
  }

  onClick(e) {
    if (this.editing?.box.contains(e.target)) return;
    const at = this.cellOf(e.target);
    if (!at) return;
    if (at.col < 0) {
      // The checkbox column: a click toggles; Shift extends. The row's
      // cell takes the focus, so that Space goes on with the same row.
      if (e.shiftKey && this.anchor !== null) this.extendSelection(this.anchor, at.row);
      else this.toggleRow(at.row);
      this.setActive(at.row, this.active.col);
      return;
    }
    this.setActive(at.row, at.col, false);
    if (e.shiftKey && this.anchor !== null) this.extendSelection(this.anchor, at.row);
    else if (e.ctrlKey || e.metaKey) this.toggleRow(at.row);
    if (!e.target.closest('a')) this.focusActive();
  }

  // ---- selection ----

  toggleRow(i) {
    const entry = this.rows[i];
    if (!entry) return;
    if (this.selected.has(entry.id)) this.selected.delete(entry.id);
    else this.selected.add(entry.id);
    this.anchor = i;
    this.selectionChanged();
  }

  extendSelection(from, to) {
    const [a, b] = from < to ? [from, to] : [to, from];
    for (let i = a; i <= b; i++) if (this.rows[i]) this.selected.add(this.rows[i].id);
    this.anchor = to;
    this.selectionChanged();
  }

  selectAll(on) {
    if (on) for (const e of this.rows) this.selected.add(e.id);
    else this.selected.clear();
    this.selectionChanged();
  }

  clearSelection() {
    this.selected.clear();
    this.selectionChanged();
  }

  // Entries deleted elsewhere leave the selection.
  deselect(ids) {
    if (ids.some((id) => this.selected.has(id))) {
      for (const id of ids) this.selected.delete(id);
      this.selectionChanged();
    }
  }

  selectionChanged() {
    for (const [i, row] of this.drawn) {
      if (i >= this.rows.length) continue;
      const on = this.selected.has(this.rows[i].id);
      row.classList.toggle('selected', on);
      row.setAttribute('aria-selected', String(on));
      row.querySelector('.check input').checked = on;
    }
    this.syncSelectAll();
    this.onSelection?.([...this.selected]);
  }

  // The header's box: checked when every loaded row is selected, mixed
  // when some are.
  syncSelectAll() {
    const n = this.selected.size;
    this.selectAllBox.checked = n > 0 && n >= this.rows.length;
    this.selectAllBox.indeterminate = n > 0 && n < this.rows.length;
  }

  // ---- changes made here ----

  // A new entry: on top, active and focused.
  addPinned(entry) {
    this.pinned.unshift(entry);
    this.rows = [entry, ...this.rows.filter((e) => e.id !== entry.id)];
    this.total = (this.total ?? 0) + 1;
    this.onTotal(this.total);
    this.active = { row: 0, col: 0 };
    this.redrawAll(false, true);
    this.viewport.scrollTop = 0;
    this.focusActive();
  }

  // Entries added here, deleted and brought back by an undo: on top again.
  async repin(entries) {
    const ids = new Set(entries.map((e) => e.id));
    this.pinned = [...entries, ...this.pinned.filter((e) => !ids.has(e.id))];
    await this.refresh();
  }

  // Entries deleted elsewhere are no longer kept on top.
  unpin(ids) {
    const gone = new Set(ids);
    this.pinned = this.pinned.filter((e) => !gone.has(e.id));
  }

  // An entry as the server answered it.
  updateEntry(entry) {
    const i = this.rows.findIndex((e) => e.id === entry.id);
    if (i < 0) return;
    this.rows[i] = entry;
    this.pinned = this.pinned.map((e) => (e.id === entry.id ? entry : e));
    this.redrawRow(i);
  }

  // Entries deleted here go at once (the refresh that follows agrees).
  removeEntries(ids) {
    const gone = new Set(ids);
    const refocus = this.cellHasFocus() || document.activeElement === document.body;
    this.rows = this.rows.filter((e) => !gone.has(e.id));
    this.pinned = this.pinned.filter((e) => !gone.has(e.id));
    for (const id of ids) this.selected.delete(id);
    if (typeof this.total === 'number') {
      this.total = Math.max(0, this.total - ids.length);
      this.onTotal(this.total);
    }
    this.redrawAll(refocus);
    this.selectionChanged();
  }

  // ---- the editor over a cell ----

  openEditor(row, col) {
    const entry = this.rows[row];
    const field = this.fields[col];
    if (!entry || !field) return;
    this.closeEditor(false);
    this.setActive(row, col);
    const box = document.createElement('div');
    box.className = 'cell-editor';
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
  }

  // Put the editor over its entry's cell (the row may have moved).
  placeEditor() {
    const ed = this.editing;
    if (!ed) return;
    const i = this.rows.findIndex((e) => e.id === ed.id);
    const col = this.fields.findIndex((f) => f.slug === ed.slug);
    if (i < 0 || col < 0) return;
    const f = this.fields[col];
    ed.box.style.top = `${i * ROW_HEIGHT}px`;
    ed.box.style.left = `${this.columnLeft(col)}px`;
    ed.box.style.width = `${Math.max(widthOf(f), f.type === 'text' || f.type === 'email' || f.type === 'url' || f.type === 'phone' ? widthOf(f) : EDITOR_MIN_WIDTH)}px`;
    if (this.active.row !== i && this.editing) this.active = { row: i, col };
  }

  async save(editing, value) {
    const path = `/api/objects/${encodeURIComponent(this.object.slug)}/entries/${editing.id}`;
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
  }

  // Close the editor; focus its cell (or the next one after Tab) unless
  // the focus has gone somewhere else on purpose.
  finishEdit(editing) {
    if (this.editing !== editing) return;
    const had = editing.box.contains(document.activeElement) || editing.move !== 0;
    this.closeEditor(false);
    const i = this.rows.findIndex((e) => e.id === editing.id);
    const col = this.fields.findIndex((f) => f.slug === editing.slug);
    if (i >= 0 && col >= 0) this.setActive(i, col + editing.move, false);
    if (had) this.focusActive();
    else requestAnimationFrame(() => { if (document.activeElement === document.body) this.focusActive(); });
  }

  closeEditor() {
    if (!this.editing) return;
    this.editing.editor.close();
    this.editing.box.remove();
    this.editing = null;
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.closeEditor();
  }
}
