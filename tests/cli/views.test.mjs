// Saved views: kith views, kith view add / rm, kith ls --view, and what
// the schema does to views (an object's removal, a used field).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FIXED_NOW, workspace } from './helpers.mjs';

function fixture(t) {
  const ws = workspace(t, { env: { KITH_NOW: FIXED_NOW } });
  ws.ok(['add', 'people', 'name=Ann', 'status=Lead', 'tags=vip', 'email=ann@acme.com']);
  ws.ok(['add', 'people', 'name=Bob', 'status=Lead']);
  ws.ok(['add', 'people', 'name=Cy', 'status=Customer', 'tags=vip']);
  return ws;
}

test('view add, views and ls --view', (t) => {
  const ws = fixture(t);
  assert.equal(ws.ok(['views', 'people']).stdout,
    'people has no saved views (save one: kith view add people NAME --where EXPR)\n');
  assert.equal(ws.ok(['view', 'add', 'people', 'Hot leads', '--where', 'status = Lead',
    '--sort', '-name', '--columns', 'name,email']).stdout,
  "Saved view people 'Hot leads' (list it: kith ls people --view 'Hot leads')\n");
  const board = ws.json(['view', 'add', 'people', 'Board', '--kind', 'kanban', '--group-by', 'Status']);
  assert.deepEqual(board, {
    id: 2, object: 'people', name: 'Board', kind: 'kanban', where: null, sort: null,
    columns: null, group_by: 'status', created_at: FIXED_NOW, updated_at: FIXED_NOW,
  });
  const views = ws.json(['views', 'people']);
  assert.deepEqual(views.map((v) => v.name), ['Board', 'Hot leads']);
  assert.deepEqual(views[1].columns, ['name', 'email']);
  const table = ws.ok(['views', 'people']).stdout.split('\n');
  assert.match(table[0], /^VIEW\s+KIND\s+WHERE\s+SORT\s+COLUMNS\s+GROUP_BY$/);
  assert.match(table[2], /^Hot leads\s+table\s+status = Lead\s+-name\s+name, email\s*$/);

  const list = ws.json(['ls', 'people', '--view', 'hot leads']);
  assert.deepEqual(list.entries.map((e) => e.name), ['Bob', 'Ann']);
  assert.equal(list.total, 2);
  const out = ws.ok(['ls', 'people', '--view', 'Hot leads']).stdout;
  assert.equal(out, 'ID  NAME  EMAIL\n 2  Bob\n 1  Ann   ann@acme.com\n2 of 2 people\n');
  assert.deepEqual(ws.json(['ls', 'people', '--view', 'Hot leads', '--where', 'tags ~ vip'])
    .entries.map((e) => e.name), ['Ann'], '--where ANDs with the view');
  assert.deepEqual(ws.json(['ls', 'people', '--view', 'Hot leads', '--sort', 'name'])
    .entries.map((e) => e.name), ['Ann', 'Bob'], '--sort overrides the view');
  assert.equal(ws.sql('select count(*) as n from kith_views')[0].n, 2);
});

test('views are checked when saved', (t) => {
  const ws = fixture(t);
  const cases = [
    [['view', 'add', 'people', 'x', '--where', 'stauts = Lead'],
      "kith: view: where: filter at column 1: unknown field 'stauts'; did you mean 'status'?\n"],
    [['view', 'add', 'people', 'x', '--sort', '-nme'],
      "kith: view: sort: people has no field 'nme'; did you mean 'name'?\n"],
    [['view', 'add', 'people', 'x', '--columns', 'name,emial'],
      "kith: view: columns: people has no field 'emial'; did you mean 'email'?\n"],
    [['view', 'add', 'people', 'x', '--kind', 'grid'],
      "kith: view: kind 'grid' is not table, kanban or calendar\n"],
    [['view', 'add', 'people', 'x', '--kind', 'kanban', '--group-by', 'name'],
      'kith: view: a kanban view needs group_by, a select field of people\n'],
    [['view', 'add', 'people', 'x', '--kind', 'calendar'],
      'kith: view: a calendar view needs group_by, a date or datetime field of people\n'],
    [['view', 'add', 'peple', 'x'], "kith: unknown object 'peple'; did you mean 'people'?\n"],
  ];
  for (const [args, msg] of cases) assert.equal(ws.fail(args, 1), msg);
  ws.ok(['view', 'add', 'people', 'Cal', '--kind', 'calendar', '--group-by', 'last contacted']);
  assert.equal(ws.fail(['view', 'add', 'people', 'CAL'], 1),
    "kith: people already has a view named 'CAL'\n");
  assert.equal(ws.fail(['ls', 'people', '--view', 'nope'], 1),
    "kith: people has no view 'nope' (see: kith views people)\n");
  assert.equal(ws.sql('select count(*) as n from kith_views')[0].n, 1);
});

test('view rm, and the schema keeps views sound', (t) => {
  const ws = fixture(t);
  ws.ok(['view', 'add', 'people', 'Titled', '--where', 'title is not empty']);
  assert.equal(ws.fail(['field', 'rm', 'people', 'title', '--force'], 1),
    "kith: people.title is used by the filter of view 'Titled'; change or remove the view first\n");
  assert.equal(ws.ok(['view', 'rm', 'people', 'titled']).stdout, "Removed view people 'Titled'\n");
  assert.equal(ws.fail(['view', 'rm', 'people', 'titled'], 1),
    "kith: people has no view 'titled' (see: kith views people)\n");
  ws.ok(['field', 'rm', 'people', 'title', '--force']);

  ws.ok(['object', 'add', 'Investors']);
  ws.ok(['view', 'add', 'investors', 'All']);
  ws.ok(['view', 'add', 'people', 'Leads', '--where', 'status = Lead']);
  ws.ok(['object', 'rm', 'investors', '--force']);
  assert.deepEqual(ws.sql('select object, name from kith_views'), [{ object: 'people', name: 'Leads' }]);
});
