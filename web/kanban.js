// kanban.js: the kanban layout of one object or saved view. A column per
// option of a select field (plus "No value" when some entries have none),
// each with its count and the sum of the object's amount field over all its
// entries; cards load per column with "Load more". Drag a card to another
// column, or press Alt+Left / Alt+Right on a focused card, to change its
// value (optimistic; a failed save puts the card back and shows the
// server's message). The filter bar narrows the board; "Save view" saves
// it as a kanban view. The column sums: kanban-sums.js.
import { ApiError, call, get, query } from './api.js';
import { renderCell } from './cells.js';
import { andWhere, announcer, fieldPicker, filterBar, saveViewForm, showWithFilter } from './controls.js';
import { el, entryPath, quoteValue } from './dom.js';
import { objectHeader } from './header.js';
import { MAX_PAGE, SUM_PAGES, sumKeyOf, sumFieldOf, sumOfColumn, sumsByColumn } from './kanban-sums.js';

const PAGE = 20;            // cards per column per request
const CARD_FIELDS = 3;      // fields shown under a card's label

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const formatNumber = (n) => number.format(n);

// The fields a card shows under its label: relations, the sum field, dates.
function cardFieldsOf(object, groupSlug, sumField) {
  const useful = (f) => f.slug !== object.label && f.slug !== groupSlug &&
    (f.type === 'relation' || f === sumField || f.type === 'date' || f.type === 'datetime');
  return object.fields.filter(useful).slice(0, CARD_FIELDS);
}

// params: {object, view}; ctx: see app.js.
export async function mount(root, { object, view }, ctx) {
  const selects = object.fields.filter((f) => f.type === 'select');
  if (!selects.length) throw new Error(`${object.name} has no select field to make columns from`);
  const sumField = sumFieldOf(object);
  const state = {
    where: view?.where || '',
    sort: view?.sort || '-updated_at',
    groupBy: selects.some((f) => f.slug === view?.group_by) ? view.group_by : selects[0].slug,
    columns: [],        // {key, value, label, total, sum, sumComplete, entries, cursor, list, ...}
    loaded: new Map(),  // column key -> cards loaded, kept across reloads
    moving: 0,          // moves in flight: reloads wait for them
    reloadAgain: false,
    generation: 0,      // of the latest load
    drawn: 0,           // the generation on screen
    dragId: null,
  };

  const head = objectHeader(object, 'kanban', view);
  const picker = fieldPicker('group-by', 'Columns', selects, state.groupBy);
  head.actions.append(picker.root, saveViewForm(object, ctx,
    () => ({ kind: 'kanban', group_by: state.groupBy, where: state.where || undefined })));
  const filter = filterBar(state.where, 'amount >= 10000 and company ~ acme');
  const message = el('p', { id: 'board-error', className: 'error board-error', role: 'alert' });
  const board = el('div', { id: 'board', className: 'board',
    'aria-label': `${object.name} by ${selects.find((f) => f.slug === state.groupBy).name}` });
  const hint = el('p', { className: 'status', textContent:
    'Drag a card to another column, or press Alt+← / Alt+→ on a focused one. Arrows move, Enter opens.' });
  const announce = announcer();
  root.append(head.root, filter.root, message, board, hint, announce.root);

  const groupField = () => selects.find((f) => f.slug === state.groupBy);

  // The columns of the current field, before loading.
  const columnSpecs = () => {
    const f = groupField();
    const specs = f.options.map((o) => ({ key: `v:${o}`, value: o, label: o,
      cond: `${f.slug} = ${quoteValue(o)}` }));
    specs.push({ key: 'none', value: null, label: 'No value', cond: `${f.slug} is empty` });
    return specs;
  };

  // Load every column (first cards, totals, sums) and draw the board;
  // false when a later load or a drag made this one moot. Throws the
  // server's error (a wrong filter) and keeps the board shown.
  const load = async () => {
    const gen = ++state.generation;
    const where = state.where;
    const columns = await Promise.all(columnSpecs().map(async (spec) => {
      const cw = andWhere(where, spec.cond);
      const limit = Math.min(MAX_PAGE, Math.max(PAGE, state.loaded.get(spec.key) || 0));
      const page = await get(entryPath(object) + query({ where: cw, sort: state.sort, limit }));
      return { ...spec, where: cw, entries: page.entries, total: page.total, cursor: page.next_cursor,
        sum: 0, sumComplete: true };
    }));
    if (sumField) {
      if (!where) {
        const sums = await sumsByColumn(object, state.groupBy, sumField);
        for (const c of columns) c.sum = sums.get(sumKeyOf(c.value)) || 0;
      } else {
        await Promise.all(columns.map(async (c) => {
          const { sum, complete } = await sumOfColumn(object, c, sumField);
          Object.assign(c, { sum, sumComplete: complete });
        }));
      }
    }
    if (gen !== state.generation) return false;
    if (state.dragId !== null) { state.reloadAgain = true; return false; } // never redraw under a drag
    state.drawn = gen;
    state.columns = columns.filter((c) => c.value !== null || c.total > 0);
    draw();
    return true;
  };

  // Load; a wrong filter keeps the board and shows the server's message.
  const show = showWithFilter(filter, load, () => state.generation);

  // Reload after a change elsewhere: keeps the scroll positions and the
  // focused card; waits while a move is in flight.
  const refresh = async () => {
    if (state.moving || state.dragId !== null) { state.reloadAgain = true; return; }
    await show();
  };

  // After a move or a drag: the reload that waited for it.
  const reloadIfWaiting = () => {
    if (state.moving || state.dragId !== null || !state.reloadAgain) return;
    state.reloadAgain = false;
    show();
  };

  // --- drawing ---

  const updateTotals = () => {
    const n = state.columns.reduce((s, c) => s + c.total, 0);
    head.total.textContent = `${n} ${n === 1 ? 'entry' : 'entries'}`;
    for (const c of state.columns) {
      c.countEl.textContent = String(c.total);
      c.countEl.setAttribute('aria-label', `${c.total} ${c.total === 1 ? 'entry' : 'entries'}`);
      c.section.dataset.count = String(c.total);
      if (c.sumEl) {
        const sum = Math.round(c.sum * 100) / 100;
        c.section.dataset.sum = String(sum);
        c.sumEl.textContent = (c.sumComplete ? '' : '≥ ') + formatNumber(sum);
        c.sumEl.title = c.sumComplete ? `Sum of ${sumField.name}`
          : `Sum of ${sumField.name} over the first ${SUM_PAGES * MAX_PAGE} entries`;
      }
      const left = c.total - c.entries.length;
      c.more.hidden = left <= 0 || !c.cursor;
      c.more.textContent = `Load more (${left})`;
    }
  };

  const draw = () => {
    const scrollLeft = board.scrollLeft;
    const scrolls = new Map(state.columns.map((c) => [c.key, 0]));
    for (const list of board.querySelectorAll('.cards')) scrolls.set(list.dataset.key, list.scrollTop);
    const focusedId = document.activeElement?.closest?.('.card')?.dataset.id;
    const fields = cardFieldsOf(object, state.groupBy, sumField);
    board.replaceChildren(...state.columns.map((c) => drawColumn(c, fields)));
    updateTotals();
    board.scrollLeft = scrollLeft;
    for (const c of state.columns) c.list.scrollTop = scrolls.get(c.key) || 0;
    if (focusedId) board.querySelector(`.card[data-id="${focusedId}"]`)?.focus({ preventScroll: true });
  };

  const drawColumn = (c, fields) => {
    const id = `col-${state.columns.indexOf(c)}`;
    const title = el('h2', { id: `${id}-title`, textContent: c.label });
    c.countEl = el('span', { className: 'column-count' });
    c.sumEl = sumField ? el('span', { className: 'column-sum' }) : null;
    const headEl = el('header', { className: 'column-head' }, title, c.countEl, c.sumEl);
    c.list = el('ul', { className: 'cards', 'data-key': c.key, 'aria-labelledby': title.id },
      ...c.entries.map((e) => drawCard(e, fields)));
    c.more = el('button', { type: 'button', className: 'more' });
    c.more.addEventListener('click', () => loadMore(c, fields));
    c.section = el('section', { className: 'column', 'data-key': c.key, 'data-value': c.value ?? '',
      'aria-labelledby': title.id }, headEl, c.list, c.more);
    dropTarget(c);
    return c.section;
  };

  const drawCard = (entry, fields) => {
    const href = `#/e/${encodeURIComponent(object.slug)}/${entry.id}`;
    const label = entry[object.label];
    const link = el('a', { href, className: 'card-title', textContent: label || `#${entry.id}`,
      tabIndex: -1, draggable: false });
    const card = el('li', { className: 'card', tabIndex: 0, draggable: true, 'data-id': String(entry.id),
      'aria-keyshortcuts': 'Alt+ArrowLeft Alt+ArrowRight' }, link);
    for (const f of fields) {
      const v = entry[f.slug];
      if (v === null || v === undefined || v === '') continue;
      const cell = el('span', { title: f.name });
      renderCell(cell, f, v);
      card.append(cell);
    }
    card.addEventListener('keydown', (e) => cardKey(e, card));
    card.addEventListener('dragstart', (e) => {
      state.dragId = entry.id;
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', String(entry.id));
      card.classList.add('dragging');
    });
    card.addEventListener('dragend', () => {
      state.dragId = null;
      card.classList.remove('dragging');
      for (const s of board.querySelectorAll('.drop-over')) s.classList.remove('drop-over');
      reloadIfWaiting();
    });
    return card;
  };

  const loadMore = async (c, fields) => {
    if (!c.cursor) return;
    c.more.disabled = true;
    try {
      const page = await get(entryPath(object) + query({ where: c.where, sort: state.sort, limit: PAGE,
        cursor: c.cursor, count: 'false' }));
      c.entries.push(...page.entries);
      c.cursor = page.next_cursor;
      state.loaded.set(c.key, c.entries.length);
      for (const e of page.entries) c.list.append(drawCard(e, fields));
      updateTotals();
      c.list.querySelector(`.card[data-id="${page.entries[0]?.id}"]`)?.focus();
    } catch (e) {
      message.textContent = e.message;
    } finally {
      c.more.disabled = false;
    }
  };

  const dropTarget = (c) => {
    c.section.addEventListener('dragover', (e) => {
      if (state.dragId === null) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      c.section.classList.add('drop-over');
    });
    c.section.addEventListener('dragleave', (e) => {
      if (!c.section.contains(e.relatedTarget)) c.section.classList.remove('drop-over');
    });
    c.section.addEventListener('drop', (e) => {
      e.preventDefault();
      c.section.classList.remove('drop-over');
      const id = Number(e.dataTransfer.getData('text/plain') || state.dragId);
      if (id) move(id, c);
    });
  };

  // --- moving ---

  const columnOfCard = (id) => state.columns.find((c) => c.entries.some((e) => e.id === id));

  // Move entry id to column `to`: at once on screen, then PATCH; a failure
  // puts it back where it was and shows the server's message.
  const move = async (id, to) => {
    const from = columnOfCard(id);
    if (!from || from === to) return;
    const index = from.entries.findIndex((e) => e.id === id);
    const entry = from.entries[index];
    const card = from.list.querySelector(`.card[data-id="${id}"]`);
    const next = card.nextSibling;
    const amount = sumField ? Number(entry[sumField.slug]) || 0 : 0;
    const shift = (a, b, e) => {
      a.entries.splice(a.entries.indexOf(e), 1);
      b.entries.unshift(e);
      a.total -= 1; b.total += 1;
      a.sum -= amount; b.sum += amount;
    };
    shift(from, to, entry);
    to.list.prepend(card);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    updateTotals();
    message.textContent = '';
    card.classList.add('saving');
    state.moving += 1;
    if (state.generation !== state.drawn) { state.generation += 1; state.reloadAgain = true; }
    const label = entry[object.label] || `#${id}`;
    try {
      const saved = await call('PATCH', entryPath(object, id), { [state.groupBy]: to.value });
      Object.assign(entry, saved);
      announce.say(`Moved ${label} to ${to.label}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      shift(to, from, entry);
      from.entries.splice(from.entries.indexOf(entry), 1);
      from.entries.splice(index, 0, entry);
      from.list.insertBefore(card, next && next.parentNode === from.list ? next : null);
      card.focus({ preventScroll: true });
      updateTotals();
      message.textContent = `Could not move ${label} to ${to.label}: ${e.message}`;
      announce.say(message.textContent);
    } finally {
      card.classList.remove('saving');
      state.moving -= 1;
      reloadIfWaiting();
    }
  };

  // Keys on a focused card: Alt+arrows move it, arrows move the focus,
  // Enter opens the entry.
  const cardKey = (e, card) => {
    const id = Number(card.dataset.id);
    const c = columnOfCard(id);
    if (!c) return;
    const i = state.columns.indexOf(c);
    const cards = [...c.list.querySelectorAll('.card')];
    const at = cards.indexOf(card);
    if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      e.preventDefault();
      const to = state.columns[i + (e.key === 'ArrowLeft' ? -1 : 1)];
      if (to) move(id, to);
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    let target = null;
    if (e.key === 'ArrowDown') target = cards[at + 1];
    else if (e.key === 'ArrowUp') target = cards[at - 1];
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const other = state.columns[i + (e.key === 'ArrowLeft' ? -1 : 1)];
      const there = other ? [...other.list.querySelectorAll('.card')] : [];
      target = there[Math.min(at, there.length - 1)];
    } else if (e.key === 'Enter') {
      e.preventDefault();
      ctx.navigate(card.querySelector('a').getAttribute('href'));
      return;
    } else return;
    e.preventDefault();
    target?.focus();
  };

  // --- controls ---

  picker.select.addEventListener('change', () => {
    state.groupBy = picker.select.value;
    state.loaded.clear();
    board.setAttribute('aria-label', `${object.name} by ${groupField().name}`);
    board.scrollLeft = 0;
    show();
  });
  filter.onChange((where) => {
    state.where = where;
    show();
  });

  await show();
  return {
    onChanges(changes) {
      if (changes.some((c) => c.reset || c.object === object.slug)) refresh();
    },
    unmount() { filter.stop(); state.generation += 1; },
  };
}
