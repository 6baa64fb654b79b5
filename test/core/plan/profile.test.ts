import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userErrorOf } from '../../helpers/user-error.js';
import { resolveRequest } from '../../../src/core/plan/profile-resolver.js';
import { parseProfile } from '../../../src/core/plan/profile.js';

const errorOf = userErrorOf;
const loaderOf = (profiles: Record<string, string>) => (ref: string) =>
  profiles[ref] === undefined ? undefined : parseProfile(ref, `/p/${ref}.conf`, profiles[ref] ?? '');

test('a profile parses with settings, modifiers, reasons and includes', () => {
  const p = parseProfile(
    'api',
    '/p/api.conf',
    '[main]\nsummary = API\ninclude = base, other\n\n[sysctl]\nnet.core.somaxconn = >8192\nnet.ipv4.tcp_keepalive_time = <600\nnet.ipv4.tcp_tw_reuse = 1\n[reasons]\nnet.ipv4.tcp_tw_reuse = because\n',
  );
  assert.equal(p.summary, 'API');
  assert.deepEqual(
    p.includes.map((i) => i.name),
    ['base', 'other'],
  );
  assert.deepEqual(
    p.settings.map((s) => [s.key, s.op, s.value, s.line, s.reason ?? null]),
    [
      ['net.core.somaxconn', 'raise', '8192', 6, null],
      ['net.ipv4.tcp_keepalive_time', 'lower', '600', 7, null],
      ['net.ipv4.tcp_tw_reuse', 'set', '1', 8, 'because'],
    ],
  );
});

test('a tuned.conf loads; plugin sections are reported as ignored', () => {
  const p = parseProfile(
    'throughput',
    '/usr/lib/tuned/throughput/tuned.conf',
    '[main]\nsummary=x\n[cpu]\ngovernor=performance\n[sysctl]\nnet.core.somaxconn=2048\n[disk]\nreadahead=4096\n',
  );
  assert.deepEqual(p.ignoredSections, ['cpu', 'disk']);
  assert.equal(p.settings.length, 1);
});

test('malformed profiles give one line naming file, line and key', () => {
  assert.equal(
    errorOf(() => parseProfile('x', '/p/x.conf', '[sysctl]\nnet.core.somaxconn 4096\n')),
    '/p/x.conf:2: expected "key = value" or "[section]", got "net.core.somaxconn 4096"',
  );
  assert.equal(
    errorOf(() => parseProfile('x', '/p/x.conf', '[sysctl]\na.b = 1\na.b = 2\n')),
    '/p/x.conf:3: a.b: duplicate key (first set at line 2)',
  );
  assert.equal(
    errorOf(() => parseProfile('x', '/p/x.conf', 'a.b = 1\n')),
    '/p/x.conf:1: a.b: setting outside a section (expected [main], [sysctl] or [reasons])',
  );
  assert.equal(
    errorOf(() => parseProfile('x', '/p/x.conf', '[sysctl]\nnet/../../etc = 1\n')),
    '/p/x.conf:2: net/../../etc: key may not contain ".." or "." segments',
  );
  assert.equal(
    errorOf(() => parseProfile('x', '/p/x.conf', '[sysctl]\nnet.core.somaxconn = >lots\n')),
    '/p/x.conf:2: net.core.somaxconn: ">lots": the >N / <N modifiers take one integer',
  );
  assert.equal(
    errorOf(() => parseProfile('x', '/p/x.conf', '[sysctl]\na.b = 1\n[reasons]\na.c = why\n')),
    '/p/x.conf:4: a.c: reason given for a key that the profile does not set',
  );
});

test('includes resolve first and the child wins; later profiles win; --set wins last', () => {
  const load = loaderOf({
    base: '[sysctl]\nnet.core.somaxconn = 1024\nnet.ipv4.tcp_fin_timeout = 30\n',
    child: '[main]\ninclude = base\n[sysctl]\nnet.core.somaxconn = 2048\n',
    later: '[sysctl]\nnet.ipv4.tcp_fin_timeout = 20\n',
  });
  const r = resolveRequest(['child', 'later'], ['net.core.somaxconn=4096'], load);
  const byKey = Object.fromEntries(r.settings.map((s) => [s.key, s]));
  assert.equal(byKey['net.core.somaxconn']?.value, '4096');
  assert.equal(byKey['net.core.somaxconn']?.origin.profile, '--set');
  assert.deepEqual(
    byKey['net.core.somaxconn']?.overrides.map((o) => o.profile),
    ['base', 'child'],
  );
  assert.equal(byKey['net.ipv4.tcp_fin_timeout']?.value, '20');
  assert.deepEqual(r.profiles, ['child', 'later']);
});

test('include cycles, unknown profiles and bad values are user errors with their location', () => {
  const load = loaderOf({
    a: '[main]\ninclude = b\n[sysctl]\nx.y = 1\n',
    b: '[main]\n\ninclude = a\n',
    bad: '[sysctl]\n\n\nnet.ipv4.tcp_syn_retries = 200\n',
    missing: '[main]\ninclude = nowhere\n',
  });
  assert.equal(
    errorOf(() => resolveRequest(['a'], [], load)),
    '/p/b.conf:3: include: include cycle: a -> b -> a',
  );
  assert.equal(
    errorOf(() => resolveRequest(['bad'], [], load)),
    '/p/bad.conf:4: net.ipv4.tcp_syn_retries: 200 is above the maximum 127',
  );
  assert.equal(
    errorOf(() => resolveRequest(['missing'], [], load)),
    '/p/missing.conf:2: unknown profile "nowhere" (see `tune profiles`)',
  );
  assert.equal(
    errorOf(() => resolveRequest(['nope'], [], load)),
    '--profile: unknown profile "nope" (see `tune profiles`)',
  );
  assert.equal(
    errorOf(() => resolveRequest([], ['net.core.somaxconn'], load)),
    '--set:1: expected KEY=VALUE, got "net.core.somaxconn"',
  );
  assert.equal(
    errorOf(() => resolveRequest([], ['x.y=1', 'net.core.somaxconn=-1'], load)),
    '--set:2: net.core.somaxconn: -1 is below the minimum 0',
  );
});
