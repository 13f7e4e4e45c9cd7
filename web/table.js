// table.js: the read-only table of one object's entries. A column per
// field; a click on a header sorts (aria-sort); keyset paging (the first
// page counts, later pages ask count=false and follow next_cursor); only
// the rows in view are in the DOM: each row has a fixed height and sits at
// its offset inside a spacer as tall as all loaded rows, and the next page
// loads as the view nears the end of them.
import { get, query } from './api.js';
import { renderCell } from './cells.js';

const ROW_HEIGHT = 32;   // px; matches .row in style.css
const PAGE = 200;        // entries per request
const OVERSCAN = 8;      // rows drawn above and below the view

const WIDTH = { text: 220, email: 240, url: 220, relation: 180, multi_select: 220,
  select: 140, date: 120, datetime: 180, number: 110, currency: 120, boolean: 90, phone: 160 };

export class EntriesTable {
  constructor({ viewport, header, spacer, onTotal, onStatus }) {
    Object.assign(this, { viewport, header, spacer, onTotal, onStatus });
    this.rows = [];
    this.drawn = new Map(); // row index -> element
    this.generation = 0;
    this.frame = 0;
    viewport.addEventListener('scroll', () => this.schedule());
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
    Object.assign(this, { object, where, sort, fields });
    this.drawHeader();
    this.replaceRows(page, same);
    return page;
  }

  // Reload the first page with the same settings (a change came in).
  async refresh() {
    if (!this.object) return;
    const page = await this.fetchPage(this.object, this.where, this.sort, null, true);
    this.replaceRows(page, true);
  }

  async fetchPage(object, where, sort, cursor, first) {
    const gen = first ? ++this.generation : this.generation;
    const path = `/api/objects/${encodeURIComponent(object.slug)}/entries` +
      query({ where, sort, limit: PAGE, cursor, count: first ? '' : 'false' });
    const page = await get(path);
    if (gen !== this.generation) throw new Error('superseded');
    return page;
  }

  replaceRows(page, keepScroll) {
    this.rows = page.entries;
    this.nextCursor = page.next_cursor;
    this.total = page.total;
    this.onTotal(page.total);
    for (const el of this.drawn.values()) el.remove();
    this.drawn.clear();
    if (!keepScroll) this.viewport.scrollTop = 0;
    this.viewport.setAttribute('aria-rowcount', String(page.total + 1));
    this.draw();
  }

  async loadMore() {
    if (this.loading || !this.nextCursor) return;
    this.loading = true;
    this.onStatus('Loading more…');
    try {
      const page = await this.fetchPage(this.object, this.where, this.sort, this.nextCursor, false);
      this.rows.push(...page.entries);
      this.nextCursor = page.next_cursor;
      this.onStatus('');
      this.schedule();
    } catch (e) {
      if (e.message !== 'superseded') this.onStatus(e.message);
    } finally {
      this.loading = false;
    }
  }

  columnsTemplate() {
    return this.fields.map((f) => `${WIDTH[f.type] || 160}px`).join(' ');
  }

  drawHeader() {
    this.header.replaceChildren();
    this.header.style.gridTemplateColumns = this.columnsTemplate();
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

  // Draw the rows in view; drop the others.
  draw() {
    if (!this.fields) return;
    const n = this.rows.length;
    this.spacer.style.height = `${n * ROW_HEIGHT}px`;
    const top = Math.max(0, this.viewport.scrollTop - this.header.offsetHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((top + this.viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [i, el] of this.drawn)
      if (i < first || i >= last) { el.remove(); this.drawn.delete(i); }
    const template = this.columnsTemplate();
    for (let i = first; i < last; i++) {
      if (this.drawn.has(i)) continue;
      const el = this.drawRow(this.rows[i], i, template);
      this.drawn.set(i, el);
      this.spacer.append(el);
    }
    if (last + PAGE / 2 >= n) this.loadMore();
  }

  drawRow(entry, i, template) {
    const row = document.createElement('div');
    row.className = 'row';
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(i + 2));
    row.dataset.id = entry.id;
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    row.style.gridTemplateColumns = template;
    for (const f of this.fields) {
      const cell = document.createElement('div');
      cell.setAttribute('role', 'cell');
      renderCell(cell, f, entry[f.slug]);
      row.append(cell);
    }
    return row;
  }
}
