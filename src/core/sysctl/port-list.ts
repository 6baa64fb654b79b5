// ip_local_reserved_ports as a set: a write replaces the kernel's whole list, so tune merges instead.

/** Expands "8080,9000-9002" into a sorted set of ports (empty text is the empty set). */
export function parsePortList(value: string): Set<number> {
  const ports = new Set<number>();
  for (const part of value.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    for (let p = lo; p <= hi; p++) ports.add(p);
  }
  return ports;
}

/** Formats a port set the way the kernel prints it: ascending, ranges collapsed ("8080,9000-9002"). */
export function formatPortList(ports: Iterable<number>): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
