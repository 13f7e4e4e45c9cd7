// table-grid.js: the entries table (table.js) as a grid: one cell is
// active (arrows, Home/End, PageUp/PageDown move it; a click sets it);
// Enter or F2 opens its editor; Space, a row's checkbox, Ctrl/Shift-click
// select rows; Delete asks the screen to delete them, N to add an entry.
// Methods mixed into EntriesTable.
import { CHECK_WIDTH, ROW_HEIGHT, columnLeft, widthOf } from './table-layout.js';

// The active cell, its focus and the keys and clicks that move it.
export const activeCell = {
  cellOf(target) {
    const cell = target.closest?.('.row [role=gridcell]');
    const row = cell?.parentElement;
    if (!row || !this.spacer.contains(row)) return null;
    const i = Number(row.getAttribute('aria-rowindex')) - 2;
    return { row: i, col: [...row.children].indexOf(cell) - 1, cell };
  },

  cellElement(row, col) {
    return this.drawn.get(row)?.children[col + 1] || null;
  },

  cellHasFocus() {
    const a = document.activeElement;
    return Boolean(a && a.closest?.('.row') && this.spacer.contains(a));
  },

  // Scroll so that the active cell shows, draw, and focus it.
  focusActive() {
    if (!this.count() || !this.fields?.length) return;
    const { row, col } = this.active;
    const vp = this.viewport;
    const head = this.header.offsetHeight;
    const top = row * ROW_HEIGHT;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT + head > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_HEIGHT + head - vp.clientHeight;
    const left = columnLeft(this.fields, col);
    const right = left + widthOf(this.fields[col]);
    if (left - CHECK_WIDTH < vp.scrollLeft) vp.scrollLeft = Math.max(0, left - CHECK_WIDTH);
    else if (right > vp.scrollLeft + vp.clientWidth) vp.scrollLeft = right - vp.clientWidth;
    this.draw();
    for (const c of this.spacer.querySelectorAll('.cell.active')) c.classList.remove('active');
    const cell = this.cellElement(row, col);
    // A row not loaded yet takes the focus when it comes (focusIfLoaded).
    this.focusPending = !cell;
    if (cell) {
      cell.classList.add('active');
      cell.focus({ preventScroll: true });
    }
  },

  // After a draw: the active cell waited for its row and it is here now;
  // unless the focus has gone somewhere else meanwhile.
  focusIfLoaded() {
    if (!this.focusPending || !this.cellElement(this.active.row, this.active.col)) return;
    this.focusPending = false;
    const a = document.activeElement;
    if (!a || a === document.body || this.viewport.contains(a)) this.focusActive();
  },

  setActive(row, col, focus = true) {
    this.active = {
      row: Math.max(0, Math.min(row, this.count() - 1)),
      col: Math.max(0, Math.min(col, this.fields.length - 1)),
    };
    if (focus) this.focusActive();
  },

  pageRows() {
    return Math.max(1, Math.floor((this.viewport.clientHeight - this.header.offsetHeight) / ROW_HEIGHT) - 1);
  },

  // Keys on a cell (or on the table itself, which stands for its active cell).
  onKey(e) {
    const onCell = e.target.closest?.('.row') && !this.header.contains(e.target);
    if (this.editing?.box.contains(e.target) || !(onCell || e.target === this.viewport) || !this.count()) return;
    const { row, col } = this.active;
    const moves = {
      ArrowUp: [row - 1, col], ArrowDown: [row + 1, col], ArrowLeft: [row, col - 1], ArrowRight: [row, col + 1],
      Home: [e.ctrlKey ? 0 : row, 0], End: [e.ctrlKey ? this.count() - 1 : row, this.fields.length - 1],
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
      const ids = this.selected.size ? [...this.selected] : [this.rowAt(row)?.id].filter(Boolean);
      if (ids.length) this.onDelete?.(ids);
    } else if ((e.key === 'n' || e.key === 'N') && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      this.onNew?.();
    } else if (e.key === 'Escape' && this.selected.size) {
      this.clearSelection();
    }
  },

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
  },
};

// The selected rows (entry ids) and the header's "select all" box.
export const rowSelection = {
  toggleRow(i) {
    const entry = this.rowAt(i);
    if (!entry) return;
    if (this.selected.has(entry.id)) this.selected.delete(entry.id);
    else this.selected.add(entry.id);
    this.anchor = i;
    this.selectionChanged();
  },

  extendSelection(from, to) {
    const [a, b] = from < to ? [from, to] : [to, from];
    for (let i = a; i <= b; i++) {
      const entry = this.rowAt(i);
      if (entry) this.selected.add(entry.id);
    }
    this.anchor = to;
    this.selectionChanged();
  },

  selectAll(on) {
    if (on) for (const e of this.loadedEntries()) this.selected.add(e.id);
    else this.selected.clear();
    this.selectionChanged();
  },

  clearSelection() {
    this.selected.clear();
    this.selectionChanged();
  },

  // Entries deleted elsewhere leave the selection.
  deselect(ids) {
    if (ids.some((id) => this.selected.has(id))) {
      for (const id of ids) this.selected.delete(id);
      this.selectionChanged();
    }
  },

  selectionChanged() {
    for (const [i, row] of this.drawn) {
      const entry = this.rowAt(i);
      if (!entry || row.classList.contains('placeholder')) continue;
      const on = this.selected.has(entry.id);
      row.classList.toggle('selected', on);
      row.setAttribute('aria-selected', String(on));
      row.querySelector('.check input').checked = on;
    }
    this.syncSelectAll();
    this.onSelection?.([...this.selected]);
  },

  // The header's box: checked when every loaded row is selected, mixed
  // when some are.
  syncSelectAll() {
    const n = this.selected.size;
    const loaded = n ? this.loadedEntries().length : 0;
    this.selectAllBox.checked = n > 0 && n >= loaded;
    this.selectAllBox.indeterminate = n > 0 && n < loaded;
  },
};
