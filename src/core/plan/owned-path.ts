// Which files tune may own: a NAME.conf directly in a directory the boot loaders read for the administrator. Checked
// for --file, for a saved plan and for every backup read back, so no input can point a write elsewhere.

export const OWNABLE_DIRS = ['/etc/sysctl.d', '/run/sysctl.d'];

/** Why tune must not write `hostPath`, or null when it may. */
export function ownablePathProblem(hostPath: string): string | null {
  const slash = hostPath.lastIndexOf('/');
  const dir = hostPath.slice(0, slash);
  const name = hostPath.slice(slash + 1);
  if (OWNABLE_DIRS.includes(dir) && /^[A-Za-z0-9_][A-Za-z0-9._-]*\.conf$/.test(name)) return null;
  return 'tune writes only a NAME.conf file directly in /etc/sysctl.d or /run/sysctl.d (where boot reads it)';
}
