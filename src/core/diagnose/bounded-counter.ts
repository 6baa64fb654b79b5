// Counts by key with a cap on distinct keys, so memory stays bounded however many sockets a host has.
//
// Numeric keys (IPv4 tuples packed up to 2^53, ports) live in an open-addressing table of typed arrays: a Map would
// box every key above 2^31 into a fresh heap number on each lookup, a million allocations for a million sockets.
// String keys (IPv6) use a Map. The cap counts both.

const EMPTY = -1; // keys are non-negative integers

/** Whether (k, v) ranks before the entry e: larger count first, then numeric keys ascending, then strings. */
function before<K extends number | string>(k: K, v: number, e: [K, number]): boolean {
  if (v !== e[1]) return v > e[1];
  const ek = e[0];
  if (typeof k === 'number') return typeof ek === 'number' ? k < ek : true;
  return typeof ek === 'number' ? false : k < ek;
}

/** Exact counts for the first `cap` distinct keys; later new keys only add to `untracked`. */
export class BoundedCounter<K extends number | string> {
  private keys = new Float64Array(0);
  private values = new Float64Array(0);
  private numeric = 0;
  /** Multiplicative hashing keeps the high bits: 32 - log2(table size). */
  private shift = 32;
  private readonly strings = new Map<string, number>();
  untracked = 0;
  /** Additions whose key was not tracked (the cap was reached). */
  untrackedKeys = 0;

  constructor(private readonly cap: number) {
    this.resize(64);
  }

  /** Distinct keys tracked. */
  get size(): number {
    return this.numeric + this.strings.size;
  }

  add(key: K, n = 1): void {
    if (typeof key === 'string') {
      const cur = this.strings.get(key);
      if (cur !== undefined) this.strings.set(key, cur + n);
      else if (this.size < this.cap) this.strings.set(key, n);
      else this.miss(n);
      return;
    }
    const k = key as number;
    if (!(k >= 0 && Number.isSafeInteger(k))) throw new RangeError(`BoundedCounter: key ${k} is not a safe integer`);
    const mask = this.keys.length - 1;
    for (let i = this.slot(k); ; i = (i + 1) & mask) {
      const at = this.keys[i];
      if (at === k) {
        this.values[i]! += n;
        return;
      }
      if (at === EMPTY) {
        if (this.size >= this.cap) return this.miss(n);
        this.keys[i] = k;
        this.values[i] = n;
        if (++this.numeric * 2 > this.keys.length) this.resize(this.keys.length * 2);
        return;
      }
    }
  }

  /** Every tracked key and its count (numeric keys first, in no particular order). */
  *entries(): Generator<[K, number]> {
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (k !== EMPTY) yield [k as K, this.values[i]!];
    }
    for (const e of this.strings) yield e as [K, number];
  }

  /** The count of one key (0 when untracked or absent). */
  get(key: K): number {
    if (typeof key === 'string') return this.strings.get(key) ?? 0;
    const mask = this.keys.length - 1;
    for (let i = this.slot(key as number); ; i = (i + 1) & mask) {
      const at = this.keys[i];
      if (at === key) return this.values[i]!;
      if (at === EMPTY) return 0;
    }
  }

  /** The N largest counts, largest first; ties by key (numbers ascending, then strings) for stable output. Selects
   *  without sorting or copying every key: a 10,000-key table is reduced to N entries in one pass. */
  top(n: number): [K, number][] {
    const best: [K, number][] = [];
    const consider = (k: K, v: number) => {
      if (best.length === n && !before(k, v, best[n - 1]!)) return;
      let i = best.length === n ? n - 1 : best.length;
      while (i > 0 && before(k, v, best[i - 1]!)) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = [k, v];
    };
    if (n <= 0) return best;
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]!;
      if (k !== EMPTY) consider(k as K, this.values[i]!);
    }
    for (const [k, v] of this.strings) consider(k as K, v);
    return best;
  }

  total(): number {
    let t = this.untracked;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== EMPTY) t += this.values[i]!;
    for (const v of this.strings.values()) t += v;
    return t;
  }

  private miss(n: number): void {
    this.untracked += n;
    this.untrackedKeys++;
  }

  /** A table slot from both 32-bit halves of the key. */
  private slot(k: number): number {
    const lo = k >>> 0;
    const hi = (k - lo) / 4294967296;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  private resize(size: number): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(size).fill(EMPTY);
    this.values = new Float64Array(size);
    this.shift = 32 - Math.log2(size);
    const mask = size - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]!;
      if (k === EMPTY) continue;
      let i = this.slot(k);
      while (this.keys[i] !== EMPTY) i = (i + 1) & mask;
      this.keys[i] = k;
      this.values[i] = oldValues[j]!;
    }
  }
}
