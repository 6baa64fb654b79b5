// Composes profiles left to right (includes first, child wins; later --profile wins; --set last) into one request.
import { UserError } from '../errors.js';
import { excerpt } from '../text/excerpt.js';
import type { Profile, ProfileNote, SettingOp } from './profile.js';
import { parseSysctlKey, type SysctlKey } from '../sysctl/sysctl-key.js';
import { validateValue } from '../sysctl/value-validation.js';

/** Where a resolved setting came from, for `tune profiles show` and the plan's reasons. */
export interface SettingOrigin {
  profile: string;
  file: string;
  line: number;
}

export interface ResolvedSetting {
  key: SysctlKey;
  value: string;
  op: SettingOp;
  reason: string;
  origin: SettingOrigin;
  /** Earlier origins this setting overrode. */
  overrides: SettingOrigin[];
}

export interface ResolvedRequest {
  profiles: string[];
  settings: ResolvedSetting[];
  ignoredSections: { profile: string; file: string; sections: string[] }[];
  /** What the profiles ask for that tune does not apply (a tuned function it will not run), with file:line. */
  notes?: (ProfileNote & { profile: string })[];
}

/** Finds a profile by name (or path) relative to the profile that includes it; undefined when there is none. */
export type ProfileLoader = (ref: string, includedFrom?: { file: string; line: number }) => Profile | undefined;

/** Resolves profile names and --set overrides into validated settings (throws UserError on bad input). */
export function resolveRequest(names: string[], overrides: string[], load: ProfileLoader): ResolvedRequest {
  const byKey = new Map<string, ResolvedSetting>();
  const ignored: ResolvedRequest['ignoredSections'] = [];
  const notes: (ProfileNote & { profile: string })[] = [];
  // A profile file is applied once, where it first appears (tuned's rule for a profile included twice).
  const applied = new Set<string>();

  const put = (s: Omit<ResolvedSetting, 'overrides'>): void => {
    const prev = byKey.get(s.key);
    byKey.delete(s.key);
    byKey.set(s.key, { ...s, overrides: prev ? [...prev.overrides, prev.origin] : [] });
  };

  const visit = (ref: string, stack: Profile[], from?: { file: string; line: number }): void => {
    const p = load(ref, from);
    if (!p)
      throw new UserError(
        `unknown profile "${excerpt(ref, 200)}" (see \`tune profiles\`)`,
        from ?? { file: '--profile' },
      );
    const cycleAt = stack.findIndex((s) => s.file === p.file);
    if (cycleAt !== -1) {
      const chain = [...stack.slice(cycleAt), p].map((s) => s.name).join(' -> ');
      throw new UserError(`include cycle: ${chain}`, { ...(from ?? { file: p.file }), key: 'include' });
    }
    if (applied.has(p.file)) return;
    for (const inc of p.includes) visit(inc.name, [...stack, p], { file: p.file, line: inc.line });
    applied.add(p.file);
    if (p.ignoredSections.length) ignored.push({ profile: p.name, file: p.file, sections: p.ignoredSections });
    for (const n of p.notes ?? []) notes.push({ profile: p.name, ...n });
    for (const s of p.settings) {
      const file = s.file ?? p.file;
      validateValue(s.key, s.value, { file, line: s.line });
      put({
        key: s.key,
        value: s.value,
        op: s.op,
        reason: s.reason ?? '(no reason given in the profile)',
        origin: { profile: p.name, file, line: s.line },
      });
    }
  };

  for (const name of names) visit(name, []);
  overrides.forEach((text, i) => {
    const where = { file: '--set', line: i + 1 };
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UserError(`expected KEY=VALUE, got "${excerpt(text)}"`, where);
    const key = parseSysctlKey(text.slice(0, eq), where);
    const value = text.slice(eq + 1).trim();
    validateValue(key, value, where);
    put({ key, value, op: 'set', reason: 'set on the command line (--set)', origin: { profile: '--set', ...where } });
  });
  return { profiles: names, settings: [...byKey.values()], ignoredSections: ignored, notes };
}
