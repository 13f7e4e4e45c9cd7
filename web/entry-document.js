// entry-document.js: the markdown document on an entry's page: the editor
// beside a live preview (Write/Preview tabs when narrow), Save or
// Ctrl/Cmd-S, the server's message when a save fails (the text stays as
// typed), and unsaved text kept safe: leaving the page asks first, and a
// draft in sessionStorage brings it back in this tab.
import { call, get, ApiError } from './api.js';
import { el, entryPath } from './dom.js';
import { section } from './entry-parts.js';
import { renderMarkdown } from './markdown.js';

const PREVIEW_DELAY_MS = 80;

export class EntryDocument {
  // onSaved: called after each save (the page reloads its timeline).
  constructor(object, id, { onSaved }) {
    this.path = `${entryPath(object, id)}/document`;
    this.draftKey = `kith.draft.${object.slug}.${id}`;
    this.onSaved = onSaved;
    this.saved = '';      // the document as the server has it
    this.saving = false;
    this.leaving = false; // the user agreed to leave: ask no more
    this.element = this.build();
    this.listen();
  }

  build() {
    this.text = el('textarea', { id: 'doc-text', className: 'doc-text', spellcheck: true,
      placeholder: '# Notes\n\nWrite markdown here…', 'aria-label': 'Document (markdown)' });
    this.preview = el('div', { id: 'doc-preview', className: 'doc-preview markdown', tabIndex: 0,
      role: 'region', 'aria-label': 'Preview' });
    this.state = el('span', { className: 'doc-state', 'aria-live': 'polite' });
    this.saveButton = el('button', { type: 'button', textContent: 'Save', disabled: true,
      'aria-keyshortcuts': 'Control+S Meta+S' });
    this.saveButton.addEventListener('click', () => this.save());
    this.error = el('p', { className: 'error doc-error', role: 'alert' });
    this.panes = el('div', { className: 'doc-panes', 'data-tab': 'write' }, this.text, this.preview);
    let timer = 0;
    this.text.addEventListener('input', () => {
      this.showState();
      clearTimeout(timer);
      timer = setTimeout(() => this.drawPreview(), PREVIEW_DELAY_MS);
    });
    const bar = el('div', { className: 'doc-bar' }, this.tabs(), this.state, this.saveButton);
    return section('document', 'Document', bar, this.panes, this.error);
  }

  // Write / Preview: which pane shows when only one fits.
  tabs() {
    const tabs = el('div', { className: 'doc-tabs', role: 'group', 'aria-label': 'Show' });
    for (const [tab, name] of [['write', 'Write'], ['preview', 'Preview']]) {
      const b = el('button', { type: 'button', textContent: name, 'aria-pressed': String(tab === 'write') });
      b.addEventListener('click', () => {
        this.panes.dataset.tab = tab;
        for (const x of tabs.children) x.setAttribute('aria-pressed', String(x === b));
      });
      tabs.append(b);
    }
    return tabs;
  }

  // Ctrl/Cmd-S saves; leaving with unsaved text asks first.
  listen() {
    this.onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        this.save();
      }
    };
    this.onBeforeUnload = (e) => {
      if (!this.dirty()) return;
      this.keepDraft();
      e.preventDefault();
    };
    // Leaving for another page of the app (a link, the palette, Back).
    this.onNavigate = (e) => {
      if (!this.dirty() || this.leaving || !e.cancelable || e.hashChange === false) return;
      if (new URL(e.destination.url).hash === location.hash) return;
      if (confirm('The document has unsaved changes. Leave this page and lose them?')) this.leaving = true;
      else e.preventDefault();
    };
    document.addEventListener('keydown', this.onKey);
    window.addEventListener('beforeunload', this.onBeforeUnload);
    window.navigation?.addEventListener('navigate', this.onNavigate);
  }

  stop() {
    document.removeEventListener('keydown', this.onKey);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    window.navigation?.removeEventListener('navigate', this.onNavigate);
  }

  // Unsaved text outlives the page in sessionStorage (this tab only), so a
  // way out that could not ask (a browser without the Navigation API) still
  // loses nothing: coming back restores it.
  keepDraft() {
    try {
      if (this.dirty() && !this.leaving) sessionStorage.setItem(this.draftKey, this.text.value);
      else sessionStorage.removeItem(this.draftKey);
    } catch { /* storage full or off: nothing more to do */ }
  }

  takeDraft() {
    try {
      const draft = sessionStorage.getItem(this.draftKey);
      sessionStorage.removeItem(this.draftKey);
      return draft;
    } catch {
      return null;
    }
  }

  // The markdown as the server has it.
  async fetch() {
    return (await get(this.path)).markdown || '';
  }

  // The first showing: the saved text, or the draft left from before.
  open(markdown) {
    this.show(markdown);
    const draft = this.takeDraft();
    if (draft !== null && draft !== this.saved) {
      this.text.value = draft;
      this.drawPreview();
      this.showState('Unsaved changes (kept from before)');
    }
  }

  dirty() {
    return this.text.value !== this.saved;
  }

  show(markdown) {
    this.saved = markdown;
    this.text.value = markdown;
    this.drawPreview();
    this.showState();
  }

  showState(text) {
    const dirty = this.dirty();
    this.saveButton.disabled = !dirty || this.saving;
    this.state.classList.toggle('dirty', dirty);
    this.state.textContent = text ?? (dirty ? 'Unsaved changes' : this.saved ? 'Saved' : 'No document yet');
  }

  drawPreview() {
    const text = this.text.value;
    if (text.trim()) this.preview.replaceChildren(renderMarkdown(text));
    else this.preview.replaceChildren(el('p', { className: 'doc-empty', textContent: 'The preview shows here.' }));
  }

  async save() {
    if (this.saving || !this.dirty()) return;
    const text = this.text.value;
    this.saving = true;
    this.showState('Saving…');
    try {
      const doc = await call('PUT', this.path, { markdown: text });
      this.saved = doc.markdown || '';
      this.error.textContent = '';
      this.onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      this.error.textContent = e.message; // the text stays as typed
    } finally {
      this.saving = false;
      this.showState();
    }
  }

  // A change made elsewhere: show it unless there is unsaved text here.
  async reload() {
    if (this.dirty() || this.saving) return;
    try {
      const markdown = await this.fetch();
      if (!this.dirty() && !this.saving && markdown !== this.saved) this.show(markdown);
    } catch { /* a deleted entry keeps its last text on screen */ }
  }
}
