// calendar.js: the calendar layout of one object or saved view: a month
// grid (weeks from Monday) by a date or datetime field, each entry a link
// on its day, "+N more" when a day overflows, today marked. Previous, Today
// and Next (or PageUp / PageDown) change the month; arrows move between
// days. Dragging an entry to another day changes its date (date fields).
// The filter bar narrows the entries; "Save view" saves a calendar view.
import { ApiError, call, get, query } from './api.js';
import { andWhere, announcer, fieldPicker, filterBar, saveViewForm, showWithFilter } from './controls.js';
import { el, entryPath } from './dom.js';
import { objectHeader } from './header.js';

const MAX_PAGE = 1000;
const MAX_PAGES = 10;          // entries fetched for one month: 10,000 at most
const ENTRY_HEIGHT = 20;       // px per entry line; matches board.css
const DAY_HEAD = 26;           // px of a day's number
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const monthName = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const dayName = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

const pad = (n) => String(n).padStart(2, '0');
// YYYY-MM-DD of a local date.
const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const firstOfMonth = (d) => new Date(d.getFullYear(), d.getMonth(), 1);
const parseDay = (s) => { const [y, m, d] = s.split('-').map(Number); return new Date(y, m - 1, d); };

// The days the grid shows for month (its 1st): from the Monday on or
// before the 1st, whole weeks to the end of the month (4 to 6 weeks).
function gridOf(month) {
  const start = addDays(month, -((month.getDay() + 6) % 7));
  const days = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
  const weeks = Math.ceil(((month.getDay() + 6) % 7 + days) / 7);
  return { start, weeks, end: addDays(start, weeks * 7) };
}

// The local day (YYYY-MM-DD) an entry's value falls on.
const dayOf = (field, value) => (field.type === 'date' ? value.slice(0, 10) : isoDay(new Date(value)));

// params: {object, view}; ctx: see app.js.
export async function mount(root, { object, view }, ctx) {
  const dates = object.fields.filter((f) => f.type === 'date' || f.type === 'datetime');
  if (!dates.length) throw new Error(`${object.name} has no date field to lay out by`);
  const remembered = sessionStorage.getItem(`kith.calendar.${object.slug}`);
  const state = {
    where: view?.where || '',
    field: dates.some((f) => f.slug === view?.group_by) ? view.group_by : dates[0].slug,
    month: remembered && /^\d{4}-\d{2}-01$/.test(remembered) ? parseDay(remembered) : firstOfMonth(new Date()),
    focus: null,           // YYYY-MM-DD of the day with the roving focus
    byDay: new Map(),      // YYYY-MM-DD -> entries
    generation: 0,
  };

  const head = objectHeader(object, 'calendar', view);
  const picker = fieldPicker('date-field', 'Date field', dates, state.field);
  head.actions.append(saveViewForm(object, ctx,
    () => ({ kind: 'calendar', group_by: state.field, where: state.where || undefined })));
  const filter = filterBar(state.where, 'amount >= 10000 and company ~ acme');
  const message = el('p', { id: 'board-error', className: 'error board-error', role: 'alert' });
  const monthTitle = el('h2', { id: 'month', 'aria-live': 'polite' });
  const button = (text, label, keys) => el('button', { type: 'button', textContent: text, 'aria-label': label,
    ...(keys ? { 'aria-keyshortcuts': keys } : {}) });
  const prev = button('‹', 'Previous month', 'PageUp');
  const today = button('Today', 'Today');
  const next = button('›', 'Next month', 'PageDown');
  const bar = el('div', { className: 'cal-bar' }, monthTitle, prev, today, next, picker.root);
  const grid = el('div', { id: 'calendar', className: 'calendar', role: 'grid', 'aria-labelledby': 'month' });
  const wrap = el('div', { className: 'cal-wrap' }, grid);
  const announce = announcer();
  root.append(head.root, filter.root, message, bar, wrap, announce.root);

  const field = () => dates.find((f) => f.slug === state.field);

  // Every entry of the grid's days (a day around it for datetimes, which
  // are placed by the local day).
  const fetchEntries = async (start, end) => {
    const f = field();
    const [from, to] = f.type === 'date' ? [start, end] : [addDays(start, -1), addDays(end, 1)];
    const where = andWhere(state.where, `${f.slug} >= ${isoDay(from)} and ${f.slug} < ${isoDay(to)}`);
    const entries = [];
    let cursor = null, pages = 0, total = 0;
    do {
      const page = await get(entryPath(object) + query({ where, sort: `${f.slug},id`, limit: MAX_PAGE, cursor,
        count: cursor ? 'false' : '' }));
      if (!cursor) total = page.total;
      entries.push(...page.entries);
      cursor = page.next_cursor;
    } while (cursor && ++pages < MAX_PAGES);
    return { entries, complete: entries.length >= total };
  };

  const load = async () => {
    const gen = ++state.generation;
    const month = state.month;
    const { start, end } = gridOf(month);
    const { entries, complete } = await fetchEntries(start, end);
    if (gen !== state.generation) return false;
    const f = field();
    const byDay = new Map();
    for (const e of entries) {
      if (!e[f.slug]) continue;
      const day = dayOf(f, e[f.slug]);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push(e);
    }
    state.byDay = byDay;
    const prefix = isoDay(month).slice(0, 7);
    const inMonth = [...byDay].filter(([d]) => d.startsWith(prefix)).reduce((n, [, es]) => n + es.length, 0);
    head.total.textContent = `${inMonth}${complete ? '' : '+'} ${inMonth === 1 ? 'entry' : 'entries'} in ${monthName.format(month)}`;
    draw();
    return true;
  };

  // Load; a wrong filter keeps the grid and shows the server's message
  // (unless a later load took over).
  const show = showWithFilter(filter, load, () => state.generation);

  // --- drawing ---

  const draw = () => {
    const month = state.month;
    const { start, weeks } = gridOf(month);
    monthTitle.textContent = monthName.format(month);
    sessionStorage.setItem(`kith.calendar.${object.slug}`, isoDay(month));
    const hadFocus = grid.contains(document.activeElement);
    const todayIso = isoDay(new Date());
    if (!state.focus || !state.focus.startsWith(isoDay(month).slice(0, 7)))
      state.focus = todayIso.startsWith(isoDay(month).slice(0, 7)) ? todayIso : isoDay(month);
    const headRow = el('div', { className: 'cal-week cal-head', role: 'row' },
      ...WEEKDAYS.map((w) => el('div', { textContent: w, role: 'columnheader' })));
    const rows = [headRow];
    for (let w = 0; w < weeks; w++) {
      const row = el('div', { className: 'cal-week', role: 'row' });
      for (let i = 0; i < 7; i++) row.append(drawDay(addDays(start, w * 7 + i), month, todayIso));
      rows.push(row);
    }
    closeDay();
    grid.replaceChildren(...rows);
    fillDays();
    if (hadFocus) focusDay(state.focus);
  };

  const drawDay = (date, month, todayIso) => {
    const iso = isoDay(date);
    const entries = state.byDay.get(iso) || [];
    const cell = el('div', { className: 'day', tabIndex: iso === state.focus ? 0 : -1, role: 'gridcell',
      'data-date': iso });
    if (date.getMonth() !== month.getMonth()) cell.classList.add('outside');
    if (iso === todayIso) { cell.classList.add('today'); cell.setAttribute('aria-current', 'date'); }
    const count = entries.length ? `, ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}` : '';
    cell.dataset.title = dayName.format(date);
    cell.setAttribute('aria-label', cell.dataset.title + count);
    const number = el('span', { className: 'day-number', textContent: String(date.getDate()), 'aria-hidden': 'true' });
    cell.append(number, el('ul', { className: 'day-entries' }));
    dropDay(cell, iso);
    return cell;
  };

  // Put each day's entries in, as many as fit and "+N more".
  const fillDays = () => {
    const sample = grid.querySelector('.day');
    const fit = Math.max(1, Math.floor((sample.clientHeight - DAY_HEAD) / ENTRY_HEIGHT));
    for (const cell of grid.querySelectorAll('.day')) {
      const entries = state.byDay.get(cell.dataset.date) || [];
      const list = cell.querySelector('.day-entries');
      const shown = entries.length <= fit ? entries : entries.slice(0, fit - 1);
      list.replaceChildren(...shown.map((e) => el('li', {}, entryLink(e))));
      if (shown.length < entries.length) {
        const hidden = entries.length - shown.length;
        const more = el('button', { type: 'button', className: 'day-more', textContent: `+${hidden} more`,
          'aria-label': `${hidden} more on ${dayTitle(cell)}` });
        more.addEventListener('click', () => openDay(cell, entries, more));
        cell.append(more);
      }
    }
  };

  const entryLink = (e) => {
    const label = e[object.label] || `#${e.id}`;
    const a = el('a', { href: `#/e/${encodeURIComponent(object.slug)}/${e.id}`, textContent: label, title: label,
      'data-id': String(e.id), draggable: field().type === 'date' });
    a.addEventListener('dragstart', (ev) => {
      ev.dataTransfer.effectAllowed = 'move';
      ev.dataTransfer.setData('application/x-kith-entry', String(e.id));
    });
    return a;
  };

  // "+N more": every entry of the day in a box over the grid, at the day;
  // Escape or × closes it and gives the focus back.
  const openDay = (cell, entries, opener) => {
    closeDay();
    const close = el('button', { type: 'button', textContent: '×', 'aria-label': 'Close' });
    const title = el('span', { textContent: dayTitle(cell) });
    const list = el('ul', { className: 'day-entries' }, ...entries.map((e) => el('li', {}, entryLink(e))));
    const pop = el('div', { className: 'day-popover', role: 'dialog', 'aria-label': title.textContent },
      el('header', {}, title, close), list);
    const width = Math.max(cell.offsetWidth, 240);
    pop.style.left = `${Math.min(cell.offsetLeft, grid.clientWidth - width)}px`;
    pop.style.top = `${cell.offsetTop}px`;
    pop.style.width = `${width}px`;
    const shut = () => { pop.remove(); opener.focus(); };
    close.addEventListener('click', shut);
    pop.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); shut(); } });
    pop.addEventListener('focusout', (ev) => { if (ev.relatedTarget && !pop.contains(ev.relatedTarget)) pop.remove(); });
    wrap.append(pop);
    if (pop.offsetTop + pop.offsetHeight > wrap.clientHeight)
      pop.style.top = `${Math.max(0, wrap.clientHeight - pop.offsetHeight)}px`;
    list.querySelector('a')?.focus();
  };
  const closeDay = () => wrap.querySelector('.day-popover')?.remove();

  const dayTitle = (cell) => cell.dataset.title;

  const focusDay = (iso) => {
    state.focus = iso;
    for (const c of grid.querySelectorAll('.day')) c.tabIndex = c.dataset.date === iso ? 0 : -1;
    grid.querySelector(`.day[data-date="${iso}"]`)?.focus();
  };

  // Show the month of date (any day in it), then the focus on that day.
  const goTo = async (date, focus) => {
    state.month = firstOfMonth(date);
    state.focus = isoDay(date);
    closeDay();
    await show();
    announce.say(monthName.format(state.month));
    if (focus) focusDay(isoDay(date));
  };

  const shiftMonth = (n) => {
    const d = parseDay(state.focus || isoDay(state.month));
    const last = new Date(d.getFullYear(), d.getMonth() + n + 1, 0).getDate();
    return new Date(d.getFullYear(), d.getMonth() + n, Math.min(d.getDate(), last));
  };

  // --- dragging an entry to another day (date fields) ---

  const dropDay = (cell, iso) => {
    cell.addEventListener('dragover', (e) => {
      if (!e.dataTransfer.types.includes('application/x-kith-entry')) return;
      e.preventDefault();
      cell.classList.add('drop-over');
    });
    cell.addEventListener('dragleave', (e) => { if (!cell.contains(e.relatedTarget)) cell.classList.remove('drop-over'); });
    cell.addEventListener('drop', async (e) => {
      const id = Number(e.dataTransfer.getData('application/x-kith-entry'));
      cell.classList.remove('drop-over');
      if (!id) return;
      e.preventDefault();
      message.textContent = '';
      try {
        await call('PATCH', entryPath(object, id), { [state.field]: iso });
        announce.say(`Moved to ${dayTitle(cell)}`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return location.replace('/login');
        message.textContent = err.message;
      }
      await show();
    });
  };

  // --- keys and controls ---

  const dayKey = (e) => {
    const cell = e.target.closest?.('.day');
    if (!cell || e.target !== cell || e.altKey || e.ctrlKey || e.metaKey) return;
    const d = parseDay(cell.dataset.date);
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
    let target = null;
    if (step) target = addDays(d, step);
    else if (e.key === 'Home') target = addDays(d, -((d.getDay() + 6) % 7));
    else if (e.key === 'End') target = addDays(d, 6 - ((d.getDay() + 6) % 7));
    else if (e.key === 'Enter') { e.preventDefault(); cell.querySelector('a, .day-more')?.focus(); return; } else return;
    e.preventDefault();
    if (target.getMonth() === state.month.getMonth() && target.getFullYear() === state.month.getFullYear())
      focusDay(isoDay(target));
    else goTo(target, true);
  };
  grid.addEventListener('keydown', dayKey);

  // PageUp / PageDown anywhere on the screen but in a text field.
  const pageKey = (e) => {
    if (e.key !== 'PageUp' && e.key !== 'PageDown') return;
    if (e.target.closest?.('input, select, textarea')) return;
    e.preventDefault();
    goTo(shiftMonth(e.key === 'PageUp' ? -1 : 1), grid.contains(document.activeElement));
  };
  root.addEventListener('keydown', pageKey);

  prev.addEventListener('click', () => goTo(shiftMonth(-1), false));
  next.addEventListener('click', () => goTo(shiftMonth(1), false));
  today.addEventListener('click', () => goTo(new Date(), false));
  picker.select.addEventListener('change', () => { state.field = picker.select.value; show(); });
  filter.onChange((where) => { state.where = where; show(); });

  await show();
  return {
    onChanges(changes) {
      if (changes.some((c) => c.reset || c.object === object.slug)) show();
    },
    unmount() { filter.stop(); state.generation += 1; root.removeEventListener('keydown', pageKey); },
  };
}
