// CSV: kith import and kith export (and ls --csv) on real workspaces, with
// the tricky files in tests/fixtures/csv/: a BOM, CRLF and CR line ends,
// quotes, line breaks inside quotes, non-ASCII text, empty lines, ragged
// rows, malformed quoting. An import is one change group that undo
// reverts whole; export then import reproduces the same entries.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { ROOT, withoutTimes, workspace } from './helpers.mjs';

const FIX = path.join(ROOT, 'tests/fixtures/csv');
const fixture = (name) => path.join(FIX, name);
const SUMMARY = /^Imported (\d+) (\w+): (\d+) created, (\d+) updated.* \(change group (\d+); undo with: kith undo \5 --group\)$/m;

function people(ws) {
  return ws.json(['ls', 'people', '--limit', '500']).entries;
}

test('tricky files import with the right values', (t) => {
  const ws = workspace(t);
  const bom = ws.ok(['import', 'people', fixture('bom_crlf.csv')]).stdout;
  assert.match(bom, SUMMARY);
  assert.match(bom, /^Imported 2 people: 2 created, 0 updated/);
  ws.ok(['import', 'people', fixture('quotes.csv')]);
  ws.ok(['import', 'people', fixture('unicode.csv')]);
  ws.ok(['import', 'people', fixture('empty_lines.csv')]);
  ws.ok(['import', 'people', fixture('cr_only.csv')]);
  const got = people(ws).map((e) => [e.name, e.email, e.status, e.title, e.tags]);
  assert.deepEqual(got, [
    ['Ann Lee', 'ann@acme.com', 'Lead', null, null], // "NAME,EMAIL,Status" header, BOM gone
    ['Bob Stone', 'bob@acme.com', 'Customer', null, null],
    ['Lee, Ann', null, null, 'Head of "Ops"', ['vip']],
    ['Bob\nStone', null, null, 'line one\r\nline two', ['vip', 'partner']],
    ['Cleo', null, null, null, null], // the all-empty row "","","" is skipped
    ['Chloé Dubois', null, null, 'Directrice générale', null],
    ['李雷', null, null, '工程师', null],
    ['Zoë 🚀', null, null, 'Astronaut', null],
    ['نور', null, null, 'مهندسة', null],
    ['Ann', 'ann@x.com', null, null, null],
    ['Bob', 'bob@x.com', null, null, null],
    ['Ann', 'ann@x.com', null, null, null],
    ['Bob', 'bob@x.com', null, null, null],
  ]);
});

test('bad rows: nothing imported unless --skip-invalid', (t) => {
  const ws = workspace(t);
  const err = ws.fail(['import', 'people', fixture('bad_rows.csv')], 1);
  assert.equal(err,
    'kith: 3 of 6 rows are invalid, so nothing was imported\n' +
    "  line 3: email: 'bob@' is not an email address\n" +
    "  line 6: status: 'Qualfied' is not one of Lead, Contacted, Qualified, Customer, Churned; did you mean 'Qualified'?\n" +
    '  line 7: name: required\n' +
    'Fix them, or add --skip-invalid to import the other 3 rows.\n');
  assert.equal(people(ws).length, 0);
  assert.deepEqual(ws.sql('select count(*) n from kith_changes'), [{ n: 0 }]);

  const out = ws.ok(['import', 'people', fixture('bad_rows.csv'), '--skip-invalid']).stdout;
  assert.match(out, /^Imported 3 people: 3 created, 0 updated/);
  assert.match(out, /\nSkipped 3 invalid rows:\n  line 3: email: 'bob@' is not an email address\n/);
  assert.deepEqual(people(ws).map((e) => e.name), ['Ann', 'Cleo\nMoss', 'Fay']);

  const json = ws.json(['import', 'people', fixture('bad_rows.csv'), '--skip-invalid']);
  assert.equal(json.object, 'people');
  assert.equal(json.rows, 6);
  assert.equal(json.created, 3);
  assert.equal(json.invalid, 3);
  assert.deepEqual(json.bad_rows.map((b) => b.line), [3, 6, 7]);
  assert.ok(Number.isInteger(json.group));
});

test('ragged rows: fewer cells are empty, more is a bad row', (t) => {
  const ws = workspace(t);
  const err = ws.fail(['import', 'people', fixture('ragged.csv')], 1);
  assert.match(err, /  line 3: 4 values but the header has 3 columns\n/);
  ws.ok(['import', 'people', fixture('ragged.csv'), '--skip-invalid']);
  assert.deepEqual(people(ws).map((e) => [e.name, e.email]), [['Ann', 'ann@x.com'], ['Cleo', null]]);
});

test('malformed CSV is reported with its line', (t) => {
  const ws = workspace(t);
  assert.equal(ws.fail(['import', 'people', fixture('unclosed.csv')], 1),
    'kith: line 4: the quote that opens field 2 is never closed\n');
  assert.match(ws.fail(['import', 'people', fixture('quote_after.csv')], 1),
    /^kith: line 3: text after the closing quote of field 2/);
  assert.match(ws.fail(['import', 'people', fixture('quote_inside.csv')], 1),
    /^kith: line 2: a quote inside field 1, which does not start with one/);
  assert.equal(people(ws).length, 0);
});

test('undo reverts a whole import', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Keep Me']);
  const out = ws.ok(['import', 'people', fixture('unicode.csv')]).stdout;
  const group = out.match(SUMMARY)[5];
  assert.equal(people(ws).length, 5);
  assert.deepEqual(ws.sql(`select distinct actor from kith_changes where group_id = ${group}`),
    [{ actor: 'import' }]);
  ws.ok(['undo', group, '--group']);
  assert.deepEqual(people(ws).map((e) => e.name), ['Keep Me']);
});

test('--map, unknown columns and stdin', (t) => {
  const ws = workspace(t);
  const csv = 'Full Name,Mail,Notes\nAnn Lee,ann@x.com,likes tea\n';
  assert.equal(ws.fail(['import', 'people', '-'], 1, { input: csv }),
    "kith: line 1: people has no field for columns 'Full Name', 'Mail' (did you mean 'email'?), " +
    '\'Notes\'; map them with --map "Column=field" or skip them with --map "Column="\n');
  const out = ws.ok(['import', 'people', '-', '--map', 'Full Name=name,Mail=email,Notes='], { input: csv }).stdout;
  assert.match(out, /^Imported 1 people: 1 created, 0 updated/);
  assert.deepEqual(people(ws).map((e) => [e.name, e.email]), [['Ann Lee', 'ann@x.com']]);
  assert.match(ws.fail(['import', 'people', '-', '--map', 'Nope=name'], 2, { input: csv }),
    /--map: the file has no column 'Nope'/);
  assert.match(ws.fail(['import', 'people', ws.path('missing.csv')], 1), /cannot open .*missing\.csv: No such file/);
  assert.match(ws.fail(['import', 'nope', '-'], 1, { input: csv }), /no object 'nope'|nope/);
});

test('--upsert updates matches instead of adding duplicates', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann Lee', 'email=ann@acme.com', 'status=Lead']);
  const csv = 'email,name,status\nANN@ACME.COM,,Customer\nbob@acme.com,Bob,Lead\n';
  const out = ws.ok(['import', 'people', '-', '--upsert', 'email'], { input: csv }).stdout;
  assert.match(out, /^Imported 2 people: 1 created, 1 updated/);
  assert.deepEqual(people(ws).map((e) => [e.id, e.name, e.status]),
    [[1, 'Ann Lee', 'Customer'], [2, 'Bob', 'Lead']]);
  const dup = ws.fail(['import', 'people', '-', '--upsert', 'email'],
    1, { input: 'email,title\nann@acme.com,CEO\nAnn@Acme.com,CTO\n' });
  assert.match(dup, /line 3: email: 'Ann@Acme.com' is on an earlier row of this file too \(people #1\)/);
  assert.match(ws.fail(['import', 'people', '-', '--upsert', 'status'], 2, { input: csv }),
    /--upsert: status is a select field; entries can be matched on a text, email, phone or url field/);
});

test('relation columns resolve by label; --create-missing creates targets', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  const csv = 'name,company\nAnn,acme inc\nBob,Zeta Corp\n';
  assert.match(ws.fail(['import', 'people', '-'], 1, { input: csv }),
    /line 3: company: no companies entry is named 'Zeta Corp'/);
  const out = ws.ok(['import', 'people', '-', '--create-missing'], { input: csv }).stdout;
  assert.match(out, /^Imported 2 people: 2 created, 0 updated, 1 related entries created \(change group (\d+)/);
  assert.deepEqual(people(ws).map((e) => e.company), [{ id: 1, label: 'Acme Inc' }, { id: 2, label: 'Zeta Corp' }]);
  ws.ok(['undo', out.match(/change group (\d+)/)[1], '--group']);
  assert.deepEqual(ws.json(['ls', 'companies']).entries.map((e) => e.name), ['Acme Inc']);
});

test('export then import into a fresh workspace reproduces the demo', (t) => {
  const demo = workspace(t, { demo: true });
  const fresh = workspace(t);
  for (const object of ['companies', 'people', 'deals', 'tasks']) {
    const csv = demo.ok(['export', object]).stdout;
    fs.writeFileSync(fresh.path(`${object}.csv`), csv);
    fresh.ok(['import', object, fresh.path(`${object}.csv`)]);
    const list = (ws) => withoutTimes(ws.json(['ls', object, '--limit', '500']));
    assert.deepEqual(list(fresh), list(demo), `${object} differ after the round trip`);
  }
  // Export writes text forms: booleans, multi_select lists, relations by label.
  const tasks = demo.ok(['export', 'tasks']).stdout.split('\r\n');
  assert.equal(tasks[0], 'title,due,done,person,deal');
  assert.ok(tasks.some((l) => /,(true|false),/.test(l)));
  const peopleCsv = demo.ok(['export', 'people']).stdout;
  assert.match(peopleCsv, /\r\nAnn Lee,ann\.lee@acme\.com,[^,]*,Acme Inc,/);
});

test('export --where and ls --csv', (t) => {
  const ws = workspace(t, { demo: true });
  const leads = ws.ok(['export', 'people', '--where', 'status = Lead']).stdout.trimEnd().split('\r\n');
  const [{ n }] = ws.sql("select count(*) n from people where status = 'Lead'");
  assert.equal(leads.length - 1, n);
  assert.ok(n > 0 && n < 200);
  assert.ok(leads.slice(1).every((l) => l.includes(',Lead,')));
  assert.match(ws.fail(['export', 'people', '--where', 'stauts = Lead'], 1), /stauts/);
  const ls = ws.ok(['ls', 'people', '--limit', '2', '--csv']).stdout;
  const exp = ws.ok(['export', 'people']).stdout;
  assert.equal(ls, exp.split('\r\n').slice(0, 3).join('\r\n') + '\r\n');
});

test('export pages through more entries than one page, byte for byte', (t) => {
  const ws = workspace(t);
  const statuses = ['Lead', 'Contacted', 'Qualified', 'Customer', 'Churned'];
  let csv = 'name,email,phone,company,title,status,tags,linkedin,last_contacted\r\n';
  for (let i = 1; i <= 1234; i++) {
    const title = i % 7 ? `Title ${i}` : `"Head of ""R&D"", ${i}"`;
    const tags = i % 3 ? 'vip' : '"vip, partner"';
    csv += `Person ${i},p${i}@example.com,,,${title},${statuses[i % 5]},${tags},,2026-01-${String(1 + (i % 28)).padStart(2, '0')}\r\n`;
  }
  const out = ws.ok(['import', 'people', '-'], { input: csv }).stdout;
  assert.match(out, /^Imported 1234 people: 1234 created, 0 updated/);
  assert.equal(ws.ok(['export', 'people']).stdout, csv, 'export writes back the canonical file');
  const leads = ws.ok(['export', 'people', '--where', 'status = Lead']).stdout.trimEnd().split('\r\n');
  assert.equal(leads.length - 1, 246); // i % 5 == 0 for i in 1..1234
  assert.equal(leads[1], 'Person 5,p5@example.com,,,Title 5,Lead,vip,,2026-01-06');
  assert.equal(leads.at(-1).split(',')[0], 'Person 1230');
});
