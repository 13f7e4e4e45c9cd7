// app.js: the app shell. Checks the session (401 -> /login), draws the
// sidebar (objects with counts, saved views), follows the hash route
// (#/o/<object>, #/v/<view id>) to the table, runs the filter bar and the
// sort, and reloads what is shown when GET /api/events reports a change.
import { call, get, ApiError } from './api.js';
import { renderSidebar, markCurrent } from './sidebar.js';
import { EntriesTable } from './table.js';

const $ = (id) => document.getElementById(id);
const FILTER_DELAY_MS = 250;

const state = { objects: [], views: [], current: null, where: '', sort: '', columns: null };

const table = new EntriesTable({
  viewport: $('viewport'), header: $('header'), spacer: $('spacer'),
  onTotal: (n) => { $('total').textContent = `${n} ${n === 1 ? 'entry' : 'entries'}`; },
  onStatus: (s) => { $('status').textContent = s; },
});

function showError(e) {
  if (e.message === 'superseded') return;
  if (e instanceof ApiError && e.status === 401) return location.replace('/login');
  $('filter-error').textContent = e.message;
}

async function loadLists() {
  const [o, v] = await Promise.all([get('/api/objects'), get('/api/views')]);
  state.objects = o.objects;
  state.views = v.views;
  renderSidebar($('objects'), state.objects, state.views);
  markCurrent($('objects'), location.hash);
}

// Show the table for the current settings; a wrong filter or sort keeps
// the rows shown and puts the server's message under the filter bar.
async function showTable() {
  try {
    await table.show({ object: state.current, where: state.where, sort: state.sort, columns: state.columns });
    $('filter-error').textContent = '';
  } catch (e) {
    showError(e);
  }
}

async function route() {
  const hash = location.hash || `#/o/${state.objects[0]?.slug ?? ''}`;
  const [, kind, key] = hash.match(/^#\/([ov])\/(.+)$/) || [];
  let object, view;
  if (kind === 'v') {
    view = state.views.find((v) => String(v.id) === key);
    object = view && state.objects.find((o) => o.slug === view.object);
  } else {
    object = state.objects.find((o) => o.slug === decodeURIComponent(key || ''));
  }
  object = object || state.objects[0];
  if (!object) return;
  state.current = object;
  state.where = view?.where || '';
  state.sort = view?.sort || '';
  state.columns = view?.columns || null;
  $('filter').value = state.where;
  $('title').textContent = view ? `${object.name} · ${view.name}` : object.name;
  document.title = `${$('title').textContent} · kith`;
  markCurrent($('objects'), hash);
  await showTable();
}

// Sort by a header: none -> ascending -> descending -> none.
table.onSort = (slug, order) => {
  state.sort = order === 'none' ? slug : order === 'ascending' ? `-${slug}` : '';
  showTable();
};

let filterTimer = 0;
$('filter').addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    state.where = $('filter').value.trim();
    showTable();
  }, FILTER_DELAY_MS);
});

$('logout').addEventListener('click', async () => {
  await call('POST', '/logout').catch(() => {});
  location.replace('/login');
});

// Live refresh: a change to the object shown reloads its first page;
// any change refreshes the sidebar's counts.
function listen() {
  const events = new EventSource('/api/events');
  let timer = 0;
  const reload = (all) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        await loadLists();
        if (all) await table.refresh();
      } catch (e) { showError(e); }
    }, 150);
  };
  events.addEventListener('change', (ev) => {
    const c = JSON.parse(ev.data);
    reload(state.current && c.object === state.current.slug);
  });
  events.addEventListener('reset', () => reload(true));
}

async function main() {
  try {
    await get('/api/health');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return location.replace('/login');
    $('title').textContent = `Cannot reach kith serve: ${e.message}`;
    return;
  }
  await loadLists();
  window.addEventListener('hashchange', route);
  await route();
  listen();
}

main();
