// kanban-sums.js: the sum a kanban column shows of the object's amount
// field: over every entry of each column by one GROUP BY when there is no
// filter, else per filtered column by reading its pages.
import { call, get, query } from './api.js';
import { entryPath } from './dom.js';

export const MAX_PAGE = 1000;   // the API's largest page
export const SUM_PAGES = 20;    // pages read to sum a filtered column (20,000 entries)

const sqlName = (s) => `"${String(s).replace(/"/g, '""')}"`;

// The key a select value's sum is kept under: values that differ only in
// case add up together; no value is 'none'.
export const sumKeyOf = (value) => (value === null || value === '' ? 'none' : `v:${String(value).toLowerCase()}`);

// The field whose sum a column shows: the first currency field, else a
// number field named amount.
export function sumFieldOf(object) {
  return object.fields.find((f) => f.type === 'currency')
    || object.fields.find((f) => f.type === 'number' && f.slug === 'amount') || null;
}

// Sums over all the entries of each column, unfiltered: one GROUP BY.
// A Map from column key to sum.
export async function sumsByColumn(object, groupBy, sumField) {
  const g = sqlName(groupBy);
  const sql = `SELECT ${g}, sum(${sqlName(sumField.slug)}) FROM ${sqlName(object.slug)} GROUP BY ${g}`;
  const res = await call('POST', '/api/sql', { sql });
  const sums = new Map();
  for (const [v, s] of res.rows) {
    const key = sumKeyOf(v);
    sums.set(key, (sums.get(key) || 0) + (Number(s) || 0));
  }
  return sums;
}

// The sum of a filtered column ({where, entries, total}): its loaded cards
// when they are all of it, else read the column's pages (count=false) up
// to SUM_PAGES. {sum, complete}.
export async function sumOfColumn(object, column, sumField) {
  const amount = (e) => Number(e[sumField.slug]) || 0;
  if (column.entries.length >= column.total)
    return { sum: column.entries.reduce((s, e) => s + amount(e), 0), complete: true };
  let sum = 0, cursor = null, pages = 0;
  do {
    const page = await get(entryPath(object) + query({ where: column.where, sort: 'id',
      limit: MAX_PAGE, cursor, count: 'false' }));
    for (const e of page.entries) sum += amount(e);
    cursor = page.next_cursor;
  } while (cursor && ++pages < SUM_PAGES);
  return { sum, complete: !cursor };
}
