// Builds /proc/net/tcp{,6} text the way the kernel prints it (get_tcp4_sock / get_tcp6_sock formats).
import { ipv4Hex } from './fixture-root.js';

export const TCP_HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
export const TCP6_HEADER =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

export interface RowSpec {
  local: string;
  lport: number;
  remote?: string;
  rport?: number;
  state: number;
  tx?: number;
  rx?: number;
  inode?: number;
}

const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');

/** The kernel's hex for an IPv6 address given as 8 groups or a v4-mapped "::ffff:a.b.c.d". */
export function ipv6Hex(address: string): string {
  let bytes: number[];
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) bytes = [...Array(10).fill(0), 0xff, 0xff, ...(mapped[1] ?? '').split('.').map(Number)];
  else {
    const [head = '', tail = ''] = address.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
    bytes = groups.flatMap((g) => [g >> 8, g & 255]);
  }
  let out = '';
  for (let w = 0; w < 4; w++) for (const i of [3, 2, 1, 0]) out += hex(bytes[w * 4 + i] ?? 0, 2);
  return out;
}

/** One data row; `sl` is the row number (the kernel pads it to 4 but lets it grow). */
export function tcpRow(sl: number, r: RowSpec, family: 4 | 6 = 4): string {
  const addr = (a: string) => (family === 4 ? ipv4Hex(a) : ipv6Hex(a));
  const rem = r.remote ?? (family === 4 ? '0.0.0.0' : '::');
  return `${String(sl).padStart(4)}: ${addr(r.local)}:${hex(r.lport, 4)} ${addr(rem)}:${hex(r.rport ?? 0, 4)} ${hex(r.state, 2)} ${hex(r.tx ?? 0, 8)}:${hex(r.rx ?? 0, 8)} 00:00000000 00000000  1000        0 ${r.inode ?? 0} 1 0000000000000000 100 0 0 10 0\n`;
}

/** A whole table. */
export function tcpTable(rows: RowSpec[], family: 4 | 6 = 4): string {
  return (family === 4 ? TCP_HEADER : TCP6_HEADER) + rows.map((r, i) => tcpRow(i, r, family)).join('');
}
