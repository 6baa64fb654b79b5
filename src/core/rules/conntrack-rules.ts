// Connection tracking: table size against its hash, and timeouts that forget idle flows.
import { intTokens } from '../sysctl/sysctl-value.js';
import { currentValue, effectiveInt, type Rule } from './rule.js';

const MAX = 'net.netfilter.nf_conntrack_max';
const BUCKETS = 'net.netfilter.nf_conntrack_buckets';

export const conntrackRules: Rule[] = [
  {
    id: 'CONNTRACK_MAX_VS_BUCKETS',
    severity: 'warn',
    concerns: [MAX],
    summary: 'nf_conntrack_max far above nf_conntrack_buckets makes long hash chains (raise buckets with hashsize).',
    reads: [BUCKETS],
    check: (ctx) => {
      if (!ctx.planned.has(MAX)) return [];
      const max = effectiveInt(ctx, MAX);
      const buckets = effectiveInt(ctx, BUCKETS);
      if (max === undefined || buckets === undefined || max <= buckets * 4) return [];
      return [
        {
          key: MAX,
          message: `nf_conntrack_max ${max} is ${Math.round(max / buckets)}x nf_conntrack_buckets ${buckets}: lookups walk long chains. Raise buckets too (nf_conntrack module option hashsize).`,
          evidence: { max, buckets },
        },
      ];
    },
  },
  {
    id: 'CONNTRACK_ESTABLISHED_LOWERED',
    severity: 'warn',
    concerns: ['net.netfilter.nf_conntrack_tcp_timeout_established'],
    summary: 'Lowering nf_conntrack_tcp_timeout_established below application idle times breaks idle NATed flows.',
    check: (ctx) => {
      const key = 'net.netfilter.nf_conntrack_tcp_timeout_established';
      const p = ctx.planned.get(key);
      const cur = intTokens(currentValue(ctx, key) ?? '')?.[0];
      const target = intTokens(p?.target ?? '')?.[0];
      if (!p || cur === undefined || target === undefined || target >= cur) return [];
      return [
        {
          key,
          message: `lowering the established timeout from ${cur}s to ${target}s silently drops NAT/firewall state for connections idle longer (database pools, long polling); make sure keep-alives are shorter.`,
          evidence: { current: cur, target },
        },
      ];
    },
  },
  {
    id: 'CONNTRACK_MAX_WITHOUT_HASHSIZE',
    severity: 'info',
    concerns: [MAX],
    summary:
      'nf_conntrack_max raised above nf_conntrack_buckets without raising the hash too (module option hashsize): chains grow as the table fills.',
    reads: [BUCKETS],
    check: (ctx) => {
      const p = ctx.planned.get(MAX);
      const cur = intTokens(currentValue(ctx, MAX) ?? '')?.[0];
      const max = intTokens(p?.target ?? '')?.[0];
      const buckets = effectiveInt(ctx, BUCKETS);
      const bucketsNow = intTokens(currentValue(ctx, BUCKETS) ?? '')?.[0];
      if (!p || max === undefined || buckets === undefined || (cur !== undefined && max <= cur)) return [];
      // Far above the buckets, CONNTRACK_MAX_VS_BUCKETS warns instead; a plan that raises the buckets is fine.
      if (max <= buckets || max > buckets * 4 || (bucketsNow !== undefined && buckets > bucketsNow)) return [];
      return [
        {
          key: MAX,
          message: `nf_conntrack_max goes to ${max} but nf_conntrack_buckets stays ${buckets}: a full table walks chains of ${(max / buckets).toFixed(1)} entries per lookup. Size the hash with it: \`options nf_conntrack hashsize=${max}\` in /etc/modprobe.d (applies when the module loads), or set ${BUCKETS} on the host.`,
          evidence: { max, buckets },
        },
      ];
    },
  },
];
