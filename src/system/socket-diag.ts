// The live socket tables through netlink sock_diag: runs the helper built from native/tcp-diag.c and streams its
// binary records into a SocketCensus. About four times less kernel work than formatting /proc/net/tcp (the helper's
// header says why); memory stays one pipe chunk plus the bounded aggregates.
import childProcess = require('node:child_process');
import fs = require('node:fs');
import path = require('node:path');
import { DiagRecordDecoder } from '../core/diag-record-decoder.js';
import { SocketCensus } from '../core/socket-census.js';
import { packageRoot } from './package-root.js';

/**
 * The built helper (dist/tcp-diag), or undefined when it was not built (no C compiler at build time). TUNE_TCP_DIAG
 * names another executable speaking the same records (the tests use it to exercise failures and the fallback).
 */
export function tcpDiagHelper(): string | undefined {
  const root = packageRoot();
  const file = process.env.TUNE_TCP_DIAG || (root && path.join(root, 'dist', 'tcp-diag'));
  if (!file) return undefined;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

export type NetlinkCensus = { ok: true; census: SocketCensus } | { ok: false; why: string };

/** Dumps both tables through the helper. Any failure is returned, not thrown: the caller falls back to procfs. */
export function readSocketCensusNetlink(
  helper: string,
  ephemeral: { low: number; high: number },
): Promise<NetlinkCensus> {
  const census = new SocketCensus(ephemeral);
  const decoder = new DiagRecordDecoder(census.add.bind(census));
  return new Promise((resolve) => {
    let failure: string | undefined;
    let stderr = '';
    const child = childProcess.spawn(helper, [], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      try {
        decoder.push(chunk);
      } catch (e) {
        failure = (e as Error).message;
        child.kill();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (e) => {
      failure ??= `${helper}: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      if (!failure && code !== 0)
        failure = stderr.trim().split('\n').pop() || `${helper} exited ${signal ?? code ?? 'abnormally'}`;
      if (!failure) {
        try {
          decoder.end();
        } catch (e) {
          failure = (e as Error).message;
        }
      }
      resolve(failure ? { ok: false, why: failure } : { ok: true, census });
    });
  });
}
