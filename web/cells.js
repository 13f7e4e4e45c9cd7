// cells.js: how one value of each field type is shown in a table cell
// (read-only): relations by their label, multi_select as chips, booleans
// as a check mark, dates as <time>, money and numbers aligned right.
import { el } from './dom.js';

const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

const chip = (text) => el('span', { className: 'chip', textContent: text });
const link = (href, text) => el('a', { href, textContent: text, rel: 'noopener noreferrer' });

// Fill cell (an element) with value of field ({slug, type, ...}).
export function renderCell(cell, field, value) {
  cell.className = 'cell type-' + field.type;
  if (value === null || value === undefined || value === '') return;
  switch (field.type) {
  case 'relation':
    cell.textContent = value.label ?? `#${value.id}`;
    break;
  case 'multi_select':
    for (const v of Array.isArray(value) ? value : [value]) cell.append(chip(v));
    break;
  case 'select':
    cell.append(chip(value));
    break;
  case 'boolean':
    cell.append(el('span', { className: value ? 'yes' : 'no', textContent: value ? '✓' : '✗',
      'aria-label': value ? 'yes' : 'no' }));
    break;
  case 'date':
  case 'datetime':
    cell.append(el('time', { dateTime: value,
      textContent: field.type === 'date' ? value : value.replace('T', ' ').replace(/\.\d+Z$/, 'Z') }));
    break;
  case 'currency':
  case 'number':
    cell.textContent = typeof value === 'number' ? money.format(value) : String(value);
    break;
  case 'url':
    if (/^https?:\/\//i.test(value)) cell.append(link(value, value.replace(/^https?:\/\/(www\.)?/i, '')));
    else cell.textContent = value;
    break;
  case 'email':
    cell.append(link('mailto:' + value, value));
    break;
  default:
    cell.textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}
