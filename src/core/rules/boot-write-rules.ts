// Assignments the next boot will not carry out: values the kernel refuses (out of range, quoted, an inline comment
// on a string key, the port pair in the wrong order at that moment) and keys a loader cannot reach. Each finding is
// pinned to its file:line and says what the key keeps instead, per loader.
import { bootFailures, failureMessage, type BootFailure } from '../boot/boot-failures.js';
import type { BootWrite } from '../boot/boot-precedence.js';
import type { Rule, RuleContext, RuleHit } from './rule.js';

/**
 * The failing writes a plan reports: for planned keys, what boot does today (the AT BOOT column); and any line of the
 * new owned file that would fail.
 */
function hits(ctx: RuleContext, results: BootWrite['result'][], keep: (f: BootFailure) => boolean): RuleHit[] {
  const today = bootFailures(ctx.boot.before, results, (w) => ctx.planned.has(w.key));
  const seen = new Set(today.map((f) => `${f.write.file}:${f.write.line}:${f.write.key}`));
  const owned = bootFailures(
    ctx.boot.after,
    results,
    (w) => w.file === ctx.ownedFile.path && !seen.has(`${w.file}:${w.line}:${w.key}`),
  );
  const hit = (f: BootFailure, isToday: boolean): RuleHit => ({
    ...(f.write.key ? { key: f.write.key } : {}),
    message: failureMessage(isToday ? ctx.boot.before : ctx.boot.after, f, isToday),
    evidence: { file: f.write.file, line: f.write.line, errno: f.write.errno ?? null, loaders: f.loaders.join(',') },
  });
  return [...today.filter(keep).map((f) => hit(f, true)), ...owned.filter(keep).map((f) => hit(f, false))];
}

export const bootWriteRules: Rule[] = [
  {
    id: 'BOOT_WRITE_REJECTED',
    severity: 'warn',
    summary:
      'An assignment the kernel will refuse at boot (out of range, quoted, trailing text, or the port pair in the wrong order at that moment): the key keeps another value.',
    check: (ctx) => hits(ctx, ['rejected'], () => true),
  },
  {
    id: 'BOOT_KEY_UNREACHABLE',
    severity: 'warn',
    summary:
      'An assignment a boot loader skips: the key does not exist on this kernel, or its spelling names no file for that loader (a trailing separator under procps).',
    // A planned key this kernel lacks is KEY_ABSENT's finding already.
    check: (ctx) =>
      hits(ctx, ['absent', 'unreachable'], (f) => f.write.result !== 'absent' || !ctx.planned.has(f.write.key ?? '')),
  },
];
