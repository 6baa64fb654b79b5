// Assignments the next boot will not carry out: values the kernel refuses (out of range, quoted, an inline comment
// on a string key, the port pair in the wrong order at that moment) and keys a loader cannot reach. Each finding is
// pinned to its file:line and says what the key keeps instead, per loader.
import type { BootLoader, BootModel, BootWrite } from '../boot/boot-precedence.js';
import { BOOT_DEFAULTS } from '../boot/boot-precedence.js';
import type { Rule, RuleContext, RuleHit } from './rule.js';

const LOADERS: BootLoader[] = ['systemd', 'procps'];
const NAME: Record<BootLoader, string> = { systemd: 'systemd-sysctl', procps: 'sysctl --system' };

type Phase = 'before' | 'after';

/**
 * The failing writes a plan reports, one group per file:line:key with the loaders it fails in: for planned keys, what
 * boot does today (the AT BOOT column); and any line of the new owned file that would fail.
 */
function failing(
  ctx: RuleContext,
  results: BootWrite['result'][],
): { write: BootWrite; loaders: BootLoader[]; phase: Phase }[] {
  const groups = new Map<string, { write: BootWrite; loaders: BootLoader[]; phase: Phase }>();
  for (const phase of ['before', 'after'] as Phase[])
    for (const loader of LOADERS)
      for (const w of ctx.boot[phase][loader].writes) {
        if (!results.includes(w.result) || w.key === null) continue;
        if (phase === 'before' ? !ctx.planned.has(w.key) : w.file !== ctx.ownedFile.path) continue;
        const id = `${w.file}:${w.line}:${w.key}:${w.why ?? ''}`;
        const g = groups.get(id);
        if (!g) groups.set(id, { write: w, loaders: [loader], phase });
        else if (g.phase === phase && !g.loaders.includes(loader)) g.loaders.push(loader);
      }
  return [...groups.values()];
}

/** What a key holds after a loader's boot: the deciding write's value, or the kernel's default. */
function keeps(model: BootModel, key: string): string {
  const a = model.assignments.get(key);
  if (a) return `${a.value} from ${a.file}:${a.line}`;
  const def = BOOT_DEFAULTS[key];
  return def ? `the kernel default ${def}` : 'the kernel default';
}

function instead(ctx: RuleContext, phase: Phase, key: string, loaders: BootLoader[]): string {
  const parts = loaders.map((l) => ({ l, v: keeps(ctx.boot[phase][l], key) }));
  const first = parts[0];
  const today = phase === 'before' ? ' today' : '';
  if (first && parts.every((p) => p.v === first.v)) return `${key} keeps ${first.v}${today}`;
  return parts.map((p) => `under ${NAME[p.l]} ${key} keeps ${p.v}${today}`).join('; ');
}

function loaderPhrase(loaders: BootLoader[]): string {
  return loaders.length === LOADERS.length ? 'at boot' : `at boot under ${loaders.map((l) => NAME[l]).join(' and ')}`;
}

export const bootWriteRules: Rule[] = [
  {
    id: 'BOOT_WRITE_REJECTED',
    severity: 'warn',
    summary:
      'An assignment the kernel will refuse at boot (out of range, quoted, trailing text, or the port pair in the wrong order at that moment): the key keeps another value.',
    check: (ctx) =>
      failing(ctx, ['rejected']).map(({ write: w, loaders, phase }): RuleHit => ({
        ...(w.key ? { key: w.key } : {}),
        message: `${w.file}:${w.line}: ${w.key} = ${JSON.stringify(w.text).slice(1, -1)}: the kernel refuses it ${loaderPhrase(loaders)} (${w.errno}: ${w.why}), so ${instead(ctx, phase, w.key ?? '', loaders)}.`,
        evidence: { file: w.file, line: w.line, errno: w.errno ?? null, loaders: loaders.join(',') },
      })),
  },
  {
    id: 'BOOT_KEY_UNREACHABLE',
    severity: 'warn',
    summary:
      'An assignment a boot loader skips: the key does not exist on this kernel, or its spelling names no file for that loader (a trailing separator under procps).',
    check: (ctx) =>
      // A planned key this kernel lacks is KEY_ABSENT's finding already.
      failing(ctx, ['absent', 'unreachable'])
        .filter(({ write: w }) => w.result !== 'absent' || !ctx.planned.has(w.key ?? ''))
        .map(({ write: w, loaders, phase }): RuleHit => ({
          ...(w.key ? { key: w.key } : {}),
          message: `${w.file}:${w.line}: ${w.key} is skipped ${loaderPhrase(loaders)}: ${w.why}; ${instead(ctx, phase, w.key ?? '', loaders)}.`,
          evidence: { file: w.file, line: w.line, loaders: loaders.join(',') },
        })),
  },
];
