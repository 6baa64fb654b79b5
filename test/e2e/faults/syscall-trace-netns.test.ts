// What tune does, in order, as strace sees it (in the netns sandbox): the transaction folder, backup and journal are
// durable (fsynced, and their names fsynced in their parents) before the first runtime write and before the owned
// file's rename; and a read that fails while the backup is captured aborts before anything is written (it is never
// recorded as "key absent").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inSandbox, oneLine, type Run } from '../../helpers/netns-driver.js';
import { mainThreadCalls, skipUnlessStrace, type TracedCall } from '../../helpers/strace-trace.js';

const OWNED = '/etc/sysctl.d/99-tune.conf';

test('folder, backup and every journal record are durable before the host changes', { skip: skipUnlessStrace }, () => {
  const r = inSandbox(`
    const trace = fs.mkdtempSync('/tmp/tune-order-') + '/trace';
    const set = ['--set', 'net.core.somaxconn=5000', '--set', 'net.ipv4.tcp_fin_timeout=33'];
    const calls = 'trace=execve,mkdir,openat,write,fsync,rename,unlink,ftruncate';
    const run = spawnSync('strace', ['-f', '-qq', '-y', '-o', trace, '-e', calls, process.execPath, BIN, 'apply', ...set, '--yes'], { encoding: 'utf8' });
    out.status = run.status;
    out.stderr = run.stderr;
    out.trace = fs.readFileSync(trace, 'utf8');
    fs.rmSync(trace.replace(/\\/trace$/, ''), { recursive: true });
  `);
  assert.equal(r.status, 0, String(r.stderr));
  const calls = mainThreadCalls(String(r.trace));
  const at = (what: string, pred: (c: TracedCall) => boolean, from = 0): number => {
    const i = calls.findIndex((c, j) => j >= from && pred(c));
    assert.ok(i >= 0, `${what} after call ${from}`);
    return i;
  };
  const on = (sc: string, p: string) => (c: TracedCall) => c.sc === sc && c.paths[0] === p;
  const mkdir = at(
    'mkdir of the folder',
    (c) => c.sc === 'mkdir' && /\/transactions\/\d{8}T\d{6}Z-\d{6}$/.test(c.paths[0] ?? ''),
  );
  const dir = calls[mkdir]?.paths[0] ?? '';
  const journal = `${dir}/journal`;
  const hostWrite = (c: TracedCall) =>
    (c.sc === 'write' && (c.paths[0] ?? '').startsWith('/proc/sys/')) || (c.sc === 'rename' && c.paths[1] === OWNED);
  const firstHostWrite = at('the first runtime write', hostWrite);
  // The folder's name, up to the state directory's parent (the first transaction created /var/lib/tune/transactions).
  let i = mkdir;
  for (const d of ['/var/lib/tune/transactions', '/var/lib/tune', '/var/lib']) i = at(`fsync ${d}`, on('fsync', d), i);
  // The backup, then its name; `begin`, then the new journal's name: all before the first runtime write.
  i = at('backup written', on('write', `${dir}/backup.json`), i);
  i = at('backup fsynced', on('fsync', `${dir}/backup.json`), i);
  i = at('folder fsynced for backup.json', on('fsync', dir), i);
  i = at('begin written', on('write', journal), i);
  i = at('begin fsynced', on('fsync', journal), i);
  i = at('folder fsynced for the journal', on('fsync', dir), i);
  assert.ok(i < firstHostWrite, 'all of it before the first runtime write');
  // Every journal record is fsynced before the next change to the host and before the next record.
  for (let j = 0; j < calls.length; j++) {
    if (!on('write', journal)(calls[j] as TracedCall)) continue;
    const synced = at(`fsync after record ${j}`, on('fsync', journal), j);
    const next = calls.findIndex((c, k) => k > j && (hostWrite(c) || on('write', journal)(c)));
    assert.ok(next < 0 || synced < next, `record at call ${j} is fsynced before call ${next}: ${calls[next]?.line}`);
  }
  // The owned file: temporary written and fsynced, renamed, the directory fsynced before the `file` record.
  const rename = at('rename of the owned file', (c) => c.sc === 'rename' && c.paths[1] === OWNED);
  const tmp = calls[rename]?.paths[0] ?? '';
  assert.match(tmp, /^\/etc\/sysctl\.d\/\.99-tune\.conf\.tune-\d+\.tmp$/);
  assert.ok(at('temporary fsynced', on('fsync', tmp)) < rename);
  const dirSync = at('fsync /etc/sysctl.d', on('fsync', '/etc/sysctl.d'), rename);
  assert.ok(dirSync < at('the file record', on('write', journal), rename));
  // The commit record is durable before the lock goes (released by truncating the holder's name, then closing).
  const unlock =
    calls
      .map((c, k) => (on('ftruncate', '/var/lib/tune/lock')(c) ? k : -1))
      .filter((k) => k >= 0)
      .pop() ?? -1;
  assert.ok(unlock > 0, 'the lock is released');
  assert.ok(!calls.some(on('unlink', '/var/lib/tune/lock')), 'the lock file is never unlinked');
  const commit =
    calls
      .map((c, k) => (on('write', journal)(c) ? k : -1))
      .filter((k) => k >= 0 && k < unlock)
      .pop() ?? -1;
  assert.ok(at('commit fsynced', on('fsync', journal), commit) < unlock);
});

test('a read that fails while the backup is captured aborts before any write', { skip: skipUnlessStrace }, () => {
  const r = inSandbox(`
    const KEYP = procPath('net.ipv4.tcp_max_tw_buckets');
    const NODE = [process.execPath, '--no-short-builtin-calls', BIN];
    const ARGS = ['apply', '--set', 'net.core.somaxconn=5000', '--set', 'net.ipv4.tcp_max_tw_buckets=200000', '--yes'];
    out.first = tune(['apply', '--set', 'net.core.somaxconn=4500', '--yes']);
    const tmp = fs.mkdtempSync('/tmp/tune-capture-');
    const trace = tmp + '/trace';
    const values = Object.fromEntries(KEYS.map((k) => [k, value(k)]));
    for (const d of ['/var/lib/tune', '/etc/sysctl.d']) fs.cpSync(d, tmp + d, { recursive: true });
    const restore = () => {
      for (const d of ['/var/lib/tune', '/etc/sysctl.d']) {
        for (const n of fs.readdirSync(d)) fs.rmSync(d + '/' + n, { recursive: true });
        fs.cpSync(tmp + d, d, { recursive: true });
      }
      for (const k of KEYS) setValue(k, values[k]);
    };
    out.before = state();
    out.history = history();
    out.folders = fs.readdirSync('/var/lib/tune/transactions');
    // Count the main thread's openat calls: the capture is the last open of the key before the folder is made.
    const count = spawnSync('strace', ['-f', '-qq', '-o', trace, '-e', 'trace=execve,openat,mkdir', ...NODE, ...ARGS], { encoding: 'utf8' });
    out.countStatus = count.status;
    const lines = fs.readFileSync(trace, 'utf8').split('\\n');
    const main = lines.find((l) => / execve\\(/.test(l)).split(' ')[0];
    let n = 0, opensOfKey = 0;
    for (const l of lines.filter((x) => x.startsWith(main + ' '))) {
      if (/ mkdir\\("\\/var\\/lib\\/tune\\/transactions\\/\\d/.test(l)) break;
      if (!/ openat\\(/.test(l)) continue;
      n++;
      if (l.includes('"' + KEYP + '", O_RDONLY')) { out.captureOpen = n; out.captureRead = ++opensOfKey; }
    }
    restore();
    const faulted = (args) => {
      const run = spawnSync('strace', ['-qq', '-y', '-o', trace, ...args, ...NODE, ...ARGS], { encoding: 'utf8' });
      const res = { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr, trace: fs.readFileSync(trace, 'utf8'), after: state(), history: history(), folders: fs.readdirSync('/var/lib/tune/transactions') };
      restore();
      return res;
    };
    // EACCES on the open (traced with every call that could write), then EIO on the read (-P: reads of that file).
    out.open = faulted(['-e', 'trace=openat,mkdir,write,rename,unlink', '-e', 'inject=openat:error=EACCES:when=' + out.captureOpen]);
    out.read = faulted(['-P', KEYP, '-e', 'trace=openat,read', '-e', 'inject=read:error=EIO:when=' + out.captureRead]);
    fs.rmSync(tmp, { recursive: true });
  `);
  assert.equal((r.first as Run).status, 0);
  assert.equal(r.countStatus, 0);
  assert.ok(
    Number(r.captureOpen) > 0 && Number(r.captureRead) >= 2,
    `capture found: ${r.captureOpen}/${r.captureRead}`,
  );
  for (const what of ['open', 'read'] as const) {
    const f = r[what] as Run & { trace: string; after: unknown; history: unknown; folders: string[] };
    const lines = f.trace.split('\n');
    const hit = lines.findIndex((l) => l.includes('(INJECTED)'));
    assert.ok(hit >= 0, `${what}: injected`);
    assert.ok(lines[hit]?.includes('/proc/sys/net/ipv4/tcp_max_tw_buckets'), `${what}: the key's file: ${lines[hit]}`);
    const writes = lines
      .slice(hit + 1)
      .filter((l) => /^(mkdir|rename|unlink)\(|^write\(\d+<\/(proc|etc|var)|O_CREAT/.test(l) && !l.includes('/lock"'));
    assert.deepEqual(writes, [], `${what}: nothing written after the failed read (the lock is released)`);
    assert.equal(f.status, 1, `${what}: exit 1`);
    assert.match(
      oneLine(f, what),
      /^tune: net\.ipv4\.tcp_max_tw_buckets: cannot read the runtime value \(unreadable\)$/,
    );
    assert.deepEqual(f.after, r.before, `${what}: values and files untouched`);
    assert.deepEqual(f.history, r.history, `${what}: nothing recorded`);
    assert.deepEqual(f.folders, r.folders, `${what}: no transaction folder`);
  }
});
