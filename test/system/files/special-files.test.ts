// A FIFO, a device, a socket, a directory or an oversized file where tune expects a small regular file: every command
// finishes at once with one line naming the file (or, where tune already treats a bad entry as a finding, that
// finding), never a hang and never a stack trace. Each run is killed after 10 s, which fails the case.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { SysctlKey } from '../../../src/core/sysctl/sysctl-key.js';
import { writeSysctl } from '../../../src/system/proc/proc-sys-write.js';
import { makeFixtureRoot } from '../../helpers/fixture-root.js';
import { KERNEL_PRESETS } from '../../helpers/kernel-presets.js';
import { TUNE_BIN } from '../../helpers/repo.js';
import { tcpTable } from '../../helpers/tcp-rows.js';

const FIXTURE = { release: '5.15.0-130-generic', sysctl: KERNEL_PRESETS['5.15.0-130-generic'] ?? {} };

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with a 10 s limit: a hang is a failure, not a stuck suite. */
function run(args: string[]): Run {
  const r = spawnSync(process.execPath, [TUNE_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
    encoding: 'utf8',
    timeout: 10_000,
    killSignal: 'SIGKILL',
  });
  assert.equal(r.error, undefined, `tune ${args.join(' ')} did not finish within 10 s (a hang)`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (r: Run) => assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at |internal error/, 'no stack trace');

/** A non-zero exit with exactly one line (on stderr, or stdout for `tune check`), matching `message`. */
function assertOneLine(r: Run, status: number, message: RegExp, stream: 'stderr' | 'stdout' = 'stderr'): void {
  assert.equal(r.status, status, r.stdout + r.stderr);
  noStack(r);
  const text = r[stream];
  assert.equal(text.trimEnd().split('\n').length, 1, `one line, got:\n${text}`);
  assert.match(text.trimEnd(), message);
}

interface Ctx {
  /** A scratch directory outside any root (for --profile, --snapshot, --plan files). */
  dir: string;
  root: string;
  state: string;
}

const fifo = (p: string) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.rmSync(p, { recursive: true, force: true });
  execFileSync('mkfifo', [p]);
};
const directory = (p: string) => {
  fs.rmSync(p, { recursive: true, force: true });
  fs.mkdirSync(p, { recursive: true });
};
const symlink = (target: string, p: string) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.rmSync(p, { recursive: true, force: true });
  fs.symlinkSync(target, p);
};
const write = (p: string, data: string | Buffer) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.rmSync(p, { recursive: true, force: true });
  fs.writeFileSync(p, data);
};
/** /dev/zero's device numbers, made in place (needs CAP_MKNOD; the case is skipped without it). */
const zeroDevice = (p: string) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.rmSync(p, { recursive: true, force: true });
  execFileSync('mknod', [p, 'c', '1', '5']);
};
const canMknod = (() => {
  const p = path.join(os.tmpdir(), `tune-mknod-probe-${process.pid}`);
  try {
    zeroDevice(p);
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(p, { force: true });
  }
})();

/** A Unix socket bound at `p` (its file stays while the server is open). */
async function socketFile(p: string): Promise<net.Server> {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.rmSync(p, { recursive: true, force: true });
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(p, resolve));
  return server;
}

const under = (c: Ctx, hostPath: string) => path.join(c.root, hostPath);
const profile = (c: Ctx, name: string, text: string) => {
  write(path.join(c.dir, name), text);
  return path.join(c.dir, name);
};

interface Case {
  name: string;
  device?: boolean;
  /** Builds the hostile file and returns the command line; may return a socket server to close afterwards. */
  setup: (c: Ctx) => string[] | Promise<{ args: string[]; server: net.Server }>;
  check: (r: Run, c: Ctx) => void;
}

const one = (status: number, message: RegExp, stream?: 'stderr' | 'stdout') => (r: Run) =>
  assertOneLine(r, status, message, stream);

/** Snapshot cases where the bad entry is a finding: exit 0, and the snapshot says what it found. */
const snapshotFinds =
  (
    check: (s: {
      sysctl: Record<string, { state: string }>;
      config: ConfigEntry[];
      kernel: { release: string };
    }) => void,
  ) =>
  (r: Run) => {
    assert.equal(r.status, 0, r.stderr);
    noStack(r);
    check(JSON.parse(r.stdout));
  };
interface ConfigEntry {
  path: string;
  error?: string;
  content?: string;
}
const configError = (file: string, error: RegExp) =>
  snapshotFinds((s) => {
    const entry = s.config.find((e) => e.path === file);
    assert.ok(entry, `${file} listed`);
    assert.equal(entry.content, undefined);
    assert.match(entry.error ?? '', error);
  });

const SOMAXCONN = '/proc/sys/net/core/somaxconn';
const TCP = '/proc/net/tcp';

const CASES: Case[] = [
  // --profile FILE and include=: the operator's own files, opened without blocking and only when regular.
  {
    name: '--profile names a FIFO',
    setup: (c) => {
      fifo(path.join(c.dir, 'fifo.conf'));
      return ['plan', '-p', path.join(c.dir, 'fifo.conf'), '--root', c.root];
    },
    check: one(2, /fifo\.conf: cannot read profile: not a regular file \(a FIFO\)$/m),
  },
  {
    name: '--profile names a directory',
    setup: (c) => {
      directory(path.join(c.dir, 'dir.conf'));
      return ['plan', '-p', path.join(c.dir, 'dir.conf'), '--root', c.root];
    },
    check: one(2, /dir\.conf: cannot read profile: not a regular file \(a directory\)/),
  },
  {
    name: '--profile /dev/zero',
    setup: (c) => ['plan', '-p', '/dev/zero', '--root', c.root],
    check: one(2, /^\/dev\/zero: cannot read profile: not a regular file \(a character device\)/),
  },
  {
    name: '--profile /dev/null',
    setup: (c) => ['plan', '-p', '/dev/null', '--root', c.root],
    check: one(2, /^\/dev\/null: cannot read profile: not a regular file \(a character device\)/),
  },
  {
    name: '--profile names a symlink to /dev/zero',
    setup: (c) => {
      symlink('/dev/zero', path.join(c.dir, 'zero.conf'));
      return ['plan', '-p', path.join(c.dir, 'zero.conf'), '--root', c.root];
    },
    check: one(2, /zero\.conf: cannot read profile: not a regular file \(a character device\)/),
  },
  {
    name: '--profile names a Unix socket',
    setup: async (c) => {
      const p = path.join(c.dir, 'sock.conf');
      return { server: await socketFile(p), args: ['plan', '-p', p, '--root', c.root] };
    },
    check: one(2, /sock\.conf: cannot read profile \(ENXIO\)/),
  },
  {
    name: '--profile names a file over 1 MiB',
    setup: (c) => ['plan', '-p', profile(c, 'big.conf', '[sysctl]\n' + '#'.repeat(2 << 20) + '\n'), '--root', c.root],
    check: one(2, /big\.conf: cannot read profile: larger than 1 MiB/),
  },
  {
    name: 'include = a FIFO',
    setup: (c) => {
      fifo(path.join(c.dir, 'inc-fifo.conf'));
      return ['plan', '-p', profile(c, 'a.conf', '[main]\ninclude = ./inc-fifo.conf\n'), '--root', c.root];
    },
    check: one(2, /inc-fifo\.conf: cannot read profile: not a regular file \(a FIFO\)/),
  },
  {
    name: 'include = /dev/zero',
    setup: (c) => ['plan', '-p', profile(c, 'a.conf', '[main]\ninclude = /dev/zero\n'), '--root', c.root],
    check: one(2, /^\/dev\/zero: cannot read profile: not a regular file \(a character device\)/),
  },
  {
    name: 'include = a directory',
    setup: (c) => {
      directory(path.join(c.dir, 'inc-dir.conf'));
      return ['plan', '-p', profile(c, 'a.conf', '[main]\ninclude = inc-dir.conf\n'), '--root', c.root];
    },
    check: one(2, /inc-dir\.conf: cannot read profile: not a regular file \(a directory\)/),
  },
  {
    name: 'a profile by name under --root is a FIFO',
    setup: (c) => {
      fifo(under(c, '/etc/tune/profiles/site.conf'));
      return ['plan', '-p', 'site', '--root', c.root];
    },
    check: one(2, /site\.conf: cannot read profile: not a regular file \(a FIFO\)/),
  },
  {
    name: 'a profile by name under --root links to a FIFO inside the root',
    setup: (c) => {
      fifo(under(c, '/data/fifo'));
      symlink('/data/fifo', under(c, '/etc/tune/profiles/site.conf'));
      return ['plan', '-p', 'site', '--root', c.root];
    },
    check: one(2, /cannot read profile: not a regular file \(a FIFO\)/),
  },
  // /proc/sys under --root: an entry that is not a value is recorded as unreadable (the snapshot's finding).
  {
    name: 'a --root proc/sys entry is a FIFO',
    setup: (c) => {
      fifo(under(c, SOMAXCONN));
      return ['snapshot', '--root', c.root];
    },
    check: snapshotFinds((s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'unreadable')),
  },
  {
    name: 'a --root proc/sys entry is a directory',
    setup: (c) => {
      directory(under(c, SOMAXCONN));
      return ['snapshot', '--root', c.root];
    },
    check: snapshotFinds((s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'unreadable')),
  },
  {
    name: 'a --root proc/sys entry is a Unix socket',
    setup: async (c) => ({ server: await socketFile(under(c, SOMAXCONN)), args: ['snapshot', '--root', c.root] }),
    check: snapshotFinds((s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'unreadable')),
  },
  {
    name: 'a --root proc/sys entry is a character device',
    device: true,
    setup: (c) => {
      zeroDevice(under(c, SOMAXCONN));
      return ['snapshot', '--root', c.root];
    },
    check: snapshotFinds((s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'unreadable')),
  },
  {
    name: 'a --root proc/sys entry is a file over 1 MiB',
    setup: (c) => {
      write(under(c, SOMAXCONN), '1'.repeat((1 << 20) + 10));
      return ['snapshot', '--root', c.root];
    },
    check: snapshotFinds((s) => assert.equal(s.sysctl['net.core.somaxconn']?.state, 'unreadable')),
  },
  {
    name: 'kernel/osrelease is a FIFO',
    setup: (c) => {
      fifo(under(c, '/proc/sys/kernel/osrelease'));
      return ['snapshot', '--root', c.root];
    },
    check: snapshotFinds((s) => assert.equal(s.kernel.release, 'unknown')),
  },
  {
    name: 'plan --set on a key whose proc/sys entry is a FIFO',
    setup: (c) => {
      fifo(under(c, SOMAXCONN));
      return ['plan', '--set', 'net.core.somaxconn=4096', '--root', c.root];
    },
    check: (r) => {
      assert.equal(r.status, 0, r.stderr);
      noStack(r);
      assert.match(r.stdout, /net\.core\.somaxconn .* 4096 +absent/);
    },
  },
  {
    name: 'apply --set on a key whose proc/sys entry is a FIFO',
    setup: (c) => {
      fifo(under(c, SOMAXCONN));
      return ['apply', '--set', 'net.core.somaxconn=4096', '--root', c.root, '--yes', '--state-dir', c.state];
    },
    check: one(1, /^tune: net\.core\.somaxconn: cannot read the runtime value \(unreadable\)$/m),
  },
  // sysctl.d entries: the snapshot records why an entry was not read; the loaders' model skips it.
  {
    name: 'a sysctl.d entry links to a FIFO inside the root',
    setup: (c) => {
      fifo(under(c, '/data/fifo'));
      symlink('/data/fifo', under(c, '/etc/sysctl.d/50-fifo.conf'));
      return ['snapshot', '--root', c.root];
    },
    check: configError('/etc/sysctl.d/50-fifo.conf', /^not a regular file \(a FIFO\)$/),
  },
  {
    name: 'a sysctl.d entry is a FIFO',
    setup: (c) => {
      fifo(under(c, '/etc/sysctl.d/50-fifo.conf'));
      return ['snapshot', '--root', c.root];
    },
    check: configError('/etc/sysctl.d/50-fifo.conf', /^not a regular file \(a FIFO\)$/),
  },
  {
    name: 'a sysctl.d entry links to a directory',
    setup: (c) => {
      directory(under(c, '/data/dir'));
      symlink('../../data/dir', under(c, '/etc/sysctl.d/50-dir.conf'));
      return ['snapshot', '--root', c.root];
    },
    check: configError('/etc/sysctl.d/50-dir.conf', /^not a regular file \(a directory\)$/),
  },
  {
    name: 'a sysctl.d entry links to a character device',
    device: true,
    setup: (c) => {
      zeroDevice(under(c, '/dev/zero'));
      symlink('/dev/zero', under(c, '/etc/sysctl.d/50-zero.conf'));
      return ['snapshot', '--root', c.root];
    },
    check: configError('/etc/sysctl.d/50-zero.conf', /^not a regular file \(a character device\)$/),
  },
  {
    name: 'a sysctl.d file over 1 MiB',
    setup: (c) => {
      write(under(c, '/etc/sysctl.d/50-big.conf'), '#'.repeat(2 << 20));
      return ['snapshot', '--root', c.root];
    },
    check: configError('/etc/sysctl.d/50-big.conf', /^larger than 1 MiB$/),
  },
  {
    name: '/etc/sysctl.conf links to a FIFO',
    setup: (c) => {
      fifo(under(c, '/data/fifo'));
      symlink('../data/fifo', under(c, '/etc/sysctl.conf'));
      return ['snapshot', '--root', c.root];
    },
    check: configError('/etc/sysctl.conf', /^not a regular file \(a FIFO\)$/),
  },
  {
    name: 'plan with a sysctl.d entry linked to a FIFO',
    setup: (c) => {
      fifo(under(c, '/data/fifo'));
      symlink('/data/fifo', under(c, '/etc/sysctl.d/50-fifo.conf'));
      return ['plan', '-p', 'short-connection-api', '--root', c.root];
    },
    check: (r) => {
      assert.equal(r.status, 0, r.stderr);
      noStack(r);
    },
  },
  // The owned file: tune replaces only a regular file.
  {
    name: 'the owned file is a FIFO (apply)',
    setup: (c) => {
      fifo(under(c, '/etc/sysctl.d/99-tune.conf'));
      return ['apply', '--set', 'net.core.somaxconn=4096', '--root', c.root, '--yes', '--state-dir', c.state];
    },
    check: one(1, /^\/etc\/sysctl\.d\/99-tune\.conf: is not a regular file \(a FIFO\); /),
  },
  {
    name: 'the owned file is a directory (apply)',
    setup: (c) => {
      directory(under(c, '/etc/sysctl.d/99-tune.conf'));
      return ['apply', '--set', 'net.core.somaxconn=4096', '--root', c.root, '--yes', '--state-dir', c.state];
    },
    check: one(1, /^\/etc\/sysctl\.d\/99-tune\.conf: is not a regular file \(a directory\); /),
  },
  {
    name: 'the owned file is a FIFO (verify)',
    setup: (c) => {
      fifo(under(c, '/etc/sysctl.d/99-tune.conf'));
      return ['verify', '--root', c.root];
    },
    check: one(1, /^\/etc\/sysctl\.d\/99-tune\.conf: is not a regular file \(a FIFO\); /),
  },
  // Socket tables: diagnose, check, metrics and watch read them; plan only samples them for listeners.
  {
    name: 'proc/net/tcp is a FIFO (diagnose)',
    setup: (c) => {
      fifo(under(c, TCP));
      return ['diagnose', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: cannot read the socket table: not a regular file \(a FIFO\)$/),
  },
  {
    name: 'proc/net/tcp is a directory (diagnose)',
    setup: (c) => {
      directory(under(c, TCP));
      return ['diagnose', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: cannot read the socket table: not a regular file \(a directory\)$/),
  },
  {
    name: 'proc/net/tcp6 is a FIFO (diagnose --json)',
    setup: (c) => {
      fifo(under(c, '/proc/net/tcp6'));
      return ['diagnose', '--json', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp6: cannot read the socket table: not a regular file \(a FIFO\)$/),
  },
  {
    name: 'proc/net/tcp is a Unix socket (diagnose)',
    setup: async (c) => ({ server: await socketFile(under(c, TCP)), args: ['diagnose', '--root', c.root] }),
    check: one(2, /^\/proc\/net\/tcp: cannot read the socket table: ENXIO$/),
  },
  {
    name: 'proc/net/tcp is a character device (diagnose)',
    device: true,
    setup: (c) => {
      zeroDevice(under(c, TCP));
      return ['diagnose', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: cannot read the socket table: not a regular file \(a character device\)$/),
  },
  {
    name: 'proc/net/tcp links to a FIFO inside the root (diagnose)',
    setup: (c) => {
      fifo(under(c, '/data/fifo'));
      symlink('/data/fifo', under(c, TCP));
      return ['diagnose', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: cannot read the socket table: not a regular file \(a FIFO\)$/),
  },
  {
    name: 'proc/net/tcp is a FIFO (check: UNKNOWN, one line on stdout)',
    setup: (c) => {
      fifo(under(c, TCP));
      return ['check', '--root', c.root];
    },
    check: one(
      3,
      /^TUNE UNKNOWN - \/proc\/net\/tcp: cannot read the socket table: not a regular file \(a FIFO\)$/,
      'stdout',
    ),
  },
  {
    name: 'proc/net/tcp is a FIFO (metrics)',
    setup: (c) => {
      fifo(under(c, TCP));
      return ['metrics', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: cannot read the socket table/),
  },
  {
    name: 'proc/net/tcp is a FIFO (watch)',
    setup: (c) => {
      fifo(under(c, TCP));
      return ['watch', '--count', '1', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: cannot read the socket table/),
  },
  {
    name: 'proc/net/tcp is a FIFO (plan: listeners are optional evidence)',
    setup: (c) => {
      fifo(under(c, TCP));
      return ['plan', '-p', 'short-connection-api', '--root', c.root];
    },
    check: (r) => {
      assert.equal(r.status, 0, r.stderr);
      noStack(r);
    },
  },
  {
    name: 'a proc/net/tcp row over 256 KiB',
    setup: (c) => {
      write(under(c, TCP), tcpTable([]) + '   0: ' + '0'.repeat(300 * 1024) + '\n');
      return ['diagnose', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: a row longer than 256 KiB: not a socket table$/),
  },
  {
    name: 'proc/net/tcp is binary garbage',
    setup: (c) => {
      const junk = Buffer.alloc(64 * 1024);
      for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
      write(under(c, TCP), junk);
      return ['diagnose', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp:\d+: malformed socket row: /),
  },
  {
    name: 'proc/net/tcp is 1 MiB of NUL bytes without a newline',
    setup: (c) => {
      write(under(c, TCP), Buffer.alloc(1 << 20));
      return ['diagnose', '--root', c.root];
    },
    check: one(2, /^\/proc\/net\/tcp: a row longer than 256 KiB/),
  },
  {
    name: 'proc/net/snmp is a FIFO (counters are optional: diagnose still reports)',
    setup: (c) => {
      fifo(under(c, '/proc/net/snmp'));
      return ['diagnose', '--root', c.root];
    },
    check: (r) => {
      assert.equal(r.status, 0, r.stderr);
      noStack(r);
    },
  },
  {
    name: 'proc/meminfo is a FIFO (snapshot: memory unknown)',
    setup: (c) => {
      fifo(under(c, '/proc/meminfo'));
      return ['snapshot', '--root', c.root];
    },
    check: (r) => {
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).env.memTotalKiB, null);
    },
  },
  {
    name: 'proc/1/environ is a FIFO (snapshot)',
    setup: (c) => {
      fifo(under(c, '/proc/1/environ'));
      return ['snapshot', '--root', c.root];
    },
    check: (r) => {
      assert.equal(r.status, 0, r.stderr);
      noStack(r);
    },
  },
  // Snapshot and plan files named on the command line.
  {
    name: 'plan --snapshot names a FIFO',
    setup: (c) => {
      fifo(path.join(c.dir, 'snap.json'));
      return ['plan', '--set', 'net.core.somaxconn=4096', '--snapshot', path.join(c.dir, 'snap.json')];
    },
    check: one(2, /snap\.json: cannot read snapshot: not a regular file \(a FIFO\)$/),
  },
  {
    // A directory is a fleet (every *.json in it); one without snapshots is still one line, exit 2.
    name: 'plan --snapshot names a directory without snapshots',
    setup: (c) => ['plan', '--set', 'net.core.somaxconn=4096', '--snapshot', c.dir],
    check: one(2, /: no \*\.json snapshot in this directory$/),
  },
  {
    name: 'plan --snapshot /dev/zero',
    setup: () => ['plan', '--set', 'net.core.somaxconn=4096', '--snapshot', '/dev/zero'],
    check: one(2, /^\/dev\/zero: cannot read snapshot: not a regular file \(a character device\)$/),
  },
  {
    name: 'apply --plan names a FIFO',
    setup: (c) => {
      fifo(path.join(c.dir, 'plan.json'));
      return ['apply', '--plan', path.join(c.dir, 'plan.json'), '--root', c.root, '--yes', '--state-dir', c.state];
    },
    check: one(2, /plan\.json: cannot read plan: not a regular file \(a FIFO\)$/),
  },
  {
    name: 'snapshot -o names a FIFO (never replaced, never written into)',
    setup: (c) => {
      fifo(path.join(c.dir, 'out.json'));
      return ['snapshot', '--root', c.root, '-o', path.join(c.dir, 'out.json')];
    },
    check: (r, c) => {
      assertOneLine(r, 1, /out\.json: is not a regular file \(a FIFO\); /);
      assert.ok(fs.lstatSync(path.join(c.dir, 'out.json')).isFIFO());
    },
  },
];

for (const c of CASES) {
  test(`special file: ${c.name}`, { skip: c.device && !canMknod && 'mknod not permitted here' }, async () => {
    const ctx: Ctx = {
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'tune-special-')),
      root: makeFixtureRoot(FIXTURE),
      state: fs.mkdtempSync(path.join(os.tmpdir(), 'tune-special-state-')),
    };
    fs.mkdirSync(path.join(ctx.root, 'etc/sysctl.d'), { recursive: true });
    let server: net.Server | undefined;
    try {
      const s = await c.setup(ctx);
      const args = Array.isArray(s) ? s : s.args;
      server = Array.isArray(s) ? undefined : s.server;
      c.check(run(args), ctx);
    } finally {
      server?.close();
      for (const d of [ctx.dir, ctx.root, ctx.state]) fs.rmSync(d, { recursive: true, force: true });
    }
  });
}

test('writeSysctl under a root never blocks on, writes into or writes through a special entry', async () => {
  const root = makeFixtureRoot(FIXTURE);
  const key = 'net.core.somaxconn' as SysctlKey;
  const file = path.join(root, SOMAXCONN);
  try {
    fifo(file);
    assert.deepEqual(writeSysctl(root, key, '4096'), { ok: false, code: 'ENXIO' }, 'a FIFO nobody reads');
    directory(file);
    assert.deepEqual(writeSysctl(root, key, '4096'), { ok: false, code: 'EISDIR' });
    symlink('/data/somaxconn', file);
    write(path.join(root, 'data/somaxconn'), '128\n');
    assert.deepEqual(writeSysctl(root, key, '4096'), { ok: false, code: 'ELOOP' }, 'never through a symlink');
    assert.equal(fs.readFileSync(path.join(root, 'data/somaxconn'), 'utf8'), '128\n');
    if (canMknod) {
      zeroDevice(file);
      assert.deepEqual(writeSysctl(root, key, '4096'), { ok: false, code: 'NOTREG' });
    }
    const server = await socketFile(file);
    try {
      assert.equal(writeSysctl(root, key, '4096').code, 'ENXIO');
    } finally {
      server.close();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
