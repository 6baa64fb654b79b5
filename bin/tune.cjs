#!/usr/bin/env node
// Launcher: runs dist/tune.js through V8's code cache (dist/tune.js.cache, made by `npm run build`), so start-up
// skips most parsing and compiling. A missing or stale cache is simply ignored (V8 rejects it) and costs nothing extra.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '..', 'dist', 'tune.js');
const source = fs.readFileSync(file, 'utf8').replace(/^#!.*/, '');
let cachedData;
try {
  cachedData = fs.readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined;
}
const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new vm.Script(wrapper, {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const mod = { exports: {}, filename: file, id: '.', loaded: false };
const req = require('node:module').createRequire(file);
req.main = mod;
module.exports = script.runInThisContext()(mod.exports, req, mod, file, path.dirname(file));
if (process.env.TUNE_WRITE_CODE_CACHE) {
  process.on('exit', () => fs.writeFileSync(`${file}.cache`, script.createCachedData()));
}
