// table-screen.js: the table layout of one object or saved view: the
// header, the filter bar (the filter language, with the server's error as
// you type), the entries table, header sort, and a reload when a change
// to this object comes in.
import { ApiError } from './api.js';
import { objectHeader } from './header.js';
import { EntriesTable } from './table.js';

const FILTER_DELAY_MS = 250;

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

// params: {object, view}; ctx: see app.js.
export async function mount(root, { object, view }, ctx) {
  const head = objectHeader(object, 'table', view);
  const filter = el('input', { id: 'filter', type: 'text', spellcheck: false, autocomplete: 'off',
    placeholder: 'status = Lead and tags ~ vip', value: view?.where || '' });
  filter.setAttribute('aria-describedby', 'filter-error');
  const filterError = el('p', { id: 'filter-error', className: 'error' });
  filterError.setAttribute('role', 'status');
  filterError.setAttribute('aria-live', 'polite');
  const filterbar = el('div', { className: 'filterbar' },
    el('label', { htmlFor: 'filter', textContent: 'Filter' }), filter, filterError);
  const header = el('div', { id: 'header', className: 'row header' });
  header.setAttribute('role', 'row');
  const thead = el('div', { className: 'thead' }, header);
  thead.setAttribute('role', 'rowgroup');
  const spacer = el('div', { id: 'spacer', className: 'spacer' });
  spacer.setAttribute('role', 'rowgroup');
  const viewport = el('div', { id: 'viewport', className: 'table', tabIndex: 0 }, thead, spacer);
  viewport.setAttribute('role', 'table');
  viewport.setAttribute('aria-label', 'Entries');
  const status = el('p', { id: 'status', className: 'status' });
  status.setAttribute('aria-live', 'polite');
  root.append(head.root, filterbar, viewport, status);

  const state = { where: view?.where || '', sort: view?.sort || '', columns: view?.columns || null };
  const table = new EntriesTable({
    viewport, header, spacer,
    onTotal: (n) => { head.total.textContent = `${n} ${n === 1 ? 'entry' : 'entries'}`; },
    onStatus: (s) => { status.textContent = s; },
  });

  const showError = (e) => {
    if (e.message === 'superseded') return;
    if (e instanceof ApiError && e.status === 401) return location.replace('/login');
    filterError.textContent = e.message;
  };

  // A wrong filter or sort keeps the rows shown and puts the server's
  // message under the filter bar.
  const show = async () => {
    try {
      await table.show({ object, where: state.where, sort: state.sort, columns: state.columns });
      filterError.textContent = '';
    } catch (e) {
      showError(e);
    }
  };

  // Sort by a header: none -> ascending -> descending -> none.
  table.onSort = (slug, order) => {
    state.sort = order === 'none' ? slug : order === 'ascending' ? `-${slug}` : '';
    show();
  };

  let filterTimer = 0;
  filter.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      state.where = filter.value.trim();
      show();
    }, FILTER_DELAY_MS);
  });

  await show();
  return {
    onChanges(changes) {
      if (changes.some((c) => c.object === object.slug)) table.refresh().catch(showError);
    },
    unmount() { clearTimeout(filterTimer); table.destroy?.(); },
  };
}
