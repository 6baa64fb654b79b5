// Hostile input, table-driven: bad arguments, profiles, snapshots, saved plans, planted or garbled state directories
// and output that cannot be written. Every case must end with its documented exit status (2 bad input, 1 runtime
// error), exactly one line on stderr naming the file, field, key or flag, no stack trace, no hang, and nothing
// written: a sha256 of the case's directory (fixture root, state directory, inputs) is the same before and after.
// Cases run the built binary against a fixture root (TUNE_ROOT and TUNE_STATE_DIR point at the case's own tree, so
// nothing can reach the host), a few at a time; the last test runs a batch in scripts/netns-sandbox against the real
// kernel, digesting the namespace's net.* values (netns-driver STATE_KEYS), /etc/sysctl.d and /var/lib/tune.
// `tune check` cases follow the Monitoring Plugins protocol instead: exit 3, the one line on stdout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { makeFixtureRoot } from '../../helpers/fixture-root.js';
import { runCli, runCliAsync, ruleBreaks, treeSha256 } from '../../helpers/hostile.js';
import { KERNEL_PRESETS } from '../../helpers/kernel-presets.js';
import { inSandbox, skipUnlessRoot } from '../../helpers/netns-driver.js';
import { TUNE_BIN } from '../../helpers/repo.js';

/** One case's private tree: `root` (a fixture laid out like /), `state` (a state directory), inputs in `dir`. */
interface Ctx {
  dir: string;
  root: string;
  state: string;
  /** The template's committed transaction (cases with `template`). */
  id: string;
  p(rel: string): string;
}

interface Case {
  name: string;
  args: (x: Ctx) => string[];
  status: 1 | 2 | 3;
  /** What the one line must name. */
  names: (x: Ctx) => (string | RegExp)[];
  setup?: (x: Ctx) => void;
  /** Start from the template: a root and state directory after one committed `tune apply`. */
  template?: boolean;
  /** The case changes its root in `setup` (commands that write get a private root anyway). */
  ownRoot?: boolean;
  stdoutFull?: boolean;
  /** `tune check`: the line goes to stdout (Monitoring Plugins), exit 3. */
  plugin?: boolean;
  needsRoot?: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- cases edit parsed JSON of any shape */
type Json = any;

const SPEC = {
  release: '5.15.0-130-generic',
  sysctl: KERNEL_PRESETS['5.15.0-130-generic'] ?? {},
  files: { '/etc/sysctl.d/10-site.conf': 'net.core.somaxconn = 1024\n' },
};
const SETS = ['--set', 'net.core.somaxconn=5000', '--set', 'net.ipv4.tcp_fin_timeout=30'];
const LONG = '7'.repeat(5000);

const shared = { dir: '', pristine: '', tplRoot: '', tplState: '', id: '', snapshot: '', plan: '' };

const put = (file: string, text: string | Buffer, mode = 0o600) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
};
const clone = (text: string): Json => JSON.parse(text);
/** The edited document: what `edit` returns, or the one it changed in place when it returns nothing. */
const edited = (doc: Json, edit: (d: Json) => Json) => {
  const r = edit(doc);
  return JSON.stringify(r === undefined ? doc : r);
};
const txFile = (x: Ctx, name: string) => path.join(x.state, 'transactions', x.id, name);
/** The flags a state-directory command takes (history and confirm have no --root). */
const onState = (x: Ctx, ...cmd: string[]) => [
  ...cmd,
  ...(['history', 'confirm'].includes(cmd[0] ?? '') ? [] : ['--root', x.root]),
  '--state-dir',
  x.state,
];

// ---- case builders -------------------------------------------------------------------------------------------------

const arg = (name: string, args: string[], status: 1 | 2, names: string[], extra: Partial<Case> = {}): Case => ({
  name,
  args: (x) => args.map((a) => a.replace('@ROOT', x.root).replace('@STATE', x.state).replace('@DIR', x.dir)),
  status,
  names: () => names,
  ...extra,
});

const plugin = (name: string, args: string[], names: string[]): Case => ({
  name,
  args: (x) => ['check', ...args, '--root', x.root, '--source', 'procfs'],
  status: 3,
  names: () => names,
  plugin: true,
});

const profile = (name: string, text: string | Buffer, names: string[], more: Record<string, string> = {}): Case => ({
  name: `profile: ${name}`,
  setup: (x) => {
    put(x.p('prof/bad.conf'), text, 0o644);
    for (const [f, t] of Object.entries(more)) put(x.p(`prof/${f}`), t, 0o644);
  },
  args: (x) => ['plan', '-p', x.p('prof/bad.conf'), '--root', x.root],
  status: 2,
  names: (x) => names.map((n) => n.replace('@PROF', x.p('prof'))),
});

const snapshot = (name: string, edit: (s: Json) => Json, names: (string | RegExp)[]): Case => ({
  name: `snapshot: ${name}`,
  setup: (x) => {
    const s = clone(shared.snapshot);
    put(x.p('snap.json'), edited(s, edit));
  },
  args: (x) => ['plan', '-p', 'short-connection-api', '--snapshot', x.p('snap.json')],
  status: 2,
  names: (x) => [`${x.p('snap.json')}: `, ...names],
});

const savedPlan = (name: string, edit: (p: Json) => Json, status: 1 | 2, names: (string | RegExp)[]): Case => ({
  name: `saved plan: ${name}`,
  setup: (x) => {
    const p = clone(shared.plan);
    put(x.p('plan.json'), edited(p, edit));
  },
  args: (x) => ['apply', '--plan', x.p('plan.json'), '--yes', '--root', x.root, '--state-dir', x.state],
  status,
  names: (x) => [`${x.p('plan.json')}: `, ...names],
});

/** A committed transaction whose backup.json is edited (or replaced by `raw` text), then `cmd` runs. */
const backup = (name: string, cmd: string[], edit: (b: Json) => Json, names: string[], raw?: string): Case => ({
  name: `backup ${name}: ${cmd[0]}`,
  template: true,
  setup: (x) => {
    const b = clone(fs.readFileSync(txFile(x, 'backup.json'), 'utf8'));
    put(txFile(x, 'backup.json'), raw ?? edited(b, edit));
  },
  args: (x) => onState(x, ...cmd),
  status: 1,
  names: (x) => [`${txFile(x, 'backup.json')}: `, ...names],
});

/** The template's state directory, planted or garbled by `setup`, then `cmd` runs. */
const state = (name: string, cmd: string[], setup: (x: Ctx) => void, names: (x: Ctx) => (string | RegExp)[]): Case => ({
  name: `state: ${name}: ${cmd[0]}`,
  template: true,
  setup,
  args: (x) => onState(x, ...cmd),
  status: 1,
  names,
});

// ---- the table -----------------------------------------------------------------------------------------------------

const CASES: Case[] = [
  // Arguments and options.
  arg('unknown option', ['plan', '--bogus'], 2, ["'--bogus'"]),
  arg('unknown command', ['frobnicate'], 2, ["'frobnicate'"]),
  arg('misspelt option (commander suggests on a second line)', ['plan', '--profil', 'proxy'], 2, ["'--profil'"]),
  arg('option name with a newline', ['plan', '--bo\ngus'], 2, ['unknown option']),
  arg('option without its value', ['plan', '--profile'], 2, ['--profile']),
  arg('nothing to plan', ['plan', '--root', '@ROOT'], 2, ['nothing to plan']),
  arg('--root that does not exist (would read as an empty host)', ['audit', '--root', '@DIR/no-such-root'], 2, [
    '--root',
    'no-such-root: not a directory',
  ]),
  arg('--root naming a file', ['plan', '-p', 'proxy', '--root', '@ROOT/etc/sysctl.d/10-site.conf'], 2, [
    '10-site.conf: not a directory',
  ]),
  arg('--set without =', ['plan', '--set', 'net.core.somaxconn', '--root', '@ROOT'], 2, ['--set:1', 'KEY=VALUE']),
  arg('--set second one bad', ['plan', '--set', 'net.core.somaxconn=1', '--set', 'x y=1', '--root', '@ROOT'], 2, [
    '--set:2',
  ]),
  arg('--set key with white space', ['plan', '--set', 'net.core.some maxconn=1', '--root', '@ROOT'], 2, [
    '--set:1',
    'white space',
  ]),
  arg('--set key with ..', ['plan', '--set', 'net/../../etc/passwd=1', '--root', '@ROOT'], 2, ['--set:1', '".."']),
  arg('--set key with an empty segment', ['plan', '--set', 'net.core..somaxconn=1', '--root', '@ROOT'], 2, [
    '--set:1',
    'empty segment',
  ]),
  arg('--set key with a newline', ['plan', '--set', 'net.core\n.somaxconn=1', '--root', '@ROOT'], 2, ['--set:1']),
  arg('--set value with a newline', ['plan', '--set', 'net.core.somaxconn=1\nkernel.x=1', '--root', '@ROOT'], 2, [
    '--set:1',
    'newline',
  ]),
  arg(
    '--set 5000-character value of a known key',
    ['plan', '--set', `net.core.somaxconn=${LONG}`, '--root', '@ROOT'],
    2,
    ['--set:1', 'net.core.somaxconn'],
  ),
  arg(
    '--set 5000-character value of an unknown key',
    ['plan', '--set', `net.core.nokey=${LONG}`, '--root', '@ROOT'],
    2,
    ['--set:1', '4096'],
  ),
  arg('--set quoted value', ['plan', '--set', 'net.core.somaxconn="5"', '--root', '@ROOT'], 2, ['--set:1', 'quoted']),
  arg('--set empty value', ['plan', '--set', 'net.core.somaxconn=', '--root', '@ROOT'], 2, ['--set:1', 'empty value']),
  arg('--set negative', ['plan', '--set', 'net.core.somaxconn=-1', '--root', '@ROOT'], 2, ['--set:1', 'minimum']),
  arg('--set above the maximum', ['plan', '--set', 'net.ipv4.tcp_syn_retries=500', '--root', '@ROOT'], 2, [
    'net.ipv4.tcp_syn_retries',
    'maximum 127',
  ]),
  arg('--set inverted port range', ['plan', '--set', 'net.ipv4.ip_local_port_range=60000 1024', '--root', '@ROOT'], 2, [
    'net.ipv4.ip_local_port_range',
  ]),
  arg('--profile unknown', ['plan', '-p', 'no-such-profile', '--root', '@ROOT'], 2, ['--profile', 'no-such-profile']),
  arg('--profile empty', ['plan', '-p', '', '--root', '@ROOT'], 2, ['--profile', 'unknown profile']),
  arg('--profile missing path', ['plan', '-p', '/nonexistent/x.conf', '--root', '@ROOT'], 2, ['/nonexistent/x.conf']),
  arg('--profile is a directory', ['plan', '-p', '@DIR', '--root', '@ROOT'], 2, ['not a regular file (a directory)']),
  arg('--snapshot with --root', ['plan', '-p', 'proxy', '--snapshot', '@DIR/x.json', '--root', '@ROOT'], 2, [
    'mutually exclusive',
  ]),
  arg('apply --snapshot', ['apply', '-p', 'proxy', '--snapshot', '@DIR/x.json', '--yes'], 2, ['--snapshot']),
  arg('apply --plan with --set', ['apply', '--plan', '@DIR/p.json', '--set', 'a.b=1', '--yes'], 2, ['--plan']),
  ...['0', '86401', '1.5', 'abc'].map((v) =>
    arg(
      `--confirm-within ${JSON.stringify(v)}`,
      ['apply', ...SETS, '--yes', '--confirm-within', v, '--root', '@ROOT', '--state-dir', '@STATE'],
      2,
      ['--confirm-within'],
    ),
  ),
  ...['0', '1.5', '0x10', '1e3'].map((v) =>
    arg(`diagnose --top ${JSON.stringify(v)}`, ['diagnose', '--top', v, '--root', '@ROOT', '--source', 'procfs'], 2, [
      '--top',
    ]),
  ),
  ...['abc', '1e10', '3601', ''].map((v) =>
    arg(`diagnose --interval ${JSON.stringify(v)}`, ['diagnose', '--interval', v, '--root', '@ROOT'], 2, [
      '--interval',
    ]),
  ),
  ...['0', '1.5'].map((v) =>
    arg(`watch --count ${JSON.stringify(v)}`, ['watch', '--count', v, '--interval', '0.1', '--root', '@ROOT'], 2, [
      '--count',
    ]),
  ),
  ...['0', '1e9'].map((v) =>
    arg(`watch --interval ${JSON.stringify(v)}`, ['watch', '--interval', v, '--count', '1', '--root', '@ROOT'], 2, [
      '--interval',
    ]),
  ),
  plugin('--warn without =', ['--warn', 'foo'], ['--warn:1']),
  plugin('--crit not a number', ['--crit', 'time_wait=abc'], ['--crit:1']),
  plugin('--warn unknown metric', ['--warn', 'nosuch=5'], ['nosuch']),
  plugin('--top 0', ['--top', '0'], ['--top']),
  arg(
    'rollback id that is not one',
    ['rollback', 'not-an-id', '--yes', '--root', '@ROOT', '--state-dir', '@STATE'],
    2,
    ['not-an-id'],
  ),
  arg('rollback id with ..', ['rollback', '../../etc', '--yes', '--root', '@ROOT', '--state-dir', '@STATE'], 2, [
    '../../etc',
  ]),
  arg(
    'rollback unknown id',
    ['rollback', '20990101T000000Z-000001', '--yes', '--root', '@ROOT', '--state-dir', '@STATE'],
    1,
    ['20990101T000000Z-000001'],
  ),
  arg('profiles show unknown', ['profiles', 'show', 'no-such', '--root', '@ROOT'], 2, ['no-such']),
  arg('verify --file relative', ['verify', '--file', 'etc/sysctl.d/x.conf', '--root', '@ROOT'], 2, ['--file']),
  arg('plan --file relative', ['plan', ...SETS, '--file', 'x.conf', '--root', '@ROOT'], 2, ['--file']),
  arg('plan --file naming the sysctl.d directory', ['plan', ...SETS, '--file', '/etc/sysctl.d', '--root', '@ROOT'], 2, [
    '/etc/sysctl.d:',
    'NAME.conf',
  ]),
  arg('plan --file /etc/passwd', ['plan', ...SETS, '--file', '/etc/passwd', '--root', '@ROOT'], 2, ['/etc/passwd:']),
  {
    name: 'plan --file naming a directory under the root',
    ownRoot: true,
    setup: (x) => fs.mkdirSync(path.join(x.root, 'etc/sysctl.d/dir.conf')),
    args: (x) => ['plan', ...SETS, '--file', '/etc/sysctl.d/dir.conf', '--root', x.root],
    status: 1,
    names: () => ['/etc/sysctl.d/dir.conf: '],
  },
  {
    name: 'apply --file naming a directory under the root',
    ownRoot: true,
    setup: (x) => fs.mkdirSync(path.join(x.root, 'etc/sysctl.d/dir.conf')),
    args: (x) => [
      'apply',
      ...SETS,
      '--yes',
      '--file',
      '/etc/sysctl.d/dir.conf',
      '--root',
      x.root,
      '--state-dir',
      x.state,
    ],
    status: 1,
    names: () => ['/etc/sysctl.d/dir.conf: '],
  },
  {
    name: 'the owned file is a directory (default --file)',
    ownRoot: true,
    setup: (x) => fs.mkdirSync(path.join(x.root, 'etc/sysctl.d/99-tune.conf')),
    args: (x) => ['apply', ...SETS, '--yes', '--root', x.root, '--state-dir', x.state],
    status: 1,
    names: () => ['/etc/sysctl.d/99-tune.conf: '],
  },
  arg('snapshot -o into a missing directory', ['snapshot', '--root', '@ROOT', '-o', '@DIR/no/such/x.json'], 1, [
    'no/such/x.json',
  ]),
  arg(
    'metrics -o into a missing directory',
    ['metrics', '--root', '@ROOT', '--source', 'procfs', '-o', '@DIR/no/x.prom'],
    1,
    ['no/x.prom'],
  ),

  // Standard output that cannot be written.
  arg('plan --root empty (would be the real root)', ['plan', ...SETS, '--root', ''], 2, ['--root']),
  arg('confirm --state-dir empty (would be the current directory)', ['confirm', '--state-dir', ''], 2, ['--state-dir']),
  {
    ...arg('check > /dev/full (UNKNOWN)', ['check', '--root', '@ROOT', '--source', 'procfs'], 2, ['standard output'], {
      stdoutFull: true,
    }),
    status: 3,
  },
  arg('plan > /dev/full', ['plan', ...SETS, '--root', '@ROOT'], 1, ['standard output', 'ENOSPC'], { stdoutFull: true }),
  arg('--help > /dev/full', ['--help'], 1, ['standard output'], { stdoutFull: true }),
  arg('snapshot > /dev/full', ['snapshot', '--root', '@ROOT'], 1, ['standard output'], { stdoutFull: true }),
  arg(
    'apply --yes > /dev/full (nothing applied)',
    ['apply', ...SETS, '--yes', '--root', '@ROOT', '--state-dir', '@STATE'],
    1,
    ['standard output'],
    { stdoutFull: true },
  ),
  {
    name: 'history --json > /dev/full',
    template: true,
    args: (x) => onState(x, 'history', '--json'),
    status: 1,
    names: () => ['standard output'],
    stdoutFull: true,
  },
  {
    name: 'rollback --yes > /dev/full (nothing rolled back)',
    template: true,
    args: (x) => onState(x, 'rollback', '--yes'),
    status: 1,
    names: () => ['standard output'],
    stdoutFull: true,
  },

  // Profile files.
  profile('malformed section header', '[sysctl\nnet.core.somaxconn = 1\n', ['@PROF/bad.conf:1: ', 'section']),
  profile('line without =', '[sysctl]\nnet.core.somaxconn\n', ['@PROF/bad.conf:2: ']),
  profile('duplicate key', '[sysctl]\nnet.core.somaxconn = 1\nnet.core.somaxconn = 2\n', [
    '@PROF/bad.conf:3: ',
    'duplicate',
  ]),
  profile('key with an empty segment', '[sysctl]\nnet..core = 1\n', ['@PROF/bad.conf:2: ']),
  profile('key with ..', '[sysctl]\nnet/../../x = 1\n', ['@PROF/bad.conf:2: ', '".."']),
  profile('>N with a word', '[sysctl]\nnet.core.somaxconn = >abc\n', ['@PROF/bad.conf:2: ']),
  profile('include of an unknown profile', '[main]\ninclude = no-such-profile\n', [
    '@PROF/bad.conf:2: ',
    'no-such-profile',
  ]),
  profile('include cycle', '[main]\ninclude = other.conf\n', ['include cycle'], {
    'other.conf': '[main]\ninclude = bad.conf\n',
  }),
  profile('include of a directory', '[main]\ninclude = sub.conf\n', ['not a regular file (a directory)'], {
    'sub.conf/x': '',
  }),
  profile('binary garbage', Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x5b]), ['@PROF/bad.conf:1: ']),
  profile('blank value', '[sysctl]\nnet.core.somaxconn =   \n', ['@PROF/bad.conf:2: ', 'empty value']),
  profile('5000-character value', `[sysctl]\nnet.core.nokey = ${LONG}\n`, ['@PROF/bad.conf:2: ', '4096']),
  profile('__proto__ as a key', '[sysctl]\n__proto__ = 1\n', ['@PROF/bad.conf:2: __proto__: ']),
  profile('ini list syntax', '[sysctl]\nnet.core.somaxconn[] = 1\n', ['@PROF/bad.conf:2: ']),
  // Snapshot files: every field, every wrong type.
  {
    name: 'snapshot: not JSON, over two lines',
    setup: (x) => put(x.p('snap.json'), '{"schemaVersion":\n x}'),
    args: (x) => ['plan', '-p', 'proxy', '--snapshot', x.p('snap.json')],
    status: 2,
    names: (x) => [`${x.p('snap.json')}: `, 'JSON'],
  },
  {
    name: 'snapshot: a directory',
    args: (x) => ['plan', '-p', 'proxy', '--snapshot', x.state],
    status: 2,
    names: (x) => [`${x.state}: `],
  },
  {
    name: 'snapshot: missing',
    args: (x) => ['plan', '-p', 'proxy', '--snapshot', x.p('none.json')],
    status: 2,
    names: (x) => [`${x.p('none.json')}: `, 'ENOENT'],
  },
  snapshot('a list', () => [], ['object']),
  snapshot('schemaVersion missing', (s) => void delete s.schemaVersion, ['schemaVersion']),
  snapshot('takenAt a number', (s) => void (s.takenAt = 5), ['takenAt: expected a string']),
  snapshot('hostname null', (s) => void (s.hostname = null), ['hostname: ']),
  snapshot('kernel.release a number', (s) => void (s.kernel.release = 5), ['kernel.release']),
  snapshot('sysctl a list', (s) => void (s.sysctl = []), ['sysctl: ']),
  snapshot('sysctl entry null', (s) => void (s.sysctl['net.core.somaxconn'] = null), [
    'sysctl["net.core.somaxconn"]: ',
  ]),
  snapshot('sysctl value a number', (s) => void (s.sysctl['net.core.somaxconn'].value = 5), [
    'sysctl["net.core.somaxconn"].value: expected a string',
  ]),
  snapshot('sysctl state unknown', (s) => void (s.sysctl['net.core.somaxconn'].state = 'weird'), [
    'sysctl["net.core.somaxconn"].state',
  ]),
  snapshot('sysctl key with ..', (s) => void (s.sysctl['net/../../x'] = { state: 'ok', value: '1', writable: true }), [
    'sysctl["net/../../x"]',
  ]),
  snapshot('config not a list', (s) => void (s.config = {}), ['config: ']),
  snapshot('config entry null', (s) => void s.config.push(null), [/config\[\d+\]: /]),
  snapshot(
    'config content a number',
    (s) =>
      void s.config.push({
        path: '/etc/sysctl.d/1.conf',
        dir: '/etc/sysctl.d',
        name: '1.conf',
        kind: 'file',
        content: 5,
      }),
    [/config\[\d+\]\.content: /],
  ),
  snapshot(
    'config kind unknown',
    (s) => void s.config.push({ path: '/etc/sysctl.d/1.conf', dir: '/etc/sysctl.d', name: '1.conf', kind: 'fifo' }),
    [/config\[\d+\]\.kind: /],
  ),
  snapshot('env missing', (s) => void delete s.env, ['env: ']),
  snapshot('env.listeners entry null', (s) => void (s.env.listeners = [null]), ['env.listeners[0]: ']),
  snapshot(
    'env.listeners port a string',
    (s) => void (s.env.listeners = [{ family: 4, address: '0.0.0.0', port: 'x' }]),
    ['env.listeners[0].port'],
  ),
  snapshot('env.listeners family 5', (s) => void (s.env.listeners = [{ family: 5, address: '0.0.0.0', port: 80 }]), [
    'env.listeners[0].family',
  ]),
  snapshot('env.modules numbers', (s) => void (s.env.modules = [1]), ['env.modules[0]']),
  snapshot('env.nat.evidence a string', (s) => void (s.env.nat.evidence = 'x'), ['env.nat.evidence']),
  snapshot('env.container.detected a string', (s) => void (s.env.container.detected = 'yes'), [
    'env.container.detected',
  ]),
  snapshot('env.memTotalKiB a string', (s) => void (s.env.memTotalKiB = 'lots'), ['env.memTotalKiB']),
  snapshot('env.pageSize 0', (s) => void (s.env.pageSize = 0), ['env.pageSize']),
  // Saved plans, tampered in each field.
  savedPlan('summary missing', (p) => void delete p.summary, 2, ['summary']),
  savedPlan('summary.pending a string', (p) => void (p.summary.pending = 'yes'), 2, ['summary.pending']),
  savedPlan('a null change', (p) => void p.changes.push(null), 2, [/changes\[\d+\]: /]),
  savedPlan('a target as a number', (p) => void (p.changes[0].target = 5), 2, ['changes[0].target']),
  savedPlan('a key as a number', (p) => void (p.changes[0].key = 5), 2, ['changes[0].key']),
  savedPlan('a key with ..', (p) => void (p.changes[0].key = 'net/../../x'), 2, ['changes[0].key']),
  savedPlan('findings of a change null', (p) => void (p.changes[0].findings = null), 2, ['changes[0].findings']),
  savedPlan('boot a number', (p) => void (p.changes[0].boot = 5), 2, ['changes[0].boot']),
  savedPlan('status skipped', (p) => void (p.changes[0].status = 'skipped'), 2, ['changes[0].status']),
  savedPlan('owned path /etc/passwd', (p) => void (p.file.path = '/etc/passwd'), 2, ['file.path: ', 'NAME.conf']),
  savedPlan('file before tampered', (p) => void (p.file.before = 'x = 1\n'), 1, ['99-tune.conf']),
  savedPlan('file null', (p) => void (p.file = null), 2, ['file: ']),
  savedPlan('schemaVersion missing', (p) => void delete p.schemaVersion, 2, ['schemaVersion']),
  savedPlan('allow not a list', (p) => void (p.allow = 'TW_RECYCLE_REMOVED'), 2, ['allow']),
  savedPlan('profiles not a list', (p) => void (p.profiles = 'proxy'), 2, ['profiles']),
  savedPlan('an override without =', (p) => void (p.overrides = ['net.core.somaxconn']), 2, [
    'overrides[0]: ',
    'KEY=VALUE',
  ]),
  savedPlan('an unknown profile', (p) => void (p.profiles = ['no-such-profile']), 2, ['profiles: ', 'no-such-profile']),
  savedPlan('requests nothing', (p) => void ((p.overrides = []), (p.profiles = [])), 2, ['requests nothing']),
  {
    name: 'saved plan: a directory',
    args: (x) => ['apply', '--plan', x.state, '--yes', '--root', x.root, '--state-dir', x.state],
    status: 2,
    names: (x) => [`${x.state}: `, 'directory'],
  },
  {
    name: 'saved plan: larger than 16 MiB',
    setup: (x) => {
      put(x.p('plan.json'), '');
      fs.truncateSync(x.p('plan.json'), 17 * 1024 * 1024);
    },
    args: (x) => ['apply', '--plan', x.p('plan.json'), '--yes', '--root', x.root, '--state-dir', x.state],
    status: 2,
    names: (x) => [`${x.p('plan.json')}: `, 'larger'],
  },

  // Backups that tune did not write.
  backup('{}', ['history'], () => ({}), ['schemaVersion']),
  backup('{}', ['status'], () => ({}), ['schemaVersion']),
  backup('{}', ['rollback', '--yes'], () => ({}), ['schemaVersion']),
  backup('{}', ['reset', '--yes'], () => ({}), ['schemaVersion']),
  backup('null', ['history'], () => null, ['object'], 'null'),
  backup('null', ['rollback', '--yes'], () => null, ['object'], 'null'),
  backup('not JSON', ['history'], () => null, ['JSON'], '{"schemaVersion": 2,\n'),
  backup('with files [null]', ['history'], (b) => void (b.after.files = [null]), ['after.files[0]']),
  backup('with a numeric key', ['status'], (b) => void (b.after.runtime = [{ key: 5, value: '1' }]), [
    'after.runtime[0].key',
  ]),
  backup('with a key with ..', ['rollback', '--yes'], (b) => void (b.before.runtime[0].key = 'net/../../x'), [
    'before.runtime[0].key',
  ]),
  backup('writing /etc/passwd', ['rollback', '--yes'], (b) => void (b.before.files[0].path = '/etc/passwd'), [
    'before.files[0].path',
  ]),
  backup(
    'with a wrong checksum',
    ['rollback', '--yes'],
    (b) => void (b.before.files[0] = { ...b.after.files[0], sha256: '0'.repeat(64) }),
    ['before.files[0].bytes', 'checksum'],
  ),
  backup('with an unknown kind', ['history'], (b) => void (b.kind = 'bogus'), ['kind']),
  backup('with a two-line value', ['status'], (b) => void (b.before.runtime[0].value = '1\n2'), [
    'before.runtime[0].value',
  ]),
  state(
    'backup {} of an interrupted transaction',
    ['recover'],
    (x) => {
      put(txFile(x, 'backup.json'), '{}');
      put(txFile(x, 'journal'), '{"step":"begin"}\n');
    },
    (x) => [`${txFile(x, 'backup.json')}: `],
  ),
  state(
    'backup null of an interrupted transaction',
    ['apply', ...SETS, '--yes'],
    (x) => {
      put(txFile(x, 'backup.json'), 'null');
      put(txFile(x, 'journal'), '{"step":"begin"}\n');
    },
    (x) => [x.id, 'tune recover'],
  ),
  state(
    'backup missing',
    ['history'],
    (x) => fs.rmSync(txFile(x, 'backup.json')),
    (x) => [`${txFile(x, 'backup.json')}: `],
  ),
  state(
    'backup a directory',
    ['status'],
    (x) => {
      fs.rmSync(txFile(x, 'backup.json'));
      fs.mkdirSync(txFile(x, 'backup.json'), { mode: 0o700 });
    },
    (x) => [`${txFile(x, 'backup.json')}: `],
  ),
  state(
    'garbage journal line before the commit',
    ['history'],
    (x) => put(txFile(x, 'journal'), `garbage\n${fs.readFileSync(txFile(x, 'journal'), 'utf8')}`),
    (x) => [`${txFile(x, 'journal')}:1: `],
  ),
  state(
    'a journal line that is not a record',
    ['rollback', '--yes'],
    (x) => put(txFile(x, 'journal'), `${fs.readFileSync(txFile(x, 'journal'), 'utf8')}5\n`),
    () => [/journal:\d+: /],
  ),
  state(
    'journal a directory',
    ['status'],
    (x) => {
      fs.rmSync(txFile(x, 'journal'));
      fs.mkdirSync(txFile(x, 'journal'), { mode: 0o700 });
    },
    (x) => [`${txFile(x, 'journal')}: `],
  ),
  state(
    'a file named like a transaction',
    ['history'],
    (x) => put(path.join(x.state, 'transactions', '20990101T000000Z-000009'), 'x'),
    () => ['20990101T000000Z-000009: '],
  ),
  state(
    'a transaction folder that is a symlink',
    ['history'],
    (x) =>
      fs.symlinkSync(
        path.join(x.state, 'transactions', x.id),
        path.join(x.state, 'transactions', '20990101T000000Z-000009'),
      ),
    () => ['20990101T000000Z-000009: ', 'symlink'],
  ),
  state(
    'transactions is a file',
    ['rollback', '--yes'],
    (x) => {
      fs.rmSync(path.join(x.state, 'transactions'), { recursive: true });
      put(path.join(x.state, 'transactions'), 'x');
    },
    (x) => [`${path.join(x.state, 'transactions')}: `],
  ),
  {
    name: 'state: the state directory is a file: history',
    setup: (x) => {
      fs.rmSync(x.state, { recursive: true });
      put(x.state, 'x');
    },
    args: (x) => ['history', '--state-dir', x.state],
    status: 1,
    names: (x) => [`${x.state}: `, 'not a directory'],
  },
  state(
    'the state directory writable by others',
    ['status'],
    (x) => fs.chmodSync(x.state, 0o777),
    (x) => [`${x.state}: `, 'writable'],
  ),
  state(
    'the state directory is a symlink',
    ['rollback', '--yes'],
    (x) => {
      fs.renameSync(x.state, `${x.state}.real`);
      fs.symlinkSync(`${x.state}.real`, x.state);
    },
    (x) => [`${x.state}: `, 'symlink'],
  ),
  {
    ...state(
      'the state directory owned by another user',
      ['apply', ...SETS, '--yes'],
      (x) => fs.chownSync(x.state, 4242, 4242),
      (x) => [`${x.state}: `, 'uid 4242'],
    ),
    needsRoot: true,
  },
  state(
    'pending confirmation not JSON',
    ['confirm'],
    (x) => put(path.join(x.state, 'pending-confirmation.json'), '{"id":'),
    (x) => [`${path.join(x.state, 'pending-confirmation.json')}: `],
  ),
  state(
    'pending confirmation with a bad id',
    ['apply', ...SETS, '--yes'],
    (x) =>
      put(
        path.join(x.state, 'pending-confirmation.json'),
        '{"id":"../../x","deadline":"2099-01-01T00:00:00Z","watchdogPid":null,"root":"/"}',
      ),
    (x) => [`${path.join(x.state, 'pending-confirmation.json')}: `, 'id'],
  ),
];

// ---- running them --------------------------------------------------------------------------------------------------

before(() => {
  shared.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-hostile-'));
  const fixture = makeFixtureRoot(SPEC);
  shared.pristine = path.join(shared.dir, 'pristine');
  fs.renameSync(fixture, shared.pristine);
  const env = { TUNE_ROOT: shared.pristine, TUNE_STATE_DIR: path.join(shared.dir, 'none') };
  const snap = runCli({ args: ['snapshot'], env, cwd: shared.dir });
  assert.equal(snap.status, 0, snap.stderr);
  shared.snapshot = snap.stdout;
  const plan = runCli({ args: ['plan', ...SETS, '--json'], env, cwd: shared.dir });
  assert.equal(plan.status, 0, plan.stderr);
  shared.plan = plan.stdout;
  // The template: one committed apply, its backup and journal as tune wrote them.
  shared.tplRoot = path.join(shared.dir, 'tpl-root');
  shared.tplState = path.join(shared.dir, 'tpl-state');
  fs.cpSync(shared.pristine, shared.tplRoot, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(shared.tplState, 'transactions'), { recursive: true, mode: 0o700 });
  fs.chmodSync(shared.tplState, 0o700);
  const tpl = { TUNE_ROOT: shared.tplRoot, TUNE_STATE_DIR: shared.tplState };
  const applied = runCli({ args: ['apply', ...SETS, '--yes'], env: tpl, cwd: shared.dir });
  assert.equal(applied.status, 0, applied.stderr);
  shared.id = fs.readdirSync(path.join(shared.tplState, 'transactions'))[0] ?? '';
});

after(() => fs.rmSync(shared.dir, { recursive: true, force: true }));

/** Commands that write under the root: each such case gets a private copy of the fixture. */
const WRITERS = ['apply', 'rollback', 'reset', 'recover', 'confirm'];

async function runCase(c: Case): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(shared.dir, 'case-'));
  const p = (rel: string) => path.join(dir, rel);
  const command = c.args({ dir, root: '', state: '', id: '', p })[0] ?? '';
  // Read-only commands share the pristine root (copying it per case is most of a case's cost); it is digested too.
  const own = c.template === true || c.ownRoot === true || WRITERS.includes(command);
  const x: Ctx = { dir, root: own ? p('root') : shared.pristine, state: p('state'), id: shared.id, p };
  if (own)
    fs.cpSync(c.template ? shared.tplRoot : shared.pristine, x.root, { recursive: true, verbatimSymlinks: true });
  if (c.template) fs.cpSync(shared.tplState, x.state, { recursive: true });
  else fs.mkdirSync(path.join(x.state, 'transactions'), { recursive: true, mode: 0o700 });
  c.setup?.(x);
  const digest = () => `${treeSha256(dir)} ${own ? '' : treeSha256(shared.pristine)}`;
  const before = digest();
  const got = await runCliAsync({
    args: c.args(x),
    env: { TUNE_ROOT: x.root, TUNE_STATE_DIR: x.state },
    cwd: dir,
    stdoutFull: c.stdoutFull === true,
  });
  const problems = ruleBreaks(got, { status: c.status, names: c.names(x), plugin: c.plugin === true });
  if (digest() !== before) problems.push('something was written (the digest of the root, state or inputs changed)');
  if (problems.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  return problems;
}

/** Cases are independent (each has its own tree), so a few run side by side to keep the suite fast. */
const PARALLEL = 4;

test(
  `hostile input: ${CASES.length} cases, each one line, the right exit status, nothing written`,
  { concurrency: PARALLEL },
  async (t) => {
    assert.ok(CASES.length >= 100, `${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, 'case names are distinct');
    await Promise.all(
      CASES.map((c) =>
        t.test(c.name, { skip: c.needsRoot && skipUnlessRoot }, async () => {
          const problems = await runCase(c);
          assert.deepEqual(problems, [], `${c.name}: ${problems.join('; ')}`);
        }),
      ),
    );
  },
);

test('a closed pipe on stdout: tune stops at once, quietly, with 141 (as if killed by SIGPIPE)', () => {
  // More than a pipe buffer of output, so the reader is gone before tune is done writing.
  const snap = JSON.parse(shared.snapshot) as Json;
  snap.config.push({
    path: '/etc/sysctl.d/99-tune.conf',
    dir: '/etc/sysctl.d',
    name: '99-tune.conf',
    kind: 'file',
    content: '# big\n'.repeat(40_000),
  });
  const file = path.join(shared.dir, 'big-snapshot.json');
  put(file, JSON.stringify(snap));
  const script = `"${process.execPath}" "${TUNE_BIN}" plan --set net.core.somaxconn=5000 --snapshot "${file}" --json | head -c1 >/dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`;
  const piped = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(piped.stderr, 'exit=141\n', 'no message, exit 141');
});

test('tolerated: a torn last journal line, odd names in transactions/, a journal without begin and no backup', () => {
  const dir = fs.mkdtempSync(path.join(shared.dir, 'tolerated-'));
  const stateDir = path.join(dir, 'state');
  fs.cpSync(shared.tplState, stateDir, { recursive: true });
  const tx = path.join(stateDir, 'transactions');
  fs.appendFileSync(path.join(tx, shared.id, 'journal'), '{"step":"confirm'); // torn by a crash
  fs.mkdirSync(path.join(tx, 'garbage'), { mode: 0o700 });
  fs.mkdirSync(path.join(tx, `${shared.id}.bak`), { mode: 0o700 });
  fs.mkdirSync(path.join(tx, '20990101T000000Z-000009'), { mode: 0o700 }); // crashed before its backup was durable
  put(path.join(tx, '20990101T000000Z-000009', 'backup.json'), '{"schemaVersion": 2, "id"');
  const r = runCli({ args: ['history', '--json'], env: { TUNE_STATE_DIR: stateDir }, cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    (JSON.parse(r.stdout) as { id: string; state: string }[]).map((e) => [e.id, e.state]),
    [[shared.id, 'applied']],
  );
});

/** Cases that run in the sandbox against the real kernel, default root and state directory, one after another. */
const SANDBOX_CASES: { name: string; plant: string; args: string[]; status: 1 | 2; names: string[]; full?: boolean }[] =
  [
    {
      name: 'apply > /dev/full',
      plant: '',
      args: ['apply', '--set', 'net.core.somaxconn=4444', '--yes'],
      status: 1,
      names: ['standard output'],
      full: true,
    },
    {
      name: 'apply --file naming a directory',
      plant: `fs.mkdirSync('/etc/sysctl.d/dir.conf')`,
      args: ['apply', ...SETS, '--yes', '--file', '/etc/sysctl.d/dir.conf'],
      status: 1,
      names: ['/etc/sysctl.d/dir.conf: '],
    },
    {
      name: 'apply --plan without summary',
      plant: `const p = JSON.parse(tune(['plan', ...${JSON.stringify(SETS)}, '--json']).stdout); delete p.summary; fs.writeFileSync(TMP + '/plan.json', JSON.stringify(p))`,
      args: ['apply', '--plan', '@TMP/plan.json', '--yes'],
      status: 2,
      names: ['/plan.json: ', 'summary'],
    },
    {
      name: 'apply --plan with a null change',
      plant: `const p = JSON.parse(tune(['plan', ...${JSON.stringify(SETS)}, '--json']).stdout); p.changes.push(null); fs.writeFileSync(TMP + '/plan.json', JSON.stringify(p))`,
      args: ['apply', '--plan', '@TMP/plan.json', '--yes'],
      status: 2,
      names: ['/plan.json: ', 'changes[2]'],
    },
    {
      name: 'backup {}: status',
      plant: `fs.writeFileSync(BACKUP, '{}')`,
      args: ['status'],
      status: 1,
      names: ['backup.json: '],
    },
    {
      name: 'backup {}: history',
      plant: `fs.writeFileSync(BACKUP, '{}')`,
      args: ['history'],
      status: 1,
      names: ['backup.json: '],
    },
    {
      name: 'backup {}: rollback',
      plant: `fs.writeFileSync(BACKUP, '{}')`,
      args: ['rollback', '--yes'],
      status: 1,
      names: ['backup.json: '],
    },
    {
      name: 'backup {}: reset',
      plant: `fs.writeFileSync(BACKUP, '{}')`,
      args: ['reset', '--yes'],
      status: 1,
      names: ['backup.json: '],
    },
    {
      name: 'backup null: recover',
      plant: `fs.writeFileSync(BACKUP, 'null'); fs.writeFileSync(JOURNAL, '{"step":"begin"}\\n')`,
      args: ['recover'],
      status: 1,
      names: ['backup.json: '],
    },
    {
      name: 'backup writing /etc/passwd: rollback',
      plant: `const b = JSON.parse(fs.readFileSync(BACKUP, 'utf8')); b.before.files[0].path = '/etc/passwd'; fs.writeFileSync(BACKUP, JSON.stringify(b))`,
      args: ['rollback', '--yes'],
      status: 1,
      names: ['backup.json: ', 'before.files[0].path'],
    },
    {
      name: 'garbage journal line: rollback',
      plant: `fs.writeFileSync(JOURNAL, 'garbage\\n' + fs.readFileSync(JOURNAL, 'utf8'))`,
      args: ['rollback', '--yes'],
      status: 1,
      names: ['journal:1: '],
    },
    {
      name: 'journal a directory: apply',
      plant: `fs.rmSync(JOURNAL); fs.mkdirSync(JOURNAL, { mode: 0o700 })`,
      args: ['apply', '--set', 'net.core.somaxconn=4444', '--yes'],
      status: 1,
      names: ['journal: '],
    },
    {
      name: 'pending confirmation garbage: apply',
      plant: `fs.writeFileSync('/var/lib/tune/pending-confirmation.json', 'garbage', { mode: 0o600 })`,
      args: ['apply', '--set', 'net.core.somaxconn=4444', '--yes'],
      status: 1,
      names: ['pending-confirmation.json: '],
    },
    {
      name: 'pending confirmation garbage: confirm',
      plant: `fs.writeFileSync('/var/lib/tune/pending-confirmation.json', '[]', { mode: 0o600 })`,
      args: ['confirm'],
      status: 1,
      names: ['pending-confirmation.json: '],
    },
    {
      name: 'state directory writable by others: apply',
      plant: `fs.chmodSync('/var/lib/tune', 0o777)`,
      args: ['apply', '--set', 'net.core.somaxconn=4444', '--yes'],
      status: 1,
      names: ['/var/lib/tune: '],
    },
    {
      name: 'rollback > /dev/full',
      plant: '',
      args: ['rollback', '--yes'],
      status: 1,
      names: ['standard output'],
      full: true,
    },
  ];

test(
  `hostile input in the sandbox: ${SANDBOX_CASES.length} cases against the real kernel, /etc/sysctl.d and /var/lib/tune`,
  { skip: skipUnlessRoot },
  () => {
    const r = inSandbox(`
const crypto = require('crypto');
const path = require('path');
const digest = () => {
  const h = crypto.createHash('sha256');
  for (const k of KEYS) h.update(k + '=' + value(k) + '\\n');
  const walk = (p) => { const st = fs.lstatSync(p); h.update(p + ' ' + st.mode + '\\n'); if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) walk(path.join(p, n)); else if (st.isFile()) h.update(fs.readFileSync(p)); };
  walk('/etc/sysctl.d'); walk('/var/lib/tune');
  return h.digest('hex');
};
const TMP = fs.mkdtempSync('/tmp/tune-hostile-sandbox-');
const run = (args, full) => {
  args = args.map((a) => a.replace('@TMP', TMP));
  const fd = full ? fs.openSync('/dev/full', 'w') : undefined;
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', stdio: ['ignore', fd ?? 'pipe', 'pipe'], timeout: 10000, killSignal: 'SIGKILL' });
  if (fd !== undefined) fs.closeSync(fd);
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: !!r.error };
};
const applied = run(${JSON.stringify(['apply', ...SETS, '--yes'])});
if (applied.status !== 0) throw new Error('baseline apply: ' + applied.stderr);
const ID = fs.readdirSync('/var/lib/tune/transactions')[0];
const BACKUP = '/var/lib/tune/transactions/' + ID + '/backup.json';
const JOURNAL = '/var/lib/tune/transactions/' + ID + '/journal';
const saved = { backup: fs.readFileSync(BACKUP), journal: fs.readFileSync(JOURNAL) };
const reset = () => {
  fs.rmSync(BACKUP, { recursive: true, force: true }); fs.rmSync(JOURNAL, { recursive: true, force: true });
  fs.writeFileSync(BACKUP, saved.backup, { mode: 0o600 }); fs.writeFileSync(JOURNAL, saved.journal, { mode: 0o600 });
  fs.rmSync('/var/lib/tune/pending-confirmation.json', { force: true }); fs.rmSync('/etc/sysctl.d/dir.conf', { recursive: true, force: true });
  fs.chmodSync('/var/lib/tune', 0o700);
};
out.cases = {};
for (const c of ${JSON.stringify(SANDBOX_CASES)}) {
  reset();
  eval(c.plant);
  const before = digest();
  const got = run(c.args, c.full);
  out.cases[c.name] = { got, same: digest() === before };
}
reset();
fs.rmSync(TMP, { recursive: true, force: true });
`);
    const cases = r.cases as Record<string, { got: Parameters<typeof ruleBreaks>[0]; same: boolean }>;
    const failures: string[] = [];
    for (const c of SANDBOX_CASES) {
      const one = cases[c.name];
      if (!one) {
        failures.push(`${c.name}: did not run`);
        continue;
      }
      const problems = ruleBreaks(one.got, { status: c.status, names: c.names });
      if (!one.same) problems.push('the namespace values, /etc/sysctl.d or /var/lib/tune changed');
      if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${SANDBOX_CASES.length} sandbox cases failed`);
  },
);
