// Evidence that makes a change safe or not: namespace, container, NAT, modules, listeners, memory, limits.
import fs = require('node:fs');
import path = require('node:path');
import { hexToAddress, ipv4FromKernel } from '../../core/diagnose/socket-address.js';
import { TcpTableParser } from '../../core/diagnose/tcp-table-parser.js';
import type { Environment, Listener } from '../../core/snapshot.js';
import { confinedPath, hostPathExists, isLiveRoot, readHostText } from '../files/host-root.js';
import { openRegularAsync } from '../files/safe-read.js';

/** Probes the environment under the root. Commands (nft, iptables-save) run only for the live root. */
export function probeEnvironment(root: string, ipForward: string | undefined, listeners: Listener[]): Environment {
  const netns = probeNetns(root);
  const container = probeContainer(root);
  return {
    // Container markers (a leftover /.dockerenv on a VM) only overrule the weak PID 1 comparison, never the kernel.
    initialNetns: container.detected && netns.initial === true && !netns.kernel ? false : netns.initial,
    netnsEvidence: netns.evidence,
    container,
    nat: probeNat(root, ipForward),
    modules: probeModules(root),
    listeners,
    memTotalKiB: probeMemTotal(root),
    pageSize: 4096,
    nofileHardMax: probeNofile(root),
  };
}

/** `kernel`: the answer comes from the kernel's own sysctl registration, which no container marker can contradict. */
function probeNetns(root: string): { initial: boolean | null; evidence: string; kernel?: boolean } {
  // Host-wide net.core keys (netdev_max_backlog) are registered only in the initial namespace: a kernel-level answer.
  if (hostPathExists(root, '/proc/sys/net/core/somaxconn'))
    return hostPathExists(root, '/proc/sys/net/core/netdev_max_backlog')
      ? {
          initial: true,
          kernel: true,
          evidence:
            'host-wide net.core keys (netdev_max_backlog) are visible: the kernel registers them only in the initial network namespace',
        }
      : {
          initial: false,
          kernel: true,
          evidence: 'host-wide net.core keys (netdev_max_backlog) are not visible: a child network namespace',
        };
  const link = (p: string): string | undefined => {
    try {
      return fs.readlinkSync(confinedPath(root, p, 'nofollow'));
    } catch {
      return undefined;
    }
  };
  const self = link('/proc/self/ns/net');
  // PID 1 may be protected (even from root); kthreadd (PID 2) always lives in the initial namespace.
  const kthreadd = readHostText(root, '/proc/2/comm').text?.trim() === 'kthreadd';
  const [who, init] =
    link('/proc/1/ns/net') !== undefined
      ? ['PID 1', link('/proc/1/ns/net')]
      : kthreadd
        ? ['kthreadd', link('/proc/2/ns/net')]
        : ['PID 1', undefined];
  if (!self || !init)
    return { initial: null, evidence: 'cannot read /proc/self/ns/net, /proc/1/ns/net or /proc/2/ns/net' };
  return self === init
    ? { initial: true, evidence: `same network namespace as ${who} (${self})` }
    : { initial: false, evidence: `network namespace ${self} differs from ${who}'s ${init}` };
}

function probeContainer(root: string): { detected: boolean; evidence: string[] } {
  const evidence: string[] = [];
  for (const marker of ['/.dockerenv', '/run/.containerenv'])
    if (hostPathExists(root, marker)) evidence.push(`${marker} exists`);
  const environ = readHostText(root, '/proc/1/environ').text;
  const m = environ && /(?:^|\0)container=([^\0]*)/.exec(environ);
  if (m) evidence.push(`PID 1 has container=${m[1]}`);
  const cgroup = readHostText(root, '/proc/1/cgroup').text;
  const c = cgroup && /(docker|kubepods|lxc|containerd|libpod)/.exec(cgroup);
  if (c) evidence.push(`PID 1 cgroup mentions ${c[1]}`);
  return { detected: evidence.length > 0, evidence };
}

function probeNat(root: string, ipForward: string | undefined): { detected: boolean; evidence: string[] } {
  const strong: string[] = [];
  const weak: string[] = [];
  if (ipForward?.trim() === '1') weak.push('net.ipv4.ip_forward=1');
  let ifaces: string[] = [];
  try {
    ifaces = fs.readdirSync(confinedPath(root, '/sys/class/net', 'follow'));
  } catch {
    /* no sysfs under this root */
  }
  const bridges = ifaces.filter(
    (n) =>
      /^(docker\d|br-|cni|virbr|lxcbr|flannel|cali|veth|podman|kube-bridge)/.test(n) ||
      hostPathExists(root, `/sys/class/net/${n}/bridge`),
  );
  if (bridges.length) weak.push(`container/bridge interfaces: ${bridges.slice(0, 5).join(', ')}`);
  const ct = conntrackSample(root);
  if (ct && ct.split('\n').some(isNattedConntrackLine))
    strong.push('conntrack has NATed entries (/proc/net/nf_conntrack)');
  if (root === '/') {
    const rules = natRulesFromCommands();
    if (rules) strong.push(rules);
  }
  const detected = strong.length > 0 || (weak.length === 2 && ipForward?.trim() === '1');
  return { detected, evidence: [...strong, ...weak] };
}

/** The first 256 KiB of the conntrack table, whole lines only (a NAT gateway's can be huge; a sample is evidence enough). */
function conntrackSample(root: string): string | undefined {
  const limit = 256 * 1024;
  const text = readHostText(root, '/proc/net/nf_conntrack', { limit, truncate: true, encoding: 'latin1' }).text;
  return text === undefined || text.length < limit ? text : text.slice(0, text.lastIndexOf('\n') + 1);
}

function isNattedConntrackLine(line: string): boolean {
  const src = [...line.matchAll(/\bsrc=(\S+)/g)].map((m) => m[1]);
  const dst = [...line.matchAll(/\bdst=(\S+)/g)].map((m) => m[1]);
  // Without NAT the reply tuple mirrors the original one: reply src == original dst and reply dst == original src.
  return src.length >= 2 && dst.length >= 2 && (src[1] !== dst[0] || dst[1] !== src[0]);
}

function natRulesFromCommands(): string | undefined {
  for (const [cmd, args] of [
    ['nft', ['list', 'ruleset']],
    ['iptables-save', ['-t', 'nat']],
  ] as const) {
    const bin = findInPath(cmd);
    if (!bin) continue;
    try {
      // Loaded only when such a program exists: most plans never pay for child_process.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
      const out = execFileSync(bin, [...args], {
        encoding: 'utf8',
        timeout: 3000,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const hit = /\b(masquerade|snat|dnat|MASQUERADE|SNAT|DNAT)\b/.exec(out);
      if (hit) return `${cmd} ${args.join(' ')} shows ${hit[1]} rules`;
    } catch {
      /* not permitted or not supported here: no evidence */
    }
  }
  return undefined;
}

function findInPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

function probeModules(root: string): string[] {
  const text = readHostText(root, '/proc/modules').text ?? '';
  const mods = text
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
  // Built-in "modules" show up as their sysctl trees even when /proc/modules lacks them.
  if (hostPathExists(root, '/proc/sys/net/netfilter') && !mods.includes('nf_conntrack')) mods.push('nf_conntrack');
  if (hostPathExists(root, '/proc/sys/sunrpc') && !mods.includes('sunrpc')) mods.push('sunrpc');
  return mods.sort();
}

/**
 * Listening TCP sockets from /proc/net/tcp and tcp6. Reading either costs a walk of the kernel's whole socket hash
 * (milliseconds even when empty), so both are read at once on the thread pool while the caller does other reads.
 */
export async function probeListeners(root: string): Promise<Listener[]> {
  const tables = await Promise.all(
    (['/proc/net/tcp', '/proc/net/tcp6'] as const).map(async (file, i) => {
      return { file, family: (i === 0 ? 4 : 6) as 4 | 6, bytes: await readTable(root, file) };
    }),
  );
  const out: Listener[] = [];
  for (const { file, family, bytes } of tables) {
    if (!bytes) continue;
    const parser = new TcpTableParser(family, file, (r) => {
      if (r.state !== 10) return;
      const address = family === 4 ? ipv4FromKernel(r.local4) : (hexToAddress(r.localHex, 6) ?? r.localHex);
      out.push({ family, address, port: r.localPort });
    });
    parser.push(bytes);
    parser.end();
  }
  return out;
}

/** Optional evidence: a table that is absent, not a regular file or unreadable gives no listeners. */
async function readTable(root: string, file: string): Promise<Buffer | undefined> {
  try {
    const live = isLiveRoot(root);
    const h = await openRegularAsync(confinedPath(root, file, 'follow'), { follow: live, procfs: live });
    try {
      return await h.readFile();
    } finally {
      await h.close();
    }
  } catch {
    return undefined;
  }
}

function probeMemTotal(root: string): number | null {
  const m = /^MemTotal:\s+(\d+)\s+kB/m.exec(readHostText(root, '/proc/meminfo').text ?? '');
  return m ? Number(m[1]) : null;
}

function probeNofile(root: string): number | null {
  const values: number[] = [];
  const limits = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readHostText(root, '/proc/1/limits').text ?? '');
  if (limits && /^\d+$/.test(limits[2] ?? '')) values.push(Number(limits[2]));
  const sys = /^\s*DefaultLimitNOFILE\s*=\s*(?:\d+:)?(\d+)\s*$/m.exec(
    readHostText(root, '/etc/systemd/system.conf').text ?? '',
  );
  if (sys) values.push(Number(sys[1]));
  return values.length ? Math.max(...values) : null;
}
