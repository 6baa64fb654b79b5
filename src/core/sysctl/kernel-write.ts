// What one write to /proc/sys does, as the kernel parses it: accepted (and what the key then reads back), rejected
// (with the errno and why), or unknown when tune has no facts about the key's handler. The loaders write the value
// followed by a newline.
import { kernelHandler, KERNEL_INT_MAX, type KernelHandler } from './kernel-handlers.js';
import type { SysctlKey } from './sysctl-key.js';
import { valueTokens } from './sysctl-value.js';

/** The kernel state a write depends on: current values (normalised) and what decides congestion-control names. */
export interface KernelState {
  /** Current value of each key, tokens joined by one space; a missing key's value is unknown. */
  values: Map<string, string>;
  /** CONFIG_HZ: jiffies keys refuse seconds above INT_MAX / HZ (250 on Debian, 1000 on RHEL and Ubuntu). */
  hz: number;
  /** True in the host's initial network namespace, false in a child one, null when unknown. */
  initialNetns: boolean | null;
  /** tcp_available_congestion_control / tcp_allowed_congestion_control, null when unknown. */
  congestion: { available: string[] | null; allowed: string[] | null };
}

export type WriteOutcome =
  | { result: 'accepted'; value: string | undefined }
  /** `value` is set when the kernel stored part of the write before it failed (int vectors store as they parse). */
  | { result: 'rejected'; errno: 'EINVAL' | 'ENOENT' | 'EPERM'; why: string; value?: string | undefined }
  | { result: 'unknown'; value: string | undefined; why: string };

/** Simulates writing `value` (without its newline) to `key` in `state`; does not change `state`. */
export function kernelWrite(key: SysctlKey | string, value: string, state: KernelState): WriteOutcome {
  const h = kernelHandler(key);
  const current = state.values.get(key);
  if (!h)
    return {
      result: 'unknown',
      value: valueTokens(value).join(' '),
      why: 'tune does not know how the kernel parses this key',
    };
  const buf = `${value}\n`;
  switch (h.kind) {
    case 'int':
    case 'jiffies':
      return intVector(h, buf, current, state.hz);
    case 'u8':
      return u8(h, buf);
    case 'port-range':
      return portRange(buf, current, state.values.get('net.ipv4.ip_unprivileged_port_start'));
    case 'unprivileged-port-start':
      return unprivilegedStart(buf, state.values.get('net.ipv4.ip_local_port_range'));
    case 'congestion-control':
      return congestion(buf, state);
  }
}

type Parsed = { ok: true; neg: boolean; magnitude: bigint; rest: string } | { ok: false; why: string };

const SPACE = /^[ \t\n\v\f\r]*/;
/** proc_get_long's bound: 21 characters of number (TMPBUFLEN - 1) are refused, longer ones cannot be told apart. */
const TMPBUFLEN = 22;

/** proc_get_long: an optional `-`, then strtoul with base 0, then a blank, tab or newline (or the end). */
function parseLong(text: string): Parsed {
  const chunk = text.slice(0, TMPBUFLEN - 1);
  let i = 0;
  const neg = chunk[0] === '-' && text.length > 1;
  if (neg) i = 1;
  if (!/[0-9]/.test(chunk[i] ?? '')) return { ok: false, why: `"${show(text)}" does not start with a digit` };
  let base = 10;
  if (chunk[i] === '0') {
    if (/^[xX][0-9a-fA-F]/.test(chunk.slice(i + 1, i + 3))) {
      base = 16;
      i += 2;
    } else base = 8;
  }
  const digit = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  let magnitude = 0n;
  while (i < chunk.length && digit.test(chunk[i] ?? '')) {
    magnitude = magnitude * BigInt(base) + BigInt(parseInt(chunk[i] ?? '0', base));
    i++;
  }
  if (magnitude >= 2n ** 64n) return { ok: false, why: `${show(text)} overflows` };
  if (i === TMPBUFLEN - 1) return { ok: false, why: `a number of ${TMPBUFLEN - 1} or more characters` };
  const next = text[i];
  if (next !== undefined && !' \t\n'.includes(next))
    return { ok: false, why: `"${show(text.slice(0, i + 1))}": ${JSON.stringify(next)} after the number` };
  return { ok: true, neg, magnitude, rest: text.slice(i) };
}

/** __do_proc_dointvec: up to `count` values; each is converted and stored in turn, so a bad one leaves the earlier. */
function intVector(
  h: Extract<KernelHandler, { kind: 'int' | 'jiffies' }>,
  buf: string,
  current: string | undefined,
  hz: number,
): WriteOutcome {
  const count = h.kind === 'int' ? h.count : 1;
  const stored = current === undefined ? undefined : valueTokens(current);
  const out: string[] = stored ? [...stored] : [];
  let rest = buf;
  let n = 0;
  const partial = (): string | undefined => (n === 0 ? current : stored || n === count ? out.join(' ') : undefined);
  for (; n < count; n++) {
    rest = rest.replace(SPACE, '');
    if (rest === '') break;
    const p = parseLong(rest);
    if (!p.ok) return rejectedInt(n, p.why, partial());
    const v = convert(h, p, hz);
    if (typeof v === 'string') return rejectedInt(n, v, partial());
    out[n] = String(v);
    rest = p.rest;
  }
  if (n === 0) return { result: 'rejected', errno: 'EINVAL', why: 'empty value' };
  return { result: 'accepted', value: partial() };
}

function rejectedInt(n: number, why: string, value: string | undefined): WriteOutcome {
  return n === 0
    ? { result: 'rejected', errno: 'EINVAL', why }
    : { result: 'rejected', errno: 'EINVAL', why: `value ${n + 1}: ${why}`, value };
}

function convert(
  h: Extract<KernelHandler, { kind: 'int' | 'jiffies' }>,
  p: Extract<Parsed, { ok: true }>,
  hz: number,
): number | string {
  const signed = p.neg ? -p.magnitude : p.magnitude;
  if (h.kind === 'jiffies') {
    const limit = BigInt(Math.floor(KERNEL_INT_MAX / hz));
    if (p.magnitude > limit) return `${signed} seconds is more than INT_MAX jiffies (above ${limit} at HZ=${hz})`;
    return Number(signed);
  }
  if (p.neg ? p.magnitude > BigInt(KERNEL_INT_MAX) + 1n : p.magnitude > BigInt(KERNEL_INT_MAX))
    return `${signed} does not fit an int`;
  const v = Number(signed);
  if (h.min !== undefined && v < h.min) return `${v} is below the kernel's minimum ${h.min}`;
  if (h.max !== undefined && v > h.max) return `${v} is above the kernel's maximum ${h.max}`;
  return v;
}

/** proc_dou8vec_minmax: one unsigned value (a sign, even `-0`, is refused), the rest of the text ignored. */
function u8(h: Extract<KernelHandler, { kind: 'u8' }>, buf: string): WriteOutcome {
  const rest = buf.replace(SPACE, '');
  if (rest === '') return { result: 'rejected', errno: 'EINVAL', why: 'empty value' };
  const p = parseLong(rest);
  if (!p.ok) return { result: 'rejected', errno: 'EINVAL', why: p.why };
  if (p.neg) return { result: 'rejected', errno: 'EINVAL', why: 'a negative value for an unsigned key' };
  if (p.magnitude < BigInt(h.min) || p.magnitude > BigInt(h.max))
    return { result: 'rejected', errno: 'EINVAL', why: `${p.magnitude} is outside the kernel's ${h.min}..${h.max}` };
  return { result: 'accepted', value: String(p.magnitude) };
}

/** Parses one or two ints 1..65535 over a copy of the current pair: all or nothing. */
function portPair(buf: string, current: string | undefined): { pair: (number | undefined)[] } | { why: string } {
  const pair: (number | undefined)[] = current ? valueTokens(current).map(Number) : [undefined, undefined];
  let rest = buf;
  let n = 0;
  for (; n < 2; n++) {
    rest = rest.replace(SPACE, '');
    if (rest === '') break;
    const p = parseLong(rest);
    if (!p.ok) return { why: p.why };
    const v = p.neg ? -Number(p.magnitude) : Number(p.magnitude);
    if (v < 1 || v > 65535) return { why: `${v} is outside 1..65535` };
    pair[n] = v;
    rest = p.rest;
  }
  if (n === 0) return { why: 'empty value' };
  return { pair };
}

function portRange(buf: string, current: string | undefined, unprivileged: string | undefined): WriteOutcome {
  const r = portPair(buf, current);
  if ('why' in r) return { result: 'rejected', errno: 'EINVAL', why: r.why };
  const [low, high] = r.pair;
  if (low === undefined || high === undefined)
    return { result: 'unknown', value: undefined, why: 'only the minimum was written and the maximum is unknown' };
  if (high < low) return { result: 'rejected', errno: 'EINVAL', why: `the range ${low}-${high} is inverted` };
  const start = unprivileged === undefined ? undefined : Number(unprivileged);
  if (start === undefined)
    return { result: 'unknown', value: `${low} ${high}`, why: 'ip_unprivileged_port_start is unknown at this point' };
  if (low < start)
    return {
      result: 'rejected',
      errno: 'EINVAL',
      why: `the range minimum ${low} is below ip_unprivileged_port_start (${start} at this point)`,
    };
  return { result: 'accepted', value: `${low} ${high}` };
}

function unprivilegedStart(buf: string, range: string | undefined): WriteOutcome {
  const rest = buf.replace(SPACE, '');
  if (rest === '') return { result: 'rejected', errno: 'EINVAL', why: 'empty value' };
  const p = parseLong(rest);
  if (!p.ok) return { result: 'rejected', errno: 'EINVAL', why: p.why };
  const v = p.neg ? -Number(p.magnitude) : Number(p.magnitude);
  if (v < 0 || v > 65535) return { result: 'rejected', errno: 'EINVAL', why: `${v} is outside 0..65535` };
  const low = range === undefined ? undefined : Number(valueTokens(range)[0]);
  if (low === undefined)
    return { result: 'unknown', value: String(v), why: 'ip_local_port_range is unknown at this point' };
  if (v > low)
    return {
      result: 'rejected',
      errno: 'EINVAL',
      why: `${v} is above the ip_local_port_range minimum (${low} at this point)`,
    };
  return { result: 'accepted', value: String(v) };
}

/** proc_dostring keeps up to 15 characters before a newline; the name must be one the kernel has. */
function congestion(buf: string, state: KernelState): WriteOutcome {
  const name = buf.slice(0, buf.search(/[\n\0]/)).slice(0, 15);
  const { available, allowed } = state.congestion;
  // No module can have a name with blanks or punctuation (`bbr # x`): the lookup fails whatever the namespace.
  if (!/^[A-Za-z0-9_]+$/.test(name) && !available?.includes(name))
    return { result: 'rejected', errno: 'ENOENT', why: `no congestion control is named "${show(name)}"` };
  if (state.initialNetns === false) {
    if (allowed === null) return { result: 'unknown', value: name, why: 'tcp_allowed_congestion_control is unknown' };
    if (allowed.includes(name) || name === 'reno') return { result: 'accepted', value: name };
    return {
      result: 'rejected',
      errno: available?.includes(name) ? 'EPERM' : 'ENOENT',
      why: `"${show(name)}" is not in tcp_allowed_congestion_control (a child network namespace may only choose those)`,
    };
  }
  if (available?.includes(name)) return { result: 'accepted', value: name };
  if (/^[a-z0-9_]+$/.test(name))
    return {
      result: 'unknown',
      value: name,
      why: `"${name}" is accepted only if the module tcp_${name} can be loaded`,
    };
  return { result: 'rejected', errno: 'ENOENT', why: `no congestion control is named "${show(name)}"` };
}

function show(s: string): string {
  const t = JSON.stringify(s.length > 30 ? `${s.slice(0, 30)}…` : s).slice(1, -1);
  return t.replace(/\\n$/, '');
}
