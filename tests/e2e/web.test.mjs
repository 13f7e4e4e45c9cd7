// The web UI's embedded files: served without a token, with their content
// types, the security headers and a Cache-Control; unknown files are 404;
// the pages keep every script and style in files (the CSP allows no
// inline ones), while every /api/ route still needs the token.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, request } from './harness.mjs';

const CSP = /default-src 'self'; script-src 'self'/;

test('GET / and /index.html answer the app page with the security headers', async () => {
  for (const p of ['/', '/index.html']) {
    const r = await request('GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(r.headers['content-security-policy'], CSP);
    assert.doesNotMatch(r.headers['content-security-policy'], /unsafe-inline/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.text, fs.readFileSync(path.join(ROOT, 'web/index.html'), 'utf8'));
  }
});

test('GET /login answers the login page; POST /login still logs in', async () => {
  const r = await request('GET', '/login');
  assert.equal(r.status, 200);
  assert.match(r.text, /<label for="token">Token<\/label>/);
  const bad = await request('POST', '/login', { body: { token: 'nope' } });
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.message, 'wrong token');
});

test('every file of web/ is served under /assets/ with its content type', async () => {
  const types = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
    '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml' };
  const files = fs.readdirSync(path.join(ROOT, 'web'));
  assert.ok(files.includes('app.js') && files.includes('style.css'));
  for (const f of files) {
    const r = await request('GET', `/assets/${f}`);
    assert.equal(r.status, 200, f);
    assert.equal(r.headers['content-type'], types[path.extname(f)], f);
    assert.equal(r.text, fs.readFileSync(path.join(ROOT, 'web', f), 'utf8'), f);
  }
});

test('unknown files are 404 with a message; paths cannot leave web/', async () => {
  for (const p of ['/assets/nope.js', '/assets/..%2FMakefile', '/assets/', '/nope.html']) {
    const r = await request('GET', p);
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'not_found', p);
  }
  const r = await request('GET', '/assets/nope.js');
  assert.match(r.json.error.message, /no file 'nope\.js' in the web UI/);
  assert.equal((await request('POST', '/assets/app.js')).status, 405);
});

test('the pages have no inline script or style (the CSP would block them)', async () => {
  for (const p of ['/', '/login']) {
    const { text } = await request('GET', p);
    for (const tag of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
      assert.match(tag[0], /\bsrc="\/assets\/[\w.-]+\.js"/, `${p}: ${tag[0]}`);
      assert.equal(tag[1].trim(), '', `${p}: inline script`);
    }
    assert.doesNotMatch(text, /<style\b|\sstyle=|\son[a-z]+=/i, p);
  }
});

test('the static files need no token, but /api/ still does', async () => {
  assert.equal((await request('GET', '/assets/app.js')).status, 200);
  const r = await request('GET', '/api/objects');
  assert.equal(r.status, 401);
});
