// The release (`npm run release`, here packaging the build `npm test` just made): the single executable, the .deb
// and the npm tarball, each run the way an operator would get it. Built once for the whole file (about a minute).
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot, SANDBOX } from '../helpers/repo.js';
import { hasTmux, withTerminal } from '../helpers/terminal.js';

const root = repoRoot();
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const skip =
  (!(process.platform === 'linux' && process.arch === 'x64') && 'the release is built for linux-x64') ||
  (!has('dpkg-deb') && 'dpkg-deb is missing (scripts/install-test-tools installs it)');
const isRoot = process.getuid?.() === 0;
const skipSandbox = skip || (!isRoot && 'needs root (unshare)');

let tmp = '';
let release = '';
let debRoot = '';
const exe = () => path.join(release, `tune-${version}-linux-x64`);
const deb = () => path.join(release, `tune_${version}-1_amd64.deb`);
const tgz = () => path.join(release, `tune-sysctl-${version}.tgz`);

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}
function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): Ran {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.error) throw r.error;
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}
/** No PATH at all: nothing but the file named can run (no node, no shell). */
const bare = (extra: Record<string, string> = {}) => ({ env: { PATH: '', ...extra }, cwd: '/' });

before(() => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-release-'));
  release = path.join(tmp, 'release');
  const r = run(process.execPath, ['scripts/release.mjs', '--no-build', '--out', release], { cwd: root });
  assert.equal(r.status, 0, `release failed:\n${r.stdout}\n${r.stderr}`);
  debRoot = path.join(tmp, 'deb');
  assert.equal(run('dpkg-deb', ['-x', deb(), debRoot]).status, 0);
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('release/ holds the three artefacts and SHA256SUMS that checks them', { skip }, () => {
  const sums = fs.readFileSync(path.join(release, 'SHA256SUMS'), 'utf8');
  for (const f of [exe(), deb(), tgz()]) assert.match(sums, new RegExp(`^[0-9a-f]{64}  ${path.basename(f)}$`, 'm'));
  const r = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: release });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(
    fs.readdirSync(release).sort(),
    ['SHA256SUMS', ...[exe(), deb(), tgz()].map((f) => path.basename(f))].sort(),
  );
});

test(
  'the .deb installs the executable, helper, profiles, man page, completions and doc where Debian expects',
  { skip },
  () => {
    for (const [file, mode] of [
      ['usr/bin/tune', 0o755],
      ['usr/lib/tune/tcp-diag', 0o755],
      ['usr/share/tune/profiles/short-connection-api.conf', 0o644],
      ['usr/share/man/man1/tune.1.gz', 0o644],
      ['usr/share/bash-completion/completions/tune', 0o644],
      ['usr/share/zsh/vendor-completions/_tune', 0o644],
      ['usr/share/doc/tune/copyright', 0o644],
      ['usr/share/doc/tune/changelog.Debian.gz', 0o644],
    ] as const) {
      const st = fs.statSync(path.join(debRoot, file));
      assert.equal(st.mode & 0o777, mode, file);
    }
    const control = run('dpkg-deb', ['-f', deb()]).stdout;
    assert.match(control, /^Package: tune$/m);
    assert.match(control, new RegExp(`^Version: ${version}-1$`, 'm'));
    assert.match(control, /^Architecture: amd64$/m);
    assert.match(control, /^Depends: .*libc6/m);
  },
);

test('the packaged binary runs with no PATH (no node): --version and plan on this host', { skip }, () => {
  const tune = path.join(debRoot, 'usr/bin/tune');
  const v = run(tune, ['--version'], bare());
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), version);
  const p = run(tune, ['plan', '-p', 'short-connection-api', '--json'], bare());
  assert.equal(p.status, 0, p.stderr);
  const plan = JSON.parse(p.stdout) as { changes: { key: string }[] };
  assert.ok(
    plan.changes.some((c) => c.key === 'net.core.somaxconn'),
    p.stdout,
  );
  const bad = run(tune, ['plan', '-p', 'no-such-profile'], bare());
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, `one line, no stack: ${bad.stderr}`);
});

test(
  'the packaged binary diagnoses through its netlink helper in /usr/lib/tune (in the sandbox)',
  { skip: skipSandbox },
  () => {
    const tune = path.join(debRoot, 'usr/bin/tune');
    const r = run(SANDBOX, ['env', '-i', 'PATH=', tune, 'diagnose', '--source', 'netlink', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(r.stdout) as { sockets: { source: string; total: number } };
    assert.equal(d.sockets.source, 'netlink');
  },
);

test(
  'the standalone executable unpacks its profiles and helper into a private directory and checks them',
  { skip },
  () => {
    const runtime = fs.mkdtempSync(path.join(tmp, 'xdg-'));
    const env = { XDG_RUNTIME_DIR: runtime };
    const p = run(exe(), ['plan', '-p', 'short-connection-api'], bare(env));
    assert.equal(p.status, 0, p.stderr);
    const [dir, ...more] = fs.readdirSync(runtime);
    assert.equal(more.length, 0);
    const unpacked = path.join(runtime, dir ?? '');
    assert.match(dir ?? '', new RegExp(`^tune-${process.getuid?.()}-[0-9a-f]{16}$`));
    assert.equal(fs.lstatSync(unpacked).mode & 0o777, 0o700);
    const helper = path.join(unpacked, 'tcp-diag');
    const original = fs.readFileSync(helper);

    // Someone (the same user, or a bug) replaced the helper: it is restored before it runs.
    fs.writeFileSync(helper, '#!/bin/sh\necho replaced\n');
    const d = run(exe(), ['diagnose', '--json'], bare(env));
    assert.equal(d.status, 0, d.stderr);
    assert.deepEqual(fs.readFileSync(helper), original);

    // The name is taken by a directory others can write into: not used; a fresh private one serves this run.
    fs.rmSync(unpacked, { recursive: true });
    fs.mkdirSync(unpacked, { mode: 0o777 });
    fs.chmodSync(unpacked, 0o777);
    const own = fs.mkdtempSync(path.join(tmp, 'own-tmp-'));
    const q = run(exe(), ['plan', '-p', 'short-connection-api'], bare({ ...env, TMPDIR: own }));
    assert.equal(q.status, 0, q.stderr);
    assert.deepEqual(fs.readdirSync(unpacked), [], 'nothing written into the untrusted directory');
    assert.deepEqual(fs.readdirSync(own), [], 'the per-run directory is removed at exit');
  },
);

test(
  'the npm tarball holds the bundle, profiles, docs and helper source only, and runs from a fresh prefix',
  { skip },
  () => {
    const files = run('tar', ['tzf', tgz()])
      .stdout.trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'bin/tune.cjs',
      'dist/tune.js',
      'profiles/proxy.conf',
      'docs/exit-codes.md',
      'man/tune.1',
      'native/tcp-diag.c',
    ])
      assert.ok(files.includes(f), f);
    assert.deepEqual(
      files.filter(
        (f) =>
          !/^(bin\/tune\.cjs|dist\/tune\.js(\.cache)?|profiles\/.*|docs\/.*|man\/tune\.1|native\/tcp-diag\.c|scripts\/build-native\.mjs|package\.json|README\.md)$/.test(
            f,
          ),
      ),
      [],
    );
    const prefix = path.join(tmp, 'prefix');
    const i = run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tgz()], {
      cwd: tmp,
    });
    assert.equal(i.status, 0, i.stderr);
    const env = { PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}`, HOME: process.env.HOME ?? '/root' };
    const v = run('tune', ['--version'], { env, cwd: os.tmpdir() });
    assert.equal(v.stdout.trim(), version, v.stderr);
    const p = run('tune', ['plan', '-p', 'short-connection-api'], { env, cwd: '/' });
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /net\.core\.somaxconn/);
    assert.ok(fs.existsSync(path.join(prefix, 'share/man/man1/tune.1')), 'npm links the man page');
  },
);

test('the man page renders without warnings, and completion registers in bash', { skip }, () => {
  const man = run('man', ['--warnings', '-l', path.join(debRoot, 'usr/share/man/man1/tune.1.gz')], {
    env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '100' },
  });
  assert.equal(man.status, 0, man.stderr);
  assert.equal(man.stderr, '');
  for (const s of ['tune plan [options]', 'tune profiles show [options] <name>', 'EXIT STATUS', '--detailed-exitcode'])
    assert.ok(man.stdout.includes(s), s);

  const completion = path.join(debRoot, 'usr/share/bash-completion/completions/tune');
  const script = `source ${completion}; complete -p tune
COMP_WORDS=(tune plan --prof); COMP_CWORD=2; _tune; echo "OPTS=\${COMPREPLY[*]}"
COMP_WORDS=(tune diagnose --source ''); COMP_CWORD=3; _tune; echo "CHOICES=\${COMPREPLY[*]}"`;
  const b = run('bash', ['--norc', '-c', script]);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /^complete -F _tune tune$/m);
  assert.match(b.stdout, /^OPTS=--profile$/m);
  assert.match(b.stdout, /^CHOICES=auto netlink procfs$/m);
  if (has('zsh'))
    assert.equal(run('zsh', ['-n', path.join(debRoot, 'usr/share/zsh/vendor-completions/_tune')]).status, 0);
});

test(
  'lintian finds nothing but the initial-upload warning',
  { skip: skip || (!has('lintian') && 'lintian is missing') },
  () => {
    const r = run('lintian', ['--pedantic', '--suppress-tags', 'initial-upload-closes-no-bugs', deb()], {
      timeout: 300_000,
    });
    const tags = r.stdout.split('\n').filter((l) => /^[EWIP]: /.test(l));
    assert.deepEqual(tags, []);
  },
);

test(
  'interactive apply through the standalone executable in a real terminal, no node on PATH (sandbox)',
  { skip: skipSandbox || (!hasTmux && 'tmux is missing') },
  async () => {
    const runtime = fs.mkdtempSync(path.join(tmp, 'xdg-tty-'));
    const script = [
      `env -i TERM="$TERM" PATH=/nonexistent XDG_RUNTIME_DIR=${runtime} ${exe()} apply -p short-connection-api`,
      'echo "EXIT=$?"',
      'echo "SOMAXCONN=$(cat /proc/sys/net/core/somaxconn)"',
      'echo "LINES=$(grep -c "^net\\." /etc/sysctl.d/99-tune.conf)"',
      'echo DONE',
    ].join('\n');
    await withTerminal(script, async (t) => {
      await t.waitFor(/Changes to apply/);
      await t.keys('Enter');
      await t.waitFor(/Set \d+ runtime value\(s\) and (write|leave) .*\? \(y\/N\)/);
      await t.keys('y', 'Enter');
      const screen = await t.waitFor(/^DONE$/m);
      assert.match(screen, /^EXIT=0$/m, screen);
      assert.match(screen, /^SOMAXCONN=8192$/m, screen);
      assert.match(screen, /^LINES=5$/m, screen);
    });
  },
);
