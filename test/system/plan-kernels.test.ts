// Plans on fixture roots: the same read + plan path as the CLI, across kernel generations and environments.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_OWNED_FILE } from '../../src/core/plan/owned-file.js';
import { planTuning } from '../../src/core/plan/planner.js';
import { resolveRequest } from '../../src/core/plan/profile-resolver.js';
import { allRules } from '../../src/core/rules/index.js';
import { createProfileLoader, listProfiles } from '../../src/system/config/profile-store.js';
import { readSnapshot } from '../../src/system/snapshot-reader.js';
import { withFixtureAsync, type FixtureSpec } from '../helpers/fixture-root.js';
import { KERNEL_PRESETS } from '../helpers/kernel-presets.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const planOn = async (root: string, profiles: string[], sets: string[] = [], allow: string[] = []) => {
  const request = resolveRequest(profiles, sets, createProfileLoader(root));
  const snap = await readSnapshot({ root, now: NOW, keys: request.settings.map((s) => s.key) });
  return planTuning(snap, request, allRules, NOW, { ownedFile: DEFAULT_OWNED_FILE, allow, overrides: sets });
};
const fixture = (release: string, extra: Partial<FixtureSpec> = {}): FixtureSpec => ({
  release,
  sysctl: KERNEL_PRESETS[release] ?? {},
  ...extra,
});
const recycleRules = async (root: string) =>
  (await planOn(root, [], ['net.ipv4.tcp_tw_recycle=1'])).findings
    .filter((f) => f.rule.startsWith('TW_RECYCLE'))
    .map((f) => `${f.rule}:${f.severity}`);

test('tcp_tw_recycle across kernels: removed from 4.12, NAT refusal, legacy override', async () => {
  for (const k of ['4.15.0-213-generic', '5.4.0-200-generic', '5.15.0-130-generic', '6.8.0-50-generic']) {
    await withFixtureAsync(fixture(k), async (root) =>
      assert.deepEqual(await recycleRules(root), ['TW_RECYCLE_REMOVED:refuse'], k),
    );
  }
  await withFixtureAsync(fixture('4.9.0-19-amd64'), async (root) => {
    assert.deepEqual(await recycleRules(root), ['TW_RECYCLE_LEGACY:refuse']);
    const allowed = await planOn(root, [], ['net.ipv4.tcp_tw_recycle=1'], ['TW_RECYCLE_LEGACY']);
    assert.equal(allowed.changes[0]?.status, 'change');
  });
  const ct =
    'ipv4 2 tcp 6 117 TIME_WAIT src=10.0.0.5 dst=1.2.3.4 sport=1 dport=443 src=1.2.3.4 dst=203.0.113.7 sport=443 dport=1 mark=0 use=1\n';
  await withFixtureAsync(
    fixture('3.10.0-1160.el7.x86_64', { files: { '/proc/net/nf_conntrack': ct } }),
    async (root) => {
      assert.deepEqual(await recycleRules(root), ['TW_RECYCLE_NAT:refuse']);
      const allowed = await planOn(root, [], ['net.ipv4.tcp_tw_recycle=1'], ['TW_RECYCLE_NAT']);
      assert.equal(allowed.changes[0]?.status, 'refused', 'NAT refusal cannot be overridden');
    },
  );
});

test('short-connection-api on each kernel: the port range and tw_reuse change; version-gated keys behave', async () => {
  for (const k of Object.keys(KERNEL_PRESETS)) {
    await withFixtureAsync(fixture(k), async (root) => {
      const plan = await planOn(root, ['short-connection-api']);
      const status = Object.fromEntries(plan.changes.map((c) => [c.key, c.status]));
      assert.equal(status['net.ipv4.ip_local_port_range'], 'change', k);
      assert.equal(status['net.ipv4.tcp_tw_reuse'], 'change', k);
      assert.equal(status['net.ipv4.tcp_timestamps'], 'same', k);
      assert.equal(plan.summary.refusedAny, false, `${k}: ${plan.findings.map((f) => f.rule).join(',')}`);
      const somaxconn = plan.changes.find((c) => c.key === 'net.core.somaxconn');
      assert.equal(somaxconn?.target, '8192', `${k}: raised from ${somaxconn?.current}`);
    });
  }
  await withFixtureAsync(fixture('4.9.0-19-amd64'), async (root) => {
    const p = await planOn(root, [], ['net.ipv4.tcp_tw_reuse=2', 'net.ipv4.ip_unprivileged_port_start=1024']);
    assert.deepEqual(
      p.changes.map((c) => `${c.key}:${c.status}`),
      ['net.ipv4.ip_unprivileged_port_start:absent', 'net.ipv4.tcp_tw_reuse:refused'],
    );
    assert.match(p.findings.find((f) => f.rule === 'KEY_ABSENT')?.message ?? '', /exists since Linux 4.11/);
  });
});

test('inside a container-like root: global keys are read-only or refused, per-netns keys apply', async () => {
  // A child network namespace does not show the host-wide net.core.netdev_max_backlog (the kernel's own evidence).
  const { 'net.core.netdev_max_backlog': _hidden, ...preset } = KERNEL_PRESETS['6.8.0-50-generic'] ?? {};
  const sysctl = { ...preset, 'net.core.rmem_max': { value: '212992', readOnly: true } };
  await withFixtureAsync(
    fixture('6.8.0-50-generic', { sysctl, netns: { self: 'net:[2]', init: 'net:[1]' } }),
    async (root) => {
      const p = await planOn(root, ['proxy'], ['net.core.rmem_max=4194304']);
      const status = Object.fromEntries(p.changes.map((c) => [c.key, c.status]));
      assert.equal(status['net.core.rmem_max'], 'read-only');
      assert.equal(status['fs.file-max'], 'refused', 'a writable global key from a container is refused');
      assert.equal(status['net.core.somaxconn'], 'change');
      assert.doesNotMatch(p.file.after, /^(net.core.rmem_max|fs.file-max) =/m);
    },
  );
});

test('nfs-client without the sunrpc module: keys reported absent, not written; with it: written', async () => {
  await withFixtureAsync(fixture('5.15.0-130-generic'), async (root) => {
    const p = await planOn(root, ['nfs-client']);
    assert.equal(
      p.changes.filter((c) => c.key.startsWith('sunrpc.')).every((c) => c.status === 'absent'),
      true,
    );
    assert.ok(p.findings.some((f) => f.rule === 'MODULE_KEY_NOT_LOADED'));
    assert.doesNotMatch(p.file.after, /sunrpc/);
  });
  const withRpc = {
    ...KERNEL_PRESETS['5.15.0-130-generic'],
    'sunrpc.tcp_max_slot_table_entries': '65536',
    'sunrpc.tcp_slot_table_entries': '2',
  };
  await withFixtureAsync(fixture('5.15.0-130-generic', { sysctl: withRpc }), async (root) => {
    const p = await planOn(root, ['nfs-client']);
    assert.match(p.file.after, /^sunrpc.tcp_max_slot_table_entries = 128$/m);
    assert.match(p.file.after, /^sunrpc.tcp_slot_table_entries = 16$/m);
    assert.ok(p.findings.some((f) => f.rule === 'MODULE_KEY_BOOT_ORDER'));
  });
});

test('profiles: /etc/tune/profiles under the root overrides a shipped name; tuned layouts and paths load', async () => {
  const files = {
    '/etc/tune/profiles/proxy.conf': '[main]\nsummary = site proxy\n[sysctl]\nnet.core.somaxconn = 1000\n',
    '/etc/tune/profiles/web/tuned.conf':
      '[main]\nsummary = tuned web\n[cpu]\nforce_latency=1\n[sysctl]\nnet.core.somaxconn = 2000\n',
  };
  await withFixtureAsync(fixture('6.8.0-50-generic', { files }), async (root) => {
    const names = Object.fromEntries(listProfiles(root).map((p) => [p.name, p.summary]));
    assert.equal(names.proxy, 'site proxy');
    assert.equal(names.web, 'tuned web');
    assert.ok(names['short-connection-api']);
    assert.equal((await planOn(root, ['web'])).changes[0]?.target, '2000');
    assert.equal((await planOn(root, [path.join(root, 'etc/tune/profiles/proxy.conf')])).changes[0]?.target, '1000');
  });
});

test('every shipped profile resolves, validates, gives a reason for every setting and plans without refusals', async () => {
  await withFixtureAsync(fixture('6.8.0-50-generic'), async (root) => {
    const shipped = listProfiles(root).filter(
      (p) => p.file.includes(`${path.sep}profiles${path.sep}`) && !p.file.startsWith(root),
    );
    assert.ok(shipped.length >= 4);
    for (const p of shipped) {
      assert.ok(p.summary.length > 10, `${p.name} has a summary`);
      const r = resolveRequest([p.name], [], createProfileLoader(root));
      for (const s of r.settings)
        assert.doesNotMatch(s.reason, /no reason given/, `${p.name}: ${s.key} lacks a reason`);
      assert.equal((await planOn(root, [p.name])).summary.refusedAny, false, p.name);
      assert.doesNotMatch(fs.readFileSync(p.file, 'utf8'), /tcp_tw_recycle/);
    }
  });
});
