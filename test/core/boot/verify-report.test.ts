// verifyOwnedFile with plain data: runtime vs the owned file vs the assignment that wins at boot (systemd, procps).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelBoot } from '../../../src/core/boot/boot-precedence.js';
import type { RuntimeValue } from '../../../src/core/snapshot.js';
import { describeKey, keysSetBy, verifyOwnedFile, type VerifyReport } from '../../../src/core/boot/verify-report.js';
import { snapshotOf } from '../../helpers/snapshot-data.js';

const OWNED = '/etc/sysctl.d/99-tune.conf';
const OWNED_TEXT = [
  '# Managed by tune',
  '',
  'net.core.somaxconn = 8192',
  'net.ipv4.ip_local_port_range = 16384 65535',
  'net.ipv4.tcp_tw_reuse = 1',
  '',
].join('\n');
const IN_EFFECT = {
  'net.core.somaxconn': '8192',
  'net.ipv4.ip_local_port_range': '16384\t65535',
  'net.ipv4.tcp_tw_reuse': '1',
};

/** Verifies `owned` (null: absent) among other config files; a runtime value of null is an absent key. */
function verify(d: {
  owned: string | null;
  runtime?: Record<string, string | null | { state: 'unreadable' }>;
  config?: Record<string, string>;
  file?: string;
}): VerifyReport {
  const file = d.file ?? OWNED;
  const files = snapshotOf({
    config: { ...(d.config ?? {}), ...(d.owned === null ? {} : { [file]: d.owned }) },
  }).config;
  const keys = keysSetBy(d.owned);
  const runtime: Record<string, Pick<RuntimeValue, 'state' | 'value'>> = {};
  for (const [k, v] of Object.entries(d.runtime ?? IN_EFFECT))
    runtime[k] = v === null ? { state: 'absent' } : typeof v === 'string' ? { state: 'ok', value: v } : v;
  return verifyOwnedFile({
    file,
    content: d.owned,
    runtime,
    boot: { systemd: modelBoot(files, 'systemd', keys), procps: modelBoot(files, 'procps', keys) },
  });
}

const byKey = (r: VerifyReport) => Object.fromEntries(r.keys.map((k) => [k.key, k]));

test('all agree: runtime, file and both boot loaders; values compare as tokens (tab vs space)', () => {
  const r = verify({ owned: OWNED_TEXT });
  assert.equal(r.agree, true);
  assert.equal(r.exists, true);
  assert.deepEqual(r.lineProblems, []);
  assert.deepEqual(
    r.keys.map((k) => [k.key, k.line, k.agree, k.problems]),
    [
      ['net.core.somaxconn', 3, true, []],
      ['net.ipv4.ip_local_port_range', 4, true, []],
      ['net.ipv4.tcp_tw_reuse', 5, true, []],
    ],
  );
  const range = byKey(r)['net.ipv4.ip_local_port_range'];
  assert.equal(range?.runtime, '16384 65535', 'the runtime tab is shown as one space');
  assert.deepEqual(range?.boot, {
    systemd: { value: '16384 65535', file: OWNED, line: 4 },
    procps: { value: '16384 65535', file: OWNED, line: 4 },
  });
});

test('a tab in the file and spaces at runtime (and the reverse) agree; a different token does not', () => {
  const owned = 'net.ipv4.ip_local_port_range = 16384\t\t65535\nnet.ipv4.tcp_rmem = 4096 131072 6291456\n';
  const same = verify({
    owned,
    runtime: { 'net.ipv4.ip_local_port_range': '16384 65535', 'net.ipv4.tcp_rmem': '4096\t131072\t6291456' },
  });
  assert.equal(same.agree, true, JSON.stringify(same.keys));
  assert.equal(byKey(same)['net.ipv4.ip_local_port_range']?.fileValue, '16384 65535');
  const differ = verify({
    owned,
    runtime: { 'net.ipv4.ip_local_port_range': '16384 65534', 'net.ipv4.tcp_rmem': '4096\t131072\t6291456' },
  });
  assert.equal(differ.agree, false);
  assert.deepEqual(byKey(differ)['net.ipv4.ip_local_port_range']?.problems, [
    'runtime is 16384 65534, the file sets 16384 65535',
  ]);
});

test('runtime differs: the key disagrees and its line names the three values and the winning file:line', () => {
  const r = verify({ owned: OWNED_TEXT, runtime: { ...IN_EFFECT, 'net.core.somaxconn': '1234' } });
  assert.equal(r.agree, false);
  const k = byKey(r)['net.core.somaxconn'];
  assert.ok(k);
  assert.equal(k.agree, false);
  assert.equal(k.runtime, '1234');
  assert.deepEqual(k.problems, ['runtime is 1234, the file sets 8192']);
  assert.equal(
    describeKey(k, OWNED),
    `net.core.somaxconn: runtime 1234, ${OWNED}:3 sets 8192, at boot ${OWNED}:3 wins with 8192 (systemd and procps)`,
  );
  assert.deepEqual(
    r.keys.filter((x) => x.agree).map((x) => x.key),
    ['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_tw_reuse'],
    'the other keys still agree',
  );
});

test('a later file in /etc/sysctl.d wins at boot: named with its value, even when the value is the same', () => {
  const r = verify({
    owned: OWNED_TEXT,
    config: { '/etc/sysctl.d/99-zz.conf': '# site\nnet.core.somaxconn = 4096\nnet.ipv4.tcp_tw_reuse=1\n' },
  });
  assert.equal(r.agree, false);
  const somaxconn = byKey(r)['net.core.somaxconn'];
  assert.ok(somaxconn);
  assert.deepEqual(somaxconn.boot.systemd, { value: '4096', file: '/etc/sysctl.d/99-zz.conf', line: 2 });
  assert.deepEqual(somaxconn.problems, [
    'systemd: /etc/sysctl.d/99-zz.conf:2 wins with 4096',
    'procps: /etc/sysctl.d/99-zz.conf:2 wins with 4096',
  ]);
  assert.equal(
    describeKey(somaxconn, OWNED),
    `net.core.somaxconn: runtime 8192, ${OWNED}:3 sets 8192, at boot /etc/sysctl.d/99-zz.conf:2 wins with 4096 (systemd and procps)`,
  );
  // "1" in both files: systemd keeps the first identical assignment (ours), procps writes the later one last.
  const reuse = byKey(r)['net.ipv4.tcp_tw_reuse'];
  assert.ok(reuse);
  assert.deepEqual(reuse.boot.systemd, { value: '1', file: OWNED, line: 5 });
  assert.deepEqual(reuse.problems, ['procps: /etc/sysctl.d/99-zz.conf:3 wins with the same value']);
  assert.equal(byKey(r)['net.ipv4.ip_local_port_range']?.agree, true);
});

test('a later file with the same tokens but other spacing wins under systemd too (it compares raw text)', () => {
  const r = verify({
    owned: 'net.ipv4.ip_local_port_range = 16384 65535\n',
    config: { '/usr/lib/sysctl.d/99-zzz.conf': 'net.ipv4.ip_local_port_range = 16384\t65535\n' },
  });
  const k = byKey(r)['net.ipv4.ip_local_port_range'];
  assert.deepEqual(k?.problems, [
    'systemd: /usr/lib/sysctl.d/99-zzz.conf:1 wins with the same value',
    'procps: /usr/lib/sysctl.d/99-zzz.conf:1 wins with the same value',
  ]);
  assert.equal(r.agree, false);
});

test('procps only: /etc/sysctl.conf is read last by procps (not by systemd), so it wins there alone', () => {
  const r = verify({ owned: OWNED_TEXT, config: { '/etc/sysctl.conf': 'net.ipv4.tcp_tw_reuse = 0\n' } });
  assert.equal(r.agree, false);
  const k = byKey(r)['net.ipv4.tcp_tw_reuse'];
  assert.ok(k);
  assert.deepEqual(k.boot, {
    systemd: { value: '1', file: OWNED, line: 5 },
    procps: { value: '0', file: '/etc/sysctl.conf', line: 1 },
  });
  assert.deepEqual(k.problems, ['procps: /etc/sysctl.conf:1 wins with 0']);
  assert.equal(
    describeKey(k, OWNED),
    `net.ipv4.tcp_tw_reuse: runtime 1, ${OWNED}:5 sets 1, at boot ${OWNED}:5 wins with 1 (systemd), /etc/sysctl.conf:1 wins with 0 (procps)`,
  );
  assert.deepEqual(
    r.keys.filter((x) => !x.agree).map((x) => x.key),
    ['net.ipv4.tcp_tw_reuse'],
  );
});

test('an earlier file with the identical assignment is no disagreement (systemd writes the key once, same value)', () => {
  const r = verify({
    owned: OWNED_TEXT,
    config: { '/usr/lib/sysctl.d/50-default.conf': 'net.core.somaxconn = 8192\n' },
  });
  const k = byKey(r)['net.core.somaxconn'];
  assert.deepEqual(k?.boot.systemd, { value: '8192', file: '/usr/lib/sysctl.d/50-default.conf', line: 1 });
  assert.deepEqual(k?.boot.procps, { value: '8192', file: OWNED, line: 3 });
  assert.deepEqual(k?.problems, []);
  assert.equal(r.agree, true);
  const differs = verify({ owned: OWNED_TEXT, config: { '/etc/sysctl.d/10-x.conf': 'net.core.somaxconn = 4096\n' } });
  assert.equal(differs.agree, true, 'an earlier different value is overridden by ours');
});

test('the owned file does not exist: nothing to verify, agree, no keys', () => {
  const r = verify({ owned: null, config: { '/etc/sysctl.d/10-x.conf': 'net.core.somaxconn = 4096\n' } });
  assert.deepEqual(r, {
    schemaVersion: 1,
    file: OWNED,
    exists: false,
    agree: true,
    keys: [],
    lineProblems: [],
  });
  assert.deepEqual(keysSetBy(null), []);
});

test('malformed lines and glob patterns are problems for their line; the other keys are still verified', () => {
  const owned = 'net.core.somaxconn = 8192\nthis is not sysctl\nnet.ipv4.conf.*.rp_filter = 1\nnet..x = 1\n';
  const r = verify({ owned, runtime: { 'net.core.somaxconn': '8192' } });
  assert.equal(r.agree, false);
  assert.deepEqual(
    r.keys.map((k) => [k.key, k.agree]),
    [['net.core.somaxconn', true]],
  );
  assert.deepEqual(
    r.lineProblems.map((p) => [p.line, p.text]),
    [
      [2, 'this is not sysctl'],
      [3, 'net.ipv4.conf.*.rp_filter = 1'],
      [4, 'net..x = 1'],
    ],
  );
  assert.match(r.lineProblems[0]?.why ?? '', /not an assignment/);
  assert.match(r.lineProblems[1]?.why ?? '', /glob/);
});

test('runtime absent or unreadable disagrees; a key set twice is verified once at its last line', () => {
  const owned = 'net.core.somaxconn = 1\nnet.ipv4.tcp_tw_recycle = 1\nnet.core.somaxconn = 8192\n';
  assert.deepEqual(keysSetBy(owned), ['net.core.somaxconn', 'net.ipv4.tcp_tw_recycle']);
  const r = verify({
    owned,
    runtime: { 'net.core.somaxconn': { state: 'unreadable' }, 'net.ipv4.tcp_tw_recycle': null },
  });
  assert.deepEqual(
    r.keys.map((k) => [k.key, k.line, k.fileValue, k.runtime, k.runtimeState, k.problems]),
    [
      ['net.core.somaxconn', 3, '8192', null, 'unreadable', ['runtime: could not be read']],
      ['net.ipv4.tcp_tw_recycle', 2, '1', null, 'absent', ['runtime: the key does not exist on this kernel']],
    ],
  );
  assert.match(describeKey(r.keys[1]!, OWNED), /^net.ipv4.tcp_tw_recycle: runtime absent, /);
});

test('an owned file outside the loaders’ directories is never read at boot: says so', () => {
  const r = verify({
    owned: 'net.core.somaxconn = 8192\n',
    file: '/etc/tune.conf',
    runtime: { 'net.core.somaxconn': '8192' },
  });
  assert.deepEqual(byKey(r)['net.core.somaxconn']?.problems, [
    'systemd: nothing sets it (/etc/tune.conf is not read at boot)',
    'procps: nothing sets it (/etc/tune.conf is not read at boot)',
  ]);
  assert.equal(r.agree, false);
});
