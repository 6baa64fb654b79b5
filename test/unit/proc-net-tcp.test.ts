import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/core/errors.js';
import { hexToAddress, parseTcpRow } from '../../src/core/proc-net-tcp.js';

test('IPv4 rows parse: addresses, ports, state, queues, inode', () => {
  const r = parseTcpRow(
    '   0: 0100007F:1F90 0100007F:C350 06 00000000:00000001 03:00001770 00000000     0        0 0 3 0000000000000000',
    4,
    '/proc/net/tcp',
    2,
  );
  assert.deepEqual(
    [r.localAddress, r.localPort, r.remoteAddress, r.remotePort, r.state, r.rxQueue, r.inode],
    ['127.0.0.1', 8080, '127.0.0.1', 50000, 'TIME_WAIT', 1, 0],
  );
});

test('IPv6 and v4-mapped addresses print in their usual text form', () => {
  assert.equal(hexToAddress('00000000000000000000000001000000', 6), '::1');
  assert.equal(hexToAddress('0000000000000000FFFF00000100007F', 6), '::ffff:127.0.0.1');
  assert.equal(hexToAddress('B80D0120000000000000000001000000', 6), '2001:db8::1');
  assert.equal(hexToAddress('00000000000000000000000000000000', 6), '::');
});

test('a malformed row is a clear error naming file and line', () => {
  assert.throws(
    () => parseTcpRow('   0: 0100007F:1F90 nonsense 0A', 4, '/proc/net/tcp', 5),
    (e: unknown) => e instanceof UserError && /^\/proc\/net\/tcp:5: malformed socket row/.test(e.format()),
  );
  assert.throws(
    () => parseTcpRow('   0: 0100007F:1F90 0100007F:C350 FF 00000000:00000000 00:0 0 0 0 1', 4, 'f', 1),
    /unknown state "FF"/,
  );
});
