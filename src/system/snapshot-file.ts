// Snapshot files on disk: read for `plan --snapshot`, written atomically by `tune snapshot -o`.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../core/errors.js';
import { writeExact } from './atomic-file.js';
import { formatSnapshotJson, parseSnapshotJson, type Snapshot } from '../core/snapshot.js';

/** Reads a snapshot written by `tune snapshot`; unreadable or malformed files are user errors naming the file. */
export function readSnapshotFile(file: string): Snapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read snapshot (${(e as NodeJS.ErrnoException).code})`, { file });
  }
  return parseSnapshotJson(text, file);
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
