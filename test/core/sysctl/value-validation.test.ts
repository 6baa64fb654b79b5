import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../src/core/errors.js';
import { validateValue } from '../../../src/core/sysctl/value-validation.js';
import { formatPortList, parsePortList } from '../../../src/core/sysctl/port-list.js';

const where = { file: 'x.conf', line: 7 };
const msg = (key: string, value: string): string => {
  try {
    validateValue(key, value, where);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof UserError);
    return e.format();
  }
};

test('known keys are checked by type and range, with file:line: key: in the message', () => {
  assert.equal(msg('net.ipv4.tcp_tw_reuse', '2'), 'ok');
  assert.equal(msg('net.ipv4.tcp_tw_reuse', '3'), 'x.conf:7: net.ipv4.tcp_tw_reuse: 3 is above the maximum 2');
  assert.match(msg('net.ipv4.tcp_syn_retries', '0'), /below the minimum 1/);
  assert.match(msg('net.ipv4.tcp_fin_timeout', '-5'), /below the minimum/);
  assert.match(msg('net.ipv4.tcp_rmem', '1024 87380 6291456'), /below the minimum 4096/);
  assert.match(msg('net.ipv4.tcp_rmem', '4096 87380'), /expected 3 integers/);
  assert.match(msg('net.core.somaxconn', '1k'), /"1k" is not an integer/);
  assert.match(msg('net.ipv4.ip_local_port_range', '60000 1024'), /low 60000 is above high 1024/);
  assert.match(msg('net.ipv4.tcp_tw_reuse_delay', '60001'), /above the maximum 60000/);
  assert.match(msg('net.ipv4.ip_local_reserved_ports', '8080,x'), /not a port/);
  assert.equal(msg('net.ipv4.ip_local_reserved_ports', '8080, 9000-9010'), 'ok');
  assert.match(msg('net.ipv4.tcp_congestion_control', 'cubic # inline'), /congestion control name/);
});

test('syntax problems are caught for every key, known or not', () => {
  assert.match(msg('net.unknown.key', '"44"'), /quoted/);
  assert.match(msg('net.unknown.key', ''), /empty value/);
  assert.match(msg('net.unknown.key', '1\n2'), /newline/);
  assert.equal(msg('net.unknown.key', 'anything goes'), 'ok');
});

test('reserved port lists parse and print the way the kernel does', () => {
  assert.deepEqual(
    [...parsePortList('9000-9002,8080')].sort((a, b) => a - b),
    [8080, 9000, 9001, 9002],
  );
  assert.equal(formatPortList([9001, 8080, 9000, 9002, 22]), '22,8080,9000-9002');
  assert.equal(formatPortList([]), '');
});

test('unsigned long keys take values up to 2^64-1 exactly; jiffies seconds stop where seconds x HZ overflows', () => {
  assert.equal(msg('kernel.shmmax', '18446744073692774399'), 'ok');
  assert.match(msg('kernel.shmmax', '18446744073709551616'), /below 2\^64/);
  assert.match(msg('kernel.shmall', '-1'), /unsigned integer/);
  // The kernel refuses 2147483647 s for a jiffies key (EINVAL at any HZ): tune refuses it before the write.
  assert.match(msg('net.ipv4.tcp_fin_timeout', '2147483647'), /above the maximum 2147483/);
  assert.equal(msg('net.netfilter.nf_conntrack_tcp_timeout_established', '2147483'), 'ok');
});
