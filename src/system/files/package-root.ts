// Where tune's own files live: the shipped profiles/ and the netlink helper. Three layouts:
// - a clone or an npm install: the directory holding package.json (found from this module, which is dist/ in the
//   bundle and build/src/system/files/ in the tests), with profiles/ and dist/tcp-diag;
// - the single executable installed by the .deb (PREFIX/bin/tune): PREFIX/share/tune/profiles and
//   PREFIX/lib/tune/tcp-diag, installed by the package manager;
// - the single executable alone: its embedded copies, unpacked into a private directory (embedded-files.ts).
import fs = require('node:fs');
import path = require('node:path');
import { embeddedFilesDir, runningSea, verifiedEmbeddedFile } from './embedded-files.js';

let found: string | undefined;

/** PREFIX when this single executable runs from PREFIX/bin beside PREFIX/share/tune/profiles (the .deb). */
function installedPrefix(): string | undefined {
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.statSync(path.join(prefix, 'share', 'tune', 'profiles'), { throwIfNoEntry: false })?.isDirectory()
    ? prefix
    : undefined;
}

/** The directory holding the shipped profiles/, or undefined when tune runs outside its package. */
export function packageRoot(): string | undefined {
  if (found) return found;
  const sea = runningSea();
  if (sea) {
    const prefix = installedPrefix();
    return (found = prefix ? path.join(prefix, 'share', 'tune') : embeddedFilesDir(sea));
  }
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (found = dir);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The netlink helper built from native/tcp-diag.c, or undefined when there is none (diagnose reads /proc). */
export function tcpDiagPath(): string | undefined {
  const sea = runningSea();
  if (!sea) {
    const root = packageRoot();
    return root && path.join(root, 'dist', 'tcp-diag');
  }
  const prefix = installedPrefix();
  return prefix ? path.join(prefix, 'lib', 'tune', 'tcp-diag') : verifiedEmbeddedFile(sea, 'tcp-diag');
}
