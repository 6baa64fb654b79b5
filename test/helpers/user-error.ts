// The one line a UserError shows, for tests of bad input ("no error" when the call succeeds).
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';

/** Runs `fn` and returns its UserError's formatted line; any other error fails the test. */
export function userErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    return e.format();
  }
  return 'no error';
}
