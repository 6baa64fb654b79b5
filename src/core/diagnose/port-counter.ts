// Counts by TCP port: one slot per port number, so any number of sockets over all 65,535 ports costs one fixed
// 256 KiB array (of which only the pages of ports seen are ever touched), where a hash table keyed by port grew to
// 2 MiB when a host's CLOSE_WAIT or TIME_WAIT spread over every ephemeral port (bench/diagnose-memory.mjs).

export class PortCounter {
  private readonly counts = new Uint32Array(65536);
  /** Distinct ports counted. */
  size = 0;

  add(port: number, n = 1): void {
    if (!(port >= 0 && port <= 65535 && Number.isInteger(port))) throw new RangeError(`PortCounter: port ${port}`);
    if (this.counts[port] === 0) this.size++;
    this.counts[port]! += n;
  }

  get(port: number): number {
    return this.counts[port] ?? 0;
  }

  /** The N busiest ports, busiest first; ties by port ascending (stable output). */
  top(n: number): [number, number][] {
    const best: [number, number][] = [];
    if (n <= 0 || this.size === 0) return best;
    for (let port = 0; port < 65536; port++) {
      const v = this.counts[port]!;
      if (v === 0 || (best.length === n && v <= best[n - 1]![1])) continue;
      // Ports are visited in ascending order, so an equal count never moves ahead of an earlier port.
      let i = best.length === n ? n - 1 : best.length;
      while (i > 0 && v > best[i - 1]![1]) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = [port, v];
    }
    return best;
  }

  total(): number {
    let t = 0;
    for (let port = 0; port < 65536; port++) t += this.counts[port]!;
    return t;
  }
}
