// entry-history.js: the timeline of an entry's changes on its page, newest
// first: who did what and when, "Field: old → new" for each update (a
// relation by its target's label), and an Undo per change. Also undoes an
// entry's deletion, for the page's undo toast.
import { call, get, query, ApiError } from './api.js';
import { el, entryPath } from './dom.js';
import { labelOf, section, timeElement } from './entry-parts.js';

const TIMELINE_LIMIT = 50;
const SNIPPET_CHARS = 80;
const OP_WORDS = { create: 'created', update: 'changed', delete: 'deleted' };
const ACTOR_NAMES = { user: 'CLI user', api: 'Web/API', import: 'Import' };

export class EntryHistory {
  // onUndone: awaited after an undo (the page reloads what it shows).
  constructor(object, id, ctx, { onUndone }) {
    Object.assign(this, { object, id, ctx, onUndone });
    this.generation = 0;
    this.relationLabels = new Map(); // "target:id" -> label
    this.status = el('p', { className: 'timeline-status', 'aria-live': 'polite' });
    this.list = el('ol', { className: 'timeline', tabIndex: 0, 'aria-labelledby': 'timeline-title' });
    this.element = section('timeline', 'History', this.status, this.list);
  }

  // A message above the timeline (the page's own load errors too).
  say(text) {
    this.status.textContent = text;
  }

  async load() {
    const gen = ++this.generation;
    try {
      const { changes } = await get(`${entryPath(this.object, this.id)}/changes` + query({ limit: TIMELINE_LIMIT }));
      await this.loadRelationLabels(changes);
      if (gen !== this.generation) return;
      this.list.replaceChildren(...changes.map((c) => this.changeItem(c)));
      if (!changes.length) this.list.append(el('li', { className: 'muted', textContent: 'No changes recorded.' }));
    } catch (e) {
      if (gen === this.generation) this.say(e.message);
    }
  }

  changeItem(c) {
    const undo = el('button', { type: 'button', className: 'change-undo', textContent: 'Undo',
      'aria-label': `Undo change ${c.id}` });
    undo.addEventListener('click', () => this.undo(c, undo));
    const head = el('div', { className: 'change-head' },
      el('span', { className: 'change-who', textContent: actorName(c.actor) }),
      el('span', { className: 'change-op', textContent: OP_WORDS[c.op] || c.op }),
      timeElement(c.at), undo);
    return el('li', { className: `change change-${c.op}`, 'data-change': c.id }, head, this.changeDetails(c));
  }

  // "Field: old → new" for each field an update touched.
  changeDetails(c) {
    if (c.op !== 'update' || !c.after) return null;
    const ul = el('ul', { className: 'change-fields' });
    for (const slug of Object.keys(c.after)) {
      if (slug === 'updated_at') continue;
      if (slug === '_document') {
        ul.append(el('li', {}, el('span', { className: 'change-field', textContent: 'Document' }),
          ` ${!c.before?._document ? 'written' : !c.after._document ? 'removed' : 'edited'}`));
        continue;
      }
      const f = this.object.fields.find((x) => x.slug === slug);
      ul.append(el('li', {}, el('span', { className: 'change-field', textContent: f ? f.name : slug }), ': ',
        el('span', { className: 'change-old', textContent: this.shortValue(f, c.before?.[slug]) }), ' → ',
        el('span', { className: 'change-new', textContent: this.shortValue(f, c.after[slug]) })));
    }
    return ul;
  }

  // The change log keeps a relation as the target's id: fetch the labels
  // of those not known yet, one request per target object.
  async loadRelationLabels(changes) {
    const wanted = new Map(); // target -> Set of ids
    for (const c of changes) {
      if (c.op !== 'update') continue;
      for (const side of [c.before, c.after]) {
        for (const [slug, v] of Object.entries(side || {})) {
          const f = this.object.fields.find((x) => x.slug === slug && x.type === 'relation');
          const id = v && typeof v === 'object' ? v.id : v;
          if (!f || !Number.isInteger(id) || this.relationLabels.has(`${f.target}:${id}`)) continue;
          if (!wanted.has(f.target)) wanted.set(f.target, new Set());
          wanted.get(f.target).add(id);
        }
      }
    }
    await Promise.all([...wanted].map(async ([target, ids]) => {
      const o = this.ctx.object(target);
      if (!o) return;
      try {
        const list = await get(entryPath(target) +
          query({ where: `id in [${[...ids].join(', ')}]`, limit: ids.size, count: 'false' }));
        for (const e of list.entries) this.relationLabels.set(`${target}:${e.id}`, labelOf(o, e));
      } catch { /* the ids stay as #id */ }
    }));
  }

  shortValue(f, v) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return '(empty)';
    if (f?.type === 'relation') {
      const id = typeof v === 'object' ? v.id : v;
      return this.relationLabels.get(`${f.target}:${id}`) ?? `#${id}`;
    }
    if (f?.type === 'boolean') return v ? 'yes' : 'no';
    const s = Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s.length > SNIPPET_CHARS ? s.slice(0, SNIPPET_CHARS - 1) + '…' : s;
  }

  async undo(c, button) {
    button.disabled = true;
    this.status.classList.remove('error');
    try {
      await call('POST', `/api/changes/${c.id}/undo`);
      this.say(`Undid change #${c.id}.`);
      await this.onUndone();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      this.status.classList.add('error');
      this.say(`Could not undo change #${c.id}: ${e.message}`);
      button.disabled = false;
    }
  }
}

function actorName(actor) {
  const agent = /^agent:(.+)$/.exec(actor || '');
  return ACTOR_NAMES[actor] || (agent ? `Agent (conversation ${agent[1]})` : actor || 'someone');
}

// Undo the newest delete of an entry: its own change log says which.
export async function undoDelete(object, id) {
  const { changes } = await get(`${entryPath(object, id)}/changes` + query({ limit: 5 }));
  const del = changes.find((c) => c.op === 'delete');
  if (!del) throw new Error('the deletion is not in the change log');
  await call('POST', `/api/changes/${del.id}/undo`);
}
