// The human form of `tune explain`: the key's facts, its values on this host, the rules about it.
import { normalizeValue } from '../sysctl/sysctl-value.js';
import { terminalSafe } from '../text/terminal-safe.js';
import type { Style } from '../text/text-style.js';
import type { BootLine, KeyExplanation } from './key-explanation.js';

const SCOPE = {
  netns: 'per network namespace (a container has its own)',
  ipcns: 'per IPC namespace (a container has its own)',
  global: 'host-wide (read-only or hidden inside a container)',
} as const;

export function renderExplanation(e: KeyExplanation, style: Style): string {
  const out: string[] = [style.bold(e.key)];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(9)} ${value}`);
  if (e.known) {
    out.push(`  ${e.about ?? ''}`, `  ${style.dim(`source: ${e.doc ?? ''}`)}`, '');
    row('type', e.type ?? '');
    if (e.unit) row('unit', e.unit);
    const def = [e.default !== null ? (e.default === '' ? '(empty)' : e.default) : null, e.computed]
      .filter((x) => x !== null)
      .join('; computed: ');
    if (def) row('default', def);
    if (e.defaultHere) row('', `here: ${e.defaultHere.value} (${e.defaultHere.from})`);
    if (e.scope) row('scope', SCOPE[e.scope]);
    const kernels = [e.since ? `since ${e.since}` : '', e.removedIn ? `removed in ${e.removedIn}` : '']
      .filter(Boolean)
      .join(', ');
    row('kernels', kernels || 'every kernel tune supports');
    if (e.module) row('module', `${e.module}: the key exists only while it is loaded (or built in)`);
  } else out.push(`  tune has no facts about this key (type, range, scope); its values on this host follow.`);
  out.push(
    '',
    `  on ${terminalSafe(e.host.hostname)} (kernel ${terminalSafe(e.host.kernel)}, ${terminalSafe(e.host.source)})`,
  );
  row('runtime', runtime(e));
  const sd = bootText(e.boot.systemd);
  const pp = bootText(e.boot.procps);
  if (sd === pp) row('boot', `${sd} (systemd-sysctl and sysctl --system agree)`);
  else {
    row('boot', `systemd-sysctl: ${sd}`);
    row('', `sysctl --system: ${pp}`);
  }
  out.push('');
  const about = e.rules.filter((r) => r.relation === 'about');
  const reads = e.rules.filter((r) => r.relation === 'reads');
  if (!about.length && !reads.length)
    out.push('  rules: none specific to this key (the general ones apply to every key)');
  if (about.length) out.push('  rules about it when planned:', ...about.map((r) => ruleLine(r, style)));
  if (reads.length) out.push('  rules that read it as evidence:', ...reads.map((r) => ruleLine(r, style)));
  return out.join('\n') + '\n';
}

function runtime(e: KeyExplanation): string {
  const r = e.runtime;
  if (r.state === 'ok')
    return `${terminalSafe(r.value === '' ? '(empty)' : normalizeValue(r.value ?? ''))}${r.writable ? '' : ' (read-only here)'}`;
  if (r.state === 'unreadable') return 'unreadable';
  if (r.state === 'not-read') return 'not in this snapshot';
  if (e.versionOk === false)
    return `absent: not on kernel ${terminalSafe(e.host.kernel)} (${e.since ? `since ${e.since}` : ''}${e.since && e.removedIn ? ', ' : ''}${e.removedIn ? `removed in ${e.removedIn}` : ''})`;
  if (e.module) return `absent: module ${e.module} is not loaded`;
  return 'absent on this host';
}

function bootText(b: BootLine | null): string {
  if (!b) return 'nothing sets it: the kernel default stays';
  const at = `${terminalSafe(b.file)}:${b.line}`;
  return b.fails
    ? `${at} writes ${terminalSafe(b.value)}, which fails (${terminalSafe(b.fails)}): the kernel default stays`
    : `${terminalSafe(b.value)} from ${at}`;
}

function ruleLine(r: KeyExplanation['rules'][number], style: Style): string {
  const sev = r.severity === 'refuse' ? style.red : r.severity === 'warn' ? style.yellow : style.dim;
  return `    ${r.id.padEnd(32)} ${sev(`${r.severity}${r.overridable ? ' (--allow)' : ''}`.padEnd(16))} ${r.summary}`;
}
