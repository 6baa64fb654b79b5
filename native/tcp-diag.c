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
 * Usage: tcp-diag [--states MASK]   MASK (hex or decimal): 1 << state for each state to dump (default all; tune's
 * producer sampling asks for SYN_SENT and ESTABLISHED only, so the kernel skips the rest).
 * Exit: 0 done; 1 write failed (e.g. the reader went away); 3 netlink sock_diag unavailable
 * (no socket, refused request or an error reply): the caller falls back to /proc/net/tcp. Messages go to stderr.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#define RECORD 56
#define ALL_STATES 0x1ffe /* 1 << state for states 1..12 (12: request sockets, shown as SYN_RECV) */

static unsigned char out[1 << 16];
static size_t used;
static unsigned char rx[1 << 16];

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
  return 0;
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
  if (argc == 3 && strcmp(argv[1], "--states") == 0) {
    char *end = NULL;
    unsigned long v = strtoul(argv[2], &end, 0);
    if (!end || *end || v == 0 || (v & ~(unsigned long)ALL_STATES)) {
      fprintf(stderr, "tcp-diag: --states takes a mask of states 1..12, got %s\n", argv[2]);
      return 2;
    }
    states = (unsigned)v;
  } else if (argc != 1) {
    fprintf(stderr, "usage: tcp-diag [--states MASK] (binary records on stdout)\n");
    return 2;
  }
  int rc = dump(AF_INET, states);
  if (rc == 0) rc = dump(AF_INET6, states);
  if (rc == 0 && flush_out() != 0) rc = 1;
  return rc;
}
