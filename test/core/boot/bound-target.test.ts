// `>N` / `<N` against the boot model: the owned file holds N or nothing, never a runtime value copied from the host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPlan } from '../../../src/core/plan/render-plan.js';
import { plainStyle } from '../../../src/core/text/text-style.js';
import { planOf, ruleHits } from '../../helpers/plan-data.js';
import { snapshotOf, type SnapshotData } from '../../helpers/snapshot-data.js';

const TW = 'net.ipv4.tcp_max_tw_buckets';
const KEEPALIVE = 'net.ipv4.tcp_keepalive_time';
const OWNED = '/etc/sysctl.d/99-tune.conf';
const profiles = {
  tw: `[sysctl]\n${TW} = >262144\n`,
  keepalive: `[sysctl]\n${KEEPALIVE} = <600\n`,
  backlog: '[sysctl]\nnet.ipv4.tcp_max_syn_backlog = <4096\n',
};
/** tcp_ehash_entries 262144: this machine's kernel default for tcp_max_tw_buckets is 131072. */
const host = (d: SnapshotData = {}) =>
  snapshotOf({ ...d, sysctl: { 'net.ipv4.tcp_ehash_entries': '262144', ...(d.sysctl ?? {}) } });
const plan = (use: string, d: SnapshotData = {}) => planOf(host(d), [], { profiles, use: [use] });
const lineOf = (text: string, key: string) => new RegExp(`^${key.replace(/\./g, '\\.')} = (.*)$`, 'm').exec(text)?.[1];

test('an ad hoc runtime value above >N is kept at runtime, never pinned: the file holds N and a warning names both', () => {
  const p = plan('tw', { sysctl: { [TW]: '2000000' } });
  const c = p.changes[0];
  assert.equal(c?.status, 'same');
  assert.equal(c?.target, '2000000', 'the runtime never moves against the bound');
  assert.equal(c?.fileValue, '262144');
  assert.equal(lineOf(p.file.after, TW), '262144', 'not 2000000: the runtime value is never copied into the file');
  assert.deepEqual(ruleHits(p), ['RUNTIME_UNPERSISTED:warn']);
  const f = p.findings[0];
  assert.equal(f?.key, TW);
  assert.deepEqual(f?.evidence, {
    runtime: '2000000',
    bound: '>262144',
    bootValue: '262144',
    bootFrom: `${OWNED}:5`,
  });
  assert.match(
    f?.message ?? '',
    /runtime 2000000 meets >262144 .*the next boot sets 262144 \(\/etc\/sysctl.d\/99-tune.conf:5\)/,
  );
  assert.match(
    renderPlan(p, plainStyle),
    /^net.ipv4.tcp_max_tw_buckets\s+2000000\s+\(not set\)\s+2000000 \(file 262144\)\s+same$/m,
  );
});

test('another sysctl.d file already meets >N: no line in the owned file, nothing pinned', () => {
  const config = { '/etc/sysctl.d/50-site.conf': `${TW} = 500000\n` };
  const met = plan('tw', { sysctl: { [TW]: '500000' }, config });
  assert.equal(met.changes[0]?.status, 'same');
  assert.equal(met.changes[0]?.fileValue, null);
  assert.equal(lineOf(met.file.after, TW), undefined);
  assert.deepEqual(ruleHits(met), ['BOUND_MET_AT_BOOT:info']);
  assert.match(
    met.findings[0]?.message ?? '',
    /next boot sets 500000 \(\/etc\/sysctl.d\/50-site.conf:1\), which meets >262144/,
  );
  assert.match(
    renderPlan(met, plainStyle),
    /^net.ipv4.tcp_max_tw_buckets\s+500000\s+500000 @50-site.conf:1\s+500000 \(no file line\)\s+same$/m,
  );

  // An ad hoc value on top: still no line, and the warning names the value boot sets and where from.
  const adHoc = plan('tw', { sysctl: { [TW]: '2000000' }, config });
  assert.equal(adHoc.changes[0]?.status, 'same');
  assert.equal(adHoc.changes[0]?.fileValue, null);
  assert.equal(lineOf(adHoc.file.after, TW), undefined);
  assert.deepEqual(ruleHits(adHoc), ['RUNTIME_UNPERSISTED:warn', 'BOUND_MET_AT_BOOT:info']);
  assert.equal(adHoc.findings[0]?.evidence.bootFrom, '/etc/sysctl.d/50-site.conf:1');
  assert.equal(adHoc.findings[0]?.evidence.bootValue, '500000');
});

test('a runtime value below >N changes to N and the file holds N; with a higher boot value, to that value', () => {
  const low = plan('tw', { sysctl: { [TW]: '100000' } });
  assert.equal(low.changes[0]?.status, 'change');
  assert.equal(low.changes[0]?.target, '262144');
  assert.equal(low.changes[0]?.fileValue, '262144');
  assert.equal(lineOf(low.file.after, TW), '262144');
  assert.deepEqual(ruleHits(low), []);

  // Writing N would leave runtime and the next boot (500000) apart: the runtime moves to what boot sets.
  const booted = plan('tw', { sysctl: { [TW]: '100000' }, config: { '/etc/sysctl.d/50-site.conf': `${TW}=500000` } });
  assert.equal(booted.changes[0]?.status, 'change');
  assert.equal(booted.changes[0]?.target, '500000');
  assert.equal(booted.changes[0]?.fileValue, null);
  assert.deepEqual(ruleHits(booted), ['BOUND_MET_AT_BOOT:info']);
});

test('<N mirrors >N: an ad hoc lower runtime is kept, not pinned; a lower boot value needs no line', () => {
  const adHoc = plan('keepalive', { sysctl: { [KEEPALIVE]: '300' } });
  assert.equal(adHoc.changes[0]?.status, 'same');
  assert.equal(adHoc.changes[0]?.target, '300');
  assert.equal(adHoc.changes[0]?.fileValue, '600');
  assert.equal(lineOf(adHoc.file.after, KEEPALIVE), '600');
  assert.deepEqual(ruleHits(adHoc), ['RUNTIME_UNPERSISTED:warn']);
  assert.match(adHoc.findings[0]?.message ?? '', /runtime 300 meets <600 .*the next boot sets 600/);

  const high = plan('keepalive', { sysctl: { [KEEPALIVE]: '7200' } });
  assert.deepEqual(
    [high.changes[0]?.status, high.changes[0]?.target, high.changes[0]?.fileValue],
    ['change', '600', '600'],
  );

  const booted = plan('keepalive', {
    sysctl: { [KEEPALIVE]: '120' },
    config: { '/usr/lib/sysctl.d/10-x.conf': `${KEEPALIVE} = 120` },
  });
  assert.deepEqual([booted.changes[0]?.status, booted.changes[0]?.fileValue], ['same', null]);
  assert.deepEqual(ruleHits(booted), ['BOUND_MET_AT_BOOT:info']);
});

test("the kernel default counts as what boot sets: no line when it meets the bound (writing N would move boot's value)", () => {
  // tcp_max_syn_backlog default here: max(128, 262144 / 128) = 2048, which meets <4096.
  const p = plan('backlog', { sysctl: { 'net.ipv4.tcp_max_syn_backlog': '2048' } });
  assert.deepEqual([p.changes[0]?.status, p.changes[0]?.fileValue], ['same', null]);
  const f = p.findings.find((x) => x.rule === 'BOUND_MET_AT_BOOT');
  assert.match(
    f?.message ?? '',
    /next boot sets 2048 \(the kernel default, computed from net.ipv4.tcp_ehash_entries\)/,
  );
  // An ad hoc value above the bound returns to the default, which is what the next boot sets.
  const ad = plan('backlog', { sysctl: { 'net.ipv4.tcp_max_syn_backlog': '8192' } });
  assert.deepEqual([ad.changes[0]?.status, ad.changes[0]?.target, ad.changes[0]?.fileValue], ['change', '2048', null]);
});

test('kernel default unknown and nothing sets the key at boot: the file holds N', () => {
  const unknown: SnapshotData = {
    sysctl: { 'net.ipv4.tcp_ehash_entries': null, [TW]: '2000000' },
    env: { memTotalKiB: null },
  };
  const p = planOf(snapshotOf(unknown), [], { profiles, use: ['tw'] });
  assert.deepEqual(
    [p.changes[0]?.status, p.changes[0]?.target, p.changes[0]?.fileValue],
    ['same', '2000000', '262144'],
  );
  assert.equal(lineOf(p.file.after, TW), '262144');
  assert.deepEqual(ruleHits(p), ['RUNTIME_UNPERSISTED:warn']);
});

test("re-planning over the owned file keeps the line: the file's own line never counts as boot meeting the bound", () => {
  const first = plan('tw', { sysctl: { [TW]: '100000' } });
  assert.equal(lineOf(first.file.after, TW), '262144');
  // After apply: runtime 262144, the owned file holds the line and is what sets it at boot.
  const again = plan('tw', { sysctl: { [TW]: '262144' }, config: { [OWNED]: first.file.after } });
  assert.equal(again.changes[0]?.status, 'same');
  assert.equal(again.changes[0]?.fileValue, '262144');
  assert.equal(again.changes[0]?.boot?.file, OWNED);
  assert.equal(again.file.after, first.file.after);
  assert.equal(again.file.diff, '');
  assert.equal(again.summary.pending, false);
  assert.deepEqual(ruleHits(again), []);
});

test('a runtime value pinned into the owned file by an earlier version is replaced by N', () => {
  const pinned = plan('tw', { sysctl: { [TW]: '2000000' } }).file.after.replace(`${TW} = 262144`, `${TW} = 2000000`);
  const p = plan('tw', { sysctl: { [TW]: '2000000' }, config: { [OWNED]: pinned } });
  assert.equal(p.changes[0]?.status, 'same');
  assert.match(p.file.diff, /^-net.ipv4.tcp_max_tw_buckets = 2000000\n\+net.ipv4.tcp_max_tw_buckets = 262144$/m);
  assert.deepEqual(ruleHits(p), ['RUNTIME_UNPERSISTED:warn']);
});

test('a line boot no longer needs leaves the owned file, explained by BOUND_MET_AT_BOOT rather than KEY_DROPPED', () => {
  const before = plan('tw', { sysctl: { [TW]: '262144' } }).file.after;
  const p = plan('tw', {
    sysctl: { [TW]: '500000' },
    config: { [OWNED]: before, '/etc/sysctl.d/50-site.conf': `${TW} = 500000\n` },
  });
  assert.equal(p.changes[0]?.fileValue, null);
  assert.match(p.file.diff, /^-net.ipv4.tcp_max_tw_buckets = 262144$/m);
  assert.deepEqual(ruleHits(p), ['BOUND_MET_AT_BOOT:info']);
});

test('loaders that disagree: the line is left out only when both meet the bound without it', () => {
  // procps also reads /etc/sysctl.conf (after every sysctl.d file); systemd-sysctl does not.
  const config = { '/etc/sysctl.d/50-site.conf': `${TW} = 500000\n`, '/etc/sysctl.conf': `${TW} = 100000\n` };
  const p = plan('tw', { sysctl: { [TW]: '500000' }, config });
  assert.equal(p.changes[0]?.fileValue, '262144');
  assert.ok(ruleHits(p).includes('BOOT_LOADERS_DISAGREE:info'));
});

test('set keys are unchanged: the file holds the value asked for', () => {
  const p = planOf(host(), ['net.core.somaxconn=8192']);
  assert.deepEqual([p.changes[0]?.target, p.changes[0]?.fileValue], ['8192', '8192']);
  assert.match(renderPlan(p, plainStyle), /^net.core.somaxconn\s+4096\s+\(not set\)\s+8192\s+change$/m);
  const absent = planOf(host(), ['net.ipv4.tcp_tw_reuse_delay=5']);
  assert.equal(absent.changes[0]?.fileValue, null, 'a key not written has no file value');
});
