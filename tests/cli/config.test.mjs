// kith config get|set and kith doctor.
//
// config: every key round-trips through the file it belongs in; API keys
// go to secrets.env (mode 0600), never to config.json and are never
// printed back; bad values, unknown keys and multi-line values are
// refused without touching the files; "" unsets.
// doctor: against the scripted fake provider (tests/fakes/), run as a
// separate process because kith runs synchronously here.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ROOT, workspace } from './helpers.mjs';

const SECRET = 'sk-test-Zq81nVx0-do-not-print';
const mode = (p) => fs.statSync(p).mode & 0o777;
const read = (p) => fs.readFileSync(p, 'utf8');

describe('kith config', () => {
  test('model: set, get, --json, stored in config.json, unset', (t) => {
    const ws = workspace(t);
    assert.equal(ws.ok(['config', 'get', 'model']).stdout, 'not set\n');
    assert.equal(ws.ok(['config', 'set', 'model', 'anthropic/claude-sonnet-4-5']).stdout,
      'model = anthropic/claude-sonnet-4-5\n');
    assert.equal(ws.ok(['config', 'get', 'model']).stdout, 'anthropic/claude-sonnet-4-5\n');
    assert.deepEqual(ws.json(['config', 'get', 'model']),
      { key: 'model', secret: false, value: 'anthropic/claude-sonnet-4-5', set: true });
    const conf = JSON.parse(read(ws.path('config.json')));
    assert.equal(conf.model, 'anthropic/claude-sonnet-4-5');
    assert.equal(conf.server.port, 3100, 'other settings are kept');
    assert.equal(mode(ws.path('config.json')), 0o644);
    // only the first '/' separates provider and model
    ws.ok(['config', 'set', 'model', 'openai/org/model:tag']);
    assert.equal(ws.ok(['config', 'get', 'model']).stdout, 'openai/org/model:tag\n');
    assert.match(ws.ok(['config', 'set', 'model', '']).stdout, /model: unset/);
    assert.equal(ws.ok(['config', 'get', 'model']).stdout, 'not set\n');
    assert.equal(JSON.parse(read(ws.path('config.json'))).model, null);
  });

  test('model: bad references are refused and change nothing', (t) => {
    const ws = workspace(t);
    const before = read(ws.path('config.json'));
    assert.match(ws.fail(['config', 'set', 'model', 'gpt4'], 1), /model 'gpt4' is not provider\/model/);
    assert.match(ws.fail(['config', 'set', 'model', 'openai/'], 1), /not provider\/model/);
    assert.match(ws.fail(['config', 'set', 'model', '/gpt'], 1), /not provider\/model/);
    assert.match(ws.fail(['config', 'set', 'model', 'foo/bar'], 1),
      /model: unknown provider 'foo'.*openai.*anthropic.*ollama/);
    assert.equal(read(ws.path('config.json')), before);
  });

  test('providers.NAME.api_key: in secrets.env (0600), never printed, never in config.json', (t) => {
    const ws = workspace(t);
    const set = ws.ok(['config', 'set', 'providers.openai.api_key', SECRET]);
    assert.doesNotMatch(set.stdout, new RegExp(SECRET));
    assert.match(set.stdout, /providers\.openai\.api_key: set/);
    assert.equal(ws.ok(['config', 'get', 'providers.openai.api_key']).stdout, 'set\n');
    const j = ws.json(['config', 'get', 'providers.openai.api_key']);
    assert.deepEqual(j, { key: 'providers.openai.api_key', secret: true, set: true });
    const all = ws.ok(['config', 'get']).stdout + ws.ok(['config', 'get', '--json']).stdout;
    assert.doesNotMatch(all, new RegExp(SECRET));
    assert.match(ws.ok(['config', 'get']).stdout, /providers\.openai\.api_key\s+set\n/);
    assert.match(ws.ok(['config', 'get']).stdout, /providers\.anthropic\.api_key\s+not set\n/);

    assert.equal(mode(ws.path('secrets.env')), 0o600);
    const secrets = read(ws.path('secrets.env'));
    assert.match(secrets, new RegExp(`^OPENAI_API_KEY=${SECRET}$`, 'm'));
    assert.match(secrets, /^# API keys/m, 'the comments are kept');
    assert.doesNotMatch(read(ws.path('config.json')), new RegExp(SECRET));

    ws.ok(['config', 'set', 'providers.anthropic.api_key', 'sk-ant-2']);
    ws.ok(['config', 'set', 'providers.ollama.api_key', 'ol-3']);
    const s2 = read(ws.path('secrets.env'));
    assert.match(s2, /^ANTHROPIC_API_KEY=sk-ant-2$/m);
    assert.match(s2, /^OLLAMA_API_KEY=ol-3$/m);
    assert.equal(mode(ws.path('secrets.env')), 0o600);

    // replace, then unset
    ws.ok(['config', 'set', 'providers.openai.api_key', 'sk-second']);
    const s3 = read(ws.path('secrets.env'));
    assert.equal(s3.match(/^OPENAI_API_KEY=/gm).length, 1);
    assert.doesNotMatch(s3, new RegExp(SECRET));
    ws.ok(['config', 'set', 'providers.openai.api_key', '']);
    assert.equal(ws.ok(['config', 'get', 'providers.openai.api_key']).stdout, 'not set\n');
    assert.doesNotMatch(read(ws.path('secrets.env')), /^OPENAI_API_KEY=/m);
    assert.match(read(ws.path('secrets.env')), /^ANTHROPIC_API_KEY=sk-ant-2$/m);
  });

  test('secrets.env is created 0600 even when it was missing and the umask is open', (t) => {
    const ws = workspace(t);
    fs.rmSync(ws.path('secrets.env'));
    const old = process.umask(0);
    try {
      ws.ok(['config', 'set', 'providers.anthropic.api_key', SECRET]);
    } finally {
      process.umask(old);
    }
    assert.equal(mode(ws.path('secrets.env')), 0o600);
    assert.equal(read(ws.path('secrets.env')), `ANTHROPIC_API_KEY=${SECRET}\n`);
  });

  test('a key with a newline is refused and secrets.env is unchanged', (t) => {
    const ws = workspace(t);
    const before = read(ws.path('secrets.env'));
    assert.match(ws.fail(['config', 'set', 'providers.openai.api_key', 'sk-a\nKITH_EVIL=1'], 1),
      /providers\.openai\.api_key: .*one line/);
    assert.equal(read(ws.path('secrets.env')), before);
  });

  test('providers.NAME.base_url: http(s) URLs only, per provider', (t) => {
    const ws = workspace(t);
    for (const [name, url] of [['openai', 'http://127.0.0.1:1234/v1'],
      ['anthropic', 'https://proxy.example.com'], ['ollama', 'http://gpu-box:11434']]) {
      assert.equal(ws.ok(['config', 'set', `providers.${name}.base_url`, url]).stdout,
        `providers.${name}.base_url = ${url}\n`);
      assert.equal(ws.ok(['config', 'get', `providers.${name}.base_url`]).stdout, `${url}\n`);
    }
    const conf = JSON.parse(read(ws.path('config.json')));
    assert.equal(conf.providers.openai.base_url, 'http://127.0.0.1:1234/v1');
    assert.equal(conf.providers.ollama.base_url, 'http://gpu-box:11434');
    const before = read(ws.path('config.json'));
    for (const bad of ['ftp://x', 'localhost:1234', 'http://', 'http://a b', 'https:///v1'])
      assert.match(ws.fail(['config', 'set', 'providers.openai.base_url', bad], 1),
        /providers\.openai\.base_url: .*not an http:\/\/ or https:\/\/ URL/);
    assert.equal(read(ws.path('config.json')), before);
    ws.ok(['config', 'set', 'providers.openai.base_url', '']);
    assert.equal(ws.ok(['config', 'get', 'providers.openai.base_url']).stdout, 'not set\n');
    assert.equal(JSON.parse(read(ws.path('config.json'))).providers.openai.base_url, undefined);
  });

  test('agent.approval: always, destructive or never; the default is destructive', (t) => {
    const ws = workspace(t);
    assert.equal(ws.ok(['config', 'get', 'agent.approval']).stdout, 'destructive\n');
    ws.ok(['config', 'set', 'agent.approval', 'never']);
    assert.equal(ws.ok(['config', 'get', 'agent.approval']).stdout, 'never\n');
    assert.equal(JSON.parse(read(ws.path('config.json'))).agent.approval, 'never');
    assert.match(ws.fail(['config', 'set', 'agent.approval', 'sometimes'], 1),
      /agent\.approval: 'sometimes' is not one of always, destructive, never/);
    assert.match(ws.ok(['config', 'set', 'agent.approval', '']).stdout, /unset, default destructive/);
  });

  test('unknown keys are usage errors with a suggestion', (t) => {
    const ws = workspace(t);
    assert.match(ws.fail(['config', 'set', 'modle', 'openai/x'], 2), /unknown setting 'modle'; did you mean 'model'\?/);
    assert.match(ws.fail(['config', 'get', 'providers.openai.apikey'], 2),
      /did you mean 'providers\.openai\.api_key'\?/);
    assert.match(ws.fail(['config', 'set', 'providers.mistral.base_url', 'http://x'], 2),
      /unknown setting 'providers\.mistral\.base_url'/);
    assert.match(ws.fail(['config', 'set', 'model'], 2), /missing arguments/);
  });

  test('a config.json that does not parse is reported and never overwritten', (t) => {
    const ws = workspace(t);
    fs.writeFileSync(ws.path('config.json'), '{"model": "openai/x",\n oops}\n');
    assert.match(ws.fail(['config', 'set', 'agent.approval', 'never'], 1), /config\.json: line 2/);
    assert.equal(read(ws.path('config.json')), '{"model": "openai/x",\n oops}\n');
  });

  test('without a workspace', (t) => {
    const ws = workspace(t, { init: false });
    assert.match(ws.fail(['config', 'set', 'model', 'openai/x'], 1), /kith init/);
  });
});

// ---- kith doctor against the fake provider ----

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

const CLOSED = 'http://127.0.0.1:1'; // nothing listens on port 1

// The checks of kith doctor --json (exit code asserted) as a map by name.
function doctor(ws, env, wantCode) {
  const r = ws.run(['doctor', '--json'], { env });
  assert.equal(r.code, wantCode, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(SECRET), 'a key is never shown');
  const j = JSON.parse(r.stdout);
  assert.equal(j.ok, wantCode === 0);
  return Object.fromEntries(j.checks.map((c) => [c.check, c]));
}

describe('kith doctor', () => {
  test('all in order: exit 0, every line ok, the key never shown', (t) => {
    const ws = workspace(t);
    ws.ok(['config', 'set', 'providers.openai.api_key', SECRET]);
    const env = { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, KITH_MODEL: 'openai/text', OLLAMA_HOST: CLOSED };
    const c = doctor(ws, env, 0);
    assert.match(c.workspace.detail, /integrity ok; schema version \d+/);
    assert.equal(c.token.detail, 'mode 0600');
    assert.equal(c['secrets.env'].detail, 'mode 0600');
    assert.equal(c.model.detail, 'openai/text (KITH_MODEL)');
    assert.equal(c['openai key'].detail, 'set (secrets.env)');
    assert.match(c.openai.detail, new RegExp(`answers at http://127.0.0.1:${port}/v1 \\(3 models\\)`));
    assert.equal(c['model offered'], undefined);
    assert.match(c.tools.detail, /assumed/);
    for (const ch of Object.values(c)) assert.equal(ch.status, 'ok', JSON.stringify(ch));
    // the human form: one line per check, "ok" first
    const text = ws.run(['doctor'], { env });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^ok\s+workspace\s+/m);
    assert.match(text.stdout, /^ok\s+openai key\s+set \(secrets\.env\)$/m);
    assert.doesNotMatch(text.stdout, /problem/);
  });

  test('problems come with a fix and exit 1: open secrets.env, a model not offered, no answer', (t) => {
    const ws = workspace(t);
    fs.chmodSync(ws.path('secrets.env'), 0o644);
    let c = doctor(ws, { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: SECRET,
      KITH_MODEL: 'openai/no-such-model', OLLAMA_HOST: CLOSED }, 1);
    assert.equal(c['secrets.env'].status, 'problem');
    assert.equal(c['secrets.env'].fix, `chmod 600 ${ws.path('secrets.env')}`);
    assert.equal(c['openai key'].detail, 'set (env)');
    assert.equal(c['model offered'].status, 'problem');
    assert.match(c['model offered'].fix, /kith models/);

    fs.chmodSync(ws.path('secrets.env'), 0o600);
    c = doctor(ws, { OPENAI_BASE_URL: `${CLOSED}/v1`, OPENAI_API_KEY: SECRET,
      KITH_MODEL: 'openai/text', OLLAMA_HOST: CLOSED }, 1);
    assert.equal(c.openai.status, 'problem');
    assert.match(c.openai.detail, /cannot reach http:\/\/127\.0\.0\.1:1\/v1/);
    assert.ok(c.openai.fix, 'a problem has a fix');
    const text = ws.run(['doctor'], { env: { OPENAI_BASE_URL: `${CLOSED}/v1`, OPENAI_API_KEY: SECRET,
      KITH_MODEL: 'openai/text', OLLAMA_HOST: CLOSED } });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^problem\s+openai\s+.*cannot reach/m);
    assert.match(text.stdout, /^\s+fix: /m);
  });

  test('a hosted provider without a key is a problem', (t) => {
    const ws = workspace(t);
    // the base URL is the default one (a key is needed), but the env points
    // the call at a closed port so that nothing leaves the machine
    ws.ok(['config', 'set', 'model', 'anthropic/claude-fake-4-5']);
    const c = doctor(ws, { OLLAMA_HOST: CLOSED, ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
      HTTPS_PROXY: CLOSED, https_proxy: CLOSED }, 1);
    assert.equal(c.model.detail, 'anthropic/claude-fake-4-5 (config.json)');
    assert.equal(c['anthropic key'].status, 'problem');
    assert.match(c['anthropic key'].fix, /ANTHROPIC_API_KEY.*kith config set providers\.anthropic\.api_key/);
  });

  test('Ollama: no model configured picks the first model with tools; notools is a problem', (t) => {
    const ws = workspace(t);
    const host = `127.0.0.1:${port}`;
    let c = doctor(ws, { OLLAMA_HOST: host }, 0);
    assert.equal(c.model.detail, 'ollama/qwen2.5:7b (found on Ollama)');
    assert.equal(c['ollama key'].status, 'ok');
    assert.match(c.ollama.detail, new RegExp(`answers at http://127.0.0.1:${port} \\(3 models\\)`));
    assert.equal(c.tools.detail, 'ollama/qwen2.5:7b accepts tools');

    c = doctor(ws, { OLLAMA_HOST: host, KITH_MODEL: 'ollama/notools' }, 1);
    assert.equal(c.tools.status, 'problem');
    assert.equal(c.tools.detail, 'ollama/notools does not accept tools');
    assert.match(c.tools.fix, /supports tools/);
    assert.equal(c['model offered'], undefined, 'notools is notools:latest');
  });

  test('no model and no Ollama: a problem saying how to configure one', (t) => {
    const ws = workspace(t);
    const c = doctor(ws, { OLLAMA_HOST: CLOSED }, 1);
    assert.equal(c.model.status, 'problem');
    assert.match(c.model.detail, /no model configured: set KITH_MODEL=provider\/model or run kith config set model/);
  });

  test('other configured providers are checked too', (t) => {
    const ws = workspace(t);
    ws.ok(['config', 'set', 'providers.anthropic.base_url', `http://127.0.0.1:${port}`]);
    ws.ok(['config', 'set', 'providers.anthropic.api_key', SECRET]);
    const c = doctor(ws, { OLLAMA_HOST: `127.0.0.1:${port}`, KITH_MODEL: 'ollama/text' }, 0);
    assert.equal(c['anthropic key'].detail, 'set (secrets.env)');
    assert.match(c.anthropic.detail, /answers at .* \(2 models\)/);
    assert.equal(c['openai key'], undefined, 'openai is not configured');
  });

  test('a missing workspace is a problem, not a crash', (t) => {
    const ws = workspace(t, { init: false });
    const c = doctor(ws, { OLLAMA_HOST: CLOSED }, 1);
    assert.equal(c.workspace.status, 'problem');
    assert.match(c.workspace.fix, /kith init/);
    assert.equal(c.token.status, 'problem');
  });
});
