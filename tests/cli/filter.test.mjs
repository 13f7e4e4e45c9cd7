// kith ls --where / --sort / --limit / --cursor: the filter language and
// keyset paging from the command line, bad filters and injection attempts.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FIXED_NOW, workspace } from './helpers.mjs';

function fixture(t) {
  const ws = workspace(t, { env: { KITH_NOW: FIXED_NOW } });
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['add', 'companies', 'name=Globex']);
  ws.ok(['add', 'people', 'name=Ann Lee', 'status=Lead', 'tags=vip', 'company=Acme Inc',
    'last_contacted=2026-11-20', 'email=ann@acme.com']);
  ws.ok(['add', 'people', 'name=Bob Stone', 'status=Customer', 'tags=event', 'company=Globex',
    'last_contacted=2026-09-01']);
  ws.ok(['add', 'people', "name=x' OR 1=1 --", 'status=Lead']);
  ws.ok(['add', 'people', 'name=Zoë 李', 'tags=vip,partner']);
  ws.ok(['add', 'deals', 'name=Big', 'amount=$50,000', 'stage=Proposal', 'close_date=2026-12-31']);
  ws.ok(['add', 'deals', 'name=Small', 'amount=900', 'stage=Negotiation']);
  return ws;
}

const ids = (list) => list.entries.map((e) => e.id);

test('ls --where filters by type, with the list shape of the API', (t) => {
  const ws = fixture(t);
  const cases = [
    ['people', 'status = Lead', [1, 3]],
    ['people', 'status = lead and tags ~ vip', [1]],
    ['people', 'status != Lead', [2, 4]],
    ['people', 'tags ~ vip', [1, 4]],
    ['people', 'company = "Acme Inc"', [1]],
    ['people', 'company ~ glob or company is empty', [2, 3, 4]],
    ['people', 'last_contacted < today-30d', [2]],
    ['people', '"Last contacted" >= 2026-11-01', [1]],
    ['people', 'name ^= "ann"', [1]],
    ['people', 'name ~ 李', [4]],
    ['people', 'email is empty', [2, 3, 4]],
    ['people', 'not (status in [Lead, Customer])', [4]],
    ['deals', 'amount >= 10000', [1]],
    ['deals', 'stage in [Proposal, Negotiation] and close_date is empty', [2]],
  ];
  for (const [object, where, want] of cases) {
    const list = ws.json(['ls', object, '--where', where]);
    assert.deepEqual(Object.keys(list), ['entries', 'total', 'next_cursor']);
    assert.deepEqual(ids(list), want, `${object}: ${where}`);
    assert.equal(list.total, want.length);
    assert.equal(list.next_cursor, null);
  }
  const out = ws.ok(['ls', 'people', '--where', 'status = Lead']).stdout;
  assert.match(out, /^ID\s+NAME/);
  assert.match(out, /\n2 of 2 people\n$/);
});

test('bad filters say where and why, and never crash', (t) => {
  const ws = fixture(t);
  const cases = [
    ['stauts = Lead', "kith: filter at column 1: unknown field 'stauts'; did you mean 'status'?\n"],
    ['status = Leed', "kith: filter at column 10: status: 'Leed' is not one of Lead, Contacted, " +
      "Qualified, Customer, Churned; did you mean 'Lead'?\n"],
    ['status = Lead and (tags ~ vip', "kith: filter at column 30: expected ')', found the end\n"],
    ['last_contacted < someday', "kith: filter at column 18: last_contacted: 'someday' is not a " +
      'date (YYYY-MM-DD, today, today-14d, today+1m)\n'],
    ['status ~ Lead', "kith: filter at column 1: '~' does not work on status (a select field); " +
      'use =, !=, in, is empty, is not empty\n'],
    ['name = "open', 'kith: filter at column 8: the quoted text has no closing "\n'],
  ];
  for (const [where, msg] of cases)
    assert.equal(ws.fail(['ls', 'people', '--where', where], 1), msg);
  assert.match(ws.fail(['ls', 'people', '--where', '('.repeat(33) + 'id = 1' + ')'.repeat(33)], 1),
    /^kith: filter at column 33: nested deeper than 32 levels/);
  assert.equal(ws.fail(['ls', 'people', '--where', 'id = 1 ' + ' '.repeat(4096)], 1),
    'kith: filter is 4103 bytes long; the most is 4096\n');
  assert.match(ws.fail(['ls', 'people', '--where', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff])], 1),
    /^kith: filter at column 6: the text is not valid UTF-8\n$/);
  assert.match(ws.fail(['ls', 'people', '--sort', '-stauts'], 1),
    /^kith: sort: people has no field 'stauts'; did you mean 'status'\?\n$/);
});

test('injection attempts are plain values', (t) => {
  const ws = fixture(t);
  assert.deepEqual(ids(ws.json(['ls', 'people', '--where', `name = "x' OR 1=1 --"`])), [3]);
  assert.deepEqual(ids(ws.json(['ls', 'people', '--where', `name = "'; DROP TABLE people; --"`])), []);
  assert.deepEqual(ids(ws.json(['ls', 'people', '--where', 'name ~ "%"'])), []);
  assert.match(ws.fail(['ls', 'people', '--where', '"name\\" = 1; DROP TABLE people; --" = 1'], 1),
    /^kith: filter at column 1: unknown field 'name" = 1; DROP TABLE people; --'/);
  assert.match(ws.fail(['ls', 'people', '--where', 'name = 1; DROP TABLE people'], 1),
    /expected 'and', 'or' or the end after a condition, found 'DROP'/);
  assert.equal(ws.sql('select count(*) as n from people')[0].n, 4);
  assert.equal(ws.sql("select count(*) as n from sqlite_master where name = 'people'")[0].n, 1);
});

test('--cursor pages through every row once, with a hint for the next page', (t) => {
  const ws = workspace(t, { env: { KITH_NOW: FIXED_NOW } });
  for (let i = 0; i < 23; i++)
    ws.ok(['add', 'people', `name=P${i % 4}`, `status=${i % 3 ? 'Lead' : 'Customer'}`]);
  const whole = ids(ws.json(['ls', 'people', '--sort', '-status,name', '--limit', '100']));
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const args = ['ls', 'people', '--sort', '-status,name', '--limit', '5'];
    if (cursor) args.push('--cursor', cursor);
    const list = ws.json(args);
    seen.push(...ids(list));
    cursor = list.next_cursor;
    pages++;
    if (pages === 2) ws.ok(['add', 'people', 'name=A0', 'status=Lead']); // sorts before the cursor
  } while (cursor);
  assert.equal(pages, 5);
  assert.deepEqual(seen, whole, 'each row once, in order, despite the insert');

  const r = ws.run(['ls', 'people', '--where', 'status = Lead', '--sort', 'name', '--limit', '2']);
  assert.equal(r.code, 0);
  const hint = r.stderr.match(/^next: kith ls people --where 'status = Lead' --sort name --limit 2 --cursor (\S+)\n$/);
  assert.ok(hint, `a next-page hint on stderr: ${r.stderr}`);
  assert.match(r.stdout, /\n2 of 16 people\n$/);
  const next = ws.json(['ls', 'people', '--where', 'status = Lead', '--sort', 'name', '--limit', '2',
    '--cursor', hint[1]]);
  assert.equal(next.entries.length, 2);
  assert.equal(ws.fail(['ls', 'people', '--cursor', 'nonsense!'], 1),
    'kith: cursor is not valid: give the next_cursor of the page before, unchanged\n');
  assert.equal(ws.fail(['ls', 'people', '--sort', '-name', '--cursor', hint[1]], 1),
    "kith: cursor was made for another sort order ('name'); list again without it\n");
});
