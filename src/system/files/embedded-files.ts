// tune as one executable (Node's single executable applications): the shipped profiles and the netlink helper are
// assets inside it, listed by a manifest asset. Node can only hand them over as bytes, and the profile loader and the
// helper's exec need files, so they are written once into a private directory and checked before every use: the
// directory must be ours, mode 0700 and not a symlink, and each file ours, regular and byte-identical to its asset.
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { UserError } from '../../core/errors.js';

/** The asset that lists the others: relative path and file mode of each. */
export const MANIFEST_ASSET = 'manifest.json';

export interface EmbeddedManifest {
  files: { name: string; mode: number }[];
}

type Sea = typeof import('node:sea');

let seaModule: Sea | null | undefined;

/** node:sea when tune runs as a single executable, else null (a plain `node` run, including the tests). */
export function runningSea(): Sea | null {
  if (seaModule === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sea = require('node:sea') as Sea;
    seaModule = sea.isSea() ? sea : null;
  }
  return seaModule;
}

/** node:crypto is loaded here, not at the top: a top-level require would cost every command's start-up. */
const sha256 = (b: Uint8Array) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(b).digest('hex');

/** Why `dir` cannot hold files we exec (undefined when it can): ours, a real directory, nobody else may enter. */
function untrustedDir(dir: string, uid: number): string | undefined {
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) return 'a symlink';
  if (!st.isDirectory()) return 'not a directory';
  if (st.uid !== uid) return `owned by uid ${st.uid}`;
  if ((st.mode & 0o077) !== 0) return `mode ${(st.mode & 0o777).toString(8)}, not 700`;
  return undefined;
}

/** Whether `file` is our regular file (not a symlink), writable by nobody else, holding exactly `bytes`. */
function holds(file: string, bytes: Uint8Array, uid: number): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== uid || (st.mode & 0o022) !== 0 || st.size !== bytes.length) return false;
    return sha256(fs.readFileSync(fd)) === sha256(bytes);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `bytes` to `file` by rename from a private temporary name, so a reader never sees half a file. */
function writeFile(file: string, bytes: Uint8Array, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, bytes, { mode, flag: 'wx' });
  fs.chmodSync(tmp, mode); // the umask must not decide whether the helper is executable
  fs.renameSync(tmp, file);
}

/**
 * A directory of ours that nobody else can enter: $XDG_RUNTIME_DIR (or the temporary directory)/tune-UID-DIGEST.
 * When that name is taken by something we cannot trust (another user created it first), a fresh private directory
 * for this run only, removed at exit, so nobody can stop tune by squatting on the name.
 */
function privateDir(digest: string): string {
  const uid = process.getuid?.() ?? 0;
  const dir = path.join(process.env.XDG_RUNTIME_DIR || os.tmpdir(), `tune-${uid}-${digest.slice(0, 16)}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return ownRunDir();
  }
  return untrustedDir(dir, uid) === undefined ? dir : ownRunDir();
}

function ownRunDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let extracted: string | undefined;

/**
 * The directory holding the embedded files (profiles/, tcp-diag), written or repaired as needed and checked; the
 * same files as a package's, so the profile loader works unchanged. Throws a one-line UserError when it cannot be.
 */
export function embeddedFilesDir(sea: Sea): string {
  if (extracted) return extracted;
  const manifest = JSON.parse(sea.getAsset(MANIFEST_ASSET, 'utf8')) as EmbeddedManifest;
  const assets = manifest.files.map((f) => ({ ...f, bytes: new Uint8Array(sea.getAsset(f.name)) }));
  const digest = sha256(Buffer.concat(assets.flatMap((a) => [Buffer.from(`${a.name}\0${a.mode}\0`), a.bytes])));
  const uid = process.getuid?.() ?? 0;
  let dir = '';
  try {
    dir = privateDir(digest);
    for (const a of assets) {
      const file = path.join(dir, a.name);
      const sub = path.dirname(file);
      if (sub !== dir) fs.mkdirSync(sub, { recursive: true, mode: 0o700 });
      const why = untrustedDir(sub, uid);
      if (why) throw new Error(`${sub} is ${why}`);
      if (!holds(file, a.bytes, uid)) writeFile(file, a.bytes, a.mode);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot unpack tune's shipped files into ${dir || os.tmpdir()} (${code ?? (e as Error).message})`,
    );
  }
  return (extracted = dir);
}

/** `name` in the embedded files, checked against its asset (ours, regular, same bytes) right before it is used. */
export function verifiedEmbeddedFile(sea: Sea, name: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(sea.getAsset(name));
  } catch {
    return undefined; // not embedded (the release was built without a C compiler)
  }
  let file: string;
  try {
    file = path.join(embeddedFilesDir(sea), name);
  } catch {
    return undefined; // cannot unpack (say a full temporary directory): the caller does without
  }
  return holds(file, bytes, process.getuid?.() ?? 0) ? file : undefined;
}
