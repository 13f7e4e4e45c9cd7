// export.js: the export part of the import and export screen: an
// object's entries, all or through a saved view's or a typed filter, with
// the count they match, as a download of GET /api/objects/{obj}/export.
import { ApiError, get, query } from './api.js';
import { el } from './dom.js';

const COUNT_DELAY_MS = 250;

// The export part: a saved view or a filter, the count, the download link.
export function exportSection(state, ctx) {
  const viewSelect = el('select', { id: 'export-view' });
  const filter = el('input', { type: 'text', id: 'export-filter', spellcheck: false, autocomplete: 'off', placeholder: 'status = Lead' });
  filter.setAttribute('aria-describedby', 'export-filter-error');
  const filterError = el('p', { className: 'error', id: 'export-filter-error', role: 'status', 'aria-live': 'polite' });
  const count = el('span', { id: 'export-count', className: 'hint', 'aria-live': 'polite' });
  const link = el('a', { id: 'export-link', className: 'file-button primary' });
  const root = el('section', { className: 'form-panel', id: 'export' },
    el('h2', { textContent: 'Export as CSV' }),
    el('div', { className: 'form-grid' },
      el('label', { htmlFor: 'export-view', textContent: 'Saved view' }), viewSelect,
      el('label', { htmlFor: 'export-filter', textContent: 'Filter' }), el('div', {}, filter, filterError)),
    el('div', { className: 'form-row' }, link, count));

  let timer = 0, generation = 0;
  const update = async () => {
    const object = state.object;
    const where = filter.value.trim();
    const slug = encodeURIComponent(object.slug);
    link.href = `/api/objects/${slug}/export${query({ where })}`;
    link.download = `${object.slug}.csv`;
    link.textContent = `Download ${object.slug}.csv`;
    const gen = ++generation;
    try {
      const r = await get(`/api/objects/${slug}/entries${query({ where, limit: 1 })}`);
      if (gen !== generation) return;
      filterError.textContent = '';
      link.removeAttribute('aria-disabled');
      count.textContent = `${r.total} ${r.total === 1 ? 'entry' : 'entries'}`;
    } catch (e) {
      if (gen !== generation) return;
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      filterError.textContent = e.message;
      link.setAttribute('aria-disabled', 'true');
      count.textContent = '';
    }
  };
  link.addEventListener('click', (e) => { if (link.getAttribute('aria-disabled') === 'true') e.preventDefault(); });
  filter.addEventListener('input', () => {
    viewSelect.value = '';
    clearTimeout(timer);
    timer = setTimeout(update, COUNT_DELAY_MS);
  });
  viewSelect.addEventListener('change', () => {
    const view = ctx.state.views.find((v) => String(v.id) === viewSelect.value);
    filter.value = view?.where || '';
    clearTimeout(timer);
    update();
  });
  const fillViews = () => {
    const keep = viewSelect.value;
    const views = ctx.state.views.filter((v) => v.object === state.object.slug);
    viewSelect.replaceChildren(el('option', { value: '', textContent: 'None (all entries, or the filter below)' }),
      ...views.map((v) => el('option', { value: String(v.id), textContent: v.name, selected: String(v.id) === keep })));
  };
  return {
    root,
    objectChanged() {
      filter.value = '';
      fillViews();
      viewSelect.value = '';
      return update();
    },
    refresh() { fillViews(); return update(); },
    stop() { clearTimeout(timer); generation++; },
  };
}
