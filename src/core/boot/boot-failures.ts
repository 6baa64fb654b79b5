// Writes a boot loader makes that do not take effect, grouped per file:line:key across the two loaders, and the
// sentence that says what the key keeps instead. Shared by the plan's boot rules and `tune audit`.
import { BOOT_DEFAULTS, type BootLoader, type BootModel, type BootWrite } from './boot-precedence.js';

export const LOADERS: BootLoader[] = ['systemd', 'procps'];
export const LOADER_NAME: Record<BootLoader, string> = { systemd: 'systemd-sysctl', procps: 'sysctl --system' };

export interface BootFailure {
  write: BootWrite;
  loaders: BootLoader[];
}

/** The failing writes (of the given results) that `include` keeps, one group per file:line:key:why. */
export function bootFailures(
  models: Record<BootLoader, BootModel>,
  results: BootWrite['result'][],
  include: (w: BootWrite & { key: string }, loader: BootLoader) => boolean = () => true,
): BootFailure[] {
  const groups = new Map<string, BootFailure>();
  for (const loader of LOADERS)
    for (const w of models[loader].writes) {
      if (!results.includes(w.result) || w.key === null || !include(w as BootWrite & { key: string }, loader)) continue;
      const id = `${w.file}:${w.line}:${w.key}:${w.why ?? ''}`;
      const g = groups.get(id);
      if (!g) groups.set(id, { write: w, loaders: [loader] });
      else if (!g.loaders.includes(loader)) g.loaders.push(loader);
    }
  return [...groups.values()];
}

/** What a key holds after a loader's boot: the deciding write's value, or the kernel's default. */
export function keptAfterBoot(model: BootModel, key: string): string {
  const a = model.assignments.get(key);
  if (a) return `${a.value} from ${a.file}:${a.line}`;
  const def = BOOT_DEFAULTS[key];
  return def ? `the kernel default ${def}` : 'the kernel default';
}

/** `key keeps X` (or one clause per loader when they differ), with ` today` for the host's current files. */
export function keptInstead(models: Record<BootLoader, BootModel>, f: BootFailure, today: boolean): string {
  const key = f.write.key ?? '';
  const parts = f.loaders.map((l) => ({ l, v: keptAfterBoot(models[l], key) }));
  const when = today ? ' today' : '';
  const first = parts[0];
  if (first && parts.every((p) => p.v === first.v)) return `${key} keeps ${first.v}${when}`;
  return parts.map((p) => `under ${LOADER_NAME[p.l]} ${key} keeps ${p.v}${when}`).join('; ');
}

/** `at boot`, or `at boot under sysctl --system` when only some loaders fail. */
export function atBoot(loaders: BootLoader[]): string {
  return loaders.length === LOADERS.length
    ? 'at boot'
    : `at boot under ${loaders.map((l) => LOADER_NAME[l]).join(' and ')}`;
}

/** The one-line message of a failure, file:line first. */
export function failureMessage(models: Record<BootLoader, BootModel>, f: BootFailure, today: boolean): string {
  const w = f.write;
  const value = JSON.stringify(w.text).slice(1, -1);
  if (w.result === 'rejected')
    return `${w.file}:${w.line}: ${w.key} = ${value}: the kernel refuses it ${atBoot(f.loaders)} (${w.errno}: ${w.why}), so ${keptInstead(models, f, today)}.`;
  return `${w.file}:${w.line}: ${w.key} is skipped ${atBoot(f.loaders)}: ${w.why}; ${keptInstead(models, f, today)}.`;
}
