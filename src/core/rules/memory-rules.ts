// TCP memory: tcp_mem is in pages and global; the tcp_mem/rmem/wmem triples must be ordered.
import { intTokens } from '../sysctl/sysctl-value.js';
import { whenPlanned, type Rule } from './rule.js';

/** A rule that refuses a min/middle/max triple the kernel would accept unordered. */
function orderedTriple(id: string, name: string, middle: string, summaryTail: string): Rule {
  return {
    id,
    severity: 'refuse',
    concerns: [`net.ipv4.${name}`],
    summary: `${name} must be min <= ${middle} <= max${summaryTail}`,
    check: (ctx) =>
      whenPlanned(ctx, `net.ipv4.${name}`, (p) => {
        const [a = 0, b = 0, c = 0] = intTokens(p.target) ?? [];
        return a <= b && b <= c
          ? undefined
          : {
              key: p.key,
              message: `${name} "${p.target}" is not ordered min <= ${middle} <= max.`,
              evidence: { min: a, [middle]: b, max: c },
            };
      }),
  };
}

export const memoryRules: Rule[] = [
  orderedTriple('TCP_MEM_ORDER', 'tcp_mem', 'pressure', ' (the kernel does not check).'),
  {
    id: 'TCP_MEM_UNITS',
    severity: 'refuse',
    concerns: ['net.ipv4.tcp_mem'],
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
  orderedTriple(
    'TCP_RMEM_ORDER',
    'tcp_rmem',
    'default',
    '; it bounds TCP autotuning (separate from net.core.rmem_max).',
  ),
  orderedTriple(
    'TCP_WMEM_ORDER',
    'tcp_wmem',
    'default',
    '; it bounds TCP autotuning (separate from net.core.wmem_max).',
  ),
];
