// The .deb, built with dpkg-deb from the single executable: /usr/bin/tune, the netlink helper in /usr/lib/tune, the
// profiles in /usr/share/tune/profiles (the executable prefers these installed copies to its embedded ones), tune(1),
// bash and zsh completion, and /usr/share/doc/tune. Control fields come from packaging/debian/. gzip, not xz: xz -6
// took a minute on the 87 MB executable (xz -1: 22 s, 25 MB; gzip: 7 s, 32 MB).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Shared libraries the ELF files need, as dpkg-shlibdeps words them; a fixed list when it is not installed. */
function shlibDepends(work, elves) {
  mkdirSync(path.join(work, 'debian'), { recursive: true });
  writeFileSync(path.join(work, 'debian', 'control'), 'Source: tune\n\nPackage: tune\nArchitecture: amd64\n');
  const r = spawnSync('dpkg-shlibdeps', ['-O', ...elves.map((e) => `-e${path.relative(work, e)}`)], {
    cwd: work,
    encoding: 'utf8',
  });
  const m = /^shlibs:Depends=(.*)$/m.exec(r.stdout ?? '');
  if (m) return m[1];
  console.warn(`note: dpkg-shlibdeps unavailable (${r.error?.message ?? r.stderr.trim()}): fixed Depends`);
  return 'libc6 (>= 2.28), libgcc-s1 (>= 3.0), libstdc++6 (>= 9)';
}

/** RFC 2822 time of the last commit (reproducible changelog), else now. */
function changelogDate() {
  const r = spawnSync('git', ['log', '-1', '--format=%cD'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : new Date().toUTCString().replace('GMT', '+0000');
}

const template = (file, values) =>
  readFileSync(path.join('packaging', 'debian', file), 'utf8').replace(/@([A-Z_]+)@/g, (_, k) => values[k]);

/** Builds the package from `exe` into directory `out`; returns the .deb's path. */
export function buildDeb({ exe, out, version, work }) {
  const root = path.join(work, 'deb');
  const debVersion = `${version}-1`;
  const put = (rel, from, mode, transform = (b) => b) => {
    const to = path.join(root, rel);
    mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
    writeFileSync(to, transform(readFileSync(from)));
    chmodSync(to, mode);
    return to;
  };
  const gz = (b) => gzipSync(b, { level: 9 });
  const elves = [put('usr/bin/tune', exe, 0o755)];
  if (existsSync('dist/tcp-diag')) elves.push(put('usr/lib/tune/tcp-diag', 'dist/tcp-diag', 0o755));
  for (const f of readdirSync('profiles').filter((f) => f.endsWith('.conf')))
    put(`usr/share/tune/profiles/${f}`, path.join('profiles', f), 0o644);
  put('usr/share/man/man1/tune.1.gz', 'man/tune.1', 0o644, gz);
  put('usr/share/bash-completion/completions/tune', 'completions/tune.bash', 0o644);
  put('usr/share/zsh/vendor-completions/_tune', 'completions/_tune', 0o644);
  put('usr/share/doc/tune/copyright', 'packaging/debian/copyright', 0o644);
  put('usr/share/lintian/overrides/tune', 'packaging/debian/lintian-overrides', 0o644);
  const changelog = path.join(work, 'changelog.Debian');
  writeFileSync(changelog, template('changelog', { VERSION: debVersion, DATE: changelogDate() }));
  put('usr/share/doc/tune/changelog.Debian.gz', changelog, 0o644, gz);

  let kib = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      kib += e.isDirectory() ? 4 : Math.ceil(statSync(p).size / 1024);
    }
  };
  walk(root);
  mkdirSync(path.join(root, 'DEBIAN'), { recursive: true, mode: 0o755 });
  const control = template('control', {
    VERSION: debVersion,
    INSTALLED_SIZE: String(kib),
    DEPENDS: shlibDepends(work, elves),
  });
  writeFileSync(path.join(root, 'DEBIAN', 'control'), control);
  const files = readdirSync(root, { recursive: true }).filter(
    (p) => !p.startsWith('DEBIAN') && statSync(path.join(root, p)).isFile(),
  );
  const md5 = (p) =>
    createHash('md5')
      .update(readFileSync(path.join(root, p)))
      .digest('hex');
  writeFileSync(
    path.join(root, 'DEBIAN', 'md5sums'),
    files
      .sort()
      .map((p) => `${md5(p)}  ${p}\n`)
      .join(''),
  );
  for (const d of [root, ...readdirSync(root, { recursive: true }).map((p) => path.join(root, p))])
    if (statSync(d).isDirectory()) chmodSync(d, 0o755);

  const deb = path.join(out, `tune_${debVersion}_amd64.deb`);
  const r = spawnSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, deb], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`dpkg-deb failed: ${r.error?.message ?? r.stderr}`);
  return deb;
}
