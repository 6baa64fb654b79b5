// Text that reaches a terminal may carry bytes from the host or a file (a process name set with prctl, a value, a
// file line). Only the exact control sequences tune itself emits pass; every other control character is shown as
// an escape (`\x1b`), so a hostile name can neither retitle, clear nor hide anything on an operator's screen.

/** tune's own sequences: the colours of text-style.ts and watch's home-and-clear. */
const OWN = new Set([
  '\x1b[1m',
  '\x1b[2m',
  '\x1b[22m',
  '\x1b[31m',
  '\x1b[32m',
  '\x1b[33m',
  '\x1b[36m',
  '\x1b[39m',
  '\x1b[H',
  '\x1b[2J',
]);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
// eslint-disable-next-line no-control-regex
const SEQUENCE_OR_CONTROL = /\x1b\[(?:\d{1,2}m|H|2J)|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const escapeChar = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Escapes every control character except newline, tab and tune's own colour and redraw sequences. */
export function terminalSafe(text: string): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(SEQUENCE_OR_CONTROL, (m) => (OWN.has(m) ? m : `${escapeChar(m.charAt(0))}${m.slice(1)}`));
}
