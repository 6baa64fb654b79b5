// Bundles the CLI into one file: one parse instead of dozens of module loads keeps `tune plan` near `node -e 0`.
// The prompt library stays external and is only required by the commands that prompt.
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

await build({
  ...bundleOptions,
  outfile: 'dist/tune.js',
  // The file is one function expression (Node's CommonJS wrapper, written here): bin/tune.cjs compiles its text
  // as it is, so the 330 KB source exists once in memory instead of three times (read, unshebanged, wrapped).
  banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '\n})' },
  external: ['@inquirer/prompts'],
  sourcemap: 'linked',
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
