// A key no kernel has is a typo (exit 2 with the closest keys); --allow takes only overridable refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userErrorOf } from '../../helpers/user-error.js';
import { checkAllowIds, checkRequestKeys, closest } from '../../../src/core/plan/key-suggestions.js';
import { resolveRequest } from '../../../src/core/plan/profile-resolver.js';
import { allRules } from '../../../src/core/rules/index.js';
import { snapshotOf } from '../../helpers/snapshot-data.js';

const errorOf = userErrorOf;
const request = (...sets: string[]) => resolveRequest([], sets, () => undefined);

test('a key absent on this kernel and unknown to tune is a typo, named with the closest known keys', () => {
  const snap = snapshotOf({ sysctl: { 'net.ipv4.tcp_tw_resue': null } });
  assert.equal(
    errorOf(() => checkRequestKeys(request('net.core.somaxconn=4096', 'net.ipv4.tcp_tw_resue=1'), [snap])),
    '--set:2: net.ipv4.tcp_tw_resue: no such key on 6.8.0-50-generic, and tune knows no kernel that has it: did you mean net.ipv4.tcp_tw_reuse?',
  );
});

test('not typos: catalogued keys of other kernels, module keys before their module loads, keys the host has', () => {
  // tcp_tw_recycle was removed in 4.12: TW_RECYCLE_REMOVED explains it, no usage error.
  const recycle = snapshotOf({ sysctl: { 'net.ipv4.tcp_tw_recycle': null } });
  assert.equal(
    errorOf(() => checkRequestKeys(request('net.ipv4.tcp_tw_recycle=0'), [recycle])),
    'no error',
  );
  const conntrack = snapshotOf({ sysctl: { 'net.netfilter.nf_conntrack_tcp_timeout_close_wait': null } });
  assert.equal(
    errorOf(() => checkRequestKeys(request('net.netfilter.nf_conntrack_tcp_timeout_close_wait=60'), [conntrack])),
    'no error',
  );
  const present = snapshotOf({ sysctl: { 'vm.swappiness': '60' } });
  assert.equal(
    errorOf(() => checkRequestKeys(request('vm.swappiness=10'), [present])),
    'no error',
  );
  // A snapshot without a record of the key says nothing: no error (a plan reports it).
  assert.equal(
    errorOf(() => checkRequestKeys(request('vm.swapiness=10'), [snapshotOf()])),
    'no error',
  );
  // Absent on one host of a fleet, present on another: not a typo.
  const gone = snapshotOf({ sysctl: { 'vm.swappiness': null } });
  assert.equal(
    errorOf(() => checkRequestKeys(request('vm.swappiness=10'), [gone, present])),
    'no error',
  );
});

test('--allow: an unknown id names the closest ids; a rule that cannot be overridden is refused', () => {
  assert.equal(
    errorOf(() => checkAllowIds(['TW_RECYCLE_LEGACI'], allRules)),
    '--allow TW_RECYCLE_LEGACI: no such rule; did you mean TW_RECYCLE_LEGACY?',
  );
  assert.match(
    errorOf(() => checkAllowIds(['TW_REUSE_NEEDS_TIMESTAMPS'], allRules)),
    /this refusal cannot be overridden/,
  );
  assert.match(
    errorOf(() => checkAllowIds(['KEY_ABSENT'], allRules)),
    /^--allow KEY_ABSENT: this rule only warns/,
  );
  assert.equal(
    errorOf(() => checkAllowIds(['TW_RECYCLE_LEGACY'], allRules)),
    'no error',
  );
});

test('closest: transpositions count once, far names are not offered', () => {
  assert.deepEqual(closest('net.core.somaxcon', ['net.core.somaxconn', 'net.core.rmem_max']), ['net.core.somaxconn']);
  assert.deepEqual(closest('kernel.pid_mxa', ['kernel.pid_max']), ['kernel.pid_max']);
  assert.deepEqual(closest('fs.zzz', ['net.core.somaxconn']), []);
});
