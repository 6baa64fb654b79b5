// nextTransactionId against a temporary state directory: the sequence goes one above the highest on record, the
// time never runs behind the newest id, and plain string order is the order of allocation.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { listTransactions, nextTransactionId } from '../../../src/system/state/state-dir.js';

function withStateDir(existing: string[], fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-ids-'));
  try {
    fs.mkdirSync(path.join(dir, 'transactions'));
    for (const id of existing) fs.mkdirSync(path.join(dir, 'transactions', id));
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Allocates an id the way a transaction does: take it, then create its folder. */
function allocate(dir: string, now: Date): string {
  const id = nextTransactionId(dir, now);
  fs.mkdirSync(path.join(dir, 'transactions', id));
  return id;
}

test('the first id: the time in UTC to the second, sequence 000001', () => {
  withStateDir([], (dir) => {
    assert.equal(nextTransactionId(dir, new Date('2026-06-01T12:34:56.789Z')), '20260601T123456Z-000001');
  });
  const missing = path.join(os.tmpdir(), `tune-ids-missing-${process.pid}`);
  assert.equal(nextTransactionId(missing, new Date('2026-06-01T00:00:00Z')), '20260601T000000Z-000001');
});

test('the sequence is one above the highest on record, whatever the folders order and padding', () => {
  withStateDir(['20260101T000000Z-000007', '20250101T000000Z-000012', '20260301T000000Z-3'], (dir) => {
    assert.equal(nextTransactionId(dir, new Date('2026-06-01T00:00:00Z')), '20260601T000000Z-000013');
  });
});

test('a clock behind the newest id is clamped to its time', () => {
  withStateDir(['20300101T000000Z-000003', '20260101T000000Z-000004'], (dir) => {
    assert.equal(nextTransactionId(dir, new Date('2026-06-01T00:00:00Z')), '20300101T000000Z-000005');
  });
  withStateDir(['20260601T000000Z-000001'], (dir) => {
    assert.equal(
      nextTransactionId(dir, new Date('2026-06-01T00:00:00.999Z')),
      '20260601T000000Z-000002',
      'the same second',
    );
  });
});

test('folders that are not transaction ids are ignored', () => {
  withStateDir(
    ['20260101T000000Z-000002', 'tmp', '20991231T235959Z', 'x-000099', '.20991231T235959Z-000050'],
    (dir) => {
      assert.equal(nextTransactionId(dir, new Date('2026-06-01T00:00:00Z')), '20260601T000000Z-000003');
    },
  );
});

test('string order is allocation order, with the clock going back and forth', () => {
  withStateDir(['20260601T000010Z-000041'], (dir) => {
    const clock = [
      '2026-06-01T00:00:05Z', // behind the newest id on record
      '2026-06-01T00:00:10Z',
      '2026-06-01T00:00:11Z',
      '2026-06-01T00:00:11.500Z', // same second
      '2026-05-01T00:00:00Z', // a month back (NTP step)
      '2026-06-01T00:00:12Z',
      '2027-01-01T00:00:00Z',
      '2026-06-01T00:00:00Z',
    ];
    const ids = clock.map((t) => allocate(dir, new Date(t)));
    assert.deepEqual([...ids].sort(), ids, `sorted: ${ids.join(' ')}`);
    assert.deepEqual(listTransactions(dir), ['20260601T000010Z-000041', ...ids], 'history order');
    assert.deepEqual(
      ids.map((id) => id.slice(-6)),
      ['000042', '000043', '000044', '000045', '000046', '000047', '000048', '000049'],
    );
    assert.equal(ids[4], '20260601T000011Z-000046', 'clamped to the newest time');
    assert.equal(ids[7], '20270101T000000Z-000049');
  });
});

test('the listing stays in allocation order past sequence 999999 in the same second', () => {
  withStateDir(['20260601T000000Z-999999'], (dir) => {
    const next = allocate(dir, new Date('2026-06-01T00:00:00Z'));
    assert.deepEqual(listTransactions(dir), ['20260601T000000Z-999999', next]);
  });
});
