// vm.*: memory management, all host-wide. Facts: Documentation/admin-guide/sysctl/vm.rst, values read on 6.18.
import { DOC, INT_MAX, hostKeys, int, nonNeg, positive, type KeySpec } from './spec.js';

const doc = DOC.vm;
const vm = hostKeys('vm', doc);

export const VM_KEYS: KeySpec[] = [
  vm(
    'swappiness',
    int(0, 200),
    '60',
    'How eagerly reclaim swaps anonymous memory rather than dropping page cache (0-200; 100 weighs them equally).',
  ),
  vm(
    'dirty_ratio',
    int(0, 100),
    '20',
    'Percent of available memory that may be dirty before writing processes are made to write back themselves. Setting dirty_bytes zeroes it.',
  ),
  vm(
    'dirty_background_ratio',
    int(0, 100),
    '10',
    'Percent of available memory that may be dirty before background writeback starts. Setting dirty_background_bytes zeroes it.',
  ),
  vm(
    'dirty_bytes',
    nonNeg,
    '0',
    'The dirty_ratio limit in bytes instead (0: use the ratio); the two are exclusive, the last one written wins.',
    { unit: 'bytes' },
  ),
  vm('dirty_background_bytes', nonNeg, '0', 'The dirty_background_ratio limit in bytes instead (0: use the ratio).', {
    unit: 'bytes',
  }),
  vm('dirty_expire_centisecs', nonNeg, '3000', 'Age after which dirty data is written back by the next flusher run.', {
    unit: 'cs',
  }),
  vm('dirty_writeback_centisecs', nonNeg, '500', 'Interval of the flusher threads (0 turns periodic writeback off).', {
    unit: 'cs',
  }),
  vm(
    'min_free_kbytes',
    positive,
    undefined,
    'Memory reclaim keeps free for atomic allocations; too high and the system starts reclaiming (or OOM-killing) early.',
    {
      unit: 'KiB',
      computed:
        'sqrt(low memory in KiB x 16), clamped to 128..262144, raised further when transparent huge pages are enabled',
    },
  ),
  vm(
    'max_map_count',
    int(0, INT_MAX),
    '65530',
    'Memory mappings one process may have; Elasticsearch, databases and JVMs with many mapped files raise it.',
  ),
  vm(
    'overcommit_memory',
    int(0, 2),
    '0',
    'Overcommit policy: 0 heuristic, 1 always allow, 2 never commit more than swap + overcommit_ratio of RAM.',
  ),
  vm('overcommit_ratio', nonNeg, '50', 'Percent of RAM counted towards the commit limit when overcommit_memory is 2.', {
    unit: '%',
  }),
  vm('vfs_cache_pressure', nonNeg, '100', 'How eagerly reclaim drops dentry and inode caches relative to page cache.'),
  vm(
    'zone_reclaim_mode',
    int(0, 7),
    '0',
    'Reclaims memory on the local NUMA node before allocating on another (bitmask); 0 lets allocations go remote.',
  ),
  vm(
    'laptop_mode',
    nonNeg,
    '0',
    'Delays writeback to keep disks spun down; the value is the seconds to wait after disk activity.',
    { unit: 's' },
  ),
  vm(
    'stat_interval',
    positive,
    '1',
    'Interval at which per-CPU VM statistics are folded (less jitter on isolated CPUs when raised).',
    { unit: 's' },
  ),
  vm(
    'nr_hugepages',
    nonNeg,
    '0',
    'Size of the persistent pool of default-size huge pages; allocating it at runtime may fall short on fragmented memory.',
    { unit: 'pages' },
  ),
  vm(
    'watermark_scale_factor',
    int(1, 3000),
    '10',
    'Distance between zone watermarks in 1/10000 of memory: how early kswapd starts and how far it reclaims.',
    { since: '4.6' },
  ),
  vm(
    'panic_on_oom',
    int(0, 2),
    '0',
    'Panics instead of running the OOM killer (1: unless a cpuset or mempolicy limited the allocation, 2: always).',
  ),
];
