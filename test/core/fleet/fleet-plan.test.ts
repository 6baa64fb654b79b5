// Grouping, order, summary and --fail-on of a fleet review, and Markdown that host text cannot break out of.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failsOn, fleetFindings, formatAge, groupFleet, type HostInput } from '../../../src/core/fleet/fleet-plan.js';
import { renderFleetMarkdown } from '../../../src/core/fleet/render-markdown.js';
import { planTuning } from '../../../src/core/plan/planner.js';
import { resolveRequest } from '../../../src/core/plan/profile-resolver.js';
import { allRules } from '../../../src/core/rules/index.js';
import type { Snapshot } from '../../../src/core/snapshot.js';
import { snapshotOf } from '../../helpers/snapshot-data.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const request = resolveRequest([], ['net.core.somaxconn=8192'], () => {
  throw new Error('no profiles in this test');
});
const opts = { ownedFile: '/etc/sysctl.d/99-tune.conf', allow: [], overrides: ['net.core.somaxconn=8192'] };

function host(name: string, somaxconn: string, takenAt = '2026-03-01T11:00:00Z'): HostInput {
  const snapshot: Snapshot = {
    ...snapshotOf({ sysctl: { 'net.core.somaxconn': somaxconn } }),
    hostname: name,
    takenAt,
  };
  return { source: `${name}.json`, snapshot, plan: planTuning(snapshot, request, allRules, NOW, opts) };
}

test('hosts whose plans decide the same are one group whatever their names and times; outliers first', () => {
  const fleet = groupFleet(
    [
      host('a', '128'),
      host('b', '8192'),
      host('c', '128', '2026-02-01T00:00:00Z'),
      { source: 'd.json', snapshot: null, plan: null },
    ],
    { profiles: [], overrides: opts.overrides, allow: [] },
    NOW,
    86_400,
  );
  assert.equal(
    fleet.summary.text,
    '4 hosts, 3 distinct plans: 2 change 1 key, 1 rewrite /etc/sysctl.d/99-tune.conf only, 1 no snapshot data',
  );
  assert.deepEqual(
    fleet.groups.map((g) => [g.label, g.hosts]),
    [
      ['rewrite /etc/sysctl.d/99-tune.conf only', [1]],
      ['no snapshot data', [3]],
      ['change 1 key', [0, 2]],
    ],
  );
  assert.equal(fleet.hosts[3]?.hostname, 'd');
  assert.deepEqual(
    fleet.hosts.map((h) => h.provenance.map((f) => f.rule)),
    [[], [], ['SNAPSHOT_STALE'], ['NO_SNAPSHOT_DATA']],
  );
  assert.equal(failsOn(fleetFindings(fleet), ['SNAPSHOT_STALE']), true);
  assert.equal(failsOn(fleetFindings(fleet), ['refuse']), false);
  assert.equal(failsOn(fleetFindings(fleet), ['warn']), true);
});

test('ages read at a glance', () => {
  assert.deepEqual([45, 720, 3600 * 3 + 300, 86_400 * 2 + 3600 * 4, -120].map(formatAge), [
    '45s',
    '12m',
    '3h 5m',
    '2d 4h',
    '2m in the future',
  ]);
});

test('markdown: a hostile host name cannot open HTML, links or code, and a huge fleet stays under the limit', () => {
  const evil = host('x`</details><script>[a](b)|', '128');
  const fleet = groupFleet([evil], { profiles: [], overrides: [], allow: [] }, NOW, 86_400);
  const md = renderFleetMarkdown(fleet);
  // Inside a code span longer than any backtick run in it, HTML and links are inert text; the pipe cannot end a cell.
  assert.ok(md.includes('**Hosts:** `` x`</details><script>[a](b)\\| `` (1h)'), md);
  assert.equal(md.split('<script>').length, 2, 'only in the code span');
  const many = groupFleet(
    Array.from({ length: 300 }, (_, i) => host(`h${i}`, String(1000 + i))),
    { profiles: [], overrides: [], allow: [] },
    NOW,
    86_400,
  );
  const big = renderFleetMarkdown(many, 20_000);
  assert.ok(big.length <= 20_000, String(big.length));
  assert.match(big, /\*\*Truncated:\*\*.*not shown/);
});
