// End-to-end tests of the streaming routes (CSV import and export, the
// server-sent events of /api/events) and of the request limits, against
// the server that harness.mjs starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';

import { KITH, SANITIZER, api, dir, env, port, request, stderr, token } from './harness.mjs';

const auth = () => ({ Authorization: `Bearer ${token}` });

// POST a CSV body written in pieces (chunked: no Content-Length).
function upload(urlPath, pieces, headers = { 'Content-Type': 'text/csv' }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: urlPath,
      headers: { ...auth(), ...headers }, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, headers: res.headers, text, json: JSON.parse(text) });
      });
    });
    req.on('error', reject);
    (async () => {
      for (const p of pieces) {
        if (!req.write(p)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })();
  });
}

// Send the start of a request on a raw socket (the body is never
// finished) and resolve with the status the server answers at once.
function rawStatus(head) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(head));
    let got = '';
    s.on('data', (d) => {
      got += d;
      const m = got.match(/^HTTP\/1\.1 (\d+)/);
      if (m) { resolve(Number(m[1])); s.destroy(); }
    });
    s.on('error', reject);
    s.on('close', () => reject(new Error('closed without an answer: ' + got)));
  });
}

// Open /api/events; resolves with { res, events, next(pred, ms), close() }.
let opened = 0;
function events() {
  opened++;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/events', headers: auth(), agent: false }, (res) => {
      const list = [];
      let waiters = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) ev.data += line.slice(6);
          }
          if (block.startsWith(':')) continue;
          ev.json = JSON.parse(ev.data);
          list.push(ev);
          waiters = waiters.filter((w) => !w());
        }
      });
      const next = (pred, ms = 5000) => new Promise((ok, fail) => {
        const t = setTimeout(() => fail(new Error('no such event; got ' + JSON.stringify(list))), ms);
        const check = () => {
          const e = list.find(pred);
          if (e) { clearTimeout(t); ok(e); return true; }
          return false;
        };
        if (!check()) waiters.push(check);
      });
      resolve({ res, events: list, next, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

test('export streams the CSV with a header and every entry', async () => {
  const count = (await api('GET', '/api/objects/companies/entries?limit=1')).json.total;
  const r = await api('GET', '/api/objects/companies/export');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^text\/csv/);
  assert.equal(r.headers['content-disposition'], 'attachment; filename="companies.csv"');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  const lines = r.text.trimEnd().split('\n');
  assert.match(lines[0], /^name,/);
  assert.equal(lines.length, count + 1);
  assert.ok(r.text.includes('Acme Inc'));
  const f = await api('GET', '/api/objects/people/export?where=' + encodeURIComponent('status = Lead'));
  assert.equal(f.status, 200);
  const leads = (await api('GET', '/api/objects/people/entries?limit=1&where=' + encodeURIComponent('status = Lead'))).json.total;
  assert.equal(f.text.trimEnd().split('\n').length, leads + 1);
});

test('export: a bad filter or object is a JSON error, not a broken CSV', async () => {
  const b = await api('GET', '/api/objects/people/export?where=' + encodeURIComponent('stauts = Lead'));
  assert.equal(b.status, 422);
  assert.match(b.headers['content-type'], /application\/json/);
  assert.match(b.json.error.message, /status/);
  assert.equal((await api('GET', '/api/objects/nope/export')).status, 404);
  assert.equal((await request('GET', '/api/objects/people/export')).status, 401);
});

test('import reads the CSV as it arrives and reports', async () => {
  const r = await upload('/api/objects/companies/import',
    ['name,domain\n', 'Zeta Works,zeta.example\nOmicron ', 'Labs,omicron.example\n']);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, 2);
  assert.equal(r.json.invalid, 0);
  const found = await api('GET', '/api/objects/companies/entries?where=' + encodeURIComponent('name = "Omicron Labs"'));
  assert.equal(found.json.total, 1);
  assert.equal(found.json.entries[0].domain, 'omicron.example');
});

test('import of a bad row: 422 with the report, nothing written; skip_invalid keeps the good rows', async () => {
  const csv = 'name,email\nGood One,good1@example.com\nBad One,not-an-email\nGood Two,good2@example.com\n';
  const r = await upload('/api/objects/people/import', [csv]);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'invalid');
  assert.equal(r.json.report.invalid, 1);
  assert.equal(r.json.report.bad_rows[0].line, 3);
  assert.match(r.json.report.bad_rows[0].message, /email/);
  const none = await api('GET', '/api/objects/people/entries?where=' + encodeURIComponent('name = "Good One"'));
  assert.equal(none.json.total, 0);
  const s = await upload('/api/objects/people/import?skip_invalid=true', [csv]);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.created, 2);
  assert.equal(s.json.invalid, 1);
  // The whole import is one change group: undo it in one go.
  assert.equal(typeof s.json.group, 'number');
});

test('import of several MiB streams through the bounded buffer', async () => {
  const rows = 40000;
  const pieces = ['name,email,title\n'];
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `Bulk Person ${i},bulk${i}@example.com,${'Engineer '.repeat(6)}${i}\n`;
    if (chunk.length > 64 * 1024) { pieces.push(chunk); chunk = ''; }
  }
  pieces.push(chunk);
  const bytes = pieces.reduce((n, p) => n + p.length, 0);
  assert.ok(bytes > 3 * 1024 * 1024, `${bytes} bytes`);
  const r = await upload('/api/objects/people/import', pieces);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.created, rows);
  const c = await api('GET', '/api/objects/people/entries?limit=1&where=' + encodeURIComponent('email = bulk39999@example.com'));
  assert.equal(c.json.total, 1);
});

test('import: wrong content type 415, unknown object 404, an announced body over 1 GiB 413 at once', async () => {
  const t = await upload('/api/objects/people/import', ['{}'], { 'Content-Type': 'application/json' });
  assert.equal(t.status, 415);
  const n = await upload('/api/objects/nope/import', ['name\nx\n']);
  assert.equal(n.status, 404);
  const big = await rawStatus('POST /api/objects/people/import HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
    `Authorization: Bearer ${token}\r\nContent-Type: text/csv\r\nContent-Length: ${2 * 1024 ** 3}\r\n\r\nname\n`);
  assert.equal(big, 413);
});

test('events: hello, then a change event for writes by the API and by another process', async () => {
  const es = await events();
  assert.equal(es.res.statusCode, 200);
  assert.match(es.res.headers['content-type'], /^text\/event-stream/);
  const hello = await es.next((e) => e.event === 'hello');
  assert.equal(typeof hello.json.last, 'number');
  const c = await api('POST', '/api/objects/people/entries', { body: { name: 'Evented Person' } });
  assert.equal(c.status, 201);
  const ev = await es.next((e) => e.event === 'change' && e.json.entry_id === c.json.id);
  assert.equal(ev.json.object, 'people');
  assert.equal(ev.json.op, 'create');
  assert.equal(ev.json.actor, 'api');
  assert.ok(ev.json.id > hello.json.last);
  const cli = spawnSync(KITH, ['add', 'companies', 'name=From The CLI', '--workspace', dir, '--json'],
    { env: env(), encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const id = JSON.parse(cli.stdout).id;
  const ev2 = await es.next((e) => e.event === 'change' && e.json.object === 'companies' && e.json.entry_id === id);
  assert.equal(ev2.json.actor, 'user');
  es.close();
});

test('events: a "layout" event when a view, a report or a field changes, by anyone', async () => {
  const es = await events();
  await es.next((e) => e.event === 'hello');
  const layouts = () => es.events.filter((e) => e.event === 'layout').length;
  const expectLayout = async (what, act) => {
    const before = layouts();
    await act();
    await es.next((e) => e.event === 'layout' && layouts() > before, 5000)
      .catch(() => assert.fail(`no layout event after ${what}`));
  };
  let view;
  await expectLayout('a new view', async () => {
    view = await api('POST', '/api/views', { body: { object: 'people', name: 'Layout event view' } });
    assert.equal(view.status, 201, view.text);
  });
  await expectLayout('a view renamed', async () => {
    const r = await api('PATCH', `/api/views/${view.json.id}`, { body: { name: 'Layout event view 2' } });
    assert.equal(r.status, 200, r.text);
  });
  await expectLayout('a view removed', async () => {
    const r = await api('DELETE', `/api/views/${view.json.id}`);
    assert.equal(r.status, 200, r.text);
  });
  await expectLayout('a report', async () => {
    const r = await api('POST', '/api/reports', { body: { name: 'Layout event report', sql: 'SELECT 1', chart: 'number' } });
    assert.equal(r.status, 201, r.text);
  });
  await expectLayout('a field added by another process', async () => {
    const cli = spawnSync(KITH, ['field', 'add', 'people', 'Layout note', 'text', '--workspace', dir],
      { env: env(), encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
  });
  await expectLayout('a field renamed', async () => {
    const r = await api('PATCH', '/api/objects/people/fields/layout_note', { body: { name: 'Layout remark' } });
    assert.equal(r.status, 200, r.text);
  });
  // An entry's change is a "change" event, not a layout one.
  const before = layouts();
  const c = await api('POST', '/api/objects/people/entries', { body: { name: 'Not a layout change' } });
  await es.next((e) => e.event === 'change' && e.json.entry_id === c.json.id);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(layouts(), before);
  es.close();
});

test('events: the server notices a client that went away', async () => {
  const es = await events();
  await es.next((e) => e.event === 'hello');
  es.close();
  // Every stream opened in this file is closed by now: each must have its
  // log line, written when the server let go of it.
  for (let i = 0; i < 60; i++) {
    const closed = (stderr.match(/GET \/api\/events 200 \d+ ms/g) || []).length;
    if (closed === opened) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('the events stream was not closed within 3 s of the client leaving');
});

test('200 concurrent creates are all persisted', async () => {
  const before = (await api('GET', '/api/objects/tasks/entries?limit=1')).json.total;
  const rs = await Promise.all(Array.from({ length: 200 }, (_, i) =>
    api('POST', '/api/objects/tasks/entries', { body: { title: `Concurrent task ${i}` } })));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  assert.equal(new Set(rs.map((r) => r.json.id)).size, 200);
  const after = (await api('GET', '/api/objects/tasks/entries?limit=1')).json.total;
  assert.equal(after, before + 200);
});

test('a URL over 8 KiB is 414; a JSON body announced over 8 MiB is 413 before it is sent', async () => {
  const long = await api('GET', '/api/objects/people/entries?where=' + 'x'.repeat(9000));
  assert.equal(long.status, 414);
  assert.equal(long.json.error.code, 'uri_too_long');
  const status = await rawStatus(`POST /api/objects/people/entries HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{"name": ');
  assert.equal(status, 413);
  assert.equal((await api('GET', '/api/health')).status, 200);
});

test('no sanitizer report so far', () => {
  assert.doesNotMatch(stderr, SANITIZER);
});
