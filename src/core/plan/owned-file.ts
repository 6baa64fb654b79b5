// The one file tune owns (/etc/sysctl.d/99-tune.conf by default): rendered from the plan, shown as a unified diff.
import { createTwoFilesPatch } from 'diff';
import { UserError } from '../errors.js';
import type { ConfigFile } from '../snapshot.js';
import { parseSysctlConf } from '../sysctl/sysctl-conf.js';

export const DEFAULT_OWNED_FILE = '/etc/sysctl.d/99-tune.conf';

export interface OwnedEntry {
  key: string;
  value: string;
  reason: string;
  source: string;
}

/**
 * The owned file's text as the snapshot found it, or null when it does not exist. One that exists as something else
 * (a directory) or could not be read is a one-line error (exit 1): its bytes could be neither shown nor backed up.
 * A symlink is left to apply, which refuses to write through one.
 */
export function ownedFileText(config: ConfigFile[], hostPath: string): string | null {
  const entry = config.find((f) => f.path === hostPath);
  if (!entry) return null;
  if (entry.content === undefined && entry.kind === 'file')
    throw new UserError(
      entry.error?.startsWith('not a regular file')
        ? `is ${entry.error}; tune reads and replaces only regular files (remove it or choose --file)`
        : `cannot read the owned file (${entry.error ?? 'unreadable'})`,
      { file: hostPath },
      1,
    );
  return entry.content ?? null;
}

/** The exact bytes tune writes. No timestamp, so the same plan renders the same bytes (apply can skip a no-op). */
export function renderOwnedFile(profiles: string[], overrides: string[], entries: OwnedEntry[]): string {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();
  const lines = [
    '# Managed by tune (tune apply): changes made here are overwritten. Undo with `tune rollback`.',
    `# Profiles: ${profiles.length ? profiles.join(', ') : '(none)'}${overrides.length ? `; overrides: ${oneLine(overrides.join(' '))}` : ''}`,
  ];
  for (const e of entries) {
    lines.push('', `# ${oneLine(e.reason)} [${oneLine(e.source)}]`, `${e.key} = ${e.value}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The entries of an owned file as it is today, each with the reason from the comment line above it, so a key the
 * operator leaves alone is re-rendered byte for byte. A line without tune's comment keeps a neutral reason.
 */
export function ownedEntries(text: string | null): Map<string, OwnedEntry> {
  const out = new Map<string, OwnedEntry>();
  if (text === null) return out;
  const lines = text.split('\n');
  for (const l of parseSysctlConf(text)) {
    if (l.kind !== 'assign' || l.glob) continue;
    const comment = /^# (.*) \[([^\]]*)\]$/.exec(lines[l.line - 2] ?? '');
    out.set(l.key, {
      key: l.key,
      value: l.value,
      reason: comment?.[1] ?? 'kept as it was (not selected at review)',
      source: comment?.[2] ?? 'previous file',
    });
  }
  return out;
}

/** A unified diff of the owned file; empty when nothing changes. */
export function diffOwnedFile(path: string, before: string | null, after: string): string {
  if ((before ?? '') === after && before !== null) return '';
  return createTwoFilesPatch(
    before === null ? '/dev/null' : `a${path}`,
    `b${path}`,
    before ?? '',
    after,
    undefined,
    undefined,
    {
      context: 3,
    },
  )
    .split('\n')
    .filter((l) => !l.startsWith('====='))
    .join('\n');
}
