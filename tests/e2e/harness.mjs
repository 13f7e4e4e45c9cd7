// The e2e harness: each test file that imports it gets the real binary
// ($KITH_BIN, default build/san/kith) serving a fresh demo workspace on a
// free port for the whole file, and request helpers. The exported state is
// a live binding, filled in before the first test.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KITH = path.resolve(ROOT, process.env.KITH_BIN || 'build/san/kith');
export const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

export function env() {
  const e = { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: '/nonexistent/kith-test-home' };
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'])
    if (process.env[k]) e[k] = process.env[k];
  return e;
}

export function freePort() {
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
export function request(method, urlPath, { body, headers = {}, token } = {}) {
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

export let dir, token, port, server, stderr = '', stdout = '';
export const api = (method, p, opts = {}) => request(method, p, { token, ...opts });

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
