// The keys a snapshot reads because the configuration names them: explicit spellings and what globs match today.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keysNamedByConfig } from '../../../src/system/config/config-keys.js';
import { readConfigFiles } from '../../../src/system/config/sysctl-config-files.js';
import { readSnapshot } from '../../../src/system/snapshot-reader.js';
import { withFixture, withFixtureAsync } from '../../helpers/fixture-root.js';

const sysctl = {
  'net.ipv4.conf.all.rp_filter': '0',
  'net.ipv4.conf.default.rp_filter': '0',
  'net.ipv4.conf.eth0/100.rp_filter': '0',
  'net.ipv4.conf.all.log_martians': '0',
  'net.ipv4.tcp_fin_timeout': '60',
};

test('explicit keys in any spelling and glob matches per component are named; impossible spellings are not', () => {
  const files = {
    '/etc/sysctl.d/a.conf': [
      '/net/ipv4/tcp_fin_timeout = 30',
      'net.ipv4.conf.*.rp_filter = 2',
      'net.ipv4.*.log_martians = 1',
      '\vnet.ipv4.tcp_keepalive_time = 1',
      'net.ipv4.tcp_nonesuch = 1',
    ].join('\n'),
  };
  withFixture({ release: '6.8.0', sysctl, files }, (root) => {
    assert.deepEqual(keysNamedByConfig(root, readConfigFiles(root)), [
      'net.ipv4.conf.all.rp_filter',
      'net.ipv4.conf.default.rp_filter',
      'net.ipv4.conf.eth0/100.rp_filter',
      'net.ipv4.tcp_fin_timeout',
      // procps strips the \v (isspace); systemd keeps it, a spelling no key has
      'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_nonesuch',
    ]);
  });
});

test('a snapshot carries the keys the configuration names, absent ones marked absent', async () => {
  const files = { '/etc/sysctl.d/a.conf': 'net.ipv4.conf.*.rp_filter = 2\nnet.ipv4.tcp_nonesuch = 1' };
  await withFixtureAsync({ release: '6.8.0', sysctl, files }, async (root) => {
    const s = await readSnapshot({ root, now: new Date(0), keys: ['net.core.somaxconn'] });
    assert.equal(s.sysctl['net.ipv4.conf.eth0/100.rp_filter']?.value, '0');
    assert.equal(s.sysctl['net.ipv4.tcp_nonesuch']?.state, 'absent');
  });
});
