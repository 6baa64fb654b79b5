#!/usr/bin/env node
// Builds a known TCP state on loopback, runs measurement commands while it is held, prints their output as JSON.
// Run it only inside a private network namespace (scripts/netns-sandbox): it changes that namespace's sysctls.
// Usage: node scripts/storm.mjs '{"clientTimeWait":5000,"serverTimeWait":300,"closeWait":200,"established":50,
//                                  "destinations":1,"commands":[["ss","-antH"]]}'
// Every loop is bounded by the counts given; connections go to 127.0.0.x only.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';

const worker = process.argv[2] === '--client-worker';
const spec = JSON.parse(process.argv[worker ? 3 : 2] ?? '{}');
const n = (k, d = 0) => Number(spec[k] ?? d);

const CONCURRENCY = 200;
const PORT_CLIENT_CLOSES = 8080;
const PORT_SERVER_CLOSES = 8081;
const PORT_LEAK = 8082;
const PORT_HOLD = 8083;

if (worker) {
  // A client worker: the client-closes connections for indexes [from, to), from pinned sources.
  const { from, to, sources, dests, port } = spec;
  const failed = await connections(
    to - from,
    port,
    'client-closes',
    (i) => `127.0.0.${((from + i) % dests) + 1}`,
    (i) => pinnedSource(from + i, sources),
  );
  writeSync(1, `${failed}\n`);
  process.exit(0);
}

/** Source address and port for connection i: unique per source, inside the port range, no kernel port search. */
function pinnedSource(i, sources) {
  return { localAddress: `127.0.0.${10 + (i % sources)}`, localPort: 10000 + Math.floor(i / sources) };
}

if (
  spawnSync('readlink', ['/proc/self/ns/net']).stdout.toString() ===
  spawnSync('readlink', ['/proc/2/ns/net']).stdout.toString()
) {
  console.error('storm: refusing to run in the host network namespace (use scripts/netns-sandbox)');
  process.exit(97);
}
const sysctl = (key, value) => writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, `${value}\n`);
// Deterministic TIME_WAIT: no reuse, enough buckets, a wide range for many client connections per destination.
sysctl('net.ipv4.tcp_tw_reuse', 0);
sysctl('net.ipv4.tcp_max_tw_buckets', 2_000_000);
if (spec.portRange) sysctl('net.ipv4.ip_local_port_range', spec.portRange);
for (let i = 2; i <= n('destinations', 1); i++) spawnSync('ip', ['addr', 'add', `127.0.0.${i}/8`, 'dev', 'lo']);

const listen = (port, onConn, opts = {}) =>
  new Promise((resolve) => {
    const s = net.createServer({ allowHalfOpen: false, ...opts }, onConn);
    s.listen({ port, host: '0.0.0.0', backlog: 4096 }, () => resolve(s));
  });
const held = [];
await listen(PORT_CLIENT_CLOSES, (c) => c.on('error', () => {})); // client ends first; we end back (no half-open)
await listen(PORT_SERVER_CLOSES, (c) => {
  c.on('error', () => {});
  c.end(); // server closes first: TIME_WAIT stays here, on the listening port
});
await listen(PORT_LEAK, (c) => {
  c.on('error', () => {});
  c.end(); // close our side; the leaky client never closes its side: CLOSE_WAIT in that process
});
await listen(PORT_HOLD, (c) => {
  c.on('error', () => {});
  held.push(c);
});

/** Opens `count` connections with bounded concurrency; `mode` decides who closes. `bindOf` may pin the source
 *  (address and port) so the kernel skips its ephemeral port search, which slows down as TIME_WAIT piles up. */
async function connections(count, port, mode, hostOf = () => '127.0.0.1', bindOf = () => ({})) {
  let started = 0;
  let failed = 0;
  const one = () =>
    new Promise((resolve) => {
      const i = started++;
      const c = net.connect({ port, host: hostOf(i), allowHalfOpen: false, ...bindOf(i) });
      c.on('error', () => {
        failed++;
        resolve();
      });
      c.on('connect', () => {
        if (mode === 'client-closes') c.end();
        if (mode === 'hold') {
          held.push(c);
          resolve();
        }
      });
      c.on('close', () => resolve());
    });
  const workers = Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
    while (started < count) await one();
  });
  await Promise.all(workers);
  return failed;
}

const dests = n('destinations', 1);
const t0 = Date.now();
/** Client-closes connections split over `workers` processes (bindSources required): a faster storm. */
async function clientWorkers(count, workers, sources) {
  const per = Math.ceil(count / workers);
  const runs = Array.from({ length: workers }, (_, w) => {
    const args = { from: w * per, to: Math.min(count, (w + 1) * per), sources, dests, port: PORT_CLIENT_CLOSES };
    const child = spawn(process.execPath, [process.argv[1], '--client-worker', JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    return new Promise((resolve) => child.on('exit', () => resolve(Number(out.trim()) || 0)));
  });
  return (await Promise.all(runs)).reduce((a, b) => a + b, 0);
}
const useWorkers = n('workers') > 1 && n('bindSources') > 0;
const failed =
  (useWorkers ? await clientWorkers(n('clientTimeWait'), n('workers'), n('bindSources')) : 0) +
  (await connections(
    useWorkers ? 0 : n('clientTimeWait'),
    PORT_CLIENT_CLOSES,
    'client-closes',
    (i) => `127.0.0.${(i % dests) + 1}`,
    n('bindSources') > 0 ? (i) => pinnedSource(i, n('bindSources')) : undefined,
  )) +
  (await connections(n('serverTimeWait'), PORT_SERVER_CLOSES, 'server-closes')) +
  (await connections(n('established'), PORT_HOLD, 'hold'));

// The leaky client: a separate process that connects and never closes, so its sockets sit in CLOSE_WAIT.
const leaker = spawn(
  process.execPath,
  [
    '-e',
    `const net=require('net');let open=0;for(let i=0;i<${n('closeWait')};i++){const c=net.connect({port:${PORT_LEAK},host:'127.0.0.1',allowHalfOpen:true});c.on('error',()=>{});c.on('end',()=>{if(++open===${n('closeWait')})process.stdout.write('ready\\n')});}if(${n('closeWait')}===0)process.stdout.write('ready\\n');setInterval(()=>{},1e6);`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise((resolve) => leaker.stdout.once('data', resolve));
await new Promise((r) => setTimeout(r, 200)); // let the last FINs and ACKs settle
const buildSeconds = (Date.now() - t0) / 1000;

const outputs = [];
for (const cmd of spec.commands ?? []) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    shell: cmd[0] === 'sh' ? false : false,
  });
  outputs.push({
    cmd,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    seconds: Number(process.hrtime.bigint() - t) / 1e9,
  });
}
leaker.kill('SIGKILL');
for (const c of held) c.destroy();
writeSync(1, JSON.stringify({ leakerPid: leaker.pid, failed, buildSeconds, outputs }) + '\n');
process.exit(0);
