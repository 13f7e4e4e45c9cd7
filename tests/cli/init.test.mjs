// kith init, the workspace files, demo data, version, and refusing a
// workspace written by a newer kith.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { FIXED_NOW, run, snapshot, sql, tmpDir, withoutTimes, workspace } from './helpers.mjs';

const FILES = ['kith.db', 'config.json', 'token', 'secrets.env', 'SOUL.md', 'USER.md', 'MEMORY.md'];

const mode = (p) => fs.statSync(p).mode & 0o777;

test('init creates every workspace file, secrets private', (t) => {
  const ws = workspace(t, { init: false });
  const r = ws.ok(['init']);
  assert.match(r.stdout, new RegExp(`^Created workspace ${ws.dir}\\n`));
  for (const f of FILES)
    assert.ok(fs.statSync(ws.path(f)).size > 0, `${f} exists and is not empty`);
  assert.equal(mode(ws.path('token')), 0o600);
  assert.equal(mode(ws.path('secrets.env')), 0o600);

  const token = fs.readFileSync(ws.path('token'), 'utf8');
  assert.match(token, /^[0-9a-f]{64}\n$/, 'token is 32 random bytes in hex');
  const config = JSON.parse(fs.readFileSync(ws.path('config.json'), 'utf8'));
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.server.port, 3100);
  assert.doesNotMatch(fs.readFileSync(ws.path('config.json'), 'utf8'), /KEY|token/i,
    'config.json holds no secrets');
  assert.doesNotMatch(fs.readFileSync(ws.path('secrets.env'), 'utf8'), /^[A-Z_]+=./m,
    'secrets.env starts without any key set');

  // The database is plain SQLite in WAL mode with the default objects.
  assert.deepEqual(sql(ws.db, 'PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
  assert.deepEqual(sql(ws.db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  const objects = sql(ws.db, 'SELECT slug FROM kith_objects ORDER BY slug').map((o) => o.slug);
  assert.deepEqual(objects, ['companies', 'deals', 'people', 'tasks']);
  assert.deepEqual(sql(ws.db, 'SELECT count(*) AS n FROM people'), [{ n: 0 }]);
});

test('two workspaces get different tokens', (t) => {
  const a = workspace(t);
  const b = workspace(t);
  assert.notEqual(fs.readFileSync(a.path('token'), 'utf8'), fs.readFileSync(b.path('token'), 'utf8'));
});

test('init again says it exists and changes nothing', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann Lee']);
  fs.writeFileSync(ws.path('USER.md'), 'I sell boats.\n');
  const before = snapshot(ws.dir);
  for (const args of [['init'], ['init', '--demo']]) {
    const r = ws.ok(args);
    assert.equal(r.stdout, `Workspace ${ws.dir} already exists; nothing changed.\n`);
  }
  assert.deepEqual(snapshot(ws.dir), before);
  assert.equal(ws.json(['ls', 'people']).total, 1, '--demo does not fill an existing workspace');
  assert.deepEqual(ws.json(['init']), { workspace: ws.dir, created: false });
});

test('init restores a missing file without touching the others', (t) => {
  const ws = workspace(t);
  const token = fs.readFileSync(ws.path('token'), 'utf8');
  fs.rmSync(ws.path('SOUL.md'));
  assert.deepEqual(ws.json(['init']), { workspace: ws.dir, created: true });
  assert.ok(fs.readFileSync(ws.path('SOUL.md'), 'utf8').startsWith('# Soul'));
  assert.equal(fs.readFileSync(ws.path('token'), 'utf8'), token);
});

test('init creates a missing directory; --workspace beats KITH_HOME beats HOME', (t) => {
  const dir = tmpDir(t);
  const ws = path.join(dir, 'nested', 'ws');
  fs.mkdirSync(path.dirname(ws));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const other = path.join(dir, 'other');

  let r = run(['init', '--json', '--workspace', ws], { env: { KITH_HOME: other, HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { workspace: ws, created: true });
  assert.ok(fs.existsSync(path.join(ws, 'kith.db')));
  assert.ok(!fs.existsSync(other));

  r = run(['init', `--workspace=${other}`], { env: { HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(other, 'kith.db')), '--workspace=DIR works too');

  r = run(['init'], { env: { KITH_HOME: other, HOME: home } });
  assert.match(r.stdout, /already exists/);

  r = run(['init'], { env: { KITH_HOME: undefined, HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(home, '.kith', 'kith.db')), 'default is ~/.kith');
});

test('commands other than init need an existing workspace', (t) => {
  const ws = workspace(t, { init: false });
  const err = ws.fail(['ls', 'people'], 1);
  assert.match(err, /no workspace at .* \(create one with: kith init\)/);
  assert.ok(!fs.existsSync(ws.db), 'a failed command does not create kith.db');
});

test('--demo fills the documented sample', (t) => {
  const ws = workspace(t, { demo: true });
  const { objects } = ws.json(['objects']);
  const counts = Object.fromEntries(objects.map((o) => [o.slug, o.entries]));
  assert.deepEqual(counts, { companies: 50, people: 200, deals: 80, tasks: 40 });

  // The fixtures other tests and the tour rely on.
  const acme = ws.json(['get', 'companies', '1']);
  assert.equal(acme.name, 'Acme Inc');
  assert.equal(acme.domain, 'acme.com');
  const ann = ws.json(['get', 'people', '1']);
  assert.equal(ann.name, 'Ann Lee');
  assert.equal(ann.email, 'ann.lee@acme.com');
  assert.deepEqual(ann.company, { id: 1, label: 'Acme Inc' });
  const deal = ws.json(['get', 'deals', '1']);
  assert.deepEqual(deal.company, { id: 1, label: 'Acme Inc' });
  assert.deepEqual(deal.contact, { id: 1, label: 'Ann Lee' });

  // Every deal stage appears; the data is readable with plain SQL.
  const stages = sql(ws.db, 'SELECT DISTINCT stage FROM deals ORDER BY stage').map((r) => r.stage);
  assert.deepEqual(stages, ['Closed Lost', 'Closed Won', 'Lead', 'Negotiation', 'Proposal', 'Qualified']);
  const people = ws.json(['ls', 'people', '--limit', '1000']).entries;
  const leads = sql(ws.db, "SELECT name, email FROM people WHERE status = 'Lead' ORDER BY id");
  assert.deepEqual(leads, people.filter((p) => p.status === 'Lead').map((p) => ({ name: p.name, email: p.email })));
  assert.ok(leads.length > 0);
  assert.deepEqual(sql(ws.db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
});

test('--demo is deterministic', (t) => {
  const env = { KITH_NOW: FIXED_NOW };
  const a = workspace(t, { demo: true, env });
  const b = workspace(t, { demo: true, env });
  const c = workspace(t, { demo: true }); // real clock
  const list = (ws) => ws.ok(['ls', 'people', '--json', '--limit', '1000']).stdout;
  assert.equal(list(a), list(b), 'byte-identical with a fixed clock');
  assert.equal(JSON.parse(list(a)).entries[0].created_at, FIXED_NOW);
  assert.deepEqual(withoutTimes(JSON.parse(list(c))), withoutTimes(JSON.parse(list(a))),
    'identical apart from timestamps with the real clock');
  for (const o of ['companies', 'deals', 'tasks'])
    assert.equal(a.ok(['ls', o, '--json', '--limit', '1000']).stdout,
      b.ok(['ls', o, '--json', '--limit', '1000']).stdout, o);
});

test('version', (t) => {
  const ws = workspace(t, { init: false });
  const r = ws.ok(['version']);
  assert.match(r.stdout, /^kith \d+\.\d+\.\d+ \(schema \d+\)\n$/);
  assert.equal(ws.ok(['--version']).stdout, r.stdout);
  const j = ws.json(['version']);
  assert.match(j.version, /^\d+\.\d+\.\d+$/);
  assert.ok(Number.isInteger(j.schema) && j.schema >= 1);
  assert.ok(!fs.existsSync(ws.db), 'version needs no workspace');
});

test('a workspace written by a newer kith is refused untouched', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann Lee']);
  sql(ws.db, 'PRAGMA user_version = 999');
  const before = snapshot(ws.dir);
  for (const args of [['ls', 'people'], ['objects'], ['add', 'people', 'name=Bob'],
    ['field', 'add', 'people', 'Nickname', 'text'], ['log'], ['undo', '1'], ['get', 'people', '1']]) {
    const err = ws.fail(args, 1);
    assert.match(err, /newer/, `${args.join(' ')}: ${err}`);
    assert.match(err, /999/);
  }
  assert.deepEqual(snapshot(ws.dir), before, 'every file is byte-identical');
  assert.deepEqual(sql(ws.db, 'PRAGMA user_version'), [{ user_version: 999 }]);
});

test('a file that is not a database is refused', (t) => {
  const ws = workspace(t);
  fs.writeFileSync(ws.db, 'this is not sqlite, just text '.repeat(100));
  const before = snapshot(ws.dir);
  const err = ws.fail(['ls', 'people'], 1);
  assert.match(err, /not a (kith )?database/);
  assert.deepEqual(snapshot(ws.dir), before);
});
