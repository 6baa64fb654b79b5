// Races, scripted with the TUNE_STOP_AT=before-lock hook (the process stops itself right before it takes the lock,
// after it planned): ids are taken at commit time, and a plan the host has outrun is refused under the lock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ID_RE,
  inSandbox,
  listed,
  oneLine,
  skipUnlessRoot as skip,
  type HostState,
  type Run,
  appliedId,
  type HistoryRow,
} from '../helpers/netns-driver.js';

type Entry = HistoryRow;

test('an apply that planned first but commits last gets the later id; a bare rollback undoes it', { skip }, () => {
  const r = inSandbox(`
    out.start = state();
    out.aStartedAt = new Date().toISOString();
    const a = start(['apply', '--set', 'net.core.somaxconn=5000', '--file', '/etc/sysctl.d/97-a.conf', '--yes'], { TUNE_STOP_AT: 'before-lock' });
    await waitStopped(a.pid);
    out.whileStopped = state();
    await sleep(1100);
    out.b = tune(['apply', '--set', 'net.ipv4.tcp_fin_timeout=30', '--file', '/etc/sysctl.d/98-b.conf', '--yes']);
    process.kill(a.pid, 'SIGCONT');
    out.a = await finish(a);
    out.afterBoth = state();
    out.history = history();
    out.status = statusJson();
    out.rollback = tune(['rollback', '--yes']);
    out.afterRollback = state();
  `);
  const start = r.start as HostState;
  assert.deepEqual(r.whileStopped, start, 'A planned but wrote nothing before the lock');
  const a = r.a as Run;
  const b = r.b as Run;
  assert.equal(b.status, 0, JSON.stringify(b));
  assert.equal(a.status, 0, JSON.stringify(a));
  const idA = appliedId(a);
  const idB = appliedId(b);
  assert.match(idA, ID_RE);
  assert.match(idB, ID_RE);
  assert.ok(idB < idA, `A committed after B, so its id sorts after: ${idB} < ${idA}`);
  const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  assert.ok(idA.slice(0, 16) >= idB.slice(0, 16), 'A took its id (and its time) at commit, after B');
  assert.ok(
    idA.slice(0, 16) > stamp(r.aStartedAt as string),
    `not when it planned (${r.aStartedAt as string}): ${idA}`,
  );

  const afterBoth = r.afterBoth as HostState;
  assert.equal(afterBoth.values['net.core.somaxconn'], '5000');
  assert.equal(afterBoth.values['net.ipv4.tcp_fin_timeout'], '30');
  assert.notEqual(afterBoth.files['/etc/sysctl.d/97-a.conf'], null);
  assert.notEqual(afterBoth.files['/etc/sysctl.d/98-b.conf'], null);

  const history = r.history as Entry[];
  assert.deepEqual(
    history.map((e) => [e.id, e.kind, e.state]),
    [
      [idB, 'apply', 'applied'],
      [idA, 'apply', 'applied'],
    ],
    'history order is commit order: B, then A',
  );
  assert.equal((r.status as { last: { id: string } }).last.id, idA);
  assert.equal((r.status as { lastApplied: string }).lastApplied, idA);

  const rollback = r.rollback as Run;
  assert.equal(rollback.status, 0, JSON.stringify(rollback));
  assert.ok(rollback.stdout.includes(idA), 'the bare rollback undoes A');
  assert.match(rollback.stdout, new RegExp(`before ${idA} undoes 1 transaction\\(s\\)`));
  assert.deepEqual(r.afterRollback, {
    values: { ...afterBoth.values, 'net.core.somaxconn': start.values['net.core.somaxconn'] },
    files: { ...afterBoth.files, '/etc/sysctl.d/97-a.conf': null },
  });
});

/** Runs `apply ARGS` stopped before the lock, does `meanwhile` (JS) while it is stopped, continues it. */
const stale = (args: string[], meanwhile: string) => `
    const a = start(${JSON.stringify(args)}, { TUNE_STOP_AT: 'before-lock' });
    await waitStopped(a.pid);
    ${meanwhile}
    out.meanwhile = state();
    process.kill(a.pid, 'SIGCONT');
    out.a = await finish(a);
    out.after = state();
    out.history = history();
`;

function assertRefusedStale(r: Record<string, unknown>, mention: string): void {
  const a = r.a as Run;
  assert.equal(a.status, 1, JSON.stringify(a));
  const line = oneLine(a, 'stale');
  assert.ok(line.includes(mention), `names what changed (${mention}): ${line}`);
  assert.match(line, /nothing was written/);
  assert.deepEqual(r.after, r.meanwhile, 'nothing written');
}

test(
  'a runtime value changed between plan and lock: apply --yes refuses naming the key, writes nothing',
  { skip },
  () => {
    const r = inSandbox(`
    out.start = state();
    ${stale(['apply', '--set', 'net.core.somaxconn=5000', '--yes'], `setValue('net.core.somaxconn', 3333);`)}
  `);
    const start = r.start as HostState;
    const was = start.values['net.core.somaxconn'];
    assert.notEqual(was, '3333');
    assertRefusedStale(r, `net.core.somaxconn was ${was} when planned, now 3333`);
    const after = r.after as HostState;
    assert.equal(after.values['net.core.somaxconn'], '3333');
    assert.equal(after.files['/etc/sysctl.d/99-tune.conf'], null, 'no owned file');
    assert.deepEqual(
      (r.history as Entry[]).filter((e) => e.committed),
      [],
      'no committed transaction',
    );
  },
);

test(
  'apply --plan FILE --yes: a value changed between the check and the lock is refused the same way',
  { skip },
  () => {
    const r = inSandbox(`
    out.start = state();
    const plan = tune(['plan', '--set', 'net.core.somaxconn=5000', '--json']);
    if (plan.status !== 0) throw new Error('plan failed: ' + JSON.stringify(plan));
    fs.writeFileSync('/etc/tune/plan.json', plan.stdout);
    ${stale(['apply', '--plan', '/etc/tune/plan.json', '--yes'], `setValue('net.core.somaxconn', 3333);`)}
  `);
    const was = (r.start as HostState).values['net.core.somaxconn'];
    assertRefusedStale(r, `net.core.somaxconn was ${was} when planned, now 3333`);
    const after = r.after as HostState;
    assert.equal(after.values['net.core.somaxconn'], '3333');
    assert.equal(after.files['/etc/sysctl.d/99-tune.conf'], null);
    assert.deepEqual(
      (r.history as Entry[]).filter((e) => e.committed),
      [],
    );
  },
);

test('the owned file created between plan and lock: apply refuses naming the file, writes nothing', { skip }, () => {
  const r = inSandbox(`
    out.start = state();
    ${stale(['apply', '--set', 'net.core.somaxconn=5000', '--yes'], `fs.writeFileSync('/etc/sysctl.d/99-tune.conf', '#');`)}
  `);
  assertRefusedStale(r, '/etc/sysctl.d/99-tune.conf');
  const after = r.after as HostState;
  assert.equal(after.files['/etc/sysctl.d/99-tune.conf'], Buffer.from('#').toString('base64'), 'the byte written');
  assert.equal(after.values['net.core.somaxconn'], (r.start as HostState).values['net.core.somaxconn']);
  assert.deepEqual(r.history, []);
});

test('the owned file changed by one byte between plan and lock: apply refuses naming the file', { skip }, () => {
  const r = inSandbox(`
    out.t0 = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes']);
    out.afterT0 = state();
    ${stale(['apply', '--set', 'net.core.somaxconn=6000', '--yes'], `fs.appendFileSync('/etc/sysctl.d/99-tune.conf', '#');`)}
  `);
  assert.equal((r.t0 as Run).status, 0);
  assertRefusedStale(r, '/etc/sysctl.d/99-tune.conf');
  const after = r.after as HostState;
  const t0 = r.afterT0 as HostState;
  assert.equal(after.values['net.core.somaxconn'], '5000');
  assert.equal(
    after.files['/etc/sysctl.d/99-tune.conf'],
    Buffer.concat([Buffer.from(t0.files['/etc/sysctl.d/99-tune.conf'] ?? '', 'base64'), Buffer.from('#')]).toString(
      'base64',
    ),
  );
  assert.deepEqual(
    (r.history as Entry[]).map((e) => e.state),
    ['applied'],
    'only the first transaction is on record',
  );
});

test(
  'a rollback previewed before a later apply committed: it refuses, or its preview lists all it undoes',
  { skip },
  () => {
    // `rollback --yes` prints its preview (T1 only), stops before the lock; B commits; the rollback continues.
    const r = inSandbox(`
    out.t1 = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes']);
    const rb = start(['rollback', '--yes'], { TUNE_STOP_AT: 'before-lock' });
    await waitStopped(rb.pid);
    out.b = tune(['apply', '--set', 'net.ipv4.tcp_fin_timeout=30', '--file', '/etc/sysctl.d/98-b.conf', '--yes']);
    out.beforeContinue = state();
    out.historyBeforeContinue = history();
    process.kill(rb.pid, 'SIGCONT');
    out.rollback = await finish(rb);
    out.after = state();
    out.history = history();
  `);
    assert.equal((r.t1 as Run).status, 0);
    assert.equal((r.b as Run).status, 0);
    const rollback = r.rollback as Run;
    if (rollback.status !== 0) {
      oneLine(rollback, 'refused rollback');
      assert.deepEqual(r.after, r.beforeContinue, 'refused: nothing written');
      assert.deepEqual(r.history, r.historyBeforeContinue, 'refused: no transaction');
      return;
    }
    const entry = (r.history as Entry[]).at(-1)!;
    assert.equal(entry.kind, 'rollback');
    assert.deepEqual(
      listed(rollback.stdout),
      entry.undoes,
      `the output lists every transaction the rollback undid (${entry.undoes.join(', ')}):\n${rollback.stdout}`,
    );
  },
);

test(
  'an interrupted transaction older than a committed one is found by its journal: apply refuses, recover restores it',
  { skip },
  () => {
    const r = inSandbox(`
    out.start = state();
    out.crash = tune(['apply', '--set', 'net.core.somaxconn=3400', '--set', 'net.ipv4.tcp_fin_timeout=44', '--yes'], { TUNE_CRASH_AT: 'runtime:net.ipv4.tcp_fin_timeout' });
    const [old] = fs.readdirSync(STATE_DIR + '/transactions');
    // A newer transaction on record that committed (what an id taken out of order, or a copied state dir, leaves).
    const newer = old.replace(/-\\d+$/, '-000009');
    fs.mkdirSync(STATE_DIR + '/transactions/' + newer, { mode: 0o700 });
    const b = JSON.parse(fs.readFileSync(STATE_DIR + '/transactions/' + old + '/backup.json', 'utf8'));
    b.id = newer; b.before = { runtime: [], files: [] }; b.after = { runtime: [], files: [] };
    fs.writeFileSync(STATE_DIR + '/transactions/' + newer + '/backup.json', JSON.stringify(b), { mode: 0o600 });
    fs.writeFileSync(STATE_DIR + '/transactions/' + newer + '/journal', JSON.stringify({ step: 'begin' }) + '\\n' + JSON.stringify({ step: 'commit' }) + '\\n', { mode: 0o600 });
    out.old = old;
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=3500', '--yes']);
    out.status = statusJson();
    out.recover = tune(['recover']);
    out.after = state();
  `);
    assert.equal((r.crash as Run).signal, 'SIGKILL');
    const apply = r.apply as Run;
    assert.equal(apply.status, 1);
    assert.match(oneLine(apply, 'apply'), new RegExp(`transaction ${String(r.old)} was interrupted and not recovered`));
    assert.equal((r.status as { interrupted: { id: string } }).interrupted.id, r.old);
    assert.match((r.recover as Run).stdout, new RegExp(`^Recovered interrupted transaction ${String(r.old)}`));
    assert.deepEqual(r.after, r.start, 'both keys the crashed apply wrote are back');
  },
);
