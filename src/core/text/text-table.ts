// Aligned text columns; widths are measured on the plain text so colours do not skew them.

export interface Cell {
  text: string;
  paint?: (s: string) => string;
}

/** Renders rows of cells into aligned columns separated by two spaces (the last column is not padded). */
export function renderTable(rows: (Cell | string)[][]): string[] {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'string' ? { text: c } : c)));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.text.length)));
  return cells.map((r) =>
    r
      .map((c, i) => {
        const padded = i === r.length - 1 ? c.text : c.text.padEnd(widths[i] ?? 0);
        return c.paint ? c.paint(padded) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Shortens long text in the middle so table columns stay readable. */
export function ellipsize(s: string, max: number): string {
  if (s.length <= max) return s;
  const half = Math.floor((max - 1) / 2);
  return `${s.slice(0, half)}…${s.slice(s.length - (max - 1 - half))}`;
}
