// Fleet review speed: N snapshots (default 1,000) of four kinds of host, planned and grouped by one `tune plan`
// process. Target (issue 14): 1,000 snapshots in at most 5 s. Prints wall time and snapshots per second for the text,
// markdown and JSON outputs (median of a few runs). Usage: node bench/fleet-plan.mjs [hosts] [runs]   (after
// `npm run build`; the snapshot is this host's own `tune snapshot`, varied per kind)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const hosts = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 3);
const launcher = fileURLToPath(new URL('../bin/tune.cjs', import.meta.url));
const tune = (args) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [launcher, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (![0, 3, 4].includes(r.status ?? -1)) throw new Error(`tune ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-fleet-bench-'));
try {
  const base = JSON.parse(tune(['snapshot']).out);
  const kinds = [
    (s) => s,
    (s) => ({ ...s, sysctl: { ...s.sysctl, 'net.core.somaxconn': { state: 'ok', value: '65535', writable: true } } }),
    (s) => ({
      ...s,
      sysctl: { ...s.sysctl, 'net.ipv4.ip_local_port_range': { state: 'ok', value: '16384\t65535', writable: true } },
    }),
    (s) => ({ ...s, sysctl: { ...s.sysctl, 'net.ipv4.tcp_timestamps': { state: 'ok', value: '0', writable: true } } }),
  ];
  const now = Date.now();
  for (let i = 0; i < hosts; i++) {
    const kind = kinds[i % 7 === 0 ? 1 : i % 31 === 0 ? 2 : i % 97 === 0 ? 3 : 0];
    const s = { ...kind(base), hostname: `host-${i}`, takenAt: new Date(now - (i % 48) * 1800_000).toISOString() };
    fs.writeFileSync(path.join(dir, `host-${i}.json`), JSON.stringify(s));
  }
  const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  console.log(`${hosts} snapshots of ${Object.keys(base.sysctl).length} keys each (${(bytes / 1e6).toFixed(1)} MB)`);
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  for (const [name, extra] of [
    ['text', []],
    ['markdown', ['--format', 'markdown']],
    ['json', ['--json']],
  ]) {
    const times = [];
    let out = '';
    for (let r = 0; r < runs; r++) {
      const res = tune(['plan', '-p', 'short-connection-api', '--snapshot', dir, ...extra]);
      times.push(res.ms);
      out = res.out;
    }
    const ms = median(times);
    console.log(
      `${name.padEnd(9)} median ${(ms / 1000).toFixed(2)} s  ${Math.round((hosts / ms) * 1000)} snapshots/s  output ${out.length} chars  ${out.split('\n')[0].slice(0, 100)}`,
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
