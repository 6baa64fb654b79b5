// esbuild options shared by the package's bundle (scripts/bundle.mjs) and the single executable's
// (scripts/release-sea.mjs): one entry, one CommonJS file, minified.

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

import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

export const bundleOptions = {
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [lazyChildProcess],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // `tune --version` is package.json's, fixed at build time (an installed tune has no package.json to read).
  define: { TUNE_VERSION: JSON.stringify(version) },
};
