// table-layout.js: the geometry of the entries table: every row the same
// height, a checkbox column, then a column per field as wide as its type
// needs (the rows are placed absolutely, so these numbers place them).

export const ROW_HEIGHT = 32;   // px; matches .row in style.css
export const CHECK_WIDTH = 36;  // px; the selection column

const WIDTH = { text: 220, email: 240, url: 220, relation: 180, multi_select: 220,
  select: 140, date: 140, datetime: 190, number: 110, currency: 120, boolean: 90, phone: 160 };
export const widthOf = (f) => WIDTH[f.type] || 160;

// The CSS grid columns of a row of fields.
export const columnsTemplate = (fields) => [`${CHECK_WIDTH}px`, ...fields.map((f) => `${widthOf(f)}px`)].join(' ');

// The left edge of field column col, in px.
export const columnLeft = (fields, col) => fields.slice(0, col).reduce((x, f) => x + widthOf(f), CHECK_WIDTH);
