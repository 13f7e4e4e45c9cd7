// markdown.js: renders markdown as DOM nodes for the chat replies and the
// entry documents. renderMarkdown(text) -> DocumentFragment (put it in an
// element with class "markdown" for the styles in chat.css).
//
// Safe by construction: only createElement with fixed tag names and
// textContent, never innerHTML; the only attribute taken from the input is
// a link's href, and only http(s), mailto and # (hash routes) links are
// made (rel=noopener). Text that is still streaming renders sensibly: an
// unclosed code fence is a code block to the end, an unclosed ** or `
// runs to the end of its paragraph.
//
// The blocks are here: headings, paragraphs, fenced code blocks, bullet
// and numbered lists (one level of nesting), blockquotes, GFM pipe tables,
// horizontal rules. Their text (bold, italic, strikethrough, inline code,
// links and bare URLs) is markdown-inline.js.
import { el } from './dom.js';
import { appendInline } from './markdown-inline.js';

export { safeHref } from './markdown-inline.js';

const MAX_QUOTE_DEPTH = 4;

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|[ \t]*$)/;
const DELIMITER_CELL = /^\s*:?-+:?\s*$/;

export function renderMarkdown(text) {
  const frag = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  appendBlocks(frag, lines, 0);
  return frag;
}

const isBlank = (line) => /^\s*$/.test(line);

// ---- blocks ----

function appendBlocks(parent, lines, depth) {
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i])) { i++; continue; }
    i = fence(parent, lines, i) ?? heading(parent, lines, i) ?? rule(parent, lines, i) ??
      quote(parent, lines, i, depth) ?? list(parent, lines, i) ?? table(parent, lines, i) ??
      paragraph(parent, lines, i);
  }
}

// A line that ends a paragraph by starting another block.
function startsBlock(lines, i) {
  const line = lines[i];
  if (FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line)) return true;
  const item = ITEM.exec(line);
  if (item && item[3] !== undefined && (!/\d/.test(item[2]) || /^1[.)]$/.test(item[2]))) return true;
  return isTableStart(lines, i);
}

function fence(parent, lines, i) {
  const open = FENCE.exec(lines[i]);
  if (!open) return null;
  const marker = open[1];
  const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
  let j = i + 1;
  const body = [];
  while (j < lines.length && !close.test(lines[j])) body.push(lines[j++]);
  if (j >= lines.length && body.length && !body.at(-1).trim()) body.pop(); // streaming: no stray last line
  const lang = open[2].replace(/[^\w+#.-]/g, '');
  const code = el('code', lang ? { className: `language-${lang}` } : {}, body.join('\n'));
  parent.append(el('pre', lang ? { 'data-lang': lang } : {}, code));
  return Math.min(j + 1, lines.length); // past the closing fence, or the end (still streaming)
}

function heading(parent, lines, i) {
  const m = HEADING.exec(lines[i]);
  if (!m) return null;
  const h = el(`h${m[1].length}`);
  appendInline(h, m[2] || '');
  parent.append(h);
  return i + 1;
}

function rule(parent, lines, i) {
  if (!RULE.test(lines[i])) return null;
  parent.append(el('hr'));
  return i + 1;
}

function quote(parent, lines, i, depth) {
  if (!QUOTE.test(lines[i])) return null;
  const inner = [];
  let j = i;
  while (j < lines.length && QUOTE.test(lines[j])) inner.push(lines[j++].replace(QUOTE, ''));
  const bq = el('blockquote');
  if (depth < MAX_QUOTE_DEPTH) appendBlocks(bq, inner, depth + 1);
  else appendParagraph(bq, inner);
  parent.append(bq);
  return j;
}

// A list with one level of nesting: items indented by 2 or more spaces
// more than the first go into a list inside the item before them; deeper
// levels join that inner list. Blank lines between items keep the list.
function list(parent, lines, i) {
  const first = ITEM.exec(lines[i]);
  if (!first) return null;
  const baseIndent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const outer = newList(ordered, first[2]);
  let item = null;     // the current outer <li>
  let inner = null;    // its nested list, when there is one
  let target = null;   // the <li> that continuation lines append to
  let text = [];       // the lines of target so far
  const flush = () => {
    if (target) appendInline(target, text.join('\n'));
    text = [];
  };
  let j = i;
  while (j < lines.length) {
    const line = lines[j];
    if (isBlank(line)) {
      let k = j;
      while (k < lines.length && isBlank(lines[k])) k++;
      const next = k < lines.length ? ITEM.exec(lines[k]) : null;
      if (!next || (next[1].length <= baseIndent && /\d/.test(next[2]) !== ordered)) break;
      j = k;
      continue;
    }
    const m = ITEM.exec(line);
    if (m && m[1].length >= baseIndent + 2 && item) {
      flush();
      if (!inner) {
        inner = newList(/\d/.test(m[2]), m[2]);
        item.append(inner);
      }
      target = el('li');
      inner.append(target);
      text.push(m[3] || '');
    } else if (m && m[1].length < baseIndent + 2) {
      if (/\d/.test(m[2]) !== ordered) break;
      flush();
      item = target = el('li');
      inner = null;
      outer.append(item);
      text.push(m[3] || '');
    } else if (/^\s/.test(line) || !startsBlock(lines, j)) {
      text.push(line.trim()); // a continuation of the item
    } else {
      break;
    }
    j++;
  }
  flush();
  parent.append(outer);
  return j;
}

function newList(ordered, marker) {
  const l = el(ordered ? 'ol' : 'ul');
  const start = parseInt(marker, 10);
  if (ordered && start !== 1 && Number.isFinite(start)) l.start = start;
  return l;
}

function splitRow(line) {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells = [];
  let cur = '';
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '\\' && s[k + 1] === '|') { cur += '|'; k++; }
    else if (s[k] === '|') { cells.push(cur.trim()); cur = ''; }
    else cur += s[k];
  }
  cells.push(cur.trim());
  return cells;
}

function isTableStart(lines, i) {
  if (!lines[i].includes('|') || i + 1 >= lines.length) return false;
  const next = lines[i + 1];
  if (!next.includes('-') || !/^[\s|:-]+$/.test(next)) return false;
  const delim = splitRow(next);
  return delim.every((c) => DELIMITER_CELL.test(c)) && delim.length === splitRow(lines[i]).length;
}

function table(parent, lines, i) {
  if (!isTableStart(lines, i)) return null;
  const head = splitRow(lines[i]);
  const align = splitRow(lines[i + 1]).map((c) => {
    const left = c.startsWith(':'), right = c.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : '';
  });
  const row = (cells, tag) => {
    const tr = el('tr');
    head.forEach((_, k) => {
      const cell = el(tag);
      if (tag === 'th') cell.scope = 'col';
      if (align[k]) cell.style.textAlign = align[k];
      appendInline(cell, cells[k] ?? '');
      tr.append(cell);
    });
    return tr;
  };
  const tbody = el('tbody');
  let j = i + 2;
  while (j < lines.length && !isBlank(lines[j]) && lines[j].includes('|')) tbody.append(row(splitRow(lines[j++]), 'td'));
  parent.append(el('div', { className: 'md-table' }, el('table', {}, el('thead', {}, row(head, 'th')), tbody)));
  return j;
}

function paragraph(parent, lines, i) {
  const body = [lines[i]];
  let j = i + 1;
  while (j < lines.length && !isBlank(lines[j]) && !startsBlock(lines, j)) body.push(lines[j++]);
  appendParagraph(parent, body);
  return j;
}

function appendParagraph(parent, body) {
  const p = el('p');
  appendInline(p, body.map((l) => l.trim()).join('\n'));
  parent.append(p);
}
