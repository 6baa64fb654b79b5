// The rule model: stable id, severity, a message that says why and what to do instead, and the evidence used.
import type { BootModel } from '../boot/boot-precedence.js';
import type { BoundTarget } from '../boot/bound-target.js';
import type { KernelDefaults } from '../sysctl/kernel-defaults.js';
import type { KernelVersion } from '../sysctl/kernel-version.js';
import type { SettingOrigin } from '../plan/profile-resolver.js';
import type { SettingOp } from '../plan/profile.js';
import type { Snapshot } from '../snapshot.js';
import { intTokens } from '../sysctl/sysctl-value.js';

export type Severity = 'refuse' | 'warn' | 'info';
export type Evidence = Record<string, string | number | boolean | null>;

export interface Finding {
  rule: string;
  severity: Severity;
  key?: string;
  message: string;
  evidence: Evidence;
  /** A refusal the operator overrode with --allow RULE; it no longer blocks. */
  allowed?: boolean;
}

/** A key the request asks for, as the rules see it. */
export interface PlannedKey {
  key: string;
  current: string | undefined;
  target: string;
  op: SettingOp;
  reason: string;
  origin: SettingOrigin;
  /** For `>N`/`<N`: the bound and what boot leaves without the owned file (`target` is then `bound.runtime`). */
  bound?: BoundTarget;
}

export interface RuleContext {
  snapshot: Snapshot;
  kernel: KernelVersion | undefined;
  defaults: KernelDefaults;
  planned: Map<string, PlannedKey>;
  boot: { before: Record<'systemd' | 'procps', BootModel>; after: Record<'systemd' | 'procps', BootModel> };
  ownedFile: { path: string; before: string | null; after: string };
  ignoredSections: { profile: string; file: string; sections: string[] }[];
  /** Parts of the profiles tune does not apply (tuned functions it will not run), with file:line. */
  profileNotes: { profile: string; file: string; line: number; key?: string; message: string }[];
  /**
   * Planned keys whose target will not be in effect after apply (refused, absent, read-only, deselected). Known in
   * the planner's second pass only, once statuses are decided; undefined in the first.
   */
  notWritten?: ReadonlySet<string>;
}

export interface RuleHit {
  key?: string;
  message: string;
  evidence: Evidence;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** May an operator turn this refusal into a warning with --allow ID? */
  overridable?: boolean;
  /** One line for docs/rules.md and `--help`. */
  summary: string;
  /**
   * The keys its findings name when they are planned (for `tune explain`); absent for rules about any planned key
   * (absent, read-only, boot order...).
   */
  concerns?: string[];
  /** Keys this rule consults besides the planned ones: a live plan reads only planned keys and these. */
  reads?: string[];
  check(ctx: RuleContext): RuleHit[];
}

/** The runtime value now, or undefined when absent. */
export function currentValue(ctx: RuleContext, key: string): string | undefined {
  const v = ctx.snapshot.sysctl[key];
  return v?.state === 'ok' ? v.value : undefined;
}

/** The value the key will have after the plan: the target when planned, else the current value. */
export function effectiveValue(ctx: RuleContext, key: string): string | undefined {
  return ctx.planned.get(key)?.target ?? currentValue(ctx, key);
}

/**
 * The value the key will really hold after apply: the target when it will be written, else the current value. Unlike
 * effectiveValue, a refused target does not count (second pass only; the first sees every target as written).
 */
export function valueInEffect(ctx: RuleContext, key: string): string | undefined {
  return ctx.notWritten?.has(key) ? currentValue(ctx, key) : effectiveValue(ctx, key);
}

/** The effective value as integers, or undefined. */
export function effectiveInts(ctx: RuleContext, key: string): number[] | undefined {
  const v = effectiveValue(ctx, key);
  return v === undefined ? undefined : intTokens(v);
}

/** The first integer of the effective value. */
export function effectiveInt(ctx: RuleContext, key: string): number | undefined {
  return effectiveInts(ctx, key)?.[0];
}

/** Hits only when `key` is planned with a value that changes it (or sets it where absent). */
export function whenPlanned(
  ctx: RuleContext,
  key: string,
  fn: (p: PlannedKey) => RuleHit[] | RuleHit | undefined,
): RuleHit[] {
  const p = ctx.planned.get(key);
  if (!p) return [];
  const r = fn(p);
  return r === undefined ? [] : Array.isArray(r) ? r : [r];
}
