// `tune plan --snapshot` over many hosts: grouping, the summary line, markdown for a pull request, JSON, provenance,
// exit codes, and a bad file among many.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatSnapshotJson, type Snapshot } from '../../src/core/snapshot.js';
import { runTune } from '../helpers/repo.js';
import { snapshotOf } from '../helpers/snapshot-data.js';

const CENTOS = '3.10.0-1160.el7.x86_64';
const REQUEST = [
  '--set',
  'net.ipv4.tcp_tw_recycle=1',
  '--set',
  'net.core.somaxconn=8192',
  '--allow',
  'TW_RECYCLE_LEGACY',
];
const env = {};
/** Two hours ago: the snapshots' age is 2h whenever the test runs (the clock is the real one). */
const TAKEN = new Date(Date.now() - 2 * 3600_000).toISOString();

function named(s: Snapshot, hostname: string, takenAt = TAKEN): Snapshot {
  return { ...s, hostname, takenAt };
}

/** Three kinds of host: web (to change), tuned (already matches), nat (refused: TW_RECYCLE_NAT). */
function writeFleet(dir: string, counts = { web: 20, tuned: 7, nat: 3 }): void {
  const web = snapshotOf({ release: CENTOS, sysctl: { 'net.core.somaxconn': '128' } });
  fs.writeFileSync(path.join(dir, 'probe.json'), formatSnapshotJson(web));
  const after = JSON.parse(runTune(['plan', ...REQUEST, '--snapshot', path.join(dir, 'probe.json'), '--json']).stdout)
    .file.after as string;
  fs.rmSync(path.join(dir, 'probe.json'));
  const tuned = snapshotOf({
    release: CENTOS,
    sysctl: { 'net.core.somaxconn': '8192', 'net.ipv4.tcp_tw_recycle': '1' },
    config: { '/etc/sysctl.d/99-tune.conf': after },
  });
  const nat = snapshotOf({
    release: CENTOS,
    sysctl: { 'net.core.somaxconn': '128' },
    env: { nat: { detected: true, evidence: ['iptables MASQUERADE rule'] } },
  });
  const write = (s: Snapshot, name: string) => fs.writeFileSync(path.join(dir, `${name}.json`), formatSnapshotJson(s));
  for (let i = 1; i <= counts.web; i++) write(named(web, `web${i}`), `web${i}`);
  for (let i = 1; i <= counts.tuned; i++) write(named(tuned, `cache${i}`), `cache${i}`);
  for (let i = 1; i <= counts.nat; i++) write(named(nat, `gw${i}`), `gw${i}`);
}

function withFleet(fn: (dir: string) => void, counts?: { web: number; tuned: number; nat: number }): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-fleet-'));
  try {
    writeFleet(dir, counts);
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('30 snapshots of three kinds of host: a markdown review with three groups, outliers first, every host named', () => {
  withFleet((dir) => {
    const r = runTune(['plan', ...REQUEST, '--snapshot', dir, '--format', 'markdown'], env);
    assert.equal(r.status, 4, r.stderr);
    const md = r.stdout;
    assert.ok(md.length < 65_536);
    const summary = '30 hosts, 3 distinct plans: 20 change 2 keys, 7 already tuned, 3 refused (TW\\_RECYCLE\\_NAT)';
    assert.ok(md.startsWith(`### tune plan: ${summary}\n`), md.slice(0, 300));
    assert.equal(md.match(/<details>/g)?.length, 3);
    assert.equal(md.match(/<\/details>/g)?.length, 3);
    const order = [...md.matchAll(/<summary><b>Plan (\d) of 3<\/b>: (\d+) hosts?, ([^<]+)<\/summary>/g)].map((m) =>
      [m[2], m[3]].join(' '),
    );
    assert.deepEqual(order, ['3 refused (TW_RECYCLE_NAT)', '7 already tuned', '20 change 2 keys']);
    for (const h of [...Array(20)].map((_, i) => `web${i + 1}`).concat(['cache1', 'cache7', 'gw1', 'gw2', 'gw3']))
      assert.match(md, new RegExp(`\`${h}\` \\(2h\\)`), h);
    assert.match(md, /```diff\n--- \/dev\/null/);
    assert.match(md, /\*\*REFUSE\*\* `TW_RECYCLE_NAT`/);
  });
});

test('text output shows each group once with its hosts and where the data came from; exit codes aggregate', () => {
  withFleet((dir) => {
    const r = runTune(['plan', ...REQUEST, '--snapshot', dir], env);
    assert.equal(r.status, 4, 'one host refused: 4');
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '30 hosts, 3 distinct plans: 20 change 2 keys, 7 already tuned, 3 refused (TW_RECYCLE_NAT)');
    assert.equal(r.stdout.match(/^KEY\s+NOW/gm)?.length, 3, 'one table per group');
    assert.match(r.stdout, /^== Plan 1 of 3: 3 hosts, refused \(TW_RECYCLE_NAT\) ==$/m);
    assert.match(
      r.stdout,
      new RegExp(`^  gw1  ${dir}/gw1.json, taken ${TAKEN} \\(2h ago, kernel ${CENTOS.replace(/\./g, '\\.')}\\)$`, 'm'),
    );
    assert.match(r.stdout, /tune plan: --set on 20 hosts \(kernel 3\.10/);
  });
  withFleet(
    (dir) => {
      const files = ['web1', 'cache1'].map((n) => path.join(dir, `${n}.json`));
      const args = ['plan', ...REQUEST, ...files.flatMap((f) => ['--snapshot', f])];
      assert.equal(runTune(args, env).status, 0);
      assert.equal(runTune([...args, '--detailed-exitcode'], env).status, 3, 'a host with pending changes');
      const tunedOnly = ['plan', ...REQUEST, '--snapshot', files[1] ?? '', '--snapshot', files[1] ?? ''];
      assert.equal(runTune([...tunedOnly, '--detailed-exitcode'], env).status, 0);
      assert.equal(runTune([...args, '--fail-on', 'warn'], env).status, 4, 'TW_RECYCLE_LEGACY (allowed) is a warning');
      assert.equal(runTune([...args, '--fail-on', 'SYNCOOKIES_DISABLED'], env).status, 0);
      const bad = runTune([...args, '--fail-on', 'NO_SUCH_RULE'], env);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--fail-on takes refuse, warn or a rule id/);
    },
    { web: 1, tuned: 1, nat: 0 },
  );
});

test('--max-age: an older snapshot carries SNAPSHOT_STALE; one snapshot keeps its output and warns on stderr', () => {
  withFleet(
    (dir) => {
      const file = path.join(dir, 'web1.json');
      const one = runTune(['plan', ...REQUEST, '--snapshot', file], env);
      const stale = runTune(['plan', ...REQUEST, '--snapshot', file, '--max-age', '1h'], env);
      assert.equal(stale.stdout, one.stdout, 'one snapshot: the output of a single plan, unchanged');
      assert.equal(one.stderr, '');
      assert.match(stale.stderr, /web1\.json: SNAPSHOT_STALE: the snapshot is 2h old \(more than --max-age 1h\)/);
      assert.equal(stale.status, 0);
      assert.equal(
        runTune(['plan', ...REQUEST, '--snapshot', file, '--max-age', '1h', '--fail-on', 'SNAPSHOT_STALE'], env).status,
        4,
      );
      const fleet = runTune(['plan', ...REQUEST, '--snapshot', dir, '--max-age', '90m'], env);
      assert.match(fleet.stdout, /WARN\s+SNAPSHOT_STALE: the snapshot is 2h old/);
      const md = runTune(['plan', ...REQUEST, '--snapshot', dir, '--max-age', '90m', '--format', 'markdown'], env);
      assert.match(md.stdout, /\*\*2 snapshot\(s\) older than 1h 30m\*\*/);
      const bad = runTune(['plan', ...REQUEST, '--snapshot', dir, '--max-age', '1 week'], env);
      assert.equal(bad.status, 2);
    },
    { web: 1, tuned: 1, nat: 0 },
  );
});

test('--json: per-host results and the groups (docs/json.md)', () => {
  withFleet(
    (dir) => {
      const r = runTune(['plan', ...REQUEST, '--snapshot', dir, '--json'], env);
      const j = JSON.parse(r.stdout);
      assert.equal(j.schemaVersion, 1);
      assert.equal(
        j.summary.text,
        '4 hosts, 3 distinct plans: 2 change 2 keys, 1 already tuned, 1 refused (TW_RECYCLE_NAT)',
      );
      assert.deepEqual(
        j.hosts.map((h: { hostname: string; outcome: string; group: number }) => [h.hostname, h.outcome, h.group]),
        [
          ['cache1', 'tuned', 0],
          ['gw1', 'refused', 1],
          ['web1', 'change', 2],
          ['web2', 'change', 2],
        ],
      );
      assert.deepEqual(j.groups[2].hosts, [2, 3]);
      assert.ok(j.hosts[2].ageSeconds >= 7200 && j.hosts[2].ageSeconds < 7200 + 600);
      assert.equal(j.hosts[2].plan.snapshot.hostname, 'web1');
      assert.equal(j.groups[2].plan.summary.change, 2);
    },
    { web: 2, tuned: 1, nat: 1 },
  );
});

test('an empty snapshot file is a host without data; a malformed one among many is one line naming it, exit 2', () => {
  withFleet(
    (dir) => {
      fs.writeFileSync(path.join(dir, 'lost.json'), '');
      const r = runTune(['plan', ...REQUEST, '--snapshot', dir], env);
      assert.match(r.stdout, /^3 hosts, 3 distinct plans: 1 change 2 keys, 1 already tuned, 1 no snapshot data$/m);
      assert.match(r.stdout, /WARN\s+NO_SNAPSHOT_DATA: .*lost\.json is empty/);
      assert.equal(r.status, 0);
      assert.equal(runTune(['plan', ...REQUEST, '--snapshot', dir, '--fail-on', 'NO_SNAPSHOT_DATA'], env).status, 4);
      fs.writeFileSync(path.join(dir, 'broken.json'), '{"schemaVersion": 1}');
      const bad = runTune(['plan', ...REQUEST, '--snapshot', dir], env);
      assert.equal(bad.status, 2);
      assert.equal(bad.stdout, '');
      assert.equal(bad.stderr.trimEnd().split('\n').length, 1);
      assert.match(bad.stderr, /broken\.json: not a tune snapshot: takenAt/);
      const empty = fs.mkdtempSync(path.join(dir, 'none-'));
      assert.match(
        runTune(['plan', ...REQUEST, '--snapshot', empty], env).stderr,
        /no \*\.json snapshot in this directory/,
      );
    },
    { web: 1, tuned: 1, nat: 0 },
  );
});

test('a fleet too large for one comment is folded, then cut, with a note, under 65,536 characters', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-fleet-'));
  try {
    // 60 distinct plans: each host has its own somaxconn value.
    for (let i = 0; i < 60; i++) {
      const s = snapshotOf({ release: CENTOS, sysctl: { 'net.core.somaxconn': String(100 + i) } });
      fs.writeFileSync(path.join(dir, `h${i}.json`), formatSnapshotJson(named(s, `host-with-a-long-name-${i}`)));
    }
    const r = runTune(['plan', ...REQUEST, '--snapshot', dir, '--format', 'markdown'], env);
    assert.ok(r.stdout.length <= 65_536, String(r.stdout.length));
    assert.match(r.stdout, /^### tune plan: 60 hosts, 60 distinct plans/);
    assert.match(r.stdout, /> \*\*Truncated:\*\* .*are folded|not shown/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
