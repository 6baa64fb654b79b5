import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexToAddress, ipv4FromKernel } from '../../../src/core/diagnose/socket-address.js';

test('IPv4 addresses come as the kernel u32 with the first octet in the low byte', () => {
  assert.equal(ipv4FromKernel(0x0100007f), '127.0.0.1');
  assert.equal(hexToAddress('0100007F', 4), '127.0.0.1');
  assert.equal(hexToAddress('0A01A8C0', 4), '192.168.1.10');
});

test('IPv6 and v4-mapped addresses print in their usual text form', () => {
  assert.equal(hexToAddress('00000000000000000000000001000000', 6), '::1');
  assert.equal(hexToAddress('0000000000000000FFFF00000100007F', 6), '::ffff:127.0.0.1');
  assert.equal(hexToAddress('B80D0120000000000000000001000000', 6), '2001:db8::1');
  assert.equal(hexToAddress('00000000000000000000000000000000', 6), '::');
  assert.equal(hexToAddress('xyz', 6), undefined);
});
