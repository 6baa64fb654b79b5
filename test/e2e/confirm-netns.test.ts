// apply --confirm-within: the change is pending until `tune confirm`; at the deadline the watchdog (or a late
// confirm, when the watchdog cannot act) rolls it back; a confirmation after the deadline exits 1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appliedId,
  type HistoryRow,
  inSandbox,
  oneLine,
  skipUnlessRoot as skip,
  type HostState,
  type Run,
} from '../helpers/netns-driver.js';

type Entry = HistoryRow;

/** Applies somaxconn=5000 with --confirm-within SECONDS and reads the pending record (watchdog pid, deadline). */
const pendingApply = (seconds: number) => `
    out.start = state();
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes', '--confirm-within', '${seconds}']);
    const appliedAt = Date.now();
    if (out.apply.status !== 0) throw new Error('apply failed: ' + JSON.stringify(out.apply));
    const pending = JSON.parse(fs.readFileSync(STATE_DIR + '/pending-confirmation.json', 'utf8'));
    if (pending.watchdogPid) cleanupPids.push(pending.watchdogPid);
    out.pending = pending;
    out.applied = state();
`;

test(
  'unconfirmed: a second apply is refused while pending; the watchdog rolls back; a late confirm exits 1',
  {
    skip,
  },
  () => {
    const r = inSandbox(`
    ${pendingApply(2)}
    out.second = tune(['apply', '--set', 'net.ipv4.tcp_fin_timeout=30', '--yes']);
    out.secondMs = Date.now() - appliedAt;
    out.afterSecond = state();
    await sleep(3500);
    out.afterDeadline = state();
    out.history = history();
    out.watchdog = procState(pending.watchdogPid);
    out.confirm = tune(['confirm']);
    out.afterConfirm = state();
    out.historyAfterConfirm = history();
  `);
    const start = r.start as HostState;
    const id = appliedId(r.apply as Run);
    assert.equal((r.pending as { id: string }).id, id);
    assert.equal((r.applied as HostState).values['net.core.somaxconn'], '5000');

    const second = r.second as Run;
    assert.ok((r.secondMs as number) < 2000, `the second apply ran within the window (${r.secondMs as number} ms)`);
    assert.equal(second.status, 1, JSON.stringify(second));
    assert.ok(oneLine(second, 'second apply').includes(id), `names the pending transaction ${id}: ${second.stderr}`);
    assert.deepEqual(r.afterSecond, r.applied, 'the second apply changed nothing');

    assert.deepEqual(r.afterDeadline, start, 'the watchdog rolled the change back');
    const history = r.history as Entry[];
    assert.equal(history.length, 2, JSON.stringify(history));
    assert.deepEqual(
      [history[0]!.id, history[0]!.state, history[0]!.undoneBy],
      [id, 'rolled back', history[1]!.id],
      'the apply is rolled back (the refused second apply left nothing)',
    );
    assert.deepEqual(
      [history[1]!.kind, history[1]!.state, history[1]!.trigger, history[1]!.of, history[1]!.undoes],
      ['rollback', 'applied', 'expired-confirmation', id, [id]],
    );
    assert.ok(r.watchdog === null || r.watchdog === 'Z', `the watchdog is gone (state ${String(r.watchdog)})`);

    const confirm = r.confirm as Run;
    assert.equal(confirm.status, 1, JSON.stringify(confirm));
    const line = oneLine(confirm, 'late confirm');
    assert.match(line, /too late/);
    assert.ok(line.includes(id), line);
    assert.deepEqual(r.afterConfirm, start, 'state unchanged');
    assert.deepEqual(r.historyAfterConfirm, r.history, 'no transaction recorded');
  },
);

test('the watchdog stopped: after the deadline tune confirm exits 1 "too late" and rolls back itself', { skip }, () => {
  const r = inSandbox(`
    ${pendingApply(2)}
    process.kill(pending.watchdogPid, 'SIGSTOP');
    await waitStopped(pending.watchdogPid);
    await sleep(Math.max(0, Date.parse(pending.deadline) - Date.now()) + 300);
    out.pastDeadline = state();
    out.confirm = tune(['confirm']);
    out.afterConfirm = state();
    out.history = history();
    out.pendingFile = fs.existsSync(STATE_DIR + '/pending-confirmation.json');
    process.kill(pending.watchdogPid, 'SIGCONT');
    for (let i = 0; i < 200 && ![null, 'Z'].includes(procState(pending.watchdogPid)); i++) await sleep(25);
    out.watchdog = procState(pending.watchdogPid);
    out.final = state();
    out.historyFinal = history();
  `);
  const start = r.start as HostState;
  const id = appliedId(r.apply as Run);
  assert.equal((r.pastDeadline as HostState).values['net.core.somaxconn'], '5000', 'nobody rolled back yet');
  const confirm = r.confirm as Run;
  assert.equal(confirm.status, 1, JSON.stringify(confirm));
  const line = oneLine(confirm, 'late confirm');
  assert.match(line, /too late/);
  assert.ok(line.includes(id), line);
  assert.deepEqual(r.afterConfirm, start, 'confirm itself rolled the change back');
  const history = r.history as Entry[];
  assert.deepEqual(
    history.map((e) => [e.kind, e.state, e.trigger, e.of]),
    [
      ['apply', 'rolled back', null, null],
      ['rollback', 'applied', 'expired-confirmation', id],
    ],
  );
  assert.equal(r.pendingFile, false, 'nothing pending any more');
  assert.ok(r.watchdog === null || r.watchdog === 'Z', 'the continued watchdog finds nothing pending and exits');
  assert.deepEqual(r.final, start);
  assert.deepEqual(r.historyFinal, r.history, 'the watchdog did not roll back a second time');
});

test('confirmed in time the change stays; a second confirm has nothing waiting', { skip }, () => {
  const r = inSandbox(`
    ${pendingApply(30)}
    out.status = statusJson();
    out.confirm = tune(['confirm']);
    out.afterConfirm = state();
    out.history = history();
    out.again = tune(['confirm']);
    out.afterAgain = state();
  `);
  const id = appliedId(r.apply as Run);
  const pending = (r.status as { pending: { id: string; secondsLeft: number } }).pending;
  assert.equal(pending.id, id);
  assert.ok(pending.secondsLeft > 20 && pending.secondsLeft <= 30, JSON.stringify(pending));
  const confirm = r.confirm as Run;
  assert.equal(confirm.status, 0, JSON.stringify(confirm));
  assert.match(confirm.stdout, new RegExp(`^Confirmed transaction ${id}`));
  assert.deepEqual(r.afterConfirm, r.applied, 'the change stays');
  assert.deepEqual(
    (r.history as Entry[]).map((e) => [e.id, e.state]),
    [[id, 'applied']],
  );
  const again = r.again as Run;
  assert.equal(again.status, 1, JSON.stringify(again));
  assert.match(oneLine(again, 'second confirm'), /nothing is waiting/);
  assert.deepEqual(r.afterAgain, r.applied);
});

test('--confirm-within outside whole seconds 1..86400 is a usage error before anything happens', { skip }, () => {
  const bad = ['0', '-5', '1e300', '99999999', '1.5', ''];
  const r = inSandbox(`
    out.start = state();
    out.runs = {};
    for (const v of ${JSON.stringify(bad)}) out.runs[v] = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes', '--confirm-within', v]);
    out.after = state();
    out.history = history();
    out.pending = fs.existsSync(STATE_DIR + '/pending-confirmation.json');
  `);
  for (const v of bad) {
    const run = (r.runs as Record<string, Run>)[v]!;
    assert.equal(run.status, 2, `${JSON.stringify(v)}: ${JSON.stringify(run)}`);
    oneLine(run, `--confirm-within ${JSON.stringify(v)}`);
    assert.match(run.stderr, /--confirm-within/);
    assert.equal(run.stdout, '', `${JSON.stringify(v)}: no plan shown`);
  }
  assert.deepEqual(r.after, r.start, 'nothing changed');
  assert.deepEqual(r.history, []);
  assert.equal(r.pending, false);
});

test('a reset while a confirmation is pending answers it: the watchdog then rolls back nothing', { skip }, () => {
  const r = inSandbox(`
    ${pendingApply(1)}
    out.reset = tune(['reset', '--yes']);
    out.afterReset = state();
    out.pendingAfterReset = fs.existsSync(STATE_DIR + '/pending-confirmation.json');
    out.history = history();
    await sleep(Math.max(0, Date.parse(pending.deadline) - Date.now()) + 1000);
    for (let i = 0; i < 200 && ![null, 'Z'].includes(procState(pending.watchdogPid)); i++) await sleep(25);
    out.watchdog = procState(pending.watchdogPid);
    out.final = state();
    out.historyFinal = history();
    out.confirm = tune(['confirm']);
  `);
  const id = appliedId(r.apply as Run);
  const reset = r.reset as Run;
  assert.equal(reset.status, 0, JSON.stringify(reset));
  assert.deepEqual(r.afterReset, r.start);
  assert.equal(r.pendingAfterReset, false, 'nothing pending after the reset undid the pending apply');
  const history = r.history as Entry[];
  assert.deepEqual(
    history.map((e) => [e.kind, e.state, e.trigger, e.of]),
    [
      ['apply', 'rolled back', null, null],
      ['reset', 'applied', null, id],
    ],
  );
  assert.ok(r.watchdog === null || r.watchdog === 'Z', 'the watchdog exited');
  assert.deepEqual(r.final, r.start);
  assert.deepEqual(r.historyFinal, r.history, 'the watchdog recorded nothing');
  const confirm = r.confirm as Run;
  assert.equal(confirm.status, 1);
  assert.match(oneLine(confirm, 'confirm after reset'), /nothing is waiting/);
});

test(
  'the deadline is durable before the commit: killed before the watchdog starts, the next tune command enforces it',
  { skip },
  () => {
    const r = inSandbox(`
    out.start = state();
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=5100', '--yes', '--confirm-within', '1'], { TUNE_CRASH_AT: 'commit' });
    out.applied = state();
    out.statusBefore = statusJson();
    await sleep(1300);
    out.history = tune(['history', '--json']);
    out.after = state();
    out.entries = history();
    out.again = tune(['history']);
  `);
    assert.equal((r.apply as Run).signal, 'SIGKILL');
    assert.equal((r.applied as HostState).values['net.core.somaxconn'], '5100', 'committed, then killed');
    assert.ok((r.statusBefore as { pending: unknown }).pending, 'status shows the pending confirmation');
    const h = r.history as Run;
    assert.equal(h.status, 0);
    assert.match(
      oneLine(h, 'history'),
      /the confirmation deadline of transaction \S+ passed at \S+: it was rolled back as transaction \S+/,
    );
    assert.deepEqual(r.after, r.start, 'the overdue deadline was enforced');
    const entries = r.entries as Entry[];
    assert.deepEqual(
      entries.map((e) => [e.kind, e.state, e.trigger]),
      [
        ['apply', 'rolled back', null],
        ['rollback', 'applied', 'expired-confirmation'],
      ],
    );
    assert.equal((r.again as Run).stderr, '', 'enforced once: nothing is overdue any more');
  },
);

test(
  'killed after writing its deadline but before committing: recover restores and nothing stays pending',
  { skip },
  () => {
    const r = inSandbox(`
    out.start = state();
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=5200', '--yes', '--confirm-within', '1'], { TUNE_CRASH_AT: 'before-commit' });
    out.recover = tune(['recover']);
    out.pending = fs.existsSync(STATE_DIR + '/pending-confirmation.json');
    await sleep(1200);
    out.status = tune(['status']);
    out.after = state();
  `);
    assert.equal((r.apply as Run).signal, 'SIGKILL');
    assert.equal((r.recover as Run).status, 0, JSON.stringify(r.recover));
    assert.equal(r.pending, false, 'the deadline of a transaction that never committed is cleared by recover');
    assert.equal((r.status as Run).stderr, '', 'nothing is enforced later');
    assert.deepEqual(r.after, r.start);
  },
);

test(
  'a watchdog killed in the middle of its rollback: recover ends with the change rolled back, not restored',
  { skip },
  () => {
    const r = inSandbox(`
    ${pendingApply(1)}
    process.kill(pending.watchdogPid, 'SIGKILL');
    await sleep(1200);
    out.watchdog = tune(['watchdog', pending.id], { TUNE_CRASH_AT: 'runtime:net.core.somaxconn' });
    out.mid = statusJson();
    out.recover = tune(['recover']);
    out.after = state();
    out.entries = history();
    out.pendingLeft = fs.existsSync(STATE_DIR + '/pending-confirmation.json');
  `);
    assert.equal((r.watchdog as Run).signal, 'SIGKILL', 'the watchdog died mid-rollback');
    assert.ok((r.mid as { interrupted: unknown }).interrupted, 'its rollback is interrupted');
    const rec = r.recover as Run;
    assert.equal(rec.status, 0, JSON.stringify(rec));
    assert.match(rec.stdout, /^Recovered interrupted transaction/);
    assert.match(oneLine(rec, 'recover'), /deadline of transaction \S+ passed .*rolled back as transaction/);
    assert.deepEqual(r.after, r.start, 'the unconfirmed change is gone');
    assert.equal(r.pendingLeft, false);
    const entries = r.entries as Entry[];
    assert.deepEqual(
      entries.map((e) => [e.kind, e.state]),
      [
        ['apply', 'rolled back'],
        ['rollback', 'recovered'],
        ['rollback', 'applied'],
      ],
    );
  },
);
