// Snapshot files on disk: read for `plan --snapshot`, written atomically by `tune snapshot -o`.
import path = require('node:path');
import { UserError } from '../core/errors.js';
import { writeExact } from './atomic-file.js';
import { readBoundedFile } from './bounded-read.js';
import { formatSnapshotJson, parseSnapshotJson, type Snapshot } from '../core/snapshot.js';

/** A `snapshot --all` of a host with a thousand interfaces is a few MiB; anything far larger is not a snapshot. */
const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/** Reads a snapshot written by `tune snapshot`; unreadable or malformed files (a FIFO, a directory, the wrong
 * shape) are user errors naming the file and the field. */
export function readSnapshotFile(file: string): Snapshot {
  return parseSnapshotJson(readBoundedFile(file, 'snapshot', MAX_SNAPSHOT_BYTES), file);
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
