// Output to a terminal: tune's own colours pass, anything a host or file smuggles in is shown escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalSafe } from '../../../src/core/text/terminal-safe.js';
import { ansiStyle } from '../../../src/core/text/text-style.js';

test("tune's own colours, newlines and tabs pass unchanged", () => {
  const text = `${ansiStyle.red('REFUSE')} ${ansiStyle.bold('x')}\n\t${ansiStyle.dim('y')}${ansiStyle.cyan('z')}\x1b[H\x1b[2J`;
  assert.equal(terminalSafe(text), text);
  assert.equal(terminalSafe('plain'), 'plain');
});

test('a process name that retitles, clears or hides is shown escaped', () => {
  assert.equal(terminalSafe('node\x1b]2;pwned\x07'), 'node\\x1b]2;pwned\\x07');
  assert.equal(terminalSafe('a\x1b[2Kb'), 'a\\x1b[2Kb', 'erase line is not ours');
  assert.equal(terminalSafe('\x1b[8mhidden'), '\\x1b[8mhidden', 'conceal is not one of our colours');
  assert.equal(terminalSafe('x\ry\bz\x00\x7f\x9b'), 'x\\x0dy\\x08z\\x00\\x7f\\x9b');
});
