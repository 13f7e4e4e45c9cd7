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
// The grid (the active cell, keys, clicks, selection) is table-grid.js;
// the editor over a cell is table-editing.js; the column widths are
// table-layout.js.
import { get, query } from './api.js';
import { renderCell } from './cells.js';
import { el, entryPath } from './dom.js';
import { cellEditing } from './table-editing.js';
import { activeCell, rowSelection } from './table-grid.js';
import { ROW_HEIGHT, columnLeft, columnsTemplate } from './table-layout.js';

const PAGE = 200;        // entries per request
const CATCH_UP = 1000;   // entries per request while far behind the view
const OVERSCAN = 8;      // rows drawn above and below the view

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
    const page = await get(entryPath(object) + query({ where, sort, limit, cursor, count: first ? '' : 'false' }));
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
    for (const row of this.drawn.values()) row.remove();
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
      for (const [i, row] of this.drawn)
        if (i < this.rows.length && row.classList.contains('placeholder')) { row.remove(); this.drawn.delete(i); }
      this.onStatus('');
      this.schedule();
    } catch (e) {
      if (e.message !== 'superseded') this.onStatus(e.message);
    } finally {
      this.loading = false;
    }
  }

  drawHeader() {
    this.header.replaceChildren();
    this.header.style.gridTemplateColumns = columnsTemplate(this.fields);
    // The rows are absolutely placed: the spacer gets their width.
    this.spacer.style.width = `${columnLeft(this.fields, this.fields.length)}px`;
    this.viewport.setAttribute('aria-colcount', String(this.fields.length + 1));
    const all = el('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select all loaded rows' });
    all.addEventListener('change', () => this.selectAll(all.checked));
    this.selectAllBox = all;
    this.syncSelectAll();
    this.header.append(el('div', { role: 'columnheader', className: 'cell check' }, all));
    const [key, desc] = this.sort.startsWith('-') ? [this.sort.slice(1), true] : [this.sort, false];
    for (const f of this.fields) {
      const order = f.slug === key ? (desc ? 'descending' : 'ascending') : 'none';
      const arrow = el('span', { className: 'arrow', 'aria-hidden': 'true',
        textContent: order === 'ascending' ? '▲' : order === 'descending' ? '▼' : '' });
      const b = el('button', { type: 'button', textContent: f.name, 'data-field': f.slug }, arrow);
      b.addEventListener('click', () => this.onSort && this.onSort(f.slug, order));
      this.header.append(el('div', { role: 'columnheader', className: 'cell', 'aria-sort': order }, b));
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
    for (const [i, row] of this.drawn)
      if (i < first || i >= last) { row.remove(); this.drawn.delete(i); }
    const template = columnsTemplate(this.fields);
    for (let i = first; i < last; i++) {
      if (this.drawn.has(i)) continue;
      const row = i < this.rows.length ? this.drawRow(this.rows[i], i, template) : this.drawPlaceholder(i);
      this.drawn.set(i, row);
      this.spacer.append(row);
    }
    if (last + PAGE / 2 >= this.rows.length) this.loadMore(last);
  }

  drawPlaceholder(i) {
    const row = el('div', { className: 'row placeholder', role: 'row', 'aria-rowindex': String(i + 2),
      'aria-busy': 'true' });
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    return row;
  }

  drawRow(entry, i, template) {
    const selected = this.selected.has(entry.id);
    const row = el('div', { className: selected ? 'row selected' : 'row', role: 'row',
      'aria-rowindex': String(i + 2), 'aria-selected': String(selected), 'data-id': entry.id });
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    row.style.gridTemplateColumns = template;
    const box = el('input', { type: 'checkbox', tabIndex: -1, checked: selected,
      'aria-label': `Select ${this.labelOf(entry)}` });
    row.append(el('div', { role: 'gridcell', className: 'cell check' }, box));
    this.fields.forEach((f, c) => {
      const cell = el('div', { role: 'gridcell', 'aria-colindex': String(c + 2), 'data-field': f.slug, tabIndex: -1 });
      renderCell(cell, f, entry[f.slug]);
      // One tab stop for the whole grid: links in cells are for the mouse.
      for (const a of cell.querySelectorAll('a')) a.tabIndex = -1;
      if (i === this.active.row && c === this.active.col) cell.classList.add('active');
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
    const row = this.drawRow(this.rows[i], i, columnsTemplate(this.fields));
    old.replaceWith(row);
    this.drawn.set(i, row);
    if (hadFocus) this.focusActive();
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

  destroy() {
    cancelAnimationFrame(this.frame);
    this.closeEditor();
  }
}

Object.assign(EntriesTable.prototype, activeCell, rowSelection, cellEditing);
