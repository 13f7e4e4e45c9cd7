// GET|PATCH /api/settings and GET /api/models against the server that
// harness.mjs starts, with the scripted fake provider (tests/fakes/)
// running in this process and the providers pointed at it through
// PATCH /api/settings itself.
//
// A PATCHed key is reported as set and never returned; it lands in
// secrets.env (0600), never in config.json; a bad member is a 422 naming
// its key and changes nothing; /api/models lists the resolved target's
// models (the first Ollama model with tools when no model is set) and
// answers 502 with the provider's message when it cannot be reached.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startFakeProvider } from '../fakes/fake_provider.mjs';
import { SANITIZER, api, dir, request, stderr } from './harness.mjs';

const SECRET = 'sk-e2e-9fQ2LmZt-never-returned';
let fake, fakePort;

before(async () => {
  fake = await startFakeProvider(0);
  fakePort = fake.address().port;
});

after(() => {
  fake?.closeAllConnections();
  fake?.close();
});

const patch = (body) => api('PATCH', '/api/settings', { body });

test('GET /api/settings: the defaults of a new workspace', async () => {
  const r = await api('GET', '/api/settings');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.model, null);
  assert.equal(r.json.model_in_use, null);
  assert.deepEqual(r.json.agent, { approval: 'destructive' });
  assert.deepEqual(Object.keys(r.json.providers), ['openai', 'anthropic', 'ollama']);
  assert.deepEqual(r.json.providers.openai, {
    base_url: null, base_url_in_use: 'https://api.openai.com/v1', api_key_set: false, api_key_source: null,
  });
  assert.equal(r.json.providers.ollama.base_url_in_use, 'http://127.0.0.1:11434');
});

test('PATCH /api/settings sets a key: reported as set, never returned, only in secrets.env', async () => {
  const r = await patch({
    model: 'openai/text',
    providers: { openai: { base_url: `http://127.0.0.1:${fakePort}/v1/`, api_key: SECRET } },
    agent: { approval: 'always' },
  });
  assert.equal(r.status, 200, r.text);
  assert.doesNotMatch(r.text, new RegExp(SECRET));
  assert.equal(r.json.model, 'openai/text');
  assert.deepEqual(r.json.providers.openai, {
    base_url: `http://127.0.0.1:${fakePort}/v1/`, base_url_in_use: `http://127.0.0.1:${fakePort}/v1`,
    api_key_set: true, api_key_source: 'secrets.env',
  });
  assert.equal(r.json.providers.anthropic.api_key_set, false);
  assert.equal(r.json.agent.approval, 'always');

  const g = await api('GET', '/api/settings');
  assert.deepEqual(g.json, r.json);
  assert.doesNotMatch(g.text, new RegExp(SECRET));

  const secrets = path.join(dir, 'secrets.env');
  assert.equal(fs.statSync(secrets).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(secrets, 'utf8'), new RegExp(`^OPENAI_API_KEY=${SECRET}$`, 'm'));
  const conf = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
  assert.doesNotMatch(conf, new RegExp(SECRET));
  assert.equal(JSON.parse(conf).agent.approval, 'always');
});

test('PATCH /api/settings: a bad member is a 422 naming its key, and nothing changes', async () => {
  const before = (await api('GET', '/api/settings')).json;
  const conf = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
  const cases = [
    [{ model: 'gpt4' }, /model 'gpt4' is not provider\/model/],
    [{ model: 'mistral/large' }, /model: unknown provider 'mistral'/],
    [{ agent: { approval: 'always', extra: 1 } }, /unknown setting 'agent\.extra'/],
    [{ providers: { openai: { base_url: 'ftp://x' } } }, /providers\.openai\.base_url: 'ftp:\/\/x' is not an http/],
    [{ providers: { openai: { apikey: 'x' } } }, /unknown setting 'providers\.openai\.apikey'; did you mean 'providers\.openai\.api_key'/],
    [{ providers: { groq: { base_url: 'http://x' } } }, /unknown setting 'providers\.groq\.base_url'/],
    [{ model: 42 }, /model: expected a string, or null to unset/],
    [{ providers: { openai: { api_key: 'a\nB=1' } } }, /providers\.openai\.api_key: the value must be one line/],
    [{ providers: { openai: { api_key: 'a\u0000b' } } }, /providers\.openai\.api_key: the value contains a NUL/],
    // a good member next to a bad one is not applied either
    [{ model: 'anthropic/claude-sonnet-4-5', agent: { approval: 'sometimes' } }, /agent\.approval: 'sometimes' is not one of/],
  ];
  for (const [body, want] of cases) {
    const r = await patch(body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid');
    assert.match(r.json.error.message, want);
  }
  assert.deepEqual((await api('GET', '/api/settings')).json, before);
  assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), conf);

  assert.equal((await api('PATCH', '/api/settings', { body: '[1]' })).status, 400);
  assert.equal((await api('PATCH', '/api/settings', { body: '{"model":' })).status, 400);
});

test('the settings routes need the token', async () => {
  assert.equal((await request('GET', '/api/settings')).status, 401);
  assert.equal((await request('PATCH', '/api/settings', { body: { model: 'openai/x' } })).status, 401);
  assert.equal((await request('GET', '/api/models')).status, 401);
});

test('GET /api/models lists the resolved model\'s provider', async () => {
  const r = await api('GET', '/api/models');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.model, 'openai/text');
  assert.equal(r.json.provider, 'openai');
  assert.deepEqual(r.json.models.map((m) => m.id), ['gpt-fake-mini', 'text', 'tool']);
});

test('GET /api/models?provider=NAME lists another provider', async () => {
  const p = await patch({ providers: { anthropic: { base_url: `http://127.0.0.1:${fakePort}`, api_key: 'sk-ant-e2e' } } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.providers.anthropic.api_key_set, true);
  const r = await api('GET', '/api/models?provider=anthropic');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.model, 'openai/text');
  assert.equal(r.json.provider, 'anthropic');
  assert.deepEqual(r.json.models.map((m) => m.id), ['claude-fake-4-5', 'text']);
  const bad = await api('GET', '/api/models?provider=nope');
  assert.equal(bad.status, 422, bad.text);
  assert.match(bad.json.error.message, /unknown provider 'nope'/);
});

test('GET /api/models: 502 with the provider\'s message when it cannot be reached', async () => {
  const p = await patch({ providers: { openai: { base_url: 'http://127.0.0.1:1/v1' } } });
  assert.equal(p.status, 200, p.text);
  const r = await api('GET', '/api/models');
  assert.equal(r.status, 502, r.text);
  assert.equal(r.json.error.code, 'upstream');
  assert.match(r.json.error.message, /openai: cannot reach http:\/\/127\.0\.0\.1:1\/v1/);
});

test('null unsets; with no model, the first Ollama model with tools is used', async () => {
  const r = await patch({
    model: null,
    providers: { openai: { api_key: null, base_url: '' }, ollama: { base_url: `http://127.0.0.1:${fakePort}` } },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.model, null);
  assert.deepEqual(r.json.providers.openai, {
    base_url: null, base_url_in_use: 'https://api.openai.com/v1', api_key_set: false, api_key_source: null,
  });
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'secrets.env'), 'utf8'), /^OPENAI_API_KEY=/m);
  const m = await api('GET', '/api/models');
  assert.equal(m.status, 200, m.text);
  assert.equal(m.json.model, 'ollama/qwen2.5:7b');
  assert.equal(m.json.provider, 'ollama');
  assert.deepEqual(m.json.models.map((x) => x.id), ['notools:latest', 'qwen2.5:7b', 'text:latest']);

  // and with Ollama gone too: 404 saying how to configure a model
  await patch({ providers: { ollama: { base_url: 'http://127.0.0.1:1' } } });
  const none = await api('GET', '/api/models');
  assert.equal(none.status, 404, none.text);
  assert.match(none.json.error.message, /no model configured: set KITH_MODEL=provider\/model/);
});

test('no sanitizer report', () => {
  assert.doesNotMatch(stderr, SANITIZER);
});
