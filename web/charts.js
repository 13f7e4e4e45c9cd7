// charts.js: the dashboard's charts, drawn as SVG from a query's
// {columns, rows}: bar (horizontal bars), line, donut, a single number and a
// plain table. The first column gives the labels, the second the values.
// Every chart has an accessible name that sums its data up, a visually
// hidden table of the data for screen readers, a <title> tooltip on each
// bar, point and slice, and colours from the CSS variables (.series-N in
// dashboard.css), so it follows the light and dark themes.
import { el } from './dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const PALETTE_SIZE = 8;      // .series-0 ... .series-7
const SUMMARY_ITEMS = 12;    // how many label: value pairs the aria-label names
const full = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export const CHART_KINDS = [['bar', 'Bar'], ['line', 'Line'], ['donut', 'Donut'],
  ['number', 'Number'], ['table', 'Table']];

// An SVG element with attributes and children.
function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

const title = (text) => svg('title', {}, text);
const series = (i) => `series-${i % PALETTE_SIZE}`;

// A number for display: 1,765,000 (full) or 1.8M (compact, for axes).
export const formatValue = (v) => (typeof v === 'number' ? full.format(v) : String(v ?? ''));
const formatTick = (v) => (Math.abs(v) >= 10000 ? compact.format(v) : full.format(v));

// A label cell as text: null reads as "(none)".
const labelText = (v) => (v === null || v === undefined || v === '' ? '(none)' : String(v));

// Shorten text to at most n characters with an ellipsis.
const clip = (text, n) => (text.length > n ? text.slice(0, n - 1) + '…' : text);

// A message in place of a chart (no data, wrong shape, an error).
export function chartMessage(text, { error = false } = {}) {
  const p = el('p', { className: 'chart-message', textContent: text });
  if (error) {
    p.classList.add('error');
    p.setAttribute('role', 'alert');
  }
  return p;
}

// {points: [{label, value}]} from rows of label and value, or {error}.
function labelValuePoints(columns, rows) {
  if (columns.length < 2)
    return { error: 'This chart needs two columns: the labels first, then the values.' };
  const points = [];
  for (const r of rows) {
    const raw = r[1];
    const value = raw === null || raw === '' ? 0 : Number(raw);
    if (!Number.isFinite(value))
      return { error: `The second column (${columns[1]}) must hold numbers; '${raw}' is not one.` };
    points.push({ label: labelText(r[0]), value });
  }
  return { points };
}

// Round numbers for an axis from lo to hi: {lo, hi, step}.
function niceScale(lo, hi, ticks = 4) {
  if (lo === hi) hi = lo + 1;
  const raw = (hi - lo) / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  return { lo: Math.floor(lo / step) * step, hi: Math.ceil(hi / step) * step, step };
}

function tickValues({ lo, hi, step }) {
  const out = [];
  for (let v = lo; v <= hi + step / 2; v += step) out.push(Math.round(v / step) * step);
  return out;
}

// The chart's accessible name: its title, kind and the first values.
function summary(kindName, name, points) {
  const items = points.slice(0, SUMMARY_ITEMS).map((p) => `${p.label} ${formatValue(p.value)}`);
  const more = points.length > SUMMARY_ITEMS ? `, and ${points.length - SUMMARY_ITEMS} more` : '';
  return `${kindName} of ${name}: ${items.join(', ')}${more}`;
}

// The data as a table (visible for the table chart, hidden otherwise).
function dataTable(columns, rows, { hidden, caption }) {
  const numClass = (v) => (typeof v === 'number' ? 'num' : '');
  const head = el('tr', {}, ...columns.map((c, i) => el('th', { scope: 'col', textContent: c, className: numClass(rows[0]?.[i]) })));
  const body = el('tbody', {}, ...rows.map((r) => el('tr', {},
    ...r.map((v) => el('td', { textContent: v === null ? '' : formatValue(v), className: numClass(v) })))));
  return el('table', { className: hidden ? 'visually-hidden' : 'chart-table' },
    caption ? el('caption', { className: hidden ? '' : 'visually-hidden', textContent: caption }) : null,
    el('thead', {}, head), body);
}

// An <svg role=img> of width w and height h with its accessible name.
function chartSvg(w, h, label) {
  return svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-label': label,
    preserveAspectRatio: 'xMinYMin meet', class: 'chart-svg' });
}

// Horizontal bars: a label on the left, the bar, its value at its end,
// and a value axis with grid lines below.
function barChart(points, name) {
  const W = 360, LABEL_W = 96, VALUE_W = 44, BAR_H = 20, GAP = 7, TOP = 6, AXIS_H = 22;
  const plotW = W - LABEL_W - VALUE_W;
  const H = TOP + points.length * (BAR_H + GAP) + AXIS_H;
  const values = points.map((p) => p.value);
  const scale = niceScale(Math.min(0, ...values), Math.max(0, ...values));
  const x = (v) => LABEL_W + ((v - scale.lo) / (scale.hi - scale.lo)) * plotW;
  const s = chartSvg(W, H, summary('Bar chart', name, points));
  const axisY = TOP + points.length * (BAR_H + GAP);
  const grid = svg('g', { class: 'grid' });
  for (const t of tickValues(scale)) {
    grid.append(svg('line', { x1: x(t), x2: x(t), y1: TOP, y2: axisY }),
      svg('text', { x: x(t), y: axisY + 15, 'text-anchor': 'middle', class: 'tick' }, formatTick(t)));
  }
  s.append(grid);
  points.forEach((p, i) => {
    const y = TOP + i * (BAR_H + GAP);
    const x0 = x(Math.min(0, p.value)), x1 = x(Math.max(0, p.value));
    const bar = svg('rect', { x: x0, y, width: Math.max(x1 - x0, 1), height: BAR_H, rx: 3,
      class: `bar ${series(0)}`, 'data-label': p.label, 'data-value': p.value },
    title(`${p.label}: ${formatValue(p.value)}`));
    s.append(
      svg('text', { x: LABEL_W - 8, y: y + BAR_H / 2, 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'label' },
        clip(p.label, 14)),
      bar,
      svg('text', { x: x1 + 6, y: y + BAR_H / 2, 'dominant-baseline': 'central', class: 'value' }, formatTick(p.value)));
  });
  s.append(svg('line', { x1: x(0), x2: x(0), y1: TOP, y2: axisY, class: 'axis' }));
  return s;
}

// A line through the points, labels along the bottom (thinned out when
// there are many), a value axis on the left.
function lineChart(points, name) {
  const W = 360, H = 200, LEFT = 40, RIGHT = 18, TOP = 10, BOTTOM = 28;
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const values = points.map((p) => p.value);
  const scale = niceScale(Math.min(0, ...values), Math.max(0, ...values));
  const PAD = 12; // keeps the end points off the axis
  const x = (i) => LEFT + PAD + (points.length === 1 ? (plotW - 2 * PAD) / 2 : (i / (points.length - 1)) * (plotW - 2 * PAD));
  const y = (v) => TOP + plotH - ((v - scale.lo) / (scale.hi - scale.lo)) * plotH;
  const s = chartSvg(W, H, summary('Line chart', name, points));
  const grid = svg('g', { class: 'grid' });
  for (const t of tickValues(scale)) {
    grid.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: y(t), y2: y(t) }),
      svg('text', { x: LEFT - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'tick' }, formatTick(t)));
  }
  s.append(grid, svg('line', { x1: LEFT, x2: W - RIGHT, y1: y(scale.lo), y2: y(scale.lo), class: 'axis' }));
  const every = Math.ceil(points.length / 6);
  points.forEach((p, i) => {
    if (i % every === 0)
      s.append(svg('text', { x: x(i), y: H - BOTTOM + 16, 'text-anchor': 'middle', class: 'tick' }, clip(p.label, 10)));
  });
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  if (points.length > 1) {
    const area = `${d} L${x(points.length - 1).toFixed(1)},${y(scale.lo)} L${x(0).toFixed(1)},${y(scale.lo)} Z`;
    s.append(svg('path', { d: area, class: `area ${series(0)}` }), svg('path', { d, class: `line ${series(0)}` }));
  }
  points.forEach((p, i) => {
    s.append(svg('circle', { cx: x(i), cy: y(p.value), r: 4, class: `point ${series(0)}`,
      'data-label': p.label, 'data-value': p.value }, title(`${p.label}: ${formatValue(p.value)}`)));
  });
  return s;
}

// The path of a ring slice between angles a0 and a1 (radians, 0 = top).
function slicePath(cx, cy, r, inner, a0, a1) {
  const pt = (rad, a) => `${(cx + rad * Math.sin(a)).toFixed(2)},${(cy - rad * Math.cos(a)).toFixed(2)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M${pt(r, a0)} A${r},${r} 0 ${large} 1 ${pt(r, a1)} L${pt(inner, a1)} A${inner},${inner} 0 ${large} 0 ${pt(inner, a0)} Z`;
}

// A donut of the positive values with the total in the middle, and a
// legend (label, value, share) beside it.
function donutChart(points, name) {
  if (points.some((p) => p.value < 0)) return chartMessage('A donut needs values of zero or more.');
  const total = points.reduce((n, p) => n + p.value, 0);
  if (total <= 0) return chartMessage('Every value is zero: nothing to draw.');
  const SIZE = 200, R = 92, INNER = 58, C = SIZE / 2;
  const s = chartSvg(SIZE, SIZE, summary('Donut chart', name, points));
  const pct = (v) => `${((v / total) * 100).toFixed(v / total < 0.1 ? 1 : 0)}%`;
  let a = 0;
  points.forEach((p, i) => {
    if (p.value <= 0) return;
    const share = p.value / total;
    // A whole ring cannot be one arc: stop just short of it.
    const a1 = share >= 1 ? a + 2 * Math.PI - 1e-4 : a + share * 2 * Math.PI;
    s.append(svg('path', { d: slicePath(C, C, R, INNER, a, a1), class: `slice ${series(i)}`,
      'data-label': p.label, 'data-value': p.value },
    title(`${p.label}: ${formatValue(p.value)} (${pct(p.value)})`)));
    a = a1;
  });
  s.append(svg('text', { x: C, y: C - 6, 'text-anchor': 'middle', class: 'donut-total' }, formatTick(total)),
    svg('text', { x: C, y: C + 14, 'text-anchor': 'middle', class: 'tick' }, 'total'));
  // aria-hidden: the hidden table says it all.
  const legend = el('ul', { className: 'legend', 'aria-hidden': 'true' }, ...points.map((p, i) => el('li', {},
    el('span', { className: `swatch ${series(i)}` }),
    el('span', { className: 'legend-label', textContent: p.label, title: p.label }),
    el('span', { className: 'legend-value', textContent: `${formatValue(p.value)} · ${pct(p.value)}` }))));
  return el('div', { className: 'donut' }, s, legend);
}

// One big number: the first value of the first row.
function numberChart(columns, rows, name) {
  const v = rows[0][0];
  const n = typeof v === 'number' ? v : Number(v);
  const text = v !== null && v !== '' && Number.isFinite(n) ? formatValue(n) : labelText(v);
  const big = el('p', { className: 'big-number', textContent: text, 'aria-label': `${name}: ${text}` });
  return el('div', { className: 'number-chart' }, big, el('p', { className: 'hint', textContent: columns[0] || '' }));
}

/*
 * The chart of kind ('bar', 'line', 'donut', 'number', 'table') for data
 * {columns, rows, truncated}, named name: an element to put in a panel.
 * No rows, or rows of the wrong shape, give a message instead.
 */
export function drawChart(kind, data, name) {
  const { columns = [], rows = [] } = data || {};
  const figure = el('figure', { className: `chart chart-${kind}` });
  if (!rows.length) {
    figure.append(chartMessage('No data yet: the query returned no rows.'));
    return figure;
  }
  if (kind === 'table') {
    figure.append(el('div', { className: 'table-scroll' }, dataTable(columns, rows, { hidden: false, caption: name })));
  } else if (kind === 'number') {
    figure.append(numberChart(columns, rows, name));
  } else {
    const { points, error } = labelValuePoints(columns, rows);
    if (error) {
      figure.append(chartMessage(error));
      return figure;
    }
    const draw = { bar: barChart, line: lineChart, donut: donutChart }[kind] || barChart;
    figure.append(draw(points, name), dataTable(columns, rows, { hidden: true, caption: name }));
  }
  if (data.truncated)
    figure.append(el('p', { className: 'hint', textContent: `Only the first ${rows.length} rows are shown.` }));
  return figure;
}
