// The transaction lock is the kernel's flock on a file that is never unlinked: a holder stopped at the point that
// matters (TUNE_STOP_AT) keeps everyone else out and is named; a dead holder, an empty lock file or a planted one
// with a live pid blocks nothing; a running transaction is never called interrupted; and 20 rounds of eight racing
// applies and rollbacks leave the host exactly where the history says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inSandbox, oneLine, skipUnlessRoot as skip, type Run } from '../helpers/netns-driver.js';

test(
  'a holder stopped under the lock keeps others out and is named; when it dies nothing is left to take over',
  { skip },
  () => {
    const r = inSandbox(`
    out.base = state();
    tune(['apply', '--set', 'net.core.somaxconn=3000', '--yes']); // something to roll back
    out.start = state();
    const holder = start(['apply', '--set', 'net.core.somaxconn=3001', '--yes'], { TUNE_STOP_AT: 'locked' });
    await waitStopped(holder.pid);
    out.holder = holder.pid;
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=3002', '--yes']);
    out.rollback = tune(['rollback', '--yes']);
    out.recover = tune(['recover']);
    out.whileHeld = state();
    process.kill(holder.pid, 'SIGKILL');
    await finish(holder);
    out.afterDeath = tune(['apply', '--set', 'net.core.somaxconn=3003', '--yes']);
    out.applied = state();
    tune(['rollback', '--yes']);
    // Crash residue of the old file lock, and a planted file naming a live process: content is not authority.
    fs.writeFileSync('/var/lib/tune/lock', '');
    out.empty = tune(['apply', '--set', 'net.core.somaxconn=3004', '--yes']);
    tune(['rollback', '--yes']);
    const sleeper = spawn('sleep', ['30']); children.push(sleeper);
    fs.writeFileSync('/var/lib/tune/lock', JSON.stringify({ pid: sleeper.pid, command: 'apply', since: 'then' }));
    out.planted = tune(['apply', '--set', 'net.core.somaxconn=3005', '--yes']);
    tune(['rollback', '--yes']);
    out.lockStillThere = fs.existsSync('/var/lib/tune/lock');
    tune(['rollback', '--yes']);
    out.end = state();
  `);
    for (const what of ['apply', 'rollback', 'recover']) {
      const run = r[what] as Run;
      assert.equal(run.status, 1, `${what} while the lock is held: ${JSON.stringify(run)}`);
      assert.match(
        oneLine(run, what),
        new RegExp(`another tune transaction is running \\(pid ${String(r.holder)}, apply, since `),
        what,
      );
    }
    assert.deepEqual(r.whileHeld, r.start, 'nothing was written while the lock was held');
    for (const what of ['afterDeath', 'empty', 'planted'])
      assert.equal((r[what] as Run).status, 0, `${what}: ${JSON.stringify(r[what])}`);
    assert.equal((r.applied as { values: Record<string, string> }).values['net.core.somaxconn'], '3003');
    assert.equal(r.lockStillThere, true, 'the lock file is never unlinked');
    assert.deepEqual(r.end, r.base);
  },
);

test('a transaction stopped mid-write is running, not interrupted, until its process dies', { skip }, () => {
  const r = inSandbox(`
    out.start = state();
    const a = start(['apply', '--set', 'net.core.somaxconn=3101', '--set', 'net.ipv4.tcp_fin_timeout=33', '--yes'], { TUNE_STOP_AT: 'runtime:net.ipv4.tcp_fin_timeout' });
    await waitStopped(a.pid);
    out.statusRunning = statusJson();
    out.recoverRunning = tune(['recover']);
    process.kill(a.pid, 'SIGKILL');
    await finish(a);
    out.statusDead = statusJson();
    out.recover = tune(['recover']);
    out.end = state();
    out.next = tune(['apply', '--set', 'net.core.somaxconn=3102', '--yes']);
    tune(['rollback', '--yes']);
  `);
  assert.equal((r.statusRunning as { interrupted: unknown }).interrupted ?? null, null, 'a live transaction');
  assert.equal((r.statusRunning as { last: { state: string } }).last.state, 'running');
  assert.equal((r.recoverRunning as Run).status, 1);
  assert.match(oneLine(r.recoverRunning as Run, 'recover'), /another tune transaction is running/);
  assert.ok((r.statusDead as { interrupted: unknown }).interrupted, 'once its process is dead it is interrupted');
  assert.equal((r.recover as Run).status, 0, JSON.stringify(r.recover));
  assert.deepEqual(r.end, r.start, 'recover put the old values back');
  assert.equal((r.next as Run).status, 0);
});

test('a lock that is a directory or a symlink: one line, exit 1, nothing written', { skip }, () => {
  const r = inSandbox(`
    out.start = state();
    fs.mkdirSync('/var/lib/tune/transactions', { recursive: true, mode: 0o700 });
    fs.mkdirSync('/var/lib/tune/lock');
    out.dir = tune(['apply', '--set', 'net.core.somaxconn=3201', '--yes']);
    fs.rmdirSync('/var/lib/tune/lock');
    fs.writeFileSync('/tmp/elsewhere', 'x');
    fs.symlinkSync('/tmp/elsewhere', '/var/lib/tune/lock');
    out.link = tune(['apply', '--set', 'net.core.somaxconn=3202', '--yes']);
    out.elsewhere = fs.readFileSync('/tmp/elsewhere', 'utf8');
    out.end = state();
  `);
  assert.equal((r.dir as Run).status, 1);
  assert.match(oneLine(r.dir as Run, 'directory'), /\/var\/lib\/tune\/lock: is not a regular file/);
  assert.equal((r.link as Run).status, 1);
  assert.match(oneLine(r.link as Run, 'symlink'), /\/var\/lib\/tune\/lock: is a symlink/);
  assert.equal(r.elsewhere, 'x');
  assert.deepEqual(r.end, r.start);
});

test('20 rounds of eight racing applies and rollbacks: the host is always where the history says', { skip }, () => {
  const r = inSandbox(
    `
    out.start = state();
    out.rounds = [];
    let v = 4000;
    const backupOf = (id) => JSON.parse(fs.readFileSync('/var/lib/tune/transactions/' + id + '/backup.json', 'utf8'));
    for (let round = 0; round < 20; round++) {
      const runs = [];
      for (let i = 0; i < 8; i++)
        runs.push(i % 3 === 2 ? start(['rollback', '--yes']) : start(['apply', '--set', 'net.core.somaxconn=' + ++v, '--yes']));
      const results = await Promise.all(runs.map((x) => finish(x, 30000)));
      const h = history();
      const inEffect = h.filter((e) => e.kind === 'apply' && e.state === 'applied');
      const newest = inEffect[inEffect.length - 1];
      const after = newest ? backupOf(newest.id).after : null;
      const now = state();
      out.rounds.push({
        results: results.map((x) => ({ status: x.status, signal: x.signal, stderr: x.stderr })),
        interrupted: h.filter((e) => e.state === 'interrupted').length,
        expected: after ? after.runtime.find((x) => x.key === 'net.core.somaxconn').value : out.start.values['net.core.somaxconn'],
        actual: now.values['net.core.somaxconn'],
        fileHasExpected: after ? now.files['/etc/sysctl.d/99-tune.conf'] !== null && Buffer.from(now.files['/etc/sysctl.d/99-tune.conf'], 'base64').includes('net.core.somaxconn = ' + after.runtime.find((x) => x.key === 'net.core.somaxconn').value + '\\n') : now.files['/etc/sysctl.d/99-tune.conf'] === null,
      });
    }
    out.reset = tune(['reset', '--yes']);
    out.end = state();
  `,
    240_000,
  ); // about 35 s on a quiet machine; the limit only guards against a hang
  const rounds = r.rounds as {
    results: { status: number | null; signal: string | null; stderr: string }[];
    interrupted: number;
    expected: string;
    actual: string;
    fileHasExpected: boolean;
  }[];
  assert.equal(rounds.length, 20);
  let won = 0;
  rounds.forEach((round, n) => {
    assert.equal(round.interrupted, 0, `round ${n}: nothing interrupted`);
    assert.equal(round.actual, round.expected, `round ${n}: the runtime value is the newest in-effect apply's`);
    assert.ok(round.fileHasExpected, `round ${n}: the owned file carries it (or is gone with nothing in effect)`);
    for (const x of round.results) {
      assert.equal(x.signal, null, `round ${n}`);
      assert.doesNotMatch(x.stderr, /\n\s+at /, `round ${n}: no stack trace`);
      if (x.status === 0) won++;
      else
        assert.match(
          x.stderr,
          /another tune transaction is (running|starting)|when planned, now|changed since|no applied transaction to roll back|committed after the preview/,
          `round ${n}: a loser says why: ${x.stderr}`,
        );
    }
  });
  assert.ok(won >= 20, `at least one winner per round (${won})`);
  assert.equal((r.reset as Run).status, 0, JSON.stringify(r.reset));
  assert.deepEqual(r.end, r.start, 'reset puts the namespace back to before the first round');
});
