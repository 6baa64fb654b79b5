// Counts by key with a cap on distinct keys, so memory stays bounded however many sockets a host has.

/** Exact counts for the first `cap` distinct keys; later new keys only add to `untracked`. */
export class BoundedCounter<K> {
  readonly counts = new Map<K, number>();
  untracked = 0;
  untrackedKeys = 0;
  constructor(private readonly cap: number) {}

  add(key: K, n = 1): void {
    const cur = this.counts.get(key);
    if (cur !== undefined) this.counts.set(key, cur + n);
    else if (this.counts.size < this.cap) this.counts.set(key, n);
    else {
      this.untracked += n;
      this.untrackedKeys++;
    }
  }

  /** The N largest counts, largest first (ties by key for stable output). */
  top(n: number): [K, number][] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1)).slice(0, n);
  }

  total(): number {
    let t = this.untracked;
    for (const v of this.counts.values()) t += v;
    return t;
  }
}
