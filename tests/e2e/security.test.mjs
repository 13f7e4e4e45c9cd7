// End-to-end tests of who may talk to `kith serve`: the login cookie, the
// Origin check (CSRF), the JSON nesting limit and the idle timeout. The
// real binary ($KITH_BIN) on a free port with a temporary demo workspace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';

import {
  KITH, SANITIZER, api, dir, env, freePort, port, request, server, stderr, token,
} from './harness.mjs';

const JSON_CT = { 'Content-Type': 'application/json' };
const FORM_CT = { 'Content-Type': 'application/x-www-form-urlencoded' };

function assertSessionCookie(r) {
  const set = r.headers['set-cookie'];
  assert.ok(set && set.length === 1, `one Set-Cookie: ${JSON.stringify(set)}`);
  const parts = set[0].split(/;\s*/);
  assert.equal(parts[0], `kith_session=${token}`);
  assert.ok(parts.includes('HttpOnly'), set[0]);
  assert.ok(parts.includes('SameSite=Strict'), set[0]);
  assert.ok(parts.includes('Path=/'), set[0]);
  return parts[0];
}

const withCookie = (cookie) => ({ headers: { Cookie: cookie } });

// Entries of people named name (through the bearer token).
async function peopleNamed(name) {
  const where = encodeURIComponent(`name = "${name}"`);
  const r = await api('GET', `/api/objects/people/entries?where=${where}`);
  assert.equal(r.status, 200, r.text);
  return r.json.entries;
}

test('login with JSON sets an HttpOnly SameSite=Strict cookie that works alone', async () => {
  const r = await request('POST', '/login', { body: { token }, headers: JSON_CT });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { ok: true });
  const cookie = assertSessionCookie(r);
  const objs = await request('GET', '/api/objects', withCookie(cookie));
  assert.equal(objs.status, 200, objs.text);
  assert.ok(objs.json.objects.some((o) => o.slug === 'people'));
});

test('login with JSON sent as a form type (curl -d) still works', async () => {
  const r = await request('POST', '/login', { body: ` {"token": "${token}"}`, headers: FORM_CT });
  assert.equal(r.status, 200, r.text);
  assertSessionCookie(r);
});

test('login with a form body, URL-decoded, among other fields', async () => {
  const encoded = [...token].map((c) => '%' + c.charCodeAt(0).toString(16)).join('');
  for (const body of [`token=${token}`, `a=1&token=${encoded}&b=%26`]) {
    const r = await request('POST', '/login', { body, headers: FORM_CT });
    assert.equal(r.status, 200, `${body}: ${r.text}`);
    assertSessionCookie(r);
  }
});

test('a wrong or missing login token is 401 and sets no cookie', async () => {
  const cases = [
    { body: { token: 'wrong' }, headers: JSON_CT },
    { body: { token: token + 'x' }, headers: JSON_CT },
    { body: { token: 42 }, headers: JSON_CT },
    { body: {}, headers: JSON_CT },
    { body: 'token=wrong', headers: FORM_CT },
    { body: `tokens=${token}`, headers: FORM_CT },
    { body: '', headers: FORM_CT },
  ];
  for (const c of cases) {
    const r = await request('POST', '/login', c);
    assert.equal(r.status, 401, `${JSON.stringify(c.body)}: ${r.text}`);
    assert.equal(r.json.error.code, 'unauthorized');
    assert.equal(r.headers['set-cookie'], undefined);
  }
  const bad = await request('POST', '/login', { body: '{"token": ', headers: JSON_CT });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers['set-cookie'], undefined);
});

test('logout clears the cookie', async () => {
  const r = await request('POST', '/logout');
  assert.equal(r.status, 200, r.text);
  const set = r.headers['set-cookie'];
  assert.ok(set && set.length === 1);
  const parts = set[0].split(/;\s*/);
  assert.equal(parts[0], 'kith_session=');
  for (const p of ['Max-Age=0', 'Path=/', 'HttpOnly', 'SameSite=Strict'])
    assert.ok(parts.includes(p), set[0]);
});

test('the session cookie: exact name, among others, wrong value refused', async () => {
  const ok = [
    `kith_session=${token}`,
    `a=1; kith_session=${token}; b=2`,
    `a=1;kith_session=${token}`,
    `kith_session="${token}"`,
  ];
  for (const c of ok)
    assert.equal((await request('GET', '/api/objects', withCookie(c))).status, 200, c);
  const bad = [
    'kith_session=nope',
    `kith_session=${token}x`,
    `xkith_session=${token}`,
    `kith_session2=${token}`,
    `kith_sessio=${token}`,
    'kith_session=',
    `a=kith_session=${token}`,
  ];
  for (const c of bad) {
    const r = await request('GET', '/api/objects', withCookie(c));
    assert.equal(r.status, 401, c);
    assert.equal(r.json.error.code, 'unauthorized');
  }
});

test('a POST from a foreign Origin is refused and changes nothing', async () => {
  for (const origin of ['http://evil.example', `http://evil.example:${port}`,
    `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`, 'null']) {
    const r = await api('POST', '/api/objects/people/entries', {
      body: { name: 'Csrf Probe' }, headers: { ...JSON_CT, Origin: origin },
    });
    assert.equal(r.status, 403, origin);
    assert.deepEqual(r.json.error, {
      code: 'forbidden', message: `cross-origin request from ${origin} refused`,
    });
  }
  assert.deepEqual(await peopleNamed('Csrf Probe'), []);
  // With the cookie only, as a browser would send it.
  const r = await request('POST', '/api/objects/people/entries', {
    body: { name: 'Csrf Probe' },
    headers: { ...JSON_CT, Origin: 'http://evil.example', Cookie: `kith_session=${token}` },
  });
  assert.equal(r.status, 403);
  assert.deepEqual(await peopleNamed('Csrf Probe'), []);
  // The login itself is guarded too.
  const login = await request('POST', '/login', {
    body: { token }, headers: { ...JSON_CT, Origin: 'http://evil.example' },
  });
  assert.equal(login.status, 403);
  assert.equal(login.headers['set-cookie'], undefined);
});

test('same-origin POST passes (host case-insensitive); GET from anywhere passes', async () => {
  const r = await api('POST', '/api/objects/people/entries', {
    body: { name: 'Same Origin' },
    headers: { ...JSON_CT, Origin: `http://127.0.0.1:${port}` },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal((await peopleNamed('Same Origin')).length, 1);
  const upper = await request('POST', '/login', {
    body: { token },
    headers: { ...JSON_CT, Host: `localhost:${port}`, Origin: `http://LocalHost:${port}` },
  });
  assert.equal(upper.status, 200, upper.text);
  const get = await api('GET', '/api/objects', { headers: { Origin: 'http://evil.example' } });
  assert.equal(get.status, 200);
});

test('JSON nesting: 64 levels are parsed, 65 refused with line and column', async () => {
  const nested = (levels) => `{"name": ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
  const ok = await api('POST', '/api/objects/people/entries', { body: nested(64), headers: JSON_CT });
  // The parser took it; the value check refuses an array for a text field.
  assert.equal(ok.status, 422, ok.text);
  assert.match(ok.json.error.message, /^name/);
  const deep = await api('POST', '/api/objects/people/entries', { body: nested(65), headers: JSON_CT });
  assert.equal(deep.status, 400);
  assert.deepEqual(deep.json.error, {
    code: 'bad_json',
    message: 'JSON body: line 1, column 73: nesting deeper than 64 levels',
  });
  const huge = await api('POST', '/api/objects/people/entries', { body: '['.repeat(500000), headers: JSON_CT });
  assert.equal(huge.status, 400);
  assert.match(huge.json.error.message, /line 1, column 65: nesting deeper than 64 levels/);
});

test('malformed JSON is 400 with line and column', async () => {
  const r = await api('POST', '/api/objects/people/entries', {
    body: '{\n  "name": "Ann",\n  "email": \n}', headers: JSON_CT,
  });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'bad_json');
  assert.match(r.json.error.message, /^JSON body: line 4, column 1: /);
  const trailing = await api('POST', '/api/objects/people/entries', { body: '{"name": "A",}', headers: JSON_CT });
  assert.equal(trailing.status, 400);
  assert.match(trailing.json.error.message, /^JSON body: line 1, column \d+: /);
});

// Wait until the server at p answers /api/health.
async function waitHealthy(p, errText) {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await new Promise((resolve, reject) => {
        const s = net.connect(p, '127.0.0.1');
        s.on('error', reject);
        s.on('connect', () => { s.destroy(); resolve(true); });
      });
      if (r) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start: ${errText()}`);
}

// A raw HTTP/1.1 GET on p; the status code.
function rawGet(p, urlPath) {
  return new Promise((resolve, reject) => {
    const s = net.connect(p, '127.0.0.1', () => {
      s.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\n` +
        `Authorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    s.on('data', (d) => { text += d; });
    s.on('error', reject);
    s.on('close', () => resolve(Number((/^HTTP\/1\.1 (\d+)/.exec(text) || [])[1])));
  });
}

test('--timeout 1: a client that sends half a request line is dropped', async () => {
  const p = await freePort();
  let err = '';
  const slow = spawn(KITH, ['serve', '--workspace', dir, '--port', String(p), '--timeout', '1'], { env: env() });
  slow.stderr.on('data', (d) => { err += d; });
  try {
    await waitHealthy(p, () => err);
    const started = Date.now();
    const sock = net.connect(p, '127.0.0.1', () => sock.write('GET /api/health HTT'));
    const closed = new Promise((resolve) => sock.on('close', () => resolve(Date.now() - started)));
    sock.on('error', () => {});
    assert.equal(await rawGet(p, '/api/health'), 200); // others are served meanwhile
    const ms = await Promise.race([closed, new Promise((r) => setTimeout(() => r(-1), 3000))]);
    assert.ok(ms >= 0, 'the half request was not dropped within 3 s');
    assert.ok(ms >= 500, `dropped too early (${ms} ms)`);
    sock.destroy();
  } finally {
    const code = await new Promise((resolve) => {
      slow.on('exit', (c, sig) => resolve(sig || c));
      slow.kill('SIGTERM');
    });
    assert.equal(code, 0, err);
    assert.doesNotMatch(err, SANITIZER);
  }
});

test('--timeout out of 1..3600 is a usage error', async () => {
  for (const bad of ['0', '3601', 'x', '', '-5', '10s']) {
    const code = await new Promise((resolve) => {
      const c = spawn(KITH, ['serve', '--workspace', dir, '--port', '1', '--timeout', bad], { env: env() });
      c.on('exit', (x) => resolve(x));
    });
    assert.equal(code, 2, `--timeout '${bad}'`);
  }
});

test('the request log never holds the token; clean shutdown', async () => {
  const code = await new Promise((resolve) => {
    server.on('exit', (c, sig) => resolve(sig || c));
    server.kill('SIGTERM');
  });
  assert.equal(code, 0, stderr);
  assert.ok(stderr.includes('POST /login'), 'the log saw the logins');
  assert.ok(!stderr.includes(token), 'the token leaked into the log');
  assert.doesNotMatch(stderr, SANITIZER);
});
