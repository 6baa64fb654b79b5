// "Did you mean": the known keys closest to a mistyped one, by edit distance over the whole key and its last segment.

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * Up to `max` candidates nearest to `key`, nearest first. A key typed without its prefix (`tcp_tw_reuse`) matches on
 * the last segment; anything further than a third of the key's length is no suggestion at all.
 */
export function closestKeys(key: string, candidates: Iterable<string>, max = 3): string[] {
  const leaf = (k: string) => k.slice(k.lastIndexOf('.') + 1);
  const limit = Math.max(2, Math.floor(key.length / 3));
  return [...new Set(candidates)]
    .map((c) => ({
      c,
      d: Math.min(editDistance(key, c), editDistance(leaf(key), leaf(c)) + (key.includes('.') ? 1 : 0)),
    }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map(({ c }) => c);
}
