// The catalog's facts are complete and consistent: every key explains itself and its default fits its own range.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keySpec, knownKeys } from '../../../src/core/sysctl/key-catalog.js';
import { parseSysctlKey } from '../../../src/core/sysctl/sysctl-key.js';
import { validateValue } from '../../../src/core/sysctl/value-validation.js';

const READ_ONLY = /(_count|file-nr|available_congestion_control|ehash_entries)$/;

test('every catalogued key is a valid key, listed once, with an explanation and the document it comes from', () => {
  const keys = knownKeys();
  assert.equal(new Set(keys).size, keys.length);
  assert.ok(keys.length >= 150, `${keys.length} keys`);
  for (const k of keys) {
    const s = keySpec(k);
    assert.ok(s, k);
    assert.equal(parseSysctlKey(k), k);
    assert.ok(s.about.length >= 20 && s.about.length <= 320, `${k}: about`);
    assert.match(s.doc, /^(Documentation\/|net\/|fs\/)/, `${k}: doc`);
    if (!READ_ONLY.test(k)) assert.ok(s.default !== undefined || s.computed, `${k}: default or how it is computed`);
  }
});

test("every fixed default passes the key's own validation, and ranges are ordered", () => {
  for (const k of knownKeys()) {
    const s = keySpec(k);
    if (!s) continue;
    if (s.shape.kind === 'int' || s.shape.kind === 'ints')
      assert.ok((s.shape.min ?? -Infinity) <= (s.shape.max ?? Infinity), `${k}: range`);
    if (s.default !== undefined && s.default !== '' && s.shape.kind !== 'string')
      assert.doesNotThrow(() => validateValue(k, s.default ?? '', { file: 'catalog' }), `${k}: default ${s.default}`);
  }
});

test('version gates are major.minor and a removal comes after the introduction', () => {
  for (const k of knownKeys()) {
    const s = keySpec(k);
    for (const v of [s?.since, s?.removedIn]) if (v !== undefined) assert.match(v, /^\d+\.\d+(\.\d+)?$/, k);
  }
  assert.equal(keySpec('kernel.sched_min_granularity_ns')?.removedIn, '5.13');
  assert.equal(keySpec('net.ipv4.tcp_tw_recycle')?.removedIn, '4.12');
});

test('scopes: host-wide keys, per-network-namespace keys and System V IPC limits per IPC namespace', () => {
  assert.equal(keySpec('net.ipv4.neigh.default.gc_thresh3')?.scope, 'global');
  assert.equal(keySpec('net.ipv4.udp_mem')?.scope, 'global');
  assert.equal(keySpec('net.ipv4.tcp_notsent_lowat')?.scope, 'netns');
  assert.equal(keySpec('kernel.sem')?.scope, 'ipcns');
  assert.equal(keySpec('vm.swappiness')?.scope, 'global');
  assert.equal(keySpec('net.bridge.bridge-nf-call-iptables')?.module, 'br_netfilter');
});
