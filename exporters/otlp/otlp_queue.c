// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_queue.c - the OTLP exporter's batches: the active one filling, the
 * sealed ones queued oldest first, each in memory or in its spool file
 * (framed by otlp_spool.c), and the bounds that evict the oldest (see
 * otlp.c for the whole story).
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
#include <unistd.h>

#define LOG_COMPONENT "otlp"
#include "log.h"
#include "otlp_exporter.h"
#include "otlp_spool.h"

static void rec_free(struct rec *r)
{
	free(r->data);
	r->data = NULL;
}

void otlp_batch_unload(struct batch *b)
{
	for (size_t i = 0; i < b->nrecs; i++)
		rec_free(&b->recs[i]);
	free(b->recs);
	b->recs = NULL;
	b->nrecs = b->cap = 0;
	b->loaded = false;
}

void otlp_batch_free(struct batch *b)
{
	otlp_batch_unload(b);
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

void otlp_update_stats(struct otlp *o)
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
int otlp_batch_load(struct otlp *o, struct batch *b)
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
		otlp_batch_unload(b);
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

void otlp_queue_push(struct otlp *o, struct batch *b)
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

int otlp_queue_open_spool(struct otlp *o)
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
			otlp_batch_free(b);
			continue;
		}
		b->bytes = (size_t)sb.st_size;
		/* Count its points now (for eviction), then unload. A file
		 * that cannot be read for want of descriptors or memory is
		 * queued as it is: read again when its turn comes. */
		lerr = otlp_batch_load(o, b);
		if (lerr == -EMFILE || lerr == -ENFILE || lerr == -ENOMEM) {
			b->loaded = false;
		} else if (lerr || !b->nrecs) {
			log_warn_rl("spool file %s holds nothing usable; "
				    "removed",
				    b->path);
			unlink(b->path);
			otlp_batch_free(b);
			continue;
		}
		o->spool_bytes += b->bytes;
		otlp_batch_unload(b);
		otlp_queue_push(o, b);
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
uint64_t otlp_batch_undelivered(const struct batch *b)
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
	points = otlp_batch_undelivered(b);
	o->e.stats.dropped[why] += points;
	log_warn_rl("%s: dropped the oldest batch (%" PRIu64
		    " points/records; counted as reason=%s)",
		    why == MFD_DROP_SPOOL_EVICTED ? "spool full" :
		    why == MFD_DROP_SPOOL_WRITE	  ? "spool unwritable and the "
						    "in-memory queue full" :
						    "export queue full",
		    points, mfd_drop_reason_name(why));
	spool_unlink(o, b);
	otlp_batch_free(b);
	return true;
}

void otlp_queue_bound(struct otlp *o)
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
	otlp_update_stats(o);
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
void otlp_queue_add(struct otlp *o, unsigned int sig, uint8_t *data, size_t len,
		    uint64_t points)
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
	otlp_queue_bound(o);
}

void otlp_queue_pop(struct otlp *o)
{
	struct batch *b = o->head;

	o->head = b->next;
	if (!o->head)
		o->tail = NULL;
	dequeued(o, b);
	spool_unlink(o, b);
	otlp_batch_free(b);
	otlp_update_stats(o);
}
