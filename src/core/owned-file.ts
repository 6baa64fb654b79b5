// The one file tune owns (/etc/sysctl.d/99-tune.conf by default): rendered from the plan, shown as a unified diff.
import { createTwoFilesPatch } from 'diff';

export const DEFAULT_OWNED_FILE = '/etc/sysctl.d/99-tune.conf';

export interface OwnedEntry {
  key: string;
  value: string;
  reason: string;
  source: string;
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
