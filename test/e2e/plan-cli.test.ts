// The built binary (dist/tune.js): exit codes, one-line errors, JSON, snapshots, read-only behaviour.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { makeFixtureRoot, treeDigest, withFixture } from '../helpers/fixture-root.js';
import { KERNEL_PRESETS } from '../helpers/kernel-presets.js';
import { runTune, TUNE_BIN } from '../helpers/repo.js';

const fixture = { release: '5.15.0-130-generic', sysctl: KERNEL_PRESETS['5.15.0-130-generic'] ?? {} };
const isRoot = process.getuid?.() === 0;

const assertOneLineError = (r: { status: number; stderr: string; stdout: string }, expected: RegExp) => {
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line, got:\n${r.stderr}`);
  assert.match(r.stderr, expected);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
};

test('plan on this machine: a table, a diff, exit 0; --json is the documented shape', () => {
  const r = runTune(['plan', '--profile', 'short-connection-api']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^KEY\s+NOW\s+AT BOOT\s+TARGET\s+STATUS$/m);
  assert.match(r.stdout, /Nothing was written\./);
  const j = runTune(['plan', '-p', 'short-connection-api', '--json']);
  const plan = JSON.parse(j.stdout);
  assert.equal(plan.schemaVersion, 1);
  assert.equal(plan.kernel, os.release());
  for (const c of plan.changes) {
    assert.deepEqual(
      Object.keys(c)
        .filter((k) => ['key', 'current', 'boot', 'target', 'status', 'findings'].includes(k))
        .sort(),
      ['boot', 'current', 'findings', 'key', 'status', 'target'],
    );
  }
  assert.deepEqual(Object.keys(plan.file).sort(), ['after', 'before', 'diff', 'path']);
});

test('exit codes: 3 with --detailed-exitcode when changes are pending, 0 when the host already matches, 4 on refusal', () => {
  withFixture(fixture, (root) => {
    const pending = runTune(['plan', '-p', 'short-connection-api', '--root', root, '--detailed-exitcode']);
    assert.equal(pending.status, 3, pending.stderr);
    assert.equal(runTune(['plan', '-p', 'short-connection-api', '--root', root]).status, 0);
    const after = JSON.parse(runTune(['plan', '--set', 'net.core.somaxconn=4096', '--root', root, '--json']).stdout)
      .file.after;
    fs.mkdirSync(path.join(root, 'etc/sysctl.d'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/sysctl.d/99-tune.conf'), after);
    const clean = runTune(['plan', '--set', 'net.core.somaxconn=4096', '--root', root, '--detailed-exitcode']);
    assert.equal(clean.status, 0, clean.stdout);
    assert.match(clean.stdout, /is already up to date/);
    const refused = runTune(['plan', '--set', 'net.ipv4.tcp_tw_recycle=1', '--root', root, '--detailed-exitcode']);
    assert.equal(refused.status, 4);
    assert.match(refused.stdout, /REFUSE TW_RECYCLE_REMOVED/);
  });
});

test('bad input: one line naming file, line and key; exit 2; no stack; nothing written', () => {
  withFixture(fixture, (root) => {
    const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-prof-'));
    const prof = path.join(profDir, 'bad.conf');
    fs.writeFileSync(
      prof,
      '[main]\nsummary = x\n[sysctl]\nnet.core.somaxconn = 4096\nnet.ipv4.tcp_syn_retries = 500\n',
    );
    const before = treeDigest(root);
    assertOneLineError(
      runTune(['plan', '-p', prof, '--root', root]),
      new RegExp(`^${prof}:5: net.ipv4.tcp_syn_retries: 500 is above the maximum 127\\n$`),
    );
    fs.writeFileSync(prof, '[sysctl]\nnet.core.somaxconn\n');
    assertOneLineError(runTune(['plan', '-p', prof, '--root', root]), /bad\.conf:2: expected "key = value"/);
    assertOneLineError(
      runTune(['plan', '-p', 'no-such-profile', '--root', root]),
      /^--profile: unknown profile "no-such-profile"/,
    );
    assertOneLineError(
      runTune(['plan', '--set', 'net/../../etc/passwd=1', '--root', root]),
      /^--set:1: net\/\.\.\/\.\.\/etc\/passwd: key may not contain "\.\."/,
    );
    assertOneLineError(
      runTune(['plan', '--set', 'net.core.somaxconn=1\nkernel.x=1', '--root', root]),
      /^--set:1: net.core.somaxconn: value contains a NUL or newline/,
    );
    assertOneLineError(runTune(['plan', '--root', root]), /^tune: nothing to plan/);
    assertOneLineError(runTune(['plan', '--bogus']), /unknown option '--bogus'/);
    const snap = path.join(root, 'snap.json');
    fs.writeFileSync(snap, '{"schemaVersion": 99}');
    assertOneLineError(
      runTune(['plan', '-p', 'proxy', '--snapshot', snap]),
      /snap\.json: not a tune snapshot: schemaVersion 99 is not supported/,
    );
    fs.rmSync(snap);
    fs.rmSync(profDir, { recursive: true, force: true });
    assert.equal(treeDigest(root), before, 'nothing written under the root');
  });
});

test('snapshot then plan offline gives the same plan as planning the root directly', () => {
  const root = makeFixtureRoot({ ...fixture, files: { '/etc/sysctl.d/10-site.conf': 'net.core.somaxconn = 1024\n' } });
  const out = path.join(os.tmpdir(), `tune-snap-${process.pid}.json`);
  try {
    const s = runTune(['snapshot', '--root', root, '-o', out]);
    assert.equal(s.status, 0, s.stderr);
    const snap = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(snap.schemaVersion, 1);
    assert.equal(snap.kernel.release, '5.15.0-130-generic');
    const live = JSON.parse(runTune(['plan', '-p', 'proxy', '--root', root, '--json']).stdout);
    fs.rmSync(root, { recursive: true, force: true });
    const offline = JSON.parse(runTune(['plan', '-p', 'proxy', '--snapshot', out, '--json']).stdout);
    delete live.createdAt;
    delete offline.createdAt;
    delete live.snapshot.takenAt;
    delete offline.snapshot.takenAt;
    assert.deepEqual(offline, live);
    assert.equal(
      offline.changes.find((c: { key: string }) => c.key === 'net.core.somaxconn').boot.file,
      '/etc/sysctl.d/10-site.conf',
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(out, { force: true });
  }
});

test('snapshot --all records every net.* key of this machine', () => {
  const r = runTune(['snapshot', '--all']);
  assert.equal(r.status, 0, r.stderr);
  const keys = Object.keys(JSON.parse(r.stdout).sysctl);
  assert.ok(keys.includes('net.ipv4.tcp_congestion_control'));
  assert.ok(keys.filter((k) => k.startsWith('net.')).length > 100);
});

test('profiles: list and show, human and JSON', () => {
  const list = JSON.parse(runTune(['profiles', '--json']).stdout);
  assert.deepEqual(
    list.map((p: { name: string }) => p.name),
    ['nfs-client', 'proxy', 'short-connection-api', 'syn-flood-guard'],
  );
  const show = JSON.parse(runTune(['profiles', 'show', 'proxy', '--json']).stdout);
  const somaxconn = show.settings.find((s: { key: string }) => s.key === 'net.core.somaxconn');
  assert.equal(somaxconn.origin.profile, 'proxy');
  assert.deepEqual(
    somaxconn.overrides.map((o: { profile: string }) => o.profile),
    ['short-connection-api'],
  );
  const human = runTune(['profiles', 'show', 'proxy']);
  assert.match(human.stdout, /^net.ipv4.tcp_tw_reuse = 1$/m);
  assert.match(human.stdout, /from: short-connection-api \(/);
});

test('every command has --help with an example and the exit codes', () => {
  for (const cmd of [
    ['plan'],
    ['snapshot'],
    ['profiles'],
    ['profiles', 'show'],
    ['diagnose'],
    ['metrics'],
    ['watch'],
  ]) {
    const r = runTune([...cmd, '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ tune /, cmd.join(' '));
    assert.match(r.stdout, /4 {2}something asked for was refused/);
  }
  const check = runTune(['check', '--help']);
  assert.match(check.stdout, /Examples:\n {2}\$ tune check/);
  assert.match(check.stdout, /0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN/);
});

test(
  'colours only on a terminal, and never with NO_COLOR',
  { skip: !fs.existsSync('/usr/bin/script') && 'util-linux script(1) missing' },
  () => {
    const onTty = (env: Record<string, string>) =>
      spawnSync('script', ['-qec', `${process.execPath} ${TUNE_BIN} plan --set net.core.somaxconn=8192`, '/dev/null'], {
        env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
        encoding: 'utf8',
      }).stdout;
    assert.ok(onTty({}).includes('\u001b['), 'colour on a TTY');
    assert.ok(!onTty({ NO_COLOR: '1' }).includes('\u001b['), 'NO_COLOR honoured');
    assert.ok(
      !runTune(['plan', '--set', 'net.core.somaxconn=8192']).stdout.includes('\u001b['),
      'no colour into a pipe',
    );
  },
);

test(
  'in a private network namespace the plan sees that namespace and reports it as not the host',
  { skip: !isRoot && 'needs root' },
  () => {
    const r = runTune(['plan', '-p', 'short-connection-api', '--json', '--detailed-exitcode'], {}, { sandbox: true });
    assert.equal(r.status, 3, r.stderr);
    const plan = JSON.parse(r.stdout);
    const range = plan.changes.find((c: { key: string }) => c.key === 'net.ipv4.ip_local_port_range');
    assert.equal(range.current.replace(/\s+/, ' '), '32768 60999', 'a fresh namespace has the kernel default');
    assert.equal(plan.file.before, null, 'the sandbox hides the host sysctl.d');
    const snap = JSON.parse(runTune(['snapshot'], {}, { sandbox: true }).stdout);
    assert.equal(snap.env.initialNetns, false);
  },
);

test('NAT rules from nft (when installed) are evidence in the live snapshot', () => {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-fake-nft-'));
  try {
    fs.writeFileSync(
      path.join(bin, 'nft'),
      '#!/bin/sh\n[ "$1 $2" = "list ruleset" ] && printf "table ip nat {\\n chain postrouting {\\n  oifname \\"eth0\\" masquerade\\n }\\n}\\n"\n',
      { mode: 0o755 },
    );
    const snap = JSON.parse(runTune(['snapshot'], { PATH: `${bin}:${process.env.PATH ?? ''}` }).stdout);
    assert.equal(snap.env.nat.detected, true);
    assert.ok(
      snap.env.nat.evidence.includes('nft list ruleset shows masquerade rules'),
      snap.env.nat.evidence.join('; '),
    );
    const without = JSON.parse(runTune(['snapshot', '--root', '/']).stdout);
    assert.ok(!without.env.nat.evidence.some((e: string) => e.startsWith('nft')));
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});
