// A transaction's backup.json read back from the state directory. It steers writes (which keys, which files, which
// bytes), so it is checked like any untrusted input, field by field: every key a valid sysctl key, every value one
// line, every file one tune may own, every file's bytes matching their checksum. A version-1 backup (one file) is read as version 2.
import path = require('node:path');
import { UserError } from '../core/errors.js';
import { JsonField, parseChecked } from '../core/json-shape.js';
import { ownablePathProblem } from '../core/plan/owned-path.js';
import { parseSysctlKey } from '../core/sysctl/sysctl-key.js';
import { MAX_VALUE_LENGTH } from '../core/sysctl/value-validation.js';
import { isTransactionId, readStateFile, sha256, transactionDir } from '../system/state/state-dir.js';
import type { Backup, FileState, HostState, RuntimeSetting } from './transaction.js';

/** Where transaction `id` keeps its backup. */
export function backupPath(stateDir: string, id: string): string {
  return path.join(transactionDir(stateDir, id), 'backup.json');
}

/** Returns `data` as a Backup, or throws ShapeMismatch at the first field that is not what tune writes. */
export function checkBackupShape(data: unknown): Backup {
  const top = new JsonField(data);
  top.object();
  top.field('schemaVersion').oneOf([1, 2]);
  const id = (f: JsonField) => (isTransactionId(f.string()) ? f.string() : f.fail('a transaction id'));
  const of = top.field('of').optional(id);
  const undoes = top.field('undoes').optional((f) => f.list(id));
  const trigger = top.field('trigger').optional((f) => f.oneOf(['expired-confirmation'] as const));
  return {
    ...(top.value as Backup),
    schemaVersion: 2,
    id: id(top.field('id')),
    // v1 recorded `recover` as a transaction of its own.
    kind: top.field('kind').oneOf(['apply', 'rollback', 'reset', 'recover'] as const) as Backup['kind'],
    createdAt: top.field('createdAt').string(),
    user: top.field('user').string(),
    message: top.field('message').string(),
    profiles: top.field('profiles').strings(),
    root: top.field('root').string(),
    ...(of !== undefined ? { of } : {}),
    ...(undoes !== undefined ? { undoes } : {}),
    ...(trigger !== undefined ? { trigger } : {}),
    before: hostState(top.field('before')),
    after: hostState(top.field('after')),
  };
}

function hostState(f: JsonField): HostState {
  const runtime = f.field('runtime').list(runtimeSetting);
  const files = f.has('files') || !f.has('file') ? f.field('files').list(fileState) : [fileState(f.field('file'))];
  return { runtime, files };
}

function runtimeSetting(f: JsonField): RuntimeSetting {
  const key = f.field('key').string();
  try {
    parseSysctlKey(key);
  } catch {
    f.field('key').fail('a sysctl key');
  }
  const value = f.field('value').nullable((v) => v.string());
  if (value !== null && (/[\n\0]/.test(value) || value.length > MAX_VALUE_LENGTH))
    f.field('value').fail(`a one-line value of at most ${MAX_VALUE_LENGTH} characters`, true);
  return { key, value };
}

function fileState(f: JsonField): FileState {
  const p = f.field('path').string();
  const why = ownablePathProblem(p);
  if (why) f.field('path').fail(`${p.slice(0, 120)}: ${why}`, true);
  const bytes = f.field('bytes').nullable((v) => v.string());
  const sha = f
    .field('sha256')
    .nullable((v) => (/^[0-9a-f]{64}$/.test(v.string()) ? v.string() : v.fail('a sha256 checksum (64 hex digits)')));
  if ((bytes === null) !== (sha === null)) f.fail('bytes and sha256 both set or both null', true);
  if (bytes !== null && sha256(Buffer.from(bytes, 'base64')) !== sha)
    f.field('bytes').fail('bytes that match sha256 (checksum mismatch: the backup is corrupt)', true);
  return { path: p, bytes, sha256: sha };
}

/** Checks a backup's text; anything but one tune wrote is a one-line error naming the file (exit 1). */
export function parseBackup(text: string, id: string, file: string): Backup {
  const bad = (why: string): never => {
    throw new UserError(`backup of transaction ${id} is not one tune wrote: ${why}`, { file }, 1);
  };
  return parseChecked(text, checkBackupShape, bad);
}

/** The backup of transaction `id`, checked before it can steer a write. */
export function readBackup(stateDir: string, id: string): Backup {
  const file = backupPath(stateDir, id);
  const text = readStateFile(file);
  if (text === null) throw new UserError(`no backup for transaction ${id} (see \`tune history\`)`, { file }, 1);
  return parseBackup(text, id, file);
}
