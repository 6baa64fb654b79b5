// Kernel releases as comparable numbers, so version-gated rules can say "since 4.12".

export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
  release: string;
}

/** Parses `uname -r` style text (`6.18.44-fc-v657`, `3.10.0-1160.el7.x86_64`); undefined when unrecognisable. */
export function parseKernelRelease(release: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), release: release.trim() };
}

/** Compares a kernel with a `major.minor` version: negative, zero or positive. */
export function compareKernel(k: KernelVersion, version: string): number {
  const [maj = 0, min = 0] = version.split('.').map(Number);
  return k.major !== maj ? k.major - maj : k.minor - min;
}

/** True when the kernel is at least `major.minor`. */
export function kernelAtLeast(k: KernelVersion | undefined, version: string): boolean {
  return k !== undefined && compareKernel(k, version) >= 0;
}
