// Accept and SYN queues: somaxconn is read at listen(); syn_backlog is moot with syncookies; cookies stay on.
import { intTokens } from '../sysctl/sysctl-value.js';
import { valueInEffect, whenPlanned, type Rule } from './rule.js';

const isLoopback = (addr: string): boolean =>
  addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.');

export const queueRules: Rule[] = [
  {
    id: 'SOMAXCONN_NEEDS_RELISTEN',
    severity: 'info',
    concerns: ['net.core.somaxconn'],
    summary: 'somaxconn caps the backlog at listen() time: running listeners keep their queue until they listen again.',
    check: (ctx) =>
      whenPlanned(ctx, 'net.core.somaxconn', (p) => {
        const ports = [...new Set(ctx.snapshot.env.listeners.map((l) => l.port))].sort((a, b) => a - b);
        return {
          key: p.key,
          message: `the accept queue is min(application backlog, somaxconn), fixed when the service calls listen(): restart the listeners${ports.length ? ` (ports ${ports.slice(0, 10).join(', ')}${ports.length > 10 ? ', ...' : ''})` : ''} and check that they ask for a backlog this large.`,
          evidence: { listeners: ports.length },
        };
      }),
  },
  {
    id: 'SYN_BACKLOG_WITH_SYNCOOKIES',
    severity: 'warn',
    concerns: ['net.ipv4.tcp_max_syn_backlog'],
    summary:
      'tcp_max_syn_backlog is effectively unused while tcp_syncookies is on (as it will be after the plan: a refused tcp_syncookies=0 leaves it on).',
    reads: ['net.ipv4.tcp_syncookies'],
    check: (ctx) =>
      whenPlanned(ctx, 'net.ipv4.tcp_max_syn_backlog', (p) => {
        // A refused tcp_syncookies=0 leaves cookies on: judge the value that will be in effect, not the target.
        const cookies = intTokens(valueInEffect(ctx, 'net.ipv4.tcp_syncookies') ?? '')?.[0];
        return cookies === undefined || cookies === 0
          ? undefined
          : {
              key: p.key,
              message: `with tcp_syncookies=${cookies} the SYN queue is bounded by the listener's backlog (somaxconn), not by tcp_max_syn_backlog; this change has little effect. Raise somaxconn and the application's backlog instead.`,
              evidence: { tcp_syncookies: cookies },
            };
      }),
  },
  {
    id: 'SYNCOOKIES_DISABLED',
    severity: 'refuse',
    concerns: ['net.ipv4.tcp_syncookies'],
    overridable: true,
    summary: 'Turning tcp_syncookies off on a host with non-loopback listeners exposes it to SYN floods.',
    check: (ctx) =>
      whenPlanned(ctx, 'net.ipv4.tcp_syncookies', (p) => {
        const exposed = ctx.snapshot.env.listeners.filter((l) => !isLoopback(l.address));
        return p.target !== '0' || !exposed.length
          ? undefined
          : {
              key: p.key,
              message: `tcp_syncookies=0 lets a SYN flood fill the queue of the ${exposed.length} listener(s) reachable from outside. Keep it at 1; --allow to override.`,
              evidence: { exposedListeners: exposed.length },
            };
      }),
  },
];
