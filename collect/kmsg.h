/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmsg.h - high-order allocation failures from the kernel log.
 *
 * warn_alloc() (mm/page_alloc.c) prints
 *   "<comm>: page allocation failure: order:<N>, mode:0x...(...), ..."
 * for every failed allocation without __GFP_NOWARN. This reader counts
 * them per order and per process name from /dev/kmsg records
 * (Documentation/ABI/testing/dev-kmsg):
 *   "<prio>,<seq>,<ts_usec>,<flags>[,...];<message>\n"
 * followed by optional dictionary lines that start with a space. Flag 'c'
 * marks a continuation fragment, '-' a record of its own. Only kernel
 * messages (facility 0) are counted, so user space writing to /dev/kmsg
 * cannot forge a failure. The parser is pure; mfd_kmsg_drain() reads.
 */
#ifndef MFD_KMSG_H
#define MFD_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MFD_KMSG_MAX_ORDERS 16 /* larger orders fold into the last */
#define MFD_KMSG_MAX_PROCS 32 /* (comm, order) pairs kept */
#define MFD_KMSG_COMM_LEN 16

struct mfd_kmsg_record {
	unsigned int facility; /* prio >> 3; 0 is the kernel */
	unsigned int level; /* prio & 7 */
	uint64_t seq; /* sequence number */
	uint64_t ts_usec; /* CLOCK_MONOTONIC µs */
	bool cont; /* flags 'c': continuation fragment */
	const char *msg; /* message text, not NUL-terminated, escaped */
	size_t msg_len;
};

struct mfd_allocfail_stats {
	uint64_t by_order[MFD_KMSG_MAX_ORDERS]; /* failures per order */
	unsigned int nr_procs; /* valid procs[] */
	struct {
		char comm[MFD_KMSG_COMM_LEN]; /* task name as printed */
		uint32_t order;
		uint64_t count;
	} procs[MFD_KMSG_MAX_PROCS];
	uint64_t procs_overflow; /* failures whose pair found no slot */
	uint64_t records; /* records parsed */
	uint64_t malformed; /* records that did not parse (dropped) */
	uint64_t lost; /* seq numbers never parsed: overwritten before we
			 * read them, or malformed (also in malformed) */
	bool have_seq; /* last_seq is valid */
	uint64_t last_seq; /* restart position: the last record seen */
};

/* Parse one record (one read() of /dev/kmsg). 0 or -EINVAL. Pure. */
int mfd_kmsg_parse(const char *buf, size_t len, struct mfd_kmsg_record *r);

/* Is this message a page allocation failure report? Fills *order and
 * comm (NUL-terminated, truncated to MFD_KMSG_COMM_LEN - 1). Pure. */
bool mfd_kmsg_alloc_failure(const char *msg, size_t len, unsigned int *order,
			    char comm[MFD_KMSG_COMM_LEN]);

/* Account one record: parse, track seq gaps, count failures. Pure. */
void mfd_kmsg_feed(struct mfd_allocfail_stats *st, const char *buf, size_t len);

/* Split text holding many records (a new record starts at each line that
 * does not begin with a space) and feed each. Pure; for tests and fuzz. */
void mfd_kmsg_feed_text(struct mfd_allocfail_stats *st, const char *text,
			size_t len);

/*
 * The same reports through syslog(2) (SYSLOG_ACTION_READ_ALL), for where
 * /dev/kmsg cannot be opened: a Kubernetes pod has no /dev/kmsg, and a
 * hostPath mount of it is refused by the container's device cgroup unless
 * the pod is privileged. syslog(2) is a system call, not a device: it
 * needs CAP_SYSLOG (kernel.dmesg_restrict=1) on every call, and the
 * runtime's default seccomp profile allows it to holders of CAP_SYSLOG.
 * READ_ALL returns the whole ring buffer as "<prio>[ sec.usec] text"
 * lines, without sequence numbers: records are told apart by their
 * timestamp (printk.time=1, the default), and a buffer whose oldest
 * record is newer than the last one seen lost at least one record.
 */
struct mfd_kmsg_syslog {
	char *buf; /* READ_ALL buffer, the log buffer's size */
	size_t cap;
	bool have_ts; /* last_ts is valid */
	uint64_t last_ts; /* µs of the newest record counted */
};

/* Account the READ_ALL text: lines newer than sl->last_ts are counted
 * (kernel facility only); the first call only sets the baseline, so
 * counting starts now. -ENOTSUP when lines carry no timestamp. Pure. */
int mfd_kmsg_syslog_feed(struct mfd_kmsg_syslog *sl,
			 struct mfd_allocfail_stats *st, const char *text,
			 size_t len);
/* One READ_ALL and its accounting. 0 or -errno (EPERM: no CAP_SYSLOG). */
int mfd_kmsg_syslog_read(struct mfd_kmsg_syslog *sl,
			 struct mfd_allocfail_stats *st);
void mfd_kmsg_syslog_free(struct mfd_kmsg_syslog *sl);

/* Open /dev/kmsg (or path) non-blocking, positioned after the last record:
 * only failures from now on are counted. fd or -errno. */
int mfd_kmsg_open(const char *path);
/* Read every ready record into st. 0 or -errno (EAGAIN is not an error;
 * EPIPE, records overwritten, is counted through the seq gap). */
int mfd_kmsg_drain(int fd, struct mfd_allocfail_stats *st);

#endif /* MFD_KMSG_H */
