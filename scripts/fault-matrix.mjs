#!/usr/bin/env node
// Crash safety under real syscall faults. For each scenario (apply over an earlier apply, rollback of a committed
// apply, recover of an interrupted apply, reset of two) one clean run under `strace -f -y` numbers every syscall of
// tune's main thread that touches /etc/sysctl.d, /var/lib/tune or /proc/sys; then the command runs again once per
// point from the same start, with strace killing it right there (-e inject=SC:signal=KILL:when=N: the call does not
// happen) or failing that one call (error=ENOSPC or EIO on write/fsync, EROFS or EACCES on openat of /proc/sys, EXDEV
// on rename, EACCES on openat of the state directory and /etc/sysctl.d). Then: a kill is followed by `tune recover`,
// an error by `tune recover` when tune asks for it (and a failed recover by another); runtime values and every file
// in /etc/sysctl.d (so also a temporary left behind) must be exactly the old or exactly the new state (an error: the
// old one), `tune history` must say which, an error must be one line on stderr naming the file, and a following
// apply + rollback must work.
//
// Why not -P or --seccomp-bpf (strace 6.1): -P matches exact paths only (not a directory's files, not the ids and
// pids in tune's names), and a signal injected from a seccomp stop is lost. Why no -f in the fault runs: `when=N`
// counts per thread, and libuv's threads make a few openat/write calls of their own that a small N would hit.
// Without -f only the main thread is traced, where tune does all its file I/O (the count run checks that). Node runs
// with --no-short-builtin-calls: otherwise V8 sometimes (depending on where ASLR put its code range) remaps its
// builtins at start-up, two openat calls more, and every later N shifts. A fault that still hits another call than
// the point's is run again at the N its own trace points to (counted in the report as a retry). `read` is not faulted
// here: the event loop's reads of its wake-up fd make read numbers vary (test/e2e/faults/syscall-trace-netns.test.ts
// fails one read with -P instead).
//
// Usage (root; runs its workers in scripts/netns-sandbox; needs `npm run build`):
//   node scripts/fault-matrix.mjs [--kill] [--errors] [--scenario apply,rollback,recover,reset]
//        [--stride apply=1,rollback=2] [--unlocked-stride K] [--follow-up all|distinct] [--alternate-errors]
//        [--jobs N] [--json]
// Without --kill or --errors it runs both, on every scenario. --stride NAME=K runs every K-th point of a scenario
// that comes after the lock is taken, --unlocked-stride K every K-th before it (planning reads: all alike); default
// every point. --follow-up distinct checks history and runs the follow-up apply + rollback once per distinct state
// left (ids, times and pids aside) instead of after every point. --alternate-errors injects one error per call,
// taking turns, instead of each. --jobs N splits the points over N sandboxes. Prints
// a summary (or JSON with --json); exits 1 when any point breaks a check.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'bin', 'tune.cjs');
const SANDBOX = path.join(REPO, 'scripts', 'netns-sandbox');
const SYSCTL_D = '/etc/sysctl.d';
const STATE_DIR = '/var/lib/tune';
const OWNED = '/etc/sysctl.d/99-tune.conf';
const KEYS = ['net.core.somaxconn', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_max_tw_buckets', 'net.ipv4.tcp_tw_reuse'];

const A0 = ['apply', '--set', 'net.core.somaxconn=4500', '--set', 'net.ipv4.tcp_fin_timeout=45', '--yes', '-m', 'A0'];
const A1 = [
  'apply',
  ...['--set', 'net.core.somaxconn=5000', '--set', 'net.ipv4.tcp_fin_timeout=33'],
  ...['--set', 'net.ipv4.tcp_max_tw_buckets=200000', '--yes', '-m', 'A1'],
];
/**
 * Each scenario: the commands that build its starting state, and the command faulted. apply replaces a file, rollback
 * puts an earlier one back, recover removes the file an interrupted apply created, reset undoes two transactions.
 */
const SCENARIOS = {
  apply: { setup: [[A0]], run: A1 },
  rollback: { setup: [[A0], [A1]], run: ['rollback', '--yes'] },
  recover: { setup: [[A1, { TUNE_CRASH_AT: 'file' }]], run: ['recover'] },
  reset: { setup: [[A0], [A1]], run: ['reset', '--yes'] },
};

const KILL_SYSCALLS = [
  'openat',
  'write',
  'pwrite64',
  'fsync',
  'fdatasync',
  'rename',
  'renameat',
  'renameat2',
  'unlink',
  'unlinkat',
  'mkdir',
  'mkdirat',
];
/** The errors injected, by syscall; `proc` applies to /proc/sys paths, `other` to the state dir and /etc/sysctl.d. */
const ERRORS = {
  write: ['ENOSPC', 'EIO'],
  pwrite64: ['ENOSPC', 'EIO'],
  fsync: ['ENOSPC', 'EIO'],
  fdatasync: ['ENOSPC', 'EIO'],
  openat: { proc: ['EROFS', 'EACCES'], other: ['EACCES'] },
  rename: ['EXDEV'],
  renameat: ['EXDEV'],
  renameat2: ['EXDEV'],
};
const TRACED = ['execve', ...KILL_SYSCALLS];
const TUNE_PATH = /["<](\/etc\/sysctl\.d|\/var\/lib\/tune|\/proc\/sys)(?=[/">])[^"<>]*/g;

// ---------------------------------------------------------------------------------------------- options

function parseArgs(argv) {
  const o = {
    kill: false,
    errors: false,
    scenarios: Object.keys(SCENARIOS),
    stride: {},
    unlockedStride: 1,
    followUp: 'all',
    jobs: 1,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kill') o.kill = true;
    else if (a === '--errors') o.errors = true;
    else if (a === '--json') o.json = true;
    else if (a === '--scenario') o.scenarios = argv[++i].split(',');
    else if (a === '--jobs') o.jobs = Math.max(1, Number(argv[++i]));
    else if (a === '--stride')
      for (const part of argv[++i].split(',')) {
        const [k, v] = part.split('=');
        o.stride[k] = Number(v);
      }
    else if (a === '--unlocked-stride') o.unlockedStride = Number(argv[++i]);
    else if (a === '--follow-up') o.followUp = argv[++i];
    else if (a === '--alternate-errors') o.alternateErrors = true;
    else if (a === '--worker') o.worker = argv[++i].split('/').map(Number);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.kill && !o.errors) o.kill = o.errors = true;
  for (const s of o.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s}`);
  return o;
}

// ---------------------------------------------------------------------------------------------- the host

const procPath = (k) => '/proc/sys/' + k.replace(/\./g, '/');
const readValue = (k) => fs.readFileSync(procPath(k), 'utf8').trim().replace(/\s+/g, ' ');

/** Runtime values of KEYS and every entry of /etc/sysctl.d (residue included), byte for byte. */
function hostState() {
  const files = {};
  for (const n of fs.readdirSync(SYSCTL_D).sort())
    files[n] = fs.readFileSync(path.join(SYSCTL_D, n)).toString('base64');
  return { values: Object.fromEntries(KEYS.map((k) => [k, readValue(k)])), files };
}

const sameState = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A directory's contents (relative paths, modes, bytes), to put back exactly. */
function saveTree(dir) {
  const out = [];
  const walk = (rel) => {
    for (const n of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, n);
      const st = fs.lstatSync(path.join(dir, r));
      if (st.isDirectory()) {
        out.push({ rel: r, dir: true, mode: st.mode & 0o7777 });
        walk(r);
      } else out.push({ rel: r, dir: false, mode: st.mode & 0o7777, bytes: fs.readFileSync(path.join(dir, r)) });
    }
  };
  walk('');
  return out;
}

function restoreTree(dir, entries) {
  for (const n of fs.readdirSync(dir)) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  for (const e of entries) {
    const p = path.join(dir, e.rel);
    if (e.dir) fs.mkdirSync(p, { mode: e.mode });
    else fs.writeFileSync(p, e.bytes, { mode: e.mode });
    fs.chmodSync(p, e.mode);
  }
}

/** Everything a scenario starts from: runtime values, /etc/sysctl.d and the state directory. */
function saveHost() {
  return {
    values: Object.fromEntries(KEYS.map((k) => [k, readValue(k)])),
    sysctl: saveTree(SYSCTL_D),
    state: saveTree(STATE_DIR),
  };
}

function restoreHost(h) {
  for (const k of KEYS) fs.writeFileSync(procPath(k), h.values[k]);
  restoreTree(SYSCTL_D, h.sysctl);
  restoreTree(STATE_DIR, h.state);
}

// ---------------------------------------------------------------------------------------------- running tune

const tune = (args, env = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
};

const traceFile = path.join(os.tmpdir(), `fault-matrix-${process.pid}.trace`);

/** Runs tune under strace with `straceArgs`; returns the run and the trace's lines. */
function traced(straceArgs, args) {
  fs.rmSync(traceFile, { force: true });
  const node = [process.execPath, '--no-short-builtin-calls', BIN];
  // A fault that lands on one of libuv's own writes (the signal pipe or wake-up eventfd of flock(1)'s spawn) can leave
  // tune waiting forever for a child it never hears of. strace runs in its own session (setsid), so after 20 s the
  // whole group is SIGKILLed: killing strace alone leaves its tracee running. The run then counts as a miss.
  const r = spawnSync('setsid', ['strace', '-qq', '-y', '-o', traceFile, ...straceArgs, ...node, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
  });
  if (r.error && r.error.code !== 'ETIMEDOUT') throw r.error;
  if (r.error) {
    try {
      process.kill(-r.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const lines = fs.existsSync(traceFile) ? fs.readFileSync(traceFile, 'utf8').split('\n').filter(Boolean) : [];
  return { run: { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }, lines };
}

/** The tune paths a trace line's arguments name (fd annotations and path strings; not the result), in order. */
const tunePaths = (line) => [...line.replace(/\)\s+= .*$/, ')').matchAll(TUNE_PATH)].map((m) => m[0].slice(1));

/** A point's description, stable between runs: ids and pids in names replaced. */
const normalize = (p) => p.replace(/\d{8}T\d{6}Z-\d{6}/g, 'ID').replace(/\.tune-\d+\.tmp/g, '.tune-PID.tmp');

/**
 * Numbers, per syscall, every call of the main thread (the one that execve'd) in a `strace -f` trace and keeps those
 * that touch tune's paths: [{ sc, n, paths, what }]. Also returns tune-path calls made by other threads (none
 * expected: the fault runs trace the main thread only).
 */
function numberCalls(lines) {
  const main = /^(\d+)\s+execve\(/.exec(lines.find((l) => /^\d+\s+execve\(/.test(l)) ?? '')?.[1];
  if (!main) throw new Error('count run: no execve in the trace');
  const counts = {};
  const onPaths = {};
  const points = [];
  const elsewhere = [];
  for (const line of lines) {
    const m = /^(\d+)\s+(\w+)\((.*)$/.exec(line);
    if (!m || m[2] === 'execve') continue;
    const [, pid, sc] = m;
    const paths = tunePaths(line);
    if (pid !== main) {
      if (paths.length) elsewhere.push(line);
      continue;
    }
    counts[sc] = (counts[sc] ?? 0) + 1;
    if (!paths.length) continue;
    onPaths[sc] = (onPaths[sc] ?? 0) + 1;
    points.push({ sc, n: counts[sc], k: onPaths[sc], paths, what: `${sc} ${paths.map(normalize).join(' ')}`, line });
  }
  return { points, elsewhere };
}

// ---------------------------------------------------------------------------------------------- checks

/** Which transactions are in effect, as history tells it: the committed ones with their state, and any interrupted. */
function historySummary() {
  const r = tune(['history', '--json']);
  if (r.status !== 0) return [`history failed: ${r.stderr.trim()}`];
  return JSON.parse(r.stdout)
    .filter((e) => e.committed || e.state === 'interrupted')
    .map((e) => `${e.kind} ${e.message}: ${e.state}`);
}

/** The lock is the kernel's flock: a kill anywhere leaves nothing that blocks (an empty lock file blocks nothing). */
function ageEmptyLock() {}

/** The stderr line names the file the failed call touched (a /proc/sys file may be named by its key). */
function namesFile(line, p) {
  if (line.includes(p)) return true;
  if (p.startsWith('/proc/sys/') && line.includes(p.slice('/proc/sys/'.length).replace(/\//g, '.'))) return true;
  if (/\.tune-\d+\.tmp$/.test(p) && line.includes(OWNED)) return true;
  return line.includes(p + '/'); // a directory, named by a file in it
}

/** The state directory and host with ids, times and pids blanked: two points alike here behave alike from here. */
function fingerprint() {
  const blank = (t) =>
    normalize(t)
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')
      .replace(/"pid":\d+/g, '"pid":P');
  const tree = saveTree(STATE_DIR).map((e) => [blank(e.rel), e.dir ? 'dir' : blank(e.bytes.toString('utf8'))]);
  return blank(JSON.stringify([hostState(), tree]));
}

/**
 * After the fault (and `tune recover`): `tune history` says which state (`where`) is in effect, and a following
 * apply and rollback work, the rollback restoring `state`. Both depend only on the host and the state directory, so
 * with --follow-up distinct they run once per distinct state left (see fingerprint); the others count as skipped.
 */
function checkAfter(s, result, label, state, where) {
  const fp = result.opts.followUp === 'distinct' ? `${s.name} ${fingerprint()}` : null;
  if (fp && result.followed.has(fp)) return result.followUps.skipped++;
  const problem = (why) => result.problems.push(`${label}: ${why}`);
  const hist = historySummary();
  const want = where === 'new' ? s.newHistory : s.oldHistory;
  if (JSON.stringify(hist) !== JSON.stringify(want))
    return problem(`state ${where} but history says ${JSON.stringify(hist)}, want ${JSON.stringify(want)}`);
  result.followUps.run++;
  const a = tune(['apply', '--set', 'net.core.somaxconn=6001', '--yes', '-m', 'follow-up']);
  if (a.status !== 0) return problem(`follow-up apply exit ${a.status}: ${a.stderr.trim()}`);
  if (readValue('net.core.somaxconn') !== '6001') return problem('follow-up apply did not set somaxconn');
  const r = tune(['rollback', '--yes']);
  if (r.status !== 0) return problem(`follow-up rollback exit ${r.status}: ${r.stderr.trim()}`);
  if (!sameState(hostState(), state)) return problem('follow-up rollback did not restore the state');
  if (fp) result.followed.add(fp);
}

function describe(st, s) {
  return sameState(st, s.old) ? 'old' : sameState(st, s.new) ? 'new' : `mixed ${JSON.stringify(st)}`;
}

/**
 * Runs the scenario's command from its start state with `inject` on call N of the point's syscall, and returns the
 * run and the trace line that was hit, or null (a problem is recorded) when 18 runs in a row hit another call. Main-
 * thread call numbers are almost always the same from run to run, not always: the lock is taken through flock(1), and
 * libuv writes to its signal pipe from whichever thread the kernel gives that child's SIGCHLD. When it is the main
 * thread, every later `write` is numbered higher (on a loaded machine that is most runs, so the clean count run can be
 * the odd one out). A miss therefore steers the next run by its own trace (see `steer`); each retry is counted.
 */
const ATTEMPTS = 18;
function faultRun(s, p, inject, label, result) {
  let n = p.n;
  for (let attempt = 1; ; attempt++) {
    restoreHost(s.base);
    const { run, lines } = traced(['-e', `trace=${p.sc}`, '-e', `inject=${p.sc}:${inject}:when=${n}`], s.run);
    const calls = lines.filter((l) => l.startsWith(`${p.sc}(`));
    const hit = inject.startsWith('signal=') ? calls.at(-1) : calls.find((l) => l.includes('(INJECTED)'));
    if (hit && `${p.sc} ${tunePaths(hit).map(normalize).join(' ')}` === p.what) return { run, hit };
    if (attempt === ATTEMPTS) {
      result.problems.push(`${label}: the fault hit another call ${ATTEMPTS} times, last: ${hit}`);
      return null;
    }
    result.retries.push(`${label}: call ${n} hit ${hit}`);
    n = steer(p, calls, hit);
  }
}

/**
 * The call number to fault next, from a missed run's calls (the point's syscall, main thread, in order): where the
 * point's call is in that trace when the run got that far (the tune-path call with the point's description nearest
 * its ordinal `k` among tune-path calls), else past the call that was hit by as many calls as tune-path calls remain
 * before the point's (the calls in between are libuv's own, or more tune-path calls).
 */
function steer(p, calls, hit) {
  const onPath = [];
  calls.forEach((l, i) => {
    const paths = tunePaths(l);
    if (paths.length) onPath.push({ n: i + 1, what: `${p.sc} ${paths.map(normalize).join(' ')}` });
  });
  const same = onPath.map((c, i) => ({ ...c, k: i + 1 })).filter((c) => c.what === p.what);
  const at = hit ? calls.indexOf(hit) + 1 : calls.length;
  const seen = onPath.filter((c) => c.n <= at).length;
  if (same.length && (seen >= p.k || !hit)) {
    same.sort((a, b) => Math.abs(a.k - p.k) - Math.abs(b.k - p.k));
    return same[0].n;
  }
  return at + Math.max(1, p.k - seen);
}

/** One kill point: kill there, recover, then the state is old or new and history says which. */
function killPoint(s, p, result) {
  const label = `${s.name} kill ${p.sc}#${p.n} (${p.what})`;
  const fault = faultRun(s, p, 'signal=KILL', label, result);
  if (!fault) return;
  const { run } = fault;
  if (run.signal !== 'SIGKILL' && run.status !== 137)
    return result.problems.push(`${label}: not killed (exit ${run.status}): ${run.stderr.trim().slice(-300)}`);
  ageEmptyLock(result.known, label);
  const rec = tune(['recover']);
  if (rec.status !== 0) return result.problems.push(`${label}: recover exit ${rec.status}: ${rec.stderr.trim()}`);
  const st = hostState();
  const where = describe(st, s);
  result.outcomes[where.startsWith('mixed') ? 'mixed' : where]++;
  if (s.name === 'recover' ? where !== 'new' : where !== 'old' && where !== 'new')
    return result.problems.push(`${label}: after recover the state is ${where}`);
  checkAfter(s, result, label, st, where);
}

/**
 * The failures tune may survive with exit 0 (and then the new state), each for a reason; null for every other one.
 */
function harmless(s, p) {
  const file = p.paths[0];
  const planned = s.planned.some((k) => file === procPath(k));
  if (!p.locked && file.startsWith('/proc/sys/') && !planned)
    return 'a planning read of a key the plan only consults: the rules see it as unknown';
  if (p.locked && file === SYSCTL_D && /O_NONBLOCK/.test(p.line))
    return 'listing /etc/sysctl.d for stale temporaries: cleanup, best effort';
  if (file === path.join(STATE_DIR, 'lock') && !/O_CREAT/.test(p.line))
    return 'opening the lock to test it (status, history): a flock held by nobody, whatever the file says';
  return null;
}

/** One injected error: exit non-zero, one line naming the file, the old state (recover when tune says so). */
function errorPoint(s, p, err, result) {
  const label = `${s.name} ${err} ${p.sc}#${p.n} (${p.what})`;
  const fault = faultRun(s, p, `error=${err}`, label, result);
  if (!fault) return;
  const { run, hit } = fault;
  const errLines = run.stderr.split('\n').filter(Boolean);
  if (run.status === 0) {
    result.outcomes.exit0++;
    const why = harmless(s, p);
    result.exit0.push(`${label}: ${why ?? 'NOT EXPECTED'}`);
    if (!why) result.problems.push(`${label}: exit 0 after a failed call`);
  } else {
    result.outcomes.failed++;
    if (errLines.length !== 1 || /\n\s+at /.test(run.stderr))
      result.problems.push(`${label}: stderr is not one line: ${JSON.stringify(run.stderr.slice(0, 600))}`);
    else if (!namesFile(errLines[0], tunePaths(hit)[0]))
      result.problems.push(`${label}: stderr does not name ${tunePaths(hit)[0]}: ${errLines[0]}`);
  }
  ageEmptyLock(result.known, label);
  // A recover that fails leaves its transaction interrupted: the person runs it again.
  if (run.status !== 0 && (s.name === 'recover' || /tune recover/.test(run.stderr))) {
    const rec = tune(['recover']);
    if (rec.status !== 0) return result.problems.push(`${label}: recover exit ${rec.status}: ${rec.stderr.trim()}`);
  }
  const st = hostState();
  const where = describe(st, s);
  // A failed recover leaves its transaction interrupted (it said so above and was recovered); apply and rollback
  // leave the old state, unless the failure was harmless and the command succeeded (then the new one).
  const want = s.name === 'recover' || run.status === 0 ? 'new' : 'old';
  if (where !== want) return result.problems.push(`${label}: exit ${run.status}, state ${where}, want ${want}`);
  checkAfter(s, result, label, st, where);
}

// ---------------------------------------------------------------------------------------------- the matrix

/** Builds a scenario's start state, runs it once cleanly under strace -f, and numbers its points. */
function prepare(name, pristine) {
  const def = SCENARIOS[name];
  restoreHost(pristine);
  for (const [args, env] of def.setup) {
    const r = tune(args, env);
    if (r.status !== 0 && !(env?.TUNE_CRASH_AT && r.signal === 'SIGKILL'))
      throw new Error(`${name} setup ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  }
  const base = saveHost();
  const old = hostState();
  const oldHistory = historySummary();
  const { run, lines } = traced(['-f', '-e', `trace=${TRACED.join(',')}`], def.run);
  if (run.status !== 0) throw new Error(`${name} count run: exit ${run.status}: ${run.stderr}`);
  const { points, elsewhere } = numberCalls(lines);
  if (elsewhere.length) throw new Error(`${name}: tune paths touched off the main thread:\n${elsewhere.join('\n')}`);
  const lockAt = points.findIndex(
    (p) => p.sc === 'openat' && p.paths[0] === path.join(STATE_DIR, 'lock') && /O_CREAT/.test(p.line),
  );
  points.forEach((p, i) => (p.locked = lockAt >= 0 && i >= lockAt));
  const planned = [...def.run.join(' ').matchAll(/--set (\S+)=/g)].map((m) => m[1]);
  const s = { name, run: def.run, base, old, new: hostState(), oldHistory, newHistory: historySummary(), points };
  return { ...s, planned };
}

/** The (point, error) pairs of the error matrix. */
function errorCases(points, alternate) {
  const out = [];
  let k = 0;
  for (const p of points) {
    const spec = ERRORS[p.sc];
    if (!spec) continue;
    const errs = Array.isArray(spec) ? spec : p.paths[0].startsWith('/proc/sys/') ? spec.proc : spec.other;
    if (!errs.length) continue;
    // --alternate-errors: one error per call, taking turns (ENOSPC on one write, EIO on the next).
    for (const err of alternate ? [errs[k % errs.length]] : errs) out.push({ p, err });
    k++;
  }
  return out;
}

function runMatrix(o) {
  const pristine = saveHost();
  const report = { scenarios: {}, problems: [], known: [], retries: [] };
  const followed = new Set();
  for (const name of o.scenarios) {
    const s = prepare(name, pristine);
    const stride = o.stride[name] ?? 1;
    const kills = s.points.filter((p) => KILL_SYSCALLS.includes(p.sc));
    const allErrs = errorCases(s.points, false);
    const errs = o.alternateErrors ? errorCases(s.points, true) : allErrs;
    // Every `stride`-th point under the lock, every `unlockedStride`-th before it (planning reads: all alike), and
    // always the last three (the commit record's write and fsync): a subset must see the new state too.
    const pick = (list) => {
      let locked = 0;
      let unlocked = 0;
      return list.filter(
        (x, i) => i >= list.length - 3 || ((x.p ?? x).locked ? locked++ % stride : unlocked++ % o.unlockedStride) === 0,
      );
    };
    const mine = (list) => (o.worker ? list.filter((_, i) => i % o.worker[1] === o.worker[0]) : list);
    const shared = { opts: o, followed, followUps: { run: 0, skipped: 0 } };
    const killResult = {
      ...shared,
      problems: report.problems,
      known: report.known,
      retries: report.retries,
      outcomes: { old: 0, new: 0, mixed: 0 },
    };
    const errResult = {
      ...shared,
      problems: report.problems,
      known: report.known,
      retries: report.retries,
      outcomes: { failed: 0, exit0: 0 },
      exit0: [],
    };
    const bySyscall = (list) =>
      list.reduce((acc, x) => ({ ...acc, [x.sc ?? x.p.sc]: (acc[x.sc ?? x.p.sc] ?? 0) + 1 }), {});
    const started = Date.now();
    if (o.kill) for (const p of mine(pick(kills))) killPoint(s, p, killResult);
    if (o.errors) for (const { p, err } of mine(pick(errs))) errorPoint(s, p, err, errResult);
    report.scenarios[name] = {
      killPoints: kills.length,
      killPointsBySyscall: bySyscall(kills),
      killPointsUnderLock: kills.filter((p) => p.locked).length,
      errorCases: allErrs.length,
      errorCasesBySyscall: bySyscall(allErrs),
      errorCasesUnderLock: allErrs.filter((x) => x.p.locked).length,
      killsRun: o.kill ? mine(pick(kills)).length : 0,
      errorsRun: o.errors ? mine(pick(errs)).length : 0,
      killOutcomes: killResult.outcomes,
      errorOutcomes: errResult.outcomes,
      exit0: errResult.exit0,
      followUps: shared.followUps,
      ms: Date.now() - started,
      points: s.points.map((p) => `${p.sc}#${p.n} ${p.what}`),
    };
  }
  fs.rmSync(traceFile, { force: true });
  return report;
}

/** Runs the workers (each in its own sandbox, so they share no host state) and merges their reports. */
async function runJobs(o, argv) {
  const reports = await Promise.all(
    Array.from({ length: o.jobs }, (_, i) => {
      const args = [fileURLToPath(import.meta.url), ...argv, '--worker', `${i}/${o.jobs}`, '--json'];
      const child = spawn(SANDBOX, [process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      return new Promise((res, rej) =>
        child.on('close', (code) => {
          try {
            res(JSON.parse(out));
          } catch {
            rej(new Error(`worker ${i} exited ${code}: ${out.slice(0, 500)}`));
          }
        }),
      );
    }),
  );
  const merged = { scenarios: {}, problems: [], known: [], retries: [] };
  for (const r of reports) {
    merged.problems.push(...r.problems);
    merged.known.push(...r.known);
    merged.retries.push(...r.retries);
    for (const [name, s] of Object.entries(r.scenarios)) {
      const m = merged.scenarios[name];
      if (!m) {
        merged.scenarios[name] = JSON.parse(JSON.stringify(s));
        continue;
      }
      // Numbers may differ by the signal-pipe write (see faultRun); the calls themselves may not.
      const calls = (points) => points.map((x) => x.replace(/^(\w+)#\d+ /, '$1 '));
      if (JSON.stringify(calls(m.points)) !== JSON.stringify(calls(s.points)))
        merged.problems.push(`${name}: the workers numbered different points`);
      m.killsRun += s.killsRun;
      m.errorsRun += s.errorsRun;
      m.ms = Math.max(m.ms, s.ms);
      m.exit0.push(...s.exit0);
      m.followUps.run += s.followUps.run;
      m.followUps.skipped += s.followUps.skipped;
      for (const k of Object.keys(m.killOutcomes)) m.killOutcomes[k] += s.killOutcomes[k];
      for (const k of Object.keys(m.errorOutcomes)) m.errorOutcomes[k] += s.errorOutcomes[k];
    }
  }
  return merged;
}

function printSummary(report, ms) {
  for (const [name, s] of Object.entries(report.scenarios))
    console.log(
      `${name}: ${s.killPoints} kill points ${JSON.stringify(s.killPointsBySyscall)}, ran ${s.killsRun} ` +
        `(after recover: ${s.killOutcomes.old} old, ${s.killOutcomes.new} new, ${s.killOutcomes.mixed} mixed); ` +
        `${s.errorCases} error cases ${JSON.stringify(s.errorCasesBySyscall)}, ran ${s.errorsRun} ` +
        `(${s.errorOutcomes.failed} failed, ${s.errorOutcomes.exit0} exit 0); ` +
        `follow-ups ${s.followUps.run} run, ${s.followUps.skipped} skipped (same state); ${(s.ms / 1000).toFixed(1)} s`,
    );
  for (const s of Object.values(report.scenarios)) for (const l of s.exit0) console.log(`exit 0: ${l}`);
  for (const k of report.known) console.log(`known: ${k}`);
  for (const r of report.retries) console.log(`retried: ${r}`);
  for (const p of report.problems) console.log(`PROBLEM: ${p}`);
  console.log(`${report.problems.length} problem(s) in ${(ms / 1000).toFixed(1)} s`);
}

const argv = process.argv.slice(2);
const opts = parseArgs(argv);
const outer = process.env.NETNS_SANDBOX_OUTER;
const sandboxed = !!outer && fs.readlinkSync('/proc/self/ns/net') !== outer;
const started = Date.now();
let report;
if (opts.jobs > 1 && !opts.worker) report = await runJobs(opts, argv);
else if (!sandboxed) {
  const r = spawnSync(SANDBOX, [process.execPath, fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
} else report = runMatrix(opts);
if (opts.json) process.stdout.write(JSON.stringify({ ...report, ms: Date.now() - started }) + '\n');
else printSummary(report, Date.now() - started);
process.exit(report.problems.length ? 1 : 0);
