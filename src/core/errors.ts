// Three kinds of failure, one exit point (src/cli/main.ts decides the exit code).

/** Where bad input came from, so the one-line message can name it. */
export interface InputLocation {
  file?: string;
  line?: number;
  key?: string;
}

/** Bad input from the user: printed as one line `file:line: key: message`, no stack, exit 2. */
export class UserError extends Error {
  readonly location: InputLocation;
  readonly exitCode: number;
  constructor(message: string, location: InputLocation = {}, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.location = location;
    this.exitCode = exitCode;
  }

  /** The single line the user sees (a newline from a file name or value is shown as `\n`, never breaks it). */
  format(): string {
    const where: string[] = [];
    if (this.location.file !== undefined) {
      where.push(this.location.line !== undefined ? `${this.location.file}:${this.location.line}` : this.location.file);
    }
    if (this.location.key !== undefined) where.push(this.location.key);
    return [...where, this.message].join(': ').replace(/\r?\n/g, '\\n');
  }
}

/** A failure already explained to the user: carries only the exit code. */
export class ReportedFailure extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ReportedFailure';
    this.exitCode = exitCode;
  }
}
