import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PortCounter } from '../../../src/core/diagnose/port-counter.js';

test('counts every port exactly and ranks them as the census reports them, against a Map', () => {
  const c = new PortCounter();
  const reference = new Map<number, number>();
  let seed = 11;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 200_000; i++) {
    // Every port reachable (0 and 65535 included); a few busy ones, so ties and leaders both occur.
    const port = i % 5 === 0 ? [80, 443, 8080, 65535, 0][i % 25 === 0 ? 0 : next() % 5]! : next() % 65536;
    c.add(port);
    reference.set(port, (reference.get(port) ?? 0) + 1);
  }
  c.add(9999, 3);
  reference.set(9999, (reference.get(9999) ?? 0) + 3);
  assert.equal(c.size, reference.size);
  for (const [p, v] of reference) assert.equal(c.get(p), v, `port ${p}`);
  assert.equal(c.total(), 200_003);
  const ranked = [...reference].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  assert.deepEqual(c.top(10), ranked.slice(0, 10));
  assert.deepEqual(c.top(1), ranked.slice(0, 1));
  assert.deepEqual(c.top(reference.size + 5), ranked, 'asking for more than there are gives all, in order');
  assert.deepEqual(c.top(0), []);
});

test('equal counts rank by port, lowest first; an empty counter has no top and a port outside 0-65535 is a bug', () => {
  const c = new PortCounter();
  assert.deepEqual(c.top(3), []);
  assert.equal(c.get(22), 0);
  for (const p of [9000, 22, 443, 9000, 22, 443]) c.add(p);
  assert.deepEqual(c.top(2), [
    [22, 2],
    [443, 2],
  ]);
  assert.throws(() => c.add(65536), RangeError);
  assert.throws(() => c.add(-1), RangeError);
  assert.throws(() => c.add(1.5), RangeError);
});
