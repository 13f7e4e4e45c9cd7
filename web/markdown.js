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
// Supports headings, paragraphs, bold, italic, strikethrough, inline code,
// fenced code blocks, bullet and numbered lists (one level of nesting),
// links and bare URLs, blockquotes, GFM pipe tables, horizontal rules.

const MAX_QUOTE_DEPTH = 4;
const MAX_INLINE_DEPTH = 8;
const MAX_LINK_SPAN = 2048;

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|[ \t]*$)/;
const DELIMITER_CELL = /^\s*:?-+:?\s*$/;
const BARE_URL = /https?:\/\/[^\s<>"]{1,2048}/iy;
const ANGLE_URL = /<((?:https?:\/\/|mailto:)[^\s<>]{1,2048})>/iy;
const SAFE_HREF = /^(?:https?:\/\/[^\s"<>]+|mailto:[^\s"<>]+|#[^\s"<>]*)$/i;
const PUNCTUATION = /[!-/:-@[-`{-~]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

export function renderMarkdown(text) {
  const frag = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  appendBlocks(frag, lines, 0);
  return frag;
}

// The href for a link target, or null when it is not a safe kind.
export function safeHref(url) {
  const u = String(url ?? '').trim();
  return SAFE_HREF.test(u) ? u : null;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
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
  const pre = el('pre');
  const code = el('code', null, body.join('\n'));
  const lang = open[2].replace(/[^\w+#.-]/g, '');
  if (lang) {
    code.className = `language-${lang}`;
    pre.dataset.lang = lang;
  }
  pre.append(code);
  parent.append(pre);
  return Math.min(j + 1, lines.length); // past the closing fence, or the end (still streaming)
}

function heading(parent, lines, i) {
  const m = HEADING.exec(lines[i]);
  if (!m) return null;
  const h = el(`h${m[1].length}`);
  appendInline(h, m[2] || '', 0);
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
    if (target) appendInline(target, text.join('\n'), 0);
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
      appendInline(cell, cells[k] ?? '', 0);
      tr.append(cell);
    });
    return tr;
  };
  const t = el('table');
  const thead = el('thead');
  thead.append(row(head, 'th'));
  const tbody = el('tbody');
  let j = i + 2;
  while (j < lines.length && !isBlank(lines[j]) && lines[j].includes('|')) tbody.append(row(splitRow(lines[j++]), 'td'));
  t.append(thead, tbody);
  const wrap = el('div', 'md-table');
  wrap.append(t);
  parent.append(wrap);
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
  appendInline(p, body.map((l) => l.trim()).join('\n'), 0);
  parent.append(p);
}

// ---- inline ----

// Appends the inline markdown of s to parent: code, bold, italic,
// strikethrough, links, bare URLs; a newline is a <br>.
function appendInline(parent, s, depth) {
  let buf = '';
  const flush = () => {
    if (buf) parent.append(document.createTextNode(buf));
    buf = '';
  };
  const closers = new Map(); // marker -> the index from which it has no closer
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && PUNCTUATION.test(s[i + 1] || '')) {
      buf += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '\n') {
      flush();
      parent.append(el('br'));
      i++;
      continue;
    }
    if (depth < MAX_INLINE_DEPTH) {
      const span = code(s, i) || emphasis(s, i, closers, depth) || link(s, i, depth) || bareUrl(s, i);
      if (span) {
        flush();
        parent.append(span.node);
        i = span.end;
        continue;
      }
    }
    buf += c;
    i++;
  }
  flush();
}

// `code` (any run of backticks, closed by the same run); unclosed, it runs
// to the end of the text.
function code(s, i) {
  if (s[i] !== '`') return null;
  let n = 0;
  while (s[i + n] === '`') n++;
  const fenceRun = '`'.repeat(n);
  let j = s.indexOf(fenceRun, i + n);
  while (j >= 0 && s[j + n] === '`') { // a longer run is not the closer
    let k = j;
    while (s[k] === '`') k++;
    j = s.indexOf(fenceRun, k);
  }
  const end = j < 0 ? s.length : j;
  let body = s.slice(i + n, end).replace(/\n/g, ' ');
  if (/^ .*[^ ].* $/.test(body)) body = body.slice(1, -1);
  if (!body.trim() && j < 0) return null;
  return { node: el('code', null, body), end: j < 0 ? s.length : j + n };
}

const EMPHASIS = [
  { marker: '**', tag: 'strong', openEnded: true },
  { marker: '__', tag: 'strong', wordBound: true },
  { marker: '~~', tag: 'del' },
  { marker: '*', tag: 'em' },
  { marker: '_', tag: 'em', wordBound: true },
];

// **bold**, __bold__, *italic*, _italic_, ~~struck~~. The opener must be
// followed by a non-space, the closer preceded by one; _ only at word
// edges. An unclosed ** (still streaming) makes the rest bold.
function emphasis(s, i, closers, depth) {
  if (s.startsWith('***', i) && /\S/.test(s[i + 3] || ' ')) {
    const j = s.indexOf('***', i + 3);
    if (j > i + 3 && /\S/.test(s[j - 1])) {
      const em = el('em');
      const strong = el('strong');
      appendInline(strong, s.slice(i + 3, j), depth + 1);
      em.append(strong);
      return { node: em, end: j + 3 };
    }
  }
  for (const e of EMPHASIS) {
    const m = e.marker;
    if (!s.startsWith(m, i)) continue;
    const after = s[i + m.length];
    if (after === undefined || /\s/.test(after) || after === m[0]) return null;
    if (e.wordBound && WORD_CHAR.test(s[i - 1] || '')) return null;
    const j = findCloser(s, i + m.length, e, closers);
    if (j < 0 && !e.openEnded) return null;
    const end = j < 0 ? s.length : j;
    const node = el(e.tag);
    appendInline(node, s.slice(i + m.length, end), depth + 1);
    return { node, end: j < 0 ? s.length : j + m.length };
  }
  return null;
}

function findCloser(s, from, e, closers) {
  const m = e.marker;
  if ((closers.get(m) ?? Infinity) <= from) return -1;
  let j = s.indexOf(m, from);
  while (j >= 0) {
    const before = s[j - 1];
    const single = m.length === 1;
    const doubled = single && (s[j + 1] === m || before === m);
    const wordOk = !e.wordBound || !WORD_CHAR.test(s[j + m.length] || '');
    if (!/\s/.test(before) && !doubled && wordOk && j > from) return j;
    j = s.indexOf(m, j + (doubled ? 2 : 1));
  }
  closers.set(m, Math.min(closers.get(m) ?? Infinity, from));
  return -1;
}

// [text](url) and ![alt](url) (an image is shown as a link to it). An
// unsafe url leaves the text without a link.
function link(s, i, depth) {
  const bang = s[i] === '!' && s[i + 1] === '[';
  const open = bang ? i + 1 : i;
  if (s[open] !== '[') return null;
  const close = matching(s, open, '[', ']');
  if (close < 0 || s[close + 1] !== '(') return null;
  const paren = matching(s, close + 1, '(', ')');
  if (paren < 0) return null;
  const target = s.slice(close + 2, paren).trim().replace(/^<(.*)>$/, '$1').split(/\s+/)[0];
  const label = s.slice(open + 1, close);
  const href = safeHref(target);
  let node;
  if (href) {
    node = anchor(href);
    appendInline(node, label || target, depth + 1);
  } else {
    node = el('span');
    appendInline(node, label, depth + 1);
  }
  return { node, end: paren + 1 };
}

// The index of the bracket that closes the one at `at`, looking at most
// MAX_LINK_SPAN characters ahead (so that many open brackets stay linear).
function matching(s, at, open, close) {
  let level = 0;
  const end = Math.min(s.length, at + MAX_LINK_SPAN);
  for (let k = at; k < end; k++) {
    if (s[k] === '\\') { k++; continue; }
    if (s[k] === '\n' && open === '(') return -1;
    if (s[k] === open) level++;
    else if (s[k] === close && --level === 0) return k;
  }
  return -1;
}

// A bare http(s) URL or <http://...>; trailing punctuation stays text.
function bareUrl(s, i) {
  if (s[i] === '<') {
    ANGLE_URL.lastIndex = i;
    const m = ANGLE_URL.exec(s);
    if (!m) return null;
    const a = anchor(m[1]);
    a.textContent = m[1].replace(/^mailto:/i, '');
    return { node: a, end: i + m[0].length };
  }
  if (s[i] !== 'h' && s[i] !== 'H') return null;
  if (WORD_CHAR.test(s[i - 1] || '')) return null;
  BARE_URL.lastIndex = i;
  const m = BARE_URL.exec(s);
  if (!m) return null;
  let url = m[0];
  while (/[.,;:!?'")\]*_]$/.test(url)) {
    if (url.endsWith(')') && url.split('(').length > url.split(')').length - 1) break;
    url = url.slice(0, -1);
  }
  if (!/^https?:\/\/./i.test(url)) return null;
  const a = anchor(url);
  a.textContent = url;
  return { node: a, end: i + url.length };
}

function anchor(href) {
  const a = el('a');
  a.href = href;
  if (!href.startsWith('#')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  return a;
}
