// The live socket tables through netlink sock_diag: runs the helper built from native/tcp-diag.c and streams its
// binary records into a SocketCensus. About four times less kernel work than formatting /proc/net/tcp (the helper's
// header says why); memory stays one 64 KiB buffer plus the bounded aggregates.
import childProcess = require('node:child_process');
import fs = require('node:fs');
import net = require('node:net');
import os = require('node:os');
import path = require('node:path');
import { DiagRecordDecoder, type DiagExtras } from '../../core/diagnose/diag-record-decoder.js';
import type { Destination } from '../../core/diagnose/socket-census.js';
import type { TcpRecord } from '../../core/diagnose/tcp-table-parser.js';
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

export type NetlinkDump = { ok: true } | { ok: false; why: string };

/** The helper's sampling mode: repeated dumps of `states` to the destinations, each followed by an owner scan. */
export interface SampleRequest {
  states: number;
  seconds: number;
  destinations: Destination[];
  owner(inode: number, pid: number): void;
  mark(): void;
}

/** F:HEX:PORT, the address bytes in network order (the kernel's IPv4 u32 has the first octet low). */
function destinationArg(d: Destination): string {
  if (d.family === 4) {
    const b = [d.v4 & 255, (d.v4 >>> 8) & 255, (d.v4 >>> 16) & 255, d.v4 >>> 24];
    return `4:${b.map((x) => x.toString(16).padStart(2, '0')).join('')}:${d.port}`;
  }
  // The kernel's IPv6 hex is four host-order (little-endian) words: reverse each word's bytes.
  let hex = '';
  for (let w = 0; w < 32; w += 8) for (let i = 6; i >= 0; i -= 2) hex += d.hex.slice(w + i, w + i + 2);
  return `6:${hex}:${d.port}`;
}

const CHUNK = 1 << 16;

/**
 * Dumps both tables through the helper, every row to `onRow`; with `owner`, then the processes holding CLOSE_WAIT and
 * listening sockets (the helper scans /proc/PID/fd itself, far faster than JavaScript can); with `sample`, repeated
 * rounds (see SampleRequest). Any failure is returned, not thrown: the caller falls back to procfs.
 *
 * Memory: a child's stdout pipe hands every 64 KiB read to JavaScript as a fresh Buffer, and enough of them outlive
 * the young generation that a 1M-socket dump grew the process by ~30 MB. So the helper's stdout is instead one end of
 * a Unix socket whose other end is read with `onread` into a single reused buffer. The socket lives in a private
 * (0700) temporary directory, so nobody else can connect to it, and is removed as soon as both ends are connected.
 */
export async function readRowsNetlink(
  helper: string,
  onRow: (r: TcpRecord) => void,
  how: {
    sample?: SampleRequest;
    owner?: (inode: number, pid: number) => void;
    /** With `owner`: how many processes could not be looked at (an ordinary user cannot read others' fds). */
    unreadable?: (processes: number) => void;
  } = {},
): Promise<NetlinkDump> {
  const { sample, owner, unreadable } = how;
  const args = sample
    ? [
        ...['--states', String(sample.states), '--sample', String(Math.max(1, Math.round(sample.seconds * 1000)))],
        ...sample.destinations.flatMap((d) => ['--dst', destinationArg(d)]),
      ]
    : owner
      ? ['--owners']
      : [];
  try {
    return await dump(helper, onRow, args, sample ?? (owner ? { owner, mark: () => {}, unreadable } : undefined));
  } catch (e) {
    // Setting up the socket failed (say a read-only temporary directory): the tables are still there in /proc.
    return { ok: false, why: `setting up ${helper}: ${(e as Error).message}` };
  }
}

async function dump(
  helper: string,
  onRow: (r: TcpRecord) => void,
  args: string[],
  extras?: DiagExtras,
): Promise<NetlinkDump> {
  const decoder = new DiagRecordDecoder(onRow, extras);
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
            decoder.push(buf, n);
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
      const child = childProcess.spawn(helper, args, { stdio: ['ignore', writer, 'pipe'] });
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
    return failure ? { ok: false, why: failure } : { ok: true };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
