// Finds profiles: a path to a file, /etc/tune/profiles under the root, then the shipped profiles/ directory. A
// profile under the root is known by its host path, so its includes resolve inside the root too; a profile named by
// a path on the command line (and what it includes) is the operator's own file on this machine.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { checkProfileText, parseProfile, profileFormatOf, type Profile } from '../../core/plan/profile.js';
import { parseSysctlProfile } from '../../core/profiles/sysctl-profile.js';
import { UNKNOWN_HOST } from '../../core/profiles/tuned-functions.js';
import { loadTunedProfile } from '../../core/profiles/tuned-profile.js';
import { findTunedProfile, readTunedFacts, tunedHost } from './tuned-dirs.js';
import type { ProfileLoader } from '../../core/plan/profile-resolver.js';
import { confinedPath, isLiveRoot } from '../files/host-root.js';
import { packageRoot } from '../files/package-root.js';
import { readErrorText, readRegular, TEXT_LIMIT, UnreadableFile } from '../files/safe-read.js';

/** The administrator's profiles, a host path under the root. */
const ROOT_PROFILES_DIR = '/etc/tune/profiles';

/** The profiles/ directory shipped with tune (next to package.json). */
export function shippedProfilesDir(): string {
  return path.join(packageRoot() ?? __dirname, 'profiles');
}

/** A profile file: its path on disk, and its host path when it lives under the root. */
interface Located {
  disk: string;
  host?: string;
}

/** A directory searched by name: under the root (a host path) or on this machine (shipped, or beside a --profile). */
type SearchDir = { host: string } | { disk: string };

/** A file in a search directory, resolved inside the root when the directory is under it. */
function fileIn(root: string, dir: SearchDir, rel: string): Located {
  if ('disk' in dir) return { disk: path.join(dir.disk, rel) };
  const host = path.posix.join(dir.host, rel);
  return { disk: confinedPath(root, host, 'follow'), host };
}

/** Directories searched for profiles by name, most specific first. */
function searchDirs(includedFrom?: Located): SearchDir[] {
  const own: SearchDir[] = !includedFrom
    ? []
    : includedFrom.host !== undefined
      ? [{ host: path.posix.dirname(includedFrom.host) }]
      : [{ disk: path.dirname(includedFrom.disk) }];
  return [...own, { host: ROOT_PROFILES_DIR }, { disk: shippedProfilesDir() }];
}

const exists = (l: Located): boolean => fs.existsSync(l.disk);

export interface LoaderOptions {
  /**
   * Whether tuned's functions (virt_check, cpuinfo_check) may read this host's evidence under the root; false for a
   * plan from a snapshot, whose host is another machine (they are then reported, not evaluated).
   */
  hostFacts?: boolean;
}

/**
 * Loads profiles by name or path in any of the three formats (profileFormatOf): tune's ini profiles, plain sysctl
 * files and tuned profiles (NAME/tuned.conf, a profile directory, tuned's own directories under the root).
 */
export function createProfileLoader(root: string, opts: LoaderOptions = {}): ProfileLoader {
  const cache = new Map<string, Profile>();
  const located = new Map<string, Located>();
  return (ref, from) => {
    const found = locate(root, ref, from && (located.get(from.file) ?? { disk: from.file }));
    if (!found) return undefined;
    const file = found.disk;
    const cached = cache.get(file);
    if (cached) return cached;
    const follow = found.host === undefined || isLiveRoot(root);
    const text = readProfileText(file, follow);
    const name =
      path.basename(file) === 'tuned.conf' ? path.basename(path.dirname(file)) : path.basename(file, '.conf');
    checkProfileText(file, text);
    const format = profileFormatOf(file, text);
    const p =
      format === 'tuned'
        ? loadTunedProfile(
            name,
            { file, text },
            tunedHost(
              root,
              (disk) => readProfileText(disk, follow),
              () => (opts.hostFacts === false ? UNKNOWN_HOST : readTunedFacts(root)),
            ),
          )
        : format === 'sysctl'
          ? parseSysctlProfile(name, file, text)
          : parseProfile(name, file, text);
    cache.set(file, p);
    located.set(file, found);
    return p;
  };
}

/**
 * A profile's text: a regular file of at most 1 MiB (TEXT_LIMIT; real profiles are a few KiB), opened without
 * blocking, so a FIFO, device or directory is a one-line error instead of a hang.
 */
function readProfileText(file: string, follow: boolean): string {
  try {
    return readRegular(file, { follow, limit: TEXT_LIMIT }).toString('utf8');
  } catch (e) {
    const why = readErrorText(e);
    throw new UserError(e instanceof UnreadableFile ? `cannot read profile: ${why}` : `cannot read profile (${why})`, {
      file,
    });
  }
}

function locate(root: string, ref: string, includedFrom?: Located): Located | undefined {
  if (ref.includes('/') || ref.endsWith('.conf')) {
    if (includedFrom?.host !== undefined) {
      // Included by a profile under the root: a path there, resolved inside the root.
      const host = path.posix.resolve(path.posix.dirname(includedFrom.host), ref);
      const l = { disk: confinedPath(root, host, 'follow'), host };
      return exists(l) ? l : undefined;
    }
    const p = path.resolve(includedFrom ? path.dirname(includedFrom.disk) : process.cwd(), ref);
    // A tuned profile directory stands for its tuned.conf.
    const inDir = path.join(p, 'tuned.conf');
    if (isDirectory(p) && fs.existsSync(inDir)) return { disk: inDir };
    return fs.existsSync(p) ? { disk: p } : undefined;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref)) return undefined;
  for (const dir of searchDirs(includedFrom)) {
    for (const candidate of [fileIn(root, dir, `${ref}.conf`), fileIn(root, dir, `${ref}/tuned.conf`)]) {
      if (exists(candidate)) return candidate;
    }
  }
  // Last, tuned's own profiles (`-p throughput-performance` on a host with tuned installed).
  return findTunedProfile(root, ref);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every profile found by name, first directory wins (for `tune profiles`). */
export function listProfiles(root: string): Profile[] {
  const load = createProfileLoader(root);
  const seen = new Map<string, Profile>();
  for (const dir of searchDirs()) {
    let names: string[];
    try {
      names = fs.readdirSync(fileIn(root, dir, '.').disk).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const name = n.endsWith('.conf') ? n.slice(0, -5) : exists(fileIn(root, dir, `${n}/tuned.conf`)) ? n : undefined;
      if (name && !seen.has(name)) {
        const p = load(name);
        if (p) seen.set(name, p);
      }
    }
  }
  return [...seen.values()];
}
