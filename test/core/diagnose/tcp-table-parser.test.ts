import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../src/core/errors.js';
import { hexToAddress, ipv4FromKernel } from '../../../src/core/diagnose/socket-address.js';
import { TCP_STATE_NAMES, TcpTableParser, type TcpRecord } from '../../../src/core/diagnose/tcp-table-parser.js';
import { tcpRow, tcpTable, TCP_HEADER } from '../../helpers/tcp-rows.js';

const parse = (text: string, family: 4 | 6 = 4, chunks: number[] = []): TcpRecord[] => {
  const rows: TcpRecord[] = [];
  const p = new TcpTableParser(family, '/proc/net/tcp', (r) => rows.push({ ...r }));
  const buf = Buffer.from(text);
  let at = 0;
  for (const c of chunks) {
    p.push(buf.subarray(at, c));
    at = c;
  }
  p.push(buf.subarray(at));
  p.end();
  return rows;
};

test('IPv4 rows: every state, queues, inode', () => {
  const rows = parse(
    tcpTable(
      Array.from({ length: 11 }, (_, i) => ({
        local: '10.0.0.1',
        lport: 8000 + i,
        remote: '192.168.1.9',
        rport: 443,
        state: i + 1,
        tx: 5,
        rx: 7,
        inode: 100 + i,
      })),
    ),
  );
  assert.deepEqual(
    rows.map((r) => TCP_STATE_NAMES[r.state]),
    [
      'ESTABLISHED',
      'SYN_SENT',
      'SYN_RECV',
      'FIN_WAIT1',
      'FIN_WAIT2',
      'TIME_WAIT',
      'CLOSE',
      'CLOSE_WAIT',
      'LAST_ACK',
      'LISTEN',
      'CLOSING',
    ],
  );
  const r = rows[0]!;
  assert.deepEqual(
    [
      ipv4FromKernel(r.local4),
      r.localPort,
      ipv4FromKernel(r.remote4),
      r.remotePort,
      r.txQueue,
      r.rxQueue,
      r.uid,
      r.inode,
    ],
    ['10.0.0.1', 8000, '192.168.1.9', 443, 5, 7, 1000, 100],
  );
});

test('IPv6 and v4-mapped rows (dual-stack listeners put IPv4 peers in tcp6)', () => {
  const rows = parse(
    tcpTable(
      [
        { local: '::', lport: 80, state: 10 },
        { local: '::ffff:127.0.0.1', lport: 80, remote: '::ffff:127.0.0.1', rport: 50000, state: 6 },
        { local: '2001:db8::1', lport: 443, remote: '2001:db8::2', rport: 40000, state: 1 },
      ],
      6,
    ),
    6,
  );
  assert.deepEqual(
    rows.map((r) => `${hexToAddress(r.localHex, 6)}:${r.localPort}>${hexToAddress(r.remoteHex, 6)}:${r.remotePort}`),
    [':::80>:::0', '::ffff:127.0.0.1:80>::ffff:127.0.0.1:50000', '2001:db8::1:443>2001:db8::2:40000'],
  );
});

test('rows split across chunks at any byte parse the same; the sl column may grow past 4 digits', () => {
  const text =
    TCP_HEADER +
    tcpRow(99999, { local: '127.0.0.1', lport: 1, state: 1 }) +
    tcpRow(123456, { local: '127.0.0.1', lport: 2, state: 6, inode: 77 });
  const whole = parse(text);
  assert.equal(whole.length, 2);
  for (let cut = 1; cut < text.length; cut += 7) assert.deepEqual(parse(text, 4, [cut]), whole, `cut at ${cut}`);
  assert.deepEqual(parse(text.trimEnd()), whole, 'no trailing newline');
});

test('malformed rows are a one-line error naming file and line, never a crash', () => {
  const bad = (line: string) => {
    try {
      parse(TCP_HEADER + tcpRow(0, { local: '1.2.3.4', lport: 1, state: 1 }) + line);
      return 'parsed';
    } catch (e) {
      assert.ok(e instanceof UserError);
      return e.format();
    }
  };
  assert.equal(bad('   1: 0100007F:1F90 0100007F\n'), '/proc/net/tcp:3: malformed socket row: truncated row');
  assert.match(
    bad(tcpRow(1, { local: '1.2.3.4', lport: 1, state: 1 }).replace(' 01 ', ' FF ')),
    /:3: malformed socket row: unknown state "FF"/,
  );
  assert.match(
    bad(tcpRow(1, { local: '1.2.3.4', lport: 1, state: 1 }).replace('0403', 'G403')),
    /^\/proc\/net\/tcp:3: malformed socket row: "G4030201" is not a hex address$/,
  );
  assert.match(
    bad(tcpRow(1, { local: '1.2.3.4', lport: 1, state: 1 }).replace(/ {2}1000 .*\n/, '\n')),
    /:3: malformed socket row: (missing uid|truncated)/,
  );
});
