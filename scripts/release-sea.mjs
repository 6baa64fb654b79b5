// The single executable (Node's single executable applications): the whole CLI bundled into one script, the prompt
// library included, injected into a copy of this node binary with the shipped profiles and the netlink helper as
// assets (unpacked at run time by src/system/files/embedded-files.ts). Linux x86-64 only, like the .deb.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

const require = createRequire(import.meta.url);
/** The fuse node's official binaries carry to say "a blob may be injected" (documented in Node's SEA guide). */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
};

/** Builds `file` (the executable) using `work` for intermediate files; returns the embedded asset names. */
export async function buildSea(file, work) {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`the single executable is built for linux-x64, not ${process.platform}-${process.arch}`);
  const main = path.join(work, 'tune-sea.js');
  await build({ ...bundleOptions, outfile: main });

  const assets = readdirSync('profiles')
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => ({ name: `profiles/${f}`, mode: 0o644, from: path.join('profiles', f) }));
  if (existsSync('dist/tcp-diag')) assets.push({ name: 'tcp-diag', mode: 0o755, from: 'dist/tcp-diag' });
  const manifest = path.join(work, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({ files: assets.map(({ name, mode }) => ({ name, mode })) }));

  const blob = path.join(work, 'sea.blob');
  const config = path.join(work, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: { 'manifest.json': manifest, ...Object.fromEntries(assets.map((a) => [a.name, a.from])) },
    }),
  );
  run(process.execPath, ['--experimental-sea-config', config]);

  const exe = path.join(work, 'tune');
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  // node's debug symbols are most of the binary's size and of no use to an operator; strip is optional.
  const strip = spawnSync('strip', ['--strip-all', '--remove-section=.comment', exe], { stdio: 'ignore' });
  if (strip.error) console.warn('note: no strip: the executable keeps node debug symbols');
  if (!readFileSync(exe).includes(FUSE))
    throw new Error(`${process.execPath} has no single-executable fuse (not an official node build?)`);
  const { inject } = require('postject');
  await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
  renameSync(exe, file);
  return assets.map((a) => a.name);
}
