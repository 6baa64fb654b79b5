// glob(3) patterns as the loaders use them: `*`, `?` and `[...]` match within one path component and never a leading
// dot; a backslash quotes the next character. Used for sysctl keys (systemd >= 245, procps >= 4) and, in procps, for
// the names of configuration files.

/** A matcher for one path component. */
export function globMatcher(pattern: string): (name: string) => boolean {
  const re = new RegExp(`^${componentRegExp(pattern)}$`, 's');
  const leadingDotLiteral = pattern.startsWith('.') || pattern.startsWith('\\.');
  return (name) => (name.startsWith('.') && !leadingDotLiteral ? false : re.test(name));
}

/** A matcher for a `/`-separated path: same number of components, each matched by its own component pattern. */
export function pathGlobMatcher(pattern: string): (path: string) => boolean {
  const parts = pattern.split('/').map(globMatcher);
  return (path) => {
    const segs = path.split('/');
    return segs.length === parts.length && parts.every((m, i) => m(segs[i] ?? ''));
  };
}

function componentRegExp(pattern: string): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\' && i + 1 < pattern.length) re += escape(pattern[++i] ?? '');
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const set = bracket(pattern, i);
      if (set) {
        re += set.re;
        i = set.end;
      } else re += '\\[';
    } else re += escape(c);
  }
  return re;
}

/** `[...]` starting at `start`: `!` or `^` negates, a `]` first is literal, `a-z` is a range. */
function bracket(pattern: string, start: number): { re: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '\\' && i + 1 < pattern.length) body += escapeInSet(pattern[++i] ?? '');
    else if (c === '-' && body !== '' && pattern[i + 1] !== ']' && i + 1 < pattern.length) body += '-';
    else body += escapeInSet(c);
  }
  return undefined;
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeInSet(c: string): string {
  return c.replace(/[\]\\^-]/g, '\\$&');
}
