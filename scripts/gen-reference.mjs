// Regenerates the man page and the shell completions from the command tree (run after `tsc`): man/tune.1,
// completions/tune.bash (bash) and completions/_tune (zsh). The test suite fails when the committed files are stale.
import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { referenceFiles } = require('../build/src/cli/reference/reference-files.js');

const root = new URL('..', import.meta.url);
const profiles = readdirSync(new URL('profiles/', root)).filter((f) => f.endsWith('.conf'));
for (const [file, text] of Object.entries(referenceFiles(profiles))) {
  writeFileSync(new URL(file, root), text);
  console.log(`${file}: ${text.split('\n').length} lines`);
}
