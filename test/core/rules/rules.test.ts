// Each safety rule fires on the evidence it names and stays quiet without it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { evidenceKeys } from '../../../src/core/plan/evidence-keys.js';
import { allRules } from '../../../src/core/rules/index.js';
import type { Snapshot } from '../../../src/core/snapshot.js';
import { DEFAULT_OWNED_FILE } from '../../../src/core/plan/owned-file.js';
import { planTuning } from '../../../src/core/plan/planner.js';
import { resolveRequest } from '../../../src/core/plan/profile-resolver.js';
import { NOW, planOf, ruleHits } from '../../helpers/plan-data.js';
import { repoRoot } from '../../helpers/repo.js';
import { snapshotOf, type SnapshotData } from '../../helpers/snapshot-data.js';

interface Case {
  rule: string;
  fires: { snap?: SnapshotData; sets: string[] };
  quiet: { snap?: SnapshotData; sets: string[] };
  status?: string;
}

const nat = { env: { nat: { detected: true, evidence: ['nft list ruleset shows masquerade rules'] } } };
const listeners = (...ports: number[]) => ({
  env: { listeners: ports.map((port) => ({ family: 4 as const, address: '0.0.0.0', port })) },
});

const cases: Case[] = [
  {
    rule: 'TW_RECYCLE_REMOVED',
    fires: { sets: ['net.ipv4.tcp_tw_recycle=0'] },
    quiet: { snap: { release: '4.9.0-19-amd64' }, sets: ['net.ipv4.tcp_tw_recycle=0'] },
  },
  {
    rule: 'TW_RECYCLE_NAT',
    fires: { snap: { release: '3.10.0-1160.el7.x86_64', ...nat }, sets: ['net.ipv4.tcp_tw_recycle=1'] },
    quiet: { snap: { release: '3.10.0-1160.el7.x86_64' }, sets: ['net.ipv4.tcp_tw_recycle=1'] },
    status: 'refused',
  },
  {
    rule: 'TW_RECYCLE_LEGACY',
    fires: { snap: { release: '4.9.0-19-amd64' }, sets: ['net.ipv4.tcp_tw_recycle=1'] },
    quiet: { snap: { release: '4.9.0-19-amd64', ...nat }, sets: ['net.ipv4.tcp_tw_recycle=1'] },
    status: 'refused',
  },
  {
    rule: 'TW_REUSE_NEEDS_TIMESTAMPS',
    fires: { sets: ['net.ipv4.tcp_tw_reuse=1', 'net.ipv4.tcp_timestamps=0'] },
    quiet: { sets: ['net.ipv4.tcp_tw_reuse=1'] },
    status: 'refused',
  },
  {
    rule: 'TW_REUSE_LOOPBACK_VALUE',
    fires: { snap: { release: '4.15.0-213-generic' }, sets: ['net.ipv4.tcp_tw_reuse=2'] },
    quiet: { snap: { release: '5.4.0-200-generic' }, sets: ['net.ipv4.tcp_tw_reuse=2'] },
  },
  {
    rule: 'TW_REUSE_CLIENT_ONLY',
    fires: { sets: ['net.ipv4.tcp_tw_reuse=1'] },
    quiet: { sets: ['net.ipv4.tcp_tw_reuse=0'] },
  },
  {
    rule: 'TW_BUCKETS_BELOW_DEFAULT',
    fires: { sets: ['net.ipv4.tcp_max_tw_buckets=5000'] },
    quiet: { sets: ['net.ipv4.tcp_max_tw_buckets=65536'] },
    status: 'refused',
  },
  {
    rule: 'ORPHANS_BELOW_DEFAULT',
    fires: { snap: { env: { memTotalKiB: 8388608 } }, sets: ['net.ipv4.tcp_max_orphans=1000'] },
    quiet: { sets: ['net.ipv4.tcp_max_orphans=262144'] },
  },
  {
    rule: 'FIN_TIMEOUT_SCOPE',
    fires: { sets: ['net.ipv4.tcp_fin_timeout=30'] },
    quiet: { sets: ['net.core.somaxconn=4096'] },
  },
  {
    rule: 'SYN_RETRIES_LOW',
    fires: { sets: ['net.ipv4.tcp_syn_retries=2'] },
    quiet: { sets: ['net.ipv4.tcp_syn_retries=3', 'net.ipv4.tcp_synack_retries=2'] },
  },
  {
    rule: 'PORT_RANGE_BELOW_UNPRIVILEGED',
    fires: { sets: ['net.ipv4.ip_local_port_range=900 60999'] },
    quiet: { sets: ['net.ipv4.ip_local_port_range=900 60999', 'net.ipv4.ip_unprivileged_port_start=900'] },
    status: 'refused',
  },
  {
    rule: 'PORT_RANGE_PRIVILEGED',
    fires: { sets: ['net.ipv4.ip_local_port_range=900 60999', 'net.ipv4.ip_unprivileged_port_start=900'] },
    quiet: { sets: ['net.ipv4.ip_local_port_range=1024 60999'] },
  },
  {
    rule: 'PORT_RANGE_LISTENER_OVERLAP',
    fires: { snap: listeners(22, 27017), sets: ['net.ipv4.ip_local_port_range=16384 65535'] },
    quiet: {
      snap: listeners(22, 27017),
      sets: ['net.ipv4.ip_local_port_range=16384 65535', 'net.ipv4.ip_local_reserved_ports=27017'],
    },
  },
  {
    rule: 'PORT_RANGE_SERVICE_PORTS',
    fires: { sets: ['net.ipv4.ip_local_port_range=1024 65535'] },
    quiet: {
      sets: ['net.ipv4.ip_local_port_range=16384 65535', 'net.ipv4.ip_local_reserved_ports=24224,26257,27017'],
    },
  },
  {
    rule: 'PORT_RANGE_PARITY',
    fires: { sets: ['net.ipv4.ip_local_port_range=16384 65534'] },
    quiet: { sets: ['net.ipv4.ip_local_port_range=16384 65535'] },
  },
  {
    rule: 'RESERVED_PORTS_MERGED',
    fires: {
      snap: { sysctl: { 'net.ipv4.ip_local_reserved_ports': '9100' } },
      sets: ['net.ipv4.ip_local_reserved_ports=8080'],
    },
    quiet: { sets: ['net.ipv4.ip_local_reserved_ports=8080'] },
  },
  {
    rule: 'TCP_MEM_ORDER',
    fires: { sets: ['net.ipv4.tcp_mem=300 200 400'] },
    quiet: { sets: ['net.ipv4.tcp_mem=100 200 400'] },
    status: 'refused',
  },
  {
    rule: 'TCP_MEM_UNITS',
    fires: { sets: ['net.ipv4.tcp_mem=1073741824 2147483648 4294967296'] },
    quiet: { sets: ['net.ipv4.tcp_mem=100000 200000 400000'] },
  },
  {
    rule: 'TCP_RMEM_ORDER',
    fires: { sets: ['net.ipv4.tcp_rmem=4096 9000000 6291456'] },
    quiet: { sets: ['net.ipv4.tcp_rmem=4096 131072 6291456'] },
  },
  {
    rule: 'TCP_WMEM_ORDER',
    fires: { sets: ['net.ipv4.tcp_wmem=8192 4096 4194304'] },
    quiet: { sets: ['net.ipv4.tcp_wmem=4096 16384 4194304'] },
  },
  {
    rule: 'SOMAXCONN_NEEDS_RELISTEN',
    fires: { sets: ['net.core.somaxconn=8192'] },
    quiet: { sets: ['net.ipv4.tcp_fin_timeout=60'] },
  },
  {
    rule: 'SYN_BACKLOG_WITH_SYNCOOKIES',
    fires: { sets: ['net.ipv4.tcp_max_syn_backlog=8192'] },
    quiet: { sets: ['net.ipv4.tcp_max_syn_backlog=8192', 'net.ipv4.tcp_syncookies=0'] },
  },
  {
    rule: 'SYNCOOKIES_DISABLED',
    fires: { snap: listeners(443), sets: ['net.ipv4.tcp_syncookies=0'] },
    quiet: { sets: ['net.ipv4.tcp_syncookies=0'] },
    status: 'refused',
  },
  {
    rule: 'KEY_ABSENT',
    fires: { sets: ['net.ipv4.tcp_tw_reuse_delay=100'] },
    quiet: { snap: { sysctl: { 'net.ipv4.tcp_tw_reuse_delay': '1000' } }, sets: ['net.ipv4.tcp_tw_reuse_delay=100'] },
    status: 'absent',
  },
  {
    rule: 'MODULE_KEY_NOT_LOADED',
    fires: { sets: ['sunrpc.tcp_max_slot_table_entries=128'] },
    quiet: {
      snap: { sysctl: { 'sunrpc.tcp_max_slot_table_entries': '65536' } },
      sets: ['sunrpc.tcp_max_slot_table_entries=128'],
    },
    status: 'absent',
  },
  {
    rule: 'MODULE_KEY_BOOT_ORDER',
    fires: {
      snap: { sysctl: { 'sunrpc.tcp_max_slot_table_entries': '65536' } },
      sets: ['sunrpc.tcp_max_slot_table_entries=128'],
    },
    quiet: { sets: ['sunrpc.tcp_max_slot_table_entries=128'] },
  },
  {
    rule: 'KEY_READ_ONLY',
    fires: { snap: { readOnly: ['net.core.rmem_max'] }, sets: ['net.core.rmem_max=8388608'] },
    quiet: { sets: ['net.core.rmem_max=8388608'] },
    status: 'read-only',
  },
  {
    rule: 'GLOBAL_KEY_IN_CONTAINER',
    fires: { snap: { env: { initialNetns: false } }, sets: ['net.core.netdev_max_backlog=5000'] },
    quiet: { snap: { env: { initialNetns: false } }, sets: ['net.core.somaxconn=8192'] },
    status: 'refused',
  },
  {
    rule: 'CONNTRACK_MAX_VS_BUCKETS',
    fires: {
      snap: { sysctl: { 'net.netfilter.nf_conntrack_max': '65536', 'net.netfilter.nf_conntrack_buckets': '16384' } },
      sets: ['net.netfilter.nf_conntrack_max=1048576'],
    },
    quiet: {
      snap: { sysctl: { 'net.netfilter.nf_conntrack_max': '65536', 'net.netfilter.nf_conntrack_buckets': '16384' } },
      sets: ['net.netfilter.nf_conntrack_max=65536'],
    },
  },
  {
    rule: 'CONNTRACK_ESTABLISHED_LOWERED',
    fires: {
      snap: { sysctl: { 'net.netfilter.nf_conntrack_tcp_timeout_established': '432000' } },
      sets: ['net.netfilter.nf_conntrack_tcp_timeout_established=600'],
    },
    quiet: {
      snap: { sysctl: { 'net.netfilter.nf_conntrack_tcp_timeout_established': '432000' } },
      sets: ['net.netfilter.nf_conntrack_tcp_timeout_established=864000'],
    },
  },
  {
    rule: 'CONNTRACK_MAX_WITHOUT_HASHSIZE',
    fires: {
      snap: { sysctl: { 'net.netfilter.nf_conntrack_max': '262144', 'net.netfilter.nf_conntrack_buckets': '262144' } },
      sets: ['net.netfilter.nf_conntrack_max=524288'],
    },
    quiet: {
      snap: { sysctl: { 'net.netfilter.nf_conntrack_max': '262144', 'net.netfilter.nf_conntrack_buckets': '262144' } },
      sets: ['net.netfilter.nf_conntrack_max=524288', 'net.netfilter.nf_conntrack_buckets=524288'],
    },
  },
  {
    rule: 'CAPACITY_LOWERED',
    fires: { snap: { sysctl: { 'fs.file-max': '9223372036854775807' } }, sets: ['fs.file-max=2000000'] },
    quiet: { sets: ['fs.file-max=2000000'] },
  },
  {
    rule: 'BUFFER_MAX_LOWERED',
    fires: {
      snap: { sysctl: { 'net.ipv4.tcp_rmem': '4096 131072 33554432' } },
      sets: ['net.ipv4.tcp_rmem=4096 87380 16777216'],
    },
    quiet: { sets: ['net.ipv4.tcp_rmem=4096 87380 16777216'] },
  },
  {
    rule: 'CONGESTION_CONTROL_UNAVAILABLE',
    fires: {
      snap: { sysctl: { 'net.ipv4.tcp_available_congestion_control': 'reno cubic' } },
      sets: ['net.ipv4.tcp_congestion_control=bbr'],
    },
    quiet: {
      snap: { sysctl: { 'net.ipv4.tcp_available_congestion_control': 'reno cubic bbr' } },
      sets: ['net.ipv4.tcp_congestion_control=bbr'],
    },
  },
  {
    rule: 'NR_OPEN_BELOW_NOFILE',
    fires: { sets: ['fs.nr_open=65536'] },
    quiet: { sets: ['fs.nr_open=1048576'] },
    status: 'refused',
  },
  {
    rule: 'FILE_MAX_BELOW_IN_USE',
    fires: { sets: ['fs.file-max=1000'] },
    quiet: { sets: ['fs.file-max=2000000'] },
    status: 'refused',
  },
  {
    rule: 'IP_FORWARD_ROLE_CHANGE',
    fires: { sets: ['net.ipv4.ip_forward=1'] },
    quiet: { sets: ['net.ipv4.ip_forward=0'] },
    status: 'refused',
  },
  {
    rule: 'BOOT_SHADOWED',
    fires: {
      snap: { config: { '/etc/sysctl.d/99-zzz.conf': 'net.core.somaxconn=1024' } },
      sets: ['net.core.somaxconn=8192'],
    },
    quiet: {
      snap: { config: { '/etc/sysctl.d/10-aaa.conf': 'net.core.somaxconn=1024' } },
      sets: ['net.core.somaxconn=8192'],
    },
  },
  {
    rule: 'BOOT_LOADERS_DISAGREE',
    fires: {
      snap: { config: { '/etc/sysctl.d/.x.conf': 'net.core.somaxconn=1024' } },
      sets: ['net.core.somaxconn=8192'],
    },
    quiet: {
      snap: { config: { '/etc/sysctl.d/x.conf': 'net.core.somaxconn=1024' } },
      sets: ['net.core.somaxconn=8192'],
    },
  },
  {
    rule: 'CONFIG_LINE_INVALID',
    fires: { snap: { config: { '/etc/sysctl.d/x.conf': 'oops' } }, sets: ['net.core.somaxconn=8192'] },
    quiet: { snap: { config: { '/etc/sysctl.d/x.conf': '# fine' } }, sets: ['net.core.somaxconn=8192'] },
  },
  {
    rule: 'CONFIG_INLINE_COMMENT',
    fires: {
      snap: { config: { '/etc/sysctl.d/x.conf': 'net.core.somaxconn = 1024 # more' } },
      sets: ['net.core.somaxconn=8192'],
    },
    quiet: {
      snap: { config: { '/etc/sysctl.d/x.conf': 'net.core.somaxconn = 1024' } },
      sets: ['net.core.somaxconn=8192'],
    },
  },
  {
    rule: 'BOOT_WRITE_REJECTED',
    fires: {
      snap: { config: { '/etc/sysctl.d/x.conf': 'net.ipv4.tcp_syn_retries = 200' } },
      sets: ['net.ipv4.tcp_syn_retries=5'],
    },
    quiet: {
      snap: { config: { '/etc/sysctl.d/x.conf': 'net.ipv4.tcp_syn_retries = 0x7' } },
      sets: ['net.ipv4.tcp_syn_retries=5'],
    },
  },
  {
    rule: 'BOOT_KEY_UNREACHABLE',
    fires: {
      snap: { config: { '/etc/sysctl.d/x.conf': 'net.ipv4.tcp_fin_timeout. = 30' } },
      sets: ['net.ipv4.tcp_fin_timeout=30'],
    },
    quiet: {
      snap: { config: { '/etc/sysctl.d/x.conf': '/net/ipv4/tcp_fin_timeout = 30' } },
      sets: ['net.ipv4.tcp_fin_timeout=30'],
    },
  },
  {
    rule: 'OWNED_FILE_KEY_DROPPED',
    fires: {
      snap: { config: { '/etc/sysctl.d/99-tune.conf': 'net.ipv4.tcp_fin_timeout = 30' } },
      sets: ['net.core.somaxconn=8192'],
    },
    quiet: {
      snap: { config: { '/etc/sysctl.d/99-tune.conf': 'net.core.somaxconn = 30' } },
      sets: ['net.core.somaxconn=8192'],
    },
  },
  {
    rule: 'KEY_UNKNOWN',
    fires: {
      snap: { sysctl: { 'net.ipv4.tcp_comp_sack_delay_ns': '1000000' } },
      sets: ['net.ipv4.tcp_comp_sack_delay_ns=500000'],
    },
    quiet: { sets: ['net.core.somaxconn=8192'] },
  },
];

/** The snapshot a live plan reads: only the requested keys and the keys rules declare (Rule.reads). */
function evidenceOnly(snap: Snapshot, sets: string[]): Snapshot {
  const keep = new Set(
    evidenceKeys(
      allRules,
      sets.map((s) => s.slice(0, s.indexOf('='))),
    ),
  );
  return { ...snap, sysctl: Object.fromEntries(Object.entries(snap.sysctl).filter(([k]) => keep.has(k))) };
}

for (const c of cases) {
  test(`${c.rule} fires on its evidence and stays quiet without it`, () => {
    const fired = planOf(snapshotOf(c.fires.snap), c.fires.sets);
    const finding = fired.findings.find((f) => f.rule === c.rule);
    assert.ok(finding, `${c.rule} should fire; got ${ruleHits(fired).join(', ')}`);
    assert.ok(finding.message.length > 20);
    // `tune explain KEY` lists a rule by its concerns: every key a rule's finding names must be among them.
    const concerns = allRules.find((r) => r.id === c.rule)?.concerns;
    if (concerns && finding.key) assert.ok(concerns.includes(finding.key), `${c.rule} names ${finding.key}`);
    if (c.status && finding.key) assert.equal(fired.changes.find((ch) => ch.key === finding.key)?.status, c.status);
    const quiet = planOf(snapshotOf(c.quiet.snap), c.quiet.sets);
    assert.ok(
      !quiet.findings.some((f) => f.rule === c.rule),
      `${c.rule} should stay quiet; got ${ruleHits(quiet).join(', ')}`,
    );
    // A live plan reads only the declared evidence (Rule.reads): it must decide exactly as with every key.
    assert.deepEqual(
      planOf(evidenceOnly(snapshotOf(c.fires.snap), c.fires.sets), c.fires.sets).findings,
      fired.findings,
    );
    assert.deepEqual(
      planOf(evidenceOnly(snapshotOf(c.quiet.snap), c.quiet.sets), c.quiet.sets).findings,
      quiet.findings,
    );
  });
}

test('FIN_TIMEOUT_MISJUSTIFIED refuses a fin_timeout justified as shortening TIME_WAIT', () => {
  const profiles = {
    folk: '[sysctl]\nnet.ipv4.tcp_fin_timeout = 15\n[reasons]\nnet.ipv4.tcp_fin_timeout = reduce TIME_WAIT sockets\n',
    fact: '[sysctl]\nnet.ipv4.tcp_fin_timeout = 15\n[reasons]\nnet.ipv4.tcp_fin_timeout = drop orphaned FIN_WAIT2 faster\n',
  };
  const folk = planOf(snapshotOf(), [], { profiles, use: ['folk'] });
  assert.deepEqual(ruleHits(folk), ['FIN_TIMEOUT_MISJUSTIFIED:refuse']);
  assert.equal(folk.changes[0]?.status, 'refused');
  assert.deepEqual(ruleHits(planOf(snapshotOf(), [], { profiles, use: ['fact'] })), ['FIN_TIMEOUT_SCOPE:info']);
});

test('PORT_RANGE_SERVICE_PORTS names the default service ports a low range covers, leaving listeners to the warning', () => {
  const finding = (snap: SnapshotData, ...sets: string[]) =>
    planOf(snapshotOf(snap), sets).findings.find((f) => f.rule === 'PORT_RANGE_SERVICE_PORTS');
  const folklore = finding({}, 'net.ipv4.ip_local_port_range=1024 65535');
  assert.match(
    folklore?.message ?? '',
    /^1024-65535 covers .*3306 \(MySQL\/MariaDB\), .*5432 \(PostgreSQL\), .*6379 \(Redis\)/,
  );
  assert.match(
    folklore?.message ?? '',
    /and 19 more \(the JSON form lists all\)\. .*EADDRINUSE.*ip_local_reserved_ports/,
  );
  assert.equal(folklore?.evidence.servicePorts?.toString().split(',').length, 29);
  // A listening MySQL is the overlap warning's; a reserved Redis is safe; both leave this list.
  const judged = finding(
    listeners(3306),
    'net.ipv4.ip_local_port_range=1024 65535',
    'net.ipv4.ip_local_reserved_ports=6379',
  );
  assert.doesNotMatch(judged?.message ?? '', /3306|6379/);
  assert.match(judged?.message ?? '', /5432 \(PostgreSQL\)/);
  // Ports at or above the kernel's default low end were ephemeral already: never listed.
  assert.equal(finding({}, 'net.ipv4.ip_local_port_range=32768 65535'), undefined);
  assert.equal(finding({}, 'net.ipv4.ip_local_port_range=28000 60999'), undefined);
});

test("RUNTIME_UNPERSISTED and BOUND_MET_AT_BOOT fire on a >N key, and decide the same from a live plan's evidence", () => {
  const key = 'net.ipv4.tcp_max_tw_buckets';
  const profiles = { tw: `[sysctl]\n${key} = >262144\n` };
  const cases: [SnapshotData, string[]][] = [
    [{ sysctl: { [key]: '2000000' } }, ['RUNTIME_UNPERSISTED:warn']],
    // ehash 1048576: the kernel default 524288 meets >262144, so the runtime moves there and no line is written.
    [{ sysctl: { [key]: '131072', 'net.ipv4.tcp_ehash_entries': '1048576' } }, ['BOUND_MET_AT_BOOT:info']],
    [{ sysctl: { [key]: '100000' } }, []],
  ];
  for (const [d, hits] of cases) {
    const plan = planOf(snapshotOf(d), [], { profiles, use: ['tw'] });
    assert.deepEqual(ruleHits(plan), hits);
    const live = planOf(evidenceOnly(snapshotOf(d), [`${key}=`]), [], { profiles, use: ['tw'] });
    assert.deepEqual(live.findings, plan.findings);
    assert.deepEqual(live.changes, plan.changes);
  }
});

test('PROFILE_SECTIONS_IGNORED reports tuned plugin sections', () => {
  const plan = planOf(snapshotOf(), [], {
    profiles: { t: '[main]\n[cpu]\ngovernor=performance\n[sysctl]\nnet.core.somaxconn=4096\n' },
    use: ['t'],
  });
  assert.ok(ruleHits(plan).includes('PROFILE_SECTIONS_IGNORED:info'));
});

test('PROFILE_PART_NOT_APPLIED names the file:line of a profile part tune does not apply', () => {
  const snap = snapshotOf();
  const request = resolveRequest([], ['net.core.somaxconn=4096'], () => undefined);
  const quiet = planTuning(snap, request, allRules, NOW, { ownedFile: DEFAULT_OWNED_FILE, allow: [], overrides: [] });
  assert.ok(!ruleHits(quiet).includes('PROFILE_PART_NOT_APPLIED:warn'));
  const note = { profile: 'p', file: '/t/p/tuned.conf', line: 7, key: 'include', message: 'include not loaded: x' };
  const fires = planTuning(snap, { ...request, notes: [note] }, allRules, NOW, {
    ownedFile: DEFAULT_OWNED_FILE,
    allow: [],
    overrides: [],
  });
  const f = fires.findings.find((x) => x.rule === 'PROFILE_PART_NOT_APPLIED');
  assert.equal(f?.message, '/t/p/tuned.conf:7: include: include not loaded: x (profile p).');
});

test('OWNED_FILE_NOT_LOADED warns when --file is outside the sysctl.d directories', () => {
  const plan = planOf(snapshotOf(), ['net.core.somaxconn=8192'], { file: '/etc/tune.conf' });
  assert.deepEqual(
    plan.findings.filter((f) => f.rule === 'OWNED_FILE_NOT_LOADED').map((f) => f.evidence.loader),
    ['systemd', 'procps'],
  );
  assert.ok(!ruleHits(planOf(snapshotOf(), ['net.core.somaxconn=8192'])).includes('OWNED_FILE_NOT_LOADED:warn'));
});

test('--allow turns an overridable refusal into a warning; non-overridable refusals stay', () => {
  const snap = () => snapshotOf({ release: '4.9.0-19-amd64' });
  const allowed = planOf(snap(), ['net.ipv4.tcp_tw_recycle=1'], { allow: ['TW_RECYCLE_LEGACY'] });
  assert.deepEqual(ruleHits(allowed), ['TW_RECYCLE_LEGACY:warn']);
  assert.equal(allowed.findings[0]?.allowed, true);
  assert.equal(allowed.changes[0]?.status, 'change');
  assert.equal(allowed.summary.refusedAny, false);
  const stays = planOf(snapshotOf(), ['net.ipv4.tcp_tw_reuse=1', 'net.ipv4.tcp_timestamps=0'], {
    allow: ['TW_REUSE_NEEDS_TIMESTAMPS'],
  });
  assert.ok(ruleHits(stays).includes('TW_REUSE_NEEDS_TIMESTAMPS:refuse'));
});

test('every rule has a case here and is listed in docs/rules.md with its severity', () => {
  const doc = fs.readFileSync(path.join(repoRoot(), 'docs', 'rules.md'), 'utf8');
  const tested = new Set([
    ...cases.map((c) => c.rule),
    'FIN_TIMEOUT_MISJUSTIFIED',
    'PROFILE_SECTIONS_IGNORED',
    'PROFILE_PART_NOT_APPLIED',
    'OWNED_FILE_NOT_LOADED',
    'RUNTIME_UNPERSISTED',
    'BOUND_MET_AT_BOOT',
  ]);
  for (const r of allRules) {
    assert.ok(tested.has(r.id), `no test case for ${r.id}`);
    assert.match(
      doc,
      new RegExp(`\\| \`${r.id}\` \\| ${r.severity}${r.overridable ? ' \\(--allow\\)' : ''} \\|`),
      `docs/rules.md lacks ${r.id}`,
    );
  }
  assert.equal(new Set(allRules.map((r) => r.id)).size, allRules.length, 'rule ids are unique');
});

test('SYN_BACKLOG_WITH_SYNCOOKIES judges the syncookies value in effect: a refused tcp_syncookies=0 leaves cookies on', () => {
  const sets = ['net.ipv4.tcp_max_syn_backlog=8192', 'net.ipv4.tcp_syncookies=0'];
  const refused = planOf(snapshotOf(listeners(443)), sets);
  assert.equal(refused.changes.find((c) => c.key === 'net.ipv4.tcp_syncookies')?.status, 'refused');
  assert.ok(ruleHits(refused).includes('SYN_BACKLOG_WITH_SYNCOOKIES:warn'));
  // Allowed, the change is written and cookies are really off: the backlog matters, nothing to warn about.
  const allowed = planOf(snapshotOf(listeners(443)), sets, { allow: ['SYNCOOKIES_DISABLED'] });
  assert.ok(!ruleHits(allowed).includes('SYN_BACKLOG_WITH_SYNCOOKIES:warn'));
});

test('KEY_ABSENT in a child network namespace says a host-wide key is hidden there, not missing from the kernel', () => {
  const hidden = { sysctl: { 'net.core.netdev_max_backlog': null }, env: { initialNetns: false } };
  const [child] = planOf(snapshotOf(hidden), ['net.core.netdev_max_backlog=5000']).findings;
  assert.equal(child?.rule, 'KEY_ABSENT');
  assert.match(child?.message ?? '', /host-wide.*Set it on the host/);
  assert.doesNotMatch(child?.message ?? '', /built without/);
  const host = planOf(snapshotOf({ sysctl: { 'net.core.netdev_max_backlog': null } }), [
    'net.core.netdev_max_backlog=5000',
  ]).findings;
  assert.match(host[0]?.message ?? '', /built without it/);
});
