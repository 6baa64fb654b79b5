// commander helper for repeatable options (--profile a --profile b).

/** Appends each occurrence of a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
