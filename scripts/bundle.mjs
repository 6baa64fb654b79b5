// Bundles the CLI into one file: one parse instead of dozens of module loads keeps `tune plan` near `node -e 0`.
// The prompt library stays external and is only required by the commands that prompt.
import { build } from 'esbuild';

/** commander requires node:child_process at load only for executable subcommands, which tune does not use:
 *  hand it a lazy proxy so plain commands never load child_process, net and the stream stack. */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander')
        ? { path: 'lazy-child-process', namespace: 'tune-shim' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'tune-shim' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_t, k) => require('node:child_process')[k] });",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/tune.js',
  banner: { js: '#!/usr/bin/env node' },
  external: ['@inquirer/prompts'],
  plugins: [lazyChildProcess],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});

// Warm V8's code cache with one real (read-only) plan so the functions a plan runs are cached compiled.
// A failure here only costs start-up time, never correctness: the launcher ignores a missing or rejected cache.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
rmSync('dist/tune.js.cache', { force: true });
const warm = spawnSync(process.execPath, ['bin/tune.cjs', 'plan', '--profile', 'short-connection-api'], {
  env: { ...process.env, TUNE_WRITE_CODE_CACHE: '1', TUNE_ROOT: '/' },
  stdio: 'ignore',
});
if (warm.status !== 0 && warm.status !== 3 && warm.status !== 4)
  console.warn(`code cache not written (plan exited ${warm.status})`);
