import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../src/core/errors.js';
import { keyToProcPath, parseSysctlKey, procPathToKey } from '../../../src/core/sysctl/sysctl-key.js';
import { normalizeValue, sameValue } from '../../../src/core/sysctl/sysctl-value.js';
import { compareKernel, kernelAtLeast, parseKernelRelease } from '../../../src/core/sysctl/kernel-version.js';

test('dotted keys map to paths; a slash inside a dotted key is a literal dot (VLAN interfaces)', () => {
  assert.equal(keyToProcPath(parseSysctlKey('net.ipv4.tcp_tw_reuse')), 'net/ipv4/tcp_tw_reuse');
  const vlan = parseSysctlKey('net.ipv4.conf.eth0/100.rp_filter');
  assert.equal(keyToProcPath(vlan), 'net/ipv4/conf/eth0.100/rp_filter');
  assert.equal(procPathToKey('net/ipv4/conf/eth0.100/rp_filter'), vlan);
});

test('slash-separated keys are paths as-is (first separator decides)', () => {
  assert.equal(parseSysctlKey('net/ipv4/conf/eth0.100/rp_filter'), 'net.ipv4.conf.eth0/100.rp_filter');
  assert.equal(parseSysctlKey('net/ipv4/tcp_fin_timeout'), 'net.ipv4.tcp_fin_timeout');
});

test('keys that could escape /proc/sys or smuggle lines are rejected with the location', () => {
  for (const bad of [
    '../etc/passwd',
    'net/../../etc',
    'net.ipv4..x',
    '/proc/sys/net',
    'net.ipv4.x\nkernel.y',
    'a\0b',
    '',
    'net ipv4',
    '.net',
  ]) {
    assert.throws(
      () => parseSysctlKey(bad, { file: 'p.conf', line: 3 }),
      (e: unknown) => e instanceof UserError && e.format().startsWith('p.conf:3: '),
      bad,
    );
  }
});

test('values compare as the kernel reads them back', () => {
  assert.ok(sameValue('1024 65535', '1024\t65535'));
  assert.ok(sameValue(' 1 ', '1'));
  assert.ok(!sameValue('1024 65535', '1024 65534'));
  assert.equal(normalizeValue('4096\t87380\t6291456'), '4096 87380 6291456');
});

test('kernel releases parse and compare by major.minor', () => {
  const k = parseKernelRelease('3.10.0-1160.el7.x86_64');
  assert.deepEqual([k?.major, k?.minor, k?.patch], [3, 10, 0]);
  assert.ok(compareKernel(k!, '4.12') < 0);
  assert.ok(kernelAtLeast(parseKernelRelease('6.18.44-fc-v657'), '6.14'));
  assert.ok(!kernelAtLeast(parseKernelRelease('4.9.0'), '4.12'));
  assert.ok(!kernelAtLeast(undefined, '4.12'));
  assert.equal(parseKernelRelease('garbage'), undefined);
});
