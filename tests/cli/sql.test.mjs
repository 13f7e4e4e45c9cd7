// kith sql: read-only SQL as a table, --json or --csv, with injection
// attempts that must be refused and leave the workspace unchanged.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import { workspace } from './helpers.mjs';

// Everything a write could change, read with the sqlite3 shell.
function fingerprint(ws) {
  return JSON.stringify([
    ws.sql('SELECT * FROM people ORDER BY id'),
    ws.sql('SELECT count(*) n, max(id) m FROM kith_changes'),
    ws.sql('SELECT type, name, sql FROM sqlite_master ORDER BY name'),
    ws.sql('PRAGMA user_version'),
    ws.sql('PRAGMA journal_mode'),
  ]);
}

test('sql prints a table, JSON or CSV', (t) => {
  const ws = workspace(t, { demo: true });
  const q = "SELECT id, name, email FROM people WHERE id <= 2 ORDER BY id";
  const lines = ws.ok(['sql', q]).stdout.trimEnd().split('\n');
  assert.match(lines[0], /^ID\s+NAME\s+EMAIL$/);
  assert.match(lines[1], /^ 1\s+Ann Lee\s+ann\.lee@acme\.com$/);
  assert.equal(lines[3], '2 rows');

  const j = ws.json(['sql', q]);
  assert.deepEqual(j.columns, ['id', 'name', 'email']);
  assert.equal(j.rows.length, 2);
  assert.deepEqual(j.rows[0], [1, 'Ann Lee', 'ann.lee@acme.com']);
  assert.equal(j.truncated, false);

  const csv = ws.ok(['sql', "SELECT 'a,b' AS x, NULL AS y, 2.5 AS z", '--csv']).stdout;
  assert.equal(csv, 'x,y,z\r\n"a,b",,2.5\r\n');

  const agg = ws.json(['sql', 'SELECT status, count(*) AS n FROM people GROUP BY status ORDER BY status']);
  assert.equal(agg.rows.reduce((s, r) => s + r[1], 0), 200);
});

test('sql caps rows and says so on stderr', (t) => {
  const ws = workspace(t, { demo: true });
  const r = ws.run(['sql', 'SELECT id FROM people ORDER BY id', '--limit', '5', '--json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.rows, [[1], [2], [3], [4], [5]]);
  assert.equal(j.truncated, true);
  assert.match(r.stderr, /^kith: only the first 5 rows are shown; --limit N shows more/);
  const all = ws.run(['sql', 'SELECT id FROM people', '--json']);
  assert.equal(JSON.parse(all.stdout).rows.length, 200);
  assert.equal(all.stderr, '');
  assert.match(ws.fail(['sql', 'SELECT 1', '--limit', '100001'], 2), /--limit must be at most 100000/);
  assert.match(ws.fail(['sql', 'SELECT 1', '--limit', '0'], 2), /--limit must be a positive whole number/);
});

test('sql stops an endless query at the time limit', (t) => {
  const ws = workspace(t);
  const start = Date.now();
  const err = ws.fail(['sql', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c',
    '--timeout', '0.3'], 1);
  assert.equal(err, 'kith: sql: timed out after 0.3 s\n');
  assert.ok(Date.now() - start < 5000);
  assert.match(ws.fail(['sql', 'SELECT 1', '--timeout', 'soon'], 2), /--timeout must be a number of seconds/);
  assert.match(ws.fail(['sql', 'SELECT 1', '--timeout', '0'], 2), /--timeout/);
  assert.match(ws.fail(['sql', 'SELECT 1', '--timeout', '301'], 2), /at most 300/);
  assert.match(ws.fail(['sql', 'SELECT 1', '--json', '--csv'], 2), /--json or --csv, not both/);
});

test('sql refuses every injection attempt and changes nothing', (t) => {
  const ws = workspace(t, { demo: true });
  const evil = ws.path('evil.db');
  const attempts = [
    ['SELECT 1; DROP TABLE people', /only one statement is allowed; another starts at byte 11/],
    ["SELECT * FROM people WHERE name = ''; DELETE FROM people; --'", /only one statement/],
    ['DELETE FROM people', /DELETE from people is refused/],
    ["UPDATE people SET email = 'x@evil.com'", /UPDATE of people is refused/],
    ["INSERT INTO people (name) VALUES ('Eve')", /INSERT into people is refused/],
    ["WITH x AS (SELECT 'Eve') INSERT INTO people (name) SELECT * FROM x", /INSERT into people is refused/],
    ['DROP TABLE kith_changes', /changing the schema/],
    ['CREATE TEMP TABLE t AS SELECT * FROM people', /changing the schema/],
    ['ALTER TABLE people RENAME TO folks', /refused/],
    [`ATTACH DATABASE '${evil}' AS evil`, /ATTACH .* is refused/],
    [`VACUUM INTO '${evil}'`, /only statements that read/],
    ["SELECT load_extension('/tmp/evil.so')", /load_extension\(\) is refused/],
    ['PRAGMA user_version = 99', /PRAGMA user_version = 99 is refused/],
    ['PRAGMA journal_mode = delete', /PRAGMA journal_mode = delete is refused/],
    ['PRAGMA writable_schema = ON', /PRAGMA writable_schema/],
    ['BEGIN; DELETE FROM people; COMMIT', /BEGIN is refused/],
    ['SAVEPOINT a', /SAVEPOINT is refused/],
    ['VACUUM', /only statements that read/],
    ['SELEC name FROM people', /syntax error \(at byte 1\)/],
  ];
  const before = fingerprint(ws);
  for (const [q, why] of attempts) {
    const err = ws.fail(['sql', q], 1);
    assert.match(err, /^kith: sql: /, q);
    assert.match(err, why, q);
    assert.equal(fingerprint(ws), before, `${q} changed the database`);
  }
  assert.equal(fs.existsSync(evil), false, 'no attached or vacuumed file was made');
  // The workspace still writes normally afterwards.
  ws.ok(['set', 'people', '1', 'title=Still fine']);
  assert.deepEqual(ws.json(['sql', 'SELECT title FROM people WHERE id = 1']).rows, [['Still fine']]);
});

test('sql needs exactly one query', (t) => {
  const ws = workspace(t);
  assert.match(ws.fail(['sql'], 2), /missing arguments/);
  assert.match(ws.fail(['sql', 'SELECT 1', 'SELECT 2'], 2), /too many arguments/);
  assert.match(ws.fail(['sql', '  -- only a comment'], 1), /no statement given/);
});
