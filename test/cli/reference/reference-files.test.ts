// The man page and completions are generated from the command tree and committed: stale copies fail here, and the
// generated text must carry every visible command and option with its --help wording.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allCommands, readCommandTree } from '../../../src/cli/reference/command-tree.js';
import { referenceFiles } from '../../../src/cli/reference/reference-files.js';
import { repoRoot } from '../../helpers/repo.js';

const root = repoRoot();
const generated = referenceFiles(fs.readdirSync(path.join(root, 'profiles')));

for (const [file, text] of Object.entries(generated)) {
  test(`${file} is up to date with the command tree (else run \`npm run docs:reference\`)`, () => {
    assert.equal(fs.readFileSync(path.join(root, file), 'utf8'), text);
  });
}

test('the man page has a section for every visible command with each option and the text after --help', () => {
  const man = generated['man/tune.1'] ?? '';
  const unroff = (s: string) => s.replace(/\\-/g, '-').replace(/\\e/g, '\\').replace(/^\\&/gm, '');
  const page = unroff(man);
  const commands = allCommands(readCommandTree());
  assert.ok(commands.length > 15);
  for (const c of commands.slice(1)) {
    assert.ok(page.includes(`.SS "${c.usage}"`), c.usage);
    for (const o of c.options) assert.ok(page.includes(`.B ${o.term}\n${o.description}\n`), `${c.usage}: ${o.term}`);
    assert.ok(c.after.includes('Exit codes'), `${c.usage} documents its exit codes`);
    assert.ok(page.includes(c.after.trimEnd()), `${c.usage}: text after the options`);
  }
  assert.ok(!page.includes('watchdog'), 'the internal watchdog stays out, as from --help');
});

test('every command and option is offered by both completions', () => {
  for (const c of allCommands(readCommandTree())) {
    for (const file of ['completions/tune.bash', 'completions/_tune']) {
      const text = generated[file] ?? '';
      if (c.path.length) assert.ok(text.includes(`${c.path.at(-1)}`), `${file}: ${c.path.join(' ')}`);
      for (const o of c.options) assert.ok(text.includes(o.long ?? o.short ?? '?'), `${file}: ${o.term}`);
    }
  }
});
