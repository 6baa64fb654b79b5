// `tune verify` decides here, from plain data: for every key the owned file sets, does the runtime value match the
// file, and is the file's assignment the one that wins at boot under systemd-sysctl and under procps?
import type { BootAssignment, BootLoader, BootModel } from './boot-precedence.js';
import type { RuntimeValue } from '../snapshot.js';
import { parseSysctlConf } from '../sysctl/sysctl-conf.js';
import { normalizeValue, sameValue } from '../sysctl/sysctl-value.js';

export const VERIFY_SCHEMA_VERSION = 1;

/** Everything verify compares: read by src/system/verify-reader.ts, or written out by a test. */
export interface VerifyInput {
  /** The owned file's host path, as the boot models name it. */
  file: string;
  /** Its text, null when it does not exist. */
  content: string | null;
  /** The runtime value of every key the file sets (a missing entry counts as unreadable). */
  runtime: Record<string, Pick<RuntimeValue, 'state' | 'value'>>;
  boot: Record<BootLoader, BootModel>;
}

/** The assignment that wins at boot for one loader (value normalised). */
export interface BootWinner {
  value: string;
  file: string;
  line: number;
}

/** One key the owned file sets, with all three values normalised to single-space tokens. */
export interface KeyVerdict {
  key: string;
  /** The owned file's line that sets it (the last one when it is set twice). */
  line: number;
  fileValue: string;
  /** null when the key is absent on this kernel or could not be read. */
  runtime: string | null;
  runtimeState: RuntimeValue['state'];
  boot: Record<BootLoader, BootWinner | null>;
  agree: boolean;
  /** Why it does not agree, one short phrase each; empty when it agrees. */
  problems: string[];
}

/** A line of the owned file that sets nothing verify can check (malformed, or a glob pattern). */
export interface LineProblem {
  line: number;
  text: string;
  why: string;
}

export interface VerifyReport {
  schemaVersion: number;
  file: string;
  exists: boolean;
  /** True when every key agrees and no line of the file was left unchecked. */
  agree: boolean;
  keys: KeyVerdict[];
  lineProblems: LineProblem[];
}

const LOADERS: BootLoader[] = ['systemd', 'procps'];

/** The explicit keys the owned file assigns, in file order (what the reader must read from /proc/sys). */
export function keysSetBy(content: string | null): string[] {
  return [...lastAssignments(content ?? '').keys()];
}

/** Compares runtime, file and boot for every key the owned file sets. */
export function verifyOwnedFile(input: VerifyInput): VerifyReport {
  const { file, content } = input;
  if (content === null)
    return { schemaVersion: VERIFY_SCHEMA_VERSION, file, exists: false, agree: true, keys: [], lineProblems: [] };
  const lineProblems: LineProblem[] = [];
  const text = content.split('\n');
  for (const l of parseSysctlConf(content)) {
    if (l.kind === 'invalid') lineProblems.push({ line: l.line, text: l.text, why: l.why });
    else if (l.kind === 'assign' && l.glob)
      lineProblems.push({
        line: l.line,
        text: (text[l.line - 1] ?? '').trim(),
        why: 'a glob pattern: verify checks explicit keys only',
      });
  }
  const keys = [...lastAssignments(content).values()].map((a) => verifyKey(input, a.key, a.value, a.line));
  return {
    schemaVersion: VERIFY_SCHEMA_VERSION,
    file,
    exists: true,
    agree: lineProblems.length === 0 && keys.every((k) => k.agree),
    keys,
    lineProblems,
  };
}

function verifyKey(input: VerifyInput, key: string, rawValue: string, line: number): KeyVerdict {
  const fileValue = normalizeValue(rawValue);
  const rt = input.runtime[key] ?? { state: 'unreadable' as const };
  const runtime = rt.state === 'ok' ? normalizeValue(rt.value ?? '') : null;
  const problems: string[] = [];
  if (rt.state === 'absent') problems.push('runtime: the key does not exist on this kernel');
  else if (rt.state === 'unreadable') problems.push('runtime: could not be read');
  else if (!sameValue(runtime ?? '', fileValue)) problems.push(`runtime is ${runtime}, the file sets ${fileValue}`);
  const boot = {} as Record<BootLoader, BootWinner | null>;
  for (const loader of LOADERS) {
    const model = input.boot[loader];
    const win = model.assignments.get(key);
    boot[loader] = win ? { value: normalizeValue(win.value), file: win.file, line: win.line } : null;
    const own = [...model.writes].reverse().find((w) => w.key === key && w.file === input.file);
    const refused = own && own.result !== 'accepted' && own.result !== 'unknown';
    const why = refused
      ? `${input.file}:${own.line} does not take effect at boot (${own.errno ? `${own.errno}: ` : ''}${own.why})`
      : bootProblem(model, win, input.file, fileValue);
    if (why) problems.push(`${loader}: ${why}`);
  }
  return { key, line, fileValue, runtime, runtimeState: rt.state, boot, agree: problems.length === 0, problems };
}

/** Why the owned file's assignment is not what this loader leaves in place at boot; undefined when it is. */
function bootProblem(model: BootModel, win: BootAssignment | undefined, file: string, fileValue: string) {
  const at = model.files.indexOf(file);
  const notRead = at === -1 ? ` (${file} is not read at boot)` : '';
  if (!win) return `nothing sets it${notRead}`;
  if (win.file === file) return undefined;
  // systemd-sysctl keeps an earlier identical assignment in place of a later one (one write per key), so an earlier
  // file "winning" with the same text means the owned file's value is what boot leaves.
  const before = model.files.indexOf(win.file);
  if (at !== -1 && before !== -1 && before < at && sameValue(win.value, fileValue)) return undefined;
  const what = sameValue(win.value, fileValue) ? 'the same value' : normalizeValue(win.value);
  return `${win.file}:${win.line} wins with ${what}${notRead}`;
}

/** The one line `tune verify` prints for a key that does not agree: the three values and who wins at boot. */
export function describeKey(v: KeyVerdict, file: string): string {
  const runtime =
    v.runtimeState === 'ok'
      ? `runtime ${v.runtime}`
      : v.runtimeState === 'absent'
        ? 'runtime absent'
        : 'runtime unreadable';
  const phrase = (w: BootWinner | null) => (w ? `${w.file}:${w.line} wins with ${w.value}` : 'nothing sets it');
  const [sd, pp] = [phrase(v.boot.systemd), phrase(v.boot.procps)];
  const boot = sd === pp ? `at boot ${sd} (systemd and procps)` : `at boot ${sd} (systemd), ${pp} (procps)`;
  return `${v.key}: ${runtime}, ${file}:${v.line} sets ${v.fileValue}, ${boot}`;
}

/** Each explicit key's last assignment (later lines of a file override earlier ones), in order of first mention. */
function lastAssignments(content: string): Map<string, { key: string; value: string; line: number }> {
  const out = new Map<string, { key: string; value: string; line: number }>();
  for (const l of parseSysctlConf(content)) {
    if (l.kind !== 'assign' || l.glob) continue;
    out.set(l.key, { key: l.key, value: l.value, line: l.line });
  }
  return out;
}
