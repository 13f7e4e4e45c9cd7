// The web UI's entries table on 1,000,000 people (issue 7's target: smooth
// scrolling through 1,000,000 entries; 16.7 ms a frame is the 60 Hz
// budget). Debian's chromium (headless, driven by playwright-core, the
// flags of tests/browser/browser.mjs) at 1024x720 against `kith serve` on
// the workspace bench/http.sh keeps in its cache. It measures:
//   - first rows: a full page load of #/o/people until the first rows of
//     the table are in the DOM (performance.now(), from navigation start);
//   - scrolling: 200 px per frame for N frames, set in requestAnimationFrame;
//     the time between frames (median, p95, max), the rows in the DOM and
//     the frames that showed a placeholder (a row not loaded yet) in view;
//   - a jump with the scrollbar to the middle (scrollTop of row N/2): the
//     time until the rows in view are drawn as placeholders, then as rows,
//     and the list requests it took;
//   - an inline edit in view there: Enter on a Name cell, type, Enter;
//     the time until the PATCH answered and the cell shows the value (the
//     old value is put back through the API afterwards, and the live
//     refresh that follows must show it there without moving the view);
//   - the filter bar, at the top: type `status = Lead`; the time from the
//     last keystroke until the entry count shows the leads (it includes
//     the filter bar's 250 ms pause in typing), and the list request's own.
//
//   node bench/web_table.mjs [--n 1000000] [--frames 600] [--step 200]
//       [--kith build/kith] [--jump-timeout 300]
//
// The workspace is ${HTTP_CACHE:-${TMPDIR:-/tmp}/kith-bench-http}/people-N;
// bench/http.sh makes it (bench/run ends with it). The edit leaves that
// entry's updated_at moved. The last line is one JSON object.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const N = Number(opt('n', 1000000));
const FRAMES = Number(opt('frames', 600));
const STEP = Number(opt('step', 200));
const KITH = opt('kith', process.env.KITH_BIN || 'build/kith');
const JUMP_TIMEOUT_MS = Number(opt('jump-timeout', 300)) * 1000;
const CHROMIUM = process.env.KITH_CHROMIUM || '/usr/bin/chromium';
const CACHE = process.env.HTTP_CACHE || path.join(process.env.TMPDIR || '/tmp', 'kith-bench-http');
const WORKSPACE = path.join(CACHE, `people-${N}`);
const BUDGET_MS = 1000 / 60;
const ROW_HEIGHT = 32; // web/table-layout.js
const FILTER = 'status = Lead';
const FILTER_PAUSE_MS = 250; // web/controls.js, FILTER_DELAY_MS
// The flags of tests/browser/browser.mjs: no sandbox (root), no GPU, no
// background traffic to Google's hosts.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function fail(message) {
  console.error(`bench/web_table.mjs: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(path.join(WORKSPACE, '.complete')))
  fail(`${WORKSPACE} is missing: run bench/http.sh first (HTTP_N=${N}), which fills it and keeps it`);
if (!fs.existsSync(KITH)) fail(`${KITH} is missing; build it with: make`);
if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: apt-get install chromium (scripts/install-deps)`);
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  fail('playwright-core is not installed: run `npm ci` in the repository root');
}

const ms = (x) => (x === null || x === undefined ? null : Number(x.toFixed(1)));
// Nearest-rank percentile of numbers.
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// `kith serve` on the workspace; resolves with {server, url} once it has
// printed its login URL.
async function startServer() {
  const port = await freePort();
  const server = spawn(KITH, ['serve', '--quiet', '--workspace', WORKSPACE, '--port', String(port)], {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: WORKSPACE },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\S+#token=\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`kith serve exited (${code}): ${out}`)));
  });
  return { server, url };
}

const { server, url: loginUrl } = await startServer();
const base = new URL(loginUrl).origin;
const token = fs.readFileSync(path.join(WORKSPACE, 'token'), 'utf8').trim();
const api = async (method, p, body) => {
  const res = await fetch(base + p, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
const cleanup = () => { server.kill(); };
process.on('exit', cleanup);

try {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*: (.*)$/m) || [])[1];
  console.log(`machine: ${os.cpus().length} CPUs, ${cpu || 'unknown CPU'}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, ` +
    `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`date:    ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`);
  console.log(`browser: chromium ${browser.version()} headless, 1024x720; ${N} people in ${WORKSPACE}`);
  console.log();

  const context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
  context.setDefaultTimeout(60000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));

  // Log in through the printed URL (the session cookie), then leave.
  await page.goto(loginUrl);
  await page.waitForURL((u) => !u.hash.includes('token='));
  await page.locator('#screen > *').first().waitFor();
  await page.goto('about:blank');

  // ---- first rows: a full load of the table ----
  // Stamps (performance.now(), from navigation start) of the first drawn
  // row and of the entry count, taken by a MutationObserver that is in
  // place before the page's own scripts run.
  await page.addInitScript(() => {
    const marks = (window.__benchMarks = {});
    const seen = new MutationObserver(() => {
      if (!marks.firstRow && document.querySelector('#spacer > .row[data-id]')) marks.firstRow = performance.now();
      if (!marks.total && /\d/.test(document.getElementById('total')?.textContent || '')) marks.total = performance.now();
      if (marks.firstRow && marks.total) seen.disconnect();
    });
    seen.observe(document, { childList: true, subtree: true, characterData: true });
  });
  const t0 = performance.now();
  await page.goto(`${base}/#/o/people`);
  await page.waitForFunction(() => window.__benchMarks.firstRow && window.__benchMarks.total);
  const wall = performance.now() - t0;
  const load = await page.evaluate(() => ({
    ...window.__benchMarks,
    dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
  }));
  console.log('== first rows of #/o/people (full page load)');
  console.log(`first rows drawn ${ms(load.firstRow)} ms after navigation start ` +
    `(entry count shown at ${ms(load.total)} ms, DOMContentLoaded ${ms(load.dcl)} ms; ` +
    `${ms(wall)} ms as the driver saw it)`);
  console.log();

  // ---- scrolling ----
  const scroll = await page.evaluate(({ frames, step, rowHeight }) => new Promise((resolve) => {
    const vp = document.getElementById('viewport');
    const head = document.getElementById('header').offsetHeight;
    const gaps = [];
    const rows = [];
    let placeholderFrames = 0;
    let last = 0;
    let i = 0;
    let pos = vp.scrollTop;
    // What the previous frame showed: rows in the DOM, and whether a
    // placeholder lay in view.
    const look = () => {
      const drawn = vp.querySelectorAll('#spacer > .row');
      rows.push(drawn.length);
      const top = vp.scrollTop - head;
      const first = Math.floor(top / rowHeight);
      const end = (top + vp.clientHeight - head) / rowHeight;
      for (const r of vp.querySelectorAll('#spacer > .row.placeholder')) {
        const at = Number(r.getAttribute('aria-rowindex')) - 2;
        if (at >= first && at < end) { placeholderFrames++; break; }
      }
    };
    const tick = (t) => {
      if (last) gaps.push(t - last);
      last = t;
      if (i > 0) look();
      if (i++ === frames) return resolve({ gaps, rows, placeholderFrames, end: vp.scrollTop });
      pos += step;
      vp.scrollTop = pos;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), { frames: FRAMES, step: STEP, rowHeight: ROW_HEIGHT });
  const frame = {
    median: percentile(scroll.gaps, 50), p95: percentile(scroll.gaps, 95), max: Math.max(...scroll.gaps),
    over: scroll.gaps.filter((g) => g > BUDGET_MS * 1.5).length,
  };
  console.log(`== scrolling ${STEP} px a frame for ${FRAMES} frames (to row ${Math.floor(scroll.end / ROW_HEIGHT)})`);
  console.log(`frame time: median ${ms(frame.median)} ms, p95 ${ms(frame.p95)} ms, max ${ms(frame.max)} ms; ` +
    `${frame.over} of ${scroll.gaps.length} frames longer than 1.5 x ${ms(BUDGET_MS)} ms (a missed frame)`);
  console.log(`rows in the DOM: median ${percentile(scroll.rows, 50)}, max ${Math.max(...scroll.rows)}; ` +
    `frames with a placeholder in view: ${scroll.placeholderFrames}`);
  console.log();

  // ---- a jump with the scrollbar to the middle ----
  const middle = Math.floor(N / 2);
  const jump = await page.evaluate(({ row, rowHeight, timeout }) => new Promise((resolve) => {
    const vp = document.getElementById('viewport');
    const head = document.getElementById('header').offsetHeight;
    const status = document.getElementById('status');
    const t = performance.now();
    const out = { placeholders: null, rows: null };
    performance.clearResourceTimings();
    vp.scrollTop = head + row * rowHeight;
    // Each frame: are the rows in view there, as placeholders or as rows?
    const check = () => {
      const top = vp.scrollTop - head;
      const first = Math.floor(top / rowHeight);
      const last = Math.ceil((top + vp.clientHeight - head) / rowHeight) - 1;
      const inView = [...vp.querySelectorAll('#spacer > .row')].filter((r) => {
        const at = Number(r.getAttribute('aria-rowindex')) - 2;
        return at >= first && at <= last;
      });
      const complete = inView.length >= last - first + 1;
      const real = inView.filter((r) => !r.classList.contains('placeholder')).length;
      if (complete && out.placeholders === null) out.placeholders = performance.now() - t;
      if (complete && real === inView.length) {
        out.rows = performance.now() - t;
        out.id = Number(inView.find((r) => Number(r.getAttribute('aria-rowindex')) - 2 > first).dataset.id);
        out.heap = performance.memory?.usedJSHeapSize;
        const lists = performance.getEntriesByType('resource').filter((r) => r.name.includes('/entries?'));
        out.requests = lists.length;
        out.byOffset = lists.filter((r) => new URL(r.name).searchParams.has('offset')).length;
        return resolve(out);
      }
      if (performance.now() - t > timeout) return resolve({ ...out, status: status.textContent });
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }), { row: middle, rowHeight: ROW_HEIGHT, timeout: JUMP_TIMEOUT_MS });
  console.log(`== scrollbar jump to row ${middle} (scrollTop ${middle * ROW_HEIGHT} px)`);
  console.log(`placeholders in view after ${ms(jump.placeholders)} ms; ` + (jump.rows === null
    ? `the rows were not drawn within ${JUMP_TIMEOUT_MS / 1000} s (status: "${jump.status}")`
    : `the rows drawn after ${ms(jump.rows)} ms (${jump.requests} list requests, ` +
      `${jump.byOffset} of them by offset; JS heap then ${jump.heap ? (jump.heap / 2 ** 20).toFixed(0) : '?'} MB)`));
  console.log();

  // ---- an inline edit there (or at the top when the jump did not finish) ----
  if (!jump.id) {
    await page.evaluate(() => { document.getElementById('viewport').scrollTop = 0; });
    await page.locator('#spacer > .row[data-id][aria-rowindex="4"]').waitFor();
  }
  const id = jump.id || Number(await page.locator('#spacer > .row[aria-rowindex="4"]').getAttribute('data-id'));
  const entryPath = `/api/objects/people/entries/${id}`;
  const before = (await api('GET', entryPath)).name;
  const value = `Bench ${Date.now()}`;
  const cell = page.locator(`#spacer > .row[data-id="${id}"] [data-field="name"]`);
  await cell.click();
  await page.keyboard.press('Enter');
  const input = page.locator('.cell-editor input');
  await input.waitFor();
  await input.fill(value);
  await page.evaluate(({ id, value, entryPath }) => {
    performance.clearResourceTimings();
    const result = (window.__benchEdit = {});
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !result.enter) result.enter = e.timeStamp;
    }, { capture: true, once: true });
    const spacer = document.getElementById('spacer');
    const shown = new MutationObserver(() => {
      const c = spacer.querySelector(`.row[data-id="${id}"] [data-field="name"]`);
      if (c && c.textContent === value && !spacer.querySelector('.cell-editor')) {
        result.shown = performance.now();
        const patch = performance.getEntriesByType('resource').find((r) => r.name.endsWith(entryPath));
        result.patch = patch ? patch.responseEnd - patch.startTime : null;
        result.answered = patch ? patch.responseEnd : null;
        shown.disconnect();
      }
    });
    shown.observe(spacer, { childList: true, subtree: true, characterData: true });
  }, { id, value, entryPath });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__benchEdit.shown);
  const edit = await page.evaluate(() => window.__benchEdit);
  await api('PATCH', entryPath, { name: before });
  // The changes come back through /api/events and the table refreshes:
  // 2 s later, where is the view, is it drawn, and does the cell show the
  // value put back through the API?
  const viewRow = () => page.evaluate((rowHeight) => {
    const vp = document.getElementById('viewport');
    const head = document.getElementById('header').offsetHeight;
    return Math.floor(Math.max(0, vp.scrollTop - head) / rowHeight);
  }, ROW_HEIGHT);
  const rowBefore = await viewRow();
  await page.waitForTimeout(2000);
  const afterEdit = await page.evaluate(({ id, before }) => ({
    placeholders: document.querySelectorAll('#spacer > .row.placeholder').length,
    putBack: document.querySelector(`#spacer > .row[data-id="${id}"] [data-field="name"]`)?.textContent === before,
  }), { id, before });
  afterEdit.row = await viewRow();
  console.log(`== inline edit of entry ${id}'s Name (Enter, type, Enter)`);
  console.log(`Enter to the cell showing the new value: ${ms(edit.shown - edit.enter)} ms ` +
    `(the PATCH answered after ${edit.answered ? ms(edit.answered - edit.enter) : '?'} ms, ` +
    `${ms(edit.patch)} ms on the wire); ` +
    `value put back through the API`);
  console.log(`2 s later (after the changes' live refresh): the view's top row is ${afterEdit.row} ` +
    `(it was ${rowBefore}), ${afterEdit.placeholders} placeholders in the DOM; the cell shows the value ` +
    `put back through the API: ${afterEdit.putBack ? 'yes' : 'NO'}`);
  console.log();

  // ---- the filter bar, at the top ----
  await page.evaluate(() => { document.getElementById('viewport').scrollTop = 0; });
  await page.locator('#spacer > .row[data-id][aria-rowindex="2"]').waitFor();
  const leads = (await api('GET', `/api/objects/people/entries?where=${encodeURIComponent(FILTER)}&limit=1`)).total;
  await page.locator('#filter').click();
  await page.evaluate((leads) => {
    performance.clearResourceTimings();
    const result = (window.__benchFilter = {});
    const filter = document.getElementById('filter');
    filter.addEventListener('input', (e) => { result.input = e.timeStamp; });
    const total = document.getElementById('total');
    const shown = new MutationObserver(() => {
      if (Number(total.textContent.replace(/\D/g, '')) !== leads) return;
      result.shown = performance.now();
      const list = performance.getEntriesByType('resource').filter((r) => r.name.includes('where=')).pop();
      result.request = list ? list.responseEnd - list.startTime : null;
      shown.disconnect();
    });
    shown.observe(total, { childList: true, subtree: true, characterData: true });
  }, leads);
  await page.keyboard.type(FILTER);
  await page.waitForFunction(() => window.__benchFilter.shown);
  const filtered = await page.evaluate(() => window.__benchFilter);
  console.log(`== filter bar: typed \`${FILTER}\` (${leads} match)`);
  console.log(`last keystroke to the count shown: ${ms(filtered.shown - filtered.input)} ms ` +
    `(${FILTER_PAUSE_MS} ms of it the pause the filter bar waits for; the list request ${ms(filtered.request)} ms)`);
  console.log();

  if (problems.length) console.log(`page errors: ${problems.join('; ')}`);
  const smooth = frame.median <= BUDGET_MS * 1.05 && frame.p95 <= BUDGET_MS * 1.5;
  console.log(`target (smooth scrolling, ${ms(BUDGET_MS)} ms a frame): ${smooth ? 'met' : 'NOT met'} ` +
    `(median ${ms(frame.median)} ms, p95 ${ms(frame.p95)} ms)`);
  console.log(JSON.stringify({
    bench: 'web_table', n: N, frames: FRAMES, step_px: STEP,
    first_rows_ms: ms(load.firstRow), frame_median_ms: ms(frame.median), frame_p95_ms: ms(frame.p95),
    frame_max_ms: ms(frame.max), frames_missed: frame.over, rows_in_dom_max: Math.max(...scroll.rows),
    placeholder_frames: scroll.placeholderFrames,
    jump_placeholders_ms: jump.placeholders === null ? null : ms(jump.placeholders),
    jump_rows_ms: jump.rows === null ? null : ms(jump.rows),
    jump_heap_mb: jump.heap ? Math.round(jump.heap / 2 ** 20) : null,
    jump_requests: jump.requests ?? null,
    edit_ms: ms(edit.shown - edit.enter), edit_patch_ms: ms(edit.patch), row_after_refresh: afterEdit.row,
    row_before_refresh: rowBefore, refresh_shows_change: afterEdit.putBack,
    filter_ms: ms(filtered.shown - filtered.input), filter_request_ms: ms(filtered.request),
    page_errors: problems.length,
  }));
} finally {
  await browser.close();
  cleanup();
}
process.exit(0);
