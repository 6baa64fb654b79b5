// Peak memory and time of `tune diagnose` at 1M sockets (issue 13: <= 60 MB peak RSS). A 2-core machine cannot hold
// 1M real sockets (TIME_WAIT expires before a storm gets there: bench/diagnose-sizes.mjs), so the rows are generated:
//  - a 1M-row /proc/net/tcp under a fixture root (the procfs parser);
//  - the same sockets as helper records (layout: native/tcp-diag.c), streamed by a stand-in helper through
//    TUNE_TCP_DIAG (the netlink path: the decoder, the Unix-socket transport and the census).
// 70% TIME_WAIT, 20% ESTABLISHED, 10% CLOSE_WAIT, 100k distinct peers (more than the aggregates' cap of 10k keys).
// Each source runs `reps` times; the median wall time and the highest peak RSS (/usr/bin/time %M) are printed, with
// bare `node -e 0` beside them as the floor any Node program pays.
// Usage: node bench/diagnose-memory.mjs [reps=3]   (after `npm run build`; needs no root)
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const reps = Number(process.argv[2] ?? 3);
const tune = [process.execPath, path.join(repo, 'bin/tune.cjs')];
const ROWS = 1_000_000;
const stateOf = (i) => (i % 10 < 7 ? 6 : i % 10 < 9 ? 1 : 8);

function procfsTable(root) {
  mkdirSync(path.join(root, 'proc/net'), { recursive: true });
  mkdirSync(path.join(root, 'proc/sys/net/ipv4'), { recursive: true });
  writeFileSync(path.join(root, 'proc/sys/net/ipv4/ip_local_port_range'), '1024\t65535\n');
  const fd = openSync(path.join(root, 'proc/net/tcp'), 'w');
  const h = (n, w) => n.toString(16).toUpperCase().padStart(w, '0');
  writeSync(fd, '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n');
  writeSync(
    fd,
    `   0: 00000000:1F90 00000000:0000 0A 00000000:00000080 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n`,
  );
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    const remote = h(0x0a000000 + (i % 100_000), 8);
    chunk += `${String(i).padStart(4)}: 0100007F:${h(1024 + (i % 64000), 4)} ${remote}:01BB ${h(stateOf(i), 2)} 00000000:00000000 00:00000000 00000000  1000        0 ${i + 1} 1 0000000000000000 100 0 0 10 0\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

function helperRecords(root) {
  const records = path.join(root, 'records.bin');
  const fd = openSync(records, 'w');
  const batch = Buffer.alloc(56 * 10_000);
  const record = (b, at, state, lport, remote, rport, inode) => {
    b.fill(0, at, at + 56);
    b[at] = 4;
    b[at + 1] = state;
    b.writeUInt16LE(lport, at + 4);
    b.writeUInt16LE(rport, at + 6);
    b.writeUInt32LE(state === 10 ? 0 : 0x0100007f, at + 8);
    b.writeUInt32LE(remote, at + 24);
    b.writeUInt32LE(state === 10 ? 128 : 0, at + 44);
    b.writeUInt32LE(inode, at + 52);
  };
  record(batch, 0, 10, 8080, 0, 0, 1);
  writeSync(fd, batch, 0, 56);
  for (let i = 1, n = 0; i <= ROWS; i++) {
    record(batch, n * 56, stateOf(i), 1024 + (i % 64000), 0x0a000000 + (i % 100_000), 443, i + 1);
    if (++n === 10_000) {
      writeSync(fd, batch);
      n = 0;
    }
  }
  closeSync(fd);
  const helper = path.join(root, 'fake-tcp-diag');
  writeFileSync(helper, `#!/bin/sh\nexec cat ${records}\n`, { mode: 0o755 });
  return helper;
}

function measure(argv, env) {
  const secs = [];
  let peak = 0;
  let report = null;
  for (let i = 0; i < reps; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, ...env },
    });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    const [s, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    secs.push(s);
    peak = Math.max(peak, kb / 1024);
    report = r.stdout.trim() ? JSON.parse(r.stdout) : null;
  }
  secs.sort((a, b) => a - b);
  return { secs: secs[secs.length >> 1], peak, report };
}

const root = mkdtempSync(path.join(tmpdir(), 'tune-bench-'));
try {
  procfsTable(root);
  const helper = helperRecords(root);
  const bare = measure([process.execPath, '-e', '0'], {});
  console.log(`node -e 0 (floor)               ${bare.secs.toFixed(2)} s, peak RSS ${bare.peak.toFixed(1)} MB`);
  const fixture = measure([...tune, 'diagnose', '--json', '--root', root], {});
  console.log(
    `1M-row /proc/net/tcp fixture:   ${fixture.secs.toFixed(2)} s, peak RSS ${fixture.peak.toFixed(1)} MB (target <= 60 MB); ${fixture.report.sockets.total} sockets, untracked tuples ${fixture.report.ephemeral.untrackedTuples}`,
  );
  const nl = measure([...tune, 'diagnose', '--json', '--source', 'netlink'], { TUNE_TCP_DIAG: helper });
  console.log(
    `1M helper records (netlink):    ${nl.secs.toFixed(2)} s, peak RSS ${nl.peak.toFixed(1)} MB (target <= 60 MB); ${nl.report.sockets.total} sockets, untracked tuples ${nl.report.ephemeral.untrackedTuples}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
