// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp.c - the OTLP/HTTP exporter: batches, retries, the spool.
 *
 * Every sample is encoded at once into a request fragment (otlp_encode.h)
 * and appended to the "active" batch; with a spool the fragment is also
 * appended to the batch's spool file right away, so a kill -9 loses
 * nothing that was sampled. Extfrag events collect, up to the per-interval
 * cap, until the export timer seals the batch: their log fragment is added,
 * the batch joins the queue, and the sender sends the queue's head, one
 * request at a time (so each series arrives in order): the fragments of
 * one signal, concatenated up to the size cap. A batch leaves the queue
 * (and its file is unlinked) only when every request of it was answered.
 *
 * Outcomes follow the OTLP spec and the Collector's exporterhelper: 2xx is
 * delivered (partial_success is logged and counted, never retried); 429,
 * 502, 503, 504 and connection-level failures are retried with exponential
 * backoff and jitter, waiting max(backoff, Retry-After) clamped to
 * otlp.max_backoff; any other status drops the request's data, counted.
 * The queue is bounded: without a spool by a number of batches, with one
 * by bytes on disk; the oldest batch is evicted first, counted. A batch
 * whose spool file cannot be written (a full disk, a read-only mount, no
 * file descriptor left) stays in memory, and those batches are bounded by
 * the number of batches again: past it the oldest is dropped, counted as
 * spool_write_failed. Memory never grows past the batch cap, whatever the
 * disk does; the exit message says which batches are on disk and which
 * are lost.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define LOG_COMPONENT "otlp"
#include "log.h"
#include "otlp.h"
#include "resource.h"
#include "otlp_encode.h"
#include "otlp_http.h"
#include "otlp_settings.h"
#include "otlp_spool.h"

#define INITIAL_BACKOFF 1.0 /* seconds */

struct rec {
	unsigned int sig; /* enum otlp_signal */
	uint32_t points; /* data points or log records */
	uint32_t len;
	uint8_t *data; /* one encoded request fragment */
};

struct batch {
	struct batch *next;
	uint64_t seq; /* spool file name */
	struct rec *recs; /* when loaded */
	size_t nrecs, cap;
	bool loaded;
	size_t bytes; /* bytes on disk (spool) or in memory */
	uint64_t points; /* sum of recs' points */
	char *path; /* spool file, or NULL */
	size_t cur[OTLP_SIGNALS]; /* next unsent record, per signal */
};

struct otlp {
	struct mfd_exporter e;
	struct otlp_settings s;
	struct otlp_resource res;
	struct event_base *base;
	struct event *tick; /* the export interval */
	struct event *retry; /* backoff */
	bool retry_pending;
	struct otlp_http *http;
	char **hdrs[OTLP_SIGNALS]; /* "Name: value", NULL-terminated */
	struct otlp_tls tls;
	bool curl_loaded; /* an endpoint needs libcurl: it is loaded */

	struct batch *active; /* filling, or NULL */
	int active_fd; /* its spool file, or -1 */
	struct batch *head, *tail; /* sealed batches, oldest first */
	size_t nqueued;
	size_t nmem; /* queued batches held only in memory despite a spool */
	size_t spool_bytes; /* on disk, active included */
	uint64_t next_seq;

	/* The request in flight (always of the head batch). */
	bool inflight;
	unsigned int req_sig;
	size_t req_end; /* head->cur[req_sig] once it is answered */
	uint64_t req_points;
	uint8_t *req_body;
	unsigned int attempt; /* retries of this request so far */

	bool stopping; /* final flush: no more waiting on backoff */
	bool gave_up; /* final flush met a retryable failure */

	struct otlp_log_event *logs; /* this interval's events, <= log_cap */
	size_t nlogs;
	uint64_t suppressed; /* events over the cap this interval */

	uint64_t rng;
};

static const char *const sig_name[OTLP_SIGNALS] = { "metrics", "logs" };

static void send_next(struct otlp *o);

/* --- small helpers ------------------------------------------------------------ */

static double jitter(struct otlp *o)
{
	/* xorshift64: enough to spread retries of many agents. */
	o->rng ^= o->rng << 13;
	o->rng ^= o->rng >> 7;
	o->rng ^= o->rng << 17;
	return 0.5 + (double)(o->rng % 1000000) / 1000000.0;
}

static struct timeval to_tv(double secs)
{
	struct timeval tv;

	if (secs < 0)
		secs = 0;
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* The header lines hold secrets (tokens): cleared before they are freed. */
static void free_header_lists(char ***l)
{
	for (int s = 0; s < OTLP_SIGNALS; s++) {
		for (char **h = l[s]; h && *h; h++) {
			explicit_bzero(*h, strlen(*h));
			free(*h);
		}
		free(l[s]);
		l[s] = NULL;
	}
}

static void rec_free(struct rec *r)
{
	free(r->data);
	r->data = NULL;
}

static void batch_unload(struct batch *b)
{
	for (size_t i = 0; i < b->nrecs; i++)
		rec_free(&b->recs[i]);
	free(b->recs);
	b->recs = NULL;
	b->nrecs = b->cap = 0;
	b->loaded = false;
}

static void batch_free(struct batch *b)
{
	batch_unload(b);
	free(b->path);
	free(b);
}

static int batch_push(struct batch *b, unsigned int sig, uint32_t points,
		      uint8_t *data, uint32_t len)
{
	if (b->nrecs == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct rec *r = realloc(b->recs, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		b->recs = r;
		b->cap = cap;
	}
	b->recs[b->nrecs++] = (struct rec){
		.sig = sig, .points = points, .len = len, .data = data
	};
	return 0;
}

static void update_stats(struct otlp *o)
{
	o->e.stats.queue_depth = o->nqueued;
	o->e.stats.spool_bytes = o->spool_bytes;
}

/* --- the spool ------------------------------------------------------------------- */

static char *spool_path(const struct otlp *o, uint64_t seq)
{
	char name[OTLP_SPOOL_NAME_MAX], *p = NULL;

	otlp_spool_name(name, seq);
	if (asprintf(&p, "%s/%s", o->s.spool_dir, name) < 0)
		return NULL;
	return p;
}

static int read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat sb;
	uint8_t *b = NULL;
	size_t got = 0;
	int fd, err = 0;

	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO put in the spool cannot block the loop. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb)) {
		err = -errno;
		goto cleanup;
	}
	if (!S_ISREG(sb.st_mode)) {
		err = -EINVAL;
		goto cleanup;
	}
	if ((size_t)sb.st_size > max) {
		err = -EFBIG;
		goto cleanup;
	}
	b = malloc((size_t)sb.st_size + 1);
	if (!b) {
		err = -ENOMEM;
		goto cleanup;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, b + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		got += (size_t)n;
	}
	if (err) {
		free(b);
		b = NULL;
	}
cleanup:
	close(fd);
	*buf = b;
	*len = got;
	return err;
}

struct load_ctx {
	struct batch *b;
	int err;
};

static int load_rec(const struct otlp_rec_view *v, void *arg)
{
	struct load_ctx *c = arg;
	uint8_t *d = malloc(v->len ? v->len : 1);

	if (!d) {
		c->err = -ENOMEM;
		return 1;
	}
	memcpy(d, v->payload, v->len);
	if (batch_push(c->b, v->signal, v->points, d, v->len)) {
		free(d);
		c->err = -ENOMEM;
		return 1;
	}
	c->b->points += v->points;
	return 0;
}

/* Read a spool file into b->recs; bad spans are skipped with a warning. */
static int batch_load(struct otlp *o, struct batch *b)
{
	struct load_ctx c = { .b = b };
	struct otlp_scan_stats st;
	uint8_t *buf;
	size_t len;
	int err;

	if (b->loaded)
		return 0;
	err = read_file(b->path, o->s.spool_max_bytes + (1u << 20), &buf, &len);
	if (err) {
		log_warn_rl("cannot read spool file %s: %s", b->path,
			    strerror(-err));
		return err;
	}
	b->points = 0;
	otlp_spool_scan(buf, len, OTLP_SIGNALS, load_rec, &c, &st);
	free(buf);
	if (c.err) {
		batch_unload(b);
		return c.err;
	}
	if (st.bad)
		log_warn_rl("spool file %s: skipped %zu corrupt span(s), %zu "
			    "bytes%s; kept %zu good record(s)",
			    b->path, st.bad, st.skipped_bytes,
			    st.truncated ? " (truncated write)" : "", st.good);
	b->loaded = true;
	return 0;
}

static void spool_unlink(struct otlp *o, struct batch *b)
{
	if (!b->path)
		return;
	if (unlink(b->path) && errno != ENOENT)
		log_warn_rl("cannot remove spool file %s: %s", b->path,
			    strerror(errno));
	o->spool_bytes -= b->bytes < o->spool_bytes ? b->bytes : o->spool_bytes;
}

static int spool_append(struct otlp *o, struct batch *b, const struct rec *r)
{
	uint8_t hdr[OTLP_REC_HDR];
	struct iovec iov[2];
	size_t want = sizeof(hdr) + r->len, done = 0;

	if (o->active_fd < 0) {
		/* O_EXCL: never append to a file some earlier run left. */
		o->active_fd =
			open(b->path,
			     O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
			     0600);
		if (o->active_fd < 0)
			return -errno;
	}
	otlp_rec_header(hdr, r->sig, r->points, r->data, r->len);
	iov[0] = (struct iovec){ hdr, sizeof(hdr) };
	iov[1] = (struct iovec){ r->data, r->len };
	while (done < want) {
		ssize_t n = writev(o->active_fd, iov, 2);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
		/* Advance the iovecs past what was written. */
		for (int i = 0; i < 2; i++) {
			size_t k = (size_t)n < iov[i].iov_len ? (size_t)n :
								iov[i].iov_len;

			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= k;
			n -= (ssize_t)k;
		}
	}
	if (o->s.fsync == OTLP_FSYNC_ALWAYS && fdatasync(o->active_fd))
		return -errno;
	b->bytes += want;
	o->spool_bytes += want;
	return 0;
}

/* Held only in memory although there is a spool: its file failed. */
static bool memory_only(const struct otlp *o, const struct batch *b)
{
	return o->s.spool_dir && !b->path;
}

static void enqueue(struct otlp *o, struct batch *b)
{
	if (o->tail)
		o->tail->next = b;
	else
		o->head = b;
	o->tail = b;
	o->nqueued++;
	if (memory_only(o, b))
		o->nmem++;
}

/* Take b out of the counts of the queue it just left. */
static void dequeued(struct otlp *o, struct batch *b)
{
	o->nqueued--;
	if (memory_only(o, b))
		o->nmem--;
}

static void free_files(struct otlp_spool_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].name);
	free(f);
}

/* Every "<digits>.spool" regular file of the directory, and the next
 * sequence number: renamed to the canonical width, or renumbered from 1
 * when a number grew too large (otlp_spool_plan), so that nothing found
 * here is ever left out of the queue and the cap. */
static int spool_scan(struct otlp *o, DIR *d, struct otlp_spool_file **out,
		      size_t *nout)
{
	struct otlp_spool_file *f = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	while ((de = readdir(d))) {
		struct stat sb;
		uint64_t seq;
		bool overflow;

		if (!otlp_spool_parse_name(de->d_name, &seq, &overflow))
			continue;
		if (fstatat(dirfd(d), de->d_name, &sb, 0) ||
		    !S_ISREG(sb.st_mode)) {
			log_warn_rl("spool %s: %s is not a regular file; left "
				    "alone",
				    o->s.spool_dir, de->d_name);
			continue;
		}
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			struct otlp_spool_file *nf = realloc(f, c * sizeof(*f));

			if (!nf)
				goto nomem;
			f = nf;
			cap = c;
		}
		f[n] = (struct otlp_spool_file){ .seq = seq,
						 .overflow = overflow };
		if (!(f[n].name = strdup(de->d_name)))
			goto nomem;
		n++;
	}
	o->next_seq = otlp_spool_plan(f, n);
	for (size_t i = 0; i < n; i++) {
		char want[OTLP_SPOOL_NAME_MAX];

		otlp_spool_name(want, f[i].new_seq);
		if (!strcmp(want, f[i].name))
			continue;
		if (renameat(dirfd(d), f[i].name, dirfd(d), want)) {
			/* Keep the name it has: still sent and counted. */
			log_warn_rl("spool %s: cannot rename %s to %s: %s",
				    o->s.spool_dir, f[i].name, want,
				    strerror(errno));
			if (f[i].seq >= o->next_seq && !f[i].overflow)
				o->next_seq = f[i].seq + 1;
			f[i].new_seq = f[i].seq;
			continue;
		}
		log_info_rl("spool %s: %s renamed %s", o->s.spool_dir,
			    f[i].name, want);
		free(f[i].name);
		if (!(f[i].name = strdup(want)))
			goto nomem;
	}
	*out = f;
	*nout = n;
	return 0;
nomem:
	free_files(f, n);
	return -ENOMEM;
}

static int spool_open(struct otlp *o)
{
	struct otlp_spool_file *f = NULL;
	size_t n = 0;
	DIR *d;
	int err = 0;

	if (mkdir(o->s.spool_dir, 0700) && errno != EEXIST) {
		err = -errno;
		log_error("cannot create spool directory %s: %s",
			  o->s.spool_dir, strerror(errno));
		return err;
	}
	d = opendir(o->s.spool_dir);
	if (!d) {
		err = -errno;
		log_error("cannot open spool directory %s: %s", o->s.spool_dir,
			  strerror(errno));
		return err;
	}
	err = spool_scan(o, d, &f, &n);
	if (err)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		struct batch *b = calloc(1, sizeof(*b));
		struct stat sb;
		int lerr;

		if (!b || asprintf(&b->path, "%s/%s", o->s.spool_dir,
				   f[i].name) < 0) {
			free(b);
			err = -ENOMEM;
			goto cleanup;
		}
		b->seq = f[i].new_seq;
		if (stat(b->path, &sb)) {
			batch_free(b);
			continue;
		}
		b->bytes = (size_t)sb.st_size;
		/* Count its points now (for eviction), then unload. A file
		 * that cannot be read for want of descriptors or memory is
		 * queued as it is: read again when its turn comes. */
		lerr = batch_load(o, b);
		if (lerr == -EMFILE || lerr == -ENFILE || lerr == -ENOMEM) {
			b->loaded = false;
		} else if (lerr || !b->nrecs) {
			log_warn_rl("spool file %s holds nothing usable; "
				    "removed",
				    b->path);
			unlink(b->path);
			batch_free(b);
			continue;
		}
		o->spool_bytes += b->bytes;
		batch_unload(b);
		enqueue(o, b);
	}
	if (o->nqueued)
		log_info("spool %s: %zu batch(es), %zu bytes from an earlier "
			 "run queued first",
			 o->s.spool_dir, o->nqueued, o->spool_bytes);
cleanup:
	closedir(d);
	free_files(f, n);
	return err;
}

/* --- the queue ----------------------------------------------------------------------- */

/* Points of b not yet delivered: all of them unless it is loaded. */
static uint64_t undelivered_points(const struct batch *b)
{
	uint64_t n = 0;

	if (!b->loaded)
		return b->points;
	for (size_t i = 0; i < b->nrecs; i++)
		if (i >= b->cur[b->recs[i].sig])
			n += b->recs[i].points;
	return n;
}

/* Drop the oldest batch the sender is not working on, of the kind why
 * bounds: spool_evicted drops files, spool_write_failed drops batches held
 * in memory for want of a file, queue_full any (there is no spool). */
static bool evict_oldest(struct otlp *o, enum mfd_drop_reason why)
{
	struct batch **pp = &o->head, *prev = NULL, *b;
	uint64_t points;

	if (o->inflight && *pp) { /* keep the head: it is on the wire */
		prev = *pp;
		pp = &(*pp)->next;
	}
	for (; *pp; prev = *pp, pp = &(*pp)->next) {
		if (why == MFD_DROP_SPOOL_EVICTED && !memory_only(o, *pp))
			break;
		if (why == MFD_DROP_SPOOL_WRITE && memory_only(o, *pp))
			break;
		if (why == MFD_DROP_QUEUE_FULL)
			break;
	}
	if (!*pp)
		return false;
	b = *pp;
	*pp = b->next;
	if (o->tail == b)
		o->tail = prev;
	dequeued(o, b);
	points = undelivered_points(b);
	o->e.stats.dropped[why] += points;
	log_warn_rl("%s: dropped the oldest batch (%" PRIu64
		    " points/records; counted as reason=%s)",
		    why == MFD_DROP_SPOOL_EVICTED ? "spool full" :
		    why == MFD_DROP_SPOOL_WRITE	  ? "spool unwritable and the "
						    "in-memory queue full" :
						    "export queue full",
		    points, mfd_drop_reason_name(why));
	spool_unlink(o, b);
	batch_free(b);
	return true;
}

static void enforce_bounds(struct otlp *o)
{
	if (o->s.spool_dir) {
		while (o->spool_bytes > o->s.spool_max_bytes &&
		       evict_oldest(o, MFD_DROP_SPOOL_EVICTED))
			;
		while (o->nmem > o->s.queue_batches &&
		       evict_oldest(o, MFD_DROP_SPOOL_WRITE))
			;
	} else {
		while (o->nqueued > o->s.queue_batches &&
		       evict_oldest(o, MFD_DROP_QUEUE_FULL))
			;
	}
	update_stats(o);
}

static struct batch *active_batch(struct otlp *o)
{
	struct batch *b;

	if (o->active)
		return o->active;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->seq = o->next_seq++;
	b->loaded = true;
	if (o->s.spool_dir && !(b->path = spool_path(o, b->seq))) {
		free(b);
		return NULL;
	}
	o->active = b;
	return b;
}

/* Add one fragment to the active batch (and its spool file). Takes data. */
static void add_fragment(struct otlp *o, unsigned int sig, uint8_t *data,
			 size_t len, uint64_t points)
{
	struct batch *b = active_batch(o);
	int err;

	if (!b || batch_push(b, sig, (uint32_t)points, data, (uint32_t)len)) {
		free(data);
		o->e.stats.dropped[MFD_DROP_ENCODE] += points;
		return;
	}
	b->points += points;
	if (!b->path) {
		b->bytes += len;
		return;
	}
	err = spool_append(o, b, &b->recs[b->nrecs - 1]);
	if (err) {
		/* Keep the batch in memory only; it is not lost yet, and
		 * memory-only batches are capped like a queue without a
		 * spool. A file that was never created is not removed (on
		 * a read-only mount that would fail once per batch). */
		log_warn_rl("writing spool file %s failed: %s; this batch "
			    "stays in memory only (at most %zu such batches, "
			    "then the oldest is dropped)",
			    b->path, strerror(-err), o->s.queue_batches);
		if (o->active_fd >= 0) {
			close(o->active_fd);
			o->active_fd = -1;
			spool_unlink(o, b);
		}
		free(b->path);
		b->path = NULL;
		b->bytes = 0;
		for (size_t i = 0; i < b->nrecs; i++)
			b->bytes += b->recs[i].len;
	}
	enforce_bounds(o);
}

/* Close the interval: add the event logs, queue the batch, send. */
static void seal(struct otlp *o)
{
	struct batch *b;

	if ((o->nlogs || o->suppressed) && o->s.url[OTLP_LOGS]) {
		uint8_t *buf;
		size_t len;

		if (otlp_encode_logs(&o->res, o->logs, o->nlogs, o->suppressed,
				     o->s.log_cap, mfd_now_unix_ns(), &buf,
				     &len) == 0)
			add_fragment(o, OTLP_LOGS, buf, len,
				     o->nlogs + (o->suppressed ? 1 : 0));
		else
			o->e.stats.dropped[MFD_DROP_ENCODE] += o->nlogs;
	}
	o->e.stats.dropped[MFD_DROP_LOG_CAP] += o->suppressed;
	o->nlogs = 0;
	o->suppressed = 0;

	b = o->active;
	if (!b)
		goto send;
	o->active = NULL;
	if (o->active_fd >= 0) {
		if (o->s.fsync != OTLP_FSYNC_NEVER && fdatasync(o->active_fd))
			log_warn_rl("fsync of %s failed: %s", b->path,
				    strerror(errno));
		close(o->active_fd);
		o->active_fd = -1;
	}
	if (!b->nrecs) {
		batch_free(b);
		goto send;
	}
	if (b->path)
		batch_unload(b); /* on disk: read back when it is sent */
	enqueue(o, b);
	enforce_bounds(o);
send:
	send_next(o);
}

static void pop_head(struct otlp *o)
{
	struct batch *b = o->head;

	o->head = b->next;
	if (!o->head)
		o->tail = NULL;
	dequeued(o, b);
	spool_unlink(o, b);
	batch_free(b);
	update_stats(o);
}

/* --- sending ------------------------------------------------------------------------------ */

static void on_http_done(void *arg, const struct otlp_http_result *r);

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct otlp *o = arg;

	(void)fd;
	(void)what;
	o->retry_pending = false;
	send_next(o);
}

/* The next request of the head batch: records [head->cur[sig], end) of one
 * signal, concatenated while under the size cap (at least one). */
static bool build_request(struct otlp *o, struct batch *b, unsigned int *sig,
			  uint8_t **body, size_t *len, size_t *end,
			  uint64_t *points)
{
	for (unsigned int s = 0; s < OTLP_SIGNALS; s++) {
		size_t total = 0, i, first = SIZE_MAX;
		uint64_t pts = 0;
		uint8_t *buf, *p;

		for (i = b->cur[s]; i < b->nrecs; i++) {
			if (b->recs[i].sig != s)
				continue;
			if (!o->s.url[s]) /* signal switched off */
				continue;
			if (first != SIZE_MAX &&
			    total + b->recs[i].len > o->s.max_request_bytes)
				break;
			if (first == SIZE_MAX)
				first = i;
			total += b->recs[i].len;
			pts += b->recs[i].points;
		}
		if (first == SIZE_MAX) {
			b->cur[s] = b->nrecs;
			continue;
		}
		buf = malloc(total ? total : 1);
		if (!buf)
			return false;
		p = buf;
		for (size_t k = first; k < i; k++)
			if (b->recs[k].sig == s) {
				memcpy(p, b->recs[k].data, b->recs[k].len);
				p += b->recs[k].len;
			}
		*sig = s;
		*body = buf;
		*len = total;
		*end = i;
		*points = pts;
		return true;
	}
	return false;
}

static void send_next(struct otlp *o)
{
	while (o->head && !o->inflight && !o->retry_pending && !o->gave_up) {
		struct batch *b = o->head;
		uint8_t *body = NULL, *gz = NULL;
		size_t len = 0, gzlen = 0;
		int err;

		if (!b->loaded && (err = batch_load(o, b))) {
			if (err == -EMFILE || err == -ENFILE ||
			    err == -ENOMEM) {
				/* Out of descriptors or memory for now:
				 * the file is fine, read it later. */
				struct timeval tv = to_tv(o->s.max_backoff);

				o->retry_pending = true;
				evtimer_add(o->retry, &tv);
				return;
			}
			o->e.stats.dropped[MFD_DROP_SEND] += b->points;
			pop_head(o);
			continue;
		}
		if (!build_request(o, b, &o->req_sig, &body, &len, &o->req_end,
				   &o->req_points)) {
			pop_head(o); /* every request answered */
			continue;
		}
		if (o->s.gzip) {
			err = otlp_gzip(body, len, &gz, &gzlen);
			free(body);
			if (err) {
				o->e.stats.dropped[MFD_DROP_ENCODE] +=
					o->req_points;
				b->cur[o->req_sig] = o->req_end;
				continue;
			}
			body = gz;
			len = gzlen;
		}
		free(o->req_body);
		o->req_body = body;
		err = otlp_http_post(o->http, o->s.url[o->req_sig],
				     (const char *const *)o->hdrs[o->req_sig],
				     body, len, o->s.timeout_ms, &o->tls,
				     on_http_done, o);
		if (err) {
			char why[128];
			struct otlp_http_result r = { .failed = true,
						      .error = why };

			snprintf(why, sizeof(why),
				 "could not start the request: %s",
				 strerror(-err));
			on_http_done(o, &r);
			return;
		}
		o->inflight = true;
		log_debug("POST %s: %zu bytes, %" PRIu64 " %s",
			  o->s.url_log[o->req_sig], len, o->req_points,
			  sig_name[o->req_sig]);
	}
}

static bool retryable(const struct otlp_http_result *r)
{
	if (r->failed)
		return true; /* refused, reset, timed out, DNS... */
	return r->status == 429 || r->status == 502 || r->status == 503 ||
	       r->status == 504;
}

/* The start of a response body, printable, with every configured secret
 * starred out: a collector may echo the request's headers. The scrub runs
 * over more than is shown, so a secret cut at the end cannot leak its
 * first bytes. */
static void body_excerpt(const struct otlp *o, const struct otlp_http_result *r,
			 char *out, size_t len)
{
	char buf[4096];
	size_t n = r->body_len < sizeof(buf) - 1 ? r->body_len :
						   sizeof(buf) - 1;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = r->body[i];

		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	buf[n] = '\0';
	otlp_scrub_secrets(&o->s, buf);
	n = n < len - 1 ? n : len - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
	explicit_bzero(buf, sizeof(buf));
}

/* A transport error text, scrubbed the same way. */
static const char *scrubbed(const struct otlp *o, const char *text, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s", text ? text : "");
	otlp_scrub_secrets(&o->s, buf);
	return buf;
}

static void on_http_done(void *arg, const struct otlp_http_result *r)
{
	struct otlp *o = arg;
	struct batch *b = o->head;
	char msg[256], err_text[256];

	o->inflight = false;
	free(o->req_body);
	o->req_body = NULL;
	if (!b)
		return;
	if (!r->failed && r->status >= 200 && r->status < 300) {
		int64_t rejected = 0;

		o->e.stats.requests_sent++;
		o->attempt = 0;
		if (otlp_decode_response(o->req_sig, r->body, r->body_len,
					 &rejected, msg, sizeof(msg)) == 0 &&
		    (rejected || msg[0])) {
			otlp_scrub_secrets(&o->s, msg);
			/* A collector cannot reject more than this
			 * request held: a count past it (2^63-1 was seen)
			 * would wrap the counter. Logged as it came. */
			if (rejected > 0)
				o->e.stats.dropped[MFD_DROP_PARTIAL] +=
					(uint64_t)rejected < o->req_points ?
						(uint64_t)rejected :
						o->req_points;
			log_warn_rl("collector accepted %s partially: "
				    "%" PRId64 " rejected: %s",
				    sig_name[o->req_sig], rejected,
				    msg[0] ? msg : "(no message)");
		}
		b->cur[o->req_sig] = o->req_end;
	} else if (retryable(r)) {
		double delay, ra = 0;

		if (o->stopping) {
			o->gave_up = true;
			log_warn("final flush: %s not delivered (%s)",
				 sig_name[o->req_sig],
				 !r->failed ? "retryable status" :
					      scrubbed(o, r->error, err_text,
						       sizeof(err_text)));
			return;
		}
		o->attempt++;
		o->e.stats.requests_retried++;
		delay = INITIAL_BACKOFF;
		for (unsigned int i = 1; i < o->attempt && delay < 1e6; i++)
			delay *= 2;
		if (delay > o->s.max_backoff)
			delay = o->s.max_backoff;
		delay *= jitter(o);
		if (r->retry_after &&
		    otlp_parse_retry_after(r->retry_after, time(NULL), &ra) ==
			    0 &&
		    ra > delay)
			delay = ra;
		if (delay > o->s.max_backoff)
			delay = o->s.max_backoff;
		if (r->failed)
			log_warn_rl("sending %s to %s failed: %s; retry %u in "
				    "%.1fs",
				    sig_name[o->req_sig],
				    o->s.url_log[o->req_sig],
				    scrubbed(o, r->error, err_text,
					     sizeof(err_text)),
				    o->attempt, delay);
		else
			log_warn_rl("collector answered %ld for %s; retry %u "
				    "in %.1fs",
				    r->status, sig_name[o->req_sig], o->attempt,
				    delay);
		{
			struct timeval tv = to_tv(delay);

			o->retry_pending = true;
			evtimer_add(o->retry, &tv);
		}
		return;
	} else {
		o->e.stats.requests_failed++;
		o->e.stats.dropped[MFD_DROP_PERMANENT] += o->req_points;
		o->attempt = 0;
		body_excerpt(o, r, msg, 200);
		log_error_rl("collector rejected %s with HTTP %ld (dropped "
			     "%" PRIu64 ", not retried): %s",
			     sig_name[o->req_sig], r->status, o->req_points,
			     msg);
		b->cur[o->req_sig] = o->req_end;
	}
	send_next(o);
}

/* --- the vtable ------------------------------------------------------------------------------ */

static void otlp_on_sample(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct otlp *o = e->priv;
	uint8_t *buf;
	size_t len, npoints;

	if (!o->s.url[OTLP_METRICS])
		return;
	if (otlp_encode_metrics(&o->res, st, &buf, &len, &npoints)) {
		o->e.stats.dropped[MFD_DROP_ENCODE]++;
		return;
	}
	if (!npoints) {
		free(buf);
		return;
	}
	add_fragment(o, OTLP_METRICS, buf, len, npoints);
}

static void otlp_on_event(struct mfd_exporter *e, const struct mfd_state *st,
			  const struct mfd_extfrag_event *ev)
{
	struct otlp *o = e->priv;
	struct otlp_log_event *le;
	char buf[32];

	if (!o->s.url[OTLP_LOGS])
		return;
	if (o->nlogs >= o->s.log_cap) {
		o->suppressed++;
		return;
	}
	le = &o->logs[o->nlogs++];
	memset(le, 0, sizeof(*le));
	le->ev = *ev;
	le->time_unix_nano = mfd_state_unix_ns(st, ev->ts_ns);
	le->observed_unix_nano = mfd_now_unix_ns();
	snprintf(le->alloc_mt, sizeof(le->alloc_mt), "%s",
		 mfd_kinfo_mt_name(st->kinfo, ev->alloc_migratetype, buf,
				   sizeof(buf)));
	snprintf(le->fallback_mt, sizeof(le->fallback_mt), "%s",
		 mfd_kinfo_mt_name(st->kinfo, ev->fallback_migratetype, buf,
				   sizeof(buf)));
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	seal(arg);
}

static void otlp_flush(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct otlp *o = e->priv;

	(void)st;
	o->stopping = true;
	if (o->retry_pending) { /* one last try now, not after the backoff */
		evtimer_del(o->retry);
		o->retry_pending = false;
	}
	seal(o);
}

static bool otlp_busy(struct mfd_exporter *e)
{
	struct otlp *o = e->priv;

	return o->inflight || (o->head && !o->gave_up && !o->retry_pending);
}

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

static void free_headers(struct otlp *o)
{
	free_header_lists(o->hdrs);
}

/* One list of header lines per signal: the content type and encoding,
 * then the configured ones (secrets among them). 0 or -ENOMEM. */
static int build_headers(struct otlp *o)
{
	for (int s = 0; s < OTLP_SIGNALS; s++) {
		size_t n = 0, max = o->s.nheaders[s] + 3;
		char **l = calloc(max, sizeof(*l));

		o->hdrs[s] = l;
		if (!l ||
		    !(l[n++] =
			      strdup("Content-Type: application/x-protobuf")) ||
		    (o->s.gzip && !(l[n++] = strdup("Content-Encoding: gzip"))))
			goto nomem;
		for (size_t i = 0; i < o->s.nheaders[s]; i++)
			if (asprintf(&l[n++], "%s: %s", o->s.headers[s][i].key,
				     o->s.headers[s][i].value) < 0) {
				l[n - 1] = NULL;
				goto nomem;
			}
	}
	return 0;
nomem:
	free_headers(o);
	return -ENOMEM;
}

/* libcurl, loaded when an endpoint of s needs it (https://, a proxy) and
 * it is not loaded yet: 0, or -errno, logged. */
static int load_curl_for(struct otlp *o, const struct otlp_settings *s)
{
	char why[256];
	int err;

	if (o->curl_loaded)
		return 0;
	for (int i = 0; i < OTLP_SIGNALS; i++)
		if (s->url[i] && otlp_http_needs_curl(s->url[i], env_lookup))
			goto load;
	return 0;
load:
	/* Loaded here, not linked: an agent that exports to a plain http://
	 * collector never maps it and the TLS, Kerberos and LDAP libraries
	 * it pulls in. */
	err = otlp_http_load_curl(why, sizeof(why));
	if (err) {
		log_error("OTLP export over https:// or through a proxy needs "
			  "libcurl, and %s; install the libcurl4 package (the "
			  "run-time library libcurl4-openssl-dev builds "
			  "against), or use an http:// endpoint without a "
			  "proxy",
			  why);
		return err;
	}
	o->curl_loaded = true;
	return 0;
}

/* Resolve settings and read the headers file: 0 or -errno (logged). */
static int load_settings(const struct mfd_config *cfg, struct otlp_settings *s)
{
	char why[256];
	int err;

	err = otlp_settings_resolve(cfg, env_lookup, s, why, sizeof(why));
	if (err) {
		log_error("OTLP exporter: %s", why);
		return err;
	}
	if (s->insecure)
		log_warn("TLS certificate verification is OFF "
			 "(--otlp-insecure)");
	return 0;
}

static void apply_tls(struct otlp *o)
{
	o->tls = (struct otlp_tls){
		.ca_file = o->s.ca_file,
		.client_cert = o->s.client_cert,
		.client_key = o->s.client_key,
		.insecure = o->s.insecure,
	};
}

static void arm_tick(struct otlp *o)
{
	struct timeval tv = to_tv(o->s.export_interval);

	evtimer_del(o->tick);
	event_add(o->tick, &tv);
}

static int otlp_reload(struct mfd_exporter *e, const struct mfd_config *cfg)
{
	struct otlp *o = e->priv;
	struct otlp_settings s;
	struct otlp_log_event *logs;
	bool same_spool;

	if (load_settings(cfg, &s))
		return -EINVAL;
	same_spool = (!s.spool_dir && !o->s.spool_dir) ||
		     (s.spool_dir && o->s.spool_dir &&
		      !strcmp(s.spool_dir, o->s.spool_dir));
	if (!same_spool) {
		log_warn("the spool directory cannot change on reload; "
			 "restart the agent for that");
		otlp_settings_free(&s);
		return -EINVAL;
	}
	if (load_curl_for(o, &s)) {
		otlp_settings_free(&s);
		return -EINVAL;
	}
	logs = realloc(o->logs, (s.log_cap ? s.log_cap : 1) * sizeof(*logs));
	if (!logs) {
		otlp_settings_free(&s);
		return -ENOMEM;
	}
	o->logs = logs;
	if (o->nlogs > s.log_cap) {
		o->suppressed += o->nlogs - s.log_cap;
		o->nlogs = s.log_cap;
	}
	otlp_settings_free(&o->s);
	o->s = s;
	/* A request in flight has its own copy of the headers. */
	free_headers(o);
	if (build_headers(o))
		return -ENOMEM;
	apply_tls(o);
	arm_tick(o);
	enforce_bounds(o);
	return 0;
}

/* Say exactly what is left: which batches wait on disk for the next run
 * and which, held in memory, die with the process. */
static void report_at_exit(struct otlp *o)
{
	size_t n[2] = { 0, 0 }; /* [0] on disk, [1] in memory only */
	uint64_t pts[2] = { 0, 0 };

	for (struct batch *b = o->head; b; b = b->next) {
		n[!b->path]++;
		pts[!b->path] += undelivered_points(b);
	}
	/* The active batch's file, still open, holds every record so far. */
	if (o->active && o->active->nrecs) {
		n[!o->active->path]++;
		pts[!o->active->path] += undelivered_points(o->active);
	}
	if (n[0])
		log_warn("at exit %zu export batch(es) with %" PRIu64
			 " undelivered points/records stay in the spool %s "
			 "and are sent by the next run",
			 n[0], pts[0], o->s.spool_dir);
	if (n[1] && o->s.spool_dir)
		log_warn("at exit %zu export batch(es) with %" PRIu64
			 " points/records are lost: they were held in memory "
			 "because writing them to the spool %s failed",
			 n[1], pts[1], o->s.spool_dir);
	else if (n[1])
		log_warn("at exit %zu export batch(es) with %" PRIu64
			 " points/records are lost (undelivered; --spool DIR "
			 "keeps them across restarts)",
			 n[1], pts[1]);
}

static void otlp_destroy(struct mfd_exporter *e)
{
	struct otlp *o = e->priv;

	report_at_exit(o);
	if (o->active_fd >= 0)
		close(o->active_fd);
	if (o->active)
		batch_free(o->active);
	while (o->head) {
		struct batch *b = o->head;

		o->head = b->next;
		batch_free(b); /* spool files stay for the next run */
	}
	otlp_http_free(o->http);
	if (o->tick)
		event_free(o->tick);
	if (o->retry)
		event_free(o->retry);
	free_headers(o);
	free(o->req_body);
	free(o->logs);
	otlp_resource_free(&o->res);
	otlp_settings_free(&o->s);
	if (o->curl_loaded)
		otlp_http_unload_curl();
	free(o);
}

static const struct mfd_exporter_ops otlp_ops = {
	.name = "otlp",
	.on_sample = otlp_on_sample,
	.on_event = otlp_on_event,
	.reload = otlp_reload,
	.flush = otlp_flush,
	.busy = otlp_busy,
	.destroy = otlp_destroy,
};

int otlp_exporter_check(const struct mfd_config *cfg, char *why, size_t why_len)
{
	struct otlp_settings s;
	int err;

	err = otlp_settings_resolve(cfg, env_lookup, &s, why, why_len);
	if (!err)
		otlp_settings_free(&s);
	return err;
}

bool otlp_exporter_enabled(const struct mfd_config *cfg)
{
	return otlp_settings_enabled(cfg, env_lookup);
}

int otlp_exporter_create(const struct mfd_export_ctx *ctx,
			 struct mfd_exporter **out)
{
	struct otlp *o;
	int err;

	*out = NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->e.ops = &otlp_ops;
	o->e.priv = o;
	o->e.stats.has_queue = true;
	o->base = ctx->base;
	o->active_fd = -1;
	o->next_seq = 1;
	o->rng = mfd_now_mono_ns() ^ ((uint64_t)getpid() << 32) ^
		 0x9e3779b97f4a7c15ull;
	if (!o->rng)
		o->rng = 1;

	err = load_settings(ctx->cfg, &o->s);
	if (err) {
		free(o);
		return err;
	}
	err = load_curl_for(o, &o->s);
	if (err)
		goto fail;
	err = -ENOMEM;
	if (build_headers(o))
		goto fail;
	apply_tls(o);

	err = mfd_resource_detect(&o->res);
	if (err)
		goto fail;

	o->logs = calloc(o->s.log_cap ? o->s.log_cap : 1, sizeof(*o->logs));
	o->http = otlp_http_new(ctx->base);
	o->tick = event_new(ctx->base, -1, EV_PERSIST, on_tick, o);
	o->retry = evtimer_new(ctx->base, on_retry, o);
	err = -ENOMEM;
	if (!o->logs || !o->http || !o->tick || !o->retry)
		goto fail;
	if (o->s.spool_dir) {
		err = spool_open(o);
		if (err)
			goto fail;
		enforce_bounds(o);
	}
	arm_tick(o);
	update_stats(o);
	log_info("exporting OTLP/HTTP every %gs: metrics to %s, logs to %s%s%s",
		 o->s.export_interval,
		 o->s.url[OTLP_METRICS] ? o->s.url_log[OTLP_METRICS] : "(off)",
		 o->s.url[OTLP_LOGS] ? o->s.url_log[OTLP_LOGS] : "(off)",
		 o->s.spool_dir ? ", spool " : "",
		 o->s.spool_dir ? o->s.spool_dir : "");
	*out = &o->e;
	/* Batches left from an earlier run go out at once. */
	send_next(o);
	return 0;
fail:
	otlp_destroy(&o->e);
	return err;
}
