// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmsg.c - page allocation failures from /dev/kmsg (see kmsg.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "kmsg.h"

/* Decimal u64 at *p, advancing it. 0 or -EINVAL. */
static int num(const char **p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = v;
	return 0;
}

int mfd_kmsg_parse(const char *buf, size_t len, struct mfd_kmsg_record *r)
{
	const char *p = buf, *end = buf + len, *semi, *nl;
	uint64_t prio;

	if (!buf || !len)
		return -EINVAL;
	semi = memchr(buf, ';', len);
	if (!semi)
		return -EINVAL; /* truncated header */
	if (num(&p, semi, &prio) || p >= semi || *p++ != ',' ||
	    num(&p, semi, &r->seq) || p >= semi || *p++ != ',' ||
	    num(&p, semi, &r->ts_usec) || p >= semi || *p++ != ',' || p >= semi)
		return -EINVAL;
	if (prio > 0xffffff)
		return -EINVAL;
	r->facility = (unsigned int)(prio >> 3);
	r->level = (unsigned int)(prio & 7);
	r->cont = *p == 'c';
	r->msg = semi + 1;
	/* The message ends at the first newline; dictionary lines follow.
	 * A record without one was truncated: keep what is there. */
	nl = memchr(r->msg, '\n', (size_t)(end - r->msg));
	r->msg_len = (size_t)((nl ? nl : end) - r->msg);
	return 0;
}

bool mfd_kmsg_alloc_failure(const char *msg, size_t len, unsigned int *order,
			    char comm[MFD_KMSG_COMM_LEN])
{
	static const char pat[] = ": page allocation failure: order:";
	const size_t plen = sizeof(pat) - 1;
	const char *end = msg + len, *p;
	uint64_t o;
	size_t clen;

	for (p = msg; p + plen <= end; p++) {
		if (memcmp(p, pat, plen))
			continue;
		clen = (size_t)(p - msg);
		p += plen;
		if (num(&p, end, &o))
			return false;
		if (clen >= MFD_KMSG_COMM_LEN)
			clen = MFD_KMSG_COMM_LEN - 1;
		memcpy(comm, msg, clen);
		comm[clen] = '\0';
		*order = o >= MFD_KMSG_MAX_ORDERS ? MFD_KMSG_MAX_ORDERS - 1 :
						    (unsigned int)o;
		return true;
	}
	return false;
}

static void count(struct mfd_allocfail_stats *st, const char *comm,
		  unsigned int order)
{
	unsigned int i;

	st->by_order[order]++;
	for (i = 0; i < st->nr_procs; i++)
		if (st->procs[i].order == order &&
		    !strcmp(st->procs[i].comm, comm)) {
			st->procs[i].count++;
			return;
		}
	if (st->nr_procs == MFD_KMSG_MAX_PROCS) {
		st->procs_overflow++;
		return;
	}
	i = st->nr_procs++;
	strcpy(st->procs[i].comm, comm);
	st->procs[i].order = order;
	st->procs[i].count = 1;
}

void mfd_kmsg_feed(struct mfd_allocfail_stats *st, const char *buf, size_t len)
{
	struct mfd_kmsg_record r;
	char comm[MFD_KMSG_COMM_LEN];
	unsigned int order;

	if (mfd_kmsg_parse(buf, len, &r)) {
		st->malformed++;
		return;
	}
	st->records++;
	if (st->have_seq && r.seq > st->last_seq + 1)
		st->lost += r.seq - st->last_seq - 1;
	if (!st->have_seq || r.seq > st->last_seq)
		st->last_seq = r.seq;
	st->have_seq = true;
	/* A continuation fragment never starts a report: warn_alloc()
	 * prints the whole line with one pr_warn(). */
	if (r.facility != 0 || r.cont)
		return;
	if (mfd_kmsg_alloc_failure(r.msg, r.msg_len, &order, comm))
		count(st, comm, order);
}

void mfd_kmsg_feed_text(struct mfd_allocfail_stats *st, const char *text,
			size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *q = p, *nl;

		/* the record runs to the first newline followed by a line
		 * that does not start with a space */
		for (;;) {
			nl = memchr(q, '\n', (size_t)(end - q));
			if (!nl || nl + 1 >= end || nl[1] != ' ')
				break;
			q = nl + 1;
		}
		nl = nl ? nl + 1 : end;
		mfd_kmsg_feed(st, p, (size_t)(nl - p));
		p = nl;
	}
}

int mfd_kmsg_open(const char *path)
{
	int fd = open(path ? path : "/dev/kmsg",
		      O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* SEEK_END: the next read returns the next new record. */
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int mfd_kmsg_drain(int fd, struct mfd_allocfail_stats *st)
{
	/* A record is at most CONSOLE_EXT_LOG_MAX (8 KiB); a shorter buffer
	 * would make read() fail with EINVAL. */
	char buf[8192 + 1];

	for (int i = 0; i < 100000; i++) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n > 0) {
			mfd_kmsg_feed(st, buf, (size_t)n);
			continue;
		}
		if (n == 0 || errno == EAGAIN)
			return 0;
		if (errno == EPIPE)
			continue; /* overwritten: the seq gap counts it */
		if (errno == EINTR)
			continue;
		return -errno;
	}
	return 0;
}

/* --- syslog(2) ------------------------------------------------------------ */

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define SYSLOG_MAX_BUF (32u << 20) /* log_buf_len is at most a few MiB */

/* "<prio>[ sec.usec] text": facility, µs and the text. 0 or -EINVAL. */
static int syslog_line(const char *p, const char *end, unsigned int *facility,
		       uint64_t *ts, const char **msg)
{
	uint64_t prio, sec, usec;
	const char *q = p;

	if (q >= end || *q != '<')
		return -EINVAL;
	q++;
	if (num(&q, end, &prio) || q >= end || *q != '>')
		return -EINVAL;
	q++;
	if (q >= end || *q != '[')
		return -ENOTSUP;
	q++;
	while (q < end && *q == ' ')
		q++;
	if (num(&q, end, &sec) || q >= end || *q != '.')
		return -EINVAL;
	q++;
	if (num(&q, end, &usec) || q >= end || *q != ']')
		return -EINVAL;
	q++;
	if (q < end && *q == ' ')
		q++;
	*facility = (unsigned int)(prio >> 3);
	*ts = sec * 1000000 + usec;
	*msg = q;
	return 0;
}

int mfd_kmsg_syslog_feed(struct mfd_kmsg_syslog *sl,
			 struct mfd_allocfail_stats *st, const char *text,
			 size_t len)
{
	const char *p = text, *end = text + len;
	bool first = !sl->have_ts, any = false;
	uint64_t newest = sl->last_ts;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *msg;
		char comm[MFD_KMSG_COMM_LEN];
		unsigned int fac, order;
		uint64_t ts;
		int err = syslog_line(p, le, &fac, &ts, &msg);

		p = nl ? nl + 1 : end;
		if (err == -ENOTSUP)
			return -ENOTSUP;
		if (err) {
			if (!first)
				st->malformed++;
			continue;
		}
		if (!any && !first && sl->have_ts && ts > sl->last_ts)
			st->lost++; /* the oldest record left is new: a gap */
		any = true;
		if (sl->have_ts && ts <= sl->last_ts)
			continue; /* seen at the last read */
		if (ts > newest)
			newest = ts;
		if (first)
			continue; /* the baseline: before the agent started */
		st->records++;
		if (fac == 0 && mfd_kmsg_alloc_failure(msg, (size_t)(le - msg),
						       &order, comm))
			count(st, comm, order);
	}
	if (any || first) {
		sl->last_ts = newest;
		sl->have_ts = true;
	}
	return 0;
}

int mfd_kmsg_syslog_read(struct mfd_kmsg_syslog *sl,
			 struct mfd_allocfail_stats *st)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), n;

	if (size < 0)
		return -errno;
	if ((unsigned int)size > SYSLOG_MAX_BUF)
		size = (int)SYSLOG_MAX_BUF;
	if ((size_t)size > sl->cap) {
		char *b = realloc(sl->buf, (size_t)size);

		if (!b)
			return -ENOMEM;
		sl->buf = b;
		sl->cap = (size_t)size;
	}
	n = klogctl(SYSLOG_ACTION_READ_ALL, sl->buf, size);
	if (n < 0)
		return -errno;
	return mfd_kmsg_syslog_feed(sl, st, sl->buf, (size_t)n);
}

void mfd_kmsg_syslog_free(struct mfd_kmsg_syslog *sl)
{
	free(sl->buf);
	memset(sl, 0, sizeof(*sl));
}
