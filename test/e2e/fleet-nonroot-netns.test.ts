// Snapshots and plans by an ordinary user (uid 65534 through setpriv): what can be read is read, the rest is
// `unreadable`, and nothing is called read-only because the caller is not root. Against the real kernel inside
// scripts/netns-sandbox, and against a fixture root whose /proc/sys files are mode 0600.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { makeFixtureRoot } from '../helpers/fixture-root.js';
import { KERNEL_PRESETS } from '../helpers/kernel-presets.js';
import { skipUnlessRoot } from '../helpers/netns-driver.js';
import { SANDBOX, TUNE_BIN } from '../helpers/repo.js';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const skip = skipUnlessRoot || (!hasSetpriv && 'needs setpriv (util-linux)');

/** Runs tune in the sandbox, as root or as nobody. */
function tune(args: string[], asNobody: boolean, sandbox = true) {
  const argv = [...(asNobody ? NOBODY : []), process.execPath, TUNE_BIN, ...args];
  const cmd = sandbox ? [SANDBOX, ...argv] : argv;
  const r = spawnSync(cmd[0] ?? '', cmd.slice(1), {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface PlanJson {
  changes: { key: string; status: string; current: string | null }[];
  summary: { change: number; readOnly: number };
}

test(
  'an ordinary user plans what root would: the same statuses and values, not "everything read-only"',
  { skip },
  () => {
    const args = ['plan', '-p', 'short-connection-api', '--json'];
    const asRoot = JSON.parse(tune(args, false).stdout) as PlanJson;
    const asUser = JSON.parse(tune(args, true).stdout) as PlanJson;
    assert.ok(asRoot.summary.change > 0, 'a fresh namespace has something to change');
    assert.equal(asUser.summary.readOnly, 0);
    const rows = (p: PlanJson) => p.changes.map((c) => [c.key, c.status, c.current]);
    assert.deepEqual(rows(asUser), rows(asRoot));
  },
);

test(
  'an ordinary user snapshot: 0600 keys are unreadable (root could write them), read-only only where the mount says',
  { skip },
  () => {
    const asRoot = JSON.parse(tune(['snapshot', '--all'], false).stdout) as {
      sysctl: Record<string, { state: string; writable: boolean }>;
    };
    const asUser = JSON.parse(tune(['snapshot', '--all'], true).stdout) as typeof asRoot;
    // tcp_fastopen_key is mode 0600 in every kernel that has it.
    assert.deepEqual(asUser.sysctl['net.ipv4.tcp_fastopen_key'], { state: 'unreadable', writable: true });
    // The sandbox remounts /proc/sys read-only outside net/: that is read-only for both.
    assert.equal(asUser.sysctl['fs.file-max']?.writable, false);
    assert.equal(asRoot.sysctl['fs.file-max']?.writable, false);
    for (const [k, v] of Object.entries(asRoot.sysctl)) {
      const u = asUser.sysctl[k];
      // Root reads some keys as an error (stable_secret unset: EIO); those say nothing about writing.
      if (v.state === 'ok') assert.equal(u?.writable, v.writable, k);
      if (u?.state !== v.state) assert.equal(u?.state, 'unreadable', k);
    }
  },
);

test(
  'a fixture root of 0600 files read by an ordinary user: unreadable keys, no read-only, and the plan says so',
  { skip },
  () => {
    const root = makeFixtureRoot({ release: '5.15.0-130-generic', sysctl: KERNEL_PRESETS['5.15.0-130-generic'] ?? {} });
    try {
      fs.chmodSync(root, 0o755);
      const sys = path.join(root, 'proc/sys');
      const walk = (d: string): void => {
        for (const e of fs.readdirSync(d, { withFileTypes: true }))
          if (e.isDirectory()) walk(path.join(d, e.name));
          else if (!['osrelease', 'hostname'].includes(e.name)) fs.chmodSync(path.join(d, e.name), 0o600);
      };
      walk(sys);
      const snap = tune(['snapshot', '--root', root], true, false);
      assert.equal(snap.status, 0, snap.stderr);
      const values = Object.values(
        (JSON.parse(snap.stdout) as { sysctl: Record<string, { state: string; writable: boolean }> }).sysctl,
      );
      assert.ok(values.some((v) => v.state === 'unreadable' && v.writable));
      assert.ok(!values.some((v) => v.state === 'ok'), 'nothing readable');
      const file = path.join(root, 'snap.json');
      fs.writeFileSync(file, snap.stdout);
      // Two copies make a fleet: the provenance finding names the unreadable keys.
      const r = tune(
        ['plan', '--set', 'net.core.somaxconn=8192', '--snapshot', file, '--snapshot', file],
        false,
        false,
      );
      assert.match(r.stdout, /SNAPSHOT_UNREADABLE: 1 planned key\(s\) could not be read .*net\.core\.somaxconn/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
);
