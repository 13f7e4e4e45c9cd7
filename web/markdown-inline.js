// markdown-inline.js: the inline half of markdown.js: appendInline(parent,
// text) appends code spans, bold, italic, strikethrough, links and bare
// URLs as DOM nodes (a newline is a <br>). Only http(s), mailto and #
// links are made (safeHref); an unclosed ** or ` (still streaming) runs
// to the end of the text.
import { el } from './dom.js';

const MAX_INLINE_DEPTH = 8;
const MAX_LINK_SPAN = 2048;

const BARE_URL = /https?:\/\/[^\s<>"]{1,2048}/iy;
const ANGLE_URL = /<((?:https?:\/\/|mailto:)[^\s<>]{1,2048})>/iy;
const SAFE_HREF = /^(?:https?:\/\/[^\s"<>]+|mailto:[^\s"<>]+|#[^\s"<>]*)$/i;
const PUNCTUATION = /[!-/:-@[-`{-~]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

// The href for a link target, or null when it is not a safe kind.
export function safeHref(url) {
  const u = String(url ?? '').trim();
  return SAFE_HREF.test(u) ? u : null;
}

// Appends the inline markdown of s to parent: code, bold, italic,
// strikethrough, links, bare URLs; a newline is a <br>.
export function appendInline(parent, s, depth = 0) {
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
  return { node: el('code', {}, body), end: j < 0 ? s.length : j + n };
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
      const strong = el('strong');
      appendInline(strong, s.slice(i + 3, j), depth + 1);
      return { node: el('em', {}, strong), end: j + 3 };
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
