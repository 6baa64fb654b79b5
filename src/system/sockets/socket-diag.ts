// The live socket tables through netlink sock_diag: runs the helper built from native/tcp-diag.c and streams its
// binary records into a SocketCensus. About four times less kernel work than formatting /proc/net/tcp (the helper's
// header says why); memory stays one 64 KiB buffer plus the bounded aggregates.
import childProcess = require('node:child_process');
import fs = require('node:fs');
import net = require('node:net');
import os = require('node:os');
import path = require('node:path');
import { DiagRecordDecoder } from '../../core/diagnose/diag-record-decoder.js';
import { SocketCensus } from '../../core/diagnose/socket-census.js';
import { tcpDiagPath } from '../files/package-root.js';

/**
 * The built helper (dist/tcp-diag), or why there is none (not built: no C compiler at build time). TUNE_TCP_DIAG
 * names another executable speaking the same records (the tests use it to exercise failures and the fallback).
 */
export function tcpDiagHelper(): { file: string } | { missing: string } {
  const override = process.env.TUNE_TCP_DIAG;
  const file = override || tcpDiagPath();
  try {
    if (!file) throw new Error('no package directory');
    fs.accessSync(file, fs.constants.X_OK);
    return { file };
  } catch {
    return {
      missing: override
        ? `TUNE_TCP_DIAG=${override} is not an executable`
        : 'the netlink helper dist/tcp-diag is not built (no C compiler at build time)',
    };
  }
}

export type NetlinkCensus = { ok: true; census: SocketCensus } | { ok: false; why: string };

const CHUNK = 1 << 16;

/**
 * Dumps both tables through the helper. Any failure is returned, not thrown: the caller falls back to procfs.
 *
 * Memory: a child's stdout pipe hands every 64 KiB read to JavaScript as a fresh Buffer, and enough of them outlive
 * the young generation that a 1M-socket dump grew the process by ~30 MB. So the helper's stdout is instead one end of
 * a Unix socket whose other end is read with `onread` into a single reused buffer. The socket lives in a private
 * (0700) temporary directory, so nobody else can connect to it, and is removed as soon as both ends are connected.
 */
export async function readSocketCensusNetlink(
  helper: string,
  ephemeral: { low: number; high: number },
): Promise<NetlinkCensus> {
  try {
    return await dump(helper, ephemeral);
  } catch (e) {
    // Setting up the socket failed (say a read-only temporary directory): the tables are still there in /proc.
    return { ok: false, why: `setting up ${helper}: ${(e as Error).message}` };
  }
}

async function dump(helper: string, ephemeral: { low: number; high: number }): Promise<NetlinkCensus> {
  const census = new SocketCensus(ephemeral);
  const decoder = new DiagRecordDecoder(census.add.bind(census));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-diag-'));
  try {
    const address = path.join(dir, 's');
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address, resolve);
    });
    const buffer = Buffer.allocUnsafe(CHUNK);
    let failure: string | undefined;
    // @types/node lists onread for TCP only; Node reads it for any stream socket, Unix ones included.
    const options: net.IpcNetConnectOpts & Pick<net.TcpSocketConnectOpts, 'onread'> = {
      path: address,
      onread: {
        buffer,
        callback: (n: number, buf: Uint8Array) => {
          if (failure) return true;
          try {
            decoder.push(Buffer.from(buf.buffer, buf.byteOffset, n));
          } catch (e) {
            failure = (e as Error).message;
          }
          return true; // keep reading (false would pause)
        },
      },
    };
    const reader = net.connect(options);
    const writer = await new Promise<net.Socket>((resolve, reject) => {
      server.once('connection', resolve);
      reader.once('error', reject);
    });
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
    const readerDone = new Promise<void>((resolve) => {
      reader.on('end', resolve);
      reader.on('error', (e) => {
        failure ??= `reading ${helper}: ${e.message}`;
        resolve();
      });
    });
    const helperDone = new Promise<void>((resolve) => {
      let stderr = '';
      const child = childProcess.spawn(helper, [], { stdio: ['ignore', writer, 'pipe'] });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
      });
      child.on('error', (e) => {
        failure ??= `${helper}: ${e.message}`;
        resolve();
      });
      child.on('close', (code, signal) => {
        if (code !== 0 && code !== null) failure ??= stderr.trim().split('\n').pop() || `${helper} exited ${code}`;
        else if (signal) failure ??= `${helper} killed by ${signal}`;
        resolve();
      });
    });
    // Our copy of the helper's end goes, so the reader sees end-of-file when the helper is done.
    writer.destroy();
    await Promise.all([helperDone, readerDone]);
    reader.destroy();
    if (!failure) {
      try {
        decoder.end();
      } catch (e) {
        failure = (e as Error).message;
      }
    }
    return failure ? { ok: false, why: failure } : { ok: true, census };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
