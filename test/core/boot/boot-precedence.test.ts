// Every rule of sysctl-d-facts.md §1.1-1.3, as the two boot loaders apply them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadOrder, modelBoot } from '../../../src/core/boot/boot-precedence.js';
import { parseSysctlConf } from '../../../src/core/sysctl/sysctl-conf.js';
import { snapshotOf, type SnapshotData } from '../../helpers/snapshot-data.js';

const K = 'net.ipv4.tcp_syn_retries';
const both = (config: SnapshotData['config'], key = K) => {
  const files = snapshotOf({ config }).config;
  const s = modelBoot(files, 'systemd', [key]).assignments.get(key);
  const p = modelBoot(files, 'procps', [key]).assignments.get(key);
  return { systemd: s && `${s.value}@${s.file}:${s.line}`, procps: p && `${p.value}@${p.file}:${p.line}` };
};

test('line syntax: comments, no inline comments, - prefix, exclusions, CRLF, slash keys, invalid lines', () => {
  const lines = parseSysctlConf(
    [
      '# c',
      '; c',
      '  # indented',
      `\t${K}\t=\t41  `,
      'net.ipv4.tcp_fin_timeout = 43 # inline',
      '-net.ipv4.x = 1',
      '-net.ipv4.y',
      'net/ipv4/tcp_keepalive_time = 1000\r',
      'garbage',
      'a..b = 1',
    ].join('\n'),
  );
  assert.deepEqual(
    lines.map((l) =>
      l.kind === 'assign'
        ? `${l.line}:${l.key}=${l.value}${l.ignoreFailure ? '(-)' : ''}`
        : l.kind === 'exclude'
          ? `${l.line}:-${l.key}`
          : `${l.line}:invalid`,
    ),
    [
      `4:${K}=41`,
      '5:net.ipv4.tcp_fin_timeout=43 # inline',
      '6:net.ipv4.x=1(-)',
      '7:-net.ipv4.y',
      '8:net.ipv4.tcp_keepalive_time=1000',
      '9:invalid',
      '10:invalid',
    ],
  );
});

test('same basename in several directories: the first directory wins (/etc > /run > /usr/local/lib > /usr/lib)', () => {
  const r = both({
    '/etc/sysctl.d/50-same.conf': `${K}=32`,
    '/run/sysctl.d/50-same.conf': `${K}=33`,
    '/usr/lib/sysctl.d/50-same.conf': `${K}=31`,
  });
  assert.deepEqual(r, { systemd: '32@/etc/sysctl.d/50-same.conf:1', procps: '32@/etc/sysctl.d/50-same.conf:1' });
  assert.equal(
    both({ '/run/sysctl.d/55-ru.conf': `${K}=11`, '/usr/lib/sysctl.d/55-ru.conf': `${K}=22` }).systemd,
    '11@/run/sysctl.d/55-ru.conf:1',
  );
  assert.equal(
    both({ '/usr/local/lib/sysctl.d/20-local.conf': `${K}=3`, '/usr/lib/sysctl.d/20-local.conf': `${K}=4` }).procps,
    '3@/usr/local/lib/sysctl.d/20-local.conf:1',
  );
});

test('files apply in byte order of their names regardless of directory; later wins', () => {
  assert.equal(
    both({ '/etc/sysctl.d/10-early.conf': `${K}=1`, '/usr/lib/sysctl.d/90-late.conf': `${K}=9` }).systemd,
    '9@/usr/lib/sysctl.d/90-late.conf:1',
  );
  assert.equal(
    both({ '/etc/sysctl.d/100-num.conf': `${K}=10`, '/etc/sysctl.d/20-num.conf': `${K}=12` }).procps,
    '12@/etc/sysctl.d/20-num.conf:1',
  );
  const files = snapshotOf({
    config: { '/etc/sysctl.d/B.conf': '', '/etc/sysctl.d/a.conf': '', '/etc/sysctl.d/_x.conf': '' },
  }).config;
  assert.deepEqual(
    loadOrder(files, 'systemd').map((f) => f.name),
    ['B.conf', '_x.conf', 'a.conf'],
  );
});

test('a /dev/null symlink (or empty file) of the same name masks a vendor file', () => {
  const r = both({
    '/etc/sysctl.d/60-vendor.conf': { symlink: '/dev/null' },
    '/usr/lib/sysctl.d/60-vendor.conf': `${K}=0`,
  });
  assert.deepEqual(r, { systemd: undefined, procps: undefined });
  assert.equal(
    both({ '/etc/sysctl.d/60-vendor.conf': '', '/usr/lib/sysctl.d/60-vendor.conf': `${K}=0` }).systemd,
    undefined,
  );
});

test('dotfiles: procps applies them, systemd skips them; only *.conf counts for both', () => {
  const r = both({ '/etc/sysctl.d/.hidden.conf': `${K}=7`, '/etc/sysctl.d/70-x.conf.bak': `${K}=8` });
  assert.deepEqual(r, { systemd: undefined, procps: '7@/etc/sysctl.d/.hidden.conf:1' });
});

test('/etc/sysctl.conf: systemd reads it only through the 99-sysctl.conf symlink, procps reads it again last', () => {
  const r = both({
    '/etc/sysctl.conf': `${K}=5`,
    '/etc/sysctl.d/99-sysctl.conf': { symlink: '../sysctl.conf', content: `${K}=5` },
    '/etc/sysctl.d/99-zzz.conf': `${K}=4`,
  });
  assert.deepEqual(r, { systemd: '4@/etc/sysctl.d/99-zzz.conf:1', procps: '5@/etc/sysctl.conf:1' });
  assert.equal(both({ '/etc/sysctl.conf': { symlink: '/dev/null' } }).procps, undefined);
});

test('/lib/sysctl.d is read by procps only', () => {
  assert.deepEqual(both({ '/lib/sysctl.d/30-lib.conf': `${K}=3` }), {
    systemd: undefined,
    procps: '3@/lib/sysctl.d/30-lib.conf:1',
  });
});

test('duplicates: last value wins; systemd writes once at the last differing position, keeps an identical one first', () => {
  const files = snapshotOf({
    config: { '/etc/sysctl.d/a.conf': `${K}=5\nnet.ipv4.tcp_fin_timeout=30\n${K}=4\n${K}=4` },
  }).config;
  const sd = modelBoot(files, 'systemd', [K, 'net.ipv4.tcp_fin_timeout']);
  assert.equal(sd.assignments.get(K)?.value, '4');
  assert.equal(sd.assignments.get(K)?.line, 3, 'identical re-assignment keeps the first position');
  assert.ok((sd.assignments.get(K)?.order ?? 0) > (sd.assignments.get('net.ipv4.tcp_fin_timeout')?.order ?? 0));
  assert.equal(modelBoot(files, 'procps', [K]).assignments.get(K)?.line, 4, 'procps writes every line');
});

test('globs apply to keys without an explicit assignment or exclusion anywhere', () => {
  const keys = [
    'net.ipv4.conf.all.rp_filter',
    'net.ipv4.conf.default.rp_filter',
    'net.ipv4.conf.lo.rp_filter',
    'net.ipv4.conf.eth0/100.rp_filter',
  ];
  const files = snapshotOf({
    config: {
      '/etc/sysctl.d/50-rp.conf':
        'net.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.all.rp_filter\nnet.ipv4.conf.lo.rp_filter = 1',
    },
  }).config;
  for (const loader of ['systemd', 'procps'] as const) {
    const m = modelBoot(files, loader, keys).assignments;
    assert.deepEqual(
      keys.map((k) => m.get(k)?.value ?? 'unset'),
      ['unset', '2', '1', '2'],
      loader,
    );
  }
});

test('lines that are not assignments are reported as problems with file and line', () => {
  const files = snapshotOf({ config: { '/etc/sysctl.d/bad.conf': `${K}=3\nthis is not an assignment` } }).config;
  const m = modelBoot(files, 'systemd', [K]);
  assert.deepEqual(
    m.problems.map((p) => `${p.file}:${p.line}`),
    ['/etc/sysctl.d/bad.conf:2'],
  );
  assert.equal(m.assignments.get(K)?.value, '3', 'the valid line is still applied');
});

test('a host-wide net key absent in a child network namespace is hidden there, not missing from the kernel', () => {
  const files = snapshotOf({
    config: { '/etc/sysctl.conf': 'net.ipv4.tcp_mem = 1 2 3\nnet.ipv4.no_such = 1\n' },
  }).config;
  const why = (initialNetns: boolean) =>
    modelBoot(files, 'procps', ['net.ipv4.tcp_mem', 'net.ipv4.no_such'], {
      exists: () => false,
      initialNetns,
    }).writes.map((w) => `${w.key}: ${w.result}: ${w.why}`);
  assert.deepEqual(why(false), [
    "net.ipv4.tcp_mem: absent: the key is host-wide and hidden in this network namespace (a container's): set it on the host",
    'net.ipv4.no_such: absent: the key does not exist on this kernel',
  ]);
  assert.deepEqual(why(true), [
    'net.ipv4.tcp_mem: absent: the key does not exist on this kernel',
    'net.ipv4.no_such: absent: the key does not exist on this kernel',
  ]);
});
