// TIME_WAIT folklore and its facts: tw_recycle is gone, fin_timeout is not TIME_WAIT, tw_reuse is client-side only.
import { KERNEL_DEFAULT_KEYS } from '../sysctl/kernel-defaults.js';
import { kernelAtLeast } from '../sysctl/kernel-version.js';
import { intTokens } from '../sysctl/sysctl-value.js';
import { currentValue, effectiveInt, whenPlanned, type Rule } from './rule.js';

const RECYCLE = 'net.ipv4.tcp_tw_recycle';
const REUSE = 'net.ipv4.tcp_tw_reuse';

export const timeWaitRules: Rule[] = [
  {
    id: 'TW_RECYCLE_REMOVED',
    severity: 'refuse',
    concerns: [RECYCLE],
    summary: 'tcp_tw_recycle was removed in Linux 4.12; the key does not exist there.',
    check: (ctx) =>
      whenPlanned(ctx, RECYCLE, () =>
        kernelAtLeast(ctx.kernel, '4.12') || ctx.snapshot.sysctl[RECYCLE]?.state === 'absent'
          ? {
              key: RECYCLE,
              message:
                'tcp_tw_recycle was removed in Linux 4.12 and does not exist on this kernel. For TIME_WAIT pressure on outgoing connections use tcp_tw_reuse, a wider ip_local_port_range, or connection pooling.',
              evidence: {
                kernel: ctx.snapshot.kernel.release,
                keyState: ctx.snapshot.sysctl[RECYCLE]?.state ?? 'absent',
              },
            }
          : undefined,
      ),
  },
  {
    id: 'TW_RECYCLE_NAT',
    severity: 'refuse',
    concerns: [RECYCLE],
    summary: 'tcp_tw_recycle drops SYNs from clients behind NAT; refused wherever NAT evidence is found.',
    check: (ctx) =>
      whenPlanned(ctx, RECYCLE, (p) =>
        p.target !== '0' && !kernelAtLeast(ctx.kernel, '4.12') && ctx.snapshot.env.nat.detected
          ? {
              key: RECYCLE,
              message:
                'tcp_tw_recycle=1 drops connections from clients behind NAT, and this host shows NAT evidence. Use tcp_tw_reuse (client side) or more source ports instead.',
              evidence: { nat: ctx.snapshot.env.nat.evidence.join('; ') },
            }
          : undefined,
      ),
  },
  {
    id: 'TW_RECYCLE_LEGACY',
    severity: 'refuse',
    concerns: [RECYCLE],
    overridable: true,
    summary: 'tcp_tw_recycle on a pre-4.12 kernel without NAT evidence: refused unless --allow TW_RECYCLE_LEGACY.',
    check: (ctx) =>
      whenPlanned(ctx, RECYCLE, (p) =>
        p.target !== '0' &&
        !kernelAtLeast(ctx.kernel, '4.12') &&
        ctx.kernel !== undefined &&
        !ctx.snapshot.env.nat.detected
          ? {
              key: RECYCLE,
              message:
                'tcp_tw_recycle=1 breaks every client behind a NAT this host cannot see (carrier-grade NAT, office gateways). No NAT was found locally; if you are certain, pass --allow TW_RECYCLE_LEGACY.',
              evidence: { kernel: ctx.snapshot.kernel.release, nat: false },
            }
          : undefined,
      ),
  },
  {
    id: 'FIN_TIMEOUT_MISJUSTIFIED',
    severity: 'refuse',
    concerns: ['net.ipv4.tcp_fin_timeout'],
    summary: 'tcp_fin_timeout justified as shortening TIME_WAIT: TIME_WAIT is fixed at 60 s (TCP_TIMEWAIT_LEN).',
    check: (ctx) =>
      whenPlanned(ctx, 'net.ipv4.tcp_fin_timeout', (p) =>
        /time[\s_-]?wait/i.test(p.reason)
          ? {
              key: p.key,
              message:
                'tcp_fin_timeout does not shorten TIME_WAIT (fixed at 60 s in the kernel); it only bounds orphaned FIN_WAIT2. For TIME_WAIT pressure use tcp_tw_reuse, a wider port range, or keep-alive/pooling in the application.',
              evidence: { reason: p.reason, origin: `${p.origin.file}:${p.origin.line}` },
            }
          : undefined,
      ),
  },
  {
    id: 'FIN_TIMEOUT_SCOPE',
    severity: 'info',
    concerns: ['net.ipv4.tcp_fin_timeout'],
    summary: 'tcp_fin_timeout only bounds orphaned FIN_WAIT2 sockets.',
    check: (ctx) =>
      whenPlanned(ctx, 'net.ipv4.tcp_fin_timeout', (p) =>
        /time[\s_-]?wait/i.test(p.reason)
          ? undefined
          : {
              key: p.key,
              message:
                'tcp_fin_timeout only limits how long an orphaned connection waits in FIN_WAIT2 for the peer; TIME_WAIT stays 60 s.',
              evidence: { target: p.target },
            },
      ),
  },
  {
    id: 'TW_REUSE_NEEDS_TIMESTAMPS',
    severity: 'refuse',
    concerns: [REUSE],
    summary: 'tcp_tw_reuse does nothing without TCP timestamps (tcp_timestamps=0).',
    reads: ['net.ipv4.tcp_timestamps'],
    check: (ctx) =>
      whenPlanned(ctx, REUSE, (p) =>
        p.target !== '0' && effectiveInt(ctx, 'net.ipv4.tcp_timestamps') === 0
          ? {
              key: REUSE,
              message:
                'tcp_tw_reuse needs TCP timestamps to reuse a TIME_WAIT port safely, and tcp_timestamps is 0. Set net.ipv4.tcp_timestamps=1 as well, or drop tcp_tw_reuse.',
              evidence: { tcp_timestamps: 0 },
            }
          : undefined,
      ),
  },
  {
    id: 'TW_REUSE_LOOPBACK_VALUE',
    severity: 'refuse',
    concerns: [REUSE],
    summary: 'tcp_tw_reuse=2 (loopback only) needs Linux 4.18 or later.',
    check: (ctx) =>
      whenPlanned(ctx, REUSE, (p) =>
        p.target === '2' && ctx.kernel !== undefined && !kernelAtLeast(ctx.kernel, '4.18')
          ? {
              key: REUSE,
              message: 'tcp_tw_reuse=2 (loopback only) exists since Linux 4.18; this kernel accepts only 0 or 1.',
              evidence: { kernel: ctx.snapshot.kernel.release },
            }
          : undefined,
      ),
  },
  {
    id: 'TW_REUSE_CLIENT_ONLY',
    severity: 'info',
    concerns: [REUSE],
    summary: 'tcp_tw_reuse only helps outgoing connections (this host connecting out).',
    check: (ctx) =>
      whenPlanned(ctx, REUSE, (p) =>
        p.target !== '0'
          ? {
              key: REUSE,
              message:
                'tcp_tw_reuse lets new outgoing connections reuse a port held in TIME_WAIT; it does nothing for TIME_WAIT left by connections this host accepted.',
              evidence: { target: p.target },
            }
          : undefined,
      ),
  },
  ...(['tcp_max_tw_buckets', 'tcp_max_orphans'] as const).map((name): Rule => ({
    id: name === 'tcp_max_tw_buckets' ? 'TW_BUCKETS_BELOW_DEFAULT' : 'ORPHANS_BELOW_DEFAULT',
    severity: 'refuse',
    concerns: [`net.ipv4.${name}`],
    overridable: true,
    summary: `Do not lower ${name} below the kernel default computed for this machine (kernel docs: "must not lower artificially").`,
    reads: KERNEL_DEFAULT_KEYS,
    check: (ctx) =>
      whenPlanned(ctx, `net.ipv4.${name}`, (p) => {
        const def = name === 'tcp_max_tw_buckets' ? ctx.defaults.tcpMaxTwBuckets : ctx.defaults.tcpMaxOrphans;
        const target = intTokens(p.target)?.[0];
        if (def === null || target === undefined || target >= def) return undefined;
        return {
          key: p.key,
          message: `${target} is below this machine's kernel default ${def}; past the limit the kernel destroys sockets early (${name === 'tcp_max_tw_buckets' ? 'TIME_WAIT protection lost' : 'connections reset'}). Raise it with memory, never lower it; --allow to override.`,
          evidence: {
            target,
            kernelDefault: def,
            defaultSource: ctx.defaults.ehashSource,
            current: currentValue(ctx, p.key) ?? null,
          },
        };
      }),
  })),
];
