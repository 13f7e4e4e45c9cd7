// cells.js: how one value of each field type is shown in a table cell
// (read-only): relations by their label, multi_select as chips, booleans
// as a check mark, dates as <time>, money and numbers aligned right.

const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

function chip(text) {
  const s = document.createElement('span');
  s.className = 'chip';
  s.textContent = text;
  return s;
}

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  a.rel = 'noopener noreferrer';
  return a;
}

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
  case 'boolean': {
    const s = document.createElement('span');
    s.textContent = value ? '✓' : '✗';
    s.setAttribute('aria-label', value ? 'yes' : 'no');
    s.className = value ? 'yes' : 'no';
    cell.append(s);
    break;
  }
  case 'date':
  case 'datetime': {
    const t = document.createElement('time');
    t.dateTime = value;
    t.textContent = field.type === 'date' ? value : value.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    cell.append(t);
    break;
  }
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
