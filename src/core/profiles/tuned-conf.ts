// One tuned.conf (or a tuned variables file) read as tuned 2.20 reads it: Python's ConfigParser with `=` as the only
// delimiter, `#` and `;` comment lines, `#` after white space ending a value, case kept, a repeated option or
// section merged (later wins). The comment block right above an option is its reason.
import { UserError } from '../errors.js';
import { excerpt } from '../text/excerpt.js';
import { commentsAbove } from '../sysctl/conf-comments.js';

export interface TunedOption {
  value: string;
  file: string;
  line: number;
  reason?: string;
}

/** Sections in file order, each an ordered map of options (a Map keeps the first position of a re-set option). */
export type TunedSections = Map<string, Map<string, TunedOption>>;

/**
 * Parses tuned.conf text; `implicitSection` names the section of lines before any header (tuned reads a variables
 * file that way), otherwise such a line is an error as in tuned. `${i:PROFILE_DIR}` becomes `dir`.
 */
export function parseTunedConf(file: string, text: string, dir: string, implicitSection?: string): TunedSections {
  const reasons = commentsAbove(text);
  const out: TunedSections = new Map();
  let section: Map<string, TunedOption> | undefined;
  if (implicitSection !== undefined) out.set(implicitSection, (section = new Map()));
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const where = { file, line };
    const noCr = raw.replace(/\r$/, '');
    const t = noCr.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) return;
    if (/^\s/.test(noCr) && section?.size)
      throw new UserError('an indented line continues the value above (tuned reads it so); tune does not', where);
    const content = stripInlineComment(t);
    const header = /^\[(.+)\]$/.exec(content);
    if (header) {
      const name = header[1] ?? '';
      section = out.get(name) ?? new Map();
      out.set(name, section);
      return;
    }
    if (!section) throw new UserError('not a tuned profile: a line before the first [section]', where);
    const eq = content.indexOf('=');
    if (eq === -1) throw new UserError(`expected "option = value" or "[section]", got "${excerpt(content)}"`, where);
    const key = content.slice(0, eq).trim();
    if (key === '') throw new UserError('missing option name before "="', where);
    const value = content
      .slice(eq + 1)
      .trim()
      .replace(/(?<!\\)\$\{i:PROFILE_DIR\}/g, dir);
    const reason = reasons.get(line);
    section.set(key, { value, file, line, ...(reason !== undefined ? { reason } : {}) });
  });
  return out;
}

/** ConfigParser's inline_comment_prefixes=('#',): a `#` after white space ends the value. */
function stripInlineComment(t: string): string {
  const m = /\s#/.exec(t);
  return m ? t.slice(0, m.index).trimEnd() : t;
}
