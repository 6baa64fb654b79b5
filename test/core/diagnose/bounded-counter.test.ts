import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedCounter } from '../../../src/core/diagnose/bounded-counter.js';

test('numeric keys up to 2^53 count exactly through table growth, against a Map', () => {
  const c = new BoundedCounter<number>(100_000);
  const reference = new Map<number, number>();
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 60_000; i++) {
    // IPv4 tuple keys as the census packs them: local index * 2^48 + remote * 2^16 + port, plus small ports.
    const key =
      i % 3 === 0 ? next() % 65536 : (next() % 31) * 2 ** 48 + (next() % 5000) * 65536 + (i % 7 === 0 ? 443 : 80);
    c.add(key);
    reference.set(key, (reference.get(key) ?? 0) + 1);
  }
  assert.equal(c.size, reference.size);
  for (const [k, v] of reference) assert.equal(c.get(k), v, `key ${k}`);
  assert.equal(c.get(2 ** 52 + 1), 0);
  assert.equal(c.total(), 60_000);
  const top = [...reference].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  assert.deepEqual(c.top(10), top.slice(0, 10));
  assert.deepEqual(c.top(1), top.slice(0, 1));
  assert.deepEqual(c.top(reference.size + 5), top, 'asking for more than there are gives all, in order');
  assert.deepEqual(c.top(0), []);
});

test('the cap counts numeric and string keys together; later new keys are untracked, known keys still count', () => {
  const c = new BoundedCounter<number | string>(3);
  for (const k of [2 ** 40, '6|abc', 5, 2 ** 40, 'x', 6, 5, '6|abc', 2 ** 40]) c.add(k);
  assert.deepEqual(c.top(5), [
    [2 ** 40, 3],
    [5, 2],
    ['6|abc', 2],
  ]);
  assert.deepEqual(c.top(2), [
    [2 ** 40, 3],
    [5, 2],
  ]);
  assert.deepEqual([c.size, c.untracked, c.untrackedKeys, c.total()], [3, 2, 2, 9]);
  c.add(5, 10);
  assert.equal(c.get(5), 12);
});

test('keys that are not non-negative safe integers are refused, not silently merged', () => {
  const c = new BoundedCounter<number>(10);
  assert.throws(() => c.add(-1), /not a safe integer/);
  assert.throws(() => c.add(1.5), /not a safe integer/);
  assert.throws(() => c.add(2 ** 53), /not a safe integer/);
});
