// End-to-end tests of the routes of `kith serve` beyond entries (harness copied from server.test.mjs).
// build/san/kith) on a free port with a temporary demo workspace.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KITH = path.resolve(ROOT, process.env.KITH_BIN || 'build/san/kith');
const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

function env() {
  const e = { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: '/nonexistent/kith-test-home' };
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'])
    if (process.env[k]) e[k] = process.env[k];
  return e;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// One request with node:http (so that Host can be set freely).
function request(method, urlPath, { body, headers = {}, token } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token !== undefined) h.Authorization = `Bearer ${token}`;
    const data = body === undefined ? undefined
      : Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
    if (data !== undefined) h['Content-Length'] = Buffer.byteLength(data);
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: h, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try { json = JSON.parse(text); } catch { json = undefined; }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
      });
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

let dir, token, port, server, stderr = '', stdout = '';
const api = (method, p, opts = {}) => request(method, p, { token, ...opts });

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-e2e-'));
  const init = spawnSync(KITH, ['init', '--demo', '--workspace', dir], { env: env(), encoding: 'utf8' });
  assert.equal(init.status, 0, init.stderr);
  token = fs.readFileSync(path.join(dir, 'token'), 'utf8').trim();
  port = await freePort();
  server = spawn(KITH, ['serve', '--workspace', dir, '--port', String(port)], { env: env() });
  server.stdout.on('data', (d) => { stdout += d; });
  server.stderr.on('data', (d) => { stderr += d; });
  for (let i = 0; i < 200; i++) {
    try {
      const r = await api('GET', '/api/health');
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start: ${stderr}`);
});

after(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('routes of later issues answer 501 with the JSON error shape', async () => {
  const routes = [
    ['POST', '/api/chat'], ['GET', '/api/conversations'], ['GET', '/api/conversations/1'],
    ['POST', '/api/approvals/1'], ['GET', '/api/settings'], ['PATCH', '/api/settings'],
    ['GET', '/api/models'], ['GET', '/api/reports'], ['POST', '/api/reports'],
    ['GET', '/api/reports/1/data'],
  ];
  for (const [m, p] of routes) {
    const r = await api(m, p, m === 'GET' ? {} : { body: {} });
    assert.equal(r.status, 501, `${m} ${p}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_implemented');
    assert.equal(typeof r.json.error.message, 'string');
  }
});

test('501 routes still need the token and check the method', async () => {
  assert.equal((await request('GET', '/api/models')).status, 401);
  const r = await api('DELETE', '/api/settings');
  assert.equal(r.status, 405);
  assert.match(r.headers.allow, /GET/);
  assert.match(r.headers.allow, /PATCH/);
});

test('POST /api/objects creates an object (201), refuses a duplicate and a missing name', async () => {
  const c = await api('POST', '/api/objects', { body: { name: 'Vendors' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.slug, 'vendors');
  assert.ok(c.json.fields.some((f) => f.slug === 'name'));
  for (let i = 0; i < 8; i++) assert.equal((await api('GET', '/api/objects/vendors')).status, 200);
  const dup = await api('POST', '/api/objects', { body: { name: 'Vendors' } });
  assert.ok(dup.status >= 400 && dup.status < 500, dup.text);
  assert.equal((await api('POST', '/api/objects', { body: { nom: 1 } })).status, 422);
});

test('GET /api/objects/{obj}/fields', async () => {
  const r = await api('GET', '/api/objects/people/fields');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.fields.some((f) => f.slug === 'email' && f.type === 'email'));
  assert.equal((await api('GET', '/api/objects/nope/fields')).status, 404);
});

test('POST /api/objects/{obj}/fields', async () => {
  await api('POST', '/api/objects', { body: { name: 'Suppliers' } });
  const a = await api('POST', '/api/objects/suppliers/fields',
    { body: { name: 'Tier', type: 'select', options: ['Gold', 'Silver'] } });
  assert.equal(a.status, 201, a.text);
  const tier = a.json.fields.find((f) => f.slug === 'tier');
  assert.deepEqual(tier.options, ['Gold', 'Silver']);
  const b = await api('POST', '/api/objects/suppliers/fields',
    { body: { name: 'Owner', type: 'relation', to: 'people' } });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.fields.find((f) => f.slug === 'owner').target, 'people');
  const bad = await api('POST', '/api/objects/suppliers/fields', { body: { name: 'X', type: 'nope' } });
  assert.equal(bad.status, 422, bad.text);
  assert.equal((await api('POST', '/api/objects/suppliers/fields', { body: { type: 'text' } })).status, 422);
  assert.equal((await api('POST', '/api/objects/nope/fields', { body: { name: 'X', type: 'text' } })).status, 404);
});

test('no sanitizer report', () => {
  assert.doesNotMatch(stderr, SANITIZER);
});
