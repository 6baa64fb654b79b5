// `tune explain KEY` through the built binary: facts, runtime and boot values with their file:line, rules, errors.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { withFixture } from '../helpers/fixture-root.js';
import { KERNEL_PRESETS } from '../helpers/kernel-presets.js';
import { runTune } from '../helpers/repo.js';

const fixture = {
  release: '6.8.0-50-generic',
  sysctl: { ...(KERNEL_PRESETS['6.8.0-50-generic'] ?? {}), 'net.ipv4.tcp_fin_timeout': '30' },
  files: {
    // Without the 99-sysctl.conf symlink systemd-sysctl never reads /etc/sysctl.conf; procps's --system does.
    '/etc/sysctl.conf': '# Reduce TIME_WAIT timeout to 30 seconds\nnet.ipv4.tcp_fin_timeout = 30\n',
    '/etc/sysctl.d/10-net.conf': 'net.ipv4.tcp_keepalive_time = 600\n',
  },
};

test('explain: what the key does, its facts, runtime and the file:line each loader sets it from, its rules', () => {
  withFixture(fixture, (root) => {
    const r = runTune(['explain', 'net.ipv4.tcp_fin_timeout', '--root', root]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /FIN_WAIT_2/);
    assert.match(r.stdout, /source: Documentation\/networking\/ip-sysctl\.rst/);
    assert.match(r.stdout, /^ {2}default {3}60$/m);
    assert.match(r.stdout, /^ {2}runtime {3}30$/m);
    assert.match(r.stdout, /systemd-sysctl: nothing sets it: the kernel default stays/);
    assert.match(r.stdout, /sysctl --system: 30 from \/etc\/sysctl\.conf:2/);
    const agree = runTune(['explain', 'net.ipv4.tcp_keepalive_time', '--root', root]);
    assert.match(
      agree.stdout,
      /boot {6}600 from \/etc\/sysctl\.d\/10-net\.conf:1 \(systemd-sysctl and sysctl --system agree\)/,
    );
    assert.match(r.stdout, /FIN_TIMEOUT_MISJUSTIFIED/);
    const j = JSON.parse(runTune(['explain', 'net.ipv4.tcp_fin_timeout', '--root', root, '--json']).stdout);
    assert.equal(j.known, true);
    assert.equal(j.scope, 'netns');
    assert.equal(j.runtime.value, '30');
    assert.equal(j.boot.systemd, null);
    assert.deepEqual(j.boot.procps, { value: '30', file: '/etc/sysctl.conf', line: 2 });
    assert.deepEqual(
      j.rules.map((x: { id: string }) => x.id),
      ['FIN_TIMEOUT_MISJUSTIFIED', 'FIN_TIMEOUT_SCOPE'],
    );
  });
});

test('explain: an unknown key is exit 2 on one line with the closest known keys; a key this host has is explained', () => {
  withFixture(fixture, (root) => {
    const typo = runTune(['explain', 'net.ipv4.tcp_fin_timout', '--root', root]);
    assert.equal(typo.status, 2);
    assert.equal(typo.stdout, '');
    assert.equal(typo.stderr.trimEnd().split('\n').length, 1, typo.stderr);
    assert.match(typo.stderr, /unknown key.*did you mean net\.ipv4\.tcp_fin_timeout/);
    const bare = runTune(['explain', 'tcp_tw_reuse', '--root', root]);
    assert.match(bare.stderr, /did you mean net\.ipv4\.tcp_tw_reuse/);
    assert.equal(runTune(['explain', 'net..bad', '--root', root]).status, 2);
  });
  // Not catalogued but present: its values are shown and the output says tune has no facts.
  withFixture({ ...fixture, sysctl: { ...fixture.sysctl, 'net.ipv4.tcp_comp_sack_nr': '44' } }, (root) => {
    const r = runTune(['explain', 'net.ipv4.tcp_comp_sack_nr', '--root', root]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /no facts/);
    assert.match(r.stdout, /runtime {3}44/);
  });
});

test('explain --snapshot answers offline as live; --snapshot with --root is a usage error', () => {
  withFixture(fixture, (root) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tune-explain-')), 'host.json');
    assert.equal(runTune(['snapshot', '--root', root, '-o', file]).status, 0);
    const live = JSON.parse(runTune(['explain', 'net.ipv4.tcp_fin_timeout', '--root', root, '--json']).stdout);
    const off = JSON.parse(runTune(['explain', 'net.ipv4.tcp_fin_timeout', '--snapshot', file, '--json']).stdout);
    assert.deepEqual(off.boot, live.boot);
    assert.equal(off.runtime.value, live.runtime.value);
    assert.match(off.host.source, /^snapshot /);
    const both = runTune(['explain', 'vm.swappiness', '--snapshot', file, '--root', root]);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /mutually exclusive/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});

test('explain --help shows an example and the exit codes', () => {
  const r = runTune(['explain', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /\$ tune explain net\.ipv4\.tcp_fin_timeout/);
  assert.match(r.stdout, /Exit codes:[\s\S]*2 {2}usage error/);
});
