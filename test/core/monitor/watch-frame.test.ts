import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnose/diagnosis.js';
import { SocketCensus } from '../../../src/core/diagnose/socket-census.js';
import { TcpTableParser } from '../../../src/core/diagnose/tcp-table-parser.js';
import { fitWidth, renderWatchFrame, trendLine } from '../../../src/core/monitor/watch-frame.js';
import { ansiStyle, plainStyle } from '../../../src/core/text/text-style.js';
import { diagnosisInput } from '../../helpers/diagnosis-input.js';
import { tcpTable, type RowSpec } from '../../helpers/tcp-rows.js';

const report = (rows: RowSpec[]) => {
  const census = new SocketCensus({ low: 32768, high: 60999 });
  const p = new TcpTableParser(4, 'tcp', (r) => census.add(r));
  p.push(Buffer.from(tcpTable(rows)));
  p.end();
  return diagnose(diagnosisInput(census, { takenAt: '2026-12-02T03:04:05.000Z' }));
};
const tw = (n: number, port = 5432) =>
  Array.from({ length: n }, (_, i) => ({
    local: '10.0.0.1',
    lport: 33000 + i,
    remote: '192.0.2.9',
    rport: port,
    state: 6,
  }));

test('a frame fits the terminal: header and trends first, every line cut to the width, the rest counted', () => {
  const r = report([...tw(40), ...tw(3, 443), ...tw(2, 80)]);
  const lines = renderWatchFrame(r, null, 1, 2, { columns: 40, rows: 8 }, plainStyle);
  assert.equal(lines.length, 8);
  assert.match(lines[0]!, /^tune watch: h 03:04:05 frame 1, every/);
  assert.equal(lines[1], 'TIME_WAIT 45  CLOSE_WAIT 0  ESTAB 0  SY…');
  for (const l of lines) assert.ok([...l].length <= 40, l);
  assert.match(lines[7]!, /^… \d+ more line\(s\)/);
  // Without a size (not a terminal) nothing is cut.
  const whole = renderWatchFrame(r, null, 1, 2, null, plainStyle);
  assert.ok(whole.length > 8 && !whole.some((l) => l.startsWith('… ')));
});

test('trends: arrows and deltas against the previous frame; nothing on the first', () => {
  const before = report(tw(10));
  const after = report(tw(25));
  assert.equal(trendLine(before, null), 'TIME_WAIT 10  CLOSE_WAIT 0  ESTAB 0  SYN_RECV 0');
  assert.equal(trendLine(after, before), 'TIME_WAIT 25 ↑+15  CLOSE_WAIT 0 =  ESTAB 0 =  SYN_RECV 0 =');
  assert.equal(trendLine(before, after), 'TIME_WAIT 10 ↓-15  CLOSE_WAIT 0 =  ESTAB 0 =  SYN_RECV 0 =');
});

test('fitWidth counts only visible characters and closes colours it cuts', () => {
  const red = ansiStyle.red('abcdefghij');
  assert.equal(fitWidth(red, 10), red, 'fits: unchanged');
  assert.equal(fitWidth(red, 5), '\x1b[31mabcd…\x1b[39m\x1b[22m');
  assert.equal(fitWidth('plain text', 6), 'plain…');
  assert.equal(fitWidth('tiny', 6), 'tiny');
});
