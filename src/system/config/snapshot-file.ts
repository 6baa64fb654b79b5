// Snapshot files on disk: read for `plan --snapshot`, written atomically by `tune snapshot -o`.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { writeExact } from '../files/atomic-file.js';
import { readErrorText, readRegular, UnreadableFile } from '../files/safe-read.js';
import { formatSnapshotJson, parseSnapshotJson, type Snapshot } from '../../core/snapshot.js';

/**
 * The largest snapshot read: `--all` on a host with thousands of interfaces is a few MiB (about 100 bytes per key),
 * so 64 MiB leaves room and still refuses a file that is clearly something else.
 */
const MAX_SNAPSHOT_BYTES = 64 << 20;

/** Reads a snapshot written by `tune snapshot`; unreadable, special or malformed files are user errors naming it. */
export function readSnapshotFile(file: string): Snapshot {
  return parseSnapshotJson(readSnapshotText(file), file);
}

/** A snapshot file of a fleet review: a snapshot, or null when the file is empty (gathered, but nothing came back). */
export interface SnapshotSource {
  source: string;
  snapshot: Snapshot | null;
}

/**
 * Reads every snapshot named: a file, or a directory meaning every `*.json` in it (sorted, not recursive). An empty
 * file is "no data" for that host; anything malformed, missing or unreadable is a user error naming the file.
 */
export function readSnapshotSources(paths: string[]): SnapshotSource[] {
  const files: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      throw new UserError(`cannot read snapshot (${readErrorText(e)})`, { file: p });
    }
    if (!st.isDirectory()) {
      files.push(p);
      continue;
    }
    let names: string[];
    try {
      names = fs.readdirSync(p).filter((n) => n.endsWith('.json'));
    } catch (e) {
      throw new UserError(`cannot list snapshot directory (${readErrorText(e)})`, { file: p });
    }
    if (!names.length) throw new UserError('no *.json snapshot in this directory', { file: p });
    files.push(...names.sort().map((n) => path.join(p, n)));
  }
  return files.map((source) => {
    const text = readSnapshotText(source);
    return { source, snapshot: text.trim() === '' ? null : parseSnapshotJson(text, source) };
  });
}

function readSnapshotText(file: string): string {
  let text: string;
  try {
    text = readRegular(file, { follow: true, limit: MAX_SNAPSHOT_BYTES }).toString('utf8');
  } catch (e) {
    const why = readErrorText(e);
    throw new UserError(
      e instanceof UnreadableFile ? `cannot read snapshot: ${why}` : `cannot read snapshot (${why})`,
      {
        file,
      },
    );
  }
  return text;
}

/** Writes a snapshot atomically (temporary file in the same directory, fsync, rename). */
export function writeSnapshotFile(file: string, snapshot: Snapshot): void {
  try {
    writeExact(path.resolve(file), Buffer.from(formatSnapshotJson(snapshot)));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot write snapshot (${(e as NodeJS.ErrnoException).code})`, { file }, 1);
  }
}
