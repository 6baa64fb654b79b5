// Bundles the CLI into one file: one parse instead of dozens of module loads keeps `tune plan` near `node -e 0`.
// The prompt library stays external and is only required by the commands that prompt.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/tune.js',
  banner: { js: '#!/usr/bin/env node' },
  external: ['@inquirer/prompts'],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
