// dom.js: the few helpers every screen uses to build its DOM (never
// innerHTML with data, which the CSP and safety both rule out) and to name
// API paths and filter values.

// el('p', {className: 'x', 'aria-label': 'y'}, 'text', child, ...): an
// element with properties set (aria-* and data-* as attributes) and the
// children appended (null, undefined and false are left out).
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('aria-') || k.startsWith('data-') || k === 'role') e.setAttribute(k, v);
    else e[k] = v;
  }
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

// The API path of an object's entries (object: its JSON or its slug), of
// one entry when id is given.
export function entryPath(object, id) {
  const slug = typeof object === 'string' ? object : object.slug;
  const base = `/api/objects/${encodeURIComponent(slug)}/entries`;
  return id === undefined ? base : `${base}/${id}`;
}

// A value quoted for the filter language: "Ann \"A\" Lee".
export const quoteValue = (v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`;
