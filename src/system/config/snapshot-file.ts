// Snapshot files on disk: read for `plan --snapshot`, written atomically by `tune snapshot -o`.
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
