// `tune watch` in a real 80x24 terminal (tmux): the frame fits, the header stays on screen frame after frame, and
// nothing piles up in the scrollback.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TUNE_BIN } from '../helpers/repo.js';
import { hasTmux, withTerminal } from '../helpers/terminal.js';

const isRoot = process.getuid?.() === 0;

/** One process builds a busy state (client TIME_WAIT, a CLOSE_WAIT leak) and then hangs: more findings and tables
 *  than 24 rows hold. Bounded: 300 + 40 connections, then it blocks for 100 s. */
const BUILDER = `
const net = require('net');
const one = (port, opts, onConnect) => new Promise((res) => { const c = net.connect({ port, host: '127.0.0.1', ...opts }); c.on('error', res); c.on('connect', () => onConnect(c)); c.on('close', res); c.on('end', res); });
(async () => {
  await new Promise((res) => net.createServer((c) => c.on('error', () => {})).listen(8080, res));
  await new Promise((res) => net.createServer((c) => { c.on('error', () => {}); c.end(); }).listen(8082, res));
  for (let i = 0; i < 300; i++) await one(8080, {}, (c) => c.end());
  const held = [];
  for (let i = 0; i < 40; i++) await one(8082, { allowHalfOpen: true }, (c) => held.push(c));
  setTimeout(() => { require('fs').writeFileSync('/tmp/tune-watch-ready', 'ok'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100000); }, 300);
})();
`;

test(
  'watch on an 80x24 terminal: the header stays on screen across 5 frames, scrollback does not grow',
  { skip: (!isRoot && 'needs root (unshare)') || (!hasTmux && 'needs tmux') },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-watch-'));
    fs.writeFileSync(path.join(dir, 'builder.js'), BUILDER.replace('/tmp/tune-watch-ready', path.join(dir, 'ready')));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const script = [
      `${process.execPath} ${path.join(dir, 'builder.js')} &`,
      `for i in $(seq 100); do [ -e ${path.join(dir, 'ready')} ] && break; sleep 0.1; done`,
      'clear',
      `${process.execPath} ${TUNE_BIN} watch --interval 0.3`,
      'echo WATCH-ENDED',
    ].join('\n');
    await withTerminal(
      script,
      async (term) => {
        await term.waitFor(/tune watch: /, { timeoutMs: 30_000 });
        const history = term.historySize();
        for (let frame = 1; frame <= 5; frame++) {
          const deadline = Date.now() + 20_000;
          let rows = term.visible();
          while (!rows.some((l) => l.includes(`frame ${frame},`)) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
            rows = term.visible();
          }
          assert.ok(
            rows.some((l) => l.includes(`frame ${frame},`)),
            `frame ${frame} shown:\n${rows.join('\n')}`,
          );
          assert.match(rows[0] ?? '', /^tune watch: \S+ \d\d:\d\d:\d\d frame \d+, every 0\.3s/, rows.join('\n'));
          assert.match(rows[1] ?? '', /^TIME_WAIT \d+/, 'trends right under the header');
          assert.ok(rows.length <= 24, `${rows.length} rows`);
          for (const l of rows) assert.ok([...l].length <= 80, `line wider than 80: ${JSON.stringify(l)}`);
          assert.ok(
            rows.some((l) => l.startsWith('INFO CLOSE_WAIT_HELD: ')),
            rows.join('\n'),
          );
          if (frame > 1)
            assert.match(rows[1] ?? '', /TIME_WAIT \d+ (=|↑\+\d+|↓-\d+)/, 'a trend against the frame before');
          assert.equal(term.historySize(), history, 'the scrollback does not grow');
        }
        assert.match(term.visible().join('\n'), /more line\(s\): a taller terminal, or tune diagnose/);
        await term.keys('C-c');
        await term.waitFor(/WATCH-ENDED/);
        // Back on the normal screen: no frame was left behind in it or in the scrollback.
        assert.doesNotMatch(term.screen(), /tune watch: /);
        assert.equal(term.historySize(), history);
      },
      { columns: 80, rows: 24 },
    );
  },
);
