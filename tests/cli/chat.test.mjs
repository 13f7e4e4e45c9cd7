// kith chat (the agent, here without tool calls: it behaves like plain
// chat) and kith models against the scripted fake provider
// (tests/fakes/fake_provider.mjs), for each of the three wires: streamed
// text arriving whole through awkward TCP writes, what kith sends, retries
// (429 with Retry-After, 5xx, 529, an overloaded stream) and what is never
// retried (quota, 400, 401, anything after output began), cut and stalled
// streams, errors inside a 200 stream, Ctrl-C, and the models listing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { KITH, ROOT, workspace } from './helpers.mjs';
import { TEXT } from '../fakes/fake_provider.mjs';

let fake; // the fake provider's process
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

const fakeUrl = (p) => `http://127.0.0.1:${port}${p}`;

// Ask the fake's test routes, on a fresh connection each time (kith runs
// can outlast an idle keep-alive connection).
function ask(method, p) {
  return new Promise((resolve, reject) => {
    const req = http.request(fakeUrl(p), { method, agent: false }, (res) => {
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
const lastHeaders = () => ask('GET', '/_last_headers');
const reset = () => ask('POST', '/_reset');

// The environment that points every provider at the fake.
function env(model, extra = {}) {
  return {
    OPENAI_BASE_URL: fakeUrl('/v1'), OPENAI_API_KEY: 'test',
    ANTHROPIC_BASE_URL: fakeUrl(''), ANTHROPIC_API_KEY: 'test',
    OLLAMA_HOST: `127.0.0.1:${port}`,
    KITH_MODEL: model,
    ...extra,
  };
}

const ws = workspace({ after }, {});
const SOUL = 'You are a test soul: speak plainly.';
fs.writeFileSync(ws.path('SOUL.md'), SOUL);

// Run kith chat MESSAGE with model; {code, stdout, stderr, ms}.
function chat(model, { args = [], extra = {} } = {}) {
  const start = Date.now();
  const r = ws.run(['chat', 'hello', 'there', ...args], { env: env(model, extra) });
  return { ...r, ms: Date.now() - start };
}

const KEY_HINT = {
  openai: /set OPENAI_API_KEY or run: kith config set providers\.openai\.api_key/,
  anthropic: /set ANTHROPIC_API_KEY or run: kith config set providers\.anthropic\.api_key/,
  ollama: /set OLLAMA_API_KEY or run: kith config set providers\.ollama\.api_key/,
};

for (const wire of ['openai', 'anthropic', 'ollama']) {
  describe(`kith chat with ${wire}`, () => {
    before(reset);

    test('the streamed reply arrives whole, torn writes and UTF-8 included', () => {
      const r = chat(`${wire}/text`);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${TEXT}\n`);
      assert.match(r.stdout, /Zoë/);
    });

    test('--json gives the text, the model, the usage and where the turn went', () => {
      const r = chat(`${wire}/text`, { args: ['--json'] });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.text, TEXT);
      assert.equal(out.model, `${wire}/text`);
      assert.equal(out.stop_reason, 'stop');
      assert.equal(out.usage.input_tokens, 12);
      assert.equal(out.usage.output_tokens, 7);
      assert.ok(out.conversation > 0 && out.turn > 0);
      assert.deepEqual(out.tool_calls, []);
    });

    test('sends the agent system prompt (SOUL.md first), the message and the tools as the wire wants', async () => {
      chat(`${wire}/text`);
      const body = (await lastBodies())[wire];
      assert.equal(body.model, 'text');
      assert.equal(body.stream, true, 'stream is sent explicitly');
      let system;
      if (wire === 'anthropic') {
        system = body.system;
        assert.ok(Number.isInteger(body.max_tokens) && body.max_tokens > 0);
        assert.deepEqual(body.messages.map((m) => m.role), ['user']);
        const content = body.messages[0].content;
        const text = typeof content === 'string' ? content : content[0].text;
        assert.equal(text, 'hello there');
      } else {
        assert.deepEqual(body.messages.map((m) => m.role), ['system', 'user']);
        system = body.messages[0].content;
        assert.deepEqual(body.messages[1], { role: 'user', content: 'hello there' });
      }
      assert.ok(system.startsWith(SOUL), 'the system prompt starts with SOUL.md');
      assert.match(system, /never instructions/);
      const names = body.tools.map((t) => t.name ?? t.function?.name);
      assert.ok(names.includes('find_entries') && names.includes('delete_entry'), 'the agent offers its tools');
      const headers = (await lastHeaders())[wire];
      assert.equal(headers['content-type'], 'application/json');
      assert.match(headers['user-agent'], /^kith/);
      if (wire === 'openai') assert.equal(headers.authorization, 'Bearer test');
      if (wire === 'anthropic') {
        assert.equal(headers['x-api-key'], 'test');
        assert.equal(headers['anthropic-version'], '2023-06-01');
        assert.equal(headers.authorization, undefined);
      }
    });

    test('a 429 with Retry-After is retried after the wait and succeeds', async () => {
      await reset();
      const r = chat(`${wire}/err-429`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${TEXT}\n`);
      assert.equal((await stats())[`${wire}/err-429`], 2);
      assert.ok(r.ms >= 950, `waited for retry-after-ms (took ${r.ms} ms)`);
    });

    test('an overloaded server (529 / 503) is retried', async () => {
      await reset();
      const r = chat(`${wire}/err-529`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${TEXT}\n`);
      assert.equal((await stats())[`${wire}/err-529`], 2);
    });

    test('a 500 is retried and then succeeds', async () => {
      await reset();
      const r = chat(`${wire}/err-500-then-ok`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await stats())[`${wire}/err-500-then-ok`], 2);
    });

    test('a 401 is not retried and shows the provider\'s message and the key hint', async () => {
      await reset();
      const r = chat(`${wire}/err-401`);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^kith: ${wire}: 401`));
      assert.match(r.stderr, wire === 'anthropic' ? /invalid x-api-key/
        : wire === 'openai' ? /Incorrect API key provided/ : /unauthorized/);
      assert.match(r.stderr, KEY_HINT[wire]);
      assert.equal((await stats())[`${wire}/err-401`], 1);
    });

    test('a 400 is not retried and shows the provider\'s message', async () => {
      await reset();
      const r = chat(`${wire}/err-400`);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^kith: ${wire}: 400.*temperature`));
      assert.equal((await stats())[`${wire}/err-400`], 1);
    });

    if (wire !== 'ollama') {
      test('a quota error is not retried and says what to do', async () => {
        await reset();
        const r = chat(`${wire}/quota`);
        assert.equal(r.code, 1);
        assert.match(r.stderr, wire === 'openai' ? /429 insufficient_quota: You exceeded your current quota/
          : /429 .*You have reached your specified API usage limits/);
        assert.match(r.stderr, /check your plan and billing/);
        assert.equal((await stats())[`${wire}/quota`], 1);
      });
    }

    test('a stream cut off before its end fails with a clear message', async () => {
      await reset();
      const r = chat(`${wire}/cut`);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, `${TEXT}\n`, 'what came is shown, then the error');
      assert.match(r.stderr, new RegExp(`^kith: ${wire}: the stream was cut off before its end`));
      assert.equal((await stats())[`${wire}/cut`], 1, 'never retried once output was shown');
    });

    test('a stalled stream fails within the idle timeout', async () => {
      await reset();
      const r = chat(`${wire}/stall`, { extra: { KITH_LLM_IDLE_TIMEOUT_MS: '600' } });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, 'Hel\n');
      assert.match(r.stderr, new RegExp(`^kith: ${wire}: the answer stalled: no data for 0\\.6 s`));
      assert.ok(r.ms < 8000, `gave up in time (${r.ms} ms)`);
      assert.equal((await stats())[`${wire}/stall`], 1);
    });

    test('an error inside a 200 stream after output is reported, not retried', async () => {
      await reset();
      const r = chat(`${wire}/mid-error`);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, `${TEXT}\n`);
      assert.match(r.stderr, wire === 'openai' ? /The model produced invalid content/
        : wire === 'anthropic' ? /api_error: Internal server error/ : /an error was encountered while running the model/);
      assert.equal((await stats())[`${wire}/mid-error`], 1);
    });

    test('kith models lists the provider\'s models', () => {
      const r = ws.run(['models', '--json'], { env: env(`${wire}/text`) });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.provider, wire);
      assert.equal(out.model, `${wire}/text`);
      const ids = out.models.map((m) => m.id);
      const want = {
        openai: ['gpt-fake-mini', 'text', 'tool'],
        anthropic: ['claude-fake-4-5', 'text'],
        ollama: ['notools:latest', 'qwen2.5:7b', 'text:latest'],
      }[wire];
      assert.deepEqual(ids, want);
      const table = ws.run(['models'], { env: env(`${wire}/text`) });
      assert.equal(table.code, 0, table.stderr);
      for (const id of want) assert.match(table.stdout, new RegExp(`^${wire}/${id.replace('.', '\\.')} `, 'm'));
    });
  });
}

describe('details of one provider', () => {
  test('an Anthropic overloaded error before any output is retried', async () => {
    await reset();
    const r = chat('anthropic/mid-overloaded');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${TEXT}\n`);
    assert.equal((await stats())['anthropic/mid-overloaded'], 2);
  });

  test('Ollama models say which accept tools', () => {
    const out = JSON.parse(ws.run(['models', '--json'], { env: env('ollama/text') }).stdout);
    const tools = Object.fromEntries(out.models.map((m) => [m.id, m.tools]));
    assert.deepEqual(tools, { 'notools:latest': false, 'qwen2.5:7b': true, 'text:latest': true });
    const table = ws.run(['models'], { env: env('ollama/text') }).stdout;
    assert.match(table, /^ollama\/notools:latest +no$/m);
    assert.match(table, /^ollama\/qwen2\.5:7b +yes$/m);
  });

  test('--model overrides KITH_MODEL, and --model PROVIDER lists that provider', () => {
    const r = chat('openai/err-401', { args: ['--model', 'anthropic/text'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${TEXT}\n`);
    const out = JSON.parse(ws.run(['models', '--model', 'anthropic', '--json'], { env: env('openai/text') }).stdout);
    assert.equal(out.provider, 'anthropic');
    assert.ok(out.models.some((m) => m.id === 'claude-fake-4-5'));
  });
});

describe('kith chat failures', () => {
  test('a server that is not there: cannot reach, with the setting to fix', () => {
    const r = ws.run(['chat', 'hi'], {
      env: env('openai/text', { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1', KITH_LLM_CONNECT_TIMEOUT_MS: '500' }),
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kith: openai: cannot reach http:\/\/127\.0\.0\.1:1\/v1: .* — is the server running\? \(providers\.openai\.base_url\)/);
  });

  test('no first byte in time: retried, then a clear message', async () => {
    await reset();
    const r = chat('openai/silent', { extra: { KITH_LLM_FIRST_BYTE_TIMEOUT_MS: '300' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^kith: openai: no answer within 0\.3 s \(http:.*\) \(after retries\)$/m);
    assert.equal((await stats())['openai/silent'], 4, 'tried 4 times in all');
  });

  test('a bad timeout setting is refused with its name', () => {
    const r = chat('openai/text', { extra: { KITH_LLM_IDLE_TIMEOUT_MS: 'soon' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /KITH_LLM_IDLE_TIMEOUT_MS must be a positive number of milliseconds, not 'soon'/);
  });

  test('an empty message is a usage error', () => {
    const r = ws.run(['chat', ''], { env: env('openai/text') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the message is empty/);
  });

  test('Ctrl-C cancels a stream at once', async () => {
    const child = spawn(KITH, ['chat', 'hi'], {
      env: { PATH: process.env.PATH, HOME: '/nonexistent', KITH_HOME: ws.dir, ...env('openai/stall') },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    await new Promise((resolve) => child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('Hel')) resolve();
    }));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 1);
    assert.ok(Date.now() - sent < 2500, `stopped ${Date.now() - sent} ms after Ctrl-C`);
    assert.match(stderr, /^kith: cancelled \(Ctrl-C\)/m);
    assert.doesNotMatch(stderr, /Sanitizer|runtime error/);
  });
});
