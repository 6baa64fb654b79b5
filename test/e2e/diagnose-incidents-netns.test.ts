// The common 3 a.m. incidents, each built with real sockets on loopback inside a private network namespace (bounded
// loops), and what diagnose must say about them: the cause, and who is doing it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { inSandbox, skipUnlessRoot } from '../helpers/netns-driver.js';

/** Scenario helpers: node child processes that print "ready", bounded connection loops, ss counts. */
const HELPERS = `
const net = require('net');
const node = (code) => { const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] }); children.push(c); return c; };
const ready = (c) => new Promise((res, rej) => { c.stdout.once('data', res); c.once('exit', (code) => rej(new Error('child exited ' + code))); });
/** A listener that is hung: its event loop is blocked, so it never calls accept(). */
const hungServer = (port, backlog) => node("const s=require('net').createServer();s.listen({port:" + port + ",host:'0.0.0.0',backlog:" + backlog + "},()=>{process.stdout.write('ready\\\\n');setTimeout(()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,55000),50)})");
const ssCount = (filter) => spawnSync('ss', ['-Htan', ...filter], { encoding: 'utf8' }).stdout.split('\\n').filter(Boolean).length;
const until = async (what, fn) => { for (let i = 0; i < 200; i++) { if (fn()) return; await sleep(50); } throw new Error('timed out waiting for ' + what); };
/** Opens n connections (at most 50 at once); each sends a line and closes its side. */
const clientsThatClose = (n, port, host = '127.0.0.1') => new Promise((res) => {
  let started = 0, done = 0;
  const one = () => { if (started >= n) return; started++; const c = net.connect({ port, host }); c.on('error', () => {}); c.on('connect', () => c.end('req\\n')); c.on('close', () => { done++; if (done === n) res(); else one(); }); };
  for (let i = 0; i < Math.min(50, n); i++) one();
});
const json = (args, env) => { const r = tune(args, env); if (r.status !== 0) throw new Error(args.join(' ') + ': ' + r.stderr); return JSON.parse(r.stdout); };
`;

test(
  'a hung server: its accept queue holds closed connections; the listener is named, no leak is reported',
  { skip: skipUnlessRoot },
  () => {
    const out = inSandbox(`${HELPERS}
    const server = hungServer(9300, 1024);
    await ready(server);
    await sleep(150);
    // 300 clients send a request and close; the server never accepts them. Their FIN_WAIT2 ends on its own.
    const clients = [];
    for (let i = 0; i < 300; i++) { const c = net.connect({ port: 9300, host: '127.0.0.1' }); c.on('error', () => {}); c.on('connect', () => c.end('req\\n')); clients.push(c); }
    await until('300 CLOSE_WAIT in the queue', () => ssCount(['state', 'close-wait']) === 300);
    out.serverPid = server.pid;
    out.report = json(['diagnose', '--json']);
    out.human = tune(['diagnose']).stdout;
    out.check = tune(['check']);
    out.metrics = tune(['metrics']).stdout;
    for (const c of clients) c.destroy();
  `);
    const r = out.report as Report;
    assert.equal(r.closeWait.total, 0, 'no leaked CLOSE_WAIT');
    assert.equal(r.closeWait.inAcceptQueue, 300);
    assert.ok(!r.findings.some((f) => f.id === 'CLOSE_WAIT_HELD'), 'no leak finding');
    const f = r.findings.find((x) => x.id === 'LISTENER_NOT_ACCEPTING');
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(f.severity, 'crit');
    assert.equal(f.evidence.pid, out.serverPid);
    assert.equal(f.evidence.listener, '0.0.0.0:9300');
    assert.equal(f.evidence.closedInQueue, 300);
    assert.match(f.message, new RegExp(`listener 0\\.0\\.0\\.0:9300 held by pid ${out.serverPid} \\(\\S*node -e `));
    assert.equal(r.findings[0]?.id, 'LISTENER_NOT_ACCEPTING', 'the critical finding leads');
    const l = r.listeners.find((x) => x.port === 9300);
    assert.deepEqual([l?.acceptQueue, l?.queued, l?.queuedClosed, l?.process?.pid], [300, 300, 300, out.serverPid]);
    assert.match(out.human as string, /CRIT LISTENER_NOT_ACCEPTING: listener 0\.0\.0\.0:9300 held by pid/);
    const check = out.check as { status: number; stdout: string };
    assert.equal(check.status, 2, check.stdout);
    assert.match(check.stdout, /close_wait_in_queue=300 \(> 0\)/);
    assert.match(
      out.metrics as string,
      /^tune_accept_queue_closed_sockets\{listener="0\.0\.0\.0:9300",command="node",unit="[^"]*"\} 300$/m,
    );
  },
);

test(
  'a restarted server: its TIME_WAIT stays server side though nothing listens any more',
  { skip: skipUnlessRoot },
  () => {
    const out = inSandbox(`${HELPERS}
    // The server closes first on every connection, 2000 times, then exits.
    const server = node("const s=require('net').createServer((c)=>{c.on('error',()=>{});c.end()});s.listen({port:9200,host:'0.0.0.0',backlog:1024},()=>process.stdout.write('ready\\\\n'))");
    await ready(server);
    const conns = (n) => new Promise((res) => {
      let started = 0, done = 0;
      const one = () => { if (started >= n) return; started++; const c = net.connect({ port: 9200, host: '127.0.0.1' }); c.on('error', () => {}); c.on('close', () => { if (++done === n) res(); else one(); }); };
      for (let i = 0; i < 50; i++) one();
    });
    await conns(2000);
    server.kill('SIGKILL');
    await until('the server to exit', () => ssCount(['state', 'listening']) === 0);
    out.report = json(['diagnose', '--json']);
  `);
    const r = out.report as Report;
    // A client port the kernel reuses while the server still holds its 4-tuple in TIME_WAIT takes that TIME_WAIT
    // over (a new SYN is accepted on it), so a few of the 2000 can be gone: all that remain must be server side.
    const total = r.timeWait.total;
    assert.ok(total >= 1900 && total <= 2000, `TIME_WAIT ${total}`);
    assert.equal(r.timeWait.server.total, total, 'server side stays server side');
    assert.equal(r.timeWait.client.total, 0);
    assert.equal(r.timeWait.unclassified, 0);
    assert.deepEqual(r.timeWait.client.top, [], 'no ephemeral ports listed as destinations');
    assert.deepEqual(r.timeWait.server.byPort, [{ port: 9200, count: total, process: null }]);
    assert.ok(r.findings.some((f) => f.id === 'TIME_WAIT_SERVER_SIDE' && /local port 9200/.test(f.message)));
  },
);

test('a producer hammering local :111 is named with its pid and command line', { skip: skipUnlessRoot }, () => {
  const out = inSandbox(`${HELPERS}
    // The server (this process) closes after the client; the producer is a separate process whose connections live
    // about a millisecond each.
    const s = net.createServer((c) => { c.on('error', () => {}); c.resume(); });
    await new Promise((res) => s.listen({ port: 111, host: '127.0.0.1', backlog: 1024 }, res));
    // At most 40000 short connections, 8 at a time, each closed by the client first: TIME_WAIT on the producer's side.
    const producer = node("/* rpc-poller */ const net=require('net');let n=0;const one=()=>{if(n>=40000)return;n++;const c=net.connect({port:111,host:'127.0.0.1'});c.on('error',()=>{});c.on('connect',()=>c.end());c.on('close',one)};for(let i=0;i<8;i++)one();process.stdout.write('ready\\\\n')");
    await ready(producer);
    await until('TIME_WAIT to build up', () => ssCount(['state', 'time-wait']) > 500);
    out.producerPid = producer.pid;
    const run = start(['diagnose', '--json', '--interval', '2']);
    const r = await finish(run, 20000);
    if (r.status !== 0) throw new Error(r.stderr);
    out.report = JSON.parse(r.stdout);
    const quick = start(['diagnose', '--json']);
    out.quick = JSON.parse((await finish(quick, 20000)).stdout);
    producer.kill('SIGKILL');
  `);
  const r = out.report as Report;
  assert.ok(r.timeWait.client.total > 0);
  assert.deepEqual(r.timeWait.client.top[0]?.remote, '127.0.0.1');
  assert.equal(r.timeWait.client.top[0]?.port, 111);
  const p = r.timeWait.producers;
  assert.ok(p && p.samples >= 2, JSON.stringify(p));
  const d = p.destinations.find((x) => x.destination === '127.0.0.1:111');
  assert.ok(d, JSON.stringify(p));
  assert.equal(d.producers[0]?.process.pid, out.producerPid, JSON.stringify(d));
  assert.match(d.producers[0]?.process.cmdline ?? '', /node -e .*rpc-poller/);
  assert.ok((d.producers[0]?.opened ?? 0) > 0);
  const f = r.findings.find((x) => x.id === 'TIME_WAIT_CLIENT_SIDE');
  assert.match(
    f?.message ?? '',
    new RegExp(
      `Producer: pid ${out.producerPid} \\(\\S*node -e .*\\) opened \\d+ connection\\(s\\) to 127\\.0\\.0\\.1:111 in 2 s`,
    ),
  );
  // Without --interval a short sample still runs, because connections were opened while the tables were read.
  const quick = (out.quick as Report).timeWait.producers;
  assert.ok(quick && quick.note === null && quick.seconds === 0.5 && quick.samples > 0, JSON.stringify(quick));
  assert.equal(quick.destinations[0]?.destination, '127.0.0.1:111');
});

test('a client-side CLOSE_WAIT leak is grouped by peer and by owner', { skip: skipUnlessRoot }, () => {
  const out = inSandbox(`${HELPERS}
    // Two upstreams that close their side at once; the leaking client never closes its side.
    const up = (host, port) => new Promise((res) => { const s = net.createServer((c) => { c.on('error', () => {}); c.end(); }); s.listen({ port, host }, res); });
    await up('127.0.0.2', 7001);
    await up('127.0.0.1', 7002);
    const leaker = node("const net=require('net');let n=0;const open=(host,port,k)=>{for(let i=0;i<k;i++){const c=net.connect({port,host,allowHalfOpen:true});c.on('error',()=>{});c.on('end',()=>{if(++n===150)process.stdout.write('ready\\\\n')})}};open('127.0.0.2',7001,100);open('127.0.0.1',7002,50);setInterval(()=>{},1e6)");
    await ready(leaker);
    await until('150 CLOSE_WAIT', () => ssCount(['state', 'close-wait']) === 150);
    out.leakerPid = leaker.pid;
    out.report = json(['diagnose', '--json']);
    out.filtered = json(['diagnose', '--json', '--dst', '127.0.0.2:7001', '--state', 'close-wait']);
    out.badFilter = tune(['diagnose', '--state', 'nonsense']);
  `);
  const r = out.report as Report;
  assert.equal(r.closeWait.total, 150);
  assert.equal(r.closeWait.inAcceptQueue, 0);
  assert.deepEqual(r.closeWait.byPeer, [
    { peer: '127.0.0.2:7001', count: 100 },
    { peer: '127.0.0.1:7002', count: 50 },
  ]);
  assert.equal(r.closeWait.owners[0]?.pid, out.leakerPid);
  assert.equal(r.closeWait.owners[0]?.sockets, 150);
  assert.match(
    r.findings.find((f) => f.id === 'CLOSE_WAIT_HELD')?.message ?? '',
    /the most from peer 127\.0\.0\.2:7001 \(100\)/,
  );
  const only = out.filtered as Report;
  assert.deepEqual(only.sockets.byState, { CLOSE_WAIT: 100 });
  assert.deepEqual(only.sockets.filter, ['destination 127.0.0.2:7001', 'state CLOSE-WAIT']);
  const bad = out.badFilter as { status: number; stderr: string };
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^tune: --state takes state names separated by commas .*got "nonsense"\n$/);
});

test(
  'an old overflow no longer warns; a new one does, in diagnose and check alike; a planted file is ignored',
  { skip: skipUnlessRoot },
  () => {
    const out = inSandbox(`${HELPERS}
    // Each burst: a hung listener with a queue of 1 while 8 clients connect; it is gone (killed) afterwards.
    const overflow = async (port) => {
      const server = hungServer(port, 1);
      await ready(server);
      await sleep(150);
      const cs = [];
      for (let i = 0; i < 8; i++) { const c = net.connect({ port, host: '127.0.0.1' }); c.on('error', () => {}); cs.push(c); }
      await sleep(400);
      for (const c of cs) c.destroy();
      server.kill('SIGKILL');
      await until('the listener to go', () => ssCount(['state', 'listening']) === 0);
    };
    await overflow(9400);
    out.first = json(['diagnose', '--json']);
    await overflow(9401);
    out.check1 = tune(['check']);
    out.second = json(['diagnose', '--json']);
    out.check2 = tune(['check']);
    out.interval = json(['diagnose', '--json', '--interval', '0.5']);
    out.mode = (fs.statSync('/run/tune/counters.json').mode & 0o777).toString(8);
    fs.writeFileSync('/run/tune/counters.json', '{not json');
    out.corrupt = json(['diagnose', '--json']);
    fs.rmSync('/run/tune/counters.json');
    fs.writeFileSync('/run/tune/target', 'keep');
    fs.symlinkSync('/run/tune/target', '/run/tune/counters.json');
    out.planted = json(['diagnose', '--json']);
    out.target = fs.readFileSync('/run/tune/target', 'utf8');
  `);
    const ids = (x: unknown) => (x as Report).findings.map((f) => f.id);
    const first = out.first as Report;
    assert.ok((first.counters.ListenOverflows ?? 0) > 0, 'the overflow happened');
    assert.ok(!ids(first).includes('LISTEN_OVERFLOWS_SEEN'), 'first run: since-boot values are context');
    assert.equal(first.counterWindow.source, 'none');
    assert.match(first.counterWindow.note ?? '', /^first run/);
    const check1 = out.check1 as { status: number; stdout: string };
    assert.equal(check1.status, 1, check1.stdout);
    assert.match(check1.stdout, /^TUNE WARNING - listen_overflows=\d+ \(> 0\)/);
    const second = out.second as Report;
    assert.ok(!ids(second).includes('LISTEN_OVERFLOWS_SEEN'), 'nothing new since the check');
    assert.equal(second.counterWindow.source, 'last-run');
    assert.equal(second.counterDeltas?.ListenOverflows, 0);
    assert.equal((out.check2 as { status: number }).status, 0, (out.check2 as { stdout: string }).stdout);
    assert.ok(!ids(out.interval).includes('LISTEN_OVERFLOWS_SEEN'));
    assert.equal(out.mode, '644');
    assert.match((out.corrupt as Report).counterWindow.note ?? '', /^ignored \/run\/tune\/counters\.json: not JSON$/);
    assert.match((out.planted as Report).counterWindow.note ?? '', /^ignored \/run\/tune\/counters\.json: a symlink$/);
    assert.equal(out.target, 'keep', 'never written through the symlink');
  },
);

interface Process {
  pid: number;
  command: string;
  cmdline: string;
  unit: string | null;
  container: string | null;
}
interface Report {
  sockets: { byState: Record<string, number>; filter: string[]; source: string };
  counters: Record<string, number | null>;
  counterDeltas: Record<string, number> | null;
  counterWindow: { source: string; note: string | null };
  timeWait: {
    total: number;
    unclassified: number;
    client: { total: number; top: { remote: string; port: number; count: number }[] };
    server: { total: number; byPort: { port: number; count: number; process: Process | null }[] };
    producers: {
      samples: number;
      seconds: number;
      note: string | null;
      destinations: {
        destination: string;
        producers: { process: Process; opened: number; seen: number }[];
      }[];
    } | null;
  };
  closeWait: {
    total: number;
    inAcceptQueue: number;
    byPeer: { peer: string; count: number }[];
    owners: (Process & { sockets: number })[];
    note: string | null;
  };
  uninspectedProcesses: number;
  listeners: { port: number; acceptQueue: number; queued: number; queuedClosed: number; process: Process | null }[];
  findings: { id: string; severity: string; message: string; evidence: Record<string, unknown> }[];
}

test(
  'run by an ordinary user, diagnose says which owners it could not look at instead of implying there are none',
  { skip: skipUnlessRoot || (spawnSync('setpriv', ['--version']).status !== 0 && 'needs setpriv (util-linux)') },
  () => {
    const out = inSandbox(`${HELPERS}
    // Both processes are root's: a hung listener with closed connections in its queue, and a client-side leak.
    const server = hungServer(9400, 128);
    await ready(server);
    await sleep(150);
    const clients = [];
    for (let i = 0; i < 20; i++) { const c = net.connect({ port: 9400, host: '127.0.0.1' }); c.on('error', () => {}); c.on('connect', () => c.end('req\\n')); clients.push(c); }
    await new Promise((res) => net.createServer((c) => { c.on('error', () => {}); c.end(); }).listen({ port: 7101, host: '127.0.0.3' }, res));
    const leaker = node("const net=require('net');let n=0;for(let i=0;i<30;i++){const c=net.connect({port:7101,host:'127.0.0.3',allowHalfOpen:true});c.on('error',()=>{});c.on('end',()=>{if(++n===30)process.stdout.write('ready\\\\n')})}setInterval(()=>{},1e6)");
    await ready(leaker);
    await until('20 + 30 CLOSE_WAIT', () => ssCount(['state', 'close-wait']) === 50);
    out.serverPid = server.pid;
    out.asRoot = json(['diagnose', '--json']);
    const nobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'diagnose', '--json'], { encoding: 'utf8', timeout: 20000 });
    out.nobody = { status: nobody.status, stdout: nobody.stdout, stderr: nobody.stderr };
    for (const c of clients) c.destroy();
  `);
    const root = out.asRoot as Report;
    assert.equal(root.uninspectedProcesses, 0, 'root reads every process');
    assert.equal(root.closeWait.owners[0]?.sockets, 30);
    const f0 = root.findings.find((x) => x.id === 'LISTENER_NOT_ACCEPTING');
    assert.equal(f0?.evidence.pid, out.serverPid);

    const run = out.nobody as { status: number; stdout: string; stderr: string };
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(run.stdout) as Report;
    assert.equal(r.sockets.source, 'netlink', 'the helper did the scan');
    assert.ok(r.uninspectedProcesses >= 2, `root's processes are counted as not inspected: ${r.uninspectedProcesses}`);
    assert.deepEqual(r.closeWait.owners, []);
    assert.equal(r.closeWait.total, 30);
    assert.match(
      r.closeWait.note ?? '',
      new RegExp(
        `^30 CLOSE_WAIT socket\\(s\\) not attributed: ${r.uninspectedProcesses} process\\(es\\) could not be inspected \\(run as root`,
      ),
    );
    const f = r.findings.find((x) => x.id === 'LISTENER_NOT_ACCEPTING');
    assert.equal(f?.evidence.pid, null);
    assert.match(
      f?.message ?? '',
      new RegExp(
        `^listener 0\\.0\\.0\\.0:9400 \\(its process is not known: ${r.uninspectedProcesses} process\\(es\\) could not be inspected; run as root to name it\\) is not accepting`,
      ),
    );
  },
);
