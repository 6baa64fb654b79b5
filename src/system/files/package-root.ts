// Where tune's own files live (profiles/, dist/): the directory holding package.json, found from this module's
// location, which is dist/ in the bundle and build/src/system/files/ when the tests load the compiled sources.
import fs = require('node:fs');
import path = require('node:path');

let found: string | undefined;

/** The package directory, or undefined when tune runs outside its package (then shipped files are absent). */
export function packageRoot(): string | undefined {
  if (found) return found;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return (found = dir);
    if (path.dirname(dir) === dir) return undefined;
  }
}
