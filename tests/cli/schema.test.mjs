// Objects and fields: kith objects, object add|rename|rm, fields,
// field add|rename|rm.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sql, workspace } from './helpers.mjs';

const TAGS = ['vip', 'partner', 'newsletter', 'investor', 'event', 'referral'];

// The default objects exactly as DESIGN lists them.
const DEFAULTS = {
  people: {
    label: 'name',
    fields: [
      { slug: 'name', name: 'Name', type: 'text' },
      { slug: 'email', name: 'Email', type: 'email' },
      { slug: 'phone', name: 'Phone', type: 'phone' },
      { slug: 'company', name: 'Company', type: 'relation', to: 'companies' },
      { slug: 'title', name: 'Title', type: 'text' },
      { slug: 'status', name: 'Status', type: 'select',
        options: ['Lead', 'Contacted', 'Qualified', 'Customer', 'Churned'] },
      { slug: 'tags', name: 'Tags', type: 'multi_select', options: TAGS },
      { slug: 'linkedin', name: 'LinkedIn', type: 'url' },
      { slug: 'last_contacted', name: 'Last contacted', type: 'date' },
    ],
  },
  companies: {
    label: 'name',
    fields: [
      { slug: 'name', name: 'Name', type: 'text' },
      { slug: 'domain', name: 'Domain', type: 'text' },
      { slug: 'industry', name: 'Industry', type: 'select',
        options: ['Software', 'Finance', 'Healthcare', 'Retail', 'Manufacturing',
          'Education', 'Media', 'Logistics'] },
      { slug: 'employees', name: 'Employees', type: 'number' },
      { slug: 'city', name: 'City', type: 'text' },
      { slug: 'tags', name: 'Tags', type: 'multi_select', options: TAGS },
    ],
  },
  deals: {
    label: 'name',
    fields: [
      { slug: 'name', name: 'Name', type: 'text' },
      { slug: 'company', name: 'Company', type: 'relation', to: 'companies' },
      { slug: 'contact', name: 'Contact', type: 'relation', to: 'people' },
      { slug: 'amount', name: 'Amount', type: 'currency' },
      { slug: 'stage', name: 'Stage', type: 'select',
        options: ['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost'] },
      { slug: 'close_date', name: 'Close date', type: 'date' },
      { slug: 'probability', name: 'Probability', type: 'number' },
    ],
  },
  tasks: {
    label: 'title',
    fields: [
      { slug: 'title', name: 'Title', type: 'text' },
      { slug: 'due', name: 'Due', type: 'date' },
      { slug: 'done', name: 'Done', type: 'boolean' },
      { slug: 'person', name: 'Person', type: 'relation', to: 'people' },
      { slug: 'deal', name: 'Deal', type: 'relation', to: 'deals' },
    ],
  },
};

const TYPES = ['text', 'long_text', 'number', 'currency', 'boolean', 'date', 'datetime',
  'email', 'phone', 'url', 'select', 'multi_select', 'relation', 'rating'];

test('default objects and fields are exactly as DESIGN lists them', (t) => {
  const ws = workspace(t);
  const { objects } = ws.json(['objects']);
  assert.deepEqual(objects.map((o) => o.slug).sort(), Object.keys(DEFAULTS).sort());
  for (const o of objects) {
    const want = DEFAULTS[o.slug];
    assert.equal(o.label_field, want.label, o.slug);
    assert.equal(o.fields, want.fields.length, o.slug);
    assert.equal(o.entries, 0);
    assert.deepEqual(ws.json(['fields', o.slug]),
      { object: o.slug, label_field: want.label, fields: want.fields });
  }
});

test('objects and fields print as aligned tables', (t) => {
  const ws = workspace(t);
  const lines = ws.ok(['objects']).stdout.trimEnd().split('\n');
  assert.match(lines[0], /^OBJECT\s+NAME\s+FIELDS\s+ENTRIES$/);
  assert.ok(lines.some((l) => /^people\s+People\s+9\s+0$/.test(l)));
  assert.ok(lines.some((l) => /^tasks\s+Tasks\s+5\s+0$/.test(l)));

  const out = ws.ok(['fields', 'people']).stdout;
  assert.match(out, /^FIELD\s+NAME\s+TYPE\s+DETAILS\n/);
  assert.match(out, /\nname\s+Name\s+text\s+label\n/);
  assert.match(out, /\nemail\s+Email\s+email\n/);
  assert.match(out, /\ncompany\s+Company\s+relation\s+-> companies\n/);
  assert.match(out, /\nstatus\s+Status\s+select\s+Lead, Contacted, Qualified, Customer, Churned\n/);
  const rows = out.trimEnd().split('\n');
  const typeCol = rows[0].indexOf('TYPE');
  for (const l of rows.slice(1))
    assert.match(l.slice(typeCol - 2), /^ {2}[a-z_]+/, `TYPE column lines up: ${l}`);
});

test('object add, rename and rm', (t) => {
  const ws = workspace(t);
  assert.equal(ws.ok(['object', 'add', 'Investors']).stdout,
    'Created object investors (label field: name)\n');
  assert.deepEqual(ws.json(['fields', 'investors']),
    { object: 'investors', label_field: 'name', fields: [{ slug: 'name', name: 'Name', type: 'text' }] });
  // A real table with the system columns, readable with plain SQL.
  const cols = sql(ws.db, "SELECT name FROM pragma_table_info('investors')").map((c) => c.name);
  assert.deepEqual(cols, ['id', 'created_at', 'updated_at', 'name']);

  ws.ok(['add', 'investors', 'name=Sequoia']);
  assert.equal(ws.ok(['object', 'rename', 'investors', 'VCs']).stdout, "Renamed investors to 'VCs'\n");
  const vcs = ws.json(['objects']).objects.find((o) => o.slug === 'investors');
  assert.deepEqual(vcs, { slug: 'investors', name: 'VCs', label_field: 'name', fields: 1, entries: 1 });
  assert.equal(ws.json(['get', 'VCs', '1']).name, 'Sequoia', 'found by its new display name');

  let err = ws.fail(['object', 'rm', 'investors'], 2);
  assert.match(err, /--force/);
  assert.equal(ws.json(['ls', 'investors']).total, 1, 'nothing removed without --force');
  assert.equal(ws.ok(['object', 'rm', 'VCs', '--force']).stdout, 'Removed object VCs\n');
  assert.ok(!ws.json(['objects']).objects.some((o) => o.slug === 'investors'));
  assert.deepEqual(sql(ws.db, "SELECT name FROM sqlite_master WHERE name = 'investors'"), []);
  err = ws.fail(['ls', 'investors'], 1);
  assert.match(err, /unknown object 'investors'/);
});

test('object rm drops the relation fields that point at it', (t) => {
  const ws = workspace(t);
  ws.ok(['object', 'add', 'Teams']);
  ws.ok(['field', 'add', 'people', 'Team', 'relation', '--to', 'teams']);
  ws.ok(['add', 'teams', 'name=Core']);
  ws.ok(['add', 'people', 'name=Ann', 'team=Core']);
  ws.ok(['object', 'rm', 'teams', '--force']);
  const slugs = ws.json(['fields', 'people']).fields.map((f) => f.slug);
  assert.ok(!slugs.includes('team'));
  const ann = ws.json(['get', 'people', '1']);
  assert.equal(ann.name, 'Ann');
  assert.ok(!('team' in ann));
});

test('object names: slugs, non-ASCII, reserved and taken names', (t) => {
  const ws = workspace(t);
  assert.deepEqual(ws.json(['object', 'add', 'Société Générale']),
    { slug: 'societe_generale', name: 'Société Générale' });
  ws.ok(['add', 'Société Générale', 'name=Paris office']);
  assert.equal(ws.json(['get', 'societe_generale', '1']).name, 'Paris office');
  assert.deepEqual(ws.json(['object', 'add', '顧客']), { slug: '顧客', name: '顧客' });
  ws.ok(['add', '顧客', 'name=山田']);
  assert.deepEqual(sql(ws.db, 'SELECT name FROM "顧客"'), [{ name: '山田' }]);

  const refused = [
    ['People', /an object 'people' already exists/],
    ['PEOPLE', /already exists/],
    ['societe generale', /already exists/],
    ['kith_changes', /reserved/],
    ['sqlite_master', /reserved/],
    ['', /needs at least one letter or digit/],
    ['   ', /needs at least one letter or digit/],
    ['!!!', /needs at least one letter or digit/],
    ['x'.repeat(65), /longer than 64 bytes/],
  ];
  for (const [name, msg] of refused) {
    const err = ws.fail(['object', 'add', name], 1);
    assert.match(err, msg, `object add '${name}'`);
  }
  assert.equal(ws.json(['objects']).objects.length, 6, 'nothing was added by the refusals');

  let err = ws.fail(['object', 'rename', 'societe_generale', 'people'], 1);
  assert.match(err, /already exists/);
  err = ws.fail(['object', 'rename', 'nope', 'Whatever'], 1);
  assert.match(err, /unknown object 'nope'/);
  err = ws.fail(['object', 'rename', 'people', ''], 1);
  assert.match(err, /needs at least one letter/);
  err = ws.fail(['object', 'rm', 'peple', '--force'], 1);
  assert.match(err, /unknown object 'peple'; did you mean 'people'\?/);
});

test('field add of every type', (t) => {
  const ws = workspace(t);
  ws.ok(['object', 'add', 'Investors']);
  const added = [];
  for (const type of TYPES) {
    const args = ['field', 'add', 'investors', `F ${type}`, type];
    if (type === 'select' || type === 'multi_select') args.push('--options', 'Seed, Series A,Series B');
    if (type === 'relation') args.push('--to', 'companies');
    const f = ws.json(args);
    const want = { slug: `f_${type}`, name: `F ${type}`, type };
    if (type.endsWith('select')) want.options = ['Seed', 'Series A', 'Series B'];
    if (type === 'relation') want.to = 'companies';
    assert.deepEqual(f, want);
    added.push(want);
  }
  assert.deepEqual(ws.json(['fields', 'investors']).fields.slice(1), added);
  assert.equal(ws.ok(['field', 'add', 'investors', 'Notes', 'LONG_TEXT']).stdout,
    'Added field investors.notes (long_text)\n', 'type names are case-insensitive');

  // Every field is a real column.
  const cols = sql(ws.db, "SELECT name FROM pragma_table_info('investors')").map((c) => c.name);
  assert.deepEqual(cols.slice(4), [...added.map((f) => f.slug), 'notes']);
});

test('field names become slugs; non-ASCII names work', (t) => {
  const ws = workspace(t);
  assert.equal(ws.json(['field', 'add', 'deals', 'Deal Size', 'currency']).slug, 'deal_size');
  assert.equal(ws.json(['field', 'add', 'deals', '  Next -- Step!  ', 'text']).slug, 'next_step');
  assert.equal(ws.json(['field', 'add', 'deals', 'Größe', 'number']).slug, 'grosse');
  assert.deepEqual(ws.json(['field', 'add', 'deals', '日本', 'text']),
    { slug: '日本', name: '日本', type: 'text' });
  ws.ok(['add', 'deals', 'name=Tokyo', '日本=東京', 'Deal Size=$1,200', 'grosse=3']);
  const d = ws.json(['get', 'deals', '1']);
  assert.equal(d['日本'], '東京');
  assert.equal(d.deal_size, 1200);
  assert.equal(d.grosse, 3);
  assert.deepEqual(sql(ws.db, 'SELECT "日本" AS v FROM deals'), [{ v: '東京' }]);
});

test('field add refusals', (t) => {
  const ws = workspace(t);
  const cases = [
    [['people', 'id', 'text'], 1, /'id' is a reserved name/],
    [['people', 'Created at', 'date'], 1, /reserved/],
    [['people', 'and', 'text'], 1, /reserved/],
    [['people', 'Email', 'text'], 1, /people already has a field 'email'/],
    [['people', 'LAST contacted', 'date'], 1, /already has a field 'last_contacted'/],
    [['people', '', 'text'], 1, /needs at least one letter or digit/],
    [['people', 'Kind', 'select'], 1, /needs options \(--options a,b,c\)/],
    [['people', 'Kind', 'select', '--options', 'a,,b'], 1, /option 2 is empty/],
    [['people', 'Kind', 'select', '--options', 'a,A'], 1, /option 'A' is given twice/],
    [['people', 'Kind', 'text', '--options', 'a,b'], 1, /only select and multi_select/],
    [['people', 'Boss', 'relation'], 1, /needs a target \(--to OBJECT\)/],
    [['people', 'Boss', 'relation', '--to', 'nope'], 1, /unknown object 'nope'/],
    [['people', 'Boss', 'text', '--to', 'people'], 1, /only relation fields take a target/],
    [['peple', 'Boss', 'text'], 1, /unknown object 'peple'; did you mean 'people'\?/],
    [['people', 'Boss', 'texty'], 2, /unknown field type 'texty'; did you mean 'text'\?/],
    [['people', 'Boss', 'blob'], 2, /unknown field type 'blob'; types are: text, long_text/],
  ];
  for (const [args, code, msg] of cases) {
    const err = ws.fail(['field', 'add', ...args], code);
    assert.match(err, msg, args.join(' '));
  }
  assert.deepEqual(ws.json(['fields', 'people']).fields.length, 9, 'no field was added');
});

test('field rename keeps the slug and the values', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann', 'title=CEO']);
  assert.equal(ws.ok(['field', 'rename', 'people', 'title', 'Job title']).stdout,
    "Renamed people.title to 'Job title'\n");
  const f = ws.json(['fields', 'people']).fields.find((x) => x.slug === 'title');
  assert.equal(f.name, 'Job title');
  assert.equal(ws.json(['get', 'people', '1']).title, 'CEO');
  ws.ok(['set', 'people', '1', 'Job title=CTO']);
  assert.equal(ws.json(['get', 'people', '1']).title, 'CTO', 'set by the new display name');

  let err = ws.fail(['field', 'rename', 'people', 'title', 'Email'], 1);
  assert.match(err, /already has a field/);
  err = ws.fail(['field', 'rename', 'people', 'titel', 'X'], 1);
  assert.match(err, /people has no field 'titel'; did you mean 'title'\?/);
  err = ws.fail(['field', 'rename', 'people', 'title', '...'], 1);
  assert.match(err, /needs at least one letter or digit/);
});

test('field rm needs --force; the label cannot be removed', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann', 'title=CEO']);
  let err = ws.fail(['field', 'rm', 'people', 'title'], 2);
  assert.match(err, /removing people\.title deletes its values.*--force/);
  assert.equal(ws.json(['get', 'people', '1']).title, 'CEO');

  assert.match(ws.ok(['field', 'rm', 'people', 'Title', '--force']).stdout,
    /^Removed field people\.title\n$/i);
  assert.ok(!ws.json(['fields', 'people']).fields.some((f) => f.slug === 'title'));
  assert.ok(!('title' in ws.json(['get', 'people', '1'])));
  const cols = sql(ws.db, "SELECT name FROM pragma_table_info('people')").map((c) => c.name);
  assert.ok(!cols.includes('title'), 'the column is dropped');

  err = ws.fail(['field', 'rm', 'people', 'name', '--force'], 1);
  assert.match(err, /'name' is the label of people and cannot be removed/);
  err = ws.fail(['field', 'rm', 'tasks', 'title', '--force'], 1);
  assert.match(err, /label of tasks/);
  err = ws.fail(['field', 'rm', 'people', 'nope', '--force'], 1);
  assert.match(err, /people has no field 'nope'/);

  // A field of the same name can be added again afterwards.
  ws.ok(['field', 'add', 'people', 'Title', 'long_text']);
  assert.equal(ws.json(['get', 'people', '1']).title, null);
});
