// Entries: kith add, get, set, rm and ls; validation by field type and
// the human table.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FIXED_NOW, displayWidth, workspace } from './helpers.mjs';

const PEOPLE_KEYS = ['id', 'created_at', 'updated_at', 'name', 'email', 'phone', 'company',
  'title', 'status', 'tags', 'linkedin', 'last_contacted'];

test('add, get, set and rm with their JSON shapes', (t) => {
  const ws = workspace(t, { env: { KITH_NOW: FIXED_NOW } });
  assert.equal(ws.ok(['add', 'companies', 'name=Acme Inc', 'domain=acme.com']).stdout,
    'Added companies #1: Acme Inc\n');
  const ann = ws.json(['add', 'people', 'name=Ann Lee', 'email=ann@acme.com', 'company=Acme Inc',
    'status=lead', 'tags=vip, partner', 'last_contacted=2026-11-20', 'linkedin=linkedin.com/in/ann',
    'phone=+1 (415) 555-0100']);
  assert.deepEqual(Object.keys(ann), PEOPLE_KEYS, 'every field by slug, in field order');
  assert.deepEqual(ann, {
    id: 1, created_at: FIXED_NOW, updated_at: FIXED_NOW,
    name: 'Ann Lee', email: 'ann@acme.com', phone: '+1 (415) 555-0100',
    company: { id: 1, label: 'Acme Inc' }, title: null,
    status: 'Lead', // the option's own spelling
    tags: ['vip', 'partner'],
    linkedin: 'https://linkedin.com/in/ann', // a bare host gets https://
    last_contacted: '2026-11-20',
  });
  assert.deepEqual(ws.json(['get', 'people', '1']), ann);
  assert.deepEqual(ws.json(['get', 'People', '1']), ann, 'objects by display name too');

  const later = '2026-11-27T10:00:00.000Z';
  const set = ws.json(['set', 'people', '1', 'title=CEO', 'Status=Customer'], { env: { KITH_NOW: later } });
  assert.deepEqual(set, { ...ann, title: 'CEO', status: 'Customer', updated_at: later });
  assert.equal(ws.ok(['set', 'people', '1', 'title=CTO']).stdout, 'Updated people #1: Ann Lee\n');

  const rm = ws.json(['rm', 'people', '1']);
  assert.equal(rm.deleted.id, 1);
  assert.equal(rm.deleted.title, 'CTO');
  assert.ok(Number.isInteger(rm.change));
  assert.match(ws.fail(['get', 'people', '1'], 1), /there is no people entry #1/);
  assert.match(ws.fail(['set', 'people', '1', 'title=x'], 1), /there is no people entry #1/);
  assert.match(ws.fail(['rm', 'people', '1'], 1), /there is no people entry #1/);

  ws.ok(['add', 'people', 'name=Bob']);
  const out = ws.ok(['rm', 'people', '2']).stdout;
  assert.match(out, /^Deleted people #2: Bob \(undo with: kith undo (\d+)\)\n$/);
});

test('get prints field/value lines', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['add', 'people', 'name=Ann Lee', 'company=1', 'tags=vip,event']);
  const lines = ws.ok(['get', 'people', '1']).stdout.trimEnd().split('\n');
  assert.match(lines[0], /^FIELD\s+VALUE$/);
  assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), ['FIELD', ...PEOPLE_KEYS]);
  assert.ok(lines.includes('company         Acme Inc'));
  assert.ok(lines.includes('tags            vip, event'));
});

test('values are stored typed, readable with plain SQL', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'deals', 'name=Big', 'amount=$12,500', 'probability=0.25', 'close_date=2027-01-31']);
  ws.ok(['add', 'tasks', 'title=Call', 'done=yes']);
  ws.ok(['field', 'add', 'people', 'Met at', 'datetime']);
  ws.ok(['field', 'add', 'people', 'Score', 'rating']);
  ws.ok(['add', 'people', 'name=Ann', 'met_at=2026-11-26 09:30+01:00', 'score=4', 'tags=["event","vip"]']);
  assert.deepEqual(ws.sql('SELECT amount, typeof(amount) AS ta, probability, typeof(probability) AS tp, close_date FROM deals'),
    [{ amount: 12500, ta: 'integer', probability: 0.25, tp: 'real', close_date: '2027-01-31' }]);
  assert.deepEqual(ws.sql('SELECT done, typeof(done) AS t FROM tasks'), [{ done: 1, t: 'integer' }]);
  assert.deepEqual(ws.sql('SELECT met_at, score, tags FROM people'),
    [{ met_at: '2026-11-26T08:30:00Z', score: 4, tags: '["event","vip"]' }]);
  const ann = ws.json(['get', 'people', '1']);
  assert.equal(ann.met_at, '2026-11-26T08:30:00Z', 'datetimes are normalised to UTC');
  assert.deepEqual(ann.tags, ['event', 'vip']);
});

test('booleans take yes/no, 1/0, true/false', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'tasks', 'title=T']);
  for (const [text, want] of [['yes', true], ['no', false], ['1', true], ['0', false],
    ['TRUE', true], ['false', false], ['on', true], ['off', false], [' Yes ', true]]) {
    assert.equal(ws.json(['set', 'tasks', '1', `done=${text}`]).done, want, `done=${text}`);
  }
  const err = ws.fail(['set', 'tasks', '1', 'done=maybe'], 1);
  assert.equal(err, "kith: done: 'maybe' is not true or false (also yes/no, 1/0)\n");
});

test('validation refusals name the field and change nothing', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann']);
  ws.ok(['field', 'add', 'people', 'Score', 'rating']);
  ws.ok(['field', 'add', 'people', 'Met at', 'datetime']);
  const cases = [
    ['email=ann@', "email: 'ann@' is not an email address"],
    ['email=ann@acme', "email: 'ann@acme' is not an email address"],
    ['email=a b@acme.com', 'email: '],
    ['status=Leed', "status: 'Leed' is not one of Lead, Contacted, Qualified, Customer, Churned; did you mean 'Lead'?"],
    ['status=Qualifed', "did you mean 'Qualified'?"],
    ['status=Prospect', "status: 'Prospect' is not one of Lead, Contacted, Qualified, Customer, Churned"],
    ['tags=vip,gold', "tags: 'gold' is not one of vip, partner"],
    ['stauts=Lead', "people has no field 'stauts'; did you mean 'status'?"],
    ['nickname=Annie', "people has no field 'nickname' (see: kith fields people)"],
    ['last_contacted=2026-02-30', "last_contacted: '2026-02-30' is not a date (YYYY-MM-DD)"],
    ['last_contacted=2026-13-01', 'is not a date'],
    ['last_contacted=26-01-01', 'is not a date'],
    ['last_contacted=2026-01-01T10:00', 'is not a date'],
    ['met_at=2026-11-26T25:00', "met_at: '2026-11-26T25:00' is not a date and time"],
    ['score=6', "score: '6' is not a rating from 1 to 5"],
    ['score=2.5', 'is not a rating'],
    ['phone=call me', "phone: 'call me' is not a phone number"],
    ['linkedin=not a url', "linkedin: 'not a url' is not a web address"],
    ['company=99', 'company: there is no companies entry #99'],
    ['company=0', "company: '0' is not an entry id"],
    ['company=Nobody Inc', "company: no companies entry is named 'Nobody Inc'"],
  ];
  const before = ws.ok(['get', 'people', '1', '--json']).stdout;
  for (const [arg, msg] of cases) {
    const err = ws.fail(['set', 'people', '1', arg], 1);
    assert.ok(err.startsWith('kith: ') && err.includes(msg), `${arg}: ${err}`);
    ws.fail(['add', 'people', 'name=Other', arg], 1);
  }
  assert.equal(ws.ok(['get', 'people', '1', '--json']).stdout, before);
  assert.equal(ws.json(['ls', 'people']).total, 1, 'no refused add created anything');

  let err = ws.fail(['add', 'companies', 'name=X', 'employees=12abc'], 1);
  assert.equal(err, "kith: employees: '12abc' is not a number\n");
  err = ws.fail(['add', 'deals', 'name=X', 'amount=1,2,3.4.5'], 1);
  assert.match(err, /^kith: amount: .* is not a number\n$/);
  err = ws.fail(['add', 'companies', 'name=X', 'employees=1e999'], 1);
  assert.match(err, /employees: '1e999' is not a number/);
  err = ws.fail(['add', 'people', 'name=X', 'Name=Y'], 1);
  assert.match(err, /name: given twice/);
});

test('dates: leap years and the calendar', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'tasks', 'title=T']);
  assert.equal(ws.json(['set', 'tasks', '1', 'due=2028-02-29']).due, '2028-02-29');
  ws.fail(['set', 'tasks', '1', 'due=2027-02-29'], 1);
  ws.fail(['set', 'tasks', '1', 'due=2100-02-29'], 1);
  assert.equal(ws.json(['set', 'tasks', '1', 'due=2000-02-29']).due, '2000-02-29');
  ws.fail(['set', 'tasks', '1', 'due=2026-04-31'], 1);
  ws.fail(['set', 'tasks', '1', 'due=2026-00-10'], 1);
});

test('relations by label or id; ambiguous and missing labels refused', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['add', 'companies', 'name=Globex']);
  assert.deepEqual(ws.json(['add', 'people', 'name=Ann', 'company=Acme Inc']).company,
    { id: 1, label: 'Acme Inc' });
  assert.deepEqual(ws.json(['add', 'people', 'name=Bob', 'company=2']).company,
    { id: 2, label: 'Globex' });
  assert.deepEqual(ws.json(['add', 'people', 'name=Cy', 'company=acme inc']).company,
    { id: 1, label: 'Acme Inc' }, 'labels match case-insensitively');
  assert.deepEqual(ws.json(['add', 'deals', 'name=D', 'company=Globex', 'contact=Bob']).contact,
    { id: 2, label: 'Bob' });

  // The label shown follows the target's current name.
  ws.ok(['set', 'companies', '1', 'name=Acme Corp']);
  assert.deepEqual(ws.json(['get', 'people', '1']).company, { id: 1, label: 'Acme Corp' });

  ws.ok(['add', 'companies', 'name=Globex']);
  let err = ws.fail(['add', 'people', 'name=Dee', 'company=Globex'], 1);
  assert.equal(err, "kith: company: more than one companies entry is named 'Globex'; give its id instead\n");
  assert.deepEqual(ws.json(['add', 'people', 'name=Dee', 'company=3']).company, { id: 3, label: 'Globex' });
  err = ws.fail(['set', 'people', '1', 'company=Initech'], 1);
  assert.equal(err, "kith: company: no companies entry is named 'Initech'\n");
  err = ws.fail(['set', 'people', '1', 'company=42'], 1);
  assert.equal(err, 'kith: company: there is no companies entry #42\n');
  assert.deepEqual(ws.sql('SELECT id, company FROM people ORDER BY id'),
    [{ id: 1, company: 1 }, { id: 2, company: 2 }, { id: 3, company: 1 }, { id: 4, company: 3 }],
    'a relation is stored as the target id');
});

test('field= clears a field; the label is required', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['add', 'people', 'name=Ann', 'title=CEO', 'status=Lead', 'company=1', 'tags=vip',
    'last_contacted=2026-01-01', 'email=ann@acme.com']);
  const cleared = ws.json(['set', 'people', '1', 'title=', 'status=', 'company=', 'tags=',
    'last_contacted=', 'email=  ']);
  for (const f of ['title', 'status', 'company', 'tags', 'last_contacted', 'email'])
    assert.equal(cleared[f], null, f);
  assert.deepEqual(ws.sql('SELECT title, status, company, tags FROM people'),
    [{ title: null, status: null, company: null, tags: null }], 'stored as NULL');

  let err = ws.fail(['set', 'people', '1', 'name='], 1);
  assert.equal(err, 'kith: name: required\n');
  err = ws.fail(['add', 'people', 'email=bob@acme.com'], 1);
  assert.equal(err, 'kith: name: required\n');
  err = ws.fail(['add', 'tasks', 'done=yes'], 1);
  assert.equal(err, 'kith: title: required\n');
  err = ws.fail(['add', 'people', 'name='], 1);
  assert.equal(err, 'kith: name: required\n');
  err = ws.fail(['add', 'people', 'name=   '], 1);
  assert.equal(err, 'kith: name: required\n', 'a blank label is no label');
  assert.equal(ws.json(['get', 'people', '1']).name, 'Ann');
  assert.equal(ws.json(['set', 'people', '1', 'name=  Ann Lee ']).name, 'Ann Lee', 'text is trimmed');
});

test('a field given twice is a usage error', (t) => {
  const ws = workspace(t);
  const err = ws.fail(['add', 'people', 'name=a', 'name=b'], 2);
  assert.match(err, /field 'name' is given twice/);
  assert.match(ws.fail(['add', 'people', 'Name=a', 'name=b'], 1), /name: given twice/);
  assert.equal(ws.json(['objects']).objects.find((o) => o.slug === 'people').entries, 0);
});

test('ls --sort, --limit and the JSON list shape', (t) => {
  const ws = workspace(t);
  for (const [name, title] of [['bob', 'B'], ['Ann', 'A'], ['Cy', 'A'], ['ann', 'C']])
    ws.ok(['add', 'people', `name=${name}`, `title=${title}`]);
  const list = ws.json(['ls', 'people']);
  assert.deepEqual(Object.keys(list), ['entries', 'total', 'next_cursor']);
  assert.equal(list.total, 4);
  assert.equal(list.next_cursor, null);
  assert.deepEqual(list.entries.map((e) => e.id), [1, 2, 3, 4], 'id order by default');
  assert.deepEqual(Object.keys(list.entries[0]), PEOPLE_KEYS);

  const names = (args) => ws.json(['ls', 'people', ...args]).entries.map((e) => e.name);
  assert.deepEqual(names(['--sort', 'name']), ['Ann', 'ann', 'bob', 'Cy'], 'case-insensitive, then id');
  // id breaks ties in the direction of the last key (so an index on it serves)
  assert.deepEqual(names(['--sort', '-name']), ['Cy', 'bob', 'ann', 'Ann']);
  assert.deepEqual(names(['--sort', 'title,-name']), ['Cy', 'Ann', 'bob', 'ann']);
  assert.deepEqual(names(['--sort', '-title,name']), ['ann', 'bob', 'Ann', 'Cy']);
  assert.deepEqual(names(['--sort', '-id']), ['ann', 'Cy', 'Ann', 'bob']);
  assert.deepEqual(names(['--sort=Title,-created_at', '--limit=2']).length, 2);

  const two = ws.json(['ls', 'people', '--sort', '-name,name', '--limit', '2']);
  assert.equal(two.entries.length, 2);
  assert.equal(two.total, 4, 'total counts every entry, not the page');
  assert.deepEqual(two.entries.map((e) => e.name), ['Cy', 'bob']);
  assert.equal(ws.json(['ls', 'people', '--limit', '1000']).entries.length, 4);

  const err = ws.fail(['ls', 'people', '--sort', 'nam'], 1);
  assert.equal(err, "kith: sort: people has no field 'nam'; did you mean 'name'?\n");
  assert.match(ws.fail(['ls', 'people', '--limit', '0'], 2), /--limit must be a positive whole number, not '0'/);
  assert.match(ws.fail(['ls', 'people', '--limit', 'ten'], 2), /not 'ten'/);
  assert.match(ws.fail(['ls', 'people', '--limit', '-3'], 2), /not '-3'/);
  assert.match(ws.fail(['ls', 'people', '--limit'], 2), /option '--limit' needs a value/);

  const human = ws.run(['ls', 'people', '--limit', '2']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /\n2 of 4 people\n$/);
  assert.match(human.stderr, /^next: kith ls people --limit 2 --cursor \S+\n$/, 'how to get the next page');
});

test('ls --offset jumps into the sort order, and the hint goes on by cursor', (t) => {
  const ws = workspace(t);
  for (const [name, title] of [['bob', 'B'], ['Ann', 'A'], ['Cy', 'A'], ['ann', 'C'], ['Di', 'A']])
    ws.ok(['add', 'people', `name=${name}`, `title=${title}`]);
  const names = (args) => ws.json(['ls', 'people', ...args]).entries.map((e) => e.name);
  // ties on title are broken by id, so the order is the same every time
  assert.deepEqual(names(['--sort', 'title']), ['Ann', 'Cy', 'Di', 'bob', 'ann']);
  assert.deepEqual(names(['--sort', 'title', '--offset', '2', '--limit', '2']), ['Di', 'bob']);
  assert.deepEqual(names(['--sort', 'title', '--offset', '0', '--limit', '1']), ['Ann']);
  assert.deepEqual(names(['--where', 'title = A', '--sort', '-name', '--offset', '1']), ['Cy', 'Ann']);
  const end = ws.json(['ls', 'people', '--offset', '5']);
  assert.deepEqual([end.entries.length, end.total, end.next_cursor], [0, 5, null], 'past the end: an empty page');

  const human = ws.run(['ls', 'people', '--sort', 'title', '--offset', '2', '--limit', '2']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /\n2 of 5 people\n$/);
  const hint = human.stderr.match(/^next: kith ls people --sort title --limit 2 --cursor (\S+)\n$/);
  assert.ok(hint, human.stderr);
  assert.deepEqual(names(['--sort', 'title', '--limit', '2', '--cursor', hint[1]]), ['ann']);

  assert.match(ws.fail(['ls', 'people', '--offset', '-1'], 2), /--offset must be a whole number from 0, not '-1'/);
  assert.match(ws.fail(['ls', 'people', '--offset', 'x'], 2), /not 'x'/);
  assert.match(ws.fail(['ls', 'people', '--offset', '99999999999999999999'], 2), /not '99999999999999999999'/);
  assert.match(ws.fail(['ls', 'people', '--offset', '2000000000'], 1), /offset must be a whole number from 0 to 1000000000/);
  assert.match(ws.fail(['ls', 'people', '--offset', '1', '--cursor', hint[1]], 1), /offset and cursor cannot be used together/);
});

test('ls table aligns columns by display width', (t) => {
  const ws = workspace(t);
  const people = [
    ['Ann Lee', 'ann@acme.com'],
    ['日本 太郎', 'taro@example.jp'],
    ['Zoë Müller', 'zoe@example.de'],
    ['김민준', 'minjun@example.kr'],
    ['Łukasz 🙂', 'lukasz@example.pl'],
  ];
  for (const [name, email] of people)
    ws.ok(['add', 'people', `name=${name}`, `email=${email}`, 'status=Lead']);
  const lines = ws.ok(['ls', 'people']).stdout.trimEnd().split('\n');
  assert.match(lines.at(-1), /^5 of 5 people$/);
  const header = lines[0];
  const rows = lines.slice(1, -1);
  assert.equal(rows.length, people.length);
  const colOf = (line, text) => {
    const i = line.indexOf(text);
    assert.ok(i >= 0, `${text} in ${line}`);
    return displayWidth(line.slice(0, i));
  };
  const nameCol = colOf(header, 'NAME');
  const emailCol = colOf(header, 'EMAIL');
  const statusCol = colOf(header, 'STATUS');
  rows.forEach((row, i) => {
    const [name, email] = people[i];
    assert.equal(colOf(row, name), nameCol, `name column in: ${row}`);
    assert.equal(colOf(row, email), emailCol, `email column in: ${row}`);
    assert.equal(colOf(row, 'Lead'), statusCol, `status column in: ${row}`);
    // The id column is right-aligned under ID.
    assert.equal(row.slice(0, 2), ` ${i + 1}`);
  });
  const widest = Math.max(...people.map(([n]) => displayWidth(n)));
  assert.equal(emailCol - nameCol, widest + 2, 'two spaces after the widest name');
});

test('ls table cuts long cells at a code point with an ellipsis', (t) => {
  const ws = workspace(t);
  const long = '日本'.repeat(30); // 120 cells wide
  ws.ok(['add', 'people', `name=${long}`, 'title=x']);
  const row = ws.ok(['ls', 'people']).stdout.split('\n')[1];
  const cell = row.slice(row.indexOf('日'), row.indexOf('…') + 1);
  assert.ok(displayWidth(cell) <= 32, `cell is capped: ${displayWidth(cell)}`);
  assert.ok(cell.endsWith('…'));
  assert.equal(ws.json(['get', 'people', '1']).name, long, 'the value itself is whole');
});

test('very long values: text is capped with a clear message', (t) => {
  const ws = workspace(t);
  const big = 'a'.repeat(100 * 1024);
  let err = ws.fail(['add', 'people', `name=${big}`], 1);
  assert.equal(err, 'kith: name: text is longer than 65536 bytes\n');
  err = ws.fail(['add', 'people', 'name=x', `title=${big}`], 1);
  assert.equal(err, 'kith: title: text is longer than 65536 bytes\n');
  const max = 'b'.repeat(64 * 1024);
  assert.equal(ws.json(['add', 'people', `name=${max}`]).name.length, max.length, 'exactly the cap is fine');

  // long_text takes it; other types refuse with the value shortened.
  ws.ok(['field', 'add', 'people', 'Notes', 'long_text']);
  assert.equal(ws.json(['add', 'people', 'name=y', `notes=${big}`]).notes.length, big.length);
  err = ws.fail(['add', 'people', 'name=x', `email=${big}@x.com`], 1);
  assert.match(err, /^kith: email: 'a{60}\.\.\.' is not an email address\n$/);
  err = ws.fail(['add', 'people', 'name=x', `status=${big}`], 1);
  assert.match(err, /^kith: status: 'a{60}\.\.\.' is not one of /);
  err = ws.fail(['add', 'companies', 'name=x', `employees=${'9'.repeat(100000)}`], 1);
  assert.match(err, /employees: '9{60}\.\.\.' is not a number/);
  for (const arg of [`company=${big}`, `${big}=x`]) {
    err = ws.fail(['add', 'people', 'name=x', arg], 1);
    assert.ok(err.length < 2048, 'an error message stays short');
  }
  assert.equal(ws.json(['ls', 'people']).total, 2);
});

test('invalid UTF-8 and empty names are refused cleanly', (t) => {
  const ws = workspace(t);
  const bad = (s) => Buffer.concat([Buffer.from(s), Buffer.from([0xff, 0xfe])]);
  let r = ws.run(['add', 'people', bad('name=Ann')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not valid UTF-8/);
  r = ws.run(['add', 'people', Buffer.from([0x6e, 0xc3, 0x28, 0x3d, 0x78])]); // "n\xc3(=x"
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not valid UTF-8/);
  r = ws.run(['add', 'people', 'name=Ann', Buffer.from([0x74, 0x69, 0x74, 0x6c, 0x65, 0xff, 0x3d, 0x78])]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /not valid UTF-8/);
  r = ws.run(['add', 'people', Buffer.from('name=\xed\xa0\x80', 'latin1')]); // a surrogate
  assert.equal(r.code, 2);
  r = ws.run(['add', 'people', Buffer.from('name=\xc0\xaf', 'latin1')]); // an overlong '/'
  assert.equal(r.code, 2);
  r = ws.run(['object', 'add', bad('Teams')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not valid UTF-8/);
  r = ws.run(['field', 'add', 'people', bad('Nick'), 'text']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not valid UTF-8/);
  r = ws.run(['field', 'add', 'people', 'Kind', 'select', '--options', bad('a,b')]);
  assert.equal(r.code, 1);
  r = ws.run(['ls', bad('people')]);
  assert.equal(r.code, 1);
  r = ws.run([bad('ls')]);
  assert.equal(r.code, 2);
  assert.equal(ws.json(['ls', 'people']).total, 0);
  assert.equal(ws.json(['objects']).objects.length, 4);

  assert.match(ws.fail(['add', '', 'name=x'], 1), /unknown object ''/);
  assert.match(ws.fail(['fields', ''], 1), /unknown object ''/);
  assert.match(ws.fail(['add', 'people', '=x'], 2), /expected field=value, not '=x'/);
  assert.match(ws.fail(['add', 'people', 'name'], 2), /expected field=value, not 'name'/);
  // Control characters are data, kept as they are.
  assert.equal(ws.json(['add', 'people', 'name=a\tb\x01c']).name, 'a\tb\x01c');
});

test('ids must be positive whole numbers', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann']);
  for (const id of ['abc', '0', '-1', '1x', '1.0', '', '99999999999999999999']) {
    const err = ws.fail(['get', 'people', id], 2);
    assert.match(err, /ID must be a positive whole number/, `id '${id}'`);
    assert.match(err, /\nusage: kith get OBJECT ID\n$/);
  }
  assert.match(ws.fail(['get', 'people', '9223372036854775807'], 1),
    /there is no people entry #9223372036854775807/);
});
