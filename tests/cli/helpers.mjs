// Shared helpers for the CLI tests: run the real kith binary on a fresh
// temporary workspace, and a few small tools (sqlite3, display width).
//
// The binary is $KITH_BIN (default build/san/kith, the ASan+UBSan build),
// resolved relative to the repository root. Every run fails the test at
// once if kith crashed or a sanitizer reported anything, so each test also
// checks that bad input never crashes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const KITH = path.resolve(ROOT, process.env.KITH_BIN || 'build/san/kith');
export const FIXED_NOW = '2026-11-26T09:00:00.000Z';

const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

// A minimal, predictable environment: HOME points nowhere, so no test can
// ever touch the real ~/.kith (tests that want a HOME pass their own).
function baseEnv(extra) {
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: '/nonexistent/kith-test-home' };
  for (const k of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'])
    if (process.env[k]) env[k] = process.env[k];
  for (const [k, v] of Object.entries(extra || {}))
    if (v === undefined) delete env[k];
    else env[k] = v;
  return env;
}

// Node turns Buffer arguments into UTF-8 text (replacing invalid bytes),
// so when an argument is a Buffer the command goes through sh, which
// rebuilds every argument byte for byte from printf octal escapes.
function viaShell(args) {
  const lines = args.map((a, i) => {
    const bytes = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    const oct = [...bytes].map((b) => '\\' + b.toString(8).padStart(3, '0')).join('');
    return `a${i}=$(printf '${oct}x'); a${i}=\${a${i}%x}`;
  });
  const call = args.map((_, i) => `"$a${i}"`).join(' ');
  return ['/bin/sh', ['-c', `${lines.join('\n')}\nexec "$KITH_EXEC" ${call}`]];
}

// Run kith with args (strings or Buffers); returns {code, stdout, stderr}.
export function run(args, { env, input, cwd } = {}) {
  let file = KITH;
  let argv = args.map(String);
  const fullEnv = baseEnv(env);
  if (args.some((a) => Buffer.isBuffer(a))) {
    [file, argv] = viaShell(args);
    fullEnv.KITH_EXEC = KITH;
  }
  const r = spawnSync(file, argv, {
    env: fullEnv,
    input,
    cwd: cwd || os.tmpdir(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  const shown = args.map((a) => (Buffer.isBuffer(a) ? '<bytes>' : String(a).slice(0, 80)));
  assert.equal(r.signal, null, `kith ${shown.join(' ')} died of ${r.signal}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, SANITIZER, `kith ${shown.join(' ')} tripped a sanitizer`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A fresh temporary directory, removed after the test.
export function tmpDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-cli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A workspace in a fresh temporary directory, used through KITH_HOME.
// Options: init (run `kith init`, default true), demo, env (for every run).
export function workspace(t, { init = true, demo = false, env = {} } = {}) {
  const dir = tmpDir(t);
  const ws = {
    dir,
    db: path.join(dir, 'kith.db'),
    path: (name) => path.join(dir, name),
    run: (args, opts = {}) =>
      run(args, { ...opts, env: { KITH_HOME: dir, ...env, ...opts.env } }),
    // Run and expect exit 0 with nothing on stderr.
    ok(args, opts) {
      const r = ws.run(args, opts);
      assert.equal(r.code, 0, `kith ${args.join(' ')} failed: ${r.stderr}`);
      assert.equal(r.stderr, '', `kith ${args.join(' ')} wrote to stderr`);
      return r;
    },
    // Run with --json and parse stdout as one JSON document.
    json(args, opts) {
      return JSON.parse(ws.ok([...args, '--json'], opts).stdout);
    },
    // Run and expect failure with the given exit code; returns stderr.
    fail(args, code, opts) {
      const r = ws.run(args, opts);
      assert.equal(r.code, code,
        `kith ${args.join(' ').slice(0, 200)}: want exit ${code}, got ${r.code}\n${r.stderr}`);
      assert.equal(r.stdout, '', 'a failing command prints nothing on stdout');
      assert.match(r.stderr, /^kith: /, 'errors start with "kith: "');
      return r.stderr;
    },
    sql: (query) => sql(path.join(dir, 'kith.db'), query),
  };
  if (init) ws.ok(demo ? ['init', '--demo'] : ['init']);
  return ws;
}

// Run a query with the sqlite3 shell; rows as objects (-json mode).
export function sql(db, query) {
  const r = spawnSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `sqlite3 ${query}: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

// Terminal cells taken by s: CJK, Hangul, fullwidth forms and emoji are
// two, combining marks none, everything else one.
export function displayWidth(s) {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d) continue;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

// Contents and mtimes of every file in dir, to show that nothing changed.
export function snapshot(dir) {
  const out = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = fs.statSync(p);
    out[name] = { mtime: st.mtimeMs, mode: st.mode, bytes: fs.readFileSync(p).toString('base64') };
  }
  return out;
}

// An entry or list with its timestamps blanked, to compare two workspaces.
export function withoutTimes(value) {
  return JSON.parse(JSON.stringify(value), (k, v) =>
    k === 'created_at' || k === 'updated_at' ? '' : v);
}
