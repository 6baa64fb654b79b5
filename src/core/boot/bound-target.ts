// `>N` / `<N` (tuned's raise-only / lower-only) against the boot model: the runtime never moves against the bound, and
// the owned file holds N or nothing, never a runtime value copied from the host (a `sysctl -w` must not become config).
import type { BootLoader, BootModel } from './boot-precedence.js';
import { kernelDefaultOf, type KernelDefaults } from '../sysctl/kernel-defaults.js';
import { intTokens } from '../sysctl/sysctl-value.js';

export type BoundOp = 'raise' | 'lower';

/** A value the next boot leaves in a key and where it comes from (`file:line`, or the computed kernel default). */
export interface BootSource {
  value: string;
  from: string;
}

/** What the planner decided for one `>N`/`<N` key. */
export interface BoundTarget {
  op: BoundOp;
  limit: number;
  /** Runtime target: the current value when it meets the bound, else the boot value when that does, else N. */
  runtime: string;
  /** The owned file's value: N, or null when boot meets the bound without the owned file (no line needed). */
  file: string | null;
  /** What boot leaves without the owned file (systemd-sysctl's view), null when tune cannot know. */
  boot: BootSource | null;
}

/** True when the value's first integer meets `>limit` / `<limit`; an absent or non-numeric value never does. */
export function meetsBound(op: BoundOp, limit: number, value: string | undefined): boolean {
  const n = intTokens(value ?? '')?.[0];
  return n !== undefined && (op === 'raise' ? n >= limit : n <= limit);
}

/** What one loader's boot leaves in `key`: its winning assignment, else the kernel default when computable. */
export function bootSource(model: BootModel, key: string, defaults: KernelDefaults): BootSource | null {
  const a = model.assignments.get(key);
  if (a) return { value: a.value, from: `${a.file}:${a.line}` };
  const def = kernelDefaultOf(defaults, key);
  if (def === null) return null;
  const how = defaults.ehashSource.startsWith('estimated')
    ? defaults.ehashSource
    : `computed from ${defaults.ehashSource}`;
  return { value: String(def), from: `the kernel default, ${how}` };
}

/**
 * Decides a `>N`/`<N` key from the boot models *without* the owned file (a line a previous apply wrote must not count
 * as "boot already meets it", or the next plan would drop it). No line when both loaders meet the bound without it
 * (N there would only move boot's value against the bound); otherwise the line is N, whatever the runtime holds.
 */
export function planBound(
  key: string,
  op: BoundOp,
  limit: number,
  current: string | undefined,
  withoutOwned: Record<BootLoader, BootModel>,
  defaults: KernelDefaults,
): BoundTarget {
  const boot = bootSource(withoutOwned.systemd, key, defaults);
  const procps = bootSource(withoutOwned.procps, key, defaults);
  const bootMeets = meetsBound(op, limit, boot?.value) && meetsBound(op, limit, procps?.value);
  const cur = intTokens(current ?? '')?.[0];
  const bootInt = intTokens(boot?.value ?? '')?.[0];
  let runtime = String(limit);
  if (cur !== undefined && meetsBound(op, limit, current)) runtime = String(cur);
  // Moving the runtime anyway: move it to what the next boot sets, so runtime and boot agree.
  else if (bootMeets && bootInt !== undefined) runtime = String(bootInt);
  return { op, limit, runtime, file: bootMeets ? null : String(limit), boot };
}
