// Parses /proc/net/snmp and /proc/net/netstat (header line, value line per group) and /proc/net/sockstat.

export type CounterGroups = Record<string, Record<string, number>>;

/** "TcpExt: A B\nTcpExt: 1 2" -> { TcpExt: { A: 1, B: 2 } }. Unknown or odd lines are skipped, never fatal. */
export function parseCounterGroups(text: string): CounterGroups {
  const out: CounterGroups = {};
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = lines[i]?.split(/\s+/).filter(Boolean) ?? [];
    const vals = lines[i + 1]?.split(/\s+/).filter(Boolean) ?? [];
    const group = head[0]?.replace(/:$/, '');
    if (!group || vals[0]?.replace(/:$/, '') !== group) continue;
    const g: Record<string, number> = (out[group] ??= {});
    head.slice(1).forEach((name, k) => {
      const v = Number(vals[k + 1]);
      if (Number.isFinite(v)) g[name] = v;
    });
  }
  return out;
}

/** "TCP: inuse 5 orphan 0 tw 3 alloc 9 mem 1" -> { TCP: { inuse: 5, ... } }. */
export function parseSockstat(text: string): CounterGroups {
  const out: CounterGroups = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const parts = (m[2] ?? '').split(/\s+/);
    const g: Record<string, number> = (out[m[1] ?? ''] ??= {});
    for (let k = 0; k + 1 < parts.length; k += 2) g[parts[k] ?? ''] = Number(parts[k + 1]);
  }
  return out;
}
