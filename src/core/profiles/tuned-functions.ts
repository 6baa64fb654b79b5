// tuned's `${var}` variables and `${f:name:arg...}` functions, evaluated only from evidence tune holds about the host:
// tune never runs a command (`${f:exec:...}`, virt-what) to read a profile. A function it cannot evaluate leaves the
// setting (or include) that needs it unapplied, with the reason, for a PROFILE_PART_NOT_APPLIED finding.

/** What tuned's functions and unit conditions read, or null when tune does not know it here (an offline snapshot). */
export interface TunedHostFacts {
  /** Whether this is a virtual machine (tuned asks virt-what), from the hypervisor evidence of /proc and /sys. */
  virtual: boolean | null;
  /** The text of /proc/cpuinfo. */
  cpuinfo: string | null;
  /** `uname -a`'s fields as tuned joins them (sysname nodename release version machine). */
  uname: string | null;
}

export const UNKNOWN_HOST: TunedHostFacts = { virtual: null, cpuinfo: null, uname: null };

export type Expanded = { value: string } | { unevaluated: string };

/** Ordered variables with `${name}` expanded as each is defined (tuned's add_variable); functions stay as text. */
export class TunedVariables {
  private readonly vars = new Map<string, string>();

  /** Defines a variable (a name that is not a word is ignored, as tuned logs and skips it). */
  add(name: string, value: string): void {
    if (/^\w+$/.test(name)) this.vars.set(name, this.expandStatic(value));
  }

  /** `${name}` replaced by its value (`\${name}` is kept and unescaped); unknown names stay as written. */
  expandStatic(value: string): string {
    return value
      .replace(/(?<!\\)\$\{(\w+)\}/g, (all, n: string) => this.vars.get(n) ?? all)
      .replace(/\\(\$\{\w+\})/g, '$1');
  }

  /** Variables, then functions from `facts`; what cannot be evaluated says why. */
  expand(value: string, facts: TunedHostFacts): Expanded {
    const out = expandFunctions(this.expandStatic(value), facts);
    if ('unevaluated' in out) return out;
    const unknown = /(?<!\\)\$\{(\w+)\}/.exec(out.value);
    return unknown ? { unevaluated: `it uses \${${unknown[1]}}, which no [variables] defines` } : out;
  }
}

/** Evaluates `${f:...}` innermost first, as tuned does; a function tune will not or cannot evaluate stops it. */
export function expandFunctions(text: string, facts: TunedHostFacts): Expanded {
  let s = text;
  for (;;) {
    const m = /(?<!\\)\$\{f:([^{}]*)\}/.exec(s);
    if (!m) break;
    const args = (m[1] ?? '').split(/(?<!\\):/).map((a) => a.replace(/\\:/g, ':'));
    const r = callFunction(args[0] ?? '', args.slice(1), facts);
    if ('unevaluated' in r) return r;
    s = s.slice(0, m.index) + r.value + s.slice(m.index + m[0].length);
  }
  if (/(?<!\\)\$\{f:/.test(s)) return { unevaluated: `"${s.slice(0, 60)}" is not a complete \${f:...} call` };
  return { value: s.replace(/\\(\$\{f:)/g, '$1') };
}

function callFunction(name: string, args: string[], facts: TunedHostFacts): Expanded {
  switch (name) {
    case 'virt_check':
      if (args.length !== 2) return { unevaluated: '${f:virt_check} takes two arguments' };
      if (facts.virtual === null)
        return {
          unevaluated: '${f:virt_check} needs to know whether this host is a virtual machine, and tune does not here',
        };
      return { value: (facts.virtual ? args[0] : args[1]) ?? '' };
    case 'cpuinfo_check': {
      if (args.length < 2) return { unevaluated: '${f:cpuinfo_check} takes at least two arguments' };
      if (facts.cpuinfo === null)
        return { unevaluated: '${f:cpuinfo_check} reads /proc/cpuinfo, which tune does not have here' };
      for (let i = 0; i + 1 < args.length; i += 2) {
        const re = pythonRegex(args[i] ?? '');
        if (!re) return { unevaluated: `\${f:cpuinfo_check}: "${args[i]}" is not a regular expression tune can read` };
        if (re.test(facts.cpuinfo)) return { value: args[i + 1] ?? '' };
      }
      return { value: args.length % 2 ? (args[args.length - 1] ?? '') : '' };
    }
    case 'exec':
      return { unevaluated: '${f:exec} runs a command, and tune never runs one to read a profile' };
    default:
      return { unevaluated: `tune does not evaluate \${f:${name.slice(0, 40)}}` };
  }
}

/** A Python `re.search(..., re.MULTILINE)` pattern as a JavaScript RegExp, or undefined when it does not compile. */
export function pythonRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'm');
  } catch {
    return undefined;
  }
}
