// Which runtime keys a plan needs besides the requested ones: what the rules consult and the environment probes use.
import { KERNEL_DEFAULT_KEYS } from '../sysctl/kernel-defaults.js';
import type { Rule } from '../rules/rule.js';

/** Keys the environment evidence is derived from (NAT evidence starts at ip_forward). */
export const ENVIRONMENT_KEYS = ['net.ipv4.ip_forward'];

/**
 * The keys a live plan reads: the requested ones, the kernel-default inputs the planner uses for `>N`/`<N` keys, and
 * every key a rule declares. Reading 20 keys instead of every known one keeps `tune plan` fast; a snapshot for
 * offline plans still records every known key.
 */
export function evidenceKeys(rules: Rule[], requested: Iterable<string>): string[] {
  const ruleKeys = rules.flatMap((r) => r.reads ?? []);
  return [...new Set([...requested, ...ENVIRONMENT_KEYS, ...KERNEL_DEFAULT_KEYS, ...ruleKeys])].sort();
}
