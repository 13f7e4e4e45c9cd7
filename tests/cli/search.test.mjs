// Full-text search: kith search TEXT... [--limit N] [--json] and kith reindex.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { workspace } from './helpers.mjs';

test('search finds entries by prefix, without accents, grouped by object', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Anneliese Brandt', 'email=ab@kestrel.io']);
  ws.ok(['add', 'people', 'name=José Müller', 'title=Kestrel advisor']);
  ws.ok(['add', 'companies', 'name=Kestrel Labs']);

  const r = ws.json(['search', 'ann']);
  assert.equal(r.query, 'ann');
  assert.equal(r.total, 1);
  assert.deepEqual(r.groups.map((g) => [g.object, g.name, g.hits.map((h) => h.id)]),
    [['people', 'People', [1]]]);
  const hit = r.groups[0].hits[0];
  assert.deepEqual(Object.keys(hit), ['id', 'label', 'snippet', 'score']);
  assert.equal(hit.label, 'Anneliese Brandt');
  assert.equal(hit.snippet, '[Anneliese] Brandt');
  assert.ok(hit.score > 0);

  assert.equal(ws.json(['search', 'jose', 'muller']).total, 1);
  assert.equal(ws.json(['search', 'JOSÉ']).groups[0].hits[0].label, 'José Müller');

  // Label hits first: the company is named Kestrel, the people only mention it.
  const k = ws.json(['search', 'kestrel']);
  assert.equal(k.total, 3);
  assert.deepEqual(k.groups.map((g) => g.object), ['companies', 'people']);

  const lines = ws.ok(['search', 'kestrel']).stdout.trimEnd().split('\n');
  assert.match(lines[0], /^OBJECT\s+ID\s+LABEL\s+MATCH$/);
  assert.match(lines[1], /^companies\s+1\s+Kestrel Labs\s+\[Kestrel\] Labs$/);
  assert.match(lines[2], /^people\s+\d\s+/);
  assert.match(lines[3], /^\s+\d\s+/, 'the object is named once per group');
  assert.equal(lines[4], '3 of 3 matches');
  const col = lines[0].indexOf('LABEL');
  assert.equal(lines[1].indexOf('Kestrel Labs'), col, 'columns align');
});

test('search --limit caps the hits, not the total; no match is not an error', (t) => {
  const ws = workspace(t);
  for (let i = 0; i < 4; i++) ws.ok(['add', 'tasks', `title=Call Nova ${i}`]);
  const r = ws.json(['search', 'nova', '--limit', '2']);
  assert.equal(r.total, 4);
  assert.equal(r.groups[0].hits.length, 2);
  assert.match(ws.ok(['search', 'nova', '--limit', '2']).stdout, /\n2 of 4 matches\n$/);
  assert.equal(ws.ok(['search', 'zzzz']).stdout, "No matches for 'zzzz'\n");
  assert.deepEqual(ws.json(['search', 'zzzz']), { query: 'zzzz', groups: [], total: 0 });
  assert.match(ws.fail(['search', 'x', '--limit', '0'], 2), /--limit must be a positive whole number/);
  assert.match(ws.fail(['search', 'x', '--limit', '5000'], 1), /search: limit must be between 1 and 1000, not 5000/);
  assert.match(ws.fail(['search'], 2), /usage: kith search/);
});

test('search text is never FTS syntax', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann Lee', 'title=near label body']);
  const finds = ['"ann', 'ann)', '((ann', 'ann*', 'NEAR(ann lee)', 'label:ann', '{label body}: ann',
    "'ann'", '^ann', 'ann";--', 'ann 😀'];
  // -- ends the options, so a text may start with '-'; --json goes before it.
  for (const q of finds) assert.equal(JSON.parse(ws.ok(['search', '--json', '--', q]).stdout).total, 1, q);
  const none = ['"', '*', '-', '--x', '(', ')', '"*"', 'AND', 'OR ann', 'NOT ann', 'ann NEAR/2 zzz', ':', '{}',
    'ann"; DROP TABLE people; --'];
  for (const q of none) {
    const r = ws.run(['search', '--json', '--', q]);
    assert.equal(r.code, 0, `${q}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).total, 0, q);
  }
  assert.match(ws.fail(['search', Buffer.from([0x61, 0xff])], 1), /search: the text is not valid UTF-8/);
  assert.match(ws.fail(['search', 'a'.repeat(1001)], 1), /the text is 1001 bytes; at most 1000/);
  assert.equal(ws.sql('select count(*) as n from people')[0].n, 1, 'nothing was dropped');
});

test('the index follows set, rm and undo; reindex rebuilds it exactly', (t) => {
  const ws = workspace(t, { demo: true });
  ws.ok(['add', 'people', 'name=Zora Quill', 'tags=vip']);
  ws.ok(['set', 'people', '201', 'name=Zora Quillfeather']);
  assert.equal(ws.json(['search', 'quillfeather']).total, 1);
  const rm = ws.ok(['rm', 'people', '201']).stdout;
  assert.equal(ws.json(['search', 'zora']).total, 0);
  ws.ok(['undo', rm.match(/kith undo (\d+)/)[1]]);
  assert.equal(ws.json(['search', 'zora']).total, 1);

  const dump = 'select rowid, label, body from kith_search order by rowid';
  const before = ws.sql(dump);
  assert.equal(before.length, 371);
  assert.equal(ws.ok(['reindex']).stdout, 'Reindexed 371 entries\n');
  assert.deepEqual(ws.sql(dump), before);
  ws.sql('delete from kith_search');
  assert.equal(ws.json(['search', 'zora']).total, 0);
  assert.deepEqual(ws.json(['reindex']), { reindexed: 371 });
  assert.deepEqual(ws.sql(dump), before);
  assert.equal(ws.sql('pragma integrity_check')[0].integrity_check, 'ok');
});

test('removing a field or an object takes its text out of the index', (t) => {
  const ws = workspace(t);
  ws.ok(['object', 'add', 'Investors']);
  ws.ok(['field', 'add', 'investors', 'Notes', 'long_text']);
  ws.ok(['add', 'investors', 'name=Northwind', 'notes=secretword']);
  assert.equal(ws.json(['search', 'secretword']).total, 1);
  ws.ok(['field', 'rm', 'investors', 'notes', '--force']);
  assert.equal(ws.json(['search', 'secretword']).total, 0);
  assert.equal(ws.json(['search', 'northwind']).total, 1);
  ws.ok(['object', 'rm', 'investors', '--force']);
  assert.equal(ws.json(['search', 'northwind']).total, 0);
  assert.equal(ws.sql('select count(*) as n from kith_search')[0].n, 0);
});

test('a workspace from before the search index gets it filled on first open', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Anneliese Brandt']);
  ws.ok(['add', 'companies', 'name=Kestrel Labs']);
  // Turn the file back into schema 1: no search index, views or documents.
  ws.sql('DROP TABLE kith_search; DROP TABLE kith_views; DROP TABLE kith_documents; ' +
    'DROP TABLE kith_reports; DROP TABLE kith_messages; DROP TABLE kith_turns; ' +
    'DROP TABLE kith_conversations; PRAGMA user_version = 1');
  assert.deepEqual(ws.sql('PRAGMA user_version'), [{ user_version: 1 }]);
  const r = ws.json(['search', 'kestrel']);
  assert.equal(r.total, 1);
  assert.equal(r.groups[0].hits[0].label, 'Kestrel Labs');
  assert.equal(ws.json(['search', 'anneliese']).total, 1);
  assert.deepEqual(ws.sql('PRAGMA user_version'), [{ user_version: 4 }]);
});
