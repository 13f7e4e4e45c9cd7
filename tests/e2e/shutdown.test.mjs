// Graceful shutdown of `kith serve` with work in flight: an open event
// stream ends, a half-sent import is rolled back, the process exits 0 and
// the workspace is intact.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { test } from 'node:test';

import { KITH, SANITIZER, api, dir, env, port, server, stderr, token } from './harness.mjs';

test('SIGTERM ends streams, rolls back a half-sent import and exits cleanly', async () => {
  const kept = await api('POST', '/api/objects/people/entries', { body: { name: 'Before The Stop' } });
  assert.equal(kept.status, 201);

  // An event stream that stays open.
  const streamEnded = new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/api/events', headers: { Authorization: `Bearer ${token}` }, agent: false },
      (res) => { res.resume(); res.on('end', () => resolve('end')); res.on('error', () => resolve('error')); })
      .on('error', reject);
  });
  // An import whose body never ends.
  const upload = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/objects/people/import',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' }, agent: false });
  const uploadDone = new Promise((resolve) => {
    upload.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    upload.on('error', () => resolve('closed'));
  });
  upload.write('name,email\n');
  for (let i = 0; i < 500; i++) upload.write(`Half Import ${i},half${i}@example.com\n`);
  await new Promise((r) => setTimeout(r, 500));

  const t0 = Date.now();
  const exited = new Promise((resolve) => server.on('exit', (c, sig) => resolve(sig || c)));
  server.kill('SIGTERM');
  assert.equal(await streamEnded, 'end');
  const up = await uploadDone;
  assert.ok(up === 'closed' || up >= 500, `upload answered ${up}`);
  assert.equal(await exited, 0, stderr);
  assert.ok(Date.now() - t0 < 5000, 'took too long to stop');
  assert.match(stderr, /kith: stopping \(SIGTERM\)/);
  assert.doesNotMatch(stderr, SANITIZER);

  const ls = spawnSync(KITH, ['ls', 'people', '--where', 'name ~ "Import"', '--json', '--workspace', dir],
    { env: env(), encoding: 'utf8' });
  assert.equal(ls.status, 0, ls.stderr);
  assert.equal(JSON.parse(ls.stdout).total, 0, 'rows of the half import were kept');
  const one = spawnSync(KITH, ['get', 'people', String(kept.json.id), '--json', '--workspace', dir],
    { env: env(), encoding: 'utf8' });
  assert.equal(one.status, 0, one.stderr);
  assert.equal(JSON.parse(one.stdout).name, 'Before The Stop');
  const check = spawnSync(KITH, ['sql', 'SELECT integrity_check FROM pragma_integrity_check', '--json', '--workspace', dir],
    { env: env(), encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(JSON.parse(check.stdout).rows, [['ok']]);
  upload.destroy();
});
