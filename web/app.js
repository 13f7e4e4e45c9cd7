// app.js: the app shell. Checks the session (401 -> /login), draws the
// sidebar (objects with counts, saved views), follows the hash route to a
// screen module, opens the chat panel and the search palette, and passes
// the changes that GET /api/events reports to whatever is on screen.
//
// Routes (each screen module is loaded when first needed, so one broken
// screen never takes the others down):
//   #/o/<object>             table            table-screen.js
//   #/o/<object>/kanban      kanban           kanban.js
//   #/o/<object>/calendar    calendar         calendar.js
//   #/v/<view id>            a saved view, in its kind's module
//   #/e/<object>/<id>        entry page       entry.js
//   #/dashboard              dashboard        dashboard.js
//   #/objects[/<object>]     objects, fields  admin.js
//   #/import[/<object>]      CSV import       import.js
//   #/settings               settings         settings.js
//
// A screen module exports mount(root, params, ctx), which draws into root
// (empty) and resolves to {unmount(), onChanges(changes)} (both optional).
// params: {object, view, id}; ctx is below. onChanges gets the
// "change" events of /api/events ({id, at, actor, object, entry_id, op}),
// batched every 150 ms; a "reset" comes as {reset: true} and a "layout"
// event (objects, fields, views or reports changed) as {layout: true}.
// When the object or the view a screen shows has changed its fields or
// settings, the screen is mounted again instead.
import { call, get, ApiError } from './api.js';
import { renderSidebar, markCurrent } from './sidebar.js';
import { toast } from './toast.js';

const $ = (id) => document.getElementById(id);
const CHANGE_BATCH_MS = 150;
const MODULE = { table: './table-screen.js', kanban: './kanban.js', calendar: './calendar.js',
  entry: './entry.js', dashboard: './dashboard.js', objects: './admin.js',
  import: './import.js', settings: './settings.js' };

const state = { objects: [], views: [] };
let screen = null;       // what mount() of the current screen gave
let mounting = 0;        // generation, so a slow mount never lands late
let chat = null;         // the chat panel once opened

// What every screen gets.
const ctx = {
  state,
  object: (slug) => state.objects.find((o) => o.slug === slug),
  reloadLists,
  navigate: (hash) => { if (location.hash === hash) route(); else location.hash = hash; },
  toast,
};

async function reloadLists() {
  const [o, v] = await Promise.all([get('/api/objects'), get('/api/views')]);
  state.objects = o.objects;
  state.views = v.views;
  renderSidebar($('objects'), state.objects, state.views);
  markCurrent(document.querySelector('.sidebar'), location.hash);
}

// The screen and its params for a hash.
function resolve(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [head, a, b] = parts;
  if (head === 'o' && ctx.object(a)) {
    const kind = b === 'kanban' || b === 'calendar' ? b : 'table';
    return { kind, params: { object: ctx.object(a), view: null } };
  }
  if (head === 'v') {
    const view = state.views.find((v) => String(v.id) === a);
    if (view && ctx.object(view.object))
      return { kind: view.kind || 'table', params: { object: ctx.object(view.object), view } };
  }
  if (head === 'e' && ctx.object(a) && /^\d+$/.test(b || ''))
    return { kind: 'entry', params: { object: ctx.object(a), id: Number(b) } };
  if (head === 'dashboard' || head === 'settings')
    return { kind: head, params: {} };
  if (head === 'objects' || head === 'import')
    return { kind: head, params: { object: a ? ctx.object(a) : null } };
  const first = state.objects[0];
  return first ? { kind: 'table', params: { object: first, view: null } } : { kind: 'objects', params: {} };
}

async function route() {
  const gen = ++mounting;
  const { kind, params } = resolve(location.hash);
  markCurrent(document.querySelector('.sidebar'), location.hash);
  try { screen?.unmount?.(); } catch (e) { console.error(e); }
  screen = null;
  const root = $('screen');
  root.replaceChildren();
  root.dataset.screen = kind;
  try {
    const mod = await import(MODULE[kind]);
    if (gen !== mounting) return;
    const s = await mod.mount(root, params, ctx);
    if (gen !== mounting) return s?.unmount?.();
    screen = s || {};
    const h1 = root.querySelector('h1');
    document.title = h1 ? `${h1.textContent} · kith` : 'kith';
  } catch (e) {
    if (gen !== mounting) return;
    if (e instanceof ApiError && e.status === 401) return location.replace('/login');
    const p = document.createElement('p');
    p.className = 'error';
    p.setAttribute('role', 'alert');
    p.textContent = e.message;
    root.append(p);
  }
}

async function setChat(open) {
  const aside = $('chat');
  aside.hidden = !open;
  $('shell').classList.toggle('chat-open', open);
  $('chat-toggle').setAttribute('aria-expanded', String(open));
  localStorage.setItem('kith.chat', open ? 'open' : '');
  if (open && !chat) {
    try {
      const mod = await import('./chat.js');
      chat = (await mod.mount(aside, ctx)) || {};
    } catch (e) {
      aside.textContent = e.message;
    }
  }
  if (open) aside.querySelector('textarea, input')?.focus();
}

async function openPalette() {
  const mod = await import('./palette.js');
  mod.openPalette(ctx);
}

// What a screen is laid out from: its params without the entry counts.
const layoutOf = (params) => JSON.stringify(params, (k, v) => (k === 'count' ? undefined : v));

// Live refresh: every change reaches the screen and the chat panel in
// batches, and refreshes the sidebar's counts.
function listen() {
  const events = new EventSource('/api/events');
  let pending = [];
  let timer = 0;
  const flush = async () => {
    timer = 0;
    const changes = pending;
    pending = [];
    const layout = changes.some((c) => c.layout);
    const shown = layout && layoutOf(resolve(location.hash).params);
    try { await reloadLists(); } catch (e) { if (e instanceof ApiError && e.status === 401) location.replace('/login'); }
    if (layout && layoutOf(resolve(location.hash).params) !== shown) route();
    for (const s of [screen, chat]) {
      try { s?.onChanges?.(changes); } catch (e) { console.error(e); }
    }
  };
  const push = (c) => {
    pending.push(c);
    if (!timer) timer = setTimeout(flush, CHANGE_BATCH_MS);
  };
  events.addEventListener('change', (ev) => push(JSON.parse(ev.data)));
  events.addEventListener('reset', () => push({ reset: true }));
  events.addEventListener('layout', () => push({ layout: true }));
}

function keys() {
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      openPalette();
    }
  });
  $('search-open').addEventListener('click', openPalette);
  $('chat-toggle').addEventListener('click', () => setChat($('chat').hidden));
  $('logout').addEventListener('click', async () => {
    await call('POST', '/logout').catch(() => {});
    location.replace('/login');
  });
}

async function main() {
  try {
    await get('/api/health');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return location.replace('/login');
    $('screen').textContent = `Cannot reach kith serve: ${e.message}`;
    return;
  }
  await reloadLists();
  keys();
  window.addEventListener('hashchange', route);
  await route();
  if (localStorage.getItem('kith.chat') === 'open') setChat(true);
  listen();
}

main();
