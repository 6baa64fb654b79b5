// Finds profiles: a path to a file, /etc/tune/profiles under the root, then the shipped profiles/ directory.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../core/errors.js';
import { parseProfile, type Profile } from '../core/profile.js';
import type { ProfileLoader } from '../core/profile-resolver.js';
import { underRoot } from './host-root.js';
import { packageRoot } from './package-root.js';

/** The profiles/ directory shipped with tune (next to package.json). */
export function shippedProfilesDir(): string {
  return path.join(packageRoot() ?? __dirname, 'profiles');
}

/** Directories searched for profiles by name, most specific first. */
export function profileDirs(root: string): string[] {
  return [underRoot(root, '/etc/tune/profiles'), shippedProfilesDir()];
}

/** Loads profiles by name or path; tuned layouts (NAME/tuned.conf) are found too. */
export function createProfileLoader(root: string): ProfileLoader {
  const cache = new Map<string, Profile>();
  return (ref, from) => {
    const file = locate(root, ref, from?.file);
    if (!file) return undefined;
    const cached = cache.get(file);
    if (cached) return cached;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read profile (${(e as NodeJS.ErrnoException).code})`, { file });
    }
    const name =
      path.basename(file) === 'tuned.conf' ? path.basename(path.dirname(file)) : path.basename(file, '.conf');
    const p = parseProfile(name, file, text);
    cache.set(file, p);
    return p;
  };
}

function locate(root: string, ref: string, includedFrom?: string): string | undefined {
  if (ref.includes('/') || ref.endsWith('.conf')) {
    const p = path.resolve(includedFrom ? path.dirname(includedFrom) : process.cwd(), ref);
    return fs.existsSync(p) ? p : undefined;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref)) return undefined;
  const dirs = includedFrom ? [path.dirname(includedFrom), ...profileDirs(root)] : profileDirs(root);
  for (const dir of dirs) {
    for (const candidate of [path.join(dir, `${ref}.conf`), path.join(dir, ref, 'tuned.conf')]) {
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Every profile found by name, first directory wins (for `tune profiles`). */
export function listProfiles(root: string): Profile[] {
  const load = createProfileLoader(root);
  const seen = new Map<string, Profile>();
  for (const dir of profileDirs(root)) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const name = n.endsWith('.conf')
        ? n.slice(0, -5)
        : fs.existsSync(path.join(dir, n, 'tuned.conf'))
          ? n
          : undefined;
      if (name && !seen.has(name)) {
        const p = load(name);
        if (p) seen.set(name, p);
      }
    }
  }
  return [...seen.values()];
}
