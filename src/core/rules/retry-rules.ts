// Connection-setup retries: what pasted "production" lists get wrong.
import { intTokens } from '../sysctl/sysctl-value.js';
import type { Rule, RuleHit } from './rule.js';
import { whenPlanned } from './rule.js';

const RETRY_KEYS = ['net.ipv4.tcp_syn_retries', 'net.ipv4.tcp_synack_retries'];
/** Below this a single loss fails the attempt; 2 SYN-ACK retries is the SYN-flood mitigation (syn-flood-guard). */
const MINIMUM: Record<string, number> = { 'net.ipv4.tcp_syn_retries': 3, 'net.ipv4.tcp_synack_retries': 2 };

/** Seconds until the last retransmission times out: the initial 1 s RTO doubles per retry. */
function giveUpAfter(retries: number): number {
  return 2 ** (retries + 1) - 1;
}

export const retryRules: Rule[] = [
  {
    id: 'SYN_RETRIES_LOW',
    severity: 'warn',
    summary:
      'tcp_syn_retries below 3 (or tcp_synack_retries below 2): a connection attempt gives up after a few seconds, so one lost packet on a busy or lossy path fails it.',
    concerns: RETRY_KEYS,
    check: (ctx) =>
      RETRY_KEYS.flatMap((key) =>
        whenPlanned(ctx, key, (p): RuleHit | undefined => {
          const n = intTokens(p.target)?.[0];
          if (n === undefined || n >= (MINIMUM[key] ?? 3)) return undefined;
          const side = key.endsWith('synack_retries')
            ? 'an incoming connection (the SYN-ACK)'
            : 'an outgoing connect()';
          return {
            key,
            message: `${key} = ${n}: ${side} gives up after about ${giveUpAfter(n)} s, so a lost packet or a brief overload fails it. Keep the default unless you need to fail fast on a known-good network; for SYN floods use tcp_syncookies.`,
            evidence: { retries: n, seconds: giveUpAfter(n) },
          };
        }),
      ),
  },
];
