// Reads an input file named on the command line (a snapshot, a saved plan): a regular file of bounded size. A FIFO,
// device or directory is refused at once instead of hanging on a read that never ends or filling memory.
import fs = require('node:fs');
import { UserError } from '../core/errors.js';

/** The file's text; anything else is a user error naming the file (`what` says what it should have been). */
export function readBoundedFile(file: string, what: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new UserError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`, { file });
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new UserError(`cannot read ${what}: it is a directory`, { file });
    if (!st.isFile()) throw new UserError(`cannot read ${what}: not a regular file`, { file });
    if (st.size > maxBytes) throw new UserError(`cannot read ${what}: larger than ${maxBytes} bytes`, { file });
    return fs.readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`, { file });
  } finally {
    fs.closeSync(fd);
  }
}
