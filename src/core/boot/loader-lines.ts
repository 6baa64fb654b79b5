// How each boot loader reads the lines of one sysctl.d file (sysctl-d-facts.md, "Checked against the real loaders"):
// systemd-sysctl 252 (read_line, strstrip, sysctl_normalize) and procps 4.0.2 `sysctl --system` (getline,
// parse_setting_line, slashdot). Line numbers are the editor's: counted by LF, whatever ended the loader's line.

export type BootLoader = 'systemd' | 'procps';

/** One setting as a loader keeps it. */
export interface LoaderSetting {
  line: number;
  kind: 'assign' | 'exclude';
  /** The key as written (after the loader's stripping), for messages. */
  text: string;
  /**
   * The loader's identity for the setting: systemd's hashmap key (the normalised path) or procps's path under
   * /proc/sys (not simplified, so `net//ipv4/x` and `net/ipv4/x` are different settings to procps).
   */
  id: string;
  /** The file it reaches under /proc/sys (simplified), or null when the write cannot reach one. */
  path: string | null;
  /** Why `path` is null. */
  unreachable?: string;
  value: string;
  ignoreFailure: boolean;
  glob: boolean;
}

/** A line the loader complains about (and skips). */
export interface LoaderLineProblem {
  line: number;
  text: string;
  why: string;
}

export interface LoaderLines {
  settings: LoaderSetting[];
  problems: LoaderLineProblem[];
}

const GLOB_CHARS = /[*?[]/;

/** The settings of one file's text as `loader` reads them, in file order. */
export function readLoaderLines(loader: BootLoader, text: string): LoaderLines {
  return loader === 'systemd' ? readSystemd(text) : readProcps(text);
}

interface RawLine {
  line: number;
  text: string;
}

/**
 * systemd's read_line: a line ends at LF, CR, CR LF, LF CR or NUL (a run of line-end characters of different kinds
 * is one end; NUL always ends the run).
 */
function systemdLines(text: string): RawLine[] {
  const out: RawLine[] = [];
  let lf = 1;
  let start = 0;
  let startLine = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '\n' && c !== '\r' && c !== '\0') {
      i++;
      continue;
    }
    out.push({ line: startLine, text: text.slice(start, i) });
    let seen = '';
    while (i < text.length) {
      const d = text[i] ?? '';
      if (d !== '\n' && d !== '\r' && d !== '\0') break;
      if (seen.includes('\0') || seen.includes(d)) break;
      seen += d;
      if (d === '\n') lf++;
      i++;
    }
    start = i;
    startLine = lf;
  }
  if (start < text.length) out.push({ line: startLine, text: text.slice(start) });
  return out;
}

/** systemd's strstrip: only blank, tab, CR and LF. */
function systemdStrip(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

function readSystemd(text: string): LoaderLines {
  const settings: LoaderSetting[] = [];
  const problems: LoaderLineProblem[] = [];
  for (const { line, text: raw } of systemdLines(text)) {
    let p = systemdStrip(raw);
    if (p === '' || p[0] === '#' || p[0] === ';') continue;
    const eq = p.indexOf('=');
    let value: string | null = null;
    let ignoreFailure = false;
    if (eq !== -1) {
      if (p[0] === '-') {
        ignoreFailure = true;
        p = p.slice(1);
        value = systemdStrip(p.slice(eq));
        p = p.slice(0, eq - 1);
      } else {
        value = systemdStrip(p.slice(eq + 1));
        p = p.slice(0, eq);
      }
    } else if (p[0] === '-') p = p.slice(1);
    else {
      problems.push({ line, text: p, why: 'line is not an assignment (systemd-sysctl warns and fails the unit)' });
      continue;
    }
    const key = systemdStrip(p);
    const id = systemdNormalize(key);
    const unsafe = id.split('/').includes('..');
    settings.push({
      line,
      kind: value === null ? 'exclude' : 'assign',
      text: key,
      id,
      path: unsafe ? null : id,
      ...(unsafe ? { unreachable: 'the path contains ".." (systemd-sysctl refuses it)' } : {}),
      value: value ?? '',
      ignoreFailure,
      glob: GLOB_CHARS.test(id),
    });
  }
  return { settings, problems };
}

/** sysctl_normalize: swap `.` and `/` when the first separator is a dot, path_simplify, drop a leading slash. */
function systemdNormalize(key: string): string {
  const swapped = firstSeparatorIsDot(key) ? swapDots(key) : key;
  const absolute = swapped.startsWith('/');
  const parts = swapped.split('/').filter((s) => s !== '' && s !== '.');
  const simple = (absolute ? '/' : '') + parts.join('/');
  return simple.startsWith('/') && simple.length > 1 ? simple.slice(1) : simple;
}

function firstSeparatorIsDot(key: string): boolean {
  const i = key.search(/[./]/);
  return i !== -1 && key[i] === '.';
}

function swapDots(key: string): string {
  return key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** C isspace() in the C locale. */
const ISSPACE = '[ \\t\\n\\v\\f\\r]';
const LSTRIP = new RegExp(`^${ISSPACE}+`);
const RSTRIP = new RegExp(`${ISSPACE}+$`);

function readProcps(text: string): LoaderLines {
  const settings: LoaderSetting[] = [];
  const problems: LoaderLineProblem[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = i + 1;
    const nul = rawLine.indexOf('\0');
    const key0 = (nul === -1 ? rawLine : rawLine.slice(0, nul)).replace(LSTRIP, '');
    // parse_setting_line skips anything shorter than two characters without a word.
    if (key0.length < 2 || key0[0] === '#' || key0[0] === ';') return;
    const eq = key0.indexOf('=');
    let key = key0;
    let value: string | null = null;
    let ignoreFailure = false;
    if (eq === -1) {
      if (key[0] !== '-') {
        problems.push({
          line,
          text: key0.replace(RSTRIP, ''),
          why: 'line is not an assignment (procps warns and goes on)',
        });
        return;
      }
      key = key.slice(1).replace(RSTRIP, '');
    } else {
      value = key0
        .slice(eq + 1)
        .replace(LSTRIP, '')
        .replace(RSTRIP, '');
      key = key0.slice(0, eq);
      if (key[0] === '-') {
        ignoreFailure = true;
        key = key.slice(1);
      }
      key = key.replace(RSTRIP, '');
    }
    // setting_new: "/proc/sys/" + key, dots and slashes swapped when the first separator is a dot; not simplified.
    const id = firstSeparatorIsDot(key) ? swapDots(key) : key;
    const reach = procpsReach(id);
    settings.push({
      line,
      kind: value === null ? 'exclude' : 'assign',
      text: key,
      id,
      path: reach.path,
      ...(reach.why ? { unreachable: reach.why } : {}),
      value: value ?? '',
      ignoreFailure,
      glob: GLOB_CHARS.test(id),
    });
  });
  return { settings, problems };
}

/** The file `/proc/sys/<id>` opens, as the file system resolves it (procps checks that it stays under /proc/sys). */
function procpsReach(id: string): { path: string | null; why?: string } {
  if (id.endsWith('/')) return { path: null, why: 'a trailing separator names a directory (procps skips it silently)' };
  const out: string[] = [];
  for (const s of id.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (out.length === 0) return { path: null, why: 'the path leaves /proc/sys' };
      out.pop();
    } else out.push(s);
  }
  return { path: out.join('/') };
}
