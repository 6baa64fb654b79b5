import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedCounter } from '../../../src/core/diagnose/bounded-counter.js';
import { DiagRecordDecoder } from '../../../src/core/diagnose/diag-record-decoder.js';
import type { CounterWindow } from '../../../src/core/diagnose/counter-window.js';
import { diagnose, type DiagnosisInput } from '../../../src/core/diagnose/diagnosis.js';
import type { ProcessIdentity } from '../../../src/core/diagnose/process-identity.js';
import { parseCounterGroups, parseSockstat } from '../../../src/core/diagnose/net-counters.js';
import { SocketCensus } from '../../../src/core/diagnose/socket-census.js';
import { renderDiagnosis } from '../../../src/core/diagnose/render-diagnosis.js';
import { TcpTableParser } from '../../../src/core/diagnose/tcp-table-parser.js';
import { plainStyle } from '../../../src/core/text/text-style.js';
import { diagRecords } from '../../helpers/diag-records.js';
import { tcpTable, type RowSpec } from '../../helpers/tcp-rows.js';
import { diagnosisInput } from '../../helpers/diagnosis-input.js';

/** Sockets fed as netlink records (the live source), or as /proc/net/tcp text with `source: 'procfs'`. */
const input = (
  rows: RowSpec[],
  o: Partial<DiagnosisInput> & { range?: string; source?: 'netlink' | 'procfs' } = {},
): DiagnosisInput => {
  const range = o.range ?? '32768 60999';
  const [low = 0, high = 0] = range.split(' ').map(Number);
  const census = new SocketCensus({ low, high });
  const source = o.source ?? 'netlink';
  if (source === 'procfs') {
    const p = new TcpTableParser(4, 'tcp', (r) => census.add(r));
    p.push(Buffer.from(tcpTable(rows)));
    p.end();
  } else {
    const d = new DiagRecordDecoder((r) => census.add(r));
    d.push(diagRecords(rows));
    d.end();
  }
  return diagnosisInput(census, {
    tables: { source, note: null },
    sysctl: { 'net.ipv4.ip_local_port_range': range, 'net.ipv4.tcp_max_tw_buckets': '262144', ...(o.sysctl ?? {}) },
    counters: o.counters ?? {},
    owners: o.owners ?? null,
    ...(o.window ? { window: o.window } : {}),
    ...(o.listenerOwners ? { listenerOwners: o.listenerOwners } : {}),
  });
};
/** The window against a last run `seconds` ago with these counters. */
const lastRun = (text: string, seconds: number): CounterWindow => ({
  source: 'last-run',
  seconds,
  since: 'then',
  counters: parseCounterGroups(text),
  note: null,
});
const proc42: ProcessIdentity = {
  pid: 42,
  command: 'api',
  cmdline: '/usr/bin/api --port 8080',
  unit: 'api.service',
  container: null,
};
const ids = (r: ReturnType<typeof diagnose>) => r.findings.map((f) => `${f.id}:${f.severity}`);
const listener = (port: number, rx = 0, tx = 128): RowSpec => ({ local: '0.0.0.0', lport: port, state: 10, rx, tx });
const many = (n: number, f: (i: number) => RowSpec) => Array.from({ length: n }, (_, i) => f(i));

test('TIME_WAIT is split by side: a listener port means this host accepted (server), else it connected (client)', () => {
  const r = diagnose(
    input([
      listener(80),
      ...many(3, (i) => ({ local: '10.0.0.1', lport: 80, remote: `198.51.100.${i + 1}`, rport: 40000 + i, state: 6 })),
      ...many(5, (i) => ({ local: '10.0.0.1', lport: 33000 + i, remote: '203.0.113.5', rport: 5432, state: 6 })),
      ...many(2, (i) => ({ local: '10.0.0.1', lport: 34000 + i, remote: '203.0.113.6', rport: 443, state: 6 })),
    ]),
  );
  assert.equal(r.timeWait.total, 10);
  assert.deepEqual(r.timeWait.client, {
    total: 7,
    top: [
      { remote: '203.0.113.5', port: 5432, count: 5 },
      { remote: '203.0.113.6', port: 443, count: 2 },
    ],
  });
  assert.equal(r.timeWait.server.total, 3);
  assert.deepEqual(ids(r), ['TIME_WAIT_CLIENT_SIDE:info', 'TIME_WAIT_SERVER_SIDE:info']);
});

test('ephemeral exhaustion is per (source, destination, port) against the usable range minus reserved ports', () => {
  const rows = many(95, (i) => ({
    local: '10.0.0.1',
    lport: 60000 + i,
    remote: '203.0.113.5',
    rport: 5432,
    state: i % 2 ? 6 : 1,
  }));
  const r = diagnose(
    input(rows, { range: '60000 60099', sysctl: { 'net.ipv4.ip_local_reserved_ports': '60098-60099,8080' } }),
  );
  assert.equal(r.ephemeral.usable, 98);
  assert.deepEqual(r.ephemeral.worst[0], {
    local: '10.0.0.1',
    remote: '203.0.113.5',
    port: 5432,
    used: 95,
    percent: 96.9,
  });
  assert.ok(ids(r).includes('EPHEMERAL_PORTS_EXHAUSTED:crit'));
  assert.deepEqual(
    r.recommendations.map((x) => x.profile ?? x.where),
    ['application', 'short-connection-api'],
  );
  assert.equal(r.recommendations[1]?.command, 'tune plan --profile short-connection-api');
  const spread = diagnose(
    input(
      many(95, (i) => ({ local: '10.0.0.1', lport: 60000 + i, remote: `203.0.113.${i % 5}`, rport: 5432, state: 1 })),
      { range: '60000 60099' },
    ),
  );
  assert.ok(!ids(spread).some((x) => x.startsWith('EPHEMERAL')), 'spread over five destinations is fine');
});

test('a full accept queue, overflow counters and SYN_RECV pressure point at the listener and the right profiles', () => {
  const r = diagnose(
    input(
      [
        listener(443, 128, 128),
        listener(22),
        ...many(80, (i) => ({ local: '10.0.0.1', lport: 443, remote: `198.51.100.${i}`, rport: 1000 + i, state: 3 })),
      ],
      {
        counters: parseCounterGroups('TcpExt: ListenOverflows ListenDrops SyncookiesSent\nTcpExt: 12 12 3\n'),
        window: lastRun('TcpExt: ListenOverflows ListenDrops SyncookiesSent\nTcpExt: 2 2 0\n', 30),
      },
    ),
  );
  assert.deepEqual(ids(r), ['LISTENER_NOT_ACCEPTING:crit', 'LISTEN_OVERFLOWS_SEEN:warn', 'SYN_FLOOD_SUSPECTED:warn']);
  assert.deepEqual(r.listeners[0], {
    address: '0.0.0.0',
    port: 443,
    acceptQueue: 128,
    backlog: 128,
    percent: 100,
    synRecv: 80,
    queued: 0,
    queuedClosed: 0,
    process: null,
  });
  assert.match(r.findings[1]!.message, /dropped 10 connection\(s\) .* since the last run 30 s ago/);
  assert.deepEqual(
    r.recommendations.map((x) => x.profile ?? x.where),
    ['application', 'application', 'proxy', 'syn-flood-guard'],
  );
});

test("from /proc/net/tcp a listener's limit is unknown: no queue percentage, SYN pressure judged against somaxconn", () => {
  const rows = [
    listener(443, 128, 0), // /proc prints a listener's tx_queue as 0: it is not the limit
    ...many(80, (i) => ({ local: '10.0.0.1', lport: 443, remote: `198.51.100.${i}`, rport: 1000 + i, state: 3 })),
  ];
  const proc = diagnose(input(rows, { source: 'procfs', sysctl: { 'net.core.somaxconn': '4096' } }));
  assert.deepEqual(proc.listeners[0], {
    address: '0.0.0.0',
    port: 443,
    acceptQueue: 128,
    backlog: null,
    percent: null,
    synRecv: 80,
    queued: 0,
    queuedClosed: 0,
    process: null,
  });
  assert.deepEqual(ids(proc), [], '80 SYN_RECV is below somaxconn/2 and the queue fill is unknown');
  assert.equal(proc.sockets.source, 'procfs');
  const small = diagnose(input(rows, { source: 'procfs', sysctl: { 'net.core.somaxconn': '128' } }));
  assert.deepEqual(ids(small), ['SYN_FLOOD_SUSPECTED:warn']);
  assert.match(renderDiagnosis(proc, plainStyle), /accept queue 128\/\? \(limit not in \/proc\/net\/tcp\)/);
  assert.doesNotMatch(renderDiagnosis(proc, plainStyle), /read from \/proc/, 'no note when /proc was the choice');
  const fellBack = { ...proc, sockets: { ...proc.sockets, sourceNote: 'netlink sock_diag failed: x' } };
  assert.match(
    renderDiagnosis(fellBack, plainStyle),
    /^Sockets: 81 TCP .*\n {2}\(read from \/proc\/net\/tcp, slower and without listener limits: netlink sock_diag failed: x\)$/m,
  );
});

test('CLOSE_WAIT: by owner when known, with a note when it cannot be attributed', () => {
  const rows = many(150, (i) => ({
    local: '10.0.0.1',
    lport: 8080,
    remote: '198.51.100.1',
    rport: 2000 + i,
    state: 8,
    inode: 5000 + i,
  }));
  const owned = diagnose(
    input([listener(8080), ...rows], {
      owners: {
        owners: [{ ...proc42, sockets: 150 }],
        unreadableProcesses: 0,
        attributed: 150,
      },
    }),
  );
  assert.deepEqual(ids(owned), ['CLOSE_WAIT_HELD:warn']);
  assert.match(owned.findings[0]!.message, /held by pid 42 \(\/usr\/bin\/api --port 8080, unit api\.service\) \(150\)/);
  assert.match(owned.findings[0]!.message, /the most from peer 198\.51\.100\.1:2000 \(1\)|most are held/);
  assert.deepEqual(owned.closeWait.byLocalPort, [{ port: 8080, count: 150 }]);
  const hidden = diagnose(input(rows, { owners: { owners: [], unreadableProcesses: 3, attributed: 0 } }));
  assert.equal(
    hidden.closeWait.note,
    '150 CLOSE_WAIT socket(s) not attributed: 3 process(es) could not be inspected (run as root to see every owner)',
  );
});

test('rates from two counter samples project the TIME_WAIT steady state against the port range', () => {
  const now = parseCounterGroups('Tcp: ActiveOpens PassiveOpens\nTcp: 6000 500\n');
  const window: CounterWindow = {
    source: 'interval',
    seconds: 5,
    since: 't0',
    counters: parseCounterGroups('Tcp: ActiveOpens PassiveOpens\nTcp: 1000 400\n'),
    note: null,
  };
  const r = diagnose(input([], { counters: now, window }));
  assert.deepEqual(r.rates, {
    seconds: 5,
    activeOpensPerSec: 1000,
    passiveOpensPerSec: 20,
    projectedClientTimeWait: 60000,
  });
  assert.deepEqual(ids(r), ['CONNECTION_RATE:warn']);
  assert.ok(r.recommendations.some((x) => x.profile === 'short-connection-api'));
});

test('conntrack and file handle pressure; TIME_WAIT bucket overflow', () => {
  const r = diagnose(
    input([], {
      sysctl: {
        'net.netfilter.nf_conntrack_count': '9700',
        'net.netfilter.nf_conntrack_max': '10000',
        'fs.file-nr': '900 0 1000',
        'fs.file-max': '1000',
      },
      counters: parseCounterGroups('TcpExt: TCPTimeWaitOverflow\nTcpExt: 5\n'),
      window: lastRun('TcpExt: TCPTimeWaitOverflow\nTcpExt: 4\n', 60),
    }),
  );
  assert.deepEqual(ids(r), [
    'CONNTRACK_TABLE_PRESSURE:crit',
    'TIME_WAIT_BUCKETS_OVERFLOW:warn',
    'FILE_HANDLES_PRESSURE:warn',
  ]);
});

test('counters and sockstat parse; bounded counters cap distinct keys', () => {
  assert.deepEqual(parseCounterGroups('Tcp: A B\nTcp: 1 2\nIp: X\nIp: 9\n'), { Tcp: { A: 1, B: 2 }, Ip: { X: 9 } });
  assert.deepEqual(parseSockstat('TCP: inuse 5 orphan 0 tw 3\n'), { TCP: { inuse: 5, orphan: 0, tw: 3 } });
  const c = new BoundedCounter<string>(2);
  for (const k of ['a', 'b', 'a', 'c', 'd', 'a']) c.add(k);
  assert.deepEqual(c.top(5), [
    ['a', 3],
    ['b', 1],
  ]);
  assert.deepEqual([c.untracked, c.untrackedKeys, c.total()], [2, 2, 6]);
});
