// header.js: the top of every screen of one object (table, kanban,
// calendar): the title, the entry count, the tabs between the three
// layouts (kanban only when the object has a select field, calendar only
// when it has a date field) and a place for the screen's own buttons.
import { el } from './dom.js';

export const hasKanban = (object) => object.fields.some((f) => f.type === 'select');
export const hasCalendar = (object) => object.fields.some((f) => f.type === 'date' || f.type === 'datetime');

// kind: 'table' | 'kanban' | 'calendar'; view: a saved view or null.
// Returns {root, title, total, actions}: append root to the screen, set
// total.textContent, put buttons into actions.
export function objectHeader(object, kind, view) {
  const title = el('h1', { id: 'title', textContent: view ? `${object.name} · ${view.name}` : object.name });
  const total = el('span', { id: 'total', className: 'total', 'aria-live': 'polite' });
  const tabs = el('nav', { className: 'tabs', 'aria-label': 'Layout' });
  const slug = encodeURIComponent(object.slug);
  const layouts = [['table', 'Table', `#/o/${slug}`]];
  if (hasKanban(object)) layouts.push(['kanban', 'Kanban', `#/o/${slug}/kanban`]);
  if (hasCalendar(object)) layouts.push(['calendar', 'Calendar', `#/o/${slug}/calendar`]);
  for (const [k, label, href] of layouts) {
    const a = el('a', { href, textContent: label });
    if (k === kind && !view) a.setAttribute('aria-current', 'page');
    if (k === kind && view) a.className = 'current-kind';
    tabs.append(a);
  }
  const actions = el('div', { className: 'actions' });
  const root = el('header', { className: 'toolbar' }, title, total, tabs, actions);
  return { root, title, total, actions };
}
