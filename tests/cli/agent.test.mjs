// kith chat as the agent: tool calls against the demo workspace, driven by
// the fake provider's agent-* scenarios (tests/fakes/fake_provider.mjs),
// for each of the three wires: an entry created through a tool call (and
// logged as agent:<conversation>), a multi-step turn, recovery from a bad
// filter, approval refused (no terminal, no --yes) and granted (--yes),
// undo of a whole turn, the 12-step limit, a provider error in the middle
// of a stream, parallel calls, and --continue / --conversation resuming a
// conversation with its earlier messages.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import http from 'node:http';
import path from 'node:path';

import { KITH, ROOT, workspace } from './helpers.mjs';
import { TEXT } from '../fakes/fake_provider.mjs';

let fake;
let port;

before(async () => {
  fake = spawn(process.execPath, [path.join(ROOT, 'tests/fakes/fake_provider.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  port = await new Promise((resolve, reject) => {
    let out = '';
    fake.stdout.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    fake.on('exit', (code) => reject(new Error(`the fake provider exited (${code})`)));
  });
});

after(() => fake?.kill('SIGTERM'));

function ask(method, p) {
  return new Promise((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${port}${p}`, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}
const stats = () => ask('GET', '/_stats');
const lastBodies = () => ask('GET', '/_last');
const reset = () => ask('POST', '/_reset');

function env(model) {
  return {
    OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'test',
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`, ANTHROPIC_API_KEY: 'test',
    OLLAMA_HOST: `127.0.0.1:${port}`,
    KITH_MODEL: model,
  };
}

// The user-visible text of a wire's message (string or blocks).
function textOf(m) {
  if (typeof m.content === 'string') return m.content;
  return (m.content || []).filter((b) => b.type === 'text').map((b) => b.text).join('');
}

// The tool results in a wire's request body.
function toolResults(wire, body) {
  if (wire !== 'anthropic') return body.messages.filter((m) => m.role === 'tool');
  return body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []))
    .filter((b) => b.type === 'tool_result');
}

for (const wire of ['openai', 'anthropic', 'ollama']) {
  describe(`the agent with ${wire}`, () => {
    const ws = workspace({ after }, { demo: true });
    // kith chat MESSAGE --json with scenario; {code, out, stderr, stdout}.
    const chat = (scenario, args = [], message = 'please') => {
      const r = ws.run(['chat', message, '--json', ...args], { env: env(`${wire}/agent-${scenario}`), input: '' });
      let out = null;
      try { out = JSON.parse(r.stdout); } catch { /* a failed turn prints nothing */ }
      return { ...r, out };
    };
    const getPerson = (id) => ws.run(['get', 'people', String(id), '--json']);

    before(reset);

    test('creates an entry through a tool call, recorded as agent:<conversation>', () => {
      const r = chat('create');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.out.text, 'Created Grace Hopper.');
      assert.equal(r.out.tool_calls.length, 1);
      const call = r.out.tool_calls[0];
      assert.equal(call.name, 'create_entry');
      assert.equal(call.is_error, false);
      const id = call.result.created.id;
      const got = JSON.parse(getPerson(id).stdout);
      assert.equal(got.name, 'Grace Hopper');
      assert.equal(got.email, 'grace@navy.mil');
      const log = ws.json(['log', 'people', String(id)]);
      assert.equal(log[0].actor, `agent:${r.out.conversation}`);
      assert.equal(log[0].op, 'create');
      assert.match(r.stderr, /^\[tool\] create_entry \{"object":"people"/m);
      assert.match(r.stderr, /^\[result\] \{"created":/m);
      assert.match(r.stderr, new RegExp(`\\(undo with: kith undo --turn ${r.out.turn}\\)`));
    });

    test('a multi-step turn finds the entry, then updates it by the id it found', () => {
      const r = chat('multi');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.out.text, 'Done.');
      assert.deepEqual(r.out.tool_calls.map((c) => c.name), ['find_entries', 'update_entry']);
      const found = r.out.tool_calls[0].result.entries[0].id;
      assert.equal(r.out.tool_calls[1].arguments.id, found);
      assert.equal(JSON.parse(getPerson(found).stdout).title, 'Rear Admiral');
    });

    test('recovers from a bad filter: the error goes back to the model', () => {
      const r = chat('badfilter');
      assert.equal(r.code, 0, r.stderr);
      const [bad, good] = r.out.tool_calls;
      assert.equal(bad.is_error, true);
      assert.match(bad.result.error, /unknown field 'stauts'; did you mean 'status'\?/);
      assert.equal(good.is_error, false);
      assert.equal(good.result.entries.length, 1);
      assert.equal(good.result.entries[0].status, 'Lead');
      assert.equal(r.out.text, 'Found leads.');
      assert.match(r.stderr, /^\[error\] \{"error":"find_entries: filter at column 1/m);
    });

    test('a delete is refused with no terminal and no --yes, and the model is told', () => {
      const r = chat('delete');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.out.text, 'Not deleted: the user refused delete_entry');
      assert.equal(r.out.tool_calls[0].is_error, true);
      assert.match(r.stderr, /refused delete_entry: no terminal to ask; --yes approves/);
      assert.equal(getPerson(1).code, 0, 'entry 1 is still there');
      assert.doesNotMatch(r.stderr, /undo with/, 'nothing changed, nothing to undo');
    });

    let deleteTurn;
    test('--yes approves the delete', () => {
      const name = JSON.parse(getPerson(1).stdout).name;
      const r = chat('delete', ['--yes']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.out.text, 'Deleted.');
      assert.equal(r.out.tool_calls[0].result.deleted.label, name);
      assert.equal(getPerson(1).code, 1, 'entry 1 is gone');
      deleteTurn = r.out.turn;
    });

    test('kith undo --turn brings back what the turn changed', () => {
      const r = ws.run(['undo', '--turn', String(deleteTurn)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Undid turn #${deleteTurn} \\(change group #\\d+\\)`));
      assert.equal(getPerson(1).code, 0, 'entry 1 is back');
      assert.equal(ws.json(['log', 'people', '1'])[0].actor, 'user');
      const again = ws.run(['undo', '--turn', String(deleteTurn)]);
      assert.equal(again.code, 1, 'undoing it twice fails');
      assert.match(ws.run(['undo', '--turn', '99999']).stderr, /there is no turn #99999/);
    });

    test('stops after 12 steps and says so (exit 0)', async () => {
      await reset();
      const r = chat('loop');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.out.text, /stopped after 12 steps/);
      assert.equal(r.out.tool_calls.length, 12);
      assert.equal((await stats())[`${wire}/agent-loop`], 12, 'twelve model calls');
    });

    test('a provider error in the middle of the stream: exit 1 with its message', () => {
      const r = ws.run(['chat', 'please'], { env: env(`${wire}/agent-midfail`), input: '' });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, `${TEXT}\n`);
      assert.match(r.stderr, wire === 'openai' ? /^kith: .*The model produced invalid content/m
        : wire === 'anthropic' ? /^kith: .*api_error: Internal server error/m
          : /^kith: .*an error was encountered while running the model/m);
    });

    test('parallel calls run in order and both results go back', async () => {
      const r = chat('parallel');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.out.tool_calls.map((c) => c.name), ['list_objects', 'search']);
      assert.ok(r.out.tool_calls.every((c) => !c.is_error));
      assert.equal(r.out.text, 'Both done.');
      const results = toolResults(wire, (await lastBodies())[wire]);
      assert.equal(results.length, 2);
    });

    test('--continue and --conversation resume a conversation with its messages', async () => {
      const first = chat('create', [], 'first message');
      assert.equal(first.code, 0, first.stderr);
      const second = chat('create', ['--continue'], 'second message');
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.out.conversation, first.out.conversation);
      assert.ok(second.out.turn > first.out.turn);
      const body = (await lastBodies())[wire];
      const texts = body.messages.map(textOf);
      assert.ok(texts.includes('first message'), 'the first turn is sent again');
      assert.ok(texts.some((t) => t.includes('second message')));
      assert.ok(toolResults(wire, body).length >= 2, 'with its tool results');
      const third = chat('create', ['--conversation', String(first.out.conversation)], 'third');
      assert.equal(third.out.conversation, first.out.conversation);
      const missing = ws.run(['chat', 'x', '--conversation', '99999'], { env: env(`${wire}/agent-create`) });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /there is no conversation #99999/);
    });
  });
}

describe('approval modes and the terminal', () => {
  const ws = workspace({ after }, { demo: true });
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

  // Run kith with args on a pseudo-terminal (util-linux script), typing input.
  function onTerminal(args, input, model) {
    const cmd = [KITH, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
      input, encoding: 'utf8', timeout: 30000,
      env: { PATH: process.env.PATH, HOME: '/nonexistent', KITH_HOME: ws.dir, ...env(model) },
    });
    return { code: r.status, out: r.stdout.replace(/\r/g, '') };
  }

  test('agent.approval never: a delete runs without asking', () => {
    ws.ok(['config', 'set', 'agent.approval', 'never']);
    const r = ws.run(['chat', 'delete', '--json'], { env: env('openai/agent-delete'), input: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).text, 'Deleted.');
    assert.doesNotMatch(r.stderr, /refused|approved/);
    ws.ok(['undo', '--turn', String(JSON.parse(r.stdout).turn)]);
  });

  test('agent.approval always: a create waits too, and is refused with no terminal', () => {
    ws.ok(['config', 'set', 'agent.approval', 'always']);
    const r = ws.run(['chat', 'add', '--json'], { env: env('openai/agent-create'), input: '' });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.tool_calls[0].is_error, true);
    assert.equal(out.tool_calls[0].result.error, 'the user refused create_entry');
    ws.ok(['config', 'set', 'agent.approval', 'destructive']);
  });

  test('on a terminal, y approves a delete', { skip: !hasScript && 'no script(1)' }, () => {
    const r = onTerminal(['chat', 'delete person 1'], 'y\n', 'openai/agent-delete');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Allow delete_entry\? \[y\/N\]/);
    assert.match(r.out, /Deleted\./);
    assert.equal(ws.run(['get', 'people', '1']).code, 1);
  });

  test('with no MESSAGE on a terminal, a session: a line per message', { skip: !hasScript && 'no script(1)' }, () => {
    const r = onTerminal(['chat'], 'first\nsecond\n\n', 'openai/echo');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /one message per line/);
    const replies = r.out.split('\n').filter((l) => /^> (first|second)$/.test(l));
    assert.equal(replies.length, 2, r.out);
    const conv = ws.json(['sql', 'SELECT count(*) AS n FROM kith_messages WHERE conversation_id = (SELECT max(id) FROM kith_conversations)']);
    assert.equal(conv.rows[0][0], 4, 'two turns of one conversation: 2 user + 2 assistant messages');
  });
});
