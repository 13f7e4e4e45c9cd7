// table.js: the table of one object's entries, as an editable grid. A
// column per field after a checkbox column; a click on a header sorts
// (aria-sort). Only the rows in view are in the DOM: each row has a fixed
// height and sits at its offset inside a spacer as tall as every matching
// entry (the first page's total), so the scrollbar covers the whole
// object. The rows are a sparse cache of pages of PAGE entries, loaded as
// the view reaches them: a page right after a loaded one follows its
// next_cursor, any other (a jump with the scrollbar) asks for its offset,
// so a jump shows its rows after one request; placeholders stand in until
// then, and the pages farthest from the view are dropped. Entries added
// here stay on top (pinned) until the settings change; they also show at
// their place in the order.
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

const PAGE = 200;        // entries per request, and per page of the cache
const KEEP_PAGES = 40;   // pages kept; the farthest from the view go first
const OVERSCAN = 8;      // rows drawn above and below the view

export class EntriesTable {
  // onTotal(n), onStatus(text), onSelection(ids), onDelete(ids), onNew(),
  // onSort(slug, order) is set later.
  constructor({ viewport, header, spacer, onTotal, onStatus, onSelection, onDelete, onNew }) {
    Object.assign(this, { viewport, header, spacer, onTotal, onStatus, onSelection, onDelete, onNew });
    this.pages = new Map();     // page index -> {entries, next_cursor} of the server's order
    this.loading = new Set();   // page indexes asked for
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
    const gen = ++this.generation;
    const page = await this.fetchPage(object, where, sort, {}, gen);
    const same = this.object && this.object.slug === object.slug;
    if (!same || where !== this.where || sort !== this.sort) {
      this.pinned = [];
      this.selected.clear();
      this.onSelection?.([]);
    }
    Object.assign(this, { object, where, sort, fields });
    this.active.col = Math.min(this.active.col, fields.length - 1);
    this.drawHeader();
    this.replacePages(page, new Map([[0, page]]), same);
    return page;
  }

  // A change came in: the total (the first page counts) and the pages in
  // view again, by offset; the scroll position, the active cell and an
  // open editor stay.
  async refresh() {
    if (!this.object) return;
    const gen = ++this.generation;
    const { object, where, sort } = this;
    const inView = this.pagesOf(...this.rowsInView()).filter((k) => k > 0);
    const [first, ...rest] = await Promise.all([
      this.fetchPage(object, where, sort, {}, gen),
      ...inView.map((k) => this.fetchPage(object, where, sort, { offset: k * PAGE, count: 'false' }, gen)),
    ]);
    const pages = new Map([[0, first]]);
    inView.forEach((k, j) => pages.set(k, rest[j]));
    this.replacePages(first, pages, true);
  }

  // One page of PAGE entries (extra: offset, cursor, count); throws
  // 'superseded' when show() or refresh() has started again since gen.
  async fetchPage(object, where, sort, extra, gen) {
    const page = await get(entryPath(object) + query({ where, sort, limit: PAGE, ...extra }));
    if (gen !== this.generation) throw new Error('superseded');
    return page;
  }

  // Pages new from the server (first counts the total); the rows redrawn.
  replacePages(first, pages, keepScroll) {
    const hadFocus = this.cellHasFocus();
    const fresh = new Map();
    for (const page of pages.values()) for (const e of page.entries) fresh.set(e.id, e);
    this.pinned = this.pinned.map((e) => fresh.get(e.id) || e);
    this.pages = pages;
    this.loading = new Set();
    this.setTotal(first.total ?? first.entries.length);
    this.redrawAll(hadFocus, keepScroll);
  }

  setTotal(n) {
    this.total = n;
    this.onTotal(n);
    this.viewport.setAttribute('aria-rowcount', String(this.count() + 1));
  }

  redrawAll(refocus, keepScroll = true) {
    for (const row of this.drawn.values()) row.remove();
    this.drawn.clear();
    if (!keepScroll) this.viewport.scrollTop = 0;
    this.active.row = Math.max(0, Math.min(this.active.row, this.count() - 1));
    this.placeEditor();
    this.draw();
    if (refocus) this.focusActive();
  }

  // ---- the rows: the pinned ones, then the server's order in pages ----

  // How many rows there are: the pinned ones and every matching entry.
  count() {
    return this.pinned.length + (this.total ?? 0);
  }

  // The entry of row i; undefined while its page is not loaded.
  rowAt(i) {
    if (i < this.pinned.length) return this.pinned[i];
    const at = i - this.pinned.length;
    return this.pages.get(Math.floor(at / PAGE))?.entries[at % PAGE];
  }

  // The first row that shows entry id, or -1 when it is not loaded.
  indexOf(id) {
    const p = this.pinned.findIndex((e) => e.id === id);
    if (p >= 0) return p;
    for (const [k, page] of this.pages) {
      const j = page.entries.findIndex((e) => e.id === id);
      if (j >= 0) return this.pinned.length + k * PAGE + j;
    }
    return -1;
  }

  // Every loaded entry once, the pinned ones first.
  loadedEntries() {
    const all = new Map(this.pinned.map((e) => [e.id, e]));
    const order = [...this.pages.keys()].sort((a, b) => a - b);
    for (const k of order) for (const e of this.pages.get(k).entries) if (!all.has(e.id)) all.set(e.id, e);
    return [...all.values()];
  }

  // The rows [first, last) to draw: those in view and a few around.
  rowsInView() {
    const top = Math.max(0, this.viewport.scrollTop - this.header.offsetHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.count(), Math.ceil((top + this.viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    return [first, last];
  }

  // The indexes of the pages that hold rows [first, last), within the total.
  pagesOf(first, last) {
    const from = Math.max(0, first - this.pinned.length);
    const to = Math.min(this.total ?? 0, last - this.pinned.length);
    const out = [];
    for (let k = Math.floor(from / PAGE); k * PAGE < to; k++) out.push(k);
    return out;
  }

  // Load page k: along the cursor of the page before when that one is
  // loaded, else by its offset (count=false either way).
  async loadPage(k) {
    if (this.pages.has(k) || this.loading.has(k)) return;
    const loading = this.loading;
    const gen = this.generation;
    const before = this.pages.get(k - 1)?.next_cursor;
    loading.add(k);
    this.onStatus('Loading…');
    try {
      const at = before ? { cursor: before } : { offset: k * PAGE };
      const page = await this.fetchPage(this.object, this.where, this.sort, { ...at, count: 'false' }, gen);
      this.pages.set(k, page);
      // The end of the list is here: the total follows it.
      if (!page.next_cursor && k * PAGE + page.entries.length !== this.total) this.setTotal(k * PAGE + page.entries.length);
      this.evict();
      this.onStatus('');
      this.schedule();
    } catch (e) {
      if (e.message !== 'superseded') this.onStatus(e.message);
    } finally {
      loading.delete(k);
    }
  }

  // Keep at most KEEP_PAGES pages: drop those farthest from the view.
  evict() {
    if (this.pages.size <= KEEP_PAGES) return;
    const [first, last] = this.rowsInView();
    const here = ((first + last) / 2 - this.pinned.length) / PAGE;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - here) - Math.abs(a - here));
    for (const k of far.slice(0, this.pages.size - KEEP_PAGES)) this.pages.delete(k);
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

  // Draw the rows in view (a placeholder where a row is not loaded yet);
  // drop the others; load the pages in view, and the next one when the
  // view nears its end.
  draw() {
    if (!this.fields) return;
    this.spacer.style.height = `${this.count() * ROW_HEIGHT}px`;
    const [first, last] = this.rowsInView();
    for (const [i, row] of this.drawn)
      if (i < first || i >= last || (row.classList.contains('placeholder') && this.rowAt(i))) {
        row.remove();
        this.drawn.delete(i);
      }
    const template = columnsTemplate(this.fields);
    for (let i = first; i < last; i++) {
      if (this.drawn.has(i)) continue;
      const entry = this.rowAt(i);
      const row = entry ? this.drawRow(entry, i, template) : this.drawPlaceholder(i);
      this.drawn.set(i, row);
      this.spacer.append(row);
    }
    this.focusIfLoaded();
    const inView = this.pagesOf(first, last);
    for (const k of inView) this.loadPage(k);
    // The page after, once the view nears it: along the cursor only.
    for (const k of this.pagesOf(first, last + PAGE / 2))
      if (!inView.includes(k) && this.pages.has(k - 1)) this.loadPage(k);
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
    const entry = this.rowAt(i);
    if (!entry) return;
    const row = this.drawRow(entry, i, columnsTemplate(this.fields));
    old.replaceWith(row);
    this.drawn.set(i, row);
    if (hadFocus) this.focusActive();
  }

  // ---- changes made here ----

  // A new entry: on top, active and focused.
  addPinned(entry) {
    this.pinned = [entry, ...this.pinned.filter((e) => e.id !== entry.id)];
    this.setTotal((this.total ?? 0) + 1);
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

  // An entry as the server answered it: every row that shows it.
  updateEntry(entry) {
    const swap = (e) => (e.id === entry.id ? entry : e);
    this.pinned = this.pinned.map(swap);
    for (const page of this.pages.values()) page.entries = page.entries.map(swap);
    const rows = [...this.drawn.keys()].filter((i) => this.rowAt(i)?.id === entry.id);
    for (const i of rows) this.redrawRow(i);
  }

  // Entries deleted here go at once (the refresh that follows agrees, and
  // fills the pages again).
  removeEntries(ids) {
    const gone = new Set(ids);
    const refocus = this.cellHasFocus() || document.activeElement === document.body;
    this.pinned = this.pinned.filter((e) => !gone.has(e.id));
    for (const page of this.pages.values()) page.entries = page.entries.filter((e) => !gone.has(e.id));
    for (const id of ids) this.selected.delete(id);
    if (typeof this.total === 'number') this.setTotal(Math.max(0, this.total - ids.length));
    this.redrawAll(refocus);
    this.selectionChanged();
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.closeEditor();
  }
}

Object.assign(EntriesTable.prototype, activeCell, rowSelection, cellEditing);
