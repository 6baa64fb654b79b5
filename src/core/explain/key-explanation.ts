// `tune explain KEY`: what tune knows about one key, its value on this host now and at boot, and the rules about it.
import { bootEnvOf } from '../boot/boot-env.js';
import { modelBoot } from '../boot/boot-precedence.js';
import type { BootLoader } from '../boot/loader-lines.js';
import type { Rule, Severity } from '../rules/rule.js';
import type { Snapshot } from '../snapshot.js';
import { machineDefault } from '../sysctl/kernel-defaults.js';
import { kernelAtLeast, parseKernelRelease } from '../sysctl/kernel-version.js';
import { keySpec, type KeySpec, type ValueShape } from '../sysctl/key-catalog.js';
import { normalizeValue } from '../sysctl/sysctl-value.js';

export interface BootLine {
  value: string;
  file: string;
  line: number;
  /** How the write ends at boot when it does not land (`rejected: EINVAL ...`). */
  fails?: string;
}

export interface KeyExplanation {
  key: string;
  /** False when tune has no facts about the key (it exists on this host, so its values are shown). */
  known: boolean;
  about: string | null;
  doc: string | null;
  type: string | null;
  unit: string | null;
  scope: KeySpec['scope'] | null;
  since: string | null;
  removedIn: string | null;
  module: string | null;
  default: string | null;
  computed: string | null;
  /** The computed default worked out for this host, when tune can. */
  defaultHere: { value: string; from: string } | null;
  host: { hostname: string; kernel: string; source: string };
  /** Does this kernel have the key, by its version gates (null when no gate applies or the release is unparsed)? */
  versionOk: boolean | null;
  runtime: { state: 'ok' | 'absent' | 'unreadable' | 'not-read'; value: string | null; writable: boolean | null };
  /** The line that decides the value at boot, per loader; null: nothing sets it (the kernel default stays). */
  boot: Record<BootLoader, BootLine | null>;
  rules: { id: string; severity: Severity; overridable: boolean; summary: string; relation: 'about' | 'reads' }[];
}

/** Everything `tune explain` says about `key`, from a snapshot (live or from a file). */
export function explainKey(key: string, snapshot: Snapshot, rules: Rule[], source: string): KeyExplanation {
  const spec = keySpec(key);
  const rv = snapshot.sysctl[key];
  const env = bootEnvOf(snapshot);
  const boot = (loader: BootLoader): BootLine | null => {
    const model = modelBoot(snapshot.config, loader, [key], env);
    const a = model.assignments.get(key);
    const last = model.writes.filter((w) => w.key === key).pop();
    if (a) return { value: a.value, file: a.file, line: a.line };
    // A write that does not land leaves the kernel default: name it, it is why boot does not set the key.
    return last
      ? {
          value: normalizeValue(last.text),
          file: last.file,
          line: last.line,
          fails: `${last.result}${last.errno ? ` (${last.errno})` : ''}${last.why ? `: ${last.why}` : ''}`,
        }
      : null;
  };
  const kernel = parseKernelRelease(snapshot.kernel.release);
  const gates = [spec?.since, spec?.removedIn].some((v) => v !== undefined) && kernel !== undefined;
  return {
    key,
    known: spec !== undefined,
    about: spec?.about ?? null,
    doc: spec?.doc ?? null,
    type: spec ? describeShape(spec.shape) : null,
    unit: spec?.unit ?? null,
    scope: spec?.scope ?? null,
    since: spec?.since ?? null,
    removedIn: spec?.removedIn ?? null,
    module: spec?.module ?? null,
    default: spec?.default ?? null,
    computed: spec?.computed ?? null,
    defaultHere: machineDefault(snapshot, key),
    host: { hostname: snapshot.hostname, kernel: snapshot.kernel.release, source },
    versionOk: gates
      ? (spec?.since === undefined || kernelAtLeast(kernel, spec.since)) &&
        (spec?.removedIn === undefined || !kernelAtLeast(kernel, spec.removedIn))
      : null,
    runtime: rv
      ? { state: rv.state, value: rv.state === 'ok' ? (rv.value ?? '') : null, writable: rv.writable }
      : { state: 'not-read', value: null, writable: null },
    boot: { systemd: boot('systemd'), procps: boot('procps') },
    rules: rules.flatMap((r) => {
      const relation = r.concerns?.includes(key) ? 'about' : r.reads?.includes(key) ? 'reads' : undefined;
      return relation
        ? [{ id: r.id, severity: r.severity, overridable: r.overridable === true, summary: r.summary, relation }]
        : [];
    }),
  };
}

/** The value type and range in words: `integer 0..2`, `3 integers, each >= 4096`. */
export function describeShape(shape: ValueShape): string {
  const range = (min?: number, max?: number) =>
    min !== undefined && max !== undefined
      ? ` ${min}..${max}`
      : min !== undefined
        ? ` >= ${min}`
        : max !== undefined
          ? ` <= ${max}`
          : '';
  switch (shape.kind) {
    case 'int':
      return `integer${range(shape.min, shape.max)}`;
    case 'ints':
      return `${shape.count} integers${shape.min !== undefined || shape.max !== undefined ? `, each${range(shape.min, shape.max)}` : ''}`;
    case 'ulong':
      return 'unsigned 64-bit integer';
    case 'string':
      return shape.describe;
    case 'port-list':
      return 'list of ports and ranges (8080,9000-9010)';
  }
}
