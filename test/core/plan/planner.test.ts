import assert from 'node:assert/strict';
import { test } from 'node:test';
import { targetValue } from '../../../src/core/plan/planner.js';
import { renderPlan } from '../../../src/core/plan/render-plan.js';
import { plainStyle } from '../../../src/core/text/text-style.js';
import { planOf, ruleHits } from '../../helpers/plan-data.js';
import { snapshotOf } from '../../helpers/snapshot-data.js';

test('statuses: change, same, absent, read-only, refused', () => {
  const snap = snapshotOf({ readOnly: ['net.core.rmem_max'], sysctl: { 'net.ipv4.tcp_fin_timeout': '60' } });
  const plan = planOf(snap, [
    'net.core.somaxconn=8192',
    'net.ipv4.tcp_fin_timeout=60',
    'net.ipv4.tcp_tw_reuse_delay=500',
    'net.core.rmem_max=8388608',
    'net.ipv4.tcp_tw_recycle=1',
  ]);
  assert.deepEqual(Object.fromEntries(plan.changes.map((c) => [c.key, c.status])), {
    'net.core.rmem_max': 'read-only',
    'net.core.somaxconn': 'change',
    'net.ipv4.tcp_fin_timeout': 'same',
    'net.ipv4.tcp_tw_recycle': 'absent',
    'net.ipv4.tcp_tw_reuse_delay': 'absent',
  });
  assert.ok(plan.summary.refusedAny, 'tcp_tw_recycle is refused even though absent');
  assert.deepEqual(plan.summary, {
    change: 1,
    same: 1,
    refused: 0,
    absent: 2,
    readOnly: 1,
    skipped: 0,
    pending: true,
    refusedAny: true,
  });
});

test('only changes and unchanged keys are written; the file has a header naming the request', () => {
  const plan = planOf(snapshotOf(), [
    'net.core.somaxconn=8192',
    'net.ipv4.tcp_fin_timeout=60',
    'net.ipv4.tcp_tw_reuse_delay=5',
  ]);
  assert.equal(
    plan.file.after,
    [
      '# Managed by tune (tune apply): changes made here are overwritten. Undo with `tune rollback`.',
      '# Profiles: (none); overrides: net.core.somaxconn=8192 net.ipv4.tcp_fin_timeout=60 net.ipv4.tcp_tw_reuse_delay=5',
      '',
      '# set on the command line (--set) [--set]',
      'net.core.somaxconn = 8192',
      '',
      '# set on the command line (--set) [--set]',
      'net.ipv4.tcp_fin_timeout = 60',
      '',
    ].join('\n'),
  );
  assert.equal(plan.file.before, null);
  assert.match(plan.file.diff, /^--- \/dev\/null\n\+\+\+ b\/etc\/sysctl.d\/99-tune.conf\n@@ -0,0 \+1,8 @@/);
});

test('an unchanged plan over its own file has no diff and nothing pending', () => {
  const first = planOf(snapshotOf(), ['net.core.somaxconn=4096']);
  const again = planOf(snapshotOf({ config: { '/etc/sysctl.d/99-tune.conf': first.file.after } }), [
    'net.core.somaxconn=4096',
  ]);
  assert.equal(again.file.diff, '');
  assert.equal(again.summary.pending, false);
  assert.equal(again.changes[0]?.boot?.file, '/etc/sysctl.d/99-tune.conf');
});

test('>N only raises and <N only lowers; reserved ports merge with the current list', () => {
  assert.equal(targetValue('net.core.somaxconn', 'raise', '8192', '4096'), '8192');
  assert.equal(targetValue('net.core.somaxconn', 'raise', '8192', '65535'), '65535');
  assert.equal(targetValue('net.ipv4.tcp_keepalive_time', 'lower', '600', '7200'), '600');
  assert.equal(targetValue('net.ipv4.tcp_keepalive_time', 'lower', '600', '300'), '300');
  assert.equal(targetValue('net.core.somaxconn', 'raise', '8192', undefined), '8192');
  assert.equal(targetValue('net.ipv4.ip_local_reserved_ports', 'set', '8080', '22,9000-9001'), '22,8080,9000-9001');
  assert.equal(targetValue('net.ipv4.ip_local_port_range', 'set', '16384\t65535', '32768 60999'), '16384 65535');
});

test('write order: ip_unprivileged_port_start before the range when lowering both, after it when raising both', () => {
  const keys = (sets: string[], cur: Record<string, string>) =>
    planOf(snapshotOf({ sysctl: cur }), sets).changes.map((c) => c.key.split('.').pop());
  assert.deepEqual(keys(['net.ipv4.ip_local_port_range=900 60999', 'net.ipv4.ip_unprivileged_port_start=900'], {}), [
    'ip_unprivileged_port_start',
    'ip_local_port_range',
  ]);
  assert.deepEqual(
    keys(['net.ipv4.ip_local_port_range=40000 60999', 'net.ipv4.ip_unprivileged_port_start=35000'], {}),
    ['ip_local_port_range', 'ip_unprivileged_port_start'],
  );
});

test('boot column: the value that wins at boot today, with procps shown where it differs', () => {
  const snap = snapshotOf({
    config: { '/etc/sysctl.d/10-a.conf': 'net.core.somaxconn = 1024', '/etc/sysctl.conf': 'net.core.somaxconn = 2048' },
  });
  const plan = planOf(snap, ['net.core.somaxconn=8192']);
  assert.deepEqual(plan.changes[0]?.boot, { value: '1024', file: '/etc/sysctl.d/10-a.conf', line: 1 });
  assert.deepEqual(plan.changes[0]?.bootProcps, { value: '2048', file: '/etc/sysctl.conf', line: 1 });
  assert.ok(ruleHits(plan).includes('BOOT_LOADERS_DISAGREE:info'));
  assert.ok(ruleHits(plan).includes('BOOT_SHADOWED:warn'), '/etc/sysctl.conf is read after 99-tune.conf by procps');
  assert.equal(plan.findings.find((f) => f.rule === 'BOOT_SHADOWED')?.evidence.loader, 'procps');
});

test('a key dropped from the owned file is reported; other files are never in the diff', () => {
  const snap = snapshotOf({
    config: {
      '/etc/sysctl.d/99-tune.conf': 'net.ipv4.tcp_fin_timeout = 30\n',
      '/etc/sysctl.d/50-x.conf': 'net.core.somaxconn=1\n',
    },
  });
  const plan = planOf(snap, ['net.core.somaxconn=8192']);
  assert.ok(ruleHits(plan).includes('OWNED_FILE_KEY_DROPPED:info'));
  assert.match(plan.file.diff, /^-net.ipv4.tcp_fin_timeout = 30$/m);
  assert.doesNotMatch(plan.file.diff, /50-x/);
});

test('the same snapshot and request always give the same plan', () => {
  const a = planOf(snapshotOf(), ['net.core.somaxconn=8192', 'net.ipv4.ip_local_port_range=16384 65535']);
  const b = planOf(snapshotOf(), ['net.core.somaxconn=8192', 'net.ipv4.ip_local_port_range=16384 65535']);
  assert.deepEqual(a, b);
});

test('the human rendering shows the table, reasons, findings, the diff and the summary', () => {
  const text = renderPlan(planOf(snapshotOf(), ['net.core.somaxconn=8192', 'net.ipv4.tcp_tw_recycle=1']), plainStyle);
  assert.match(text, /^KEY\s+NOW\s+AT BOOT\s+TARGET\s+STATUS$/m);
  assert.match(text, /^net.core.somaxconn\s+4096\s+\(not set\)\s+8192\s+change$/m);
  assert.match(text, /why: set on the command line/);
  assert.match(text, /REFUSE TW_RECYCLE_REMOVED: tcp_tw_recycle was removed in Linux 4.12/);
  assert.match(text, /^\+net.core.somaxconn = 8192$/m);
  assert.match(text, /Plan: 1 to change, 0 unchanged, 1 absent\. Nothing was written\./);
  assert.ok(!text.includes('\u001b['), 'no colour codes in plain style');
});
