// entry-parts.js: the small pieces the entry page's modules (entry.js,
// entry-document.js, entry-history.js) and the search palette share: an
// entry's label and link, a titled section, and times shown as "3 minutes
// ago" that stay current.
import { el } from './dom.js';

// The app's link to an entry's page.
export const entryHash = (slug, id) => `#/e/${encodeURIComponent(slug)}/${id}`;

// An entry's label field, or "Person #3" when it is empty.
export function labelOf(object, entry) {
  const v = entry?.[object.label];
  return v === null || v === undefined || v === '' ? `${object.name} #${entry?.id ?? ''}` : String(v);
}

// A section of the entry page with its heading (<name>-title).
export function section(name, title, ...children) {
  return el('section', { className: `entry-section entry-section-${name}`, 'aria-labelledby': `${name}-title` },
    el('h2', { id: `${name}-title`, textContent: title }), ...children);
}

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

// <time> saying how long ago iso was, the full date and time as its title.
export function timeElement(iso) {
  return el('time', { dateTime: iso, textContent: relativeTime(iso), className: 'relative',
    title: new Date(iso).toLocaleString() });
}

// "just now" becomes "3 minutes ago" as time goes by.
export function refreshTimes(root) {
  for (const t of root.querySelectorAll('time.relative')) t.textContent = relativeTime(t.dateTime);
}
