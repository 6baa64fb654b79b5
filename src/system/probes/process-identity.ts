// Reads who a process is (/proc/PID/comm, cmdline, cgroup) for attribution; the parsing is core's.
import { cgroupIdentity, cmdlineText, type ProcessIdentity } from '../../core/diagnose/process-identity.js';
import { readHostText } from '../files/host-root.js';

/** The identity of `pid` under the root; fields it cannot read are '?', '' or null (the process may have exited). */
export function readProcessIdentity(root: string, pid: number): ProcessIdentity {
  const read = (name: string, limit: number) =>
    readHostText(root, `/proc/${pid}/${name}`, { limit, truncate: true, encoding: 'latin1' }).text;
  // A name is at most 16 bytes; a fixture's comm that is a FIFO or huge gives '?' (as a process gone does).
  const command = readHostText(root, `/proc/${pid}/comm`, { limit: 4096 }).text?.trim() ?? '?';
  const { unit, container } = cgroupIdentity(read('cgroup', 16384) ?? '');
  return { pid, command, cmdline: cmdlineText(read('cmdline', 4096) ?? ''), unit, container };
}
