/*
 * tcp-diag: dumps every TCP socket of the caller's network namespace through netlink sock_diag (what `ss` uses) and
 * writes one fixed 56-byte binary record per socket to stdout, IPv4 table first, then IPv6, each in the kernel's dump
 * order (listeners first, then the established hash), the order /proc/net/tcp{,6} lists them in.
 *
 * Why: /proc/net/tcp formats ~150 bytes of hex text per socket with vsnprintf inside read(), 4 KiB per call; the
 * netlink dump hands over binary structs and costs the kernel about a quarter of that (see bench/diagnose-storm.mjs).
 * It only transports: every decision stays in tune's TypeScript (src/system/socket-diag.ts decodes the records).
 *
 * Record, little-endian whatever the host:
 *   0 u8 family (4 or 6)   1 u8 state (kernel code; request sockets are reported as SYN_RECV)   2 u16 zero
 *   4 u16 local port       6 u16 remote port
 *   8 u8[16] local address, 24 u8[16] remote address (network byte order; IPv4 in the first 4 bytes)
 *  40 u32 receive queue   44 u32 send queue (for LISTEN: accept queue and its limit)   48 u32 uid   52 u32 inode
 *
 * Usage: tcp-diag [--states MASK] [--owners] [--dst F:HEX:PORT]... [--sample MS]
 *   --states MASK (hex or decimal): 1 << state for each state to dump (default all; tune's producer sampling asks for
 *   SYN_SENT and ESTABLISHED only, so the kernel skips the rest).
 *   --owners: after the sockets, one owner record per (socket, process holding it) found in /proc/PID/fd links, read
 *   right after the dump (for CLOSE_WAIT and listening sockets; with --sample for every socket emitted): a scan in
 *   C costs a few milliseconds where one in JavaScript costs a hundred, and short-lived connections are gone by the
 *   time a second process could look. Owner record:
 *   0 u8 0xff   1..3 zero   4 u32 pid   8..51 zero   52 u32 inode.
 *   Then, when some processes' fd directories could not be read (an ordinary user cannot read other users'), one
 *   unreadable record, so the caller can say that owners may be missing rather than imply there are none:
 *   0 u8 0xfd   1..3 zero   4 u32 how many processes   8..55 zero.
 *   --dst F:HEX:PORT (repeatable, at most 8): only sockets to these remote endpoints (F 4 or 6, HEX the address
 *   bytes in network order, 8 or 32 hex digits).
 *   --sample MS: repeat (dump, then --owners scan) for MS milliseconds, 1 ms apart, ending each round with a mark
 *   record (0 u8 0xfe, rest zero). A connection that lives a millisecond is caught only when its owner is looked up
 *   at once, which a second process spawned per round could not do.
 * Exit: 0 done; 1 write failed (e.g. the reader went away); 3 netlink sock_diag unavailable
 * (no socket, refused request or an error reply): the caller falls back to /proc/net/tcp. Messages go to stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#define RECORD 56
#define ALL_STATES 0x1ffe /* 1 << state for states 1..12 (12: request sockets, shown as SYN_RECV) */

static unsigned char out[1 << 16];
static size_t used;
static unsigned char rx[1 << 16];

/* Inodes of the dumped sockets, for --owners (sorted before the scan). */
static uint32_t *inodes;
static size_t n_inodes, cap_inodes;
static int want_owners;
static long sample_rounds; /* rounds done so far in --sample mode (0 otherwise) */
static uint32_t unreadable; /* processes whose fd directory could not be read (not counting ones that exited) */

static void keep_inode(uint32_t ino) {
  if (!want_owners || ino == 0) return;
  if (n_inodes == cap_inodes) {
    size_t cap = cap_inodes ? cap_inodes * 2 : 1024;
    uint32_t *grown = realloc(inodes, cap * sizeof *grown);
    if (!grown) return; /* out of memory: fewer owners, not a failure */
    inodes = grown;
    cap_inodes = cap;
  }
  inodes[n_inodes++] = ino;
}

struct dst {
  int family;
  unsigned char addr[16];
  unsigned port;
};
static struct dst dsts[8];
static int n_dsts;

static int wanted(const struct inet_diag_msg *m, int family) {
  if (!n_dsts) return 1;
  for (int i = 0; i < n_dsts; i++) {
    const struct dst *d = &dsts[i];
    if ((d->family == 4) != (family == AF_INET) || d->port != ntohs(m->id.idiag_dport)) continue;
    if (memcmp(d->addr, m->id.idiag_dst, family == AF_INET ? 4 : 16) == 0) return 1;
  }
  return 0;
}

/* F:HEX:PORT -> dsts[n_dsts++]; 0 ok, -1 malformed. */
static int parse_dst(const char *arg) {
  if (n_dsts == 8) return -1;
  struct dst *d = &dsts[n_dsts];
  memset(d, 0, sizeof *d);
  if ((arg[0] != '4' && arg[0] != '6') || arg[1] != ':') return -1;
  d->family = arg[0] - '0';
  size_t len = d->family == 4 ? 4 : 16;
  const char *h = arg + 2;
  for (size_t i = 0; i < len; i++) {
    unsigned v;
    if (sscanf(h + 2 * i, "%2x", &v) != 1) return -1;
    d->addr[i] = (unsigned char)v;
  }
  if (h[2 * len] != ':') return -1;
  char *end;
  unsigned long port = strtoul(h + 2 * len + 1, &end, 10);
  if (*end || port == 0 || port > 65535) return -1;
  d->port = (unsigned)port;
  n_dsts++;
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int flush_out(void) {
  size_t off = 0;
  while (off < used) {
    ssize_t n = write(1, out + off, used - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    off += (size_t)n;
  }
  used = 0;
  return 0;
}

static void le16(unsigned char *p, uint32_t v) {
  p[0] = v & 255;
  p[1] = (v >> 8) & 255;
}

static void le32(unsigned char *p, uint32_t v) {
  le16(p, v);
  le16(p + 2, v >> 16);
}

static int emit(const struct inet_diag_msg *m, int family) {
  if (!wanted(m, family)) return 0;
  if (used + RECORD > sizeof out && flush_out() != 0) return -1;
  unsigned char *r = out + used;
  memset(r, 0, RECORD);
  r[0] = family == AF_INET ? 4 : 6;
  r[1] = m->idiag_state;
  le16(r + 4, ntohs(m->id.idiag_sport));
  le16(r + 6, ntohs(m->id.idiag_dport));
  memcpy(r + 8, m->id.idiag_src, family == AF_INET ? 4 : 16);
  memcpy(r + 24, m->id.idiag_dst, family == AF_INET ? 4 : 16);
  le32(r + 40, m->idiag_rqueue);
  le32(r + 44, m->idiag_wqueue);
  le32(r + 48, m->idiag_uid);
  le32(r + 52, m->idiag_inode);
  used += RECORD;
  /* A plain dump names the owners diagnose reports (CLOSE_WAIT, listeners); sampling names every socket it emits. */
  if (sample_rounds || m->idiag_state == 8 || m->idiag_state == 10) keep_inode(m->idiag_inode);
  return 0;
}

static int emit_owner(uint32_t pid, uint32_t ino) {
  if (used + RECORD > sizeof out && flush_out() != 0) return -1;
  unsigned char *r = out + used;
  memset(r, 0, RECORD);
  r[0] = pid || ino ? 0xff : 0xfe;
  le32(r + 4, pid);
  le32(r + 52, ino);
  used += RECORD;
  return 0;
}

/* A record of its own kind with one number (the unreadable count); 0 done, 1 write failed. */
static int emit_special(unsigned char kind, uint32_t value) {
  if (used + RECORD > sizeof out && flush_out() != 0) return 1;
  unsigned char *r = out + used;
  memset(r, 0, RECORD);
  r[0] = kind;
  le32(r + 4, value);
  used += RECORD;
  return 0;
}

/*
 * Processes whose sockets change between rounds (a producer opens and closes them all the time) are looked at first,
 * right after the dump, while its short connections still exist; the full scan follows.
 */
#define HOT 32
#define SUMS 4096
static unsigned long hot[HOT];
static int n_hot;
static uint32_t last_sum[SUMS];

static void mark_hot(unsigned long pid) {
  for (int i = 0; i < n_hot; i++)
    if (hot[i] == pid) return;
  if (n_hot < HOT) hot[n_hot++] = pid;
  else {
    memmove(hot, hot + 1, (HOT - 1) * sizeof *hot);
    hot[HOT - 1] = pid;
  }
}

/* Emits owner records for one process; 0 done, 1 write failed. */
static int scan_pid(unsigned long pid, int full) {
  char path[64], link[64];
  snprintf(path, sizeof path, "/proc/%lu/fd", pid);
  DIR *fds = opendir(path);
  if (!fds) {
    if (errno != ENOENT && errno != ESRCH) unreadable++;
    return 0;
  }
  struct dirent *f;
  uint32_t sum = 0;
  int rc = 0;
  while (rc == 0 && (f = readdir(fds))) {
    if (f->d_name[0] == '.') continue;
    ssize_t n = readlinkat(dirfd(fds), f->d_name, link, sizeof link - 1);
    if (n < 9 || memcmp(link, "socket:[", 8) != 0) continue;
    link[n] = 0;
    uint32_t ino = (uint32_t)strtoul(link + 8, NULL, 10);
    sum += ino * 2654435761u;
    if (bsearch(&ino, inodes, n_inodes, sizeof *inodes, cmp_u32) && emit_owner((uint32_t)pid, ino) != 0) rc = 1;
  }
  closedir(fds);
  if (full && sample_rounds) {
    if (sample_rounds > 1 && last_sum[pid % SUMS] != sum && sum != 0) mark_hot(pid);
    last_sum[pid % SUMS] = sum;
  }
  return rc;
}

/* 0 done, 1 write failed. Processes that vanish or cannot be read are skipped. */
static int scan_owners(void) {
  int rc = 0;
  if (n_inodes) {
    qsort(inodes, n_inodes, sizeof *inodes, cmp_u32);
    for (int i = 0; rc == 0 && i < n_hot; i++) rc = scan_pid(hot[i], 0);
  }
  /* In sampling mode every round scans all processes, to notice the ones whose sockets churn. */
  if (rc == 0 && (n_inodes || sample_rounds)) {
    DIR *proc = opendir("/proc");
    struct dirent *p;
    while (proc && rc == 0 && (p = readdir(proc))) {
      char *end;
      unsigned long pid = strtoul(p->d_name, &end, 10);
      if (*end || end == p->d_name) continue;
      int is_hot = 0;
      for (int i = 0; i < n_hot; i++) is_hot |= hot[i] == pid;
      if (!is_hot || !n_inodes) rc = scan_pid(pid, 1);
    }
    if (proc) closedir(proc);
  }
  n_inodes = 0;
  if (rc == 0 && unreadable && !sample_rounds) rc = emit_special(0xfd, unreadable);
  unreadable = 0;
  return rc;
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* 0 done, 1 write failed, 3 netlink unavailable or refused. */
static int dump(int family, unsigned states) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) {
    fprintf(stderr, "tcp-diag: netlink sock_diag socket: %s\n", strerror(errno));
    return 3;
  }
  struct {
    struct nlmsghdr h;
    struct inet_diag_req_v2 r;
  } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  req.r.sdiag_family = family;
  req.r.sdiag_protocol = IPPROTO_TCP;
  req.r.idiag_states = states;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
    fprintf(stderr, "tcp-diag: netlink request: %s\n", strerror(errno));
    close(fd);
    return 3;
  }
  for (;;) {
    ssize_t n = recv(fd, rx, sizeof rx, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fprintf(stderr, "tcp-diag: netlink receive: %s\n", n < 0 ? strerror(errno) : "connection closed");
      close(fd);
      return 3;
    }
    int len = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)rx; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        close(fd);
        return 0;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        const struct nlmsgerr *e = NLMSG_DATA(h);
        fprintf(stderr, "tcp-diag: kernel refused the dump: %s\n", strerror(-e->error));
        close(fd);
        return 3;
      }
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) continue;
      if (emit(NLMSG_DATA(h), family) != 0) {
        close(fd);
        return 1;
      }
    }
  }
}

int main(int argc, char **argv) {
  unsigned states = ALL_STATES;
  long sample_ms = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--states") == 0 && i + 1 < argc) {
      char *end = NULL;
      unsigned long v = strtoul(argv[++i], &end, 0);
      if (!end || *end || v == 0 || (v & ~(unsigned long)ALL_STATES)) {
        fprintf(stderr, "tcp-diag: --states takes a mask of states 1..12, got %s\n", argv[i]);
        return 2;
      }
      states = (unsigned)v;
    } else if (strcmp(argv[i], "--owners") == 0) {
      want_owners = 1;
    } else if (strcmp(argv[i], "--dst") == 0 && i + 1 < argc) {
      if (parse_dst(argv[++i]) != 0) {
        fprintf(stderr, "tcp-diag: --dst takes F:HEX:PORT (at most 8), got %s\n", argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc) {
      char *end = NULL;
      sample_ms = strtol(argv[++i], &end, 10);
      if (!end || *end || sample_ms < 1 || sample_ms > 3600000) {
        fprintf(stderr, "tcp-diag: --sample takes milliseconds from 1 to 3600000, got %s\n", argv[i]);
        return 2;
      }
      want_owners = 1;
    } else {
      fprintf(stderr, "usage: tcp-diag [--states MASK] [--owners] [--dst F:HEX:PORT]... [--sample MS] (binary records on stdout)\n");
      return 2;
    }
  }
  int rc = 0;
  long long deadline = now_ms() + sample_ms;
  if (sample_ms) sample_rounds = 1;
  for (long round = 0; rc == 0; round++) {
    rc = dump(AF_INET, states);
    if (rc == 0) rc = dump(AF_INET6, states);
    if (sample_ms) sample_rounds = round + 1;
    if (rc == 0) rc = scan_owners();
    if (!sample_ms) break;
    if (rc == 0 && emit_owner(0, 0) != 0) rc = 1;
    if (now_ms() >= deadline || round >= 100000) break;
    usleep(1000);
  }
  if (rc == 0 && flush_out() != 0) rc = 1;
  return rc;
}
