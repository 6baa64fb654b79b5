// The read layer against fixture roots laid out like / for kernels this machine does not run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { modelBoot } from '../../src/core/boot/boot-precedence.js';
import { readEntry } from '../../src/system/config/sysctl-config-files.js';
import { readSnapshot } from '../../src/system/snapshot-reader.js';
import { withFixtureAsync } from '../helpers/fixture-root.js';
import { planOf, ruleHits } from '../helpers/plan-data.js';
import { KERNEL_PRESETS } from '../helpers/kernel-presets.js';

const NOW = new Date('2026-06-01T00:00:00Z');

for (const [release, sysctl] of Object.entries(KERNEL_PRESETS)) {
  test(`reads a ${release} root: release, values, absent keys`, async () => {
    await withFixtureAsync({ release, sysctl }, async (root) => {
      const s = await readSnapshot({ root, now: NOW });
      assert.equal(s.kernel.release, release);
      assert.equal(s.sysctl['net.core.somaxconn']?.value, sysctl['net.core.somaxconn']);
      assert.equal(s.sysctl['net.ipv4.ip_local_port_range']?.value, '32768\t60999');
      assert.equal(
        s.sysctl['net.ipv4.tcp_tw_recycle']?.state,
        'tcp_tw_recycle' in sysctl || 'net.ipv4.tcp_tw_recycle' in sysctl ? 'ok' : 'absent',
      );
      assert.equal(s.sysctl['net.ipv4.tcp_tw_reuse_delay']?.state, 'absent');
      assert.equal(s.env.initialNetns, true);
      assert.equal(s.root, root);
    });
  });
}

test('a container-like root: other netns, read-only global keys, container markers', async () => {
  // As in a real child namespace, the host-wide net.core.netdev_max_backlog is not registered there.
  const { 'net.core.netdev_max_backlog': _hidden, ...preset } = KERNEL_PRESETS['5.15.0-130-generic'] ?? {};
  const sysctl = { ...preset, 'net.core.rmem_max': { value: '212992', readOnly: true } };
  await withFixtureAsync(
    {
      release: '5.15.0-130-generic',
      sysctl,
      netns: { self: 'net:[4026532200]', init: 'net:[4026531840]' },
      files: { '/.dockerenv': '' },
    },
    async (root) => {
      const s = await readSnapshot({ root, now: NOW });
      assert.equal(s.env.initialNetns, false);
      assert.match(s.env.netnsEvidence, /netdev_max_backlog\) are not visible/);
      assert.deepEqual(s.env.container.evidence, ['/.dockerenv exists']);
      assert.deepEqual(s.sysctl['net.core.rmem_max'], { state: 'ok', value: '212992', writable: false });
      assert.equal(s.sysctl['net.core.somaxconn']?.writable, true);
    },
  );
});

test('a container whose PID 1 shares our netns is still not the initial namespace', async () => {
  // No net.core keys to read: only the PID 1 comparison, which a container's own PID 1 fools; the marker wins.
  const sysctl = Object.fromEntries(
    Object.entries(KERNEL_PRESETS['6.8.0-50-generic'] ?? {}).filter(([k]) => !k.startsWith('net.core.')),
  );
  await withFixtureAsync({ release: '6.8.0-50-generic', sysctl, files: { '/run/.containerenv': '' } }, async (root) => {
    assert.equal((await readSnapshot({ root, now: NOW })).env.initialNetns, false);
  });
});

test("a /.dockerenv left on a VM does not overrule the kernel's evidence of the initial namespace", async () => {
  // netdev_max_backlog is registered only in the initial network namespace: this is the host, whatever the marker.
  await withFixtureAsync(
    { release: '6.8.0-50-generic', sysctl: KERNEL_PRESETS['6.8.0-50-generic'] ?? {}, files: { '/.dockerenv': '' } },
    async (root) => {
      const s = await readSnapshot({ root, now: NOW });
      assert.equal(s.env.initialNetns, true);
      assert.deepEqual(s.env.container.evidence, ['/.dockerenv exists']);
      assert.match(s.env.netnsEvidence, /visible: the kernel registers them only in the initial/);
      // The plan that was refused on such a VM: a no-op on fs.file-max draws no GLOBAL_KEY_IN_CONTAINER.
      const plan = planOf(s, [`fs.file-max=${s.sysctl['fs.file-max']?.value ?? ''}`]);
      assert.ok(!ruleHits(plan).some((h) => h.startsWith('GLOBAL_KEY_IN_CONTAINER')), ruleHits(plan).join());
    },
  );
});

test('NAT evidence: NATed conntrack entries, or forwarding plus bridge interfaces', async () => {
  const base = KERNEL_PRESETS['3.10.0-1160.el7.x86_64'] ?? {};
  const natted =
    'ipv4     2 tcp      6 117 TIME_WAIT src=10.0.0.5 dst=93.184.216.34 sport=40000 dport=443 src=93.184.216.34 dst=203.0.113.7 sport=443 dport=40000 [ASSURED] mark=0 use=1\n';
  const plain =
    'ipv4     2 tcp      6 117 TIME_WAIT src=10.0.0.5 dst=10.0.0.9 sport=40000 dport=443 src=10.0.0.9 dst=10.0.0.5 sport=443 dport=40000 [ASSURED] mark=0 use=1\n';
  await withFixtureAsync(
    { release: '3.10.0-1160.el7.x86_64', sysctl: base, files: { '/proc/net/nf_conntrack': natted } },
    async (root) => {
      const nat = (await readSnapshot({ root, now: NOW })).env.nat;
      assert.equal(nat.detected, true);
      assert.match(nat.evidence.join(';'), /conntrack has NATed entries/);
    },
  );
  await withFixtureAsync(
    { release: '3.10.0-1160.el7.x86_64', sysctl: base, files: { '/proc/net/nf_conntrack': plain } },
    async (root) => {
      assert.equal((await readSnapshot({ root, now: NOW })).env.nat.detected, false);
    },
  );
  await withFixtureAsync(
    {
      release: '3.10.0-1160.el7.x86_64',
      sysctl: { ...base, 'net.ipv4.ip_forward': '1' },
      interfaces: ['lo', 'eth0', 'docker0'],
    },
    async (root) => {
      const nat = (await readSnapshot({ root, now: NOW })).env.nat;
      assert.equal(nat.detected, true);
      assert.deepEqual(nat.evidence, ['net.ipv4.ip_forward=1', 'container/bridge interfaces: docker0']);
    },
  );
  await withFixtureAsync(
    { release: '3.10.0-1160.el7.x86_64', sysctl: { ...base, 'net.ipv4.ip_forward': '1' } },
    async (root) => {
      assert.equal((await readSnapshot({ root, now: NOW })).env.nat.detected, false, 'forwarding alone is not NAT');
    },
  );
});

test('listeners come from /proc/net/tcp; memory and limits from /proc', async () => {
  await withFixtureAsync(
    {
      release: '6.8.0-50-generic',
      sysctl: KERNEL_PRESETS['6.8.0-50-generic'] ?? {},
      listeners: [
        { address: '0.0.0.0', port: 443 },
        { address: '127.0.0.1', port: 5432 },
      ],
      memTotalKiB: 1048576,
      files: {
        '/proc/1/limits':
          'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n',
      },
    },
    async (root) => {
      const s = await readSnapshot({ root, now: NOW });
      assert.deepEqual(s.env.listeners, [
        { family: 4, address: '0.0.0.0', port: 443 },
        { family: 4, address: '127.0.0.1', port: 5432 },
      ]);
      assert.equal(s.env.memTotalKiB, 1048576);
      assert.equal(s.env.nofileHardMax, 524288);
    },
  );
});

test('config files: symlinks, masks and dotfiles as they are; absolute links resolve inside the root', async () => {
  await withFixtureAsync(
    {
      release: '6.8.0-50-generic',
      sysctl: KERNEL_PRESETS['6.8.0-50-generic'] ?? {},
      files: {
        '/etc/sysctl.conf': 'net.core.somaxconn = 5\n',
        '/etc/sysctl.d/99-sysctl.conf': { symlink: '../sysctl.conf' },
        '/etc/sysctl.d/60-vendor.conf': { symlink: '/dev/null' },
        '/etc/sysctl.d/.hidden.conf': 'net.core.somaxconn = 7\n',
        '/usr/lib/sysctl.d/60-vendor.conf': 'net.core.somaxconn = 60\n',
        '/usr/lib/sysctl.d/50-pid-max.conf': 'kernel.pid_max = 4194304\n',
        '/lib': { symlink: '/usr/lib' },
        '/etc/sysctl.d/70-abs.conf': { symlink: '/usr/lib/sysctl.d/50-pid-max.conf' },
      },
    },
    async (root) => {
      const s = await readSnapshot({ root, now: NOW });
      const byPath = Object.fromEntries(s.config.map((f) => [f.path, f]));
      assert.deepEqual(byPath['/etc/sysctl.d/99-sysctl.conf'], {
        path: '/etc/sysctl.d/99-sysctl.conf',
        dir: '/etc/sysctl.d',
        name: '99-sysctl.conf',
        kind: 'symlink',
        target: '../sysctl.conf',
        content: 'net.core.somaxconn = 5\n',
      });
      assert.equal(byPath['/etc/sysctl.d/60-vendor.conf']?.content, '');
      assert.equal(
        byPath['/etc/sysctl.d/70-abs.conf']?.content,
        'kernel.pid_max = 4194304\n',
        'absolute target read under the root',
      );
      assert.equal(
        byPath['/lib/sysctl.d/50-pid-max.conf']?.content,
        'kernel.pid_max = 4194304\n',
        '/lib -> /usr/lib stays in the root',
      );
      assert.equal(byPath['/etc/sysctl.conf']?.dir, '');
      const sd = modelBoot(s.config, 'systemd', ['net.core.somaxconn']).assignments.get('net.core.somaxconn');
      const pp = modelBoot(s.config, 'procps', ['net.core.somaxconn']).assignments.get('net.core.somaxconn');
      assert.equal(`${sd?.value}@${sd?.file}`, '5@/etc/sysctl.d/99-sysctl.conf');
      assert.equal(`${pp?.value}@${pp?.file}`, '5@/etc/sysctl.conf');
    },
  );
});

test('the live host reads without error and reports this kernel', async () => {
  const s = await readSnapshot({ root: '/', now: NOW });
  assert.equal(s.kernel.release, os.release());
  assert.equal(s.sysctl['net.core.somaxconn']?.state, 'ok');
  assert.ok(s.env.memTotalKiB && s.env.memTotalKiB > 0);
});

test('an entry removed between the listing and the read is gone, not unreadable; a dangling symlink stays', async () => {
  await withFixtureAsync(
    {
      release: '6.8.0-50-generic',
      sysctl: KERNEL_PRESETS['6.8.0-50-generic'] ?? {},
      files: {
        '/etc/sysctl.d/40-dangling.conf': { symlink: 'nowhere.conf' },
        '/etc/sysctl.d/99-tune.conf': 'net.core.somaxconn = 4096\n',
      },
    },
    async (root) => {
      // The listing saw 99-tune.conf; a racing `tune rollback` removes it before it is read.
      fs.unlinkSync(path.join(root, 'etc/sysctl.d/99-tune.conf'));
      assert.equal(readEntry(root, '/etc/sysctl.d', '99-tune.conf'), null);
      const dangling = readEntry(root, '/etc/sysctl.d', '40-dangling.conf');
      assert.equal(dangling?.kind, 'symlink');
      assert.equal(dangling?.error, 'ENOENT', 'a link to nothing is still an entry (it masks in both loaders)');
      const s = await readSnapshot({ root, now: NOW });
      assert.deepEqual(
        s.config.filter((f) => f.dir === '/etc/sysctl.d').map((f) => f.name),
        ['40-dangling.conf'],
      );
    },
  );
});
