// The ephemeral port range against unprivileged ports, listeners, parity; reserved ports merge, never replace.
import { parsePortList } from '../sysctl/port-list.js';
import { DEFAULT_EPHEMERAL_LOW, SERVICE_PORTS } from '../sysctl/service-ports.js';
import {
  effectiveInt,
  effectiveInts,
  effectiveValue,
  currentValue,
  whenPlanned,
  type Rule,
  type RuleContext,
} from './rule.js';

const RANGE = 'net.ipv4.ip_local_port_range';
const RESERVED = 'net.ipv4.ip_local_reserved_ports';
const UNPRIV = 'net.ipv4.ip_unprivileged_port_start';

function plannedRange(ctx: RuleContext): [number, number] | undefined {
  if (!ctx.planned.has(RANGE)) return undefined;
  const r = effectiveInts(ctx, RANGE);
  return r && r.length === 2 ? [r[0] ?? 0, r[1] ?? 0] : undefined;
}

export const portRules: Rule[] = [
  {
    id: 'PORT_RANGE_BELOW_UNPRIVILEGED',
    severity: 'refuse',
    concerns: [RANGE, UNPRIV],
    summary:
      'ip_local_port_range must start at or above ip_unprivileged_port_start (the kernel rejects it with EINVAL).',
    reads: [RANGE, UNPRIV],
    check: (ctx) => {
      if (!ctx.planned.has(RANGE) && !ctx.planned.has(UNPRIV)) return [];
      const low = effectiveInts(ctx, RANGE)?.[0];
      const unpriv = effectiveInt(ctx, UNPRIV);
      if (low === undefined || unpriv === undefined || low >= unpriv) return [];
      return [
        {
          key: ctx.planned.has(RANGE) ? RANGE : UNPRIV,
          message: `port range low ${low} is below ip_unprivileged_port_start ${unpriv}; the kernel rejects this combination. Keep the range at or above ${unpriv}.`,
          evidence: { low, unprivilegedPortStart: unpriv },
        },
      ];
    },
  },
  {
    id: 'PORT_RANGE_PRIVILEGED',
    severity: 'warn',
    concerns: [RANGE],
    summary: 'An ephemeral range starting below 1024 hands out ports that services expect to bind.',
    check: (ctx) => {
      const r = plannedRange(ctx);
      if (!r || r[0] >= 1024) return [];
      return [
        {
          key: RANGE,
          message: `the range starts at ${r[0]}, inside the privileged ports; outgoing connections will take ports services expect to bind. Keep it above the ports this host's services use (the kernel's default starts at ${DEFAULT_EPHEMERAL_LOW}).`,
          evidence: { low: r[0] },
        },
      ];
    },
  },
  {
    id: 'PORT_RANGE_LISTENER_OVERLAP',
    severity: 'warn',
    concerns: [RANGE],
    summary: 'Listening ports inside the new ephemeral range collide with outgoing connections unless reserved.',
    reads: [RESERVED],
    check: (ctx) => {
      const r = plannedRange(ctx);
      if (!r) return [];
      const reserved = parsePortList(effectiveValue(ctx, RESERVED) ?? '');
      const inside = [...new Set(ctx.snapshot.env.listeners.map((l) => l.port))]
        .filter((p) => p >= r[0] && p <= r[1] && !reserved.has(p))
        .sort((a, b) => a - b);
      if (!inside.length) return [];
      return [
        {
          key: RANGE,
          message: `listening port(s) ${inside.join(', ')} fall inside ${r[0]}-${r[1]}; a restarted service may find its port taken by an outgoing connection. Add them to net.ipv4.ip_local_reserved_ports (e.g. --set net.ipv4.ip_local_reserved_ports=${inside.join(',')}).`,
          evidence: { range: `${r[0]}-${r[1]}`, listeners: inside.join(',') },
        },
      ];
    },
  },
  {
    id: 'PORT_RANGE_SERVICE_PORTS',
    severity: 'info',
    concerns: [RANGE],
    summary: `A range starting below ${DEFAULT_EPHEMERAL_LOW} covers ports server software listens on by default (a 1024 start covers MySQL, PostgreSQL, Redis...).`,
    reads: [RESERVED],
    check: (ctx) => {
      const r = plannedRange(ctx);
      if (!r || r[0] >= DEFAULT_EPHEMERAL_LOW) return [];
      const reserved = parsePortList(effectiveValue(ctx, RESERVED) ?? '');
      // Ports something listens on now are PORT_RANGE_LISTENER_OVERLAP's (a warning); these are the ones that may.
      const listening = new Set(ctx.snapshot.env.listeners.map((l) => l.port));
      const covered = [...SERVICE_PORTS].filter(
        ([p]) => p >= r[0] && p <= r[1] && p < DEFAULT_EPHEMERAL_LOW && !reserved.has(p) && !listening.has(p),
      );
      if (!covered.length) return [];
      const SHOWN = 10;
      const more = covered.length > SHOWN ? ` and ${covered.length - SHOWN} more (the JSON form lists all)` : '';
      const named = `${covered
        .slice(0, SHOWN)
        .map(([p, what]) => `${p} (${what})`)
        .join(', ')}${more}`;
      return [
        {
          key: RANGE,
          message: `${r[0]}-${r[1]} covers ports server software listens on by default: ${named}. A service started after an outgoing connection took its port fails to bind (EADDRINUSE): reserve the ones this host serves in net.ipv4.ip_local_reserved_ports, or start the range higher.`,
          evidence: {
            range: `${r[0]}-${r[1]}`,
            servicePorts: covered
              .map(([p]) => p)
              .sort((a, b) => a - b)
              .join(','),
          },
        },
      ];
    },
  },
  {
    id: 'PORT_RANGE_PARITY',
    severity: 'info',
    concerns: [RANGE],
    summary: 'The range ends should differ in parity (connect() and bind(0) use different halves).',
    check: (ctx) => {
      const r = plannedRange(ctx);
      if (!r || r[0] % 2 !== r[1] % 2) return [];
      return [
        {
          key: RANGE,
          message: `${r[0]} and ${r[1]} have the same parity; the kernel prefers different parity (it logs "prefer different parity") so connect() and bind(0) split the range evenly.`,
          evidence: { low: r[0], high: r[1] },
        },
      ];
    },
  },
  {
    id: 'RESERVED_PORTS_MERGED',
    severity: 'info',
    concerns: [RESERVED],
    summary: 'A write to ip_local_reserved_ports replaces the list; tune merges the current list into the target.',
    check: (ctx) =>
      whenPlanned(ctx, RESERVED, (p) => {
        const kept = currentValue(ctx, RESERVED) ?? '';
        if (kept.trim() === '') return undefined;
        return {
          key: RESERVED,
          message: `the current reserved ports (${kept.trim()}) are kept: the kernel replaces the whole list on write, so tune writes the union.`,
          evidence: { current: kept.trim(), target: p.target },
        };
      }),
  },
];
