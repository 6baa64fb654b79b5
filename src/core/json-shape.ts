// Checks untrusted JSON (snapshots, saved plans, backups) field by field. A mismatch names the field's path and what
// was expected (`sysctl["net.core.somaxconn"].value: expected a string, got the number 5`), so the one-line error a
// caller makes of it says exactly what is wrong, and nothing past the check ever meets a value of the wrong type.

/** A field of untrusted JSON without the expected shape: `field` is its path (empty for the whole document). */
export class ShapeMismatch extends Error {
  readonly field: string;
  readonly why: string;
  constructor(field: string, why: string) {
    super(`${field || 'the top level'}: ${why}`);
    this.name = 'ShapeMismatch';
    this.field = field;
    this.why = why;
  }
}

const shorten = (s: string, max = 60) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** The path of a child field: `a.b`, `a[3]`, `a["net.core.somaxconn"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${shorten(key, 80)}` : shorten(key, 80);
  return `${parent}[${JSON.stringify(shorten(key, 80))}]`;
}

/** How a value reads in a message: `a list`, `null`, `the number 5`, `"text"`, `nothing` (a missing field). */
export function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(shorten(v));
  if (typeof v === 'number' || typeof v === 'boolean')
    return `${typeof v === 'number' ? 'the number' : ''} ${v}`.trim();
  return 'an object';
}

/** One field of an untrusted document and where it is; each check returns the value typed or throws ShapeMismatch. */
export class JsonField {
  readonly value: unknown;
  readonly at: string;
  constructor(value: unknown, at = '') {
    this.value = value;
    this.at = at;
  }

  /** Fails at this field: `expected …, got …` (or `why` as given with `raw`). */
  fail(expected: string, raw = false): never {
    throw new ShapeMismatch(this.at, raw ? expected : `expected ${expected}, got ${describeJson(this.value)}`);
  }

  /** A child field of this object (which must be one); a missing child has the value undefined. */
  field(key: string): JsonField {
    const o = this.object();
    return new JsonField(Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined, childPath(this.at, key));
  }

  /** Whether this object has `key` (with any value but undefined). */
  has(key: string): boolean {
    return this.field(key).value !== undefined;
  }

  object(): Record<string, unknown> {
    const v = this.value;
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : this.fail('an object');
  }

  string(): string {
    return typeof this.value === 'string' ? this.value : this.fail('a string');
  }

  boolean(): boolean {
    return typeof this.value === 'boolean' ? this.value : this.fail('true or false');
  }

  /** A finite number within [min, max]; `whole` asks for an integer. */
  number(opts: { min?: number; max?: number; whole?: boolean } = {}): number {
    const v = this.value;
    const min = opts.min ?? -Infinity;
    const max = opts.max ?? Infinity;
    const what = `${opts.whole ? 'a whole number' : 'a number'}${
      Number.isFinite(min) && Number.isFinite(max)
        ? ` from ${min} to ${max}`
        : Number.isFinite(min)
          ? ` >= ${min}`
          : Number.isFinite(max)
            ? ` <= ${max}`
            : ''
    }`;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (opts.whole && !Number.isInteger(v)))
      return this.fail(what);
    return v;
  }

  /** One of a fixed set of strings or numbers. */
  oneOf<T extends string | number>(values: readonly T[]): T {
    return values.includes(this.value as T)
      ? (this.value as T)
      : this.fail(`one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  }

  /** null, or what `check` makes of the field. */
  nullable<T>(check: (f: JsonField) => T): T | null {
    return this.value === null ? null : check(this);
  }

  /** undefined when the field is missing, else what `check` makes of it. */
  optional<T>(check: (f: JsonField) => T): T | undefined {
    return this.value === undefined ? undefined : check(this);
  }

  /** A list, each item checked by `each` (with its index in the path). */
  list<T>(each: (f: JsonField, index: number) => T): T[] {
    if (!Array.isArray(this.value)) return this.fail('a list');
    return this.value.map((v, i) => each(new JsonField(v, childPath(this.at, i)), i));
  }

  /** A list of strings. */
  strings(): string[] {
    return this.list((f) => f.string());
  }

  /** An object used as a map: each entry checked by `each` (with its key in the path). */
  entries<T>(each: (f: JsonField, key: string) => T): [string, T][] {
    return Object.entries(this.object()).map(([k, v]) => [k, each(new JsonField(v, childPath(this.at, k)), k)]);
  }
}

/**
 * Where JSON.parse failed, without quoting the text: V8's message shows the characters around the error, and a file
 * named by mistake (a secret) must not be echoed. A line number when V8 gives a position.
 */
export function jsonSyntaxProblem(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const at = /at position (\d+)/.exec(message);
  if (at) return `syntax error at line ${text.slice(0, Number(at[1])).split('\n').length}`;
  if (/end of JSON input/i.test(message)) return 'the text ends early';
  return 'syntax error';
}

/**
 * Parses untrusted JSON text and checks its shape with `check`; a syntax error or a shape mismatch goes to `bad`
 * (which throws the caller's one-line error) with the reason, never with the text.
 */
export function parseChecked<T>(text: string, check: (data: unknown) => T, bad: (why: string) => never): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return bad(`not valid JSON (${jsonSyntaxProblem(e, text)})`);
  }
  try {
    return check(data);
  } catch (e) {
    if (e instanceof ShapeMismatch) return bad(e.message);
    throw e;
  }
}
