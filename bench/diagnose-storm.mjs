// Benchmark for `tune diagnose` (issue 4). Needs root (it builds the storm in a private network namespace).
// Storm: ~200k sockets on loopback inside scripts/netns-sandbox (client- and server-side TIME_WAIT, CLOSE_WAIT
//     held by a process, ESTABLISHED), then, interleaved, median wall times of: cat of the tables (the kernel's floor),
//     `ss -ant | awk`, `netstat -ant | awk`, and `tune diagnose --json` through netlink (the default on a live host,
//     when dist/tcp-diag is built) and through /proc/net/tcp (`--source procfs`); tune's counts beside ss's; peak RSS.
// Memory at 1M sockets is bench/diagnose-memory.mjs.
// Usage: node bench/diagnose-storm.mjs [clientTimeWait=190000] [reps=5]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const clientTimeWait = Number(process.argv[2] ?? 190000);
const reps = Number(process.argv[3] ?? 5);
const tune = [process.execPath, path.join(repo, 'bin/tune.cjs')];
const cases = {
  'cat tables (floor)': ['sh', '-c', 'cat /proc/net/tcp /proc/net/tcp6 > /dev/null'],
  'ss -ant | awk': ['sh', '-c', "ss -ant | awk 'NR>1{c[$1]++} END{for(s in c) print s, c[s]}' > /dev/null"],
  'netstat -ant | awk': ['sh', '-c', "netstat -ant | awk 'NR>2{c[$6]++} END{for(s in c) print s, c[s]}' > /dev/null"],
  'tune diagnose (netlink)': ['/usr/bin/time', '-f', '%M', ...tune, 'diagnose', '--json', '--source', 'netlink'],
  'tune diagnose (procfs)': ['/usr/bin/time', '-f', '%M', ...tune, 'diagnose', '--json', '--source', 'procfs'],
};
const commands = [];
for (let i = 0; i < reps; i++) for (const c of Object.values(cases)) commands.push(c);
commands.push(
  ['ss', '-antH'],
  [...tune, 'diagnose', '--json', '--source', 'netlink'],
  [...tune, 'diagnose', '--json', '--source', 'procfs'],
);

const spec = {
  clientTimeWait,
  bindSources: 4,
  workers: 2,
  portRange: '1024 65535',
  serverTimeWait: 10000,
  closeWait: 300,
  established: 500,
  commands,
};
const r = spawnSync(
  path.join(repo, 'scripts/netns-sandbox'),
  [process.execPath, path.join(repo, 'scripts/storm.mjs'), JSON.stringify(spec)],
  {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  },
);
if (r.status !== 0) throw new Error(`storm failed: ${r.stderr}`);
const storm = JSON.parse(r.stdout);
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const names = Object.keys(cases);
const times = Object.fromEntries(names.map((k) => [k, []]));
const rss = Object.fromEntries(names.map((k) => [k, []]));
storm.outputs.slice(0, reps * names.length).forEach((o, i) => {
  const name = names[i % names.length];
  if (o.status !== 0) throw new Error(`${name} failed: ${o.stderr}`);
  times[name].push(o.seconds);
  if (name.startsWith('tune')) rss[name].push(Number(o.stderr.trim().split('\n').pop()));
});
const ssLines = storm.outputs.at(-3).stdout.trim().split('\n');
const reports = { netlink: JSON.parse(storm.outputs.at(-2).stdout), procfs: JSON.parse(storm.outputs.at(-1).stdout) };
const floor = median(times['cat tables (floor)']);
const ssAwk = median(times['ss -ant | awk']);
console.log(
  `storm: ${ssLines.length} sockets built in ${storm.buildSeconds.toFixed(1)} s (failed connections: ${storm.failed}); ${reps} interleaved runs each`,
);
for (const k of names)
  console.log(
    `  ${k.padEnd(24)} median ${median(times[k]).toFixed(3)} s   ${(median(times[k]) / floor).toFixed(2)}x floor${
      rss[k].length ? `   peak RSS ${(Math.max(...rss[k]) / 1024).toFixed(1)} MB` : ''
    }`,
  );
for (const source of ['netlink', 'procfs']) {
  const t = median(times[`tune diagnose (${source})`]);
  console.log(
    `  ${source}: tune/floor ${(t / floor).toFixed(2)}x (target <= 1.25x), tune/ss|awk ${(t / ssAwk).toFixed(2)}x (target < 1)`,
  );
}
const ssStates = {};
const map = {
  ESTAB: 'ESTABLISHED',
  'TIME-WAIT': 'TIME_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  LISTEN: 'LISTEN',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'SYN-RECV': 'SYN_RECV',
  'SYN-SENT': 'SYN_SENT',
  'LAST-ACK': 'LAST_ACK',
  CLOSING: 'CLOSING',
};
for (const l of ssLines) {
  const s = map[l.split(/\s+/)[0]] ?? l.split(/\s+/)[0];
  ssStates[s] = (ssStates[s] ?? 0) + 1;
}
for (const [source, report] of Object.entries(reports)) {
  console.log(
    `  ${source} counts (state: tune / ss):`,
    Object.keys({ ...ssStates, ...report.sockets.byState })
      .sort()
      .map((s) => `${s} ${report.sockets.byState[s] ?? 0}/${ssStates[s] ?? 0}`)
      .join(', '),
  );
  console.log(
    `    TIME_WAIT client ${report.timeWait.client.total}, server ${report.timeWait.server.total}; CLOSE_WAIT owner ${JSON.stringify(report.closeWait.owners[0] ?? null)}`,
  );
}
