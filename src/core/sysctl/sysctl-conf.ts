// Parses sysctl.d / sysctl.conf text exactly as the boot loaders read it (sysctl-d-facts.md §1.2).
import { UserError } from '../errors.js';
import { isGlobKey, keySegments, parseSysctlKey } from './sysctl-key.js';

export type ConfLine =
  | { line: number; kind: 'assign'; key: string; value: string; ignoreFailure: boolean; glob: boolean }
  | { line: number; kind: 'exclude'; key: string; glob: boolean }
  | { line: number; kind: 'invalid'; text: string; why: string };

/** Every meaningful line of a file: comments and blank lines are dropped, bad lines kept as `invalid`. */
export function parseSysctlConf(text: string): ConfLine[] {
  const out: ConfLine[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, i) => {
    const line = i + 1;
    const trimmed = rawLine.replace(/\r$/, '').trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const eq = trimmed.indexOf('=');
    let keyText = (eq === -1 ? trimmed : trimmed.slice(0, eq)).trim();
    const ignoreFailure = keyText.startsWith('-');
    if (ignoreFailure) keyText = keyText.slice(1).trim();
    if (eq === -1 && !ignoreFailure) {
      out.push({ line, kind: 'invalid', text: trimmed, why: 'line is not an assignment' });
      return;
    }
    const key = canonicalPattern(keyText);
    if (key instanceof Error) {
      out.push({ line, kind: 'invalid', text: trimmed, why: key.message });
      return;
    }
    const glob = isGlobKey(keyText);
    if (eq === -1) out.push({ line, kind: 'exclude', key, glob });
    else out.push({ line, kind: 'assign', key, value: trimmed.slice(eq + 1).trim(), ignoreFailure, glob });
  });
  return out;
}

function canonicalPattern(keyText: string): string | Error {
  try {
    return isGlobKey(keyText) ? keySegments(keyText).join('/') : parseSysctlKey(keyText);
  } catch (e) {
    if (e instanceof UserError) return new Error(e.message);
    throw e;
  }
}
