// TCP memory: tcp_mem is in pages and global; rmem/wmem triples must be ordered.
import { intTokens } from '../sysctl-value.js';
import { whenPlanned, type Rule } from './rule.js';

export const memoryRules: Rule[] = [
  {
    id: 'TCP_MEM_ORDER',
    severity: 'refuse',
    summary: 'tcp_mem must be min <= pressure <= max (the kernel does not check).',
    check: (ctx) =>
      whenPlanned(ctx, 'net.ipv4.tcp_mem', (p) => {
        const [a = 0, b = 0, c = 0] = intTokens(p.target) ?? [];
        return a <= b && b <= c
          ? undefined
          : {
              key: p.key,
              message: `tcp_mem "${p.target}" is not ordered min <= pressure <= max.`,
              evidence: { min: a, pressure: b, max: c },
            };
      }),
  },
  {
    id: 'TCP_MEM_UNITS',
    severity: 'refuse',
    summary: 'tcp_mem is counted in pages, not bytes: a max above physical memory is almost certainly bytes.',
    check: (ctx) =>
      whenPlanned(ctx, 'net.ipv4.tcp_mem', (p) => {
        const max = intTokens(p.target)?.[2];
        const memKiB = ctx.snapshot.env.memTotalKiB;
        if (max === undefined || !memKiB) return undefined;
        const maxKiB = (max * ctx.snapshot.env.pageSize) / 1024;
        return maxKiB <= memKiB
          ? undefined
          : {
              key: p.key,
              message: `tcp_mem max ${max} pages is ${Math.round(maxKiB / 1024)} MiB, more than this machine's ${Math.round(memKiB / 1024)} MiB: the values look like bytes. tcp_mem is in pages of ${ctx.snapshot.env.pageSize} bytes.`,
              evidence: { maxPages: max, pageSize: ctx.snapshot.env.pageSize, memTotalKiB: memKiB },
            };
      }),
  },
  ...(['tcp_rmem', 'tcp_wmem'] as const).map((name): Rule => ({
    id: name === 'tcp_rmem' ? 'TCP_RMEM_ORDER' : 'TCP_WMEM_ORDER',
    severity: 'refuse',
    summary: `${name} must be min <= default <= max; it bounds TCP autotuning (separate from net.core.*mem_max).`,
    check: (ctx) =>
      whenPlanned(ctx, `net.ipv4.${name}`, (p) => {
        const [a = 0, b = 0, c = 0] = intTokens(p.target) ?? [];
        return a <= b && b <= c
          ? undefined
          : {
              key: p.key,
              message: `${name} "${p.target}" is not ordered min <= default <= max.`,
              evidence: { min: a, default: b, max: c },
            };
      }),
  })),
];
