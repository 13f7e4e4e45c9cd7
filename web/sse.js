// sse.js: server-sent events read from a fetch stream (EventSource cannot
// POST): the incremental text/event-stream parser and streamChat, one
// turn of the agent as POST /api/chat.
import { ApiError } from './api.js';

// An incremental parser of a text/event-stream: feed(text) as it arrives
// (events may be torn anywhere, lines end in LF, CRLF or CR), and
// onEvent(name, data) runs for each complete event (data lines joined
// with "\n"; comments and unknown fields are skipped).
export function sseParser(onEvent) {
  let buf = '';
  let name = '';
  let data = [];
  const line = (l) => {
    if (l === '') {
      if (data.length) onEvent(name || 'message', data.join('\n'));
      name = '';
      data = [];
      return;
    }
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  };
  return function feed(text) {
    buf += text;
    const ends = /\r\n|\r|\n/g;
    let at = 0;
    let m;
    while ((m = ends.exec(buf))) {
      if (m[0] === '\r' && m.index === buf.length - 1) break; // maybe CR LF torn apart
      line(buf.slice(at, m.index));
      at = ends.lastIndex;
    }
    buf = buf.slice(at);
  };
}

// POST /api/chat: calls onEvent(name, data) for each event (data parsed
// as JSON, or {text} when it is not) until the stream ends. A JSON error
// answer throws an ApiError before any event.
export async function streamChat(body, signal, onEvent) {
  const res = await fetch('/api/chat', {
    method: 'POST', credentials: 'same-origin', signal,
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok || !/^text\/event-stream/.test(res.headers.get('content-type') || '')) {
    throw await chatError(res);
  }
  const feed = sseParser((name, data) => {
    let json;
    try { json = JSON.parse(data); } catch { json = { text: data }; }
    onEvent(name, json);
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    feed(decoder.decode(value, { stream: true }));
  }
  feed(decoder.decode());
}

// The ApiError of an answer that is not an event stream.
async function chatError(res) {
  const text = await res.text();
  let e = null;
  try { e = JSON.parse(text).error; } catch { /* not JSON */ }
  return new ApiError(res.status, e?.code || `http_${res.status}`,
    e?.message || `the chat answered ${res.status}`);
}
