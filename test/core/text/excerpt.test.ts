// excerpt(): the short, escaped quote parse errors show of an untrusted line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXCERPT_CHARS, excerpt } from '../../../src/core/text/excerpt.js';

test('short text is shown as it is', () => {
  assert.equal(excerpt('net.core.somaxconn 4096'), 'net.core.somaxconn 4096');
  assert.equal(excerpt(''), '');
});

test(`longer text is cut at ${EXCERPT_CHARS} characters and marked`, () => {
  const cut = excerpt('a'.repeat(EXCERPT_CHARS) + 'SECRET');
  assert.equal(cut, 'a'.repeat(EXCERPT_CHARS) + '...');
  assert.equal(excerpt('a'.repeat(EXCERPT_CHARS)), 'a'.repeat(EXCERPT_CHARS), 'exactly the limit: no mark');
  assert.equal(excerpt('abcdef', 3), 'abc...');
});

test('control characters and line separators are escaped, never passed through', () => {
  assert.equal(excerpt('\x1b[2J\x07\x00\x7f\x9b'), '\\x1b[2J\\x07\\x00\\x7f\\x9b');
  assert.equal(excerpt('a\u2028b\u2029c'), 'a\\u2028b\\u2029c');
  assert.equal(excerpt('tab\there'), 'tab\\x09here');
});

test('characters count as characters: an astral one is never split', () => {
  assert.equal(excerpt('😀'.repeat(EXCERPT_CHARS + 1)), '😀'.repeat(EXCERPT_CHARS) + '...');
});
