// Who a process is, in the words an operator searches for: pid, command line, systemd unit or container. Pure: the
// system layer reads /proc/PID/{comm,cmdline,cgroup} and hands the text here.

export interface ProcessIdentity {
  pid: number;
  /** The kernel's short name (comm), '?' when it could not be read. */
  command: string;
  /** The command line (arguments joined by spaces, shortened), '' when hidden (kernel threads, exited). */
  cmdline: string;
  /** The systemd unit (service or scope) from the cgroup path, or null. */
  unit: string | null;
  /** A container runtime and short id (docker 0123456789ab) from the cgroup path, or null. */
  container: string | null;
}

const CMDLINE_MAX = 160;

/** /proc/PID/cmdline (NUL-separated) as one readable line, shortened to CMDLINE_MAX characters. */
export function cmdlineText(raw: string): string {
  const s = raw.replace(/\0+$/, '').split('\0').join(' ').trim();
  return s.length > CMDLINE_MAX ? `${s.slice(0, CMDLINE_MAX - 3)}...` : s;
}

const CONTAINER_PATTERNS: [RegExp, string][] = [
  [/docker-([0-9a-f]{12,64})\.scope/, 'docker'],
  [/\/docker\/([0-9a-f]{12,64})/, 'docker'],
  [/libpod-([0-9a-f]{12,64})\.scope/, 'podman'],
  [/cri-containerd-([0-9a-f]{12,64})\.scope/, 'containerd'],
  [/crio-([0-9a-f]{12,64})\.scope/, 'cri-o'],
  [/\/kubepods[^\n]*\/([0-9a-f]{64})/, 'kubernetes'],
  [/\/lxc(?:\.payload)?[./]([^/\n]+)/, 'lxc'],
];

/** The unit and container named by /proc/PID/cgroup (v2 "0::/path" or v1 "N:name:/path" lines). */
export function cgroupIdentity(text: string): { unit: string | null; container: string | null } {
  const paths = text
    .split('\n')
    .map((l) => /^\d+:[^:]*:(.*)$/.exec(l)?.[1])
    .filter((p): p is string => !!p);
  const path = paths.find((p) => p.includes('.service') || p.includes('.scope')) ?? paths[0] ?? '';
  let container: string | null = null;
  for (const [re, runtime] of CONTAINER_PATTERNS) {
    const m = re.exec(path);
    if (m) {
      container = `${runtime} ${(m[1] ?? '').slice(0, 12)}`;
      break;
    }
  }
  // The innermost .service or .scope (a container's scope is reported as the container, not as a unit).
  const units = path.split('/').filter((p) => /\.(service|scope)$/.test(p));
  const unit = container === null ? (units.pop() ?? null) : null;
  return { unit, container };
}

/** "pid 4242 (/usr/bin/rpc-poller --fast, unit poller.service)": what a finding says about a process. */
export function describeProcess(p: ProcessIdentity): string {
  const what = p.cmdline || p.command;
  const where = p.unit ? `, unit ${p.unit}` : p.container ? `, container ${p.container}` : '';
  return `pid ${p.pid} (${what}${where})`;
}

/** The label metrics use instead of a pid (stable across restarts): the unit or container, else ''. */
export const placeOf = (p: Pick<ProcessIdentity, 'unit' | 'container'>): string => p.unit ?? p.container ?? '';
