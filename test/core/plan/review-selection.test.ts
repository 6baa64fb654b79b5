// Interactive deselection, as data: for every selection of a plan's changes, the re-planned file keeps each
// deselected key's current line (or none), keeps every unchanged key, and its diff turns the old file into it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch } from 'diff';
import { DEFAULT_OWNED_FILE } from '../../../src/core/plan/owned-file.js';
import { planTuning, type Plan } from '../../../src/core/plan/planner.js';
import { resolveRequest } from '../../../src/core/plan/profile-resolver.js';
import { allRules } from '../../../src/core/rules/index.js';
import { NOW } from '../../helpers/plan-data.js';
import { snapshotOf } from '../../helpers/snapshot-data.js';

const SETS = [
  'net.core.somaxconn=8192',
  'net.ipv4.tcp_fin_timeout=30',
  'net.ipv4.tcp_tw_reuse=1',
  'net.ipv4.tcp_timestamps=1',
  'net.ipv4.tcp_syncookies=1',
];

/** An owned file an earlier apply wrote: somaxconn and fin_timeout at other values, syncookies as asked. */
const EARLIER = [
  '# Managed by tune (tune apply): changes made here are overwritten. Undo with `tune rollback`.',
  '# Profiles: (none); overrides: earlier',
  '',
  '# an earlier reason [earlier-profile]',
  'net.core.somaxconn = 5000',
  '',
  '# kept from before [earlier]',
  'net.ipv4.tcp_fin_timeout = 45',
  '',
  '# set on the command line (--set) [--set]',
  'net.ipv4.tcp_syncookies = 1',
  '',
].join('\n');

const snapshot = snapshotOf({
  sysctl: {
    'net.core.somaxconn': '5000',
    'net.ipv4.tcp_fin_timeout': '45',
    'net.ipv4.tcp_tw_reuse': '2',
    'net.ipv4.tcp_timestamps': '1',
    'net.ipv4.tcp_syncookies': '1',
  },
  config: { [DEFAULT_OWNED_FILE]: EARLIER },
});

function planWith(deselect: string[]): Plan {
  const request = resolveRequest([], SETS, () => undefined);
  return planTuning(snapshot, request, allRules, NOW, {
    ownedFile: DEFAULT_OWNED_FILE,
    allow: [],
    overrides: SETS,
    deselect,
  });
}

const lineOf = (text: string, key: string) => text.split('\n').filter((l) => l.startsWith(`${key} =`));
const blockOf = (text: string, key: string) => {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${key} =`));
  return i === -1 ? null : `${lines[i - 1]}\n${lines[i]}`;
};

test('every selection: deselected keys keep their current line, same keys stay, the diff yields the file', () => {
  const full = planWith([]);
  const changes = full.changes.filter((c) => c.status === 'change').map((c) => c.key);
  assert.deepEqual(changes, ['net.core.somaxconn', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_tw_reuse']);
  for (let mask = 0; mask < 1 << changes.length; mask++) {
    const deselect = changes.filter((_, i) => mask & (1 << i));
    const plan = planWith(deselect);
    const after = plan.file.after;
    const label = `deselected: ${deselect.join(', ') || 'none'}`;
    assert.equal(
      applyPatch(EARLIER, plan.file.diff),
      after,
      `${label}: the diff shown turns the old file into the new`,
    );
    for (const c of plan.changes) {
      if (deselect.includes(c.key)) {
        assert.equal(c.status, 'skipped', label);
        assert.equal(blockOf(after, c.key), blockOf(EARLIER, c.key), `${label}: ${c.key} keeps its line and comment`);
      } else if (c.status === 'change') assert.deepEqual(lineOf(after, c.key), [`${c.key} = ${c.target}`], label);
      else assert.equal(c.status, 'same', label);
    }
    assert.deepEqual(lineOf(after, 'net.ipv4.tcp_timestamps'), ['net.ipv4.tcp_timestamps = 1'], `${label}: same key`);
    assert.deepEqual(lineOf(after, 'net.ipv4.tcp_syncookies'), ['net.ipv4.tcp_syncookies = 1'], `${label}: same key`);
    assert.equal(plan.summary.skipped, deselect.length, label);
    assert.equal(plan.summary.change, changes.length - deselect.length, label);
  }
});

test('deselecting a key the old file does not set leaves no line for it', () => {
  const plan = planWith(['net.ipv4.tcp_tw_reuse']);
  assert.deepEqual(lineOf(plan.file.after, 'net.ipv4.tcp_tw_reuse'), []);
  assert.equal(plan.changes.find((c) => c.key === 'net.ipv4.tcp_tw_reuse')?.status, 'skipped');
});

test('deselecting what is not a change (a same key) changes nothing', () => {
  assert.deepEqual(planWith(['net.ipv4.tcp_timestamps']), planWith([]));
});
