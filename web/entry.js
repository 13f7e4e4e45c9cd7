// entry.js: the page of one entry (#/e/<object>/<id>): breadcrumbs, the
// label as title, every field editable in place, the entries of other
// objects that point at this one, and Delete with an undo toast; the
// markdown document (entry-document.js) and the timeline of changes
// (entry-history.js) are parts of it. Changes made elsewhere reload the
// fields, the related entries and the timeline without touching an open
// editor or unsaved document text.
import { call, get, query, ApiError } from './api.js';
import { renderCell } from './cells.js';
import { el, entryPath } from './dom.js';
import { createEditor, showEditorError } from './editors.js';
import { EntryDocument } from './entry-document.js';
import { EntryHistory, undoDelete } from './entry-history.js';
import { entryHash, labelOf, refreshTimes, section, timeElement } from './entry-parts.js';

const RELATED_LIMIT = 25;
const CLOCK_MS = 30000;

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
    this.path = entryPath(object, id);
    this.entry = null;
    this.editors = new Map(); // field slug -> open editor element
    this.generation = { entry: 0, related: 0 };
    this.document = new EntryDocument(object, id, { onSaved: () => this.history.load() });
    this.history = new EntryHistory(object, id, ctx, { onUndone: () => this.refreshAll() });
    this.build();
    this.clock = setInterval(() => refreshTimes(this.root), CLOCK_MS);
  }

  build() {
    const o = this.object;
    this.crumbLabel = el('span', { 'aria-current': 'page' });
    const crumbs = el('nav', { className: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
      el('a', { href: `#/o/${encodeURIComponent(o.slug)}`, textContent: o.name }),
      el('span', { className: 'crumb-sep', textContent: '/' }), this.crumbLabel);
    this.title = el('h1', { id: 'title' });
    this.meta = el('span', { className: 'total entry-meta' });
    this.deleteButton = el('button', { type: 'button', className: 'danger', textContent: 'Delete' });
    this.deleteButton.addEventListener('click', () => this.deleteEntry());
    const head = el('header', { className: 'toolbar' }, this.title, this.meta,
      el('div', { className: 'actions' }, this.deleteButton));
    this.gone = el('p', { className: 'entry-gone', hidden: true, role: 'status' });

    this.fieldList = el('dl', { className: 'entry-fields' });
    this.relatedBox = el('div', { className: 'related' });
    const side = el('div', { className: 'entry-side' },
      section('related', 'Related', this.relatedBox), this.history.element);
    const top = el('div', { className: 'entry-top' }, section('fields', 'Fields', this.fieldList), side);
    this.scroller = el('div', { className: 'entry-scroll' }, top, this.document.element);
    this.root = el('div', { className: 'entry-page' }, crumbs, head, this.gone, this.scroller);
  }

  destroy() {
    this.document.keepDraft();
    this.stop();
  }

  stop() {
    clearInterval(this.clock);
    this.document.stop();
  }

  async load() {
    const [entry, markdown] = await Promise.all([get(this.path), this.document.fetch()]);
    this.showEntry(entry);
    this.document.open(markdown);
    await Promise.all([this.loadRelated(), this.history.load()]);
  }

  // ---- fields ----

  async reloadEntry() {
    const gen = ++this.generation.entry;
    try {
      const entry = await get(this.path);
      if (gen === this.generation.entry) this.showEntry(entry);
    } catch (e) {
      if (gen !== this.generation.entry) return;
      if (e instanceof ApiError && e.status === 404) this.showGone();
      else this.history.say(e.message);
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

  // A field's row: its name and its value, a button that opens its editor.
  fieldRow(f) {
    const row = this.fieldList.querySelector(`[data-field="${CSS.escape(f.slug)}"]`);
    if (row) return row;
    const value = el('div', { className: 'entry-value', tabIndex: 0, role: 'button',
      'aria-labelledby': `field-${f.slug} value-${f.slug}`, 'aria-description': 'Enter to edit' });
    value.addEventListener('click', () => this.openEditor(f));
    value.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === 'F2') {
        e.preventDefault();
        this.openEditor(f);
      }
    });
    const name = el('dt', { id: `field-${f.slug}`, textContent: f.name });
    const dd = el('dd', {}, el('div', { className: 'entry-value-line' }, value));
    return this.fieldList.appendChild(el('div', { className: 'entry-field', 'data-field': f.slug }, name, dd));
  }

  drawField(f) {
    const row = this.fieldRow(f);
    if (this.editors.has(f.slug)) return; // never wipe what is being typed
    const v = this.entry[f.slug];
    const shown = el('span', { id: `value-${f.slug}` });
    renderCell(shown, f, v);
    // A click on the value edits it; the link (if any) sits beside it.
    for (const a of shown.querySelectorAll('a')) a.replaceWith(a.textContent);
    if (!shown.childNodes.length) {
      shown.textContent = 'Empty';
      shown.classList.add('entry-empty');
    }
    row.querySelector('.entry-value').replaceChildren(shown);
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
          const entry = await call('PATCH', this.path, { [f.slug]: newValue });
          this.entry = entry;
          close();
          this.showEntry(entry);
          this.history.load();
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
        get(entryPath(object) + query({ where: `${field.slug} = ${this.id}`, sort: object.label, limit: RELATED_LIMIT }))));
    } catch (e) {
      if (gen === this.generation.related) this.relatedBox.replaceChildren(el('p', { className: 'error', textContent: e.message }));
      return;
    }
    if (gen !== this.generation.related) return;
    const groups = relations.flatMap((r, i) => (results[i].total ? [relatedGroup(r, results[i])] : []));
    const muted = (text) => el('p', { className: 'muted', textContent: text });
    if (!relations.length) this.relatedBox.replaceChildren(muted('No other object links to this one.'));
    else if (!groups.length) this.relatedBox.replaceChildren(muted('Nothing links here yet.'));
    else this.relatedBox.replaceChildren(...groups);
  }

  // ---- delete ----

  async deleteEntry() {
    if (!this.entry) return;
    const label = labelOf(this.object, this.entry);
    const lose = this.document.dirty() ? ' The unsaved document text will be lost.' : '';
    if (!confirm(`Delete ${label}?${lose}`)) return;
    try {
      await call('DELETE', this.path);
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
    this.document.leaving = true;
    ctx.navigate(tableHash);
  }

  // ---- live ----

  async refreshAll() {
    await Promise.all([this.reloadEntry(), this.document.reload(), this.loadRelated(), this.history.load()]);
  }

  onChanges(changes) {
    if (changes.some((c) => c.reset)) return this.refreshAll();
    const mine = changes.some((c) => c.object === this.object.slug && c.entry_id === this.id);
    const targets = new Set(this.object.fields.filter((f) => f.type === 'relation').map((f) => f.target));
    const sources = new Set(this.incomingRelations().map((r) => r.object.slug));
    if (mine || changes.some((c) => targets.has(c.object))) this.reloadEntry();
    if (mine) {
      this.document.reload();
      this.history.load();
    }
    if (mine || changes.some((c) => sources.has(c.object))) this.loadRelated();
  }
}

// One object's entries that point here through one field, as links.
function relatedGroup({ object, field }, list) {
  const headId = `related-${object.slug}-${field.slug}`;
  const count = el('span', { className: 'count', textContent: String(list.total),
    'aria-label': `${list.total} ${list.total === 1 ? 'entry' : 'entries'}` });
  const head = el('h3', { id: headId }, el('span', { textContent: `${object.name} · ${field.name}` }), count);
  const ul = el('ul', { 'aria-labelledby': headId },
    ...list.entries.map((e) => el('li', {}, el('a', { href: entryHash(object.slug, e.id), textContent: labelOf(object, e) }))));
  const more = list.total - list.entries.length;
  return el('div', { className: 'related-group', 'data-object': object.slug, 'data-field': field.slug }, head, ul,
    more > 0 ? el('p', { className: 'muted', textContent: `and ${more} more` }) : null);
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
  const a = el('a', { className: 'entry-open', href, textContent: text, 'aria-label': label });
  if (f.type === 'url') Object.assign(a, { target: '_blank', rel: 'noopener noreferrer' });
  return a;
}
