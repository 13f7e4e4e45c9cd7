// kith dupes and kith merge on the demo data with planted duplicates of
// Ann Lee (#1, ann.lee@acme.com, +1 312 555 0199, at Acme Inc), and the
// undo of a whole merge with kith undo GROUP --group.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FIXED_NOW, workspace } from './helpers.mjs';

function groupWith(res, reason, id) {
  return res.groups.find((g) => g.reason === reason && g.entries.some((e) => e.id === id));
}

test('dupes finds planted copies by email, phone and name', (t) => {
  const ws = workspace(t, { demo: true });
  ws.ok(['add', 'people', 'name=A. Lee', 'email= ANN.LEE@acme.com ']); // 201
  ws.ok(['add', 'people', 'name=Annie', 'phone=(312) 555-0199']); // 202
  ws.ok(['add', 'people', 'name=ann lee', 'company=Acme Inc']); // 203
  ws.ok(['add', 'people', 'name=Ann Lee', 'company=2']); // 204: another company

  const res = ws.json(['dupes', 'people']);
  assert.equal(res.object, 'people');
  const email = groupWith(res, 'same email', 1);
  assert.deepEqual(email, {
    reason: 'same email',
    value: 'ann.lee@acme.com',
    entries: [{ id: 1, label: 'Ann Lee' }, { id: 201, label: 'A. Lee' }],
  });
  assert.deepEqual(groupWith(res, 'same phone', 1).entries.map((e) => e.id), [1, 202]);
  assert.deepEqual(groupWith(res, 'same name at Acme Inc', 1).entries.map((e) => e.id), [1, 203]);
  assert.equal(res.groups.some((g) => g.entries.some((e) => e.id === 204)), false);

  const out = ws.ok(['dupes', 'people']).stdout.split('\n');
  assert.match(out[0], /^REASON\s+VALUE\s+ID\s+NAME$/);
  const i = out.findIndex((l) => l.startsWith('same email'));
  assert.match(out[i], /^same email\s+ann\.lee@acme\.com\s+1\s+Ann Lee$/);
  assert.match(out[i + 1], /^\s+201\s+A\. Lee$/);
  assert.match(out.at(-2), /^\d+ groups of likely duplicates; merge two with: kith merge people ID OTHER_ID$/);

  assert.equal(ws.ok(['dupes', 'companies']).stdout, 'No likely duplicates among companies\n');
  assert.match(ws.fail(['dupes', 'peple'], 1), /unknown object 'peple'; did you mean 'people'\?/);
  assert.match(ws.fail(['dupes'], 2), /missing arguments/);
});

test('merge fills, moves relations and the document, and undoes as one group', (t) => {
  const ws = workspace(t, { demo: true, env: { KITH_NOW: FIXED_NOW } });
  ws.ok(['add', 'people', 'name=Ann L.', 'email=ann@home.org', 'title=Founder', 'tags=vip,event',
    'linkedin=linkedin.com/in/annl']); // 201
  ws.ok(['add', 'deals', 'name=Side deal', 'contact=201']);
  ws.ok(['add', 'tasks', 'title=Call Ann', 'person=201']);
  ws.ok(['doc', 'people', '1', '--set', '-'], { input: 'Met at the fair.\n' });
  ws.ok(['doc', 'people', '201', '--set', '-'], { input: 'Prefers email.' });
  const before = {
    ann: ws.json(['get', 'people', '1']),
    other: ws.json(['get', 'people', '201']),
    deals: ws.json(['ls', 'deals', '--limit', '1000']),
    tasks: ws.json(['ls', 'tasks', '--limit', '1000']),
    docs: ws.sql('SELECT object, entry_id, markdown FROM kith_documents ORDER BY 1, 2'),
  };

  const merged = ws.json(['merge', 'people', '1', '201']);
  assert.equal(merged.merged, 201);
  assert.equal(merged.entry.id, 1);
  assert.equal(merged.entry.email, 'ann.lee@acme.com', 'a filled field is kept');
  assert.equal(merged.entry.title, 'Head of Operations');
  assert.deepEqual(merged.entry.tags, ['partner', 'vip', 'event'], 'multi_select values are united');
  assert.equal(merged.entry.linkedin, 'https://www.linkedin.com/in/ann-lee');
  assert.equal(ws.fail(['get', 'people', '201'], 1), 'kith: there is no people entry #201\n');
  assert.deepEqual(ws.sql("SELECT contact FROM deals WHERE name = 'Side deal'"), [{ contact: 1 }]);
  assert.deepEqual(ws.sql("SELECT person FROM tasks WHERE title = 'Call Ann'"), [{ person: 1 }]);
  assert.equal(ws.ok(['doc', 'people', '1']).stdout, 'Met at the fair.\n\n---\n\nPrefers email.');
  const group = merged.group;
  const log = ws.json(['log', '--limit', '10']).filter((c) => c.group_id === group);
  assert.deepEqual(log.map((c) => [c.op, c.object, c.entry_id]), [
    ['delete', 'people', 201],
    ['update', 'people', 1], // the document
    ['update', 'tasks', 41],
    ['update', 'deals', 81],
    ['update', 'people', 1], // the filled fields
  ]);

  assert.equal(ws.ok(['undo', String(group), '--group']).stdout, `Undid change group #${group}\n`);
  assert.deepEqual(ws.json(['get', 'people', '1']), before.ann);
  assert.deepEqual(ws.json(['get', 'people', '201']), before.other);
  assert.deepEqual(ws.json(['ls', 'deals', '--limit', '1000']), before.deals);
  assert.deepEqual(ws.json(['ls', 'tasks', '--limit', '1000']), before.tasks);
  assert.deepEqual(ws.sql('SELECT object, entry_id, markdown FROM kith_documents ORDER BY 1, 2'), before.docs);
});

test('merge prints how to undo it, and refuses bad requests', (t) => {
  const ws = workspace(t, { demo: true });
  ws.ok(['add', 'people', 'name=Copy']); // 201
  const out = ws.ok(['merge', 'people', '2', '201']).stdout;
  const m = out.match(/^Merged people #201 into #2 \(undo with: kith undo (\d+) --group\)\n$/);
  assert.ok(m, out);
  assert.equal(ws.fail(['merge', 'people', '2', '2'], 1), 'kith: cannot merge people #2 with itself\n');
  assert.equal(ws.fail(['merge', 'people', '2', '999'], 1), 'kith: there is no people entry #999\n');
  assert.equal(ws.fail(['merge', 'people', '999', '2'], 1), 'kith: there is no people entry #999\n');
  assert.match(ws.fail(['merge', 'people', '2', 'x'], 2), /OTHER_ID must be a positive whole number, not 'x'/);
  assert.match(ws.fail(['merge', 'peple', '1', '2'], 1), /did you mean 'people'/);
  assert.match(ws.fail(['merge', 'people', '1'], 2), /missing arguments/);
  // A refused merge changed nothing.
  assert.equal(ws.json(['log', '--limit', '1'])[0].group_id, Number(m[1]));
});
