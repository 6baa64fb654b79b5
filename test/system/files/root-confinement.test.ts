// Every path under --root resolves inside it: symlinks pointing out of a fixture tree (absolute targets, relative ones
// climbing past the root, symlinked directories) never read the real host (a sentinel planted outside never shows in
// any output) and never write it (the outside directory digests the same before and after apply and rollback).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { confinedPath } from '../../../src/system/files/host-root.js';
import { readSnapshot } from '../../../src/system/snapshot-reader.js';
import { makeFixtureRoot, treeDigest } from '../../helpers/fixture-root.js';
import { KERNEL_PRESETS } from '../../helpers/kernel-presets.js';
import { runTune } from '../../helpers/repo.js';
import { tcpTable } from '../../helpers/tcp-rows.js';

const SENTINEL = `OUTSIDE-SENTINEL-${process.pid}`;
/** A value shaped like a sysctl, planted outside; it must never be read back either. */
const SENTINEL_NUM = '918273';
const FIXTURE = { release: '5.15.0-130-generic', sysctl: KERNEL_PRESETS['5.15.0-130-generic'] ?? {} };
const NOW = new Date('2026-06-01T00:00:00Z');

/** A directory outside every root, holding what a hostile tree points at. */
function makeOutside(): string {
  const o = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-outside-'));
  const put = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(o, rel)), { recursive: true });
    fs.writeFileSync(path.join(o, rel), text);
  };
  const conf = `# ${SENTINEL}\nnet.core.somaxconn = ${SENTINEL_NUM}\n`;
  put('value', `${SENTINEL}\n`);
  put('sys/net/core/somaxconn', `${SENTINEL}\n`);
  put('sys/net/core/netdev_max_backlog', `${SENTINEL_NUM}\n`);
  put('sys/net/sentinel_key', `${SENTINEL}\n`);
  put('sys/kernel/osrelease', `${SENTINEL}\n`);
  put('sys/kernel/hostname', `${SENTINEL}\n`);
  put('proc/sys/kernel/osrelease', `${SENTINEL}\n`);
  put('proc/sys/net/core/somaxconn', `${SENTINEL}\n`);
  const listener = tcpTable([{ local: '10.66.66.66', lport: 4242, state: 10 }]);
  put('proc/net/tcp', listener);
  put('tcp', listener);
  put('established', tcpTable(Array.from({ length: 7 }, () => ({ local: '10.66.66.66', lport: 4242, state: 1 }))));
  put('meminfo', `MemTotal:       ${SENTINEL_NUM} kB\n`);
  put('environ', `container=${SENTINEL}\0`);
  put(
    'conntrack',
    'ipv4 2 tcp 6 10 src=10.0.0.1 dst=1.1.1.1 sport=1 dport=2 src=1.1.1.1 dst=9.9.9.9 sport=2 dport=1\n',
  );
  fs.mkdirSync(path.join(o, 'net/br-sentinel'), { recursive: true });
  put('sysctl.d/50-outside.conf', conf);
  put('etc/sysctl.conf', conf);
  put('etc/sysctl.d/50-outside.conf', conf);
  put('lib/sysctl.d/50-outside.conf', conf);
  put('profiles/evil.conf', `[main]\nsummary = ${SENTINEL}\n[sysctl]\nnet.core.somaxconn = ${SENTINEL_NUM}\n`);
  put('tuned/tuned.conf', `[main]\nsummary = ${SENTINEL}\n[sysctl]\nnet.core.somaxconn = ${SENTINEL_NUM}\n`);
  put('owned.conf', `# Managed by tune (tune apply): ${SENTINEL}\nnet.core.somaxconn = ${SENTINEL_NUM}\n`);
  return o;
}

/** Replaces whatever is at hostPath under the root with a symlink to target. */
function link(root: string, hostPath: string, target: string): void {
  const p = path.join(root, hostPath);
  fs.rmSync(p, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.symlinkSync(target, p);
}

/** A relative target that climbs past the root (20 levels of ..) and then down into `abs` on the real host. */
const climb = (abs: string) => '../'.repeat(20) + abs.replace(/^\//, '');

interface Env {
  root: string;
  outside: string;
}

function withEnv(fn: (e: Env) => void): void {
  const root = makeFixtureRoot(FIXTURE);
  fs.mkdirSync(path.join(root, 'etc/sysctl.d'), { recursive: true });
  const outside = makeOutside();
  try {
    fn({ root, outside });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
}

const assertClean = (text: string, what: string) => {
  assert.ok(!text.includes(SENTINEL), `${what}: the outside sentinel was read:\n${text.slice(0, 2000)}`);
  assert.ok(!text.includes(SENTINEL_NUM), `${what}: the outside value was read:\n${text.slice(0, 2000)}`);
  assert.doesNotMatch(text, /\n\s+at /, `${what}: no stack trace`);
};

interface Snap {
  kernel: { release: string };
  hostname: string;
  sysctl: Record<string, { state: string; value?: string }>;
  config: { path: string; content?: string; error?: string }[];
  env: {
    listeners: { address: string }[];
    memTotalKiB: number | null;
    nat: { evidence: string[] };
    container: { evidence: string[] };
  };
}

/** `tune snapshot --root` (plus args): exit 0, no sentinel anywhere, the parsed snapshot. */
function snapshot(e: Env, args: string[] = []): Snap {
  const r = runTune(['snapshot', '--root', e.root, ...args]);
  assert.equal(r.status, 0, r.stderr);
  assertClean(r.stdout + r.stderr, 'snapshot');
  return JSON.parse(r.stdout) as Snap;
}

/** Read cases: links planted in a fresh tree, then what the snapshot must (not) show. */
const READS: { name: string; links: (o: string) => Record<string, string>; check: (s: Snap) => void }[] = [
  {
    name: 'a sysctl file -> absolute host path',
    links: (o) => ({ '/proc/sys/net/core/somaxconn': `${o}/value` }),
    check: (s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'absent'),
  },
  {
    name: 'a sysctl file -> ../ climbing past the root',
    links: (o) => ({ '/proc/sys/net/core/somaxconn': climb(`${o}/value`) }),
    check: (s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'absent'),
  },
  {
    name: 'proc/sys/net/core -> an outside directory',
    links: (o) => ({ '/proc/sys/net/core': `${o}/sys/net/core` }),
    check: (s) => assert.equal(s.sysctl['net.core.netdev_max_backlog']?.state, 'absent'),
  },
  {
    name: 'proc/sys/net -> ../ climbing to an outside directory',
    links: (o) => ({ '/proc/sys/net': climb(`${o}/sys/net`) }),
    check: (s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'absent'),
  },
  {
    name: 'proc/sys -> an outside tree',
    links: (o) => ({ '/proc/sys': `${o}/sys` }),
    check: (s) => assert.equal(s.kernel.release, 'unknown'),
  },
  {
    name: 'proc -> an outside tree',
    links: (o) => ({ '/proc': `${o}/proc` }),
    check: (s) => assert.deepEqual(s.env.listeners, []),
  },
  {
    name: 'kernel/osrelease -> absolute host path',
    links: (o) => ({ '/proc/sys/kernel/osrelease': `${o}/value` }),
    check: (s) => assert.equal(s.kernel.release, 'unknown'),
  },
  {
    name: 'kernel/hostname -> ../ climbing',
    links: (o) => ({ '/proc/sys/kernel/hostname': climb(`${o}/value`) }),
    check: (s) => assert.equal(s.hostname, 'unknown'),
  },
  {
    name: 'proc/meminfo -> outside',
    links: (o) => ({ '/proc/meminfo': `${o}/meminfo` }),
    check: (s) => assert.equal(s.env.memTotalKiB, null),
  },
  {
    name: 'proc/1/environ -> outside',
    links: (o) => ({ '/proc/1/environ': `${o}/environ` }),
    check: (s) => assert.deepEqual(s.env.container.evidence, []),
  },
  {
    name: 'proc/net/tcp -> an outside table with a listener',
    links: (o) => ({ '/proc/net/tcp': `${o}/tcp` }),
    check: (s) => assert.deepEqual(s.env.listeners, []),
  },
  {
    name: 'proc/net -> ../ climbing to an outside directory',
    links: (o) => ({ '/proc/net': climb(`${o}/proc/net`) }),
    check: (s) => assert.deepEqual(s.env.listeners, []),
  },
  {
    name: 'sys/class/net -> an outside directory with a bridge',
    links: (o) => ({ '/sys/class/net': `${o}/net` }),
    check: (s) => assert.ok(!s.env.nat.evidence.join(' ').includes('br-sentinel')),
  },
  {
    name: 'proc/net/nf_conntrack -> an outside NAT table',
    links: (o) => ({ '/proc/net/nf_conntrack': `${o}/conntrack` }),
    check: (s) => assert.ok(!s.env.nat.evidence.join(' ').includes('conntrack')),
  },
  {
    name: 'a sysctl.d file -> absolute host path',
    links: (o) => ({ '/etc/sysctl.d/50-outside.conf': `${o}/sysctl.d/50-outside.conf` }),
    check: (s) => {
      const f = s.config.find((c) => c.path === '/etc/sysctl.d/50-outside.conf');
      assert.equal(f?.content, undefined);
      assert.equal(f?.error, 'ENOENT');
    },
  },
  {
    name: 'etc/sysctl.d -> an outside directory (its names are not listed either)',
    links: (o) => ({ '/etc/sysctl.d': `${o}/sysctl.d` }),
    check: (s) => assert.ok(!s.config.some((c) => c.path.endsWith('50-outside.conf'))),
  },
  {
    name: 'usr/lib/sysctl.d -> ../ climbing',
    links: (o) => ({ '/usr/lib/sysctl.d': climb(`${o}/sysctl.d`) }),
    check: (s) => assert.ok(!s.config.some((c) => c.path.endsWith('50-outside.conf'))),
  },
  {
    name: 'lib -> outside (so /lib/sysctl.d is outside)',
    links: (o) => ({ '/lib': `${o}/lib` }),
    check: (s) => assert.ok(!s.config.some((c) => c.path.endsWith('50-outside.conf'))),
  },
  {
    name: 'etc/sysctl.conf -> absolute host path',
    links: (o) => ({ '/etc/sysctl.conf': `${o}/etc/sysctl.conf` }),
    check: (s) => assert.equal(s.config.find((c) => c.path === '/etc/sysctl.conf')?.content, undefined),
  },
  {
    name: 'etc -> an outside directory',
    links: (o) => ({ '/etc': `${o}/etc` }),
    check: (s) => assert.ok(!s.config.some((c) => c.content !== undefined && c.content.includes('somaxconn'))),
  },
  {
    name: 'a symlink loop inside the tree: unreadable, no hang',
    links: () => ({ '/proc/sys/net/core/somaxconn': 'loop-a', '/proc/sys/net/core/loop-a': 'somaxconn' }),
    check: (s) => assert.notEqual(s.sysctl['net.core.somaxconn']?.state, 'ok'),
  },
  {
    name: 'a directory linked to itself: no hang',
    links: () => ({ '/proc/sys/net/ipv4': '/proc/sys/net/ipv4' }),
    check: (s) => assert.equal(s.sysctl['net.ipv4.tcp_fin_timeout']?.state, 'unreadable'),
  },
];

for (const c of READS) {
  test(`confined read: ${c.name}`, () => {
    withEnv((e) => {
      for (const [p, target] of Object.entries(c.links(e.outside))) link(e.root, p, target);
      c.check(snapshot(e));
    });
  });
}

test('confined read: symlinks that resolve inside the root are followed (absolute ones are root-relative)', () => {
  withEnv((e) => {
    fs.mkdirSync(path.join(e.root, 'data/sysctl.d'), { recursive: true });
    fs.writeFileSync(path.join(e.root, 'data/somaxconn'), '4096\n');
    fs.writeFileSync(path.join(e.root, 'data/backlog'), '2048\n');
    fs.writeFileSync(path.join(e.root, 'data/sysctl.d/60-data.conf'), 'net.core.somaxconn = 4096\n');
    link(e.root, '/proc/sys/net/core/somaxconn', '/data/somaxconn');
    link(e.root, '/proc/sys/net/core/netdev_max_backlog', '../../../../data/backlog');
    link(e.root, '/usr/lib/sysctl.d', '/data/sysctl.d');
    fs.mkdirSync(path.join(e.root, 'usr'), { recursive: true });
    link(e.root, '/lib', 'usr/lib');
    const s = snapshot(e);
    assert.equal(s.sysctl['net.core.somaxconn']?.value, '4096');
    assert.equal(s.sysctl['net.core.netdev_max_backlog']?.value, '2048');
    const conf = s.config.find((c) => c.path === '/usr/lib/sysctl.d/60-data.conf');
    assert.equal(conf?.content, 'net.core.somaxconn = 4096\n');
    assert.ok(
      s.config.some((c) => c.path === '/lib/sysctl.d/60-data.conf'),
      '/lib -> usr/lib is followed',
    );
  });
});

test('confined read: snapshot --all never walks a directory linked outside', () => {
  withEnv((e) => {
    link(e.root, '/proc/sys/net', `${e.outside}/sys/net`);
    const r = runTune(['snapshot', '--all', '--root', e.root]);
    assert.equal(r.status, 0, r.stderr);
    assertClean(r.stdout, 'snapshot --all');
    assert.ok(!r.stdout.includes('sentinel_key'), 'outside names are not listed');
  });
});

test('confined read: snapshot --all lists a linked sub-directory as an entry, never its outside contents', () => {
  withEnv((e) => {
    link(e.root, '/proc/sys/net/ipv6', `${e.outside}/sys/net`);
    const r = runTune(['snapshot', '--all', '--root', e.root]);
    assert.equal(r.status, 0, r.stderr);
    assertClean(r.stdout, 'snapshot --all');
    assert.ok(!r.stdout.includes('sentinel_key'));
  });
});

test('confined read: plan --root shows nothing from outside', () => {
  withEnv((e) => {
    link(e.root, '/proc/sys/net/core/somaxconn', `${e.outside}/value`);
    link(e.root, '/etc/sysctl.d', `${e.outside}/sysctl.d`);
    const r = runTune(['plan', '-p', 'short-connection-api', '--root', e.root, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assertClean(r.stdout + r.stderr, 'plan');
  });
});

test('confined read: diagnose --root counts no socket of an outside table', () => {
  withEnv((e) => {
    link(e.root, '/proc/net/tcp', `${e.outside}/established`);
    link(e.root, '/proc/sys/kernel/osrelease', `${e.outside}/value`);
    const r = runTune(['diagnose', '--root', e.root, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assertClean(r.stdout + r.stderr, 'diagnose');
    assert.equal(JSON.parse(r.stdout).sockets.total, 0);
  });
});

/** Profiles under the root: the file, its directory and its includes all resolve inside the root. */
const PROFILE_CASES: { name: string; setup: (e: Env) => void; args: string[] }[] = [
  {
    name: 'etc/tune/profiles/evil.conf -> outside',
    setup: (e) => link(e.root, '/etc/tune/profiles/evil.conf', `${e.outside}/profiles/evil.conf`),
    args: ['plan', '-p', 'evil'],
  },
  {
    name: 'etc/tune/profiles -> an outside directory',
    setup: (e) => link(e.root, '/etc/tune/profiles', `${e.outside}/profiles`),
    args: ['plan', '-p', 'evil'],
  },
  {
    name: 'a root profile with include = an absolute host path',
    setup: (e) => writeRootProfile(e, 'site', `[main]\ninclude = ${e.outside}/profiles/evil.conf\n`),
    args: ['plan', '-p', 'site'],
  },
  {
    name: 'a root profile with include = ../ climbing',
    setup: (e) => writeRootProfile(e, 'site', `[main]\ninclude = ${climb(`${e.outside}/profiles/evil.conf`)}\n`),
    args: ['plan', '-p', 'site'],
  },
  {
    name: 'a root profile including a name whose NAME/tuned.conf directory links outside',
    setup: (e) => {
      writeRootProfile(e, 'site', '[main]\ninclude = evil\n');
      link(e.root, '/etc/tune/profiles/evil', `${e.outside}/tuned`);
    },
    args: ['plan', '-p', 'site'],
  },
];

function writeRootProfile(e: Env, name: string, text: string): void {
  const dir = path.join(e.root, 'etc/tune/profiles');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.conf`), text);
}

for (const c of PROFILE_CASES) {
  test(`confined profile: ${c.name}`, () => {
    withEnv((e) => {
      c.setup(e);
      const r = runTune([...c.args, '--root', e.root]);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assertClean(r.stdout + r.stderr, 'plan');
      assert.match(r.stderr, /unknown profile "(evil|[^"]*\/profiles\/evil\.conf)"/);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    });
  });
}

test('confined profile: `tune profiles --root` lists nothing from an outside directory', () => {
  withEnv((e) => {
    link(e.root, '/etc/tune/profiles', `${e.outside}/profiles`);
    const r = runTune(['profiles', '--json', '--root', e.root]);
    assert.equal(r.status, 0, r.stderr);
    assertClean(r.stdout, 'profiles');
    assert.ok(!r.stdout.includes('"evil"'));
  });
});

test('confined profile: includes between root profiles still resolve (by name and by relative path)', () => {
  withEnv((e) => {
    writeRootProfile(e, 'base', '[sysctl]\nnet.core.somaxconn = 2048\n');
    writeRootProfile(e, 'mid', '[main]\ninclude = ./base.conf\n');
    writeRootProfile(e, 'site', '[main]\ninclude = mid\n[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n');
    const r = runTune(['plan', '-p', 'site', '--root', e.root, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const keys = (JSON.parse(r.stdout).changes as { key: string }[]).map((c) => c.key);
    assert.ok(keys.includes('net.core.somaxconn') && keys.includes('net.ipv4.tcp_fin_timeout'), keys.join());
  });
});

test('confined read: verify --root refuses an owned file linked outside', () => {
  withEnv((e) => {
    link(e.root, '/etc/sysctl.d/99-tune.conf', `${e.outside}/owned.conf`);
    const r = runTune(['verify', '--root', e.root]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /is a symlink/);
    assertClean(r.stdout + r.stderr, 'verify');
  });
});

/** apply --root --yes into a private state directory; the outside tree must digest the same afterwards. */
function applyRoot(e: Env, args: string[]): { status: number; stdout: string; stderr: string; state: string } {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-state-'));
  const r = runTune(['apply', '--root', e.root, '--yes', '--state-dir', state, ...args]);
  return { ...r, state };
}

const WRITES: { name: string; setup: (e: Env) => void; args?: string[]; status: number; message?: RegExp }[] = [
  {
    name: 'etc/sysctl.d -> an absolute outside directory',
    setup: (e) => link(e.root, '/etc/sysctl.d', `${e.outside}/etc/sysctl.d`),
    status: 1,
    message: /directory \/etc\/sysctl\.d does not exist/,
  },
  {
    name: 'etc/sysctl.d -> ../ climbing to an outside directory',
    setup: (e) => link(e.root, '/etc/sysctl.d', climb(`${e.outside}/etc/sysctl.d`)),
    status: 1,
    message: /does not exist/,
  },
  {
    name: 'etc -> an outside directory',
    setup: (e) => link(e.root, '/etc', `${e.outside}/etc`),
    status: 1,
    message: /does not exist/,
  },
  {
    name: 'run/sysctl.d -> outside, with --file there',
    setup: (e) => link(e.root, '/run/sysctl.d', `${e.outside}/etc/sysctl.d`),
    args: ['--file', '/run/sysctl.d/90-tune.conf'],
    status: 1,
    message: /does not exist/,
  },
  {
    name: 'the owned file -> an outside file',
    setup: (e) => link(e.root, '/etc/sysctl.d/99-tune.conf', `${e.outside}/owned.conf`),
    status: 1,
    message: /is a symlink/,
  },
  {
    name: 'the owned file -> ../ climbing to an outside file',
    setup: (e) => link(e.root, '/etc/sysctl.d/99-tune.conf', climb(`${e.outside}/owned.conf`)),
    status: 1,
    message: /is a symlink/,
  },
  {
    name: 'a sysctl file -> outside (read as absent, so never written)',
    setup: (e) => link(e.root, '/proc/sys/net/core/somaxconn', `${e.outside}/value`),
    status: 0,
  },
  {
    name: 'proc/sys/net/core -> an outside directory',
    setup: (e) => link(e.root, '/proc/sys/net/core', `${e.outside}/sys/net/core`),
    status: 0,
  },
  {
    name: 'proc/sys -> ../ climbing to an outside tree',
    setup: (e) => link(e.root, '/proc/sys', climb(`${e.outside}/sys`)),
    status: 0,
  },
];

for (const c of WRITES) {
  test(`confined write: ${c.name}`, () => {
    withEnv((e) => {
      c.setup(e);
      const before = treeDigest(e.outside);
      const r = applyRoot(e, ['--set', 'net.core.somaxconn=4096', ...(c.args ?? [])]);
      try {
        assert.equal(r.status, c.status, r.stdout + r.stderr);
        if (c.message) assert.match(r.stderr, c.message);
        assertClean(r.stdout + r.stderr, 'apply');
        assert.equal(treeDigest(e.outside), before, 'nothing outside the root was written');
      } finally {
        fs.rmSync(r.state, { recursive: true, force: true });
      }
    });
  });
}

test('confined write: etc/sysctl.d -> /etc writes <root>/etc, never the host /etc', () => {
  withEnv((e) => {
    const name = `zz-tune-confine-${process.pid}.conf`;
    link(e.root, '/etc/sysctl.d', '/etc');
    const r = applyRoot(e, ['--set', 'net.core.somaxconn=4096', '--file', `/etc/sysctl.d/${name}`]);
    try {
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.ok(!fs.existsSync(`/etc/${name}`), 'the host /etc was written');
      assert.match(fs.readFileSync(path.join(e.root, 'etc', name), 'utf8'), /net\.core\.somaxconn = 4096/);
      assert.equal(fs.readFileSync(path.join(e.root, 'proc/sys/net/core/somaxconn'), 'utf8'), '4096\n');
    } finally {
      fs.rmSync(`/etc/${name}`, { force: true });
      fs.rmSync(r.state, { recursive: true, force: true });
    }
  });
});

test('confined write: a sysctl file linked inside the root is read but never written through', () => {
  withEnv((e) => {
    fs.mkdirSync(path.join(e.root, 'data'), { recursive: true });
    fs.writeFileSync(path.join(e.root, 'data/somaxconn'), '128\n');
    link(e.root, '/proc/sys/net/core/somaxconn', '/data/somaxconn');
    const r = applyRoot(e, ['--set', 'net.core.somaxconn=4096']);
    try {
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /net\.core\.somaxconn\s+128\s.*read-only/);
      assert.equal(fs.readFileSync(path.join(e.root, 'data/somaxconn'), 'utf8'), '128\n');
    } finally {
      fs.rmSync(r.state, { recursive: true, force: true });
    }
  });
});

test('confined write: rollback after etc/sysctl.d was swapped for a link outside writes nothing outside', () => {
  withEnv((e) => {
    const r = applyRoot(e, ['--set', 'net.core.somaxconn=4096']);
    try {
      assert.equal(r.status, 0, r.stdout + r.stderr);
      fs.copyFileSync(
        path.join(e.root, 'etc/sysctl.d/99-tune.conf'),
        path.join(e.outside, 'etc/sysctl.d/99-tune.conf'),
      );
      link(e.root, '/etc/sysctl.d', `${e.outside}/etc/sysctl.d`);
      const before = treeDigest(e.outside);
      const rb = runTune(['rollback', '--root', e.root, '--yes', '--force', '--state-dir', r.state]);
      assertClean(rb.stdout + rb.stderr, 'rollback');
      assert.equal(treeDigest(e.outside), before, 'nothing outside the root was written');
    } finally {
      fs.rmSync(r.state, { recursive: true, force: true });
    }
  });
});

test('confinedPath: resolution inside a root, component by component', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-confine-'));
  try {
    const mk = (rel: string) => fs.mkdirSync(path.join(root, rel), { recursive: true });
    mk('usr/lib/sysctl.d');
    mk('etc');
    mk('a/b');
    fs.symlinkSync('usr/lib', path.join(root, 'lib'));
    fs.symlinkSync('/etc', path.join(root, 'etc/sysctl.d'));
    fs.symlinkSync('../../../../../../../../tmp', path.join(root, 'a/b/up'));
    fs.symlinkSync('/a/b', path.join(root, 'a/b/self'));
    fs.symlinkSync('x', path.join(root, 'a/loop'));
    fs.symlinkSync('loop', path.join(root, 'a/x'));
    fs.symlinkSync('/nowhere', path.join(root, 'a/dangling'));
    const at = (p: string, last: 'follow' | 'nofollow' = 'follow') => confinedPath(root, p, last);
    assert.equal(at('/lib/sysctl.d/x.conf'), path.join(root, 'usr/lib/sysctl.d/x.conf'));
    assert.equal(at('/etc/sysctl.d/99-tune.conf', 'nofollow'), path.join(root, 'etc/99-tune.conf'));
    assert.equal(at('/etc/sysctl.d', 'nofollow'), path.join(root, 'etc/sysctl.d'), 'the last link is kept');
    assert.equal(at('/etc/sysctl.d'), path.join(root, 'etc'));
    assert.equal(at('/a/b/up/passwd'), path.join(root, 'tmp/passwd'), '.. stops at the root');
    assert.equal(at('/../../etc/passwd'), path.join(root, 'etc/passwd'));
    assert.equal(at('/a/b/self/self/self/c'), path.join(root, 'a/b/c'));
    assert.equal(at('/a/dangling/x'), path.join(root, 'nowhere/x'));
    assert.throws(
      () => at('/a/loop'),
      (e: Error & { code?: string }) => e.code === 'ELOOP',
    );
    assert.equal(at('/a/loop', 'nofollow'), path.join(root, 'a/loop'));
    assert.equal(confinedPath('/', '/etc/sysctl.d/x.conf', 'follow'), '/etc/sysctl.d/x.conf', 'live: as it is');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('readSnapshot of a hostile root (every link at once) reads nothing outside', async () => {
  const root = makeFixtureRoot(FIXTURE);
  const outside = makeOutside();
  try {
    link(root, '/proc/sys/net/core/somaxconn', `${outside}/value`);
    link(root, '/proc/sys/kernel/hostname', climb(`${outside}/value`));
    link(root, '/proc/net/tcp', `${outside}/tcp`);
    link(root, '/etc/sysctl.d', `${outside}/sysctl.d`);
    link(root, '/usr/lib/sysctl.d', climb(`${outside}/sysctl.d`));
    link(root, '/proc/meminfo', `${outside}/meminfo`);
    const s = await readSnapshot({ root, now: NOW, all: true });
    assertClean(JSON.stringify(s), 'readSnapshot');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
