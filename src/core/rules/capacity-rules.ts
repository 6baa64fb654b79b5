// Lowering a limit below what the host has today: pasted lists "raise" limits to values a large host already exceeds.
import { valueTokens } from '../sysctl/sysctl-value.js';
import type { PlannedKey, Rule, RuleContext, RuleHit } from './rule.js';

/** Host and queue capacities: a lower value means fewer files, connections, packets or entries before failures. */
export const CAPACITY_KEYS = [
  'fs.file-max',
  'fs.nr_open',
  'fs.aio-max-nr',
  'fs.inotify.max_user_watches',
  'fs.inotify.max_user_instances',
  'fs.epoll.max_user_watches',
  'kernel.pid_max',
  'kernel.threads-max',
  'vm.max_map_count',
  'net.core.somaxconn',
  'net.core.netdev_max_backlog',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.neigh.default.gc_thresh3',
  'net.ipv6.neigh.default.gc_thresh3',
  'net.netfilter.nf_conntrack_max',
  'net.nf_conntrack_max',
];

const TCP_BUFFERS = ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SOCKET_BUFFERS = ['net.core.rmem_max', 'net.core.wmem_max'];

/** Planned `set` keys among `keys` whose `pick`ed number goes below today's (BigInt: systemd sets file-max to 2^63-1). */
function lowered(ctx: RuleContext, keys: string[], pick: (v: string) => bigint | undefined) {
  return keys.flatMap((key) => {
    const p = ctx.planned.get(key);
    if (!p || p.op !== 'set' || p.current === undefined) return [];
    const now = pick(p.current);
    const target = pick(p.target);
    return now !== undefined && target !== undefined && target < now ? [{ p, now, target }] : [];
  });
}

const nth = (i: number) => (v: string) => {
  const t = valueTokens(v)[i];
  return t !== undefined && /^\d{1,20}$/.test(t) ? BigInt(t) : undefined;
};
const first = nth(0);
const third = nth(2);

export const capacityRules: Rule[] = [
  {
    id: 'CAPACITY_LOWERED',
    severity: 'warn',
    concerns: CAPACITY_KEYS,
    summary:
      'A capacity limit (file-max, nr_open, somaxconn, netdev_max_backlog, tcp_max_syn_backlog, nf_conntrack_max...) set below its value today lowers it: write `>N` to only raise.',
    check: (ctx) =>
      lowered(ctx, CAPACITY_KEYS, first).map(({ p, now, target }): RuleHit => ({
        key: p.key,
        message: `${p.key} ${target} is below today's ${now}: this lowers the limit (a list meant to raise it was written for a smaller host). To only ever raise it, write ${p.key} = >${target}; to keep today's value, leave it out.`,
        evidence: { current: String(now), target: String(target) },
      })),
  },
  {
    id: 'BUFFER_MAX_LOWERED',
    severity: 'warn',
    concerns: [...TCP_BUFFERS, ...SOCKET_BUFFERS],
    summary:
      "A tcp_rmem/tcp_wmem max below today's caps TCP autotuning lower; an rmem_max/wmem_max below today's caps the buffers applications ask for.",
    check: (ctx) => [
      ...lowered(ctx, TCP_BUFFERS, third).map(({ p, now, target }) => hit(p, now, target, 'tcp')),
      ...lowered(ctx, SOCKET_BUFFERS, first).map(({ p, now, target }) => hit(p, now, target, 'socket')),
    ],
  },
];

function hit(p: PlannedKey, now: bigint, target: bigint, kind: 'tcp' | 'socket'): RuleHit {
  const mib = (n: bigint) => `${+(Number(n) / 1048576).toFixed(1)} MiB`;
  const what =
    kind === 'tcp'
      ? `caps TCP ${p.key.endsWith('rmem') ? 'receive' : 'send'} autotuning at ${mib(target)} instead of today's ${mib(now)} (the kernel sizes it from memory: 32 MiB receive on 6.16+): long fat paths get slower. Keep the max at or above today's.`
      : `caps what applications may ask for with ${p.key.endsWith('rmem_max') ? 'SO_RCVBUF' : 'SO_SNDBUF'} at ${mib(target)} instead of today's ${mib(now)} (UDP and QUIC servers, proxies); TCP autotuning is bounded by tcp_${p.key.endsWith('rmem_max') ? 'rmem' : 'wmem'} instead.`;
  return { key: p.key, message: `${p.key} ${what}`, evidence: { current: String(now), target: String(target) } };
}
