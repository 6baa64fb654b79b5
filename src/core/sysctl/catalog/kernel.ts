// kernel.*: process and IPC limits, scheduler, watchdogs and hardening switches. Facts:
// Documentation/admin-guide/sysctl/kernel.rst, values read on 6.18. System V IPC limits are per IPC namespace.
import { DOC, INT_MAX, bool, hostKeys, int, ints, nonNeg, positive, type KeySpec } from './spec.js';

const doc = DOC.kernel;
const k = hostKeys('kernel', doc);
const ulong = { kind: 'ulong' } as const;
const ipc = { scope: 'ipcns' } as const;
/** CFS tunables that 5.13 moved to debugfs (/sys/kernel/debug/sched/): old tuned profiles and lists still set them. */
const cfs = (key: string, dflt: string, about: string): KeySpec =>
  k(key, positive, dflt, `${about} 5.13 moved it to debugfs (/sys/kernel/debug/sched/): the sysctl is gone.`, {
    unit: 'ns',
    removedIn: '5.13',
  });

export const KERNEL_KEYS: KeySpec[] = [
  k(
    'pid_max',
    int(301, 4194304),
    undefined,
    'Highest PID (and thread ID) before numbers wrap; also a cap on the number of tasks. Per PID namespace since 6.14 (host-wide before).',
    {
      computed: 'max(32768, 1024 x possible CPUs), at most 4194304 (systemd raises it to 4194304 in 50-pid-max.conf)',
    },
  ),
  k('threads-max', int(20, 0x3fffffff), undefined, 'Host-wide cap on threads (fork() fails with EAGAIN past it).', {
    computed: 'memory / (8 x thread stack size): MemTotal in KiB / 128 with 16 KiB stacks',
  }),
  k(
    'sem',
    ints(4, 0, INT_MAX),
    '32000 1024000000 500 32000',
    'System V semaphore limits: per-set semaphores (SEMMSL), total (SEMMNS), operations per semop (SEMOPM), sets (SEMMNI).',
    ipc,
  ),
  k(
    'shmmax',
    ulong,
    '18446744073692774399',
    'Largest System V shared memory segment, in bytes (default: practically unlimited).',
    { ...ipc, unit: 'bytes' },
  ),
  k(
    'shmall',
    ulong,
    '18446744073692774399',
    'Total System V shared memory, in pages (default: practically unlimited).',
    { ...ipc, unit: 'pages' },
  ),
  k('shmmni', int(1, 32768), '4096', 'Number of System V shared memory segments.', ipc),
  k('msgmax', int(0, INT_MAX), '8192', 'Largest System V message, in bytes.', { ...ipc, unit: 'bytes' }),
  k('msgmnb', int(0, INT_MAX), '16384', 'Bytes one System V message queue may hold.', { ...ipc, unit: 'bytes' }),
  k('msgmni', int(0, 32768), '32000', 'Number of System V message queues.', ipc),
  k(
    'numa_balancing',
    int(0, 3),
    undefined,
    'Automatic NUMA balancing: migrates tasks and memory towards each other by sampling page faults (1 on, 2 memory tiering, 0 off).',
    {
      since: '3.8',
      computed: '1 on NUMA machines with CONFIG_NUMA_BALANCING_DEFAULT_ENABLED, else 0',
    },
  ),
  k(
    'sched_autogroup_enabled',
    bool,
    '1',
    'Groups tasks by session so a desktop stays responsive under a parallel build; no effect on services in their own cgroups.',
  ),
  k(
    'sched_rt_runtime_us',
    int(-1, INT_MAX),
    '950000',
    'Microseconds per sched_rt_period_us real-time tasks may run (-1: no limit, which lets a runaway RT task starve the CPU).',
    { unit: 'us' },
  ),
  k('sched_rt_period_us', positive, '1000000', 'Period over which sched_rt_runtime_us is enforced.', { unit: 'us' }),
  cfs(
    'sched_migration_cost_ns',
    '500000',
    'How recently a task ran before the scheduler considers it cache-hot and avoids migrating it.',
  ),
  cfs('sched_min_granularity_ns', '750000', 'Minimum time slice of a CFS task (scaled by CPU count).'),
  cfs(
    'sched_wakeup_granularity_ns',
    '1000000',
    'How much more a waking task must deserve the CPU before it preempts the running one.',
  ),
  cfs('sched_latency_ns', '6000000', 'Target period in which every runnable CFS task runs once.'),
  k(
    'hung_task_timeout_secs',
    nonNeg,
    '120',
    'Seconds a task may stay in uninterruptible sleep before a "blocked for more than" warning (0: never).',
    { unit: 's' },
  ),
  k(
    'nmi_watchdog',
    bool,
    undefined,
    'Hard lockup detector; read-only where the machine has no NMI watchdog (most VMs).',
    {
      computed: '1 when the hardware supports it, unless nmi_watchdog=0 on the command line',
    },
  ),
  k(
    'panic_on_oops',
    bool,
    '0',
    'Panics on an oops instead of killing the offending task (with kernel.panic, the machine reboots).',
  ),
  k('panic', int(-1, INT_MAX), '0', 'Seconds after a panic before rebooting (0: hang, negative: reboot at once).', {
    unit: 's',
    computed: 'CONFIG_PANIC_TIMEOUT or the panic= command line option, else 0',
  }),
  k(
    'printk',
    ints(4, 0, 15),
    undefined,
    'Console log levels: current, default for messages without one, minimum, boot-time default.',
    {
      computed:
        'from CONFIG_CONSOLE_LOGLEVEL_DEFAULT and the quiet/loglevel= command line options (e.g. "7 4 1 7", "4 4 1 7" with quiet)',
    },
  ),
  k(
    'timer_migration',
    bool,
    '1',
    'Lets timers move from idle CPUs to busy ones; 0 keeps them where they were armed (latency tuning).',
  ),
  k(
    'sysrq',
    int(0, 511),
    undefined,
    'Magic SysRq functions allowed from the keyboard (bitmask, 1 all); absent without CONFIG_MAGIC_SYSRQ.',
    {
      computed: 'CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE',
    },
  ),
  k(
    'kptr_restrict',
    int(0, 2),
    '0',
    'Hides kernel addresses in /proc and logs: 1 from users without CAP_SYSLOG, 2 from everyone.',
  ),
  k('dmesg_restrict', bool, undefined, 'Restricts reading the kernel log to CAP_SYSLOG.', {
    computed: 'CONFIG_SECURITY_DMESG_RESTRICT',
  }),
  k(
    'randomize_va_space',
    int(0, 2),
    '2',
    'Address space layout randomisation: 0 off, 1 stack/mmap/vdso, 2 also the heap.',
  ),
  k(
    'perf_event_paranoid',
    int(-1, 4),
    '2',
    'What unprivileged users may profile with perf: 2 their own user space only, higher less, -1 everything.',
    {
      since: '2.6.31',
    },
  ),
];
