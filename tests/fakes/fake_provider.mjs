// A scripted fake model provider for tests: one HTTP server speaking the
// three wires kith talks (../shared/reference/llm-wire-protocols.md) the
// way the real servers do, including how they fail.
//
//   node tests/fakes/fake_provider.mjs [PORT]   prints "listening PORT"
//
// Base URLs: openai http://127.0.0.1:PORT/v1, anthropic http://127.0.0.1:PORT,
// ollama http://127.0.0.1:PORT. (GET /v1/models answers in Anthropic's shape
// when the request carries x-api-key or anthropic-version.)
//
// The model name in a request picks the script (an Ollama ":tag" is
// ignored): text, tool, parallel, err-400, err-401, err-429 (429 with
// retry-after: 1 and retry-after-ms: 1000, then text), quota (not
// retryable), err-529 (overloaded, then text), err-500-then-ok, cut (ends
// before its terminal marker), stall (a little text, then silence), silent (OpenAI: the headers,
// then nothing), missing (404),
// mid-error (text, then an error inside the 200 stream), mid-overloaded
// (an overloaded error before any output, then text), notools (Ollama: 400
// when tools are sent; /api/show without "tools"), echo (repeats the last
// user message), agent-* (the agent's scenarios below). Any other name
// streams the text script.
//
// Agent scenarios: the step is the number of tool results after the last
// user message (so a continued conversation starts again at step 0):
//   agent-create    create_entry Grace Hopper, then "Created Grace Hopper."
//   agent-multi     find_entries Grace Hopper, update_entry (the id from the
//                   result) title Rear Admiral, then "Done."
//   agent-badfilter find_entries "stauts = Lead" (an error), then
//                   "status = Lead" limit 1, then "Found leads."
//   agent-delete    delete_entry people 1, then "Deleted." or
//                   "Not deleted: <the error>"
//   agent-loop      list_objects at every step (never a final answer)
//   agent-midfail   text, then an error inside the 200 stream
//   agent-slow      text in small pieces 200 ms apart for about 10 s
//   agent-parallel  list_objects and search Acme at once, then "Both done."
//
// Streams go out in awkward TCP writes: torn inside "data:", inside JSON
// strings, between CR and LF and inside multi-byte UTF-8 characters, with
// comment pings and Anthropic ping events in between.
//
// For tests: GET /_stats -> {"openai/err-429": 2, ...} (requests per wire
// and model), GET /_last -> {"openai": body, "anthropic": ..., "ollama": ...}
// (the last chat request body of each wire), GET /_last_headers -> the
// same for the request headers, POST /_reset clears them all.
import http from 'node:http';

export const TEXT = 'Hello, Zoë! 5 € — streaming works.';
const TEXT_DELTAS = ['Hel', 'lo, Zo', 'ë! 5 ', '€ — stream', 'ing works.'];
const TOOL_ARGS = JSON.stringify({ object: 'people', where: 'name ~ "Zoë"', limit: 5 });
const TOOL_ARGS_2 = JSON.stringify({ query: 'Acme' });
const CREATED = 1735000000;

const stats = {};
let last = {};
let lastHeaders = {};

// ---- helpers ----

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

// Fragments of s at every offset in cuts (a string's bytes, so a cut may
// fall inside a UTF-8 character).
function cutBytes(buf, cuts) {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < buf.length))].sort((a, b) => a - b);
  const out = [];
  let at = 0;
  for (const p of points) {
    out.push(buf.subarray(at, p));
    at = p;
  }
  out.push(buf.subarray(at));
  return out;
}

// The awkward cut points of a stream: inside every "data:", inside
// multi-byte characters, between CR and LF, inside JSON strings, and
// every 11 bytes besides.
function awkwardCuts(buf) {
  const cuts = [];
  const text = buf.toString('latin1'); // one char per byte
  for (let i = text.indexOf('data:'); i >= 0; i = text.indexOf('data:', i + 1)) cuts.push(i + 2);
  for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', i + 1)) cuts.push(i + 1);
  for (let i = text.indexOf('"content'); i >= 0; i = text.indexOf('"content', i + 1)) cuts.push(i + 4);
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] >= 0xc0) cuts.push(i + 1, i + 2); // inside a lead byte's character
  }
  for (let i = 11; i < buf.length; i += 11) cuts.push(i);
  return cuts;
}

// Write a whole stream in awkward pieces, a moment apart so that they
// arrive as separate reads. Returns false when the client went away.
async function writeAwkward(res, text, { end = true } = {}) {
  const buf = Buffer.from(text, 'utf8');
  for (const piece of cutBytes(buf, awkwardCuts(buf))) {
    if (res.destroyed) return false;
    res.write(piece);
    await sleep(1);
  }
  if (end) res.end();
  return true;
}

function streamHead(res, type) {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  res.socket?.setNoDelay(true);
}

function lastUserText(messages) {
  for (let i = (messages || []).length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      const t = m.content.find((b) => b.type === 'text');
      if (t) return t.text;
    }
  }
  return '';
}

// ---- scripts shared by the wires ----

// What a request asks for: the script named by its model, and whether it
// is the turn after tool results (then the answer is plain text).
function scriptOf(wire, model, afterTools) {
  const name = String(model || '').replace(/:[^/]*$/, '');
  const key = `${wire}/${name}`;
  stats[key] = (stats[key] || 0) + 1;
  const attempt = stats[key];
  const retried = { 'err-429': 1, 'err-529': 1, 'err-500-then-ok': 1, 'mid-overloaded': 1 };
  if (retried[name] && attempt > retried[name]) return 'text';
  if ((name === 'tool' || name === 'parallel') && afterTools) return 'text';
  if (name === 'agent-midfail') return 'mid-error';
  return name;
}

// The non-2xx answers: [status, headers, body] per wire.
const ERRORS = {
  openai: {
    'err-400': [400, {}, { error: { message: "Invalid value for 'temperature': must be between 0 and 2.", type: 'invalid_request_error', param: 'temperature', code: null } }],
    'err-401': [401, {}, { error: { message: 'Incorrect API key provided: te**. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }],
    'err-429': [429, { 'retry-after': '1', 'retry-after-ms': '1000' }, { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } }],
    quota: [429, {}, { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }],
    'err-529': [503, {}, { error: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', param: null, code: null } }],
    'err-500-then-ok': [500, {}, { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }],
    missing: [404, {}, { error: { message: 'The model `missing` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' } }],
  },
  anthropic: {
    'err-400': [400, {}, { type: 'error', error: { type: 'invalid_request_error', message: 'temperature: range: 0..1' }, request_id: 'req_fake400' }],
    'err-401': [401, {}, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' }, request_id: 'req_fake401' }],
    'err-429': [429, { 'retry-after': '1', 'retry-after-ms': '1000' }, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your per-minute rate limit' }, request_id: 'req_fake429' }],
    quota: [429, {}, { type: 'error', error: { type: 'rate_limit_error', message: 'You have reached your specified API usage limits.', details: { error_code: 'enforced_spend_limit_reached' } }, request_id: 'req_fakequota' }],
    'err-529': [529, {}, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_fake529' }],
    'err-500-then-ok': [500, {}, { type: 'error', error: { type: 'api_error', message: 'Internal server error' }, request_id: 'req_fake500' }],
    missing: [404, {}, { type: 'error', error: { type: 'not_found_error', message: 'model: missing' }, request_id: 'req_fake404' }],
  },
  ollama: {
    'err-400': [400, {}, { error: 'invalid options: temperature' }],
    'err-401': [401, {}, { error: 'unauthorized' }],
    'err-429': [429, { 'retry-after': '1', 'retry-after-ms': '1000' }, { error: 'too many requests' }],
    'err-529': [503, {}, { error: 'server busy, please try again.  maximum pending requests exceeded' }],
    'err-500-then-ok': [500, {}, { error: 'llama runner process has terminated: exit status 2' }],
    missing: [404, {}, { error: 'model "missing" not found, try pulling it first' }],
  },
};

function sendError(res, wire, script) {
  const e = ERRORS[wire][script];
  if (!e) return false;
  sendJson(res, e[0], e[2], e[1]);
  return true;
}

// ---- agent scenarios (the same on every wire) ----

// The tool results after the last user text message, in the neutral shape
// [{content: string, isError}], read from a request body of wire.
function agentResults(wire, body) {
  const msgs = body.messages || [];
  const isUserText = (m) => m.role === 'user' && (typeof m.content === 'string' ||
    (Array.isArray(m.content) && m.content.some((b) => b.type === 'text')));
  let start = -1;
  msgs.forEach((m, i) => { if (isUserText(m)) start = i; });
  const out = [];
  for (const m of msgs.slice(start + 1)) {
    if (wire !== 'anthropic' && m.role === 'tool') out.push({ content: String(m.content ?? '') });
    if (wire === 'anthropic' && Array.isArray(m.content))
      for (const b of m.content)
        if (b.type === 'tool_result') {
          const text = typeof b.content === 'string' ? b.content
            : (b.content || []).map((x) => x.text || '').join('');
          out.push({ content: text });
        }
  }
  for (const r of out) {
    try { r.json = JSON.parse(r.content); } catch { r.json = null; }
    r.isError = !!(r.json && typeof r.json === 'object' && 'error' in r.json);
  }
  return out;
}

const GRACE = { object: 'people', values: { name: 'Grace Hopper', email: 'grace@navy.mil' } };

// What an agent scenario answers at this point of the conversation:
// {text} or {calls: [{name, args}]}, or null when name is no scenario.
function agentAction(name, results) {
  const step = results.length;
  const lastResult = results.at(-1);
  switch (name) {
    case 'agent-create':
      return step === 0 ? { calls: [{ name: 'create_entry', args: GRACE }] } : { text: 'Created Grace Hopper.' };
    case 'agent-multi': {
      if (step === 0) return { calls: [{ name: 'find_entries', args: { object: 'people', where: 'name = "Grace Hopper"' } }] };
      if (step === 1) {
        const id = results[0].json?.entries?.[0]?.id ?? 0;
        return { calls: [{ name: 'update_entry', args: { object: 'people', id, values: { title: 'Rear Admiral' } } }] };
      }
      return { text: 'Done.' };
    }
    case 'agent-badfilter':
      if (step === 0) return { calls: [{ name: 'find_entries', args: { object: 'people', where: 'stauts = Lead' } }] };
      if (step === 1) return { calls: [{ name: 'find_entries', args: { object: 'people', where: 'status = Lead', limit: 1 } }] };
      return { text: 'Found leads.' };
    case 'agent-delete':
      if (step === 0) return { calls: [{ name: 'delete_entry', args: { object: 'people', id: 1 } }] };
      return { text: lastResult.isError ? `Not deleted: ${lastResult.json.error}` : 'Deleted.' };
    case 'agent-loop':
      return { calls: [{ name: 'list_objects', args: {} }] };
    case 'agent-parallel':
      if (step === 0) return { calls: [{ name: 'list_objects', args: {} }, { name: 'search', args: { query: 'Acme' } }] };
      return { text: 'Both done.' };
    default:
      return null;
  }
}

// The agent scenario of a request, or null: counts it in the stats.
function agentPlan(wire, body) {
  const name = String(body.model || '').replace(/:[^/]*$/, '');
  if (name === 'agent-slow') {
    stats[`${wire}/${name}`] = (stats[`${wire}/${name}`] || 0) + 1;
    return { slow: true };
  }
  const results = agentResults(wire, body);
  const action = agentAction(name, results);
  if (!action) return null;
  stats[`${wire}/${name}`] = (stats[`${wire}/${name}`] || 0) + 1;
  action.step = results.length;
  action.seq = ++agentSeq; // call ids unique across turns, as real ones are
  return action;
}

let agentSeq = 0;

const SLOW_PIECES = 50; // 200 ms apart: about 10 s

// Stream the text pieces of agent-slow, one every 200 ms, each whole
// stream piece made by piece(text); stops when the client goes away.
async function writeSlow(res, piece, end) {
  for (let i = 0; i < SLOW_PIECES; i++) {
    if (res.destroyed) return;
    res.write(piece(`tick ${i + 1}. `));
    await sleep(200);
  }
  if (!res.destroyed) res.end(end);
}

// ---- OpenAI Chat Completions ----

function openaiChunk(model, delta, finish = null, extra = {}) {
  return 'data: ' + JSON.stringify({
    id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: CREATED, model,
    choices: [{ index: 0, delta, finish_reason: finish }], ...extra,
  }) + '\n\n';
}

function openaiUsage(model) {
  return 'data: ' + JSON.stringify({
    id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: CREATED, model,
    choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
  }) + '\n\n';
}

// Fragments of a tool call's argument text: an empty one first, then
// pieces that tear keys, values and the "ë".
function argFragments(args) {
  const sizes = [0, 3, 5, 1, 7, 2, 4, 9];
  const out = [];
  let at = 0;
  for (let i = 0; at < args.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(args.slice(at, at + n));
    at += n;
  }
  return out;
}

function openaiStream(script, model, userText) {
  let s = openaiChunk(model, { role: 'assistant', content: '' });
  s += ': ping\n\n';
  if (script === 'tool' || script === 'parallel') {
    const calls = [[0, 'call_Q1w2e3r4t', 'find_entries', argFragments(TOOL_ARGS)]];
    if (script === 'parallel') calls.push([1, 'call_Z9x8c7v6b', 'search', argFragments(TOOL_ARGS_2)]);
    for (const [index, id, name] of calls)
      s += openaiChunk(model, { tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] });
    const longest = Math.max(...calls.map((c) => c[3].length));
    for (let i = 0; i < longest; i++) // interleaved: index 0, 1, 0, 1, ...
      for (const [index, , , frags] of calls)
        if (i < frags.length) s += openaiChunk(model, { tool_calls: [{ index, function: { arguments: frags[i] } }] });
    s += openaiChunk(model, {}, 'tool_calls');
    return s + openaiUsage(model) + 'data: [DONE]\n\n';
  }
  const deltas = script === 'echo' ? [userText] : TEXT_DELTAS;
  deltas.forEach((d, i) => {
    const chunk = openaiChunk(model, { content: d });
    s += i === 1 ? chunk.replace(/\n\n$/, '\r\n\r\n') : chunk; // one event ends in CRLF
  });
  if (script === 'cut') return s;
  if (script === 'mid-error')
    return s + 'data: ' + JSON.stringify({ error: { message: 'The model produced invalid content.', type: 'server_error', param: null, code: null } }) + '\n\n';
  return s + openaiChunk(model, {}, 'stop') + openaiUsage(model) + 'data: [DONE]\n\n';
}

// An agent scenario's answer on the OpenAI wire.
function openaiAgentStream(model, plan) {
  let s = openaiChunk(model, { role: 'assistant', content: '' });
  if (plan.text) {
    const half = Math.ceil(plan.text.length / 2);
    s += openaiChunk(model, { content: plan.text.slice(0, half) });
    s += openaiChunk(model, { content: plan.text.slice(half) });
    return s + openaiChunk(model, {}, 'stop') + openaiUsage(model) + 'data: [DONE]\n\n';
  }
  plan.calls.forEach((c, index) => {
    const id = `call_${plan.seq}_${index}`;
    s += openaiChunk(model, { tool_calls: [{ index, id, type: 'function', function: { name: c.name, arguments: '' } }] });
    for (const f of argFragments(JSON.stringify(c.args)))
      s += openaiChunk(model, { tool_calls: [{ index, function: { arguments: f } }] });
  });
  return s + openaiChunk(model, {}, 'tool_calls') + openaiUsage(model) + 'data: [DONE]\n\n';
}

// A real server answers 400 when a tool message answers no call.
function openaiCheck(body) {
  if (!Array.isArray(body.messages) || !body.messages.length) return "'messages' must be a non-empty array";
  if (!body.model) return "you must provide a model parameter";
  const ids = new Set();
  for (const [i, m] of body.messages.entries()) {
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
      for (const c of m.tool_calls) {
        if (typeof c.function?.arguments !== 'string')
          return `Invalid type for 'messages[${i}].tool_calls[0].function.arguments': expected a string, but got an object instead.`;
        ids.add(c.id);
      }
    }
    if (m.role === 'tool' && !ids.has(m.tool_call_id))
      return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`;
  }
  return null;
}

async function openaiChat(req, res) {
  const body = JSON.parse(await readBody(req));
  last.openai = body;
  lastHeaders.openai = req.headers;
  if (!/^Bearer \S+/.test(req.headers.authorization || ''))
    return sendJson(res, 401, { error: { message: "You didn't provide an API key.", type: 'invalid_request_error', param: null, code: null } });
  const bad = openaiCheck(body);
  if (bad) return sendJson(res, 400, { error: { message: bad, type: 'invalid_request_error', param: 'messages', code: null } });
  const plan = agentPlan('openai', body);
  if (plan) {
    streamHead(res, 'text/event-stream');
    if (plan.slow)
      return writeSlow(res, (t) => openaiChunk(body.model, { content: t }),
        openaiChunk(body.model, {}, 'stop') + 'data: [DONE]\n\n');
    return writeAwkward(res, openaiAgentStream(body.model, plan));
  }
  const afterTools = body.messages.at(-1)?.role === 'tool';
  const script = scriptOf('openai', body.model, afterTools);
  if (sendError(res, 'openai', script)) return;
  if (body.stream !== true) {
    return sendJson(res, 200, {
      id: 'chatcmpl-fake', object: 'chat.completion', created: CREATED, model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    });
  }
  streamHead(res, 'text/event-stream');
  const stream = openaiStream(script, body.model, lastUserText(body.messages));
  if (script === 'stall') return stallAfter(res, openaiChunk(body.model, { content: 'Hel' }));
  if (script === 'silent') {
    res.flushHeaders();
    return stallAfter(res, '');
  }
  await writeAwkward(res, stream);
}

// Send a little, then nothing until the client gives up (or 60 s).
async function stallAfter(res, text) {
  res.write(text);
  for (let i = 0; i < 600 && !res.destroyed; i++) await sleep(100);
  res.end();
}

// ---- Anthropic Messages ----

function anthEvent(type, data) {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

function anthropicStream(script, model, userText) {
  let s = anthEvent('message_start', {
    message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], model,
               stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } },
  });
  if (script === 'mid-overloaded')
    return s + anthEvent('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
  s += anthEvent('ping', {});
  if (script === 'tool' || script === 'parallel') {
    const calls = [['toolu_01FakeFind', 'find_entries', TOOL_ARGS]];
    if (script === 'parallel') calls.push(['toolu_01FakeSearch', 'search', TOOL_ARGS_2]);
    s += anthEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    s += anthEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Let me look.' } });
    s += anthEvent('content_block_stop', { index: 0 });
    calls.forEach(([id, name, args], i) => {
      s += anthEvent('content_block_start', { index: i + 1, content_block: { type: 'tool_use', id, name, input: {} } });
      for (const f of argFragments(args))
        s += anthEvent('content_block_delta', { index: i + 1, delta: { type: 'input_json_delta', partial_json: f } });
      s += anthEvent('content_block_stop', { index: i + 1 });
    });
    s += anthEvent('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 40 } });
    return s + anthEvent('message_stop', {});
  }
  s += anthEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  const deltas = script === 'echo' ? [userText] : TEXT_DELTAS;
  deltas.forEach((d, i) => {
    s += anthEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: d } });
    if (i === 2) s += anthEvent('ping', {}) + ': keep-alive\r\n\r\n';
  });
  if (script === 'cut') return s;
  if (script === 'mid-error')
    return s + anthEvent('error', { error: { type: 'api_error', message: 'Internal server error' } });
  s += anthEvent('content_block_stop', { index: 0 });
  s += anthEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } });
  return s + anthEvent('message_stop', {});
}

// An agent scenario's answer on the Anthropic wire.
function anthropicAgentStream(model, plan) {
  let s = anthEvent('message_start', {
    message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], model,
               stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } },
  });
  if (plan.text) {
    s += anthEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    s += anthEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: plan.text } });
    s += anthEvent('content_block_stop', { index: 0 });
    s += anthEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } });
    return s + anthEvent('message_stop', {});
  }
  plan.calls.forEach((c, index) => {
    const id = `toolu_${plan.seq}_${index}`;
    s += anthEvent('content_block_start', { index, content_block: { type: 'tool_use', id, name: c.name, input: {} } });
    for (const f of argFragments(JSON.stringify(c.args)))
      s += anthEvent('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: f } });
    s += anthEvent('content_block_stop', { index });
  });
  s += anthEvent('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 7 } });
  return s + anthEvent('message_stop', {});
}

// A real server answers 400 for these.
function anthropicCheck(body) {
  if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Field required';
  if (!body.model) return 'model: Field required';
  if (!Array.isArray(body.messages) || !body.messages.length) return 'messages: at least one message is required';
  for (const [i, m] of body.messages.entries()) {
    if (m.role !== 'user' && m.role !== 'assistant')
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const uses = Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_use') : [];
    if (!uses.length) continue;
    const next = body.messages[i + 1];
    const results = Array.isArray(next?.content) ? next.content : [];
    for (const u of uses)
      if (!results.some((b) => b.type === 'tool_result' && b.tool_use_id === u.id))
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${u.id}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    const firstOther = results.findIndex((b) => b.type !== 'tool_result');
    if (firstOther >= 0 && results.slice(firstOther).some((b) => b.type === 'tool_result'))
      return `messages.${i + 1}: tool_result blocks must come first in the content`;
  }
  return null;
}

async function anthropicMessages(req, res) {
  const body = JSON.parse(await readBody(req));
  last.anthropic = body;
  lastHeaders.anthropic = req.headers;
  const anthError = (status, type, message) =>
    sendJson(res, status, { type: 'error', error: { type, message }, request_id: 'req_fake' });
  if (!req.headers['x-api-key']) return anthError(401, 'authentication_error', 'x-api-key header is required');
  if (!req.headers['anthropic-version']) return anthError(400, 'invalid_request_error', 'anthropic-version: header is required');
  const bad = anthropicCheck(body);
  if (bad) return anthError(400, 'invalid_request_error', bad);
  const plan = agentPlan('anthropic', body);
  if (plan) {
    streamHead(res, 'text/event-stream');
    if (plan.slow) {
      res.write(anthEvent('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], model: body.model, usage: { input_tokens: 12, output_tokens: 1 } } }) +
        anthEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
      return writeSlow(res, (t) => anthEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } }),
        anthEvent('content_block_stop', { index: 0 }) +
        anthEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } }) +
        anthEvent('message_stop', {}));
    }
    return writeAwkward(res, anthropicAgentStream(body.model, plan));
  }
  const lastMsg = body.messages.at(-1);
  const afterTools = Array.isArray(lastMsg.content) && lastMsg.content.some((b) => b.type === 'tool_result');
  const script = scriptOf('anthropic', body.model, afterTools);
  if (sendError(res, 'anthropic', script)) return;
  if (body.stream !== true) {
    return sendJson(res, 200, {
      id: 'msg_fake', type: 'message', role: 'assistant', model: body.model,
      content: [{ type: 'text', text: TEXT }], stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 7 },
    });
  }
  streamHead(res, 'text/event-stream');
  if (script === 'stall')
    return stallAfter(res, anthEvent('message_start', { message: { id: 'msg_fake', type: 'message', role: 'assistant', content: [], model: body.model, usage: { input_tokens: 12, output_tokens: 1 } } }) +
      anthEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
      anthEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hel' } }));
  await writeAwkward(res, anthropicStream(script, body.model, lastUserText(body.messages)));
}

// ---- Ollama native ----

function ollamaLine(model, message, done = false, extra = {}) {
  return JSON.stringify({ model, created_at: '2026-11-26T09:00:00.000000Z', message: { role: 'assistant', ...message }, done, ...extra }) + '\n';
}

function ollamaDone(model) {
  return ollamaLine(model, { content: '' }, true, {
    done_reason: 'stop', total_duration: 182242375, load_duration: 2969184, prompt_eval_count: 12,
    prompt_eval_duration: 141656333, eval_count: 7, eval_duration: 115959084,
  });
}

function ollamaStream(script, model, userText) {
  if (script === 'tool' || script === 'parallel') {
    // Whole calls on one line, without ids (older Ollama sends none).
    const calls = [{ function: { index: 0, name: 'find_entries', arguments: JSON.parse(TOOL_ARGS) } }];
    if (script === 'parallel') calls.push({ function: { index: 1, name: 'search', arguments: JSON.parse(TOOL_ARGS_2) } });
    return ollamaLine(model, { content: '', tool_calls: calls }) + ollamaDone(model);
  }
  const deltas = script === 'echo' ? [userText] : TEXT_DELTAS;
  let s = '';
  deltas.forEach((d, i) => {
    const line = ollamaLine(model, { content: d });
    s += i === 1 ? line.replace(/\n$/, '\r\n') : line;
  });
  if (script === 'cut') return s;
  if (script === 'mid-error') return s + JSON.stringify({ error: 'an error was encountered while running the model' }) + '\n';
  return s + ollamaDone(model);
}

// An agent scenario's answer on the Ollama wire (calls without ids).
function ollamaAgentStream(model, plan) {
  if (plan.text) return ollamaLine(model, { content: plan.text }) + ollamaDone(model);
  const calls = plan.calls.map((c, index) => ({ function: { index, name: c.name, arguments: c.args } }));
  return ollamaLine(model, { content: '', tool_calls: calls }) + ollamaDone(model);
}

function ollamaCheck(body) {
  if (!body.model) return 'model is required';
  for (const m of body.messages || [])
    for (const c of m.tool_calls || [])
      if (typeof c.function?.arguments !== 'object' || Array.isArray(c.function.arguments))
        return 'json: cannot unmarshal string into Go struct field ToolCallFunction.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments';
  return null;
}

async function ollamaChat(req, res) {
  const body = JSON.parse(await readBody(req));
  last.ollama = body;
  lastHeaders.ollama = req.headers;
  const bad = ollamaCheck(body);
  if (bad) return sendJson(res, 400, { error: bad });
  const name = String(body.model).replace(/:[^/]*$/, '');
  if (name === 'notools' && Array.isArray(body.tools) && body.tools.length) {
    scriptOf('ollama', body.model, false);
    return sendJson(res, 400, { error: `registry.ollama.ai/library/${body.model.includes(':') ? body.model : body.model + ':latest'} does not support tools` });
  }
  const plan = agentPlan('ollama', body);
  if (plan) {
    streamHead(res, 'application/x-ndjson');
    if (plan.slow)
      return writeSlow(res, (t) => ollamaLine(body.model, { content: t }), ollamaDone(body.model));
    return writeAwkward(res, ollamaAgentStream(body.model, plan));
  }
  const afterTools = body.messages?.at(-1)?.role === 'tool';
  const script = scriptOf('ollama', body.model, afterTools);
  if (sendError(res, 'ollama', script)) return;
  if (body.stream === false) {
    return sendJson(res, 200, JSON.parse(ollamaDone(body.model).replace('"content":""', `"content":${JSON.stringify(TEXT)}`)));
  }
  streamHead(res, 'application/x-ndjson');
  if (script === 'stall') return stallAfter(res, ollamaLine(body.model, { content: 'Hel' }));
  await writeAwkward(res, ollamaStream(script, body.model, lastUserText(body.messages)));
}

const OLLAMA_MODELS = ['notools:latest', 'qwen2.5:7b', 'text:latest'];

function ollamaTags(res) {
  sendJson(res, 200, {
    models: OLLAMA_MODELS.map((name) => ({
      name, model: name, modified_at: '2026-11-01T10:00:00.000000Z', size: 4683087332,
      digest: 'sha256:fake', details: { format: 'gguf', family: 'qwen2', parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
    })),
  });
}

async function ollamaShow(req, res) {
  const body = JSON.parse((await readBody(req)) || '{}');
  const name = body.model || body.name;
  if (!OLLAMA_MODELS.includes(name) && !OLLAMA_MODELS.includes(`${name}:latest`))
    return sendJson(res, 404, { error: `model '${name}' not found` });
  const capabilities = String(name).startsWith('notools') ? ['completion'] : ['completion', 'tools'];
  sendJson(res, 200, { modelfile: '# fake', parameters: '', template: '{{ .Prompt }}', details: { format: 'gguf' }, model_info: {}, capabilities });
}

// ---- models listings ----

function openaiModels(req, res) {
  if (!/^Bearer \S+/.test(req.headers.authorization || ''))
    return sendJson(res, 401, { error: { message: "You didn't provide an API key.", type: 'invalid_request_error', param: null, code: null } });
  const ids = ['gpt-fake-mini', 'text', 'tool'];
  sendJson(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'fake' })) });
}

function anthropicModels(req, res) {
  if (!req.headers['x-api-key'])
    return sendJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
  const ids = ['claude-fake-4-5', 'text'];
  sendJson(res, 200, {
    data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-09-29T00:00:00Z' })),
    has_more: false, first_id: ids[0], last_id: ids.at(-1),
  });
}

// ---- the server ----

const routes = {
  'POST /v1/chat/completions': openaiChat,
  'POST /v1/messages': anthropicMessages,
  'POST /api/chat': ollamaChat,
  'GET /api/tags': (req, res) => ollamaTags(res),
  'POST /api/show': ollamaShow,
  'GET /v1/models': (req, res) =>
    req.headers['x-api-key'] || req.headers['anthropic-version'] ? anthropicModels(req, res) : openaiModels(req, res),
  'GET /_stats': (req, res) => sendJson(res, 200, stats),
  'GET /_last': (req, res) => sendJson(res, 200, last),
  'GET /_last_headers': (req, res) => sendJson(res, 200, lastHeaders),
  'POST /_reset': (req, res) => {
    for (const k of Object.keys(stats)) delete stats[k];
    last = {};
    lastHeaders = {};
    sendJson(res, 200, { ok: true });
  },
};

export function startFakeProvider(port = 0) {
  const server = http.createServer(async (req, res) => {
    const route = routes[`${req.method} ${req.url.split('?')[0]}`];
    try {
      if (route) await route(req, res);
      else sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    } catch (e) {
      if (!res.headersSent) sendJson(res, 400, { error: { message: `bad request: ${e.message}`, type: 'invalid_request_error' } });
      else res.destroy();
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const server = await startFakeProvider(Number(process.argv[2] || 0));
  process.stdout.write(`listening ${server.address().port}\n`);
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
