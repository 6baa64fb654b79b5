// A tuned profile (tuned.conf) with what it includes, merged as tuned 2.20 merges it (profiles/loader.py, merger.py):
// includes load first and the including profile wins; a profile already loaded is not loaded again; `[variables]`
// (and the variables file it may include) expand in `[sysctl]` values; units of type sysctl are the settings.
import { UserError } from '../errors.js';
import { excerpt } from '../text/excerpt.js';
import { parseSysctlKey } from '../sysctl/sysctl-key.js';
import type { Profile, ProfileNote, ProfileSetting } from '../plan/profile.js';
import { checkProfileText } from '../plan/profile.js';
import { parseTunedConf, type TunedOption, type TunedSections } from './tuned-conf.js';
import { expandFunctions, pythonRegex, TunedVariables, type TunedHostFacts } from './tuned-functions.js';

export interface TunedFile {
  file: string;
  text: string;
}

/** What loading needs from the host, as plain callbacks (src/system/config/tuned-dirs.ts). */
export interface TunedHost {
  /** The tuned.conf of profile `name` as tuned's locator finds it for a profile in `fromFile`'s directory. */
  locate(name: string, fromFile: string): TunedFile | undefined;
  /** A variables file named by `include=` in [variables] (an absolute host path); undefined when missing. */
  readVariables(path: string, fromFile: string): TunedFile | undefined;
  facts: TunedHostFacts;
}

/** Unit options that configure the unit, not the plugin (tuned's Unit and the unit manager). */
const UNIT_OPTIONS = new Set([
  'type',
  'enabled',
  'replace',
  'drop',
  'devices',
  'devices_udev_regex',
  'cpuinfo_regex',
  'uname_regex',
  'script_pre',
  'script_post',
  'priority',
]);

interface Unit {
  name: string;
  type: string;
  enabled: boolean;
  conditions: { kind: 'cpuinfo_regex' | 'uname_regex'; opt: TunedOption }[];
  options: Map<string, TunedOption>;
}

const TRUE = new Set(['True', 'true', '1']);

/** Loads the tuned profile `top` (already located) with its includes into one flattened Profile. */
export function loadTunedProfile(name: string, top: TunedFile, host: TunedHost): Profile {
  const notes: ProfileNote[] = [];
  const loaded: { file: string; sections: TunedSections }[] = [];
  const processed = new Set<string>();

  const load = (f: TunedFile, stack: string[]): void => {
    checkProfileText(f.file, f.text);
    processed.add(f.file);
    const sections = parseTunedConf(f.file, f.text, dirOf(f.file));
    const include = sections.get('main')?.get('include');
    if (include) {
      const expanded = expandFunctions(include.value, host.facts);
      if ('unevaluated' in expanded)
        notes.push({
          file: f.file,
          line: include.line,
          key: 'include',
          message: `include not loaded: ${expanded.unevaluated}`,
        });
      else
        for (const ref of expanded.value.split(/\s*[,;]\s*/).filter((r) => r.trim() !== '')) {
          const conditional = ref.startsWith('-');
          const want = (conditional ? ref.slice(1) : ref).trim().split('/').pop() ?? '';
          const where = { file: f.file, line: include.line, key: 'include' };
          const found = host.locate(want, f.file);
          if (!found) {
            if (conditional) continue;
            throw new UserError(
              `unknown tuned profile "${excerpt(want, 80)}" (searched beside it and in tuned's directories)`,
              where,
            );
          }
          if (stack.includes(found.file)) {
            const chain = [...stack, found.file].map(profileName).join(' -> ');
            throw new UserError(`include cycle: ${chain}`, where);
          }
          if (processed.has(found.file)) continue;
          load(found, [...stack, found.file]);
        }
    }
    loaded.push({ file: f.file, sections });
  };
  load(top, [top.file]);

  // Merge (merger.py): [main] options update; a unit is replaced (replace=true, or new) or updated option by option.
  const main = new Map<string, TunedOption>();
  const units = new Map<string, Unit>();
  for (const { sections } of loaded) {
    for (const [sec, opts] of sections) {
      if (sec === 'main') {
        for (const [k, v] of opts) main.set(k, v);
        continue;
      }
      const unit = unitOf(sec, opts);
      const prev = units.get(sec);
      if (!prev || TRUE.has(opts.get('replace')?.value ?? '')) {
        units.set(sec, unit);
        continue;
      }
      prev.type = unit.type;
      prev.enabled = unit.enabled;
      for (const c of unit.conditions) prev.conditions = [...prev.conditions.filter((p) => p.kind !== c.kind), c];
      const drop = opts.get('drop')?.value;
      if (drop !== undefined) for (const d of drop.split(/\b\s*[,;]\s*/)) prev.options.delete(d);
      for (const [k, v] of unit.options) prev.options.set(k, v);
    }
  }

  const vars = new TunedVariables();
  const variables = units.get('variables');
  units.delete('variables');
  for (const [k, v] of variables?.options ?? []) {
    if (k !== 'include') {
      vars.add(k, v.value);
      continue;
    }
    const file = host.readVariables(v.value, v.file);
    if (!file) {
      notes.push({
        file: v.file,
        line: v.line,
        key: 'include',
        message: `variables file ${excerpt(v.value, 80)} not found`,
      });
      continue;
    }
    checkProfileText(file.file, file.text);
    for (const [vk, vv] of parseTunedConf(file.file, file.text, dirOf(file.file), '').get('') ?? [])
      vars.add(vk, vv.value);
  }

  const byKey = new Map<string, ProfileSetting>();
  const ignored: string[] = [];
  for (const unit of units.values()) {
    if (unit.type !== 'sysctl') {
      ignored.push(unit.name);
      continue;
    }
    if (!unit.enabled) continue;
    const skip = unmetCondition(unit, vars, host.facts);
    if (skip) {
      if (skip !== 'no match')
        notes.push({ file: skip.file, line: skip.line, message: `[${unit.name}] not applied: ${skip.why}` });
      continue;
    }
    for (const [rawKey, opt] of unit.options) {
      const where = { file: opt.file, line: opt.line };
      const x = vars.expand(opt.value.replace(/^"(.*)"$/, '$1'), host.facts);
      if ('unevaluated' in x) {
        notes.push({ ...where, key: rawKey, message: `not applied: ${x.unevaluated}` });
        continue;
      }
      // tuned's sysctl plugin turns every dot into a path separator.
      const key = parseSysctlKey(rawKey.replace(/\./g, '/'), { ...where, key: excerpt(rawKey) });
      const { op, value } = tunedModifier(x.value);
      if (op !== 'set' && !/^-?\d+$/.test(value))
        throw new UserError(`"${excerpt(x.value)}": the >N / <N modifiers take one integer`, { ...where, key });
      byKey.delete(key);
      byKey.set(key, {
        key,
        value,
        op,
        line: opt.line,
        ...(opt.file !== top.file ? { file: opt.file } : {}),
        ...(opt.reason !== undefined ? { reason: opt.reason } : {}),
      });
    }
  }
  return {
    name,
    file: top.file,
    format: 'tuned',
    summary: main.get('summary')?.value ?? '',
    description: main.get('description')?.value ?? '',
    includes: [],
    settings: [...byKey.values()],
    ignoredSections: ignored,
    notes,
  };
}

function unitOf(name: string, opts: Map<string, TunedOption>): Unit {
  const options = new Map([...opts].filter(([k]) => !UNIT_OPTIONS.has(k)));
  const conditions = (['cpuinfo_regex', 'uname_regex'] as const).flatMap((kind) => {
    const opt = opts.get(kind);
    return opt ? [{ kind, opt }] : [];
  });
  const enabled = opts.get('enabled');
  return {
    name,
    type: opts.get('type')?.value ?? name,
    enabled: !enabled || TRUE.has(enabled.value),
    conditions,
    options,
  };
}

/** The first condition (cpuinfo_regex, uname_regex) that keeps the unit off, or one tune cannot check here. */
function unmetCondition(
  unit: Unit,
  vars: TunedVariables,
  facts: TunedHostFacts,
): 'no match' | { file: string; line: number; why: string } | undefined {
  for (const { kind, opt: c } of unit.conditions) {
    const raw = c.value;
    const text = kind === 'cpuinfo_regex' ? facts.cpuinfo : facts.uname;
    const what = kind === 'cpuinfo_regex' ? '/proc/cpuinfo' : 'uname';
    const pattern = vars.expand(raw, facts);
    const re = 'value' in pattern ? pythonRegex(pattern.value) : undefined;
    if (!re) return { file: c.file, line: c.line, why: `its ${kind} is not a regular expression tune can read` };
    if (text === null)
      return {
        file: c.file,
        line: c.line,
        why: `it applies only where ${what} matches ${kind}, which tune cannot check here`,
      };
    if (!re.test(text)) return 'no match';
  }
  return undefined;
}

/** tuned's `>N` / `<N` (first character, the rest an integer). */
function tunedModifier(raw: string): { op: 'set' | 'raise' | 'lower'; value: string } {
  if (raw.length > 1 && raw.startsWith('>')) return { op: 'raise', value: raw.slice(1).trim() };
  if (raw.length > 1 && raw.startsWith('<')) return { op: 'lower', value: raw.slice(1).trim() };
  return { op: 'set', value: raw };
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i <= 0 ? '/' : file.slice(0, i);
}

function profileName(file: string): string {
  const parts = file.split('/');
  return parts[parts.length - 2] ?? file;
}
