// apply, rollback, recover against the real kernel inside a private network namespace (scripts/netns-sandbox).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { SANDBOX, TUNE_BIN } from '../helpers/repo.js';

const isRoot = process.getuid?.() === 0;
const KEYS = [
  'net.core.somaxconn',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_max_tw_buckets',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.tcp_timestamps',
];

/** Helpers available to every scenario inside the namespace. */
const PRELUDE = `
const { spawnSync, spawn } = require('child_process');
const fs = require('fs');
const BIN = ${JSON.stringify(TUNE_BIN)};
const KEYS = ${JSON.stringify(KEYS)};
const OWNED = '/etc/sysctl.d/99-tune.conf';
const values = () => Object.fromEntries(KEYS.map((k) => [k, fs.readFileSync('/proc/sys/' + k.replace(/\\./g, '/'), 'utf8').trim().replace(/\\s+/g, ' ')]));
const file = () => { try { return fs.readFileSync(OWNED, 'utf8'); } catch { return null; } };
const state = () => ({ values: values(), file: file() });
const tune = (args, env = {}) => { const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } }); return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }; };
const history = () => JSON.parse(tune(['history', '--json']).stdout);
const out = {};
`;

function inSandbox(body: string): Record<string, unknown> {
  const driver = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tune-e2e-')), 'driver.js');
  fs.writeFileSync(driver, `${PRELUDE}\n(async () => {\n${body}\nprocess.stdout.write(JSON.stringify(out));\n})();\n`);
  try {
    const r = spawnSync(SANDBOX, [process.execPath, driver], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } finally {
    fs.rmSync(path.dirname(driver), { recursive: true, force: true });
  }
}

const hostValues = () =>
  Object.fromEntries(KEYS.map((k) => [k, fs.readFileSync(`/proc/sys/${k.replace(/\./g, '/')}`, 'utf8')]));
const skip = !isRoot && 'needs root (unshare)';

test(
  'apply changes the namespace and the file; rollback restores both exactly; a rollback can be rolled back',
  { skip },
  () => {
    const host = hostValues();
    const r = inSandbox(`
    out.before = state();
    out.apply = tune(['apply', '-p', 'short-connection-api', '--yes', '-m', 'e2e']);
    out.applied = state();
    out.status = JSON.parse(tune(['status', '--json']).stdout);
    fs.writeFileSync('/proc/sys/net/core/somaxconn', '1234');
    out.drift = JSON.parse(tune(['status', '--json']).stdout).drift;
    out.refusedRollback = tune(['rollback', '--yes']);
    out.rollback = tune(['rollback', '--yes', '--force']);
    out.rolledBack = state();
    const h = history();
    out.history = h.map((e) => [e.kind, e.state, e.of ? 'of' : '']);
    out.undo = tune(['rollback', h[1].id, '--yes', '--force']);
    out.reapplied = state();
    out.noPrompt = tune(['apply', '-p', 'proxy']);
  `);
    const before = r.before as { values: Record<string, string>; file: string | null };
    const applied = r.applied as { values: Record<string, string>; file: string | null };
    assert.equal((r.apply as { status: number }).status, 0, JSON.stringify(r.apply));
    assert.deepEqual(applied.values, {
      ...before.values,
      'net.core.somaxconn': '8192',
      'net.ipv4.ip_local_port_range': '16384 65535',
      'net.ipv4.tcp_max_tw_buckets': '262144',
      'net.ipv4.tcp_tw_reuse': '1',
    });
    assert.equal(before.file, null);
    assert.match(applied.file ?? '', /^net.ipv4.tcp_tw_reuse = 1$/m);
    assert.deepEqual((r.status as { drift: string[] }).drift, []);
    assert.deepEqual(r.drift, [
      'net.core.somaxconn is 1234, tune left 8192',
      'net.core.somaxconn: runtime 1234 but boot sets 8192 (/etc/sysctl.d/99-tune.conf:5)',
    ]);
    assert.equal((r.refusedRollback as { status: number }).status, 1);
    assert.match(
      (r.refusedRollback as { stderr: string }).stderr,
      /the host changed since tune's last transaction \(not by tune\): net.core.somaxconn is 1234, tune left 8192\. Use --force/,
    );
    assert.equal((r.rollback as { status: number }).status, 0, JSON.stringify(r.rollback));
    assert.deepEqual(r.rolledBack, before, 'values and file (absent) back exactly');
    assert.deepEqual(r.history, [
      ['apply', 'rolled back', ''],
      ['rollback', 'applied', 'of'],
    ]);
    assert.equal((r.undo as { status: number }).status, 0, JSON.stringify(r.undo));
    assert.deepEqual(
      r.reapplied,
      { values: { ...applied.values, 'net.core.somaxconn': '1234' }, file: applied.file },
      'the rollback of the rollback restores the drifted state byte for byte',
    );
    assert.equal((r.noPrompt as { status: number }).status, 2);
    assert.match((r.noPrompt as { stderr: string }).stderr, /no terminal to ask for confirmation/);
    assert.deepEqual(hostValues(), host, "the host's own values are never touched");
  },
);

test('a sysctl -w value above >N stays at runtime and is never pinned into the owned file', { skip }, () => {
  const r = inSandbox(`
    out.ehash = fs.readFileSync('/proc/sys/net/ipv4/tcp_ehash_entries', 'utf8').trim();
    fs.writeFileSync('/proc/sys/net/ipv4/tcp_max_tw_buckets', '2000000');
    const planned = () => JSON.parse(tune(['plan', '-p', 'short-connection-api', '--json']).stdout);
    out.plan = planned().changes.find((c) => c.key === 'net.ipv4.tcp_max_tw_buckets');
    out.apply = tune(['apply', '-p', 'short-connection-api', '--yes']);
    out.applied = state();
    out.again = planned().summary;
  `);
  // This netns's kernel default is tcp_ehash_entries / 2: the owned file needs 262144 only when that is lower.
  const fileValue = Math.abs(Number(r.ehash)) / 2 >= 262144 ? null : '262144';
  const plan = r.plan as { status: string; target: string; fileValue: string | null; findings: { rule: string }[] };
  assert.deepEqual([plan.status, plan.target, plan.fileValue], ['same', '2000000', fileValue]);
  assert.ok(plan.findings.some((f) => f.rule === 'RUNTIME_UNPERSISTED'));
  assert.equal((r.apply as { status: number }).status, 0, JSON.stringify(r.apply));
  const applied = r.applied as { values: Record<string, string>; file: string };
  assert.equal(applied.values['net.ipv4.tcp_max_tw_buckets'], '2000000', 'the runtime is never lowered by >N');
  assert.equal(/^net.ipv4.tcp_max_tw_buckets = (.*)$/m.exec(applied.file)?.[1] ?? null, fileValue);
  assert.equal((r.again as { pending: boolean }).pending, false, 'a second plan has nothing to do');
});

test('a value the kernel rejects in the middle of a plan leaves nothing changed', { skip }, () => {
  const r = inSandbox(`
    out.before = state();
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=12345', '--set', 'net.ipv4.tcp_congestion_control=nosuchalgo', '--set', 'net.ipv4.tcp_tw_reuse=1', '--yes']);
    out.after = state();
    out.history = history().map((e) => e.state);
  `);
  const a = r.apply as { status: number; stderr: string };
  assert.equal(a.status, 1);
  assert.match(
    a.stderr,
    /net.ipv4.tcp_congestion_control: could not set net.ipv4.tcp_congestion_control = nosuchalgo: the kernel refused the write \(ENOENT\); nothing was changed/,
  );
  assert.doesNotMatch(a.stderr, /\n\s+at /);
  assert.deepEqual(r.after, r.before);
  assert.deepEqual(r.history, ['aborted']);
});

test('kill -9 at every step of apply and rollback leaves a state that recover restores exactly', { skip }, () => {
  const r = inSandbox(`
    const base = state();
    out.base = base;
    out.apply = {};
    for (const step of ['locked', 'backup', 'begin', 'runtime:net.core.somaxconn', 'runtime:net.ipv4.tcp_max_tw_buckets', 'runtime:net.ipv4.tcp_tw_reuse', 'file', 'commit']) {
      const crash = tune(['apply', '-p', 'short-connection-api', '--yes'], { TUNE_CRASH_AT: step });
      const status = JSON.parse(tune(['status', '--json']).stdout);
      const warned = tune(['plan', '-p', 'proxy']).stderr;
      const blocked = tune(['apply', '-p', 'short-connection-api', '--yes']);
      const recover = tune(['recover']);
      const recovered = state();
      if (step === 'commit' || blocked.status === 0) tune(['rollback', '--yes']);
      out.apply[step] = { signal: crash.signal, interrupted: status.interrupted ? status.interrupted.state : null, blocked: blocked.status, blockedMsg: blocked.stderr.split('\\n')[0], warned, recover: recover.stdout.trim().split(':')[0], same: JSON.stringify(recovered) === JSON.stringify(base), now: JSON.stringify(state()) === JSON.stringify(base) };
    }
    tune(['apply', '-p', 'short-connection-api', '--yes']);
    const applied = state();
    out.rollback = {};
    for (const step of ['begin', 'runtime:net.ipv4.tcp_tw_reuse', 'runtime:net.core.somaxconn', 'file']) {
      const crash = tune(['rollback', '--yes'], { TUNE_CRASH_AT: step });
      const recover = tune(['recover']);
      out.rollback[step] = { signal: crash.signal, recover: recover.stdout.trim().split(':')[0], same: JSON.stringify(state()) === JSON.stringify(applied) };
    }
  `);
  const interruptedSteps = [
    'begin',
    'runtime:net.core.somaxconn',
    'runtime:net.ipv4.tcp_max_tw_buckets',
    'runtime:net.ipv4.tcp_tw_reuse',
    'file',
  ];
  for (const [step, v] of Object.entries(r.apply as Record<string, Record<string, unknown>>)) {
    assert.equal(v.signal, 'SIGKILL', step);
    if (interruptedSteps.includes(step)) {
      assert.equal(v.interrupted, 'interrupted', step);
      assert.match(
        String(v.warned),
        /^tune: warning: transaction \S+ was interrupted; run `tune recover`/,
        `${step}: any command says so`,
      );
      assert.equal(v.blocked, 1, `${step}: a new apply refuses while a transaction is interrupted`);
      assert.match(String(v.blockedMsg), /was interrupted and not recovered; run `tune recover` first/);
      assert.match(String(v.recover), /^Recovered interrupted transaction/, step);
      assert.equal(v.same, true, `${step}: recover restores the exact prior state`);
    } else if (step === 'commit') {
      assert.equal(v.interrupted, null);
      assert.equal(v.recover, 'Nothing to recover.');
      assert.equal(v.now, true, 'committed, then rolled back');
    } else {
      assert.equal(v.interrupted, null, `${step}: nothing began`);
      assert.equal(v.blocked, 0, `${step}: the dead process's lock is taken over`);
      assert.equal(v.now, true, `${step}: the follow-up apply went through and was rolled back`);
    }
  }
  for (const [step, v] of Object.entries(r.rollback as Record<string, Record<string, unknown>>)) {
    assert.equal(v.signal, 'SIGKILL', step);
    assert.match(String(v.recover), /^Recovered interrupted transaction/, step);
    assert.equal(v.same, true, `${step}: back to the state before the rollback`);
  }
});

test('two racing applies: one wins, the other says why (the lock itself: lock-netns.test.ts)', { skip }, () => {
  const r = inSandbox(`
    const run = () => new Promise((res) => { const c = spawn(process.execPath, [BIN, 'apply', '-p', 'proxy', '--yes']); let err = ''; c.stderr.on('data', (d) => (err += d)); c.on('exit', (code) => res({ code, err })); });
    out.race = await Promise.all([run(), run()]);
    out.final = state();
  `);
  const race = r.race as { code: number; err: string }[];
  assert.ok(
    race.some((x) => x.code === 0),
    JSON.stringify(race),
  );
  // A loser either found the lock held, or took it after the winner committed and found its plan stale.
  for (const x of race.filter((y) => y.code !== 0))
    assert.match(
      x.err,
      /another tune transaction is (running \(pid \d+|starting)|the host changed since the plan was made: .* when planned, now/,
    );
  assert.equal((r.final as { values: Record<string, string> }).values['net.core.somaxconn'], '16384');
});

test('apply --plan executes a saved plan, and refuses it once the host no longer matches', { skip }, () => {
  const r = inSandbox(`
    fs.writeFileSync('/tmp/tune-e2e-plan.json', tune(['plan', '-p', 'proxy', '--json']).stdout);
    out.before = state();
    out.first = tune(['apply', '--plan', '/tmp/tune-e2e-plan.json', '--yes']);
    out.applied = state();
    tune(['rollback', '--yes']);
    fs.writeFileSync('/proc/sys/net/ipv4/tcp_tw_reuse', '0');
    out.stale = tune(['apply', '--plan', '/tmp/tune-e2e-plan.json', '--yes']);
    out.after = state();
    fs.rmSync('/tmp/tune-e2e-plan.json');
  `);
  assert.equal((r.first as { status: number }).status, 0, JSON.stringify(r.first));
  assert.equal((r.applied as { values: Record<string, string> }).values['net.core.somaxconn'], '16384');
  const stale = r.stale as { status: number; stderr: string };
  assert.equal(stale.status, 1);
  assert.match(
    stale.stderr,
    /the host no longer matches the plan: net.ipv4.tcp_tw_reuse was 2 when planned, now 0\. Make a new plan/,
  );
  assert.deepEqual((r.after as { file: string | null }).file, null, 'nothing written');
});

test(
  '--confirm-within 2 without confirmation rolls back after the parent is killed; tune confirm keeps it',
  { skip },
  () => {
    const r = inSandbox(`
    out.before = state();
    const parent = spawn('bash', ['-c', 'node ' + BIN + ' apply -p short-connection-api --yes --confirm-within 2 > /dev/null; sleep 100'], { detached: true, stdio: 'ignore' });
    for (let i = 0; i < 100 && state().values['net.core.somaxconn'] !== '8192'; i++) await new Promise((res) => setTimeout(res, 50));
    out.applied = state();
    out.pending = JSON.parse(tune(['status', '--json']).stdout).pending;
    process.kill(-parent.pid, 'SIGKILL');
    await new Promise((res) => setTimeout(res, 3500));
    out.after = state();
    out.history = history().map((e) => [e.kind, e.state]);
    out.keep = tune(['apply', '-p', 'short-connection-api', '--yes', '--confirm-within', '2']);
    out.confirm = tune(['confirm']);
    await new Promise((res) => setTimeout(res, 3000));
    out.kept = state();
    out.historyAfter = history().map((e) => e.state);
  `);
    const before = r.before as { values: Record<string, string>; file: string | null };
    assert.equal((r.applied as { values: Record<string, string> }).values['net.core.somaxconn'], '8192');
    assert.ok((r.pending as { secondsLeft: number }).secondsLeft <= 2);
    assert.deepEqual(r.after, before, 'the watchdog rolled back values and file after the parent was killed');
    assert.deepEqual(r.history, [
      ['apply', 'rolled back'],
      ['rollback', 'applied'],
    ]);
    assert.match((r.confirm as { stdout: string }).stdout, /^Confirmed transaction /);
    assert.equal((r.kept as { values: Record<string, string> }).values['net.core.somaxconn'], '8192');
    assert.deepEqual(r.historyAfter, ['rolled back', 'applied', 'applied']);
  },
);

test(
  '--dry-run changes nothing; a refusal stops --yes (exit 4) unless --skip-refused; rollback previews and needs --yes off a terminal',
  { skip },
  () => {
    const r = inSandbox(`
    out.before = state();
    out.dry = tune(['apply', '-p', 'proxy', '--dry-run']);
    out.afterDry = state();
    out.refused = tune(['apply', '--set', 'net.core.somaxconn=9000', '--set', 'net.ipv4.tcp_tw_recycle=1', '--yes']);
    out.afterRefused = state();
    out.skip = tune(['apply', '--set', 'net.core.somaxconn=9000', '--set', 'net.ipv4.tcp_tw_recycle=1', '--yes', '--skip-refused']);
    out.afterSkip = state();
    out.noYes = tune(['rollback']);
    out.rollback = tune(['rollback', '--yes']);
  `);
    const before = r.before as { values: Record<string, string> };
    assert.equal((r.dry as { status: number }).status, 0);
    assert.match(
      (r.dry as { stdout: string }).stdout,
      /Dry run: would set net.core.somaxconn, .* and write \/etc\/sysctl.d\/99-tune.conf; nothing changed\./,
    );
    assert.deepEqual(r.afterDry, r.before);
    assert.equal((r.refused as { status: number }).status, 4);
    assert.match((r.refused as { stderr: string }).stderr, /refused by a safety rule .*nothing changed/);
    assert.deepEqual(r.afterRefused, r.before);
    assert.equal((r.skip as { status: number }).status, 0, JSON.stringify(r.skip));
    assert.equal((r.afterSkip as { values: Record<string, string> }).values['net.core.somaxconn'], '9000');
    assert.doesNotMatch((r.afterSkip as { file: string }).file, /^net.ipv4.tcp_tw_recycle/m);
    assert.equal((r.noYes as { status: number }).status, 2);
    assert.match((r.noYes as { stderr: string }).stderr, /no terminal to ask for confirmation/);
    const rb = r.rollback as { status: number; stdout: string };
    assert.equal(rb.status, 0);
    assert.match(rb.stdout, new RegExp(`net.core.somaxconn: 9000 -> ${before.values['net.core.somaxconn']}`));
    assert.match(rb.stdout, /\/etc\/sysctl.d\/99-tune.conf: removed \(it did not exist before\)/);
  },
);
