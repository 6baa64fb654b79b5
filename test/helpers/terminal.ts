// A real terminal for the interactive tests: a private tmux server runs a shell script inside the sandbox (its own
// network namespace and mounts); the test reads the screen, types keys, and acts inside the same namespace.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SANDBOX } from './repo.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Terminal {
  /** Everything the terminal showed so far (scrollback included, wrapped lines joined). */
  screen(): string;
  /** The visible screen only (no scrollback), one string per row. */
  visible(): string[];
  /** Lines in the pane's scrollback (tmux history_size). */
  historySize(): number;
  /** Waits (bounded) until the text after the `from`-th character of the screen matches. */
  waitFor(re: RegExp, opts?: { timeoutMs?: number; from?: number }): Promise<string>;
  /** Types keys (tmux key names: Enter, Space, Down, C-c, or literal text). */
  keys(...keys: string[]): Promise<void>;
  /** Runs a shell command inside the sandbox's network and mount namespaces. */
  inside(command: string): string;
  /** The pid of the first process inside the sandbox whose command line contains `text`. */
  pidOf(text: string): number | null;
}

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Runs `script` (bash) in the sandbox on a 300x60 terminal (or `size`) and gives `fn` the terminal; always cleans up. */
export async function withTerminal(
  script: string,
  fn: (t: Terminal) => Promise<void>,
  size: { columns: number; rows: number } = { columns: 300, rows: 60 },
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-tty-'));
  const conf = path.join(dir, 'tmux.conf');
  fs.writeFileSync(conf, 'set -g history-limit 50000\n');
  const file = path.join(dir, 'script.sh');
  fs.writeFileSync(file, `${script}\nsleep 120\n`);
  const socket = `tune-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const started = spawnSync(
    'tmux',
    [
      '-L',
      socket,
      '-f',
      conf,
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      `${SANDBOX} bash ${file}`,
    ],
    {
      encoding: 'utf8',
    },
  );
  if (started.status !== 0) throw new Error(`tmux did not start: ${started.stderr}`);
  const panePid = Number(tmux('display-message', '-p', '-t', 'main', '#{pane_pid}').stdout.trim());
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'main', '-S', '-50000').stdout;
  const term: Terminal = {
    screen,
    visible: () => tmux('capture-pane', '-p', '-t', 'main').stdout.replace(/\n$/, '').split('\n'),
    historySize: () => Number(tmux('display-message', '-p', '-t', 'main', '#{history_size}').stdout.trim()),
    async waitFor(re, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
      for (;;) {
        const s = screen().slice(opts.from ?? 0);
        if (re.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; screen:\n${screen()}`);
        await sleep(100);
      }
    },
    async keys(...keys) {
      for (const k of keys) {
        tmux('send-keys', '-t', 'main', k);
        await sleep(150);
      }
    },
    inside(command) {
      const r = spawnSync('nsenter', ['-t', String(panePid), '-n', '-m', 'sh', '-c', command], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`inside the sandbox: ${command}: ${r.stderr}`);
      return r.stdout;
    },
    pidOf(text) {
      const ours = fs.readlinkSync(`/proc/${panePid}/ns/net`);
      for (const p of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
        try {
          if (fs.readlinkSync(`/proc/${p}/ns/net`) !== ours) continue;
          if (fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').includes(text)) return Number(p);
        } catch {
          /* gone */
        }
      }
      return null;
    },
  };
  try {
    await fn(term);
  } finally {
    tmux('kill-server');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits (bounded) until process `pid` is stopped (SIGSTOP): its state in /proc/PID/stat is T. */
export async function waitStopped(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) T /.test(stat)) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop: ${stat}`);
    await sleep(50);
  }
}

/**
 * The last unified diff the screen showed under `Changes to FILE:` as a patch (empty string when the last review
 * said the file is already up to date). Hunk headers give the line counts, so blank context lines whose trailing
 * space the terminal dropped are restored.
 */
export function lastShownDiff(screen: string, file: string): string {
  const lines = screen.split('\n');
  const header = `Changes to ${file}:`;
  const upToDate = `${file} is already up to date.`;
  let at = -1;
  for (let i = lines.length - 1; i >= 0; i--)
    if (lines[i] === header || lines[i] === upToDate) {
      at = i;
      break;
    }
  if (at === -1) throw new Error(`no diff of ${file} on the screen`);
  if (lines[at] === upToDate) return '';
  const out: string[] = [];
  let i = at + 1;
  for (; i < lines.length && !lines[i]?.startsWith('@@'); i++) out.push(lines[i] ?? '');
  while (i < lines.length && lines[i]?.startsWith('@@')) {
    const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(lines[i] ?? '');
    if (!m) throw new Error(`bad hunk header: ${lines[i]}`);
    out.push(lines[i] ?? '');
    let old = Number(m[1] ?? 1);
    let neu = Number(m[2] ?? 1);
    for (i++; old > 0 || neu > 0; i++) {
      const l = lines[i] === '' ? ' ' : (lines[i] ?? ' ');
      out.push(l);
      if (l.startsWith('-')) old--;
      else if (l.startsWith('+')) neu--;
      else {
        old--;
        neu--;
      }
    }
  }
  return out.join('\n') + '\n';
}
