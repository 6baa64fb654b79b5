import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commentsAbove } from '../../../src/core/sysctl/conf-comments.js';

test('the comment block directly above an assignment is its reason; a blank line or an assignment ends a block', () => {
  const text = [
    '# Kernel tuning',
    '',
    '# Reduce TIME_WAIT timeout',
    '#   to 30 seconds',
    'net.ipv4.tcp_fin_timeout = 30',
    'net.ipv4.tcp_tw_reuse = 1',
    '; semicolon comment',
    'net.core.somaxconn = 65535',
    '#',
    'net.ipv4.tcp_syncookies = 1',
  ].join('\n');
  assert.deepEqual(
    [...commentsAbove(text)],
    [
      [5, 'Reduce TIME_WAIT timeout to 30 seconds'],
      [8, 'semicolon comment'],
    ],
  );
});
