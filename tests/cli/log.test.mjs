// The change log and undo: kith log [OBJECT [ID]] and kith undo [--group].
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FIXED_NOW, workspace } from './helpers.mjs';

const CHANGE_KEYS = ['id', 'at', 'actor', 'object', 'entry_id', 'op', 'before', 'after', 'group_id'];

test('log lists changes newest first, by user', (t) => {
  const ws = workspace(t, { env: { KITH_NOW: FIXED_NOW } });
  ws.ok(['add', 'people', 'name=Ann', 'status=Lead']);
  ws.ok(['set', 'people', '1', 'title=CEO', 'status=Customer']);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['rm', 'people', '1']);

  const log = ws.json(['log']);
  assert.deepEqual(log.map((c) => [c.id, c.op, c.object, c.entry_id]), [
    [4, 'delete', 'people', 1],
    [3, 'create', 'companies', 1],
    [2, 'update', 'people', 1],
    [1, 'create', 'people', 1],
  ]);
  for (const c of log) {
    assert.deepEqual(Object.keys(c), CHANGE_KEYS);
    assert.equal(c.actor, 'user');
    assert.equal(c.at, FIXED_NOW);
    assert.equal(c.group_id, c.id, 'each command is its own group');
  }
  assert.deepEqual(log[3].before, null);
  assert.deepEqual(log[3].after, { id: 1, created_at: FIXED_NOW, name: 'Ann', status: 'Lead' });
  assert.deepEqual(log[2].before, { title: null, status: 'Lead' });
  assert.deepEqual(log[2].after, { title: 'CEO', status: 'Customer' });
  assert.equal(log[0].after, null);
  assert.equal(log[0].before.title, 'CEO');

  const lines = ws.ok(['log']).stdout.trimEnd().split('\n');
  assert.match(lines[0], /^CHANGE\s+AT\s+ACTOR\s+OP\s+ENTRY\s+WHAT$/);
  assert.match(lines[1], /^\s+4\s+2026-11-26 09:00:00\s+user\s+delete\s+people #1\s+Ann$/);
  assert.match(lines[3], /^\s+2\s+.*update\s+people #1\s+title: \(empty\) -> CEO; status: Lead -> Customer$/);
  assert.equal(lines.length, 5);

  // A change that changes nothing is not recorded.
  ws.ok(['add', 'people', 'name=Bob', 'title=CTO']);
  ws.ok(['set', 'people', '2', 'title=CTO']);
  ws.ok(['set', 'people', '2', 'Title=cto']); // a different value: recorded
  assert.equal(ws.json(['log']).length, 6);
});

test('log by object, by entry, with --limit', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann']);
  ws.ok(['add', 'people', 'name=Bob']);
  ws.ok(['add', 'companies', 'name=Acme']);
  for (const title of ['a', 'b', 'c']) ws.ok(['set', 'people', '2', `title=${title}`]);

  assert.deepEqual(ws.json(['log', 'people']).map((c) => c.id), [6, 5, 4, 2, 1]);
  assert.deepEqual(ws.json(['log', 'People', '2']).map((c) => c.id), [6, 5, 4, 2]);
  assert.deepEqual(ws.json(['log', 'companies']).map((c) => c.id), [3]);
  assert.deepEqual(ws.json(['log', '--limit', '2']).map((c) => c.id), [6, 5]);
  assert.deepEqual(ws.json(['log', 'people', '1', '--limit', '5']).map((c) => c.id), [1]);
  assert.deepEqual(ws.json(['log', 'tasks']), []);
  assert.equal(ws.ok(['log', 'tasks']).stdout, 'CHANGE  AT  ACTOR  OP  ENTRY  WHAT\n');

  assert.match(ws.fail(['log', 'peple'], 1), /unknown object 'peple'; did you mean 'people'\?/);
  assert.match(ws.fail(['log', 'people', 'x'], 2), /ID must be a positive whole number/);
  assert.match(ws.fail(['log', '--limit', '0'], 2), /--limit must be a positive whole number/);
  assert.match(ws.fail(['log', 'people', '1', '2'], 2), /too many arguments/);
});

test('undo a create, an update and a delete', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  const ann = ws.json(['add', 'people', 'name=Ann', 'title=CEO', 'tags=vip,event', 'company=1',
    'last_contacted=2026-05-01']);
  ws.ok(['add', 'people', 'name=Bob']);

  // update (change 4)
  ws.ok(['set', 'people', '1', 'title=CTO', 'status=Lead']);
  assert.equal(ws.ok(['undo', '4']).stdout, 'Undid change #4\n');
  let now = ws.json(['get', 'people', '1']);
  assert.equal(now.title, 'CEO');
  assert.equal(now.status, null);

  // create (change 3, Bob): the entry goes
  assert.deepEqual(ws.json(['undo', '3']), { undone: 3 });
  assert.match(ws.fail(['get', 'people', '2'], 1), /there is no people entry #2/);

  // delete: back with the same id, values and created_at
  const rm = ws.json(['rm', 'people', '1']);
  assert.equal(ws.json(['ls', 'people']).total, 0);
  ws.ok(['undo', String(rm.change)]);
  now = ws.json(['get', 'people', '1']);
  const { updated_at: _u1, ...was } = ann;
  const { updated_at: _u2, ...back } = now;
  assert.deepEqual(back, was);

  // A new entry never reuses the id of a deleted one.
  ws.ok(['rm', 'people', '1']);
  assert.equal(ws.json(['add', 'people', 'name=Cy']).id, 3);
});

test('undo is recorded, and can itself be undone', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann', 'title=CEO']);
  ws.ok(['set', 'people', '1', 'title=CTO']); // change 2
  ws.ok(['undo', '2']); // change 3: title back to CEO
  let log = ws.json(['log']);
  assert.equal(log.length, 3);
  assert.deepEqual([log[0].op, log[0].actor, log[0].before, log[0].after],
    ['update', 'user', { title: 'CTO' }, { title: 'CEO' }]);
  ws.ok(['undo', '3']); // redo
  assert.equal(ws.json(['get', 'people', '1']).title, 'CTO');

  ws.ok(['undo', '1']); // undo the create: a delete, recorded
  log = ws.json(['log']);
  assert.equal(log[0].op, 'delete');
  ws.ok(['undo', String(log[0].id)]);
  assert.equal(ws.json(['get', 'people', '1']).title, 'CTO');
});

test('deleting a company clears people.company; undo brings both back', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']); // 1
  ws.ok(['add', 'companies', 'name=Globex']); // 2
  ws.ok(['add', 'people', 'name=Ann', 'company=Acme Inc']); // 3
  ws.ok(['add', 'people', 'name=Bob', 'company=Acme Inc']); // 4
  ws.ok(['add', 'people', 'name=Cy', 'company=Globex']); // 5
  ws.ok(['add', 'deals', 'name=Big', 'company=1', 'contact=Ann']); // 6

  const out = ws.ok(['rm', 'companies', '1']).stdout;
  const deleteId = Number(out.match(/kith undo (\d+)/)[1]);
  const company = (id) => ws.json(['get', 'people', String(id)]).company;
  assert.equal(company(1), null);
  assert.equal(company(2), null);
  assert.deepEqual(company(3), { id: 2, label: 'Globex' }, 'other companies untouched');
  assert.equal(ws.json(['get', 'deals', '1']).company, null);
  assert.deepEqual(ws.sql('SELECT count(*) AS n FROM people WHERE company IS NULL'), [{ n: 2 }]);

  // The clearing is in the log as updates by the user, in the delete's group.
  const log = ws.json(['log', '--limit', '4']);
  assert.equal(log[0].id, deleteId);
  assert.equal(log[0].op, 'delete');
  const cleared = log.slice(1).filter((c) => c.group_id === log[0].group_id);
  assert.equal(cleared.length, 3);
  for (const c of cleared) {
    assert.equal(c.op, 'update');
    assert.equal(c.actor, 'user');
    assert.deepEqual(c.after, { company: null });
    assert.deepEqual(c.before, { company: 1 });
  }
  assert.deepEqual(cleared.map((c) => `${c.object} #${c.entry_id}`).sort(),
    ['deals #1', 'people #1', 'people #2']);
  assert.match(ws.ok(['log']).stdout, /update\s+people #1\s+company: 1 -> \(empty\)/);

  ws.ok(['undo', String(deleteId)]);
  assert.deepEqual(ws.json(['get', 'companies', '1']).name, 'Acme Inc');
  assert.deepEqual(company(1), { id: 1, label: 'Acme Inc' });
  assert.deepEqual(company(2), { id: 1, label: 'Acme Inc' });
  assert.deepEqual(company(3), { id: 2, label: 'Globex' });
  assert.deepEqual(ws.json(['get', 'deals', '1']).company, { id: 1, label: 'Acme Inc' });
  assert.deepEqual(ws.sql('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
});

test('undoing a delete keeps relations that were set since', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['add', 'companies', 'name=Globex']);
  ws.ok(['add', 'people', 'name=Ann', 'company=1']);
  ws.ok(['add', 'people', 'name=Bob', 'company=1']);
  ws.ok(['add', 'people', 'name=Cy', 'company=1']);
  const rm = ws.json(['rm', 'companies', '1']);
  ws.ok(['set', 'people', '1', 'company=Globex']); // moved on since
  ws.ok(['rm', 'people', '3']); // gone since
  ws.ok(['undo', String(rm.change)]);
  assert.deepEqual(ws.json(['get', 'people', '1']).company, { id: 2, label: 'Globex' });
  assert.deepEqual(ws.json(['get', 'people', '2']).company, { id: 1, label: 'Acme Inc' });
  assert.match(ws.fail(['get', 'people', '3'], 1), /there is no people entry #3/);
});

test('undo --group reverts a whole group', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['add', 'people', 'name=Ann', 'company=1']);
  ws.ok(['add', 'people', 'name=Bob', 'company=1']);
  const rm = ws.json(['rm', 'companies', '1']);
  const group = ws.json(['log', '--limit', '1'])[0].group_id;
  assert.ok(group < rm.change, 'the group starts with the first cleared relation');

  // Any change of the group names it: here the delete, its last change.
  assert.equal(ws.ok(['undo', String(rm.change), '--group']).stdout, `Undid change group #${group}\n`);
  assert.equal(ws.json(['get', 'companies', '1']).name, 'Acme Inc');
  for (const id of ['1', '2'])
    assert.deepEqual(ws.json(['get', 'people', id]).company, { id: 1, label: 'Acme Inc' });

  // The undo is one group too: undoing it deletes the company again.
  const undoGroup = ws.json(['log', '--limit', '1'])[0].group_id;
  assert.deepEqual(ws.json(['undo', '--group', String(undoGroup)]), { undone_group: undoGroup });
  assert.match(ws.fail(['get', 'companies', '1'], 1), /there is no companies entry #1/);
  assert.equal(ws.json(['get', 'people', '1']).company, null);

  assert.match(ws.fail(['undo', '--group', '999'], 1), /there is no change #999/);
});

test('undo refusals leave everything as it was', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann']);
  ws.ok(['rm', 'people', '1']); // change 2
  const before = ws.ok(['log', '--json']).stdout;

  assert.equal(ws.fail(['undo', '999'], 1), 'kith: there is no change #999\n');
  // Undoing the create again: the entry is already gone.
  assert.match(ws.fail(['undo', '1'], 1), /^kith: cannot undo change #1: there is no people entry #1\n$/);
  ws.ok(['undo', '2']);
  // The delete was undone once; a second time it conflicts.
  assert.match(ws.fail(['undo', '2'], 1), /cannot undo change #2: people entry #1 already exists/);
  assert.equal(ws.json(['log']).length, JSON.parse(before).length + 1);

  ws.ok(['object', 'add', 'Teams']);
  ws.ok(['add', 'teams', 'name=Core']);
  const id = ws.json(['log', '--limit', '1'])[0].id;
  ws.ok(['object', 'rm', 'teams', '--force']);
  assert.match(ws.fail(['undo', String(id)], 1), /object 'teams', which no longer exists/);

  assert.match(ws.fail(['undo', 'x'], 2), /CHANGE_ID must be a positive whole number, not 'x'/);
  assert.match(ws.fail(['undo'], 2), /missing arguments\nusage: kith undo CHANGE_ID \[--group\] \| --turn TURN_ID\n$/);
  assert.match(ws.fail(['undo', '2', '--turn', '1'], 2), /give either CHANGE_ID or --turn ID, not both/);
  assert.match(ws.fail(['undo', '--turn', 'x'], 2), /--turn must be a positive whole number, not 'x'/);
  assert.match(ws.fail(['undo', '--turn', '5'], 1), /^kith: there is no turn #5\n$/);
});
