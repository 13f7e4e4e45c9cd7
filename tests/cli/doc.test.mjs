// Entry documents: kith doc OBJECT ID [--set FILE|-] [--json].
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import { workspace } from './helpers.mjs';

test('doc prints nothing until set; --set FILE and --set - round-trip exactly', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann Lee']);
  assert.equal(ws.ok(['doc', 'people', '1']).stdout, '');
  assert.deepEqual(ws.json(['doc', 'people', '1']), { object: 'people', id: 1, markdown: null });

  const md = '# Ann Lee\n\n- met at *Web Summit*\n- prefers «tea» 🍵\r\n\ttabs and "quotes" \\ kept';
  fs.writeFileSync(ws.path('ann.md'), md);
  assert.equal(ws.ok(['doc', 'People', '1', '--set', ws.path('ann.md')]).stdout,
    `Saved the document of people #1 (${Buffer.byteLength(md)} bytes)\n`);
  assert.equal(ws.ok(['doc', 'people', '1']).stdout, md, 'printed byte for byte');
  assert.deepEqual(ws.json(['doc', 'people', '1']), { object: 'people', id: 1, markdown: md });

  assert.deepEqual(ws.json(['doc', 'people', '1', '--set', '-'], { input: 'from stdin\n' }),
    { object: 'people', id: 1, markdown: 'from stdin\n' });
  assert.equal(ws.ok(['doc', 'people', '1']).stdout, 'from stdin\n');
  assert.equal(ws.sql('select markdown from kith_documents')[0].markdown, 'from stdin\n');

  assert.equal(ws.ok(['doc', 'people', '1', '--set', '-'], { input: '' }).stdout,
    'Removed the document of people #1\n');
  assert.equal(ws.ok(['doc', 'people', '1']).stdout, '');
  assert.equal(ws.sql('select count(*) as n from kith_documents')[0].n, 0);
});

test('doc changes are logged, undoable and searchable', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'companies', 'name=Acme Inc']);
  ws.ok(['doc', 'companies', '1', '--set', '-'], { input: 'quarterly review' });
  ws.ok(['doc', 'companies', '1', '--set', '-'], { input: 'annual review' });
  const log = ws.json(['log']);
  assert.deepEqual(log[0].before, { _document: 'quarterly review' });
  assert.deepEqual(log[0].after, { _document: 'annual review' });
  assert.deepEqual(log[1].before, { _document: null });
  assert.equal(log[0].op, 'update');
  assert.match(ws.ok(['log', '--limit', '1']).stdout,
    /update\s+companies #1\s+_document: quarterly review -> annual review/);

  assert.equal(ws.json(['search', 'annual']).total, 1);
  assert.equal(ws.json(['search', 'quarterly']).total, 0);
  ws.ok(['undo', String(log[0].id)]);
  assert.equal(ws.ok(['doc', 'companies', '1']).stdout, 'quarterly review');
  assert.equal(ws.json(['search', 'quarterly', 'acme']).total, 1);
  assert.equal(ws.json(['search', 'annual']).total, 0);
});

test('rm keeps the document for undo', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann Lee']);
  ws.ok(['doc', 'people', '1', '--set', '-'], { input: 'likes walruses' });
  const rm = ws.ok(['rm', 'people', '1']).stdout;
  assert.equal(ws.json(['search', 'walrus']).total, 0);
  assert.match(ws.fail(['doc', 'people', '1'], 1), /there is no people entry #1/);
  assert.equal(ws.json(['log'])[0].before._document, 'likes walruses');
  ws.ok(['undo', rm.match(/kith undo (\d+)/)[1]]);
  assert.equal(ws.ok(['doc', 'people', '1']).stdout, 'likes walruses');
  assert.equal(ws.json(['search', 'walrus']).total, 1);
});

test('doc refuses bad input with clear errors and writes nothing', (t) => {
  const ws = workspace(t);
  ws.ok(['add', 'people', 'name=Ann Lee']);
  assert.match(ws.fail(['doc', 'people', '7'], 1), /^kith: there is no people entry #7\n$/);
  assert.match(ws.fail(['doc', 'people', '7', '--set', '-'], 1, { input: 'x' }), /there is no people entry #7/);
  assert.match(ws.fail(['doc', 'peple', '1'], 1), /unknown object 'peple'; did you mean 'people'\?/);
  assert.match(ws.fail(['doc', 'people', 'x'], 2), /ID must be a positive whole number, not 'x'/);
  assert.match(ws.fail(['doc', 'people'], 2), /usage: kith doc OBJECT ID/);
  assert.match(ws.fail(['doc', 'people', '1', '--set', ws.path('missing.md')], 1),
    /cannot open .*missing\.md: No such file or directory/);
  assert.match(ws.fail(['doc', 'people', '1', '--set', '-'], 1, { input: Buffer.from([0x61, 0xc3, 0x28]) }),
    /document: not valid UTF-8/);
  assert.match(ws.fail(['doc', 'people', '1', '--set', '-'], 1, { input: Buffer.from('a\0b') }),
    /stdin: a document is text and cannot hold NUL bytes/);
  fs.writeFileSync(ws.path('big.md'), 'x'.repeat(1024 * 1024 + 1));
  assert.match(ws.fail(['doc', 'people', '1', '--set', ws.path('big.md')], 1),
    /big\.md: a document holds at most 1048576 bytes/);
  fs.writeFileSync(ws.path('max.md'), 'y'.repeat(1024 * 1024));
  ws.ok(['doc', 'people', '1', '--set', ws.path('max.md')]);
  assert.equal(ws.ok(['doc', 'people', '1']).stdout.length, 1024 * 1024);
  assert.equal(ws.json(['log']).length, 2, 'only the create and the one good set');
});
