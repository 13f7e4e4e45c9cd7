// entry.js: the page of one entry (#/e/<object>/<id>): breadcrumbs, the
// label as title, every field editable in place, the markdown document
// (editor beside a live preview; Save or Ctrl/Cmd-S), the entries of other
// objects that point at this one, the timeline of its changes with an Undo
// per change, and Delete with an undo toast. Changes made elsewhere reload
// the fields, the related entries and the timeline without touching an
// open editor or unsaved document text.
import { call, get, query, ApiError } from './api.js';
import { renderCell } from './cells.js';
import { createEditor, showEditorError } from './editors.js';
import { renderMarkdown } from './markdown.js';

const RELATED_LIMIT = 25;
const TIMELINE_LIMIT = 50;
const PREVIEW_DELAY_MS = 80;
const SNIPPET_CHARS = 80;
const CLOCK_MS = 30000;

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};
const attrs = (e, map) => {
  for (const [k, v] of Object.entries(map)) e.setAttribute(k, v);
  return e;
};

const entryHash = (slug, id) => `#/e/${encodeURIComponent(slug)}/${id}`;
const entryPath = (slug, id) => `/api/objects/${encodeURIComponent(slug)}/entries/${id}`;
const labelOf = (object, entry) => {
  const v = entry?.[object.label];
  return v === null || v === undefined || v === '' ? `${object.name} #${entry?.id ?? ''}` : String(v);
};

// ---- time ----

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400],
  ['hour', 3600], ['minute', 60], ['second', 1]];

function relativeTime(iso) {
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  for (const [unit, size] of UNITS)
    if (Math.abs(seconds) >= size || unit === 'second')
      return Math.abs(seconds) < 10 && unit === 'second' ? 'just now'
        : relativeFormat.format(Math.round(seconds / size), unit);
  return iso;
}

function timeElement(iso) {
  const t = el('time', { dateTime: iso, textContent: relativeTime(iso), className: 'relative' });
  t.title = new Date(iso).toLocaleString();
  return t;
}

// ---- the page ----

export async function mount(root, { object, id }, ctx) {
  const page = new EntryPage(object, id, ctx);
  try {
    await page.load();
  } catch (e) {
    page.stop(); // app.js shows the error (a missing entry: 404's message)
    throw e;
  }
  root.append(page.root);
  return {
    onChanges: (changes) => page.onChanges(changes),
    unmount: () => page.destroy(),
  };
}

class EntryPage {
  constructor(object, id, ctx) {
    Object.assign(this, { object, id, ctx });
    this.entry = null;
    this.editors = new Map();   // field slug -> open editor element
    this.savedDocument = '';    // the document as the server has it
    this.generation = { entry: 0, related: 0, timeline: 0 };
    this.build();
    this.listen();
  }

  build() {
    const o = this.object;
    this.crumbLabel = el('span');
    attrs(this.crumbLabel, { 'aria-current': 'page' });
    const crumbs = el('nav', { className: 'breadcrumbs' },
      el('a', { href: `#/o/${encodeURIComponent(o.slug)}`, textContent: o.name }),
      el('span', { className: 'crumb-sep', textContent: '/' }), this.crumbLabel);
    attrs(crumbs, { 'aria-label': 'Breadcrumb' });
    this.title = el('h1', { id: 'title' });
    this.meta = el('span', { className: 'total entry-meta' });
    this.deleteButton = el('button', { type: 'button', className: 'danger', textContent: 'Delete' });
    this.deleteButton.addEventListener('click', () => this.deleteEntry());
    const head = el('header', { className: 'toolbar' }, this.title, this.meta,
      el('div', { className: 'actions' }, this.deleteButton));
    this.gone = el('p', { className: 'entry-gone', hidden: true });
    attrs(this.gone, { role: 'status' });

    this.fieldList = el('dl', { className: 'entry-fields' });
    const fields = section('fields', 'Fields', this.fieldList);
    this.relatedBox = el('div', { className: 'related' });
    const related = section('related', 'Related', this.relatedBox);
    this.timelineList = el('ol', { className: 'timeline', tabIndex: 0 });
    attrs(this.timelineList, { 'aria-labelledby': 'timeline-title' });
    this.timelineStatus = el('p', { className: 'timeline-status' });
    attrs(this.timelineStatus, { 'aria-live': 'polite' });
    const timeline = section('timeline', 'History', this.timelineStatus, this.timelineList);
    const side = el('div', { className: 'entry-side' }, related, timeline);
    const top = el('div', { className: 'entry-top' }, fields, side);

    this.scroller = el('div', { className: 'entry-scroll' }, top, this.buildDocument());
    this.root = el('div', { className: 'entry-page' }, crumbs, head, this.gone, this.scroller);
  }

  buildDocument() {
    this.docText = el('textarea', { id: 'doc-text', className: 'doc-text', spellcheck: true,
      placeholder: '# Notes\n\nWrite markdown here…' });
    attrs(this.docText, { 'aria-label': 'Document (markdown)' });
    this.docPreview = el('div', { id: 'doc-preview', className: 'doc-preview markdown', tabIndex: 0 });
    attrs(this.docPreview, { role: 'region', 'aria-label': 'Preview' });
    this.docState = el('span', { className: 'doc-state', textContent: '' });
    attrs(this.docState, { 'aria-live': 'polite' });
    this.docSave = el('button', { type: 'button', textContent: 'Save', disabled: true });
    attrs(this.docSave, { 'aria-keyshortcuts': 'Control+S Meta+S' });
    this.docError = el('p', { className: 'error doc-error' });
    attrs(this.docError, { role: 'alert' });
    this.panes = el('div', { className: 'doc-panes' }, this.docText, this.docPreview);
    this.panes.dataset.tab = 'write';
    const tabs = el('div', { className: 'doc-tabs' });
    attrs(tabs, { role: 'group', 'aria-label': 'Show' });
    for (const [tab, name] of [['write', 'Write'], ['preview', 'Preview']]) {
      const b = el('button', { type: 'button', textContent: name });
      attrs(b, { 'aria-pressed': String(tab === 'write') });
      b.addEventListener('click', () => {
        this.panes.dataset.tab = tab;
        for (const x of tabs.children) x.setAttribute('aria-pressed', String(x === b));
      });
      tabs.append(b);
    }
    const bar = el('div', { className: 'doc-bar' }, tabs, this.docState, this.docSave);
    this.docSave.addEventListener('click', () => this.saveDocument());
    let timer = 0;
    this.docText.addEventListener('input', () => {
      this.showDocState();
      clearTimeout(timer);
      timer = setTimeout(() => this.drawPreview(), PREVIEW_DELAY_MS);
    });
    return section('document', 'Document', bar, this.panes, this.docError);
  }

  // Page-wide keys and leaving with unsaved text.
  listen() {
    this.onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        this.saveDocument();
      }
    };
    this.onBeforeUnload = (e) => {
      if (!this.documentDirty()) return;
      this.keepDraft();
      e.preventDefault();
    };
    // Leaving for another page of the app (a link, the palette, Back)
    // asks first while the document has unsaved text.
    this.onNavigate = (e) => {
      if (!this.documentDirty() || this.leaving || !e.cancelable || e.hashChange === false) return;
      if (new URL(e.destination.url).hash === location.hash) return;
      if (confirm('The document has unsaved changes. Leave this page and lose them?')) this.leaving = true;
      else e.preventDefault();
    };
    // "just now" becomes "3 minutes ago" as time goes by.
    this.clock = setInterval(() => {
      for (const t of this.root.querySelectorAll('time.relative')) t.textContent = relativeTime(t.dateTime);
    }, CLOCK_MS);
    document.addEventListener('keydown', this.onKey);
    window.addEventListener('beforeunload', this.onBeforeUnload);
    window.navigation?.addEventListener('navigate', this.onNavigate);
  }

  // Unsaved text outlives the page in sessionStorage (this tab only), so a
  // way out that could not ask (a browser without the Navigation API) still
  // loses nothing: coming back restores it.
  draftKey() {
    return `kith.draft.${this.object.slug}.${this.id}`;
  }

  keepDraft() {
    try {
      if (this.documentDirty() && !this.leaving) sessionStorage.setItem(this.draftKey(), this.docText.value);
      else sessionStorage.removeItem(this.draftKey());
    } catch { /* storage full or off: nothing more to do */ }
  }

  takeDraft() {
    try {
      const draft = sessionStorage.getItem(this.draftKey());
      sessionStorage.removeItem(this.draftKey());
      return draft;
    } catch {
      return null;
    }
  }

  destroy() {
    this.keepDraft();
    this.stop();
  }

  stop() {
    clearInterval(this.clock);
    document.removeEventListener('keydown', this.onKey);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    window.navigation?.removeEventListener('navigate', this.onNavigate);
  }

  async load() {
    const [entry, doc] = await Promise.all([
      get(entryPath(this.object.slug, this.id)),
      get(entryPath(this.object.slug, this.id) + '/document'),
    ]);
    this.showEntry(entry);
    this.showDocument(doc.markdown || '');
    const draft = this.takeDraft();
    if (draft !== null && draft !== this.savedDocument) {
      this.docText.value = draft;
      this.drawPreview();
      this.showDocState('Unsaved changes (kept from before)');
    }
    await Promise.all([this.loadRelated(), this.loadTimeline()]);
  }

  // ---- fields ----

  async reloadEntry() {
    const gen = ++this.generation.entry;
    try {
      const entry = await get(entryPath(this.object.slug, this.id));
      if (gen === this.generation.entry) this.showEntry(entry);
    } catch (e) {
      if (gen !== this.generation.entry) return;
      if (e instanceof ApiError && e.status === 404) this.showGone();
      else this.timelineStatus.textContent = e.message;
    }
  }

  showEntry(entry) {
    this.entry = entry;
    this.gone.hidden = true;
    this.deleteButton.disabled = false;
    this.scroller.classList.remove('entry-deleted');
    const label = labelOf(this.object, entry);
    this.title.textContent = label;
    this.crumbLabel.textContent = label;
    if (document.querySelector('#screen h1') === this.title) document.title = `${label} · kith`;
    this.meta.replaceChildren(`#${entry.id} · updated `, timeElement(entry.updated_at));
    for (const f of this.object.fields) this.drawField(f);
  }

  // The entry is gone (deleted here or elsewhere): say so; the timeline
  // stays, so its delete can be undone there.
  showGone() {
    this.gone.hidden = false;
    this.gone.textContent = 'This entry has been deleted. Undo its deletion in the history below to bring it back.';
    this.deleteButton.disabled = true;
    this.scroller.classList.add('entry-deleted');
  }

  fieldRow(f) {
    let row = this.fieldList.querySelector(`[data-field="${CSS.escape(f.slug)}"]`);
    if (row) return row;
    const name = el('dt', { id: `field-${f.slug}`, textContent: f.name });
    const value = el('div', { className: 'entry-value', tabIndex: 0 });
    attrs(value, { role: 'button', 'aria-labelledby': `field-${f.slug} value-${f.slug}`,
      'aria-description': 'Enter to edit' });
    value.addEventListener('click', () => this.openEditor(f));
    value.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === 'F2') {
        e.preventDefault();
        this.openEditor(f);
      }
    });
    const dd = el('dd', {}, el('div', { className: 'entry-value-line' }, value));
    row = el('div', { className: 'entry-field' }, name, dd);
    row.dataset.field = f.slug;
    this.fieldList.append(row);
    return row;
  }

  drawField(f) {
    const row = this.fieldRow(f);
    if (this.editors.has(f.slug)) return; // never wipe what is being typed
    const v = this.entry[f.slug];
    const value = row.querySelector('.entry-value');
    const shown = el('span', { id: `value-${f.slug}` });
    renderCell(shown, f, v);
    // A click on the value edits it; the link (if any) sits beside it.
    for (const a of shown.querySelectorAll('a')) a.replaceWith(a.textContent);
    if (!shown.childNodes.length) {
      shown.textContent = 'Empty';
      shown.classList.add('entry-empty');
    }
    value.replaceChildren(shown);
    const line = row.querySelector('.entry-value-line');
    line.querySelector('.entry-open')?.remove();
    const link = valueLink(f, v);
    if (link) line.append(link);
  }

  openEditor(f) {
    if (this.editors.has(f.slug) || !this.entry || !this.gone.hidden) return;
    const value = this.fieldRow(f).querySelector('.entry-value');
    const close = () => {
      const open = this.editors.get(f.slug);
      this.editors.delete(f.slug);
      open?.close?.();
      open?.remove();
      value.hidden = false;
      this.drawField(f);
      value.focus();
    };
    const editor = createEditor(f, this.entry[f.slug], {
      onCommit: async (newValue) => {
        try {
          const entry = await call('PATCH', entryPath(this.object.slug, this.id), { [f.slug]: newValue });
          this.entry = entry;
          close();
          this.showEntry(entry);
          this.loadTimeline();
        } catch (e) {
          if (e instanceof ApiError && e.status === 401) return location.replace('/login');
          // The editor stays open with what was typed; the message beside it.
          showEditorError(editor, e.message);
        }
      },
      onCancel: close,
    });
    editor.classList.add('entry-editor');
    this.editors.set(f.slug, editor);
    value.hidden = true;
    value.after(editor);
    editor.focus();
  }

  // ---- document ----

  documentDirty() {
    return this.docText.value !== this.savedDocument;
  }

  showDocument(markdown) {
    this.savedDocument = markdown;
    this.docText.value = markdown;
    this.drawPreview();
    this.showDocState();
  }

  showDocState(text) {
    const dirty = this.documentDirty();
    this.docSave.disabled = !dirty || this.docSaving;
    this.docState.classList.toggle('dirty', dirty);
    this.docState.textContent = text ?? (dirty ? 'Unsaved changes' : this.savedDocument ? 'Saved' : 'No document yet');
  }

  drawPreview() {
    const text = this.docText.value;
    if (text.trim()) this.docPreview.replaceChildren(renderMarkdown(text));
    else this.docPreview.replaceChildren(el('p', { className: 'doc-empty', textContent: 'The preview shows here.' }));
  }

  async saveDocument() {
    if (this.docSaving || !this.documentDirty()) return;
    const text = this.docText.value;
    this.docSaving = true;
    this.showDocState('Saving…');
    try {
      const doc = await call('PUT', entryPath(this.object.slug, this.id) + '/document', { markdown: text });
      this.savedDocument = doc.markdown || '';
      this.docError.textContent = '';
      this.loadTimeline();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      this.docError.textContent = e.message; // the text stays as typed
    } finally {
      this.docSaving = false;
      this.showDocState();
    }
  }

  async reloadDocument() {
    if (this.documentDirty() || this.docSaving) return;
    try {
      const doc = await get(entryPath(this.object.slug, this.id) + '/document');
      if (!this.documentDirty() && !this.docSaving && (doc.markdown || '') !== this.savedDocument)
        this.showDocument(doc.markdown || '');
    } catch { /* a deleted entry keeps its last text on screen */ }
  }

  // ---- related entries ----

  // Every relation field of every object that points at this object.
  incomingRelations() {
    const out = [];
    for (const o of this.ctx.state.objects)
      for (const f of o.fields)
        if (f.type === 'relation' && f.target === this.object.slug) out.push({ object: o, field: f });
    return out;
  }

  async loadRelated() {
    const gen = ++this.generation.related;
    const relations = this.incomingRelations();
    let results;
    try {
      results = await Promise.all(relations.map(({ object, field }) =>
        get(`/api/objects/${encodeURIComponent(object.slug)}/entries` +
          query({ where: `${field.slug} = ${this.id}`, sort: object.label, limit: RELATED_LIMIT }))));
    } catch (e) {
      if (gen === this.generation.related) this.relatedBox.replaceChildren(el('p', { className: 'error', textContent: e.message }));
      return;
    }
    if (gen !== this.generation.related) return;
    const groups = [];
    relations.forEach((r, i) => { if (results[i].total) groups.push(this.relatedGroup(r, results[i])); });
    if (!relations.length) this.relatedBox.replaceChildren(el('p', { className: 'muted', textContent: 'No other object links to this one.' }));
    else if (!groups.length) this.relatedBox.replaceChildren(el('p', { className: 'muted', textContent: 'Nothing links here yet.' }));
    else this.relatedBox.replaceChildren(...groups);
  }

  relatedGroup({ object, field }, list) {
    const headId = `related-${object.slug}-${field.slug}`;
    const count = el('span', { className: 'count', textContent: String(list.total) });
    attrs(count, { 'aria-label': `${list.total} ${list.total === 1 ? 'entry' : 'entries'}` });
    const head = el('h3', { id: headId }, el('span', { textContent: `${object.name} · ${field.name}` }), count);
    const ul = el('ul');
    attrs(ul, { 'aria-labelledby': headId });
    for (const e of list.entries)
      ul.append(el('li', {}, el('a', { href: entryHash(object.slug, e.id), textContent: labelOf(object, e) })));
    const group = el('div', { className: 'related-group' }, head, ul);
    group.dataset.object = object.slug;
    group.dataset.field = field.slug;
    if (list.total > list.entries.length)
      group.append(el('p', { className: 'muted', textContent: `and ${list.total - list.entries.length} more` }));
    return group;
  }

  // ---- timeline ----

  async loadTimeline() {
    const gen = ++this.generation.timeline;
    try {
      const { changes } = await get(entryPath(this.object.slug, this.id) + '/changes' + query({ limit: TIMELINE_LIMIT }));
      await this.loadRelationLabels(changes);
      if (gen !== this.generation.timeline) return;
      this.timelineList.replaceChildren(...changes.map((c) => this.changeItem(c)));
      if (!changes.length) this.timelineList.append(el('li', { className: 'muted', textContent: 'No changes recorded.' }));
    } catch (e) {
      if (gen === this.generation.timeline) this.timelineStatus.textContent = e.message;
    }
  }

  changeItem(c) {
    const who = el('span', { className: 'change-who', textContent: actorName(c.actor) });
    const what = el('span', { className: 'change-op', textContent: { create: 'created', update: 'changed', delete: 'deleted' }[c.op] || c.op });
    const undo = el('button', { type: 'button', className: 'change-undo', textContent: 'Undo' });
    attrs(undo, { 'aria-label': `Undo change ${c.id}` });
    undo.addEventListener('click', () => this.undoChange(c, undo));
    const head = el('div', { className: 'change-head' }, who, what, timeElement(c.at), undo);
    const li = el('li', { className: `change change-${c.op}` }, head);
    li.dataset.change = c.id;
    const details = this.changeDetails(c);
    if (details) li.append(details);
    return li;
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
    this.relationLabels ??= new Map(); // "target:id" -> label
    const wanted = new Map();          // target -> Set of ids
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
        const list = await get(`/api/objects/${encodeURIComponent(target)}/entries` +
          query({ where: `id in [${[...ids].join(', ')}]`, limit: ids.size, count: 'false' }));
        for (const e of list.entries) this.relationLabels.set(`${target}:${e.id}`, labelOf(o, e));
      } catch { /* the ids stay as #id */ }
    }));
  }

  shortValue(f, v) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return '(empty)';
    if (f?.type === 'relation') {
      const id = typeof v === 'object' ? v.id : v;
      return this.relationLabels?.get(`${f.target}:${id}`) ?? `#${id}`;
    }
    if (f?.type === 'boolean') return v ? 'yes' : 'no';
    const s = Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s.length > SNIPPET_CHARS ? s.slice(0, SNIPPET_CHARS - 1) + '…' : s;
  }

  async undoChange(c, button) {
    button.disabled = true;
    this.timelineStatus.classList.remove('error');
    try {
      await call('POST', `/api/changes/${c.id}/undo`);
      this.timelineStatus.textContent = `Undid change #${c.id}.`;
      await this.refreshAll();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      this.timelineStatus.classList.add('error');
      this.timelineStatus.textContent = `Could not undo change #${c.id}: ${e.message}`;
      button.disabled = false;
    }
  }

  // ---- delete ----

  async deleteEntry() {
    if (!this.entry) return;
    const label = labelOf(this.object, this.entry);
    const lose = this.documentDirty() ? ' The unsaved document text will be lost.' : '';
    if (!confirm(`Delete ${label}?${lose}`)) return;
    try {
      await call('DELETE', entryPath(this.object.slug, this.id));
    } catch (e) {
      this.ctx.toast(`Could not delete ${label}: ${e.message}`, { error: true });
      return;
    }
    const { object, id, ctx } = this;
    const tableHash = `#/o/${encodeURIComponent(object.slug)}`;
    ctx.toast(`Deleted ${label}`, {
      action: { label: 'Undo', run: async () => {
        await undoDelete(object, id);
        ctx.toast(`Restored ${label}`);
        if (location.hash === tableHash) ctx.navigate(entryHash(object.slug, id));
      } },
    });
    this.leaving = true;
    ctx.navigate(tableHash);
  }

  // ---- live ----

  async refreshAll() {
    await Promise.all([this.reloadEntry(), this.reloadDocument(), this.loadRelated(), this.loadTimeline()]);
  }

  onChanges(changes) {
    if (changes.some((c) => c.reset)) return this.refreshAll();
    const mine = changes.some((c) => c.object === this.object.slug && c.entry_id === this.id);
    const targets = new Set(this.object.fields.filter((f) => f.type === 'relation').map((f) => f.target));
    const sources = new Set(this.incomingRelations().map((r) => r.object.slug));
    if (mine || changes.some((c) => targets.has(c.object))) this.reloadEntry();
    if (mine) {
      this.reloadDocument();
      this.loadTimeline();
    }
    if (mine || changes.some((c) => sources.has(c.object))) this.loadRelated();
  }
}

// The link beside a value: a relation's entry page, a mail address, a web page.
function valueLink(f, v) {
  let href, text, label;
  if (f.type === 'relation' && v && v.id) {
    [href, text, label] = [entryHash(f.target, v.id), 'Open', `Open ${v.label ?? `#${v.id}`}`];
  } else if (f.type === 'email' && v) {
    [href, text, label] = [`mailto:${v}`, 'Mail', `Mail ${v}`];
  } else if (f.type === 'url' && /^https?:\/\//i.test(v || '')) {
    [href, text, label] = [v, 'Visit', `Visit ${v}`];
  } else {
    return null;
  }
  const a = el('a', { className: 'entry-open', href, textContent: text });
  if (f.type === 'url') Object.assign(a, { target: '_blank', rel: 'noopener noreferrer' });
  attrs(a, { 'aria-label': label });
  return a;
}

function section(name, title, ...children) {
  const h = el('h2', { id: `${name}-title`, textContent: title });
  const s = el('section', { className: `entry-section entry-section-${name}` }, h, ...children);
  attrs(s, { 'aria-labelledby': `${name}-title` });
  return s;
}

function actorName(actor) {
  const names = { user: 'CLI user', api: 'Web/API', import: 'Import' };
  const agent = /^agent:(.+)$/.exec(actor || '');
  return names[actor] || (agent ? `Agent (conversation ${agent[1]})` : actor || 'someone');
}

// Undo the newest delete of an entry: its own change log says which.
async function undoDelete(object, id) {
  const { changes } = await get(entryPath(object.slug, id) + '/changes' + query({ limit: 5 }));
  const del = changes.find((c) => c.op === 'delete');
  if (!del) throw new Error('the deletion is not in the change log');
  await call('POST', `/api/changes/${del.id}/undo`);
}
