// `tune audit` on fixture roots holding configurations people really paste: every questionable line is named at its
// file:line and the exit code is 4; a clean host exits 0 with one line; bad input is one line and exit 2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withFixture, type FixtureSpec } from '../helpers/fixture-root.js';
import { runTune } from '../helpers/repo.js';

const SYSCTL_CONF = [
  '# /etc/sysctl.conf - Configuration file for setting system variables',
  '',
  '# Reduce TIME_WAIT timeout to 30 seconds',
  'net.ipv4.tcp_fin_timeout = 30',
  '# Reuse TIME_WAIT sockets',
  'net.ipv4.tcp_tw_reuse = 1',
  'net.ipv4.tcp_tw_recycle = 1 # Note: needed for high traffic',
  '# More ephemeral ports',
  'net.ipv4.ip_local_port_range = 1024 65535',
  'net.ipv4.tcp_max_tw_buckets = 2000000',
  'net.ipv4.tcp_syncookies = 1',
].join('\n');

const PRODUCTION = [
  '# Complete production TCP tuning',
  'net.netfilter.nf_conntrack_max = 2000000',
  'net.netfilter.nf_conntrack_tcp_timeout_established = 600',
  'net.ipv4.tcp_max_syn_backlog = 65535',
  'net.ipv4.tcp_syn_retries = 300',
  'net.ipv4.tcp_synack_retries = 1',
  'net.ipv4.tcp_sack = 1',
  'net.ipv4.route.gc_timeout = 100',
  'net.ipv4.tcp_congestion_control = bbr # faster',
].join('\n');

/** A 6.8 host whose runtime values are what its files set (they were applied at boot). */
const pasted: FixtureSpec = {
  release: '6.8.0-45-generic',
  sysctl: {
    'net.ipv4.tcp_fin_timeout': '30',
    'net.ipv4.tcp_tw_reuse': '1',
    'net.ipv4.ip_local_port_range': '1024\t65535',
    'net.ipv4.tcp_max_tw_buckets': '2000000',
    'net.ipv4.tcp_syncookies': '1',
    'net.ipv4.tcp_timestamps': '1',
    'net.netfilter.nf_conntrack_max': '2000000',
    'net.netfilter.nf_conntrack_buckets': '262144',
    'net.netfilter.nf_conntrack_tcp_timeout_established': '432000',
    'net.ipv4.tcp_max_syn_backlog': '65535',
    'net.ipv4.tcp_syn_retries': '6',
    'net.ipv4.tcp_congestion_control': 'cubic',
    'net.ipv4.tcp_available_congestion_control': 'reno cubic',
    'net.core.somaxconn': '4096',
  },
  files: { '/etc/sysctl.conf': SYSCTL_CONF, '/etc/sysctl.d/99-tcp-tuning.conf': PRODUCTION },
  listeners: [
    { address: '0.0.0.0', port: 3306 },
    { address: '0.0.0.0', port: 8080 },
  ],
};

interface Report {
  findings: { file: string | null; line: number | null; rule: string; severity: string; message: string }[];
}

test('pasted configurations: every questionable line is named at its file:line, and a refusal exits 4', () => {
  withFixture(pasted, (root) => {
    const r = runTune(['audit', '--root', root, '--json']);
    assert.equal(r.status, 4, r.stderr);
    const found = new Set((JSON.parse(r.stdout) as Report).findings.map((f) => `${f.file}:${f.line}:${f.rule}`));
    const C = '/etc/sysctl.conf';
    const T = '/etc/sysctl.d/99-tcp-tuning.conf';
    for (const want of [
      `${C}:4:FIN_TIMEOUT_MISJUSTIFIED`, // the comment above claims it shortens TIME_WAIT
      `${C}:6:TW_REUSE_CLIENT_ONLY`,
      `${C}:7:TW_RECYCLE_REMOVED`, // gone since 4.12
      `${C}:7:CONFIG_INLINE_COMMENT`,
      `${C}:9:PORT_RANGE_LISTENER_OVERLAP`, // 3306 and 8080 inside 1024-65535
      `${T}:2:CONNTRACK_MAX_VS_BUCKETS`,
      `${T}:3:CONNTRACK_ESTABLISHED_LOWERED`,
      `${T}:4:SYN_BACKLOG_WITH_SYNCOOKIES`,
      `${T}:5:BOOT_WRITE_REJECTED`, // tcp_syn_retries 300 is above the kernel's 127
      `${T}:6:SYN_RETRIES_LOW`, // an incoming connection gives up after about 3 s
      `${T}:7:DEFAULT_RESTATED`,
      `${T}:8:BOOT_KEY_UNREACHABLE`, // route.gc_timeout does not exist on this kernel
      `${T}:9:CONFIG_INLINE_COMMENT`,
      `${T}:9:BOOT_WRITE_REJECTED`, // "bbr # faster" is no congestion control name
    ])
      assert.ok(found.has(want), `missing ${want}\n${[...found].join('\n')}`);
    const text = runTune(['audit', '--root', root]);
    assert.equal(text.status, 4);
    // grouped by file, in line order, then one summary line
    const lines = text.stdout.trimEnd().split('\n');
    assert.match(lines.at(-1) ?? '', /^audit: \d+ file\(s\), \d+ assignment\(s\): \d+ refuse, \d+ warn, \d+ info\.$/);
    assert.ok(text.stdout.indexOf(`${C}\n`) < text.stdout.indexOf(`${T}\n`));
    const at = (s: string) => text.stdout.indexOf(s);
    assert.ok(at(`${C}:4:`) < at(`${C}:7:`) && at(`${C}:7:`) < at(`${C}:9:`));
    // --fail-on warn also fails on warnings only; an unknown id is a usage error
    assert.equal(runTune(['audit', '--root', root, '--fail-on', 'NO_SUCH_RULE']).status, 2);
  });
});

test('a clean host: exit 0 and one line', () => {
  withFixture(
    {
      release: '6.8.0',
      sysctl: { 'net.ipv4.tcp_keepalive_time': '600' },
      files: {
        '/etc/sysctl.d/90-net.conf': '# find dead peers within 10 minutes\nnet.ipv4.tcp_keepalive_time = 600\n',
      },
    },
    (root) => {
      const r = runTune(['audit', '--root', root]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'audit: 1 file(s), 1 assignment(s): nothing questionable found.\n');
    },
  );
});

test('--fail-on warn fails on a warning; markdown and JSON are exclusive; bad snapshot is one line', () => {
  withFixture(
    {
      release: '6.8.0',
      sysctl: { 'net.core.somaxconn': '4096' },
      files: { '/etc/sysctl.d/a.conf': 'net.core.somaxconn = 8192' },
    },
    (root) => {
      assert.equal(runTune(['audit', '--root', root]).status, 0);
      assert.equal(runTune(['audit', '--root', root, '--fail-on', 'warn']).status, 4); // runtime differs from boot
      const md = runTune(['audit', '--root', root, '--format', 'markdown']);
      assert.match(md.stdout, /^### tune audit: /);
      assert.match(md.stdout, /\| warn \| RUNTIME_DIFFERS_FROM_BOOT \|/);
      assert.equal(runTune(['audit', '--root', root, '--format', 'markdown', '--json']).status, 2);
    },
  );
  const bad = runTune(['audit', '--snapshot', '/dev/null']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
