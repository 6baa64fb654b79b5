// diagnose, check and metrics against real sockets, built on loopback inside a private network namespace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cgroupIdentity } from '../../src/core/diagnose/process-identity.js';
import { repoRoot, SANDBOX, TUNE_BIN } from '../helpers/repo.js';

const isRoot = process.getuid?.() === 0;
/** The netlink helper is built whenever a C compiler is (scripts/build-native.mjs); then auto must use it. */
const hasCompiler = spawnSync('sh', ['-c', 'command -v "${CC:-cc}"']).status === 0;
/** Where the test runs (the leaker inherits it): the unit and container tune reports for its processes. */
const own = cgroupIdentity(fs.readFileSync('/proc/self/cgroup', 'utf8'));
const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => fs.existsSync(p));
const SS_STATES: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

interface StormResult {
  leakerPid: number;
  failed: number;
  outputs: { cmd: string[]; status: number; stdout: string; stderr: string }[];
}

test(
  'diagnose reports exactly what ss sees, attributes CLOSE_WAIT to its process; check and metrics follow',
  { skip: !isRoot && 'needs root (unshare)' },
  () => {
    const tune = (...args: string[]) => [process.execPath, TUNE_BIN, ...args];
    const spec = {
      clientTimeWait: 5000,
      serverTimeWait: 300,
      closeWait: 200,
      established: 50,
      commands: [
        ['ss', '-antH'],
        tune('diagnose', '--json', '--top', '3'),
        tune('check'),
        tune('check', '--warn', 'close_wait=150', '--crit', 'close_wait=1000'),
        tune('check', '--warn', 'close_wait=100', '--crit', 'close_wait=199'),
        tune('metrics'),
        tune('check', '--warn', 'nonsense=1'),
        tune('diagnose'),
        tune('diagnose', '--json', '--top', '3', '--source', 'procfs'),
        ['env', 'TUNE_TCP_DIAG=/bin/false', ...tune('diagnose', '--json', '--top', '3')],
        ['env', 'TUNE_TCP_DIAG=/bin/false', ...tune('diagnose', '--json', '--source', 'netlink')],
      ],
    };
    const r = spawnSync(
      SANDBOX,
      [process.execPath, path.join(repoRoot(), 'scripts', 'storm.mjs'), JSON.stringify(spec)],
      {
        encoding: 'utf8',
        timeout: 120_000,
        maxBuffer: 1 << 28,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const storm = JSON.parse(r.stdout) as StormResult;
    assert.equal(storm.failed, 0);
    const [ss, diag, checkDefault, checkWarn, checkCrit, metrics, checkBad, human, viaProc, fallback, noNetlink] =
      storm.outputs;

    // Every state count equals ss's for the same sockets.
    const ssCounts: Record<string, number> = {};
    const ssLines = (ss?.stdout ?? '').trim().split('\n');
    for (const line of ssLines) {
      const name = SS_STATES[line.split(/\s+/)[0] ?? ''] ?? line;
      ssCounts[name] = (ssCounts[name] ?? 0) + 1;
    }
    const report = JSON.parse(diag?.stdout ?? '{}');
    assert.deepEqual(report.sockets.byState, ssCounts);
    assert.equal(report.sockets.total, ssLines.length);
    if (hasCompiler) assert.equal(report.sockets.source, 'netlink');

    // /proc/net/tcp gives the same report (the sockets are held still: TIME_WAIT lasts 60 s).
    const procReport = JSON.parse(viaProc?.stdout ?? '{}');
    assert.equal(procReport.sockets.source, 'procfs');
    // Except what only one source shows (a listener's limit) and what moves between two runs (open files).
    type Report = { listeners: { backlog: number | null; percent: number | null }[] } & Record<string, unknown>;
    const sameParts = (x: Report) => ({
      ...x,
      takenAt: '',
      fileHandles: null,
      // Each run's counter window starts where the previous run left off (/run/tune).
      counterDeltas: null,
      counterWindow: null,
      sockets: { ...(x.sockets as object), source: '' },
      listeners: x.listeners.map((l) => ({ ...l, backlog: 0, percent: 0 })),
    });
    assert.deepEqual(sameParts(procReport), sameParts(report));
    const port8080 = (x: Report) => x.listeners.find((l) => (l as unknown as { port: number }).port === 8080);
    if (hasCompiler) assert.deepEqual([port8080(report)?.backlog, port8080(report)?.percent], [4096, 0]);
    assert.deepEqual([port8080(procReport)?.backlog, port8080(procReport)?.percent], [null, null]);

    // A failing helper: auto falls back to procfs and says why; --source netlink is a one-line error.
    const fell = JSON.parse(fallback?.stdout ?? '{}');
    assert.equal(fell.sockets.source, 'procfs');
    assert.equal(fell.sockets.sourceNote, 'netlink sock_diag failed: /bin/false exited 1');
    assert.deepEqual(fell.sockets.byState, ssCounts);
    assert.equal(noNetlink?.status, 1);
    assert.equal(noNetlink?.stderr, 'tune: --source netlink: netlink sock_diag failed: /bin/false exited 1\n');

    // TIME_WAIT split: ss's TIME-WAIT rows whose local port is not a listening port are client side.
    const listenPorts = new Set(
      ssLines.filter((l) => l.startsWith('LISTEN')).map((l) => l.split(/\s+/)[3]?.split(':').pop()),
    );
    const tw = ssLines.filter((l) => l.startsWith('TIME-WAIT'));
    const ssClient = tw.filter((l) => !listenPorts.has(l.split(/\s+/)[3]?.split(':').pop())).length;
    assert.equal(report.timeWait.client.total, ssClient);
    assert.equal(report.timeWait.client.total, 5000);
    assert.equal(report.timeWait.server.total, 300);
    assert.deepEqual(report.timeWait.client.top[0], { remote: '127.0.0.1', port: 8080, count: 5000 });

    // CLOSE_WAIT held by the leaking process, by pid.
    assert.equal(report.closeWait.total, 200);
    assert.deepEqual(
      { ...report.closeWait.owners[0], cmdline: report.closeWait.owners[0].cmdline.split(' ')[0] },
      {
        pid: storm.leakerPid,
        command: 'node',
        cmdline: process.execPath,
        unit: own.unit,
        container: own.container,
        sockets: 200,
      },
    );
    assert.deepEqual(report.closeWait.byPeer, [{ peer: '127.0.0.1:8082', count: 200 }]);
    assert.equal(report.closeWait.unattributed, 0);
    assert.ok(report.findings.some((f: { id: string }) => f.id === 'CLOSE_WAIT_HELD'));
    assert.ok(report.recommendations.some((x: { where: string }) => x.where === 'application'));
    assert.match(
      human?.stdout ?? '',
      new RegExp(`pid ${storm.leakerPid} \\(${process.execPath} -e [^\\n]*\\s+200$`, 'm'),
    );

    // check: OK by default (200 CLOSE_WAIT is above the default warning 100: WARNING), then the configured thresholds.
    assert.equal(checkDefault?.status, 1, checkDefault?.stdout);
    assert.equal(checkWarn?.status, 1, checkWarn?.stdout);
    assert.match(checkWarn?.stdout ?? '', /^TUNE WARNING - close_wait=200 \(> 150\) \| .*close_wait=200;150;1000;0;/);
    assert.equal(checkCrit?.status, 2, checkCrit?.stdout);
    assert.match(checkCrit?.stdout ?? '', /^TUNE CRITICAL - close_wait=200 \(> 199\)/);
    assert.equal(checkBad?.status, 3);
    assert.match(checkBad?.stdout ?? '', /^TUNE UNKNOWN - --warn:1: unknown metric "nonsense"/);

    // metrics: parsed by a real exposition-format parser.
    assert.equal(metrics?.status, 0);
    assert.match(metrics?.stdout ?? '', /^tune_tcp_sockets\{state="TIME_WAIT"\} 5300$/m);
    assert.match(metrics?.stdout ?? '', /^tune_time_wait_sockets\{side="client"\} 5000$/m);
    assert.match(
      metrics?.stdout ?? '',
      new RegExp(`^tune_close_wait_sockets\\{command="node",unit="${own.unit ?? own.container ?? ''}"\\} 200$`, 'm'),
    );
    if (promtool) {
      const check = spawnSync(promtool, ['check', 'metrics'], { input: metrics?.stdout, encoding: 'utf8' });
      assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
    } else assert.fail('promtool is not installed (.ci/run installs Debian prometheus for it)');
  },
);

test('check with no root to read is UNKNOWN; watch needs --count off a terminal', () => {
  // On the live host: the last-run counters go to a private directory, not the host's /run/tune.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-run-'));
  const run = (args: string[]) =>
    spawnSync(process.execPath, [TUNE_BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, TUNE_RUN_DIR: runDir },
    });
  const w = run(['watch']);
  assert.equal(w.status, 2);
  assert.match(w.stderr, /--count is required when output is not a terminal/);
  const bad = run(['check', '--bogus']);
  assert.equal(bad.status, 3);
  assert.equal(bad.stdout, "TUNE UNKNOWN - unknown option '--bogus'\n");
  const twice = run(['watch', '--interval', '0.2', '--count', '2', '--json']);
  assert.equal(twice.status, 0, twice.stderr);
  const lines = twice.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].rates.seconds, 0.2);
  fs.rmSync(runDir, { recursive: true, force: true });
});
