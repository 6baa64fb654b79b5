// One frame of `tune watch` for a terminal of a given size: a header that never scrolls away, trends against the
// previous frame, then the sections in order of importance, every line cut to the width and the frame to the height.
import { detailLines, findingLines, summaryLines } from '../diagnose/render-diagnosis.js';
import type { DiagnosisReport } from '../diagnose/diagnosis.js';
import { terminalSafe } from '../text/terminal-safe.js';
import type { Style } from '../text/text-style.js';

export interface FrameSize {
  columns: number;
  rows: number;
}

/** The counts whose movement between frames is shown, with the report field they come from. */
const TRENDS: [string, (r: DiagnosisReport) => number][] = [
  ['TIME_WAIT', (r) => r.timeWait.total],
  ['CLOSE_WAIT', (r) => r.closeWait.total + r.closeWait.inAcceptQueue],
  ['ESTAB', (r) => r.sockets.byState.ESTABLISHED ?? 0],
  ['SYN_RECV', (r) => r.sockets.byState.SYN_RECV ?? 0],
];

/** "TIME_WAIT 5300 ↑+120": the value and how it moved since the previous frame (nothing on the first). */
export function trendLine(r: DiagnosisReport, previous: DiagnosisReport | null): string {
  return TRENDS.map(([name, of]) => {
    const now = of(r);
    if (!previous) return `${name} ${now}`;
    const d = now - of(previous);
    return `${name} ${now} ${d > 0 ? `↑+${d}` : d < 0 ? `↓${d}` : '='}`;
  }).join('  ');
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** Cuts a line to `width` visible columns (colour sequences take none), ending it with "…" when cut. */
export function fitWidth(line: string, width: number): string {
  const visible = [...line.replace(SGR, '')];
  if (visible.length <= width) return line;
  let out = '';
  let shown = 0;
  for (let i = 0; i < line.length && shown < width - 1;) {
    SGR.lastIndex = i;
    const m = line.startsWith('\x1b[', i) ? SGR.exec(line) : null;
    if (m && m.index === i) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i) ?? 32);
    out += ch;
    shown++;
    i += ch.length;
  }
  // Close any colour left open, so the "…" and the next line are plain.
  return `${out}…${out.includes('\x1b[') ? '\x1b[39m\x1b[22m' : ''}`;
}

/**
 * The frame's lines: header, trends and counter window first, then findings (most severe first), then the tables;
 * cut to the size with a last line saying what was left out. Without a size (not a terminal) nothing is cut.
 */
export function renderWatchFrame(
  r: DiagnosisReport,
  previous: DiagnosisReport | null,
  frame: number,
  everySeconds: number,
  size: FrameSize | null,
  style: Style,
): string[] {
  const time = r.takenAt.slice(11, 19);
  const head = [
    style.bold(`tune watch: ${r.hostname} ${time} frame ${frame}, every ${everySeconds}s (Ctrl-C quits)`),
    trendLine(r, previous),
  ];
  const body = [...summaryLines(r, style), ...findingLines(r, style), ...detailLines(r, style)];
  if (!size) return [...head, ...body];
  const width = Math.max(20, size.columns);
  const room = Math.max(1, size.rows - head.length);
  let shown = body;
  if (body.length > room) {
    shown = body.slice(0, room - 1);
    shown.push(style.dim(`… ${body.length - shown.length} more line(s): a taller terminal, or tune diagnose`));
  }
  // Escaped first (a hostile command line's control characters become text), then cut: what is cut is what shows.
  return [...head, ...shown].slice(0, Math.max(1, size.rows)).map((l) => fitWidth(terminalSafe(l), width));
}
