// kith mcp: the MCP server over stdio, spoken to as an MCP client does:
// one JSON-RPC message per line on its stdin, answers read line by line
// from its stdout. Every line on stdout must be a JSON-RPC answer (logs go
// to stderr), notifications get none, errors carry JSON-RPC's codes, and
// the tools are the agent's table with destructive ones only on request.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

import { KITH, workspace } from './helpers.mjs';

const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

// Start `kith mcp` on ws; returns a small client over its pipes.
function startMcp(t, ws, args = []) {
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: '/nonexistent/kith-test-home' };
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'])
    if (process.env[k]) env[k] = process.env[k];
  const child = spawn(KITH, ['mcp', '--workspace', ws.dir, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let pending = '';
  let stderr = '';
  const lines = [];
  const waiting = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    pending += d;
    let i;
    while ((i = pending.indexOf('\n')) >= 0) {
      lines.push(pending.slice(0, i));
      pending = pending.slice(i + 1);
    }
    while (waiting.length && lines.length) waiting.shift()(lines.shift());
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let nextId = 1;
  let closed = false;
  const client = {
    child,
    stderr: () => stderr,
    send(msg) {
      child.stdin.write((typeof msg === 'string' ? msg : JSON.stringify(msg)) + '\n');
    },
    // The next line of stdout, parsed; fails after ms without one.
    next(ms = 10000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms; stderr: ${stderr}`)), ms);
        const take = (line) => {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(line));
          } catch {
            reject(new Error(`stdout carried a line that is not JSON: ${line.slice(0, 200)}`));
          }
        };
        if (lines.length) take(lines.shift());
        else waiting.push(take);
      });
    },
    // Send a request and return its answer (checked to be for it).
    async request(method, params) {
      const id = nextId++;
      const msg = { jsonrpc: '2.0', id, method };
      if (params !== undefined) msg.params = params;
      client.send(msg);
      const answer = await client.next();
      assert.equal(answer.jsonrpc, '2.0');
      assert.equal(answer.id, id, `answer to ${method} has id ${answer.id}`);
      return answer;
    },
    async call(name, args) {
      const a = await client.request('tools/call', { name, arguments: args });
      assert.ok(a.result, `tools/call ${name}: ${JSON.stringify(a.error)}`);
      assert.equal(a.result.content.length, 1);
      assert.equal(a.result.content[0].type, 'text');
      return { isError: a.result.isError, value: JSON.parse(a.result.content[0].text) };
    },
    async initialize(version = '2025-06-18') {
      const a = await client.request('initialize', {
        protocolVersion: version, capabilities: {}, clientInfo: { name: 'test', version: '1' },
      });
      client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      return a;
    },
    // End stdin; the server must exit 0 with nothing left on stdout.
    async close() {
      closed = true;
      child.stdin.end();
      const { code, signal } = await exited;
      assert.equal(signal, null, `kith mcp died of ${signal}\n${stderr}`);
      assert.equal(code, 0, `kith mcp exited ${code}\n${stderr}`);
      assert.deepEqual(lines, [], 'no unexpected answers');
      assert.equal(pending, '', 'stdout ends with a whole line');
      assert.doesNotMatch(stderr, SANITIZER);
    },
  };
  t.after(() => { if (!closed) child.kill('SIGKILL'); });
  return client;
}

// A structural check of a JSON Schema object (no validator library).
function checkSchema(name, s) {
  assert.equal(s.type, 'object', `${name}: type object`);
  assert.equal(typeof s.properties, 'object', `${name}: properties`);
  assert.ok(!Array.isArray(s.properties));
  assert.ok(Array.isArray(s.required), `${name}: required is an array`);
  for (const r of s.required) assert.ok(r in s.properties, `${name}: required '${r}' is a property`);
  assert.equal(s.additionalProperties, false, `${name}: additionalProperties false`);
  const types = ['string', 'integer', 'number', 'boolean', 'object', 'array'];
  for (const [p, def] of Object.entries(s.properties)) {
    assert.ok(types.includes(def.type), `${name}.${p}: a JSON Schema type`);
    assert.equal(typeof def.description, 'string', `${name}.${p}: a description`);
    if (def.type === 'array') assert.ok(types.includes(def.items.type), `${name}.${p}: items`);
    if (def.enum) assert.ok(Array.isArray(def.enum) && def.enum.length > 0);
  }
}

test('mcp: handshake and protocol version negotiation', async (t) => {
  const ws = workspace(t, { demo: true });
  const mcp = startMcp(t, ws);
  const version = ws.ok(['version']).stdout.split(' ')[1];
  for (const v of ['2025-06-18', '2025-03-26', '2024-11-05']) {
    const a = await mcp.initialize(v);
    assert.equal(a.result.protocolVersion, v);
    assert.deepEqual(a.result.capabilities, { tools: {} });
    assert.deepEqual(a.result.serverInfo, { name: 'kith', version });
    assert.match(a.result.instructions, /never instructions/);
  }
  // a version it does not speak: the latest it does
  assert.equal((await mcp.initialize('2099-01-01')).result.protocolVersion, '2025-06-18');
  const bad = await mcp.request('initialize', { capabilities: {} });
  assert.equal(bad.error.code, -32602);
  assert.match(bad.error.message, /'protocolVersion' is required/);
  assert.deepEqual((await mcp.request('ping')).result, {});
  await mcp.close();
  assert.match(mcp.stderr(), /^kith mcp: serving the tools of .* \(destructive tools off/);
});

test('mcp: tools/list serves the tool table with valid schemas', async (t) => {
  const ws = workspace(t, { demo: true });
  const mcp = startMcp(t, ws);
  await mcp.initialize();
  const { tools } = (await mcp.request('tools/list', {})).result;
  const names = tools.map((x) => x.name);
  assert.deepEqual(names, ['list_objects', 'describe_object', 'find_entries', 'get_entry', 'create_entry',
    'update_entry', 'search', 'read_document', 'write_document', 'query_sql', 'remember']);
  for (const tool of tools) {
    assert.ok(tool.description.length > 40, `${tool.name}: a description`);
    checkSchema(tool.name, tool.inputSchema);
    assert.equal(tool.annotations.destructiveHint, false);
  }
  const find = tools.find((x) => x.name === 'find_entries');
  assert.deepEqual(find.inputSchema.required, ['object']);
  assert.deepEqual(Object.keys(find.inputSchema.properties), ['object', 'where', 'sort', 'limit']);
  assert.equal(find.inputSchema.properties.limit.type, 'integer');
  assert.equal(find.annotations.readOnlyHint, true);
  assert.match(find.description, /filter language/);
  await mcp.close();

  const all = startMcp(t, ws, ['--allow-destructive']);
  const listed = (await all.request('tools/list')).result.tools;
  assert.equal(listed.length, 13);
  for (const tool of listed) checkSchema(tool.name, tool.inputSchema);
  const del = listed.find((x) => x.name === 'delete_entry');
  assert.equal(del.annotations.destructiveHint, true);
  assert.deepEqual(del.inputSchema.required, ['object', 'id']);
  assert.deepEqual(listed.find((x) => x.name === 'add_field').inputSchema.required, ['object', 'name', 'type']);
  await all.close();
});

test('mcp: tools/call writes as actor mcp and reads back', async (t) => {
  const ws = workspace(t, { demo: true });
  const mcp = startMcp(t, ws);
  await mcp.initialize();
  const created = await mcp.call('create_entry', {
    object: 'people', values: { name: 'Zoë Mcp', email: 'zoe@mcp.example', Status: 'lead', company: 'Acme Inc' },
  });
  assert.equal(created.isError, false);
  const entry = created.value.created;
  assert.equal(entry.label, 'Zoë Mcp');
  assert.equal(entry.status, 'Lead');
  assert.equal(entry.company.label, 'Acme Inc');

  const found = await mcp.call('find_entries', { object: 'people', where: 'email = zoe@mcp.example' });
  assert.equal(found.isError, false);
  assert.equal(found.value.total, 1);
  assert.deepEqual(found.value.entries, [{
    id: entry.id, label: 'Zoë Mcp', email: 'zoe@mcp.example', company: entry.company, status: 'Lead',
  }]);

  const upd = await mcp.call('update_entry', { object: 'people', id: entry.id, values: { title: 'CEO' } });
  assert.equal(upd.value.updated.title, 'CEO');
  const sql = await mcp.call('query_sql', { sql: 'SELECT count(*) FROM people' });
  assert.deepEqual(sql.value.rows, [[201]]);
  await mcp.close();

  const log = ws.json(['log', 'people', String(entry.id)]);
  assert.deepEqual(log.map((c) => [c.op, c.actor]), [['update', 'mcp'], ['create', 'mcp']]);
  assert.equal(ws.json(['get', 'people', String(entry.id)]).title, 'CEO');
});

test('mcp: a failing tool is a result with isError and the message', async (t) => {
  const ws = workspace(t, { demo: true });
  const mcp = startMcp(t, ws);
  await mcp.initialize();
  let r = await mcp.call('find_entries', { object: 'people', where: 'stauts = Lead' });
  assert.equal(r.isError, true);
  assert.deepEqual(r.value, { error: "find_entries: filter at column 1: unknown field 'stauts'; did you mean 'status'?" });
  r = await mcp.call('create_entry', { object: 'people', values: { name: 'X', email: 'nope' } });
  assert.equal(r.isError, true);
  assert.match(r.value.error, /^create_entry: email: 'nope'/);
  r = await mcp.call('find_entries', { where: 'x' });
  assert.equal(r.isError, true);
  assert.equal(r.value.error, "find_entries: 'object' is required");
  r = await mcp.call('get_entry', { object: 'people', id: '3' });
  assert.equal(r.value.error, "get_entry: 'id' must be an integer, not a string");
  r = await mcp.call('query_sql', { sql: 'DELETE FROM people' });
  assert.equal(r.isError, true);
  assert.match(r.value.error, /^query_sql: /);
  await mcp.close();
  assert.equal(ws.json(['sql', 'SELECT count(*) AS n FROM people']).rows[0][0], 200);
});

test('mcp: destructive tools only with --allow-destructive', async (t) => {
  const ws = workspace(t, { demo: true });
  const mcp = startMcp(t, ws);
  await mcp.initialize();
  let r = await mcp.call('delete_entry', { object: 'people', id: 1 });
  assert.equal(r.isError, true);
  assert.match(r.value.error, /^delete_entry: refused: .*kith mcp --allow-destructive/);
  r = await mcp.call('add_field', { object: 'people', name: 'Tier', type: 'text' });
  assert.equal(r.isError, true);
  assert.match(r.value.error, /--allow-destructive/);
  await mcp.close();
  assert.equal(ws.json(['get', 'people', '1']).name, 'Ann Lee');
  assert.ok(!ws.json(['fields', 'people']).fields.some((f) => f.slug === 'tier'));

  const all = startMcp(t, ws, ['--allow-destructive']);
  await all.initialize();
  r = await all.call('delete_entry', { object: 'people', id: 1 });
  assert.equal(r.isError, false);
  assert.deepEqual(r.value, { deleted: { object: 'people', id: 1, label: 'Ann Lee' } });
  r = await all.call('add_field', { object: 'people', name: 'Tier', type: 'select', options: ['Gold', 'Silver'] });
  assert.equal(r.isError, false);
  assert.deepEqual(r.value.added.field.options, ['Gold', 'Silver']);
  await all.close();
  assert.match(ws.fail(['get', 'people', '1'], 1), /not found|no /i);
  assert.equal(ws.json(['log', 'people', '1'])[0].actor, 'mcp');
});

test('mcp: JSON-RPC errors carry the right codes', async (t) => {
  const ws = workspace(t);
  const mcp = startMcp(t, ws);
  await mcp.initialize();

  mcp.send('{"jsonrpc": "2.0", "id": 1, "method": ');
  let a = await mcp.next();
  assert.equal(a.id, null);
  assert.equal(a.error.code, -32700);
  assert.match(a.error.message, /^parse error: line 1, column/);

  a = await mcp.request('resources/list', {});
  assert.equal(a.error.code, -32601);
  assert.match(a.error.message, /method 'resources\/list' not found/);

  a = await mcp.request('tools/call', { arguments: {} });
  assert.equal(a.error.code, -32602);
  assert.match(a.error.message, /'name' is required/);
  a = await mcp.request('tools/call', { name: 'find_entris', arguments: {} });
  assert.equal(a.error.code, -32602);
  assert.match(a.error.message, /unknown tool 'find_entris'; did you mean 'find_entries'\?/);
  a = await mcp.request('tools/call', { name: 'search', arguments: [1] });
  assert.equal(a.error.code, -32602);
  a = await mcp.request('tools/list', [1, 2]);
  assert.equal(a.error.code, -32602);

  mcp.send({ id: 7, method: 'ping' });
  a = await mcp.next();
  assert.deepEqual([a.id, a.error.code], [7, -32600]);
  mcp.send({ jsonrpc: '2.0', id: 1.5, method: 'ping' });
  a = await mcp.next();
  assert.deepEqual([a.id, a.error.code], [null, -32600]);
  mcp.send({ jsonrpc: '2.0', id: 8, method: 42 });
  a = await mcp.next();
  assert.deepEqual([a.id, a.error.code], [8, -32600]);
  mcp.send('"just a string"');
  a = await mcp.next();
  assert.deepEqual([a.id, a.error.code], [null, -32600]);

  // a string id is echoed as it is
  mcp.send({ jsonrpc: '2.0', id: 'abc-1', method: 'ping' });
  assert.deepEqual(await mcp.next(), { jsonrpc: '2.0', id: 'abc-1', result: {} });
  await mcp.close();
});

test('mcp: notifications and responses get no answer; batches do', async (t) => {
  const ws = workspace(t);
  const mcp = startMcp(t, ws);
  mcp.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  mcp.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } });
  mcp.send({ jsonrpc: '2.0', method: 'no/such/notification' });
  mcp.send({ jsonrpc: '2.0', id: 99, result: {} });
  mcp.send('');
  mcp.send('   ');
  // the next answer is the ping's: nothing was said to the rest
  const ping = await mcp.request('ping');
  assert.deepEqual(ping.result, {});

  mcp.send([
    { jsonrpc: '2.0', id: 'a', method: 'ping' },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 'b', method: 'nope' },
  ]);
  const batch = await mcp.next();
  assert.ok(Array.isArray(batch));
  assert.deepEqual(batch.map((x) => x.id), ['a', 'b']);
  assert.deepEqual(batch[0].result, {});
  assert.equal(batch[1].error.code, -32601);

  mcp.send([{ jsonrpc: '2.0', method: 'notifications/initialized' }]);
  mcp.send('[]');
  const empty = await mcp.next();
  assert.equal(empty.error.code, -32600);
  mcp.send([{ jsonrpc: '2.0', id: 5, method: 'initialize', params: { protocolVersion: '2025-03-26' } }]);
  const init = await mcp.next();
  assert.equal(init[0].error.code, -32600);
  assert.match(init[0].error.message, /batch/);
  await mcp.close();
});

test('mcp: a line over 4 MiB is refused and the session goes on', async (t) => {
  const ws = workspace(t);
  const mcp = startMcp(t, ws);
  mcp.send(`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${'x'.repeat(4 * 1024 * 1024)}"}}`);
  const a = await mcp.next(30000);
  assert.deepEqual([a.id, a.error.code], [null, -32600]);
  assert.match(a.error.message, /longer than 4 MiB/);
  assert.deepEqual((await mcp.request('ping')).result, {});
  // a last message without a newline is still answered
  mcp.child.stdin.write('{"jsonrpc":"2.0","id":"last","method":"ping"}');
  mcp.child.stdin.end();
  assert.deepEqual(await mcp.next(), { jsonrpc: '2.0', id: 'last', result: {} });
  await mcp.close();
});

test('mcp: remember appends to MEMORY.md', async (t) => {
  const ws = workspace(t);
  const mcp = startMcp(t, ws);
  const r = await mcp.call('remember', { fact: '  Likes short answers ' });
  assert.deepEqual(r, { isError: false, value: { remembered: 'Likes short answers' } });
  const bad = await mcp.call('remember', { fact: 'a\nb' });
  assert.equal(bad.isError, true);
  await mcp.close();
  const { readFileSync } = await import('node:fs');
  assert.match(readFileSync(ws.path('MEMORY.md'), 'utf8'), /\n- Likes short answers\n$/);
});

test('mcp: without a workspace it says so and exits', (t) => {
  const ws = workspace(t, { init: false });
  const r = ws.run(['mcp', '--workspace', ws.path('missing')], { input: '' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^kith: /);
});
