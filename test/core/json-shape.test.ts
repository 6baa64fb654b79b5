// The shape checks of untrusted JSON (snapshot, saved plan) with plain data: each mismatch names its field path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childPath, JsonField, jsonSyntaxProblem, ShapeMismatch } from '../../src/core/json-shape.js';
import { checkPlanShape } from '../../src/core/plan/plan-shape.js';
import { checkSnapshotShape } from '../../src/core/snapshot-shape.js';
import { planTuning } from '../../src/core/plan/planner.js';
import { resolveRequest } from '../../src/core/plan/profile-resolver.js';
import { allRules } from '../../src/core/rules/index.js';
import { snapshotOf } from '../helpers/snapshot-data.js';

const mismatch = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ShapeMismatch, String(e));
    return e.message;
  }
  assert.fail('no mismatch');
};

test('field paths: dotted names, list indexes, quoted keys that are not identifiers', () => {
  assert.equal(childPath('', 'env'), 'env');
  assert.equal(childPath('env', 'listeners'), 'env.listeners');
  assert.equal(childPath('env.listeners', 0), 'env.listeners[0]');
  assert.equal(childPath('sysctl', 'net.core.somaxconn'), 'sysctl["net.core.somaxconn"]');
  assert.ok(childPath('x', 'a.'.repeat(100)).length < 100, 'a long key is shortened');
  assert.ok(childPath('x', 'a'.repeat(200)).length < 100, 'a long name too');
});

test('each check says what it expected and what it got', () => {
  const doc = new JsonField({ a: 5, b: null, c: [1, 'x'], d: 'long'.repeat(40) });
  assert.equal(
    mismatch(() => doc.field('a').string()),
    'a: expected a string, got the number 5',
  );
  assert.equal(
    mismatch(() => doc.field('b').object()),
    'b: expected an object, got null',
  );
  assert.equal(
    mismatch(() => doc.field('c').strings()),
    'c[0]: expected a string, got the number 1',
  );
  assert.equal(
    mismatch(() => doc.field('e').boolean()),
    'e: expected true or false, got nothing (the field is missing)',
  );
  assert.match(
    mismatch(() => doc.field('d').number()),
    /^d: expected a number, got "(long){15}…"$/,
  );
  assert.equal(
    mismatch(() => doc.field('a').number({ min: 0, max: 3, whole: true })),
    'a: expected a whole number from 0 to 3, got the number 5',
  );
  assert.equal(
    mismatch(() => new JsonField([]).object()),
    'the top level: expected an object, got a list',
  );
  assert.equal(
    doc.field('b').nullable((f) => f.string()),
    null,
  );
  assert.equal(
    doc.field('e').optional((f) => f.string()),
    undefined,
  );
  assert.equal(
    mismatch(() => new JsonField({ toString: 1 }).field('constructor').string()).startsWith('constructor: '),
    true,
  );
});

test('a JSON syntax error is one short line that quotes none of the text', () => {
  for (const text of ['{"a":\n x\n' + 'y'.repeat(500), 'root:$6$secret:19000:0:99999:7:::\n', '{"a": 1', '']) {
    let error: unknown = null;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    assert.ok(error, `${JSON.stringify(text.slice(0, 20))} is not JSON`);
    const line = jsonSyntaxProblem(error, text);
    assert.doesNotMatch(line, /\n|yyy|secret|root/, line);
    assert.match(line, /^(syntax error( at line \d+)?|the text ends early)$/);
  }
});

test('snapshot shape: the genuine snapshot passes; every wrong type names its field', () => {
  const good = JSON.parse(JSON.stringify(snapshotOf({ config: { '/etc/sysctl.d/10-a.conf': 'x = 1\n' } })));
  assert.deepEqual(checkSnapshotShape(good), good);
  const bad = (edit: (s: ReturnType<typeof snapshotOf>) => void) => {
    const s = JSON.parse(JSON.stringify(snapshotOf()));
    edit(s);
    return mismatch(() => checkSnapshotShape(s));
  };
  assert.equal(
    bad((s) => ((s.sysctl['net.core.somaxconn'] as { value: unknown }).value = 5)),
    'sysctl["net.core.somaxconn"].value: expected a string, got the number 5',
  );
  assert.match(
    bad((s) => (s.sysctl['net/core/somaxconn'] = { state: 'ok', value: '1', writable: true })),
    /^sysctl\["net\/core\/somaxconn"\]: not a sysctl key in dotted form/,
  );
  assert.match(
    bad((s) => ((s.env.listeners as unknown[]) = [null])),
    /^env\.listeners\[0\]: expected an object, got null$/,
  );
  assert.match(
    bad((s) => ((s.config as unknown[]) = [{ path: 'relative', dir: '', name: 'x', kind: 'file' }])),
    /^config\[0\]\.path: expected an absolute path/,
  );
  assert.match(
    bad((s) => ((s.env as { pageSize: unknown }).pageSize = 0)),
    /^env\.pageSize: expected a whole number >= 1/,
  );
});

test('plan shape: a plan the planner made passes; a missing summary or a null change is named', () => {
  const s = snapshotOf();
  const request = resolveRequest([], ['net.core.somaxconn=5000'], () => undefined);
  const plan = planTuning(s, request, allRules, new Date(0), {
    ownedFile: '/etc/sysctl.d/99-tune.conf',
    allow: [],
    overrides: ['net.core.somaxconn=5000'],
  });
  const json = JSON.parse(JSON.stringify(plan));
  assert.deepEqual(checkPlanShape(json), json);
  const noSummary = { ...json };
  delete noSummary.summary;
  assert.equal(
    mismatch(() => checkPlanShape(noSummary)),
    'summary: expected an object, got nothing (the field is missing)',
  );
  assert.equal(
    mismatch(() => checkPlanShape({ ...json, changes: [...json.changes, null] })),
    `changes[${json.changes.length}]: expected an object, got null`,
  );
  const legacy = JSON.parse(JSON.stringify(json));
  delete legacy.allow;
  delete legacy.summary.skipped;
  for (const c of legacy.changes) delete c.fileValue;
  assert.equal(checkPlanShape(legacy).allow.length, 0, 'fields added later within version 1 stay optional');
});
