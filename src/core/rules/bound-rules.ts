// `>N` / `<N` and the next boot: a runtime value nothing persists is named, and a line boot does not need is explained.
import { bootSource, type BoundTarget } from '../boot/bound-target.js';
import { KERNEL_DEFAULT_KEYS } from '../sysctl/kernel-defaults.js';
import { normalizeValue, sameValue } from '../sysctl/sysctl-value.js';
import type { PlannedKey, Rule, RuleContext } from './rule.js';

/** Planned `>N`/`<N` keys tune can write here, with the bound decision. */
function boundKeys(ctx: RuleContext): { p: PlannedKey; b: BoundTarget }[] {
  return [...ctx.planned.values()].flatMap((p) => {
    const rv = ctx.snapshot.sysctl[p.key];
    return p.bound && rv?.state === 'ok' && rv.writable ? [{ p, b: p.bound }] : [];
  });
}

const sign = (b: BoundTarget) => `${b.op === 'raise' ? '>' : '<'}${b.limit}`;

export const boundRules: Rule[] = [
  {
    id: 'RUNTIME_UNPERSISTED',
    severity: 'warn',
    summary:
      'A `>N`/`<N` key keeps a runtime value no boot config sets (e.g. from `sysctl -w`): the message names the value the next boot sets instead.',
    reads: KERNEL_DEFAULT_KEYS,
    check: (ctx) =>
      boundKeys(ctx).flatMap(({ p, b }) => {
        if (p.current === undefined || !sameValue(p.current, p.target)) return [];
        const boot = bootSource(ctx.boot.after.systemd, p.key, ctx.defaults);
        if (boot && sameValue(boot.value, p.current)) return [];
        const runtime = normalizeValue(p.current);
        const atBoot = boot ? `the next boot sets ${boot.value} (${boot.from})` : 'nothing sets it at the next boot';
        return [
          {
            key: p.key,
            message: `runtime ${runtime} meets ${sign(b)} but no boot config sets ${runtime} (a sysctl -w, or a file edited since boot): ${atBoot}. tune leaves the runtime value alone and does not copy it into ${ctx.ownedFile.path}; to keep ${runtime} across reboots, set it explicitly (--set ${p.key}=${runtime}).`,
            evidence: { runtime, bound: sign(b), bootValue: boot?.value ?? null, bootFrom: boot?.from ?? null },
          },
        ];
      }),
  },
  {
    id: 'BOUND_MET_AT_BOOT',
    severity: 'info',
    summary: 'A `>N`/`<N` key gets no line in the owned file: without it the next boot already meets the bound.',
    reads: KERNEL_DEFAULT_KEYS,
    check: (ctx) =>
      boundKeys(ctx).flatMap(({ p, b }) =>
        b.file === null && b.boot !== null
          ? [
              {
                key: p.key,
                message: `no line in ${ctx.ownedFile.path}: without it the next boot sets ${b.boot.value} (${b.boot.from}), which meets ${sign(b)}.`,
                evidence: { bound: sign(b), bootValue: b.boot.value, bootFrom: b.boot.from },
              },
            ]
          : [],
      ),
  },
];
