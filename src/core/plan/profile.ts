// Profiles: named sets of sysctl settings with a reason each (profiles/*.conf, ini; tuned.conf loads too).
import { decode } from 'ini';
import { UserError } from '../errors.js';
import { excerpt } from '../text/excerpt.js';
import { parseSysctlKey, type SysctlKey } from '../sysctl/sysctl-key.js';

/** `set` writes the value; `raise`/`lower` are tuned's `>N`/`<N`: only ever raise (or lower) the current value. */
export type SettingOp = 'set' | 'raise' | 'lower';

export interface ProfileSetting {
  key: SysctlKey;
  value: string;
  op: SettingOp;
  reason?: string;
  line: number;
  /** The file that set it when not the profile's own (a tuned profile merged with what it includes). */
  file?: string;
}

/** Something a profile asks for that tune cannot apply (a tuned function it will not run): a finding, not a crash. */
export interface ProfileNote {
  file: string;
  line: number;
  key?: string;
  message: string;
}

/** tune's ini profile, a plain sysctl.conf / sysctl.d file, or a tuned profile (tuned.conf). */
export type ProfileFormat = 'tune' | 'sysctl' | 'tuned';

export interface Profile {
  name: string;
  file: string;
  format?: ProfileFormat;
  summary: string;
  description: string;
  includes: { name: string; line: number }[];
  settings: ProfileSetting[];
  /** Sections tune does not act on (tuned plugins such as [cpu]); reported, not silently dropped. */
  ignoredSections: string[];
  /** Parts tune does not apply, each reported as a PROFILE_PART_NOT_APPLIED finding. */
  notes?: ProfileNote[];
}

/**
 * How a file is read: `tuned.conf` is tuned's format; a file with a `[section]` line is tune's ini profile; anything
 * else is a plain sysctl.conf / sysctl.d file (the loaders' syntax, no sections).
 */
export function profileFormatOf(file: string, text: string): ProfileFormat {
  if (/(^|\/)tuned\.conf$/.test(file)) return 'tuned';
  return /^[ \t]*\[[^\]\n]*\][ \t]*\r?$/m.test(text) ? 'tune' : 'sysctl';
}

/** Refuses binary content (with the line it starts on) before any format reads the text. */
export function checkProfileText(file: string, text: string): void {
  const nul = text.indexOf('\0');
  if (nul !== -1) throw new UserError('not a profile (binary content)', { file, line: lineAt(text, nul) });
}

interface ScannedLine {
  section: string;
  key: string;
  line: number;
}

/**
 * Parses a profile; every syntax problem is a UserError naming file, line and key. A message quotes at most the start
 * of a line (excerpt), and nothing of a file that is clearly not a profile (binary, or text before any [section]):
 * `--profile /etc/shadow` must not print a password hash.
 */
export function parseProfile(name: string, file: string, text: string): Profile {
  checkProfileText(file, text);
  const scanned = scanIniLines(text, file);
  let data: Record<string, unknown>;
  try {
    data = decode(text) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`cannot parse profile: ${(e as Error).message}`, { file });
  }
  const section = (s: string): Record<string, unknown> => {
    const v = data[s];
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  };
  const main = section('main');
  const sysctl = section('sysctl');
  const reasons = section('reasons');
  const lineOf = (sec: string, key: string): number | undefined =>
    scanned.find((l) => l.section === sec && l.key === key)?.line;

  const settings: ProfileSetting[] = [];
  for (const l of scanned.filter((s) => s.section === 'sysctl')) {
    const where = { file, line: l.line };
    const key = parseSysctlKey(l.key, where);
    // ini reads `k[]` as a list and drops `__proto__`: such a key has no value of its own to plan.
    const decoded = Object.hasOwn(sysctl, l.key) ? sysctl[l.key] : undefined;
    if (decoded === undefined || (typeof decoded === 'object' && decoded !== null))
      throw new UserError('not a plain "key = value" line (ini reads this key specially)', { ...where, key: l.key });
    const raw = String(decoded ?? '').trim();
    const { op, value } = splitModifier(raw);
    if (op !== 'set' && !/^-?\d+$/.test(value))
      throw new UserError(`"${excerpt(raw)}": the >N / <N modifiers take one integer`, { ...where, key: l.key });
    const reason = Object.hasOwn(reasons, l.key) ? reasons[l.key] : undefined;
    settings.push({ key, value, op, line: l.line, ...(reason !== undefined ? { reason: String(reason) } : {}) });
  }
  for (const l of scanned.filter((s) => s.section === 'reasons')) {
    if (!scanned.some((s) => s.section === 'sysctl' && s.key === l.key))
      throw new UserError('reason given for a key that the profile does not set', {
        file,
        line: l.line,
        key: excerpt(l.key),
      });
  }
  const includeText = main.include === undefined ? '' : String(main.include);
  const includeLine = lineOf('main', 'include') ?? 0;
  const includes = includeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((n) => ({ name: n, line: includeLine }));
  const known = new Set(['main', 'sysctl', 'reasons']);
  const ignoredSections = [...new Set(scanned.map((s) => s.section))].filter((s) => !known.has(s));
  return {
    name,
    file,
    summary: main.summary === undefined ? '' : String(main.summary),
    description: main.description === undefined ? '' : String(main.description),
    includes,
    settings,
    ignoredSections,
  };
}

function splitModifier(raw: string): { op: SettingOp; value: string } {
  if (raw.startsWith('>')) return { op: 'raise', value: raw.slice(1).trim() };
  if (raw.startsWith('<')) return { op: 'lower', value: raw.slice(1).trim() };
  return { op: 'set', value: raw };
}

/** Checks line syntax ini would silently accept (a line without `=`, a key outside a section, duplicates). */
function scanIniLines(text: string, file: string): ScannedLine[] {
  const out: ScannedLine[] = [];
  let section = '';
  const seen = new Map<string, number>();
  text.split('\n').forEach((rawLine, i) => {
    const line = i + 1;
    const t = rawLine.replace(/\r$/, '').trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) return;
    const sec = /^\[([^\]]+)\]$/.exec(t);
    if (sec) {
      section = (sec[1] ?? '').trim();
      return;
    }
    const eq = t.indexOf('=');
    // Before any section, a line that is neither a section nor a plain `name = value`: not a profile at all, so
    // nothing of it is shown (a shadow file's first line is `root:$6$...`).
    const plainKey = eq > 0 && /^[A-Za-z0-9_./-]+$/.test(t.slice(0, eq).trim());
    if (section === '' && !t.startsWith('[') && !plainKey)
      throw new UserError('not a profile: expected a [main], [sysctl] or [reasons] section', { file, line });
    if (t.startsWith('[')) throw new UserError(`malformed section header "${excerpt(t)}"`, { file, line });
    if (eq === -1) throw new UserError(`expected "key = value" or "[section]", got "${excerpt(t)}"`, { file, line });
    const key = t.slice(0, eq).trim();
    if (key === '') throw new UserError('missing key before "="', { file, line });
    if (section === '')
      throw new UserError('setting outside a section (expected [main], [sysctl] or [reasons])', {
        file,
        line,
        key: excerpt(key),
      });
    const id = `${section}\0${key}`;
    const first = seen.get(id);
    if (first !== undefined)
      throw new UserError(`duplicate key (first set at line ${first})`, { file, line, key: excerpt(key) });
    seen.set(id, line);
    out.push({ section, key, line });
  });
  return out;
}

/** The 1-based line holding offset `at`. */
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
