// `tune rollback ID` and `tune reset` against the real kernel in a private network namespace: ID and every later
// committed transaction are undone as one new transaction, newest first; tune's own later transactions are not
// drift, another writer's changes are.
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
  type HistoryRow,
} from '../helpers/netns-driver.js';

type Entry = HistoryRow;

const OWNED = '/etc/sysctl.d/99-tune.conf';
const EXTRA = '/etc/sysctl.d/98-extra.conf';

/** T1, T2 (into a second owned file) and T3 (a profile), each checked to succeed; `ids` holds their ids. */
const THREE_TRANSACTIONS = `
  out.start = state();
  out.t1 = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes']);
  out.t2 = tune(['apply', '--set', 'net.core.somaxconn=6000', '--set', 'net.ipv4.tcp_fin_timeout=30', '--file', '/etc/sysctl.d/98-extra.conf', '--yes']);
  out.t3 = tune(['apply', '-p', 'short-connection-api', '--yes']);
  for (const t of ['t1', 't2', 't3']) if (out[t].status !== 0) throw new Error(t + ' failed: ' + JSON.stringify(out[t]));
  out.afterT3 = state();
  const ids = history().map((e) => e.id);
  out.ids = ids;
`;

/** What the three transactions must have done (so that going back is a real change, not a no-op). */
function checkThree(r: Record<string, unknown>): { start: HostState; afterT3: HostState; ids: string[] } {
  const start = r.start as HostState;
  const afterT3 = r.afterT3 as HostState;
  const ids = r.ids as string[];
  assert.equal(ids.length, 3);
  for (const id of ids) assert.match(id, ID_RE);
  assert.deepEqual([...ids].sort(), ids, 'history is in id order');
  assert.equal(start.files[OWNED], null, 'the sandbox starts without an owned file');
  assert.equal(start.files[EXTRA], null);
  assert.notEqual(afterT3.files[OWNED], null);
  assert.notEqual(afterT3.files[EXTRA], null);
  assert.equal(afterT3.values['net.core.somaxconn'], '8192');
  assert.equal(afterT3.values['net.ipv4.tcp_fin_timeout'], '30');
  assert.equal(afterT3.values['net.ipv4.tcp_tw_reuse'], '1');
  assert.equal(afterT3.values['net.ipv4.ip_local_port_range'], '16384 65535');
  assert.equal(afterT3.values['net.ipv4.tcp_max_tw_buckets'], '262144');
  assert.notEqual(start.values['net.ipv4.tcp_fin_timeout'], '30', 'fin_timeout changes');
  return { start, afterT3, ids };
}

test(
  'rollback ID undoes ID and every later transaction as one; its preview lists them; it can itself be undone',
  { skip },
  () => {
    const r = inSandbox(`
    ${THREE_TRANSACTIONS}
    out.rollback = tune(['rollback', ids[0], '--yes']);
    out.afterRollback = state();
    out.history = history();
    out.status = statusJson();
    const rb = out.history.at(-1).id;
    out.undo = tune(['rollback', rb, '--yes']);
    out.afterUndo = state();
    out.historyAfterUndo = history();
  `);
    const { start, afterT3, ids } = checkThree(r);
    const [t1, t2, t3] = ids as [string, string, string];
    const rollback = r.rollback as Run;
    assert.equal(rollback.status, 0, JSON.stringify(rollback));
    assert.deepEqual(r.afterRollback, start, 'every runtime value and both files (absent) exactly as at the start');

    // The preview names every transaction undone, one per line, newest first.
    assert.deepEqual(listed(rollback.stdout), [t3, t2, t1], rollback.stdout);
    assert.match(rollback.stdout, new RegExp(`before ${t1} undoes 3 transaction\\(s\\), newest first`));

    // The history: T1..T3 rolled back by one new transaction, which names them all.
    const history = r.history as Entry[];
    assert.equal(history.length, 4);
    const rb = history[3]!;
    assert.match(rb.id, ID_RE);
    assert.ok(rb.id > t3, 'the rollback sorts after what it undoes');
    assert.match(rollback.stdout, new RegExp(`as transaction ${rb.id}`));
    assert.deepEqual(
      history.slice(0, 3).map((e) => [e.id, e.state, e.undoneBy]),
      [
        [t1, 'rolled back', rb.id],
        [t2, 'rolled back', rb.id],
        [t3, 'rolled back', rb.id],
      ],
    );
    assert.deepEqual(
      { kind: rb.kind, state: rb.state, committed: rb.committed, of: rb.of, undoes: rb.undoes, undoneBy: rb.undoneBy },
      { kind: 'rollback', state: 'applied', committed: true, of: t1, undoes: [t3, t2, t1], undoneBy: null },
    );
    assert.deepEqual([...rb.files].sort(), [EXTRA, OWNED].sort(), 'the rollback wrote (removed) both owned files');
    assert.equal((r.status as { last: { id: string } }).last.id, rb.id);
    assert.deepEqual((r.status as { drift: string[] }).drift, [], 'no drift after the chain rollback');

    // Rolling back the rollback gives back exactly the state after T3.
    const undo = r.undo as Run;
    assert.equal(undo.status, 0, JSON.stringify(undo));
    assert.deepEqual(r.afterUndo, afterT3, 'the state after T3, byte for byte');
    const after = r.historyAfterUndo as Entry[];
    assert.equal(after.length, 5);
    assert.deepEqual(
      [after[3]!.state, after[3]!.undoneBy, after[4]!.kind, after[4]!.of, after[4]!.undoes],
      ['rolled back', after[4]!.id, 'rollback', rb.id, [rb.id]],
    );
  },
);

test(
  'reset goes back to before the first transaction; again it has nothing to do; with no history nothing to reset',
  {
    skip,
  },
  () => {
    const r = inSandbox(`
    out.noHistory = tune(['reset']);
    out.noHistoryYes = tune(['reset', '--yes']);
    out.historyBefore = history();
    ${THREE_TRANSACTIONS}
    out.reset = tune(['reset', '--yes']);
    out.afterReset = state();
    out.history = history();
    out.again = tune(['reset', '--yes']);
    out.afterAgain = state();
    out.historyAgain = history();
  `);
    const { start, ids } = checkThree(r);
    for (const k of ['noHistory', 'noHistoryYes']) {
      const run = r[k] as Run;
      assert.equal(run.status, 0, `${k}: ${JSON.stringify(run)}`);
      assert.match(run.stdout, /^Nothing to reset/, k);
      assert.equal(run.stderr, '', k);
    }
    assert.deepEqual(r.historyBefore, [], 'a reset with no history records nothing');
    const reset = r.reset as Run;
    assert.equal(reset.status, 0, JSON.stringify(reset));
    assert.deepEqual(r.afterReset, start, 'exactly the start state');
    assert.deepEqual(listed(reset.stdout), [...ids].reverse(), reset.stdout);
    const history = r.history as Entry[];
    assert.equal(history.length, 4);
    assert.deepEqual(
      [history[3]!.kind, history[3]!.of, history[3]!.undoes],
      ['reset', ids[0], [...ids].reverse()],
      'the reset is one transaction undoing all three',
    );
    const again = r.again as Run;
    assert.equal(again.status, 0, JSON.stringify(again));
    assert.match(again.stdout, /Nothing to do/);
    assert.deepEqual(r.afterAgain, start);
    assert.deepEqual(r.historyAgain, r.history, 'nothing to do records no transaction');
  },
);

test(
  "another writer's change is drift: rollback refuses naming it (exit 1, nothing changed); --force restores",
  {
    skip,
  },
  () => {
    const r = inSandbox(`
    ${THREE_TRANSACTIONS}
    setValue('net.core.somaxconn', 1234);
    out.drifted = state();
    out.refused = tune(['rollback', ids[0], '--yes']);
    out.afterRefused = state();
    out.historyAfterRefused = history().length;
    out.forced = tune(['rollback', ids[0], '--yes', '--force']);
    out.afterForced = state();
  `);
    const { start, afterT3 } = checkThree(r);
    assert.deepEqual(r.drifted, {
      ...afterT3,
      values: { ...afterT3.values, 'net.core.somaxconn': '1234' },
    });
    const refused = r.refused as Run;
    assert.equal(refused.status, 1, JSON.stringify(refused));
    const line = oneLine(refused, 'drift');
    assert.match(line, /net\.core\.somaxconn is 1234\b/);
    assert.match(line, /--force/);
    assert.doesNotMatch(
      line,
      /tcp_fin_timeout|tcp_tw_reuse|ip_local_port_range|tcp_max_tw_buckets|98-extra|99-tune/,
      "tune's own later transactions are not drift",
    );
    assert.deepEqual(r.afterRefused, r.drifted, 'nothing changed');
    assert.equal(r.historyAfterRefused, 3, 'no transaction recorded');
    const forced = r.forced as Run;
    assert.equal(forced.status, 0, JSON.stringify(forced));
    assert.deepEqual(r.afterForced, start, 'exactly the start state');
  },
);

test('rollback of an id not on record: one line on stderr, no stack, nothing changed', { skip }, () => {
  const r = inSandbox(`
    out.emptyNope = tune(['rollback', 'nope', '--yes']);
    out.t1 = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes']);
    out.before = state();
    out.historyBefore = history();
    out.nope = tune(['rollback', 'nope', '--yes']);
    out.future = tune(['rollback', '20990101T000000Z-000009', '--yes']);
    out.future2 = tune(['rollback', '20990101T000000Z-000009', '--yes', '--force']);
    out.after = state();
    out.historyAfter = history();
  `);
  assert.equal((r.t1 as Run).status, 0);
  for (const [k, id] of [
    ['emptyNope', 'nope'],
    ['nope', 'nope'],
    ['future', '20990101T000000Z-000009'],
    ['future2', '20990101T000000Z-000009'],
  ] as const) {
    const run = r[k] as Run;
    assert.notEqual(run.status, 0, `${k}: ${JSON.stringify(run)}`);
    assert.notEqual(run.status, null, `${k}: exits, is not killed`);
    assert.ok(oneLine(run, k).includes(id), `${k}: the line names ${id}: ${run.stderr}`);
  }
  assert.deepEqual(r.after, r.before, 'nothing changed');
  assert.deepEqual(r.historyAfter, r.historyBefore, 'no transaction recorded');
});

test(
  'drift in an owned file and in a key only an earlier transaction set: both named; --force restores',
  {
    skip,
  },
  () => {
    const r = inSandbox(`
    ${THREE_TRANSACTIONS}
    fs.appendFileSync('/etc/sysctl.d/98-extra.conf', '# edited by hand\\n');
    setValue('net.ipv4.tcp_fin_timeout', 45);
    out.drifted = state();
    out.refused = tune(['rollback', ids[0], '--yes']);
    out.afterRefused = state();
    out.forced = tune(['rollback', ids[0], '--yes', '--force']);
    out.afterForced = state();
  `);
    const { start } = checkThree(r);
    const refused = r.refused as Run;
    assert.equal(refused.status, 1, JSON.stringify(refused));
    const line = oneLine(refused, 'drift');
    assert.match(line, /net\.ipv4\.tcp_fin_timeout is 45, tune left 30/, 'a key T2 set and T3 did not touch');
    assert.ok(line.includes(EXTRA), `names the hand-edited file: ${line}`);
    assert.doesNotMatch(line, /somaxconn|99-tune/, 'what tune left is not drift');
    assert.deepEqual(r.afterRefused, r.drifted, 'nothing changed');
    assert.equal((r.forced as Run).status, 0, JSON.stringify(r.forced));
    assert.deepEqual(r.afterForced, start, 'exactly the start state, the hand-edited file removed as before T2');
  },
);

test('rollback of an aborted transaction: one line, exit 1, nothing changed', { skip }, () => {
  const r = inSandbox(`
    out.t1 = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes']);
    out.aborted = tune(['apply', '--set', 'net.core.somaxconn=6000', '--set', 'net.ipv4.tcp_congestion_control=nosuchalgo', '--yes']);
    out.before = state();
    out.historyBefore = history();
    out.rollback = tune(['rollback', out.historyBefore.at(-1).id, '--yes', '--force']);
    out.after = state();
    out.historyAfter = history();
  `);
  assert.equal((r.t1 as Run).status, 0);
  assert.equal((r.aborted as Run).status, 1);
  const history = r.historyBefore as Entry[];
  assert.deepEqual(
    history.map((e) => e.state),
    ['applied', 'aborted'],
  );
  const rollback = r.rollback as Run;
  assert.equal(rollback.status, 1, JSON.stringify(rollback));
  assert.match(oneLine(rollback, 'aborted id'), new RegExp(`transaction ${history[1]!.id} was aborted`));
  assert.deepEqual(r.after, r.before);
  assert.deepEqual(r.historyAfter, r.historyBefore);
});
