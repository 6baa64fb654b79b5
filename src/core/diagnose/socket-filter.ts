// --port, --dst and --state: which sockets a diagnosis looks at. Parsed strictly (a bad value is one line, exit 2),
// matched on the numeric fields of a row so the hot path makes no strings.
import { UserError } from '../errors.js';
import { TCP_STATE_NAMES, type TcpRecord } from './tcp-table-parser.js';

export interface SocketFilter {
  /** Local or remote port; null for any. */
  port: number | null;
  /** Remote address (IPv4 as the kernel's u32, IPv6 as the kernel's hex text) and optional remote port. */
  dst: { family: 4 | 6; v4: number; hex: string; port: number | null; text: string } | null;
  /** Bit (1 << kernel state code) per accepted state; 0 for any. NEW_SYN_RECV follows SYN_RECV. */
  states: number;
  /** What was asked for, for the report's header. */
  text: string[];
}

export const NO_FILTER: SocketFilter = { port: null, dst: null, states: 0, text: [] };

/** The names --state accepts: the kernel's and ss's (ESTAB, TIME-WAIT, ...), case-insensitive. */
const STATE_ALIASES: Record<string, number> = {
  ESTAB: 1,
  'SYN-SENT': 2,
  'SYN-RECV': 3,
  'FIN-WAIT-1': 4,
  'FIN-WAIT-2': 5,
  'TIME-WAIT': 6,
  'CLOSE-WAIT': 8,
  'LAST-ACK': 9,
  LISTENING: 10,
};

const portOf = (text: string, flag: string): number => {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new UserError(`${flag} takes a port from 1 to 65535, got "${text}"`);
  return Number(text);
};

/** IPv4 dotted text as the kernel's u32 (first octet in the low byte), or null. */
export function ipv4ToKernel(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return null;
  return (o[0] ?? 0) + (o[1] ?? 0) * 256 + (o[2] ?? 0) * 65536 + (o[3] ?? 0) * 16777216;
}

/** IPv6 text (with :: and an optional dotted tail) as the kernel's hex (four little-endian words), or null. */
export function ipv6ToKernelHex(text: string): string | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return null;
  let groups: string[];
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let t = text;
  if (tail) {
    const v4 = ipv4ToKernel(tail[1] ?? '');
    if (v4 === null) return null;
    const b = [v4 & 255, (v4 >>> 8) & 255, (v4 >>> 16) & 255, v4 >>> 24];
    t =
      text.slice(0, -(tail[1] ?? '').length) +
      `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', rest] = t.split('::');
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  if (rest === undefined) groups = h;
  else groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - r.length)).fill('0'), ...r];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const bytes = groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]);
  let out = '';
  for (let w = 0; w < 4; w++)
    for (const i of [3, 2, 1, 0]) out += (bytes[w * 4 + i] ?? 0).toString(16).toUpperCase().padStart(2, '0');
  return out;
}

/** Builds the filter from the flags; any bad value is a UserError naming the flag. */
export function parseSocketFilter(flags: { port?: string; dst?: string; state?: string }): SocketFilter {
  const text: string[] = [];
  const port = flags.port === undefined ? null : portOf(flags.port.trim(), '--port');
  if (port !== null) text.push(`port ${port}`);
  let dst: SocketFilter['dst'] = null;
  if (flags.dst !== undefined) {
    const d = flags.dst.trim();
    const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(d);
    const v4port = /^([\d.]+)(?::(.*))?$/.exec(d);
    const [addr, p] = bracket ? [bracket[1] ?? '', bracket[2]] : v4port ? [v4port[1] ?? '', v4port[2]] : [d, undefined];
    const v4 = ipv4ToKernel(addr);
    const hex = v4 === null ? ipv6ToKernelHex(addr) : null;
    if (v4 === null && hex === null)
      throw new UserError(`--dst takes ADDRESS, ADDRESS:PORT or [IPv6]:PORT, got "${flags.dst}"`);
    dst = {
      family: v4 !== null ? 4 : 6,
      v4: v4 ?? 0,
      hex: hex ?? '',
      port: p === undefined ? null : portOf(p, '--dst'),
      text: d,
    };
    text.push(`destination ${d}`);
  }
  let states = 0;
  if (flags.state !== undefined) {
    for (const raw of flags.state.split(',')) {
      const name = raw.trim().toUpperCase();
      const code = STATE_ALIASES[name] ?? TCP_STATE_NAMES.indexOf(name as (typeof TCP_STATE_NAMES)[number]);
      if (!(code >= 1 && code <= 11))
        throw new UserError(
          `--state takes state names separated by commas (${TCP_STATE_NAMES.slice(1, 12).join(', ')}), got "${raw.trim()}"`,
        );
      states |= 1 << code;
      if (code === 3) states |= 1 << 12;
    }
    text.push(`state ${flags.state.trim().toUpperCase()}`);
  }
  return { port, dst, states, text };
}

/** Whether a row passes the filter. */
export function matchesFilter(f: SocketFilter, r: TcpRecord): boolean {
  if (f.states !== 0 && (f.states & (1 << r.state)) === 0) return false;
  if (f.port !== null && r.localPort !== f.port && r.remotePort !== f.port) return false;
  const d = f.dst;
  if (d !== null) {
    if (d.port !== null && r.remotePort !== d.port) return false;
    if (d.family === 4) {
      // An IPv4 peer of a dual-stack socket shows in tcp6 as ::ffff:a.b.c.d.
      if (r.family === 4 ? r.remote4 !== d.v4 : r.remoteHex !== v4MappedHex(d.v4)) return false;
    } else if (r.family !== 6 || r.remoteHex !== d.hex) return false;
  }
  return true;
}

const mappedCache = new Map<number, string>();
function v4MappedHex(v4: number): string {
  let s = mappedCache.get(v4);
  if (s === undefined) {
    s = '0000000000000000FFFF0000' + (v4 >>> 0).toString(16).toUpperCase().padStart(8, '0');
    mappedCache.set(v4, s);
  }
  return s;
}

/** Whether a filter is set at all. */
export const isFiltered = (f: SocketFilter): boolean => f.port !== null || f.dst !== null || f.states !== 0;
