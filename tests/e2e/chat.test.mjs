// The agent over HTTP against the server that harness.mjs starts and the
// scripted fake provider (tests/fakes/fake_provider.mjs) running in this
// process, the providers pointed at it through PATCH /api/settings.
//
// For each of OpenAI, Anthropic and Ollama: POST /api/chat streams the
// turn's events in order (tool_call, tool_result, text, done) and the
// entry the agent created is there; an approval refused and granted
// through POST /api/approvals/{id}, then the turn undone through
// POST /api/conversations/{id}/turns/{n}/undo; a provider error in the
// middle of its stream reaches the client as an `error` event; a client
// that disconnects cancels the provider call. Then the conversation
// routes, auth and bad bodies.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { startFakeProvider } from '../fakes/fake_provider.mjs';
import { SANITIZER, api, port, request, server, stderr, token } from './harness.mjs';

let fake, fakePort;
// Every chat request the fake received: {url, model, closedAt, finished}.
const upstream = [];

before(async () => {
  fake = await startFakeProvider(0);
  fakePort = fake.address().port;
  fake.on('request', (req, res) => {
    if (req.method !== 'POST' || !/\/(chat\/completions|messages|api\/chat)$/.test(req.url)) return;
    const rec = { url: req.url, closedAt: null, finished: false };
    upstream.push(rec);
    res.on('close', () => {
      rec.closedAt = Date.now();
      rec.finished = res.writableFinished;
    });
  });
});

after(() => {
  fake?.closeAllConnections();
  fake?.close();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Parse the server-sent events of text: [{event, data}].
function parseEvents(text) {
  const out = [];
  for (const block of text.split('\n\n')) {
    let event = null, data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (event) out.push({ event, data: JSON.parse(data) });
  }
  return out;
}

// POST /api/chat with body. onEvent(ev, abort) sees each event as it
// arrives; abort() drops the connection (the promise then resolves with
// what came so far, aborted: true).
function chat(body, { onEvent, auth = token } = {}) {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) };
    if (auth) headers.Authorization = `Bearer ${auth}`;
    const events = [];
    let text = '', pending = '', done = false;
    const finish = (extra) => {
      if (done) return;
      done = true;
      let json;
      try { json = JSON.parse(text); } catch { json = undefined; }
      resolve({ ...extra, events, text, json });
    };
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/chat', headers, agent: false },
      (res) => {
        const base = { status: res.statusCode, headers: res.headers };
        const abort = () => { req.destroy(); finish({ ...base, aborted: true }); };
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
          if (!/^text\/event-stream/.test(res.headers['content-type'] || '')) return;
          pending += d;
          let i;
          while (!done && (i = pending.indexOf('\n\n')) >= 0) {
            const ev = parseEvents(pending.slice(0, i + 2))[0];
            pending = pending.slice(i + 2);
            if (ev) {
              events.push(ev);
              onEvent?.(ev, abort);
            }
          }
        });
        res.on('end', () => finish(base));
        res.on('error', () => finish({ ...base, aborted: true }));
      });
    req.on('error', (e) => (done ? undefined : reject(e)));
    req.end(data);
  });
}

const names = (r) => r.events.map((e) => e.event);
const patch = (body) => api('PATCH', '/api/settings', { body });
const useModel = async (model) => assert.equal((await patch({ model })).status, 200);

async function peopleNamed(name) {
  const r = await api('GET', `/api/objects/people/entries?where=${encodeURIComponent(`name = "${name}"`)}`);
  assert.equal(r.status, 200, r.text);
  return r.json.entries;
}

test('POST /api/chat: the model cannot be resolved -> a JSON error before any stream', async () => {
  const p = await patch({ model: null, providers: { ollama: { base_url: 'http://127.0.0.1:1' } } });
  assert.equal(p.status, 200, p.text);
  const r = await chat({ message: 'hello' });
  assert.ok([404, 502].includes(r.status), r.text);
  assert.match(r.headers['content-type'], /application\/json/);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 10, r.text);
});

test('point the providers at the fake', async () => {
  const r = await patch({
    providers: {
      openai: { base_url: `http://127.0.0.1:${fakePort}/v1`, api_key: 'sk-e2e-openai' },
      anthropic: { base_url: `http://127.0.0.1:${fakePort}`, api_key: 'sk-ant-e2e' },
      ollama: { base_url: `http://127.0.0.1:${fakePort}` },
    },
    agent: { approval: 'destructive' },
  });
  assert.equal(r.status, 200, r.text);
});

// Start a turn, leave at its first text: the server drops its provider
// connection within moments (the fake would go on for 10 s or more), logs
// the request and goes on serving.
async function disconnectCancels() {
  const from = upstream.length;
  const loggedBefore = [...stderr.matchAll(/POST \/api\/chat \d+ (\d+) ms/g)].length;
  const t0 = Date.now();
  const r = await chat({ message: 'Talk slowly' }, {
    onEvent: (ev, abort) => { if (ev.event === 'text') abort(); },
  });
  const left = Date.now();
  assert.equal(r.aborted, true, r.text);
  assert.ok(left - t0 < 5000, 'the first text came early');
  const call = upstream.slice(from).find((u) => u.url);
  assert.ok(call, 'the fake was called');
  for (let i = 0; i < 60 && call.closedAt === null; i++) await sleep(50);
  assert.ok(call.closedAt !== null, 'the provider connection was dropped');
  assert.equal(call.finished, false, 'before the fake finished its stream');
  assert.ok(call.closedAt - left < 2500, `dropped ${call.closedAt - left} ms after the client left`);
  const logged = () => [...stderr.matchAll(/POST \/api\/chat \d+ (\d+) ms/g)].map((m) => Number(m[1]));
  for (let i = 0; i < 40 && logged().length < loggedBefore + 1; i++) await sleep(50);
  assert.equal(logged().length, loggedBefore + 1, 'the request was logged promptly');
  assert.ok(logged().at(-1) < 5000, `logged after ${logged().at(-1)} ms`);
  assert.equal((await api('GET', '/api/health')).status, 200);
}

const conversations = new Set();

for (const wire of ['openai', 'anthropic', 'ollama']) {
  describe(`${wire}`, () => {
    test('agent-create: tool_call, tool_result, text, done; the entry exists', async () => {
      await useModel(`${wire}/agent-create`);
      const before = new Set((await peopleNamed('Grace Hopper')).map((p) => p.id));
      const r = await chat({ message: 'Add Grace Hopper, grace@navy.mil' });
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers['content-type'], /^text\/event-stream/);
      const seq = names(r).filter((n, i, a) => n !== 'text' || a[i - 1] !== 'text'); // text pieces as one
      assert.deepEqual(seq, ['tool_call', 'tool_result', 'text', 'done'], r.text);
      const [call, result] = r.events;
      assert.equal(call.data.name, 'create_entry');
      assert.equal(typeof call.data.id, 'string');
      assert.deepEqual(call.data.arguments,
        { object: 'people', values: { name: 'Grace Hopper', email: 'grace@navy.mil' } });
      assert.equal(result.data.id, call.data.id);
      assert.equal(result.data.name, 'create_entry');
      assert.equal(result.data.is_error, false);
      assert.equal(typeof result.data.result, 'object', 'the result is parsed JSON');
      const text = r.events.filter((e) => e.event === 'text').map((e) => e.data.text).join('');
      assert.equal(text, 'Created Grace Hopper.');
      const done = r.events.at(-1).data;
      assert.ok(done.conversation > 0 && done.turn > 0, r.text);
      assert.equal(done.n, 1);
      conversations.add(done.conversation);

      const people = await peopleNamed('Grace Hopper');
      const added = people.filter((p) => !before.has(p.id));
      assert.equal(added.length, 1, JSON.stringify(people));
      const grace = added[0];
      assert.equal(grace.email, 'grace@navy.mil');
      const ch = await api('GET', `/api/objects/people/entries/${grace.id}/changes`);
      assert.equal(ch.status, 200, ch.text);
      assert.match(ch.text, new RegExp(`"agent:${done.conversation}"`));
    });

    test('agent-delete: refused, then approved, then the turn undone', async () => {
      await useModel(`${wire}/agent-delete`);
      assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200);

      // refused
      let answer;
      const no = await chat({ message: 'Delete person 1' }, {
        onEvent: (ev) => {
          if (ev.event === 'approval_required')
            answer = api('POST', `/api/approvals/${ev.data.id}`, { body: { approve: false } });
        },
      });
      assert.equal(no.status, 200, no.text);
      const ask = no.events.find((e) => e.event === 'approval_required');
      assert.ok(ask, no.text);
      assert.equal(ask.data.tool, 'delete_entry');
      assert.deepEqual(ask.data.arguments, { object: 'people', id: 1 });
      assert.ok(Number.isInteger(ask.data.id) && ask.data.id > 0);
      const a = await answer;
      assert.equal(a.status, 200, a.text);
      assert.deepEqual(a.json, { id: ask.data.id, approved: false });
      const refused = no.events.find((e) => e.event === 'tool_result');
      assert.equal(refused.data.is_error, true, no.text);
      assert.equal(refused.data.name, 'delete_entry');
      assert.match(no.events.filter((e) => e.event === 'text').map((e) => e.data.text).join(''), /^Not deleted: /);
      assert.equal(names(no).at(-1), 'done');
      assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200, 'still there');
      // the approval is finished: a late answer finds nothing
      const late = await api('POST', `/api/approvals/${ask.data.id}`, { body: { approve: true } });
      assert.equal(late.status, 404, late.text);

      // approved
      const yes = await chat({ message: 'Delete person 1' }, {
        onEvent: (ev) => {
          if (ev.event === 'approval_required')
            answer = api('POST', `/api/approvals/${ev.data.id}`, { body: { approve: true } });
        },
      });
      assert.equal(yes.status, 200, yes.text);
      assert.deepEqual((await answer).json.approved, true);
      const ok = yes.events.find((e) => e.event === 'tool_result');
      assert.equal(ok.data.is_error, false, yes.text);
      assert.equal(yes.events.filter((e) => e.event === 'text').map((e) => e.data.text).join(''), 'Deleted.');
      assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 404, 'deleted');
      const done = yes.events.at(-1);
      assert.equal(done.event, 'done');
      conversations.add(done.data.conversation);

      // undone
      const u = await api('POST', `/api/conversations/${done.data.conversation}/turns/${done.data.n}/undo`);
      assert.equal(u.status, 200, u.text);
      assert.equal(u.json.undone_turn, done.data.n);
      assert.ok(Number.isInteger(u.json.group) && u.json.group > 0, u.text);
      assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200, 'back after the undo');
    });

    test('agent-midfail: a provider error inside the stream is an error event', async () => {
      await useModel(`${wire}/agent-midfail`);
      const r = await chat({ message: 'Say something' });
      assert.equal(r.status, 200, r.text);
      assert.ok(names(r).includes('text'), r.text);
      const err = r.events.find((e) => e.event === 'error');
      assert.ok(err, r.text);
      assert.equal(typeof err.data.message, 'string');
      assert.ok(err.data.message.length > 5, r.text);
      assert.equal(names(r).at(-1), 'error');
    });

    // agent-slow keeps streaming (a failed write ends the turn); stall goes
    // silent after its first text (only the cancel check can end it).
    for (const script of ['agent-slow', 'stall']) {
      test(`${script}: a client that disconnects cancels the provider call`, async () => {
        await useModel(`${wire}/${script}`);
        await disconnectCancels();
      });
    }
  });
}

test('a client that leaves while a turn waits for approval refuses it', async () => {
  await useModel('openai/agent-delete');
  let id;
  const r = await chat({ message: 'Delete person 1' }, {
    onEvent: (ev, abort) => {
      if (ev.event === 'approval_required') {
        id = ev.data.id;
        abort();
      }
    },
  });
  assert.equal(r.aborted, true, r.text);
  let a;
  for (let i = 0; i < 40; i++) { // the wait ends within a slice
    a = await api('POST', `/api/approvals/${id}`, { body: { approve: true } });
    if (a.status === 404) break;
    await sleep(50);
  }
  assert.equal(a.status, 404, `approval ${id} still open: ${a.text}`);
  assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200, 'not deleted');
});

test('agent-parallel: two tool calls, two results, in order', async () => {
  await useModel('openai/agent-parallel');
  const r = await chat({ message: 'List objects and search Acme' });
  assert.equal(r.status, 200, r.text);
  const calls = r.events.filter((e) => e.event === 'tool_call').map((e) => e.data.name);
  const results = r.events.filter((e) => e.event === 'tool_result').map((e) => [e.data.name, e.data.is_error]);
  assert.deepEqual(calls, ['list_objects', 'search']);
  assert.deepEqual(results, [['list_objects', false], ['search', false]]);
  assert.equal(names(r).at(-1), 'done');
});

test('a second message continues the conversation', async () => {
  await useModel('openai/agent-create');
  const first = await chat({ message: 'Add Grace' });
  const conv = first.events.at(-1).data.conversation;
  const second = await chat({ message: 'And again', conversation: conv });
  assert.equal(second.status, 200, second.text);
  const done = second.events.at(-1);
  assert.equal(done.event, 'done', second.text);
  assert.equal(done.data.conversation, conv);
  assert.equal(done.data.n, 2);
  const c = await api('GET', `/api/conversations/${conv}`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.id, conv);
  assert.deepEqual(c.json.turns.map((t) => t.n), [1, 2]);
  const roles = c.json.messages.map((m) => m.role);
  assert.deepEqual(roles.filter((x) => x === 'user').length, 2);
  assert.ok(roles.includes('tool'), JSON.stringify(roles));
  assert.ok(c.json.messages.some((m) => m.role === 'user' && m.content === 'And again' && m.turn === 2));
});

test('GET /api/conversations lists the conversations, newest first', async () => {
  const r = await api('GET', '/api/conversations');
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json.conversations));
  const ids = r.json.conversations.map((c) => c.id);
  for (const id of conversations) assert.ok(ids.includes(id), `${id} in ${ids}`);
  assert.deepEqual([...ids].sort((a, b) => b - a), ids);
  const limited = await api('GET', '/api/conversations?limit=2');
  assert.equal(limited.json.conversations.length, 2);
  assert.equal((await api('GET', '/api/conversations?limit=0')).status, 422);
  assert.equal((await api('GET', '/api/conversations/999999')).status, 404);
  assert.equal((await api('GET', '/api/conversations/x')).status, 404);
});

test('undo: an unknown conversation or turn is 404, a turn that changed nothing 422', async () => {
  await useModel('openai/agent-midfail');
  assert.equal((await api('POST', '/api/conversations/999999/turns/1/undo')).status, 404);
  const [conv] = conversations;
  assert.equal((await api('POST', `/api/conversations/${conv}/turns/99/undo`)).status, 404);
  assert.equal((await api('POST', `/api/conversations/${conv}/turns/zero/undo`)).status, 404);
  await useModel('openai/agent-parallel'); // reads only
  const r = await chat({ message: 'Look around' });
  const done = r.events.at(-1).data;
  const u = await api('POST', `/api/conversations/${done.conversation}/turns/${done.n}/undo`);
  assert.equal(u.status, 422, u.text);
  assert.match(u.json.error.message, /changed nothing/);
});

test('POST /api/chat: bad bodies are 400 and 422 before any stream; an unknown conversation 404', async () => {
  await useModel('openai/agent-create');
  const cases = [
    ['{"message":', 400], ['[1]', 400], [{}, 422], [{ message: '' }, 422], [{ message: 5 }, 422],
    [{ message: 'hi', conversation: 'x' }, 422], [{ message: 'hi', conversation: 0 }, 422],
    [{ message: 'hi', extra: 1 }, 422],
  ];
  for (const [body, status] of cases) {
    const r = await chat(body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(typeof r.json.error.message, 'string');
  }
  const r = await chat({ message: 'hi', conversation: 999999 });
  assert.equal(r.status, 404, r.text);
  assert.match(r.json.error.message, /999999/);
});

test('POST /api/approvals/{id}: 422 for a bad body, 400 for bad JSON, 404 for an unknown id', async () => {
  assert.equal((await api('POST', '/api/approvals/12345', { body: { approve: 'yes' } })).status, 422);
  assert.equal((await api('POST', '/api/approvals/12345', { body: {} })).status, 422);
  assert.equal((await api('POST', '/api/approvals/12345', { body: '{' })).status, 400);
  const r = await api('POST', '/api/approvals/12345', { body: { approve: true } });
  assert.equal(r.status, 404, r.text);
  assert.match(r.json.error.message, /12345/);
  assert.equal((await api('POST', '/api/approvals/abc', { body: { approve: true } })).status, 404);
});

test('the agent routes need the token and check the method', async () => {
  const r = await chat({ message: 'hi' }, { auth: null });
  assert.equal(r.status, 401, r.text);
  assert.equal((await chat({ message: 'hi' }, { auth: 'wrong' })).status, 401);
  assert.equal((await request('GET', '/api/conversations')).status, 401);
  assert.equal((await request('GET', '/api/conversations/1')).status, 401);
  assert.equal((await request('POST', '/api/conversations/1/turns/1/undo')).status, 401);
  assert.equal((await request('POST', '/api/approvals/1', { body: { approve: true } })).status, 401);
  const m = await api('GET', '/api/chat');
  assert.equal(m.status, 405);
  assert.match(m.headers.allow, /POST/);
});

test('no sanitizer report', () => {
  assert.doesNotMatch(stderr, SANITIZER);
});

// Last: it stops the server.
test('SIGTERM while a turn waits for approval: refused, the server exits promptly and cleanly', async () => {
  await useModel('openai/agent-delete');
  let stopping;
  const r = await chat({ message: 'Delete person 1' }, {
    onEvent: (ev) => {
      if (ev.event === 'approval_required' && !stopping) {
        const exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
        const t0 = Date.now();
        server.kill('SIGTERM');
        stopping = exited.then((code) => ({ code, ms: Date.now() - t0 }));
      }
    },
  });
  assert.ok(stopping, r.text);
  const { code, ms } = await stopping;
  assert.equal(code, 0, stderr);
  assert.ok(ms < 3000, `exited after ${ms} ms`);
  assert.ok(!names(r).includes('done'), 'the turn did not go on to the end');
  assert.doesNotMatch(stderr, SANITIZER); // leaks are reported at exit
});
