// The live socket-table source: the netlink helper's failures fall back to /proc/net/tcp with the reason recorded,
// and --source netlink turns them into one-line errors. Stand-in helpers (TUNE_TCP_DIAG) produce each failure.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runTune } from '../../helpers/repo.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-helpers-'));
const helper = (name: string, script: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
};

/** tune on the live host, keeping its last-run counters in the test's directory instead of the host's /run/tune. */
const runLive = (args: string[], env: Record<string, string> = {}) =>
  runTune(args, { TUNE_RUN_DIR: path.join(os.tmpdir(), `tune-run-${process.pid}`), ...env });

test('a failing helper: auto falls back to procfs and says why; --source netlink fails in one line', (t) => {
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases: [string, string, string][] = [
    [
      'refused',
      'echo "tcp-diag: kernel refused the dump: Invalid argument" >&2; exit 3',
      'tcp-diag: kernel refused the dump: Invalid argument',
    ],
    ['stray', 'printf x', 'tcp-diag output ends inside a record (1 stray bytes)'],
    ['badfamily', 'head -c 56 /dev/zero', 'tcp-diag record 1: family 0, state 0'],
    ['killed', 'kill -9 $$', `${path.join(dir, 'killed')} killed by SIGKILL`],
  ];
  for (const [name, script, why] of cases) {
    const env = { TUNE_TCP_DIAG: helper(name, script) };
    const r = runLive(['diagnose', '--json'], env);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const rep = JSON.parse(r.stdout);
    assert.deepEqual(
      [rep.sockets.source, rep.sockets.sourceNote],
      ['procfs', `netlink sock_diag failed: ${why}`],
      name,
    );
    const forced = runLive(['diagnose', '--source', 'netlink'], env);
    assert.equal(forced.status, 1, name);
    assert.equal(forced.stderr, `tune: --source netlink: netlink sock_diag failed: ${why}\n`, name);
    assert.equal(forced.stdout, '');
  }
  const missing = runLive(['diagnose', '--json'], { TUNE_TCP_DIAG: path.join(dir, 'absent') });
  assert.equal(
    JSON.parse(missing.stdout).sockets.sourceNote,
    `TUNE_TCP_DIAG=${path.join(dir, 'absent')} is not an executable`,
  );
  const noTmp = runLive(['diagnose', '--json'], { TMPDIR: path.join(dir, 'absent') });
  assert.match(
    JSON.parse(noTmp.stdout).sockets.sourceNote ?? 'none (helper not built)',
    /^netlink sock_diag failed: setting up .*: ENOENT: no such file or directory, mkdtemp|^the netlink helper/,
  );
  // A check degrades the same way: the numbers still come, from /proc.
  const check = runLive(['check'], { TUNE_TCP_DIAG: path.join(dir, 'stray') });
  assert.match(check.stdout, /^TUNE (OK|WARNING|CRITICAL) - /);
});

test('records from a helper are what diagnose counts (the netlink path without a kernel dump)', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-records-'));
  try {
    const rec = (state: number, lport: number, remote: [number, number, number, number], rport: number, inode = 0) => {
      const b = Buffer.alloc(56);
      b[0] = 4;
      b[1] = state;
      b.writeUInt16LE(lport, 4);
      b.writeUInt16LE(rport, 6);
      Buffer.from([10, 0, 0, 1]).copy(b, 8);
      Buffer.from(remote).copy(b, 24);
      if (state === 10) b.writeUInt32LE(511, 44);
      b.writeUInt32LE(inode, 52);
      return b;
    };
    const records = Buffer.concat([
      rec(10, 8080, [0, 0, 0, 0], 0),
      ...Array.from({ length: 40 }, (_, i) => rec(6, 40000 + i, [192, 0, 2, 7], 5432)),
      rec(6, 8080, [198, 51, 100, 1], 50000),
      rec(8, 8080, [198, 51, 100, 2], 50001, 123456789),
    ]);
    const file = path.join(d, 'records.bin');
    fs.writeFileSync(file, records);
    fs.writeFileSync(path.join(d, 'helper'), `#!/bin/sh\nexec cat ${file}\n`, { mode: 0o755 });
    // The last run's counters go to a private directory, never the host's /run/tune.
    const r = runLive(['diagnose', '--json'], { TUNE_TCP_DIAG: path.join(d, 'helper') });
    assert.equal(r.status, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.deepEqual(rep.sockets, {
      total: 43,
      byState: { CLOSE_WAIT: 1, LISTEN: 1, TIME_WAIT: 41 },
      source: 'netlink',
      sourceNote: null,
      filter: [],
    });
    assert.deepEqual(rep.timeWait.client.top, [{ remote: '192.0.2.7', port: 5432, count: 40 }]);
    assert.deepEqual(rep.timeWait.server.top, [{ remote: '198.51.100.1', count: 1 }]);
    assert.deepEqual(
      rep.listeners.map((l: { port: number; backlog: number }) => [l.port, l.backlog]),
      [[8080, 511]],
    );
    assert.equal(rep.closeWait.unattributed, 1, 'inode 123456789 belongs to no process');
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});
