// `tune diagnose` against `ss -ant | awk` and the cat floor at several real table sizes (issue 13). Needs root: each
// size is a storm of real sockets on loopback inside scripts/netns-sandbox (client- and server-side TIME_WAIT, held
// CLOSE_WAIT, ESTABLISHED). Per size, the three commands run interleaved `reps` times in the same sandbox, so the
// ratios compare like with like even on a loaded machine; wall and CPU (user+sys) medians are printed, with bare
// `node -e 0` beside them: what any Node program pays before its first line runs (node/ss is the best tune/ss a
// Node CLI could reach). At 60k the phases are timed too (start-up, table read, owner scan, decode, rendering).
// TIME_WAIT lasts 60 s, so a storm must be built faster than its sockets expire: 1M real sockets needs ~17k
// connections a second, which a 2-core machine does not reach; the 1M memory figure is in bench/diagnose-memory.mjs.
// Usage: node bench/diagnose-sizes.mjs [sizes=20000,60000,200000] [reps=7]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const sizes = (process.argv[2] ?? '20000,60000,200000').split(',').map(Number);
const reps = Number(process.argv[3] ?? 7);
const tune = [process.execPath, path.join(repo, 'bin/tune.cjs')];
// `time -f` gives CPU seconds: on a shared machine wall time includes waiting for a core.
const timed = (argv) => ['/usr/bin/time', '-f', '%U %S %M', ...argv];
const cases = {
  'node -e 0': timed([process.execPath, '-e', '0']),
  'cat (floor)': timed(['sh', '-c', 'cat /proc/net/tcp /proc/net/tcp6 > /dev/null']),
  'ss -ant | awk': timed(['sh', '-c', "ss -ant | awk 'NR>1{c[$1]++} END{for(s in c) print s, c[s]}' > /dev/null"]),
  'tune diagnose': timed([...tune, 'diagnose', '--json']),
};
const phases = path.join(repo, 'bench/diagnose-phases.mjs');

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
for (const size of sizes) {
  const commands = [];
  for (let i = 0; i < reps; i++) for (const c of Object.values(cases)) commands.push(c);
  if (size === 60000) commands.push([process.execPath, phases], [process.execPath, phases], [process.execPath, phases]);
  commands.push(['sh', '-c', 'ss -antH | wc -l']);
  const spec = {
    clientTimeWait: Math.max(0, size - 3000),
    bindSources: 4,
    workers: 2,
    portRange: '1024 65535',
    serverTimeWait: 2000,
    closeWait: 300,
    established: 500,
    commands,
  };
  const load = loadavg()[0].toFixed(1);
  const r = spawnSync(
    path.join(repo, 'scripts/netns-sandbox'),
    [process.execPath, path.join(repo, 'scripts/storm.mjs'), JSON.stringify(spec)],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  if (r.status !== 0) throw new Error(`storm failed: ${r.stderr}`);
  const storm = JSON.parse(r.stdout);
  const names = Object.keys(cases);
  const wall = Object.fromEntries(names.map((k) => [k, []]));
  const cpu = Object.fromEntries(names.map((k) => [k, []]));
  const rss = [];
  storm.outputs.slice(0, reps * names.length).forEach((o, i) => {
    const name = names[i % names.length];
    if (o.status !== 0) throw new Error(`${name} failed: ${o.stderr}`);
    const [u, s, kb] = o.stderr.trim().split('\n').pop().split(' ').map(Number);
    wall[name].push(o.seconds);
    cpu[name].push(u + s);
    if (name === 'tune diagnose') rss.push(kb / 1024);
  });
  const sockets = Number(storm.outputs.at(-1).stdout.trim());
  const m = (k, t) => median(t[k]);
  rows.push({
    sockets,
    load,
    floor: m('cat (floor)', wall),
    ss: m('ss -ant | awk', wall),
    tune: m('tune diagnose', wall),
    node: m('node -e 0', wall),
    ssCpu: m('ss -ant | awk', cpu),
    tuneCpu: m('tune diagnose', cpu),
    rss: Math.max(...rss),
  });
  if (size === 60000) {
    const ph = storm.outputs
      .slice(reps * names.length, reps * names.length + 3)
      .map((o) => JSON.parse(o.stdout.trim().split('\n').pop()));
    const keys = Object.keys(ph[0]).filter((k) => k.endsWith('Ms'));
    console.log(`where the time goes at ${sockets} sockets (median of 3, ms):`);
    for (const k of keys) console.log(`  ${k.replace(/Ms$/, '').padEnd(14)} ${median(ph.map((p) => p[k])).toFixed(1)}`);
  }
}
const f = (x) => x.toFixed(3);
console.log(
  `\n${'sockets'.padStart(8)} ${'load'.padStart(5)} | ${'cat s'.padStart(6)} ${'ss|awk s'.padStart(8)} ${'tune s'.padStart(7)} ${'node -e 0'.padStart(9)} | tune/ss  tune/cat node/ss | cpu ss  cpu tune  cpu tune/ss | tune RSS`,
);
for (const r of rows)
  console.log(
    `${String(r.sockets).padStart(8)} ${r.load.padStart(5)} | ${f(r.floor).padStart(6)} ${f(r.ss).padStart(8)} ${f(r.tune).padStart(7)} ${f(r.node).padStart(9)} | ${(r.tune / r.ss).toFixed(2).padStart(7)} ${(r.tune / r.floor).toFixed(2).padStart(8)} ${(r.node / r.ss).toFixed(2).padStart(7)} | ${f(r.ssCpu)}  ${f(r.tuneCpu).padStart(8)} ${(r.tuneCpu / r.ssCpu).toFixed(2).padStart(11)} | ${r.rss.toFixed(1)} MB`,
  );
