// Orders runtime writes so every intermediate state is one the kernel accepts (kernel-facts.md note 5).
import { intTokens } from '../sysctl/sysctl-value.js';

const RANGE = 'net.ipv4.ip_local_port_range';
const UNPRIV = 'net.ipv4.ip_unprivileged_port_start';

export interface OrderItem {
  key: string;
  current: string | undefined;
  target: string;
}

/**
 * Sorts by key for a stable diff, then fixes known dependencies: ip_unprivileged_port_start must never exceed the
 * port range low, so it goes first when it can (its new value fits under the current low), else after the range.
 */
export function orderWrites<T extends OrderItem>(items: T[]): T[] {
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const u = sorted.find((i) => i.key === UNPRIV);
  const r = sorted.find((i) => i.key === RANGE);
  if (!u || !r) return sorted;
  const newUnpriv = intTokens(u.target)?.[0];
  const curLow = intTokens(r.current ?? '')?.[0];
  const unprivFirst = newUnpriv !== undefined && curLow !== undefined && newUnpriv <= curLow;
  const rest = sorted.filter((i) => i !== u && i !== r);
  const pair = unprivFirst ? [u, r] : [r, u];
  const at = sorted.indexOf(r) < sorted.indexOf(u) ? sorted.indexOf(r) : sorted.indexOf(u);
  rest.splice(at, 0, ...pair);
  return rest;
}
