// Parses rows of /proc/net/tcp and /proc/net/tcp6 (the kernel's socket tables) into plain records.
import { UserError } from './errors.js';

/** Kernel TCP states by their hex code in /proc/net/tcp (include/net/tcp_states.h). */
export const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
  '0C': 'NEW_SYN_RECV',
};

export interface TcpRow {
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
  txQueue: number;
  rxQueue: number;
  uid: number;
  inode: number;
}

/** Parses one data row; throws a UserError naming file and line when the row is malformed. */
export function parseTcpRow(line: string, family: 4 | 6, file: string, lineNo: number): TcpRow {
  const f = line.trim().split(/\s+/);
  const bad = (why: string): never => {
    throw new UserError(`malformed socket row: ${why}`, { file, line: lineNo });
  };
  if (f.length < 10) bad(`expected at least 10 fields, got ${f.length}`);
  const [local = '', remote = '', st = '', queues = ''] = [f[1], f[2], f[3], f[4]];
  const [la, lp] = splitEndpoint(local) ?? bad(`bad local address "${local}"`);
  const [ra, rp] = splitEndpoint(remote) ?? bad(`bad remote address "${remote}"`);
  const state = TCP_STATES[st.toUpperCase()] ?? bad(`unknown state "${st}"`);
  const q = /^([0-9A-Fa-f]+):([0-9A-Fa-f]+)$/.exec(queues) ?? bad(`bad queues "${queues}"`);
  return {
    family,
    localAddress: hexToAddress(la, family) ?? bad(`bad local address "${local}"`),
    localPort: parseInt(lp, 16),
    remoteAddress: hexToAddress(ra, family) ?? bad(`bad remote address "${remote}"`),
    remotePort: parseInt(rp, 16),
    state,
    txQueue: parseInt(q[1] ?? '0', 16),
    rxQueue: parseInt(q[2] ?? '0', 16),
    uid: Number(f[7]),
    inode: Number(f[9]),
  };
}

function splitEndpoint(s: string): [string, string] | undefined {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(s);
  return m ? [m[1] ?? '', m[2] ?? ''] : undefined;
}

/** Converts the kernel's hex address (host byte order words) to text; v4-mapped IPv6 shows as ::ffff:a.b.c.d. */
export function hexToAddress(hex: string, family: 4 | 6): string | undefined {
  if (family === 4) {
    if (hex.length !== 8) return undefined;
    return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
  }
  if (hex.length !== 32) return undefined;
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (const i of [6, 4, 2, 0]) bytes.push(parseInt(word.slice(i, i + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best === -1) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}
