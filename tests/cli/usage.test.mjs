// The command line itself: help, usage errors (exit 2) and global options.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { workspace } from './helpers.mjs';

// Commands as `kith help` lists them: "  name words   summary".
function commands(ws) {
  const out = ws.ok(['help']).stdout;
  return out.split('\n')
    .map((l) => l.match(/^ {2}(\S+(?: \S+)?)\s{2,}\S/))
    .filter(Boolean)
    .map((m) => m[1]);
}

test('kith help lists the commands; kith alone is a usage error', (t) => {
  const ws = workspace(t, { init: false });
  const names = commands(ws);
  for (const name of ['init', 'objects', 'object add', 'object rename', 'object rm', 'fields',
    'field add', 'field rename', 'field rm', 'add', 'get', 'set', 'rm', 'ls', 'log', 'undo',
    'version', 'help'])
    assert.ok(names.includes(name), `help lists ${name}`);
  assert.equal(ws.ok(['--help']).stdout, ws.ok(['help']).stdout);
  assert.equal(ws.ok(['-h']).stdout, ws.ok(['help']).stdout);

  const r = ws.run([]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^kith: a local-first CRM/);
  assert.match(r.stderr, /usage: kith COMMAND/);
});

test('--help on every command prints its usage and exits 0', (t) => {
  const ws = workspace(t, { init: false });
  for (const name of commands(ws)) {
    const words = name.split(' ');
    for (const flag of ['--help', '-h']) {
      const r = ws.ok([...words, flag]);
      assert.match(r.stdout, new RegExp(`^usage: kith ${name}\\b.*\\n.+\\n$`), `${name} ${flag}`);
    }
    // --help wins over missing or bad arguments, and needs no workspace.
    assert.match(ws.ok([...words, 'x', 'y', 'z', 'w', '--help']).stdout, /^usage: /);
    assert.equal(ws.ok(['help', ...words]).stdout, ws.ok([...words, '--help']).stdout);
  }
  assert.equal(ws.ok(['field', 'add', '--help']).stdout,
    'usage: kith field add OBJECT NAME TYPE [--options a,b] [--to OBJECT]\nadd a field\n');
  assert.equal(ws.ok(['ls', '--help']).stdout,
    'usage: kith ls OBJECT [--where EXPR] [--sort -field,field] [--limit N] [--offset N] [--cursor C] [--view NAME] [--csv]\nlist entries\n');
});

test('unknown commands exit 2, with a suggestion when one is close', (t) => {
  const ws = workspace(t);
  const cases = [
    [['lss', 'people'], "kith: unknown command 'lss'; did you mean 'ls'?\n"],
    [['objcts'], "kith: unknown command 'objcts'; did you mean 'objects'?\n"],
    [['feilds', 'people'], "kith: unknown command 'feilds'; did you mean 'fields'?\n"],
    [['undoo', '3'], "kith: unknown command 'undoo'; did you mean 'undo'?\n"],
    [['frobnicate'], "kith: unknown command 'frobnicate' (see: kith help)\n"],
    [['--frob'], "kith: unknown command '--frob' (see: kith help)\n"],
  ];
  for (const [args, err] of cases)
    assert.equal(ws.fail(args, 2), err, args.join(' '));
  assert.match(ws.fail(['object', 'frob', 'x'], 2), /^kith: unknown command 'object'/);
});

test('bad options and argument counts exit 2 with the usage line', (t) => {
  const ws = workspace(t);
  const cases = [
    [['ls', 'people', '--bogus'], "unknown option '--bogus'", 'kith ls OBJECT'],
    [['ls', 'people', '--force'], "unknown option '--force'", 'kith ls OBJECT'],
    [['add', 'people', '--sort', 'name'], "unknown option '--sort'", 'kith add OBJECT'],
    [['ls', 'people', '--sort'], "option '--sort' needs a value", 'kith ls OBJECT'],
    [['object', 'rm', 'people', '--force=yes'], "option '--force' takes no value", 'kith object rm'],
    [['ls'], 'missing arguments', 'kith ls OBJECT'],
    [['ls', 'people', 'companies'], 'too many arguments', 'kith ls OBJECT'],
    [['get', 'people'], 'missing arguments', 'kith get OBJECT ID'],
    [['set', 'people', '1'], 'missing arguments', 'kith set OBJECT ID'],
    [['add'], 'missing arguments', 'kith add OBJECT'],
    [['field', 'add', 'people', 'Nick'], 'missing arguments', 'kith field add OBJECT NAME TYPE'],
    [['object', 'add'], 'missing arguments', 'kith object add NAME'],
    [['object', 'rename', 'people'], 'missing arguments', 'kith object rename'],
    [['version', 'x'], 'too many arguments', 'kith version'],
    [['get', 'people', 'abc'], "ID must be a positive whole number, not 'abc'", 'kith get OBJECT ID'],
    [['rm', 'people', '1x'], "ID must be a positive whole number, not '1x'", 'kith rm OBJECT ID'],
    [['set', 'people', 'one', 'name=x'], "ID must be a positive whole number, not 'one'", 'kith set'],
    [['set', 'people', '1', 'name'], "expected field=value, not 'name'", 'kith set'],
  ];
  for (const [args, msg, usage] of cases) {
    const err = ws.fail(args, 2);
    assert.ok(err.startsWith(`kith: ${msg}\n`), `${args.join(' ')}: ${err}`);
    assert.ok(err.includes(`\nusage: ${usage}`), `${args.join(' ')} shows its usage: ${err}`);
  }
  assert.equal(ws.json(['log']).length, 0, 'no usage error changed anything');
});

test('global options go anywhere; -- ends the options', (t) => {
  const ws = workspace(t);
  assert.equal(ws.json(['add', 'people', 'name=Ann']).id, 1);
  const a = ws.ok(['--json', 'get', 'people', '1']).stdout;
  assert.equal(ws.ok(['get', '--json', 'people', '1']).stdout, a);
  assert.equal(ws.ok(['get', 'people', '1', '--json']).stdout, a);

  // --workspace takes the place of KITH_HOME, before or after the command.
  const other = workspace(t);
  other.ok(['add', 'people', 'name=Zed']);
  assert.equal(ws.json(['get', 'people', '1', '--workspace', other.dir]).name, 'Zed');
  assert.equal(ws.json(['--workspace', other.dir, 'get', 'people', '1']).name, 'Zed');
  assert.equal(ws.json(['--json', `--workspace=${other.dir}`, 'field', 'add', 'people', 'Nick', 'text']).slug, 'nick');
  assert.match(ws.fail(['--json', 'frob'], 2), /unknown command '--json'/);
  assert.equal(ws.json(['get', 'people', '1', `--workspace=${other.dir}`]).name, 'Zed');
  assert.match(ws.fail(['get', 'people', '1', '--workspace'], 2), /option '--workspace' needs a value/);

  // After --, arguments that look like options are values.
  const r = ws.ok(['add', '--json', 'people', '--', 'name=--json']);
  assert.equal(JSON.parse(r.stdout).name, '--json');
  assert.equal(ws.json(['add', 'people', 'name=-', 'title=-x']).title, '-x');
});

test('tour shows the workspace at a glance', (t) => {
  const ws = workspace(t, { demo: true });
  const out = ws.ok(['tour']).stdout;
  assert.match(out, new RegExp(`^Workspace: ${ws.dir}\\n`));
  assert.match(out, /\npeople\s+People\s+9\s+200\n/);
  assert.match(out, /A few people:/);
  assert.match(out, /Try: kith ls people/);
});
