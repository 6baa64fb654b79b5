// A short, printable quote of untrusted text for an error message: a parse error names file and line, and shows at
// most the start of the line, so pointing tune at a secret (a shadow file as a profile) echoes nothing worth having.

/** Longest quote shown, in characters. */
export const EXCERPT_CHARS = 40;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g;

/**
 * The first `max` characters of `text`, control characters shown as `\xNN` (`\u2028` for the line separators) and a
 * cut marked with `...`.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const chars = [...text];
  const head = chars.slice(0, max).join('');
  const shown = head.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
  return chars.length > max ? `${shown}...` : shown;
}
