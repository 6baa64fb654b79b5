// The census decisions behind the 3 a.m. cases: accept-queue membership, TIME_WAIT side from the ports, filters,
// counter windows and process identities.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counterDeltas, type CounterWindow } from '../../../src/core/diagnose/counter-window.js';
import { DiagRecordDecoder } from '../../../src/core/diagnose/diag-record-decoder.js';
import { diagnose } from '../../../src/core/diagnose/diagnosis.js';
import { renderDiagnosis } from '../../../src/core/diagnose/render-diagnosis.js';
import { plainStyle } from '../../../src/core/text/text-style.js';
import { cgroupIdentity, cmdlineText, describeProcess } from '../../../src/core/diagnose/process-identity.js';
import { SocketCensus } from '../../../src/core/diagnose/socket-census.js';
import { ipv6ToKernelHex, parseSocketFilter, type SocketFilter } from '../../../src/core/diagnose/socket-filter.js';
import { UserError } from '../../../src/core/errors.js';
import { diagRecords } from '../../helpers/diag-records.js';
import { diagnosisInput } from '../../helpers/diagnosis-input.js';
import { ipv6Hex, type RowSpec } from '../../helpers/tcp-rows.js';

const census = (rows: RowSpec[], filter?: SocketFilter) => {
  const c = new SocketCensus({ low: 32768, high: 60999 }, filter);
  const d = new DiagRecordDecoder((r) => c.add(r));
  d.push(diagRecords(rows));
  d.end();
  return c;
};
const many = (n: number, f: (i: number) => RowSpec) => Array.from({ length: n }, (_, i) => f(i));

test('connections without an owner on a listening port are in its accept queue: the listener is named, no leak', () => {
  const rows: RowSpec[] = [
    { local: '0.0.0.0', lport: 9300, state: 10, rx: 5, tx: 1024, inode: 77 },
    ...many(3, (i) => ({ local: '127.0.0.1', lport: 9300, remote: '127.0.0.1', rport: 40000 + i, state: 8 })),
    ...many(2, (i) => ({ local: '127.0.0.1', lport: 9300, remote: '127.0.0.1', rport: 41000 + i, state: 1 })),
    // Accepted and leaked: it has an owner (inode).
    { local: '127.0.0.1', lport: 9300, remote: '127.0.0.1', rport: 42000, state: 8, inode: 501 },
  ];
  const proc = { pid: 4242, command: 'srv', cmdline: '/usr/bin/srv', unit: 'srv.service', container: null };
  const r = diagnose(diagnosisInput(census(rows), { listenerOwners: { 77: proc } }));
  assert.deepEqual([r.closeWait.total, r.closeWait.inAcceptQueue], [1, 3]);
  const l = r.listeners[0]!;
  assert.deepEqual([l.queued, l.queuedClosed, l.process?.pid], [5, 3, 4242]);
  const f = r.findings[0]!;
  assert.equal(`${f.id}:${f.severity}`, 'LISTENER_NOT_ACCEPTING:crit');
  assert.match(
    f.message,
    /^listener 0\.0\.0\.0:9300 held by pid 4242 \(\/usr\/bin\/srv, unit srv\.service\) is not accepting: 5 connection\(s\) wait .* 3 of them already closed/,
  );
  assert.ok(r.recommendations.some((x) => /does not call accept/.test(x.why)));
});

test('TIME_WAIT side from the ports, whatever listens now; listeners only break ties; the rest is counted', () => {
  const rows: RowSpec[] = [
    { local: '0.0.0.0', lport: 40001, state: 10 },
    // Server side after a restart: service port 9200, client ports ephemeral, nothing listens on 9200.
    ...many(4, (i) => ({ local: '10.0.0.1', lport: 9200, remote: '10.0.0.2', rport: 50000 + i, state: 6 })),
    // Client side: ephemeral local port to a service port.
    ...many(3, (i) => ({ local: '10.0.0.1', lport: 50000 + i, remote: '10.0.0.3', rport: 5432, state: 6 })),
    // Both ephemeral: a listener on the local port says server; none says unknown.
    { local: '10.0.0.1', lport: 40001, remote: '10.0.0.4', rport: 45000, state: 6 },
    { local: '10.0.0.1', lport: 40002, remote: '10.0.0.4', rport: 45001, state: 6 },
    // Both outside the range, no listener: unknown.
    { local: '10.0.0.1', lport: 80, remote: '10.0.0.4', rport: 443, state: 6 },
  ];
  const r = diagnose(diagnosisInput(census(rows)));
  assert.deepEqual([r.timeWait.server.total, r.timeWait.client.total, r.timeWait.unclassified], [5, 3, 2]);
  assert.deepEqual(r.timeWait.client.top, [{ remote: '10.0.0.3', port: 5432, count: 3 }]);
  assert.deepEqual(
    r.timeWait.server.byPort.map((x) => [x.port, x.count]),
    [
      [9200, 4],
      [40001, 1],
    ],
  );
  assert.ok(r.findings.some((f) => f.id === 'TIME_WAIT_SIDE_UNKNOWN' && f.message.startsWith('2 TIME_WAIT')));
});

test('filters: strict parsing, one line per mistake; rows matched on numbers, v4-mapped peers included', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ port: '0' }, /^--port takes a port from 1 to 65535, got "0"$/],
    [{ port: '80x' }, /^--port takes a port/],
    [{ dst: '10.0.0.256' }, /^--dst takes ADDRESS, ADDRESS:PORT or \[IPv6\]:PORT, got "10\.0\.0\.256"$/],
    [{ dst: '10.0.0.1:99999' }, /^--dst takes a port/],
    [{ state: 'TIME_WAIT,bogus' }, /^--state takes state names .*got "bogus"$/],
  ];
  for (const [flags, re] of bad)
    assert.throws(
      () => parseSocketFilter(flags),
      (e: unknown) => e instanceof UserError && re.test(e.message) && e.exitCode === 2,
      JSON.stringify(flags),
    );
  assert.equal(ipv6ToKernelHex('2001:db8::1'), ipv6Hex('2001:db8::1'));
  assert.equal(ipv6ToKernelHex('::ffff:10.0.0.5'), ipv6Hex('::ffff:10.0.0.5'));
  const rows: RowSpec[] = [
    ...many(3, (i) => ({ local: '10.0.0.1', lport: 50000 + i, remote: '10.0.0.5', rport: 5432, state: 6 })),
    { local: '10.0.0.1', lport: 50010, remote: '10.0.0.5', rport: 5432, state: 1 },
    { local: '10.0.0.1', lport: 50011, remote: '10.0.0.6', rport: 5432, state: 6 },
    { local: '10.0.0.1', lport: 50012, remote: '10.0.0.5', rport: 80, state: 6 },
  ];
  const byDst = census(rows, parseSocketFilter({ dst: '10.0.0.5:5432', state: 'time-wait' }));
  assert.deepEqual(byDst.byState(), { TIME_WAIT: 3 });
  assert.deepEqual(census(rows, parseSocketFilter({ port: '80' })).byState(), { TIME_WAIT: 1 });
  assert.deepEqual(census(rows, parseSocketFilter({ state: 'ESTAB' })).byState(), { ESTABLISHED: 1 });
  const mapped = new SocketCensus({ low: 32768, high: 60999 }, parseSocketFilter({ dst: '10.0.0.5' }));
  const d = new DiagRecordDecoder((r) => mapped.add(r));
  d.push(
    diagRecords([{ local: '::ffff:10.0.0.1', lport: 50000, remote: '::ffff:10.0.0.5', rport: 5432, state: 1 }], 6),
  );
  assert.equal(mapped.rows, 1);
  const filter = parseSocketFilter({ dst: '10.0.0.5:5432', state: 'time-wait' });
  const text = renderDiagnosis(
    diagnose(
      diagnosisInput(census(rows, filter), { filter: filter.text, counters: { TcpExt: { ListenOverflows: 3 } } }),
    ),
    plainStyle,
  );
  assert.match(
    text,
    /\nOnly sockets with destination 10\.0\.0\.5:5432, state TIME-WAIT \(kernel counters stay host-wide: not filtered\)\nSockets: 3 TCP \(TIME_WAIT 3\)\n/,
  );
  assert.match(text, /^Kernel counters since boot .*ListenOverflows 3$/m, "the counters are the host's, unfiltered");
});

test('counter deltas over a window; a reset (another boot or namespace) gives none', () => {
  const w = (counters: CounterWindow['counters']): CounterWindow => ({
    source: 'last-run',
    seconds: 60,
    since: 't',
    counters,
    note: null,
  });
  const now = { TcpExt: { ListenOverflows: 12, ListenDrops: 12 }, Tcp: { ActiveOpens: 100 } };
  assert.deepEqual(
    counterDeltas(now, w({ TcpExt: { ListenOverflows: 10, ListenDrops: 11 }, Tcp: { ActiveOpens: 40 } })),
    {
      ListenOverflows: 2,
      ListenDrops: 1,
      ActiveOpens: 60,
    },
  );
  assert.equal(counterDeltas(now, w({ TcpExt: { ListenOverflows: 50 } })), null);
  assert.equal(counterDeltas(now, { ...w(null), source: 'none' }), null);
  const first = diagnose(diagnosisInput(new SocketCensus({ low: 1, high: 2 }), { counters: now }));
  assert.ok(!first.findings.some((f) => f.id === 'LISTEN_OVERFLOWS_SEEN'), 'since boot is context, not a finding');
});

test('process identity: command line, systemd unit or container from the cgroup', () => {
  assert.equal(cmdlineText('/usr/bin/rpc-poller\0--fast\0'), '/usr/bin/rpc-poller --fast');
  assert.equal(cmdlineText('x'.repeat(300)).length, 160);
  assert.deepEqual(cgroupIdentity('0::/system.slice/poller.service\n'), { unit: 'poller.service', container: null });
  assert.deepEqual(cgroupIdentity('0::/user.slice/user-0.slice/session-4.scope\n'), {
    unit: 'session-4.scope',
    container: null,
  });
  assert.deepEqual(cgroupIdentity(`0::/system.slice/docker-${'ab'.repeat(32)}.scope\n`), {
    unit: null,
    container: 'docker abababababab',
  });
  assert.deepEqual(cgroupIdentity('12:pids:/\n1:name=systemd:/\n0::/\n'), { unit: null, container: null });
  assert.equal(
    describeProcess({ pid: 7, command: 'x', cmdline: '', unit: null, container: 'docker abc' }),
    'pid 7 (x, container docker abc)',
  );
});
