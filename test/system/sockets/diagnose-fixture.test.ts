// diagnose against fixture roots: tables, counters and bounding sysctls read under --root, errors located.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { makeFixtureRoot } from '../../helpers/fixture-root.js';
import { runTune } from '../../helpers/repo.js';
import { tcpRow, tcpTable, TCP6_HEADER } from '../../helpers/tcp-rows.js';

const write = (root: string, p: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
  fs.writeFileSync(path.join(root, p), text);
};

test('diagnose --root reads tables, counters and sysctls under the root', () => {
  const root = makeFixtureRoot({
    release: '5.15.0-130-generic',
    sysctl: {
      'net.ipv4.ip_local_port_range': '60000\t60099',
      'net.ipv4.ip_local_reserved_ports': '',
      'net.ipv4.tcp_max_tw_buckets': '1000',
      'net.netfilter.nf_conntrack_count': '10',
      'net.netfilter.nf_conntrack_max': '100',
    },
  });
  try {
    write(
      root,
      '/proc/net/tcp',
      tcpTable([
        { local: '0.0.0.0', lport: 443, state: 10, rx: 0, tx: 128 },
        ...Array.from({ length: 95 }, (_, i) => ({
          local: '10.0.0.1',
          lport: 60000 + i,
          remote: '203.0.113.5',
          rport: 5432,
          state: 6,
        })),
      ]),
    );
    write(
      root,
      '/proc/net/tcp6',
      TCP6_HEADER +
        tcpRow(0, { local: '::ffff:10.0.0.1', lport: 443, remote: '::ffff:198.51.100.7', rport: 41000, state: 6 }, 6),
    );
    write(root, '/proc/net/netstat', 'TcpExt: TW TCPTimeWaitOverflow ListenOverflows\nTcpExt: 5000 0 0\n');
    write(root, '/proc/net/snmp', 'Tcp: ActiveOpens PassiveOpens\nTcp: 100 200\n');
    const r = runTune(['diagnose', '--root', root, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.kernel, '5.15.0-130-generic');
    // A fixture is read from its files (netlink would see this host instead), silently under auto.
    assert.deepEqual([rep.sockets.source, rep.sockets.sourceNote], ['procfs', null]);
    const forced = runTune(['diagnose', '--root', root, '--source', 'netlink']);
    assert.equal(forced.status, 2);
    assert.equal(forced.stderr, 'tune: --source netlink: a --root tree is read from its files\n');
    assert.deepEqual(rep.sockets.byState, { LISTEN: 1, TIME_WAIT: 96 });
    assert.equal(rep.ephemeral.usable, 100);
    assert.equal(rep.ephemeral.worst[0].percent, 95);
    assert.equal(
      rep.timeWait.server.total,
      0,
      'the tcp6 row is a TIME_WAIT on port 443 without a tcp6 listener: client side',
    );
    assert.equal(rep.counters.TW, 5000);
    assert.deepEqual(rep.conntrack, { count: 10, max: 100, percent: 10 });
    assert.ok(
      rep.findings.some(
        (f: { id: string; severity: string }) => f.id === 'EPHEMERAL_PORTS_EXHAUSTED' && f.severity === 'crit',
      ),
    );
    const human = runTune(['diagnose', '--root', root]);
    assert.match(human.stdout, /^CRIT EPHEMERAL_PORTS_EXHAUSTED: 95 of 100 usable ephemeral ports \(95%\)/m);
    assert.match(human.stdout, /tune plan --profile short-connection-api/);
    const check = runTune(['check', '--root', root]);
    assert.equal(check.status, 2, check.stdout);
    assert.match(
      check.stdout,
      /^TUNE CRITICAL - ephemeral_used_pct=95 \(> 90\) \| .*tw_buckets_pct=9\.6%;80;95;0;100 /,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a malformed table is one line naming file and line, exit 2; a root without tables is an empty report', () => {
  const root = makeFixtureRoot({ release: '6.8.0-50-generic', sysctl: {} });
  try {
    write(root, '/proc/net/tcp', tcpTable([{ local: '1.2.3.4', lport: 1, state: 1 }]) + '   1: garbage here\n');
    const bad = runTune(['diagnose', '--root', root]);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, '/proc/net/tcp:3: malformed socket row: truncated row\n');
    assert.equal(bad.stdout, '');
    const unknown = runTune(['check', '--root', root]);
    assert.equal(unknown.status, 3);
    assert.equal(unknown.stdout, 'TUNE UNKNOWN - /proc/net/tcp:3: malformed socket row: truncated row\n');
    fs.rmSync(path.join(root, 'proc/net'), { recursive: true });
    const empty = runTune(['diagnose', '--root', root, '--json']);
    assert.equal(empty.status, 0, empty.stderr);
    assert.equal(JSON.parse(empty.stdout).sockets.total, 0);
    const metricsFile = path.join(root, 'tune.prom');
    assert.equal(runTune(['metrics', '--root', root, '-o', metricsFile]).status, 0);
    assert.match(fs.readFileSync(metricsFile, 'utf8'), /^tune_tcp_sockets\{state="TIME_WAIT"\} 0$/m);
    assert.deepEqual(
      fs.readdirSync(root).filter((f) => f.includes('tmp')),
      [],
      'no temporary file left behind',
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
