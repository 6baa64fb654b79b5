// Where tuned profiles live on a host and what tuned's functions read about it, for src/core/profiles/tuned-profile.ts.
// tuned 2.20 searches /etc/tuned, then /usr/lib/tuned (consts.LOAD_DIRECTORIES, last wins); later tuned versions
// add /etc/tuned/profiles and /usr/lib/tuned/profiles, searched when present. All under --root.
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { UNKNOWN_HOST, type TunedHostFacts } from '../../core/profiles/tuned-functions.js';
import type { TunedHost } from '../../core/profiles/tuned-profile.js';
import { confinedPath, isLiveRoot, readHostText } from '../files/host-root.js';

/** tuned's profile directories as host paths, first match wins. */
export const TUNED_DIRS = ['/etc/tuned/profiles', '/etc/tuned', '/usr/lib/tuned/profiles', '/usr/lib/tuned'];

/** `NAME/tuned.conf` in tuned's directories under the root (its disk and host paths), or undefined. */
export function findTunedProfile(root: string, name: string): { disk: string; host: string } | undefined {
  for (const dir of TUNED_DIRS) {
    const host = path.posix.join(dir, name, 'tuned.conf');
    const disk = confinedPath(root, host, 'follow');
    if (isFile(disk)) return { disk, host };
  }
  return undefined;
}

/**
 * The host callbacks for a tuned profile: an include is searched beside the including profile's directory (its
 * sibling profiles), then in tuned's directories; a variables file is a host path under the root (relative: beside
 * the profile). `read` reads one profile file (size and type checked); `facts` is asked only when a function needs it.
 */
export function tunedHost(root: string, read: (disk: string) => string, facts: () => TunedHostFacts): TunedHost {
  let known: TunedHostFacts | undefined;
  return {
    locate: (name, fromFile) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') return undefined;
      const sibling = path.join(path.dirname(path.dirname(fromFile)), name, 'tuned.conf');
      const file = isFile(sibling) ? sibling : findTunedProfile(root, name)?.disk;
      return file === undefined ? undefined : { file, text: read(file) };
    },
    readVariables: (p, fromFile) => {
      const disk = p.startsWith('/') ? confinedPath(root, p, 'follow') : path.resolve(path.dirname(fromFile), p);
      return isFile(disk) ? { file: disk, text: read(disk) } : undefined;
    },
    get facts() {
      return (known ??= facts());
    },
  };
}

/**
 * What tuned's virt_check, cpuinfo_check and unit conditions read, from the host under the root: /proc/cpuinfo, the
 * hypervisor evidence (cpuinfo's `hypervisor` flag, /sys/hypervisor/type, the DMI vendor) and, on the live host,
 * uname. A fixture root without /proc/cpuinfo leaves them unknown; nothing is executed (no virt-what).
 */
export function readTunedFacts(root: string): TunedHostFacts {
  const cpuinfo = readHostText(root, '/proc/cpuinfo').text ?? null;
  if (cpuinfo === null) return UNKNOWN_HOST;
  const hypervisorType = readHostText(root, '/sys/hypervisor/type').text?.trim() ?? '';
  const vendor = readHostText(root, '/sys/class/dmi/id/sys_vendor').text ?? '';
  const product = readHostText(root, '/sys/class/dmi/id/product_name').text ?? '';
  const virtual =
    /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo) ||
    hypervisorType !== '' ||
    /QEMU|KVM|VMware|Xen|innotek|VirtualBox|Virtual Machine|Amazon EC2|Google Compute|Parallels|Bochs|OpenStack/i.test(
      `${vendor} ${product}`,
    );
  const uname = isLiveRoot(root)
    ? [os.type(), os.hostname(), os.release(), os.version(), os.machine()].join(' ')
    : null;
  return { virtual, cpuinfo, uname };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
