#!/usr/bin/env node
// Launcher: runs dist/tune.js through V8's code cache (dist/tune.js.cache, made by `npm run build`), so start-up
// skips most parsing and compiling. A missing or stale cache is simply ignored (V8 rejects it) and costs nothing extra.
'use strict';
// The young generation stays at its starting size instead of growing to 16 MiB semi-spaces: tune's work is streams
// of short-lived values (a 1M-socket diagnose keeps almost nothing), so a larger nursery only raised the peak RSS
// (by ~2.5 MB at 1M sockets, bench/diagnose-memory.mjs) and saved no measurable time. The code cache is made with
// the same flag (V8 rejects a cache made under other flags).
require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '..', 'dist', 'tune.js');
// The bundle is already wrapped as a CommonJS function (scripts/bundle.mjs), so its text is compiled as read
// (esbuild writes ASCII only: non-ASCII characters are escaped, so latin1 reads it exactly and fastest).
const wrapper = fs.readFileSync(file, 'latin1');
let cachedData;
try {
  cachedData = fs.readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(wrapper, {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
cachedData = undefined; // consumed: its 450 KB need not live as long as the process
const mod = { exports: {}, filename: file, id: '.', loaded: false };
const req = require('node:module').createRequire(file);
req.main = mod;
module.exports = script.runInThisContext()(mod.exports, req, mod, file, path.dirname(file));
if (process.env.TUNE_WRITE_CODE_CACHE) {
  process.on('exit', () => fs.writeFileSync(`${file}.cache`, script.createCachedData()));
}
