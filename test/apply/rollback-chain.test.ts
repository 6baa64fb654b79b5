// rollbackChain with plain data: the state before the target (earliest `before` per key and file), the state tune's
// own transactions left (latest `after`), uncommitted transactions skipped, bad targets refused in one line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEntry, TransactionState } from '../../src/apply/history.js';
import type { ExpectedState } from '../../src/apply/host-state.js';
import { firstCommitted, rollbackChain } from '../../src/apply/rollback-chain.js';
import { fileState, type Backup, type HostState, type TransactionKind } from '../../src/apply/transaction.js';
import { UserError } from '../../src/core/errors.js';

const OWNED = '/etc/sysctl.d/99-tune.conf';
const EXTRA = '/etc/sysctl.d/98-extra.conf';

function entry(id: string, state: TransactionState, kind: TransactionKind = 'apply'): HistoryEntry {
  return {
    id,
    kind,
    createdAt: '2026-06-01T00:00:00.000Z',
    user: 'root',
    message: '',
    profiles: [],
    of: null,
    undoes: [],
    trigger: null,
    undoneBy: null,
    keys: [],
    files: [],
    committed: state === 'applied' || state === 'rolled back' || state === 'pending confirmation',
    state,
    error: null,
  };
}

type Side = { runtime?: Record<string, string | null>; files?: Record<string, string | null> };

const hostState = (s: Side): HostState => ({
  runtime: Object.entries(s.runtime ?? {}).map(([key, value]) => ({ key, value })),
  files: Object.entries(s.files ?? {}).map(([p, text]) => fileState(p, text === null ? null : Buffer.from(text))),
});

function backup(id: string, before: Side, after: Side): Backup {
  return {
    schemaVersion: 2,
    id,
    kind: 'apply',
    createdAt: '2026-06-01T00:00:00.000Z',
    user: 'root',
    message: '',
    profiles: [],
    root: '/',
    before: hostState(before),
    after: hostState(after),
  };
}

/** A lookup that fails loudly for a backup the chain must not read. */
const lookup =
  (backups: Backup[]) =>
  (id: string): Backup => {
    const b = backups.find((x) => x.id === id);
    if (!b) throw new Error(`backup of ${id} read, but it is not part of the chain`);
    return b;
  };

/** ExpectedState as plain, order-independent data (bytes as text). */
const plain = (s: ExpectedState) => ({
  runtime: Object.fromEntries(s.runtime.map((r) => [r.key, r.value])),
  files: Object.fromEntries(s.files.map((f) => [f.path, f.bytes === null ? null : f.bytes.toString()])),
});

const T1 = '20260601T000000Z-000001';
const T2 = '20260601T000001Z-000002';
const T3 = '20260601T000002Z-000003';
const T4 = '20260601T000003Z-000004';
const T5 = '20260601T000004Z-000005';

// T1: somaxconn 4096 -> 5000, creates the owned file. T2: somaxconn 5000 -> 6000, fin_timeout 60 -> 30, creates
// EXTRA. T3: somaxconn 6000 -> 8192, tw_reuse 2 -> 1, rewrites the owned file.
const BACKUPS = [
  backup(
    T1,
    { runtime: { 'net.core.somaxconn': '4096' }, files: { [OWNED]: null } },
    { runtime: { 'net.core.somaxconn': '5000' }, files: { [OWNED]: 'v1\n' } },
  ),
  backup(
    T2,
    { runtime: { 'net.core.somaxconn': '5000', 'net.ipv4.tcp_fin_timeout': '60' }, files: { [EXTRA]: null } },
    { runtime: { 'net.core.somaxconn': '6000', 'net.ipv4.tcp_fin_timeout': '30' }, files: { [EXTRA]: 'x\n' } },
  ),
  backup(
    T3,
    { runtime: { 'net.core.somaxconn': '6000', 'net.ipv4.tcp_tw_reuse': '2' }, files: { [OWNED]: 'v1\n' } },
    { runtime: { 'net.core.somaxconn': '8192', 'net.ipv4.tcp_tw_reuse': '1' }, files: { [OWNED]: 'v3\n' } },
  ),
];

test('restore is the earliest before per key and file; left is the latest after; undoes newest first', () => {
  const entries = [entry(T1, 'applied'), entry(T2, 'applied'), entry(T3, 'applied')];
  const c = rollbackChain(entries, lookup(BACKUPS), T1);
  assert.equal(c.target, T1);
  assert.deepEqual(
    c.undoes.map((e) => e.id),
    [T3, T2, T1],
  );
  assert.equal(c.tip, T3);
  assert.deepEqual(plain(c.restore), {
    runtime: { 'net.core.somaxconn': '4096', 'net.ipv4.tcp_fin_timeout': '60', 'net.ipv4.tcp_tw_reuse': '2' },
    files: { [OWNED]: null, [EXTRA]: null },
  });
  assert.deepEqual(plain(c.left), {
    runtime: { 'net.core.somaxconn': '8192', 'net.ipv4.tcp_fin_timeout': '30', 'net.ipv4.tcp_tw_reuse': '1' },
    files: { [OWNED]: 'v3\n', [EXTRA]: 'x\n' },
  });
});

test('a target in the middle restores from there on only and never reads earlier backups', () => {
  const entries = [entry(T1, 'applied'), entry(T2, 'applied'), entry(T3, 'applied')];
  const c = rollbackChain(entries, lookup(BACKUPS.slice(1)), T2);
  assert.deepEqual(
    c.undoes.map((e) => e.id),
    [T3, T2],
  );
  assert.deepEqual(plain(c.restore), {
    runtime: { 'net.core.somaxconn': '5000', 'net.ipv4.tcp_fin_timeout': '60', 'net.ipv4.tcp_tw_reuse': '2' },
    files: { [EXTRA]: null, [OWNED]: 'v1\n' },
  });
});

test('the last transaction alone: restore is its before, left its after, tip itself', () => {
  const entries = [entry(T1, 'applied'), entry(T2, 'applied'), entry(T3, 'applied')];
  const c = rollbackChain(entries, lookup([BACKUPS[2]!]), T3);
  assert.equal(c.tip, T3);
  assert.deepEqual(
    c.undoes.map((e) => e.id),
    [T3],
  );
  assert.deepEqual(plain(c.restore), {
    runtime: { 'net.core.somaxconn': '6000', 'net.ipv4.tcp_tw_reuse': '2' },
    files: { [OWNED]: 'v1\n' },
  });
});

test('aborted, recovered and interrupted transactions in the chain are skipped (their backups never read)', () => {
  const entries = [
    entry(T1, 'applied'),
    entry(T2, 'aborted'),
    entry(T3, 'applied'),
    entry(T4, 'recovered'),
    entry(T5, 'interrupted'),
  ];
  const c = rollbackChain(entries, lookup([BACKUPS[0]!, BACKUPS[2]!]), T1);
  assert.deepEqual(
    c.undoes.map((e) => e.id),
    [T3, T1],
  );
  assert.equal(c.tip, T3, 'the newest committed, not the newest on record');
  assert.deepEqual(plain(c.restore), {
    runtime: { 'net.core.somaxconn': '4096', 'net.ipv4.tcp_tw_reuse': '2' },
    files: { [OWNED]: null },
  });
  assert.deepEqual(plain(c.left), {
    runtime: { 'net.core.somaxconn': '8192', 'net.ipv4.tcp_tw_reuse': '1' },
    files: { [OWNED]: 'v3\n' },
  });
});

test('committed transactions already rolled back, and rollbacks, stay in the chain', () => {
  // T1 applies, T2 applies, T3 rolls T2 back (rolled back is still committed: its changes reached the host).
  const rb = backup(
    T3,
    { runtime: { 'net.core.somaxconn': '6000', 'net.ipv4.tcp_fin_timeout': '30' }, files: { [EXTRA]: 'x\n' } },
    { runtime: { 'net.core.somaxconn': '5000', 'net.ipv4.tcp_fin_timeout': '60' }, files: { [EXTRA]: null } },
  );
  const entries = [entry(T1, 'applied'), entry(T2, 'rolled back'), { ...entry(T3, 'applied', 'rollback'), of: T2 }];
  const c = rollbackChain(entries, lookup([BACKUPS[0]!, BACKUPS[1]!, rb]), T1);
  assert.deepEqual(
    c.undoes.map((e) => e.id),
    [T3, T2, T1],
  );
  assert.deepEqual(plain(c.restore), {
    runtime: { 'net.core.somaxconn': '4096', 'net.ipv4.tcp_fin_timeout': '60' },
    files: { [OWNED]: null, [EXTRA]: null },
  });
  assert.deepEqual(plain(c.left), {
    runtime: { 'net.core.somaxconn': '5000', 'net.ipv4.tcp_fin_timeout': '60' },
    files: { [OWNED]: 'v1\n', [EXTRA]: null },
  });
});

test('a key that did not exist (null) and an absent file are restored as absent', () => {
  const b = backup(
    T1,
    { runtime: { 'net.ipv4.tcp_tw_recycle': null }, files: { [OWNED]: null } },
    { runtime: {}, files: { [OWNED]: '' } },
  );
  const c = rollbackChain([entry(T1, 'applied')], lookup([b]), T1);
  assert.deepEqual(plain(c.restore), { runtime: { 'net.ipv4.tcp_tw_recycle': null }, files: { [OWNED]: null } });
  assert.deepEqual(plain(c.left), { runtime: {}, files: { [OWNED]: '' } }, 'an empty file is not an absent one');
});

function assertUserError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `a UserError, got ${String(e)}`);
    assert.equal(e.exitCode, 1);
    assert.match(e.message, message);
    assert.doesNotMatch(e.format(), /\n/, 'one line');
    return true;
  });
}

test('an unknown id, an aborted, recovered or interrupted target are one-line errors (exit 1)', () => {
  const entries = [entry(T1, 'applied'), entry(T2, 'aborted'), entry(T3, 'recovered'), entry(T4, 'interrupted')];
  const never = lookup([]);
  assertUserError(() => rollbackChain(entries, never, 'nope'), /no transaction nope on record/);
  assertUserError(() => rollbackChain(entries, never, T5), new RegExp(`no transaction ${T5} on record`));
  assertUserError(() => rollbackChain([], never, T1), /no transaction .* on record/);
  assertUserError(() => rollbackChain(entries, never, T2), new RegExp(`transaction ${T2} was aborted`));
  assertUserError(() => rollbackChain(entries, never, T3), new RegExp(`transaction ${T3} is recovered`));
  assertUserError(() => rollbackChain(entries, never, T4), new RegExp(`transaction ${T4} is interrupted`));
});

test('a backup whose bytes do not match their checksum is a one-line error, not a wrong restore', () => {
  const b = backup(T1, { files: { [OWNED]: 'original\n' } }, { files: { [OWNED]: 'new\n' } });
  const f = b.before.files[0]!;
  f.bytes = Buffer.from('tampered\n').toString('base64');
  assertUserError(() => rollbackChain([entry(T1, 'applied')], lookup([b]), T1), /corrupt/);
});

test('firstCommitted is the first committed transaction on record, or null', () => {
  assert.equal(firstCommitted([]), null);
  assert.equal(firstCommitted([entry(T1, 'aborted'), entry(T2, 'recovered')]), null);
  assert.equal(firstCommitted([entry(T1, 'aborted'), entry(T2, 'rolled back'), entry(T3, 'applied')]), T2);
});
