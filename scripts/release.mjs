// `npm run release`: builds, then puts the three ways to install tune into release/ with SHA256SUMS:
//   tune-VERSION-linux-x64      the single executable (no Node needed)
//   tune_VERSION-1_amd64.deb    that executable with the helper, profiles, man page and completion
//   tune-sysctl-VERSION.tgz     the npm package
// Usage: node scripts/release.mjs [--out DIR] [--no-build]   (--no-build packages the existing dist/, as the tests do)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDeb } from './release-deb.mjs';
import { buildSea } from './release-sea.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const out = path.resolve(arg('--out') ?? 'release');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const started = Date.now();
const step = (what, fn) => {
  const t = Date.now();
  const r = fn();
  console.log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return r;
};
const npm = (args) => {
  const r = spawnSync('npm', args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed`);
  return r.stdout;
};

try {
  if (!process.argv.includes('--no-build')) step('build', () => npm(['run', '--silent', 'build']));
  rmSync(out, { recursive: true, force: true });
  const work = path.join(out, '.work');
  mkdirSync(work, { recursive: true });
  // The build above is what prepack would run again: pack what it made.
  const tgz = step(
    'npm pack',
    () => JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out]))[0].filename,
  );
  const exe = path.join(out, `tune-${version}-linux-x64`);
  const t = Date.now();
  await buildSea(exe, work);
  console.log(`single executable: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const deb = step('deb', () => buildDeb({ exe, out, version, work }));
  rmSync(work, { recursive: true, force: true });

  const artefacts = [path.basename(exe), path.basename(deb), tgz];
  const sum = (f) =>
    createHash('sha256')
      .update(readFileSync(path.join(out, f)))
      .digest('hex');
  writeFileSync(path.join(out, 'SHA256SUMS'), artefacts.map((f) => `${sum(f)}  ${f}\n`).join(''));
  for (const f of artefacts) console.log(`${f}  ${(statSync(path.join(out, f)).size / 1e6).toFixed(1)} MB`);
  console.log(
    `release/ (${out}) in ${((Date.now() - started) / 1000).toFixed(1)} s; check with: sha256sum -c SHA256SUMS`,
  );
} catch (e) {
  console.error(`release: ${e.message}`);
  process.exit(1);
}
