import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIAG_RECORD_SIZE, DiagRecordDecoder } from '../../../src/core/diagnose/diag-record-decoder.js';
import { diagnose } from '../../../src/core/diagnose/diagnosis.js';
import { SocketCensus } from '../../../src/core/diagnose/socket-census.js';
import { TcpTableParser, type TcpRecord } from '../../../src/core/diagnose/tcp-table-parser.js';
import { diagRecords } from '../../helpers/diag-records.js';
import { tcpTable, type RowSpec } from '../../helpers/tcp-rows.js';
import { diagnosisInput } from '../../helpers/diagnosis-input.js';

const V4: RowSpec[] = [
  { local: '0.0.0.0', lport: 8080, state: 10, tx: 4096, rx: 3, inode: 11 },
  { local: '10.0.0.1', lport: 40001, remote: '10.0.0.9', rport: 443, state: 6 },
  { local: '10.0.0.1', lport: 40002, remote: '10.0.0.9', rport: 443, state: 6 },
  { local: '10.0.0.1', lport: 8080, remote: '192.168.1.7', rport: 51000, state: 6 },
  { local: '10.0.0.1', lport: 8080, remote: '192.168.1.8', rport: 51001, state: 8, tx: 0, rx: 12, inode: 77 },
  { local: '10.0.0.1', lport: 40003, remote: '10.0.0.9', rport: 443, state: 1, tx: 5, rx: 7, inode: 78 },
  { local: '10.0.0.1', lport: 8080, remote: '192.168.1.9', rport: 51002, state: 12 },
];
const V6: RowSpec[] = [
  { local: '::', lport: 443, state: 10, tx: 511, rx: 0, inode: 21 },
  { local: '::ffff:127.0.0.1', lport: 443, remote: '::ffff:127.0.0.2', rport: 50000, state: 6 },
  { local: '2001:db8::1', lport: 45000, remote: '2001:db8::2', rport: 5432, state: 6 },
  { local: '2001:db8::1', lport: 45001, remote: 'fe80::1:2', rport: 5432, state: 8, inode: 99 },
];

const decodeAll = (buf: Buffer, cuts: number[] = []): TcpRecord[] => {
  const out: TcpRecord[] = [];
  const d = new DiagRecordDecoder((r) => out.push({ ...r }));
  let at = 0;
  for (const c of cuts) {
    d.push(buf.subarray(at, c));
    at = c;
  }
  d.push(buf.subarray(at));
  d.end();
  return out;
};

const parseText = (text: string, family: 4 | 6): TcpRecord[] => {
  const out: TcpRecord[] = [];
  const p = new TcpTableParser(family, 'tcp', (r) => out.push({ ...r }));
  p.push(Buffer.from(text));
  p.end();
  return out;
};

test('a record decodes to the same TcpRecord the /proc/net/tcp{,6} row of that socket parses to', () => {
  // Only netlink shows a listener's limit; /proc prints write_seq - snd_una there.
  const noLimit = (r: TcpRecord) => ({ ...r, listenBacklog: -1 });
  assert.deepEqual(decodeAll(diagRecords(V4, 4)).map(noLimit), parseText(tcpTable(V4, 4), 4));
  assert.deepEqual(decodeAll(diagRecords(V6, 6)).map(noLimit), parseText(tcpTable(V6, 6), 6));
  const [listener, tw] = decodeAll(diagRecords(V4, 4));
  assert.equal(listener?.localPort, 8080);
  assert.equal(listener?.rxQueue, 3);
  assert.equal(listener?.listenBacklog, 4096);
  assert.equal(listener?.inode, 11);
  assert.equal(tw?.listenBacklog, -1);
});

test('records split at any byte boundary decode the same', () => {
  const buf = Buffer.concat([diagRecords(V4, 4), diagRecords(V6, 6)]);
  const whole = decodeAll(buf);
  assert.equal(whole.length, V4.length + V6.length);
  for (let cut = 1; cut < buf.length; cut += 5) assert.deepEqual(decodeAll(buf, [cut]), whole);
  assert.deepEqual(
    decodeAll(
      buf,
      Array.from({ length: Math.floor(buf.length / 3) }, (_, i) => (i + 1) * 3),
    ),
    whole,
  );
});

test('one reused read buffer (the transport passes a length; bytes past it are stale) decodes the same', () => {
  const buf = Buffer.concat([diagRecords(V4, 4), diagRecords(V6, 6)]);
  const whole = decodeAll(buf);
  for (const size of [1, 7, 55, 57, 100, 113]) {
    const out: TcpRecord[] = [];
    const d = new DiagRecordDecoder((r) => out.push({ ...r }));
    const reused = Buffer.alloc(size, 0xee); // stale bytes that would decode as a bad record if read
    for (let at = 0; at < buf.length; at += size) {
      const n = buf.copy(reused, 0, at, Math.min(at + size, buf.length));
      d.push(reused, n);
    }
    d.end();
    assert.deepEqual(out, whole, `read size ${size}`);
  }
});

test('both sources give the same diagnosis for the same sockets', () => {
  const viaText = new SocketCensus({ low: 32768, high: 60999 });
  const viaRecords = new SocketCensus({ low: 32768, high: 60999 });
  for (const [rows, family] of [
    [V4, 4],
    [V6, 6],
  ] as const) {
    const p = new TcpTableParser(family, 'tcp', (r) => viaText.add(r));
    p.push(Buffer.from(tcpTable(rows, family)));
    p.end();
    const d = new DiagRecordDecoder((r) => viaRecords.add(r));
    d.push(diagRecords(rows, family));
    d.end();
  }
  const report = (census: SocketCensus) => diagnose(diagnosisInput(census));
  const a = report(viaText);
  const b = report(viaRecords);
  assert.deepEqual(
    b.listeners.map((l) => [l.port, l.backlog, l.percent]),
    [
      [8080, 4096, 0.1],
      [443, 511, 0],
    ],
  );
  assert.deepEqual(
    a.listeners.map((l) => [l.port, l.backlog, l.percent]),
    [
      [8080, null, null],
      [443, null, null],
    ],
  );
  const limitless = (r: typeof a) => ({ ...r, listeners: r.listeners.map((l) => ({ ...l, backlog: 0, percent: 0 })) });
  assert.deepEqual(limitless(b), limitless(a));
  assert.equal(a.sockets.total, 11);
  assert.equal(a.timeWait.client.total, 3);
  assert.equal(a.timeWait.server.total, 2);
  assert.deepEqual(a.sockets.byState, { CLOSE_WAIT: 2, ESTABLISHED: 1, LISTEN: 2, SYN_RECV: 1, TIME_WAIT: 5 });
});

test('a bad record or a stream ending inside a record is an error, not a silent miscount', () => {
  const bad = diagRecords(V4.slice(0, 2), 4);
  bad[DIAG_RECORD_SIZE] = 5; // family of the second record
  assert.throws(() => decodeAll(bad), /tcp-diag record 2: family 5, state 6/);
  const badState = diagRecords(V4.slice(0, 1), 4);
  badState[1] = 13;
  assert.throws(() => decodeAll(badState), /record 1: family 4, state 13/);
  const cut = diagRecords(V4.slice(0, 2), 4).subarray(0, DIAG_RECORD_SIZE + 10);
  assert.throws(() => decodeAll(cut), /ends inside a record \(10 stray bytes\)/);
});
