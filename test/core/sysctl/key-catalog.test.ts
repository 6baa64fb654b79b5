// The catalog's facts are complete and consistent: every key explains itself and its default fits its own range.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainKey } from '../../../src/core/explain/key-explanation.js';
import { renderExplanation } from '../../../src/core/explain/render-explanation.js';
import { allRules } from '../../../src/core/rules/index.js';
import { keySpec, knownKeys } from '../../../src/core/sysctl/key-catalog.js';
import { parseSysctlKey } from '../../../src/core/sysctl/sysctl-key.js';
import { validateValue } from '../../../src/core/sysctl/value-validation.js';
import { plainStyle } from '../../../src/core/text/text-style.js';
import { snapshotOf } from '../../helpers/snapshot-data.js';

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

test('tune explain answers for every catalogued key, and lists the rules whose findings name it', () => {
  const snap = snapshotOf();
  for (const k of knownKeys()) {
    const e = explainKey(k, snap, allRules, 'test');
    assert.equal(e.known, true, k);
    assert.ok(e.type && e.about && e.doc, k);
    assert.ok(renderExplanation(e, plainStyle).includes(e.about ?? ''), k);
  }
  const syn = explainKey('net.ipv4.tcp_syncookies', snap, allRules, 'test').rules;
  assert.deepEqual(
    syn.map((r) => `${r.id}:${r.relation}`),
    ['SYN_BACKLOG_WITH_SYNCOOKIES:reads', 'SYNCOOKIES_DISABLED:about'],
  );
});

test('machine defaults: ehash-derived keys exactly, memory-derived ones estimated from MemTotal', () => {
  const snap = snapshotOf({ sysctl: { 'net.ipv4.tcp_ehash_entries': '262144' }, env: { memTotalKiB: 24683548 } });
  assert.deepEqual(explainKey('net.ipv4.tcp_max_syn_backlog', snap, [], 't').defaultHere, {
    value: '2048',
    from: 'net.ipv4.tcp_ehash_entries',
  });
  // This 6.18 host: tcp_mem 287892 383858 575784, fs.file-max 2466112: the estimates land within 1 %.
  const [low, , high] = (explainKey('net.ipv4.tcp_mem', snap, [], 't').defaultHere?.value ?? '').split(' ').map(Number);
  assert.ok(Math.abs((low ?? 0) / 287892 - 1) < 0.01 && Math.abs((high ?? 0) / 575784 - 1) < 0.01);
  const fileMax = Number(explainKey('fs.file-max', snap, [], 't').defaultHere?.value);
  assert.ok(Math.abs(fileMax / 2466112 - 1) < 0.01, String(fileMax));
});
