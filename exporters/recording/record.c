// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * record.c - --record PATH: OTLP/JSON lines on disk (see record.h).
 *
 * Per sample the exporter appends at most two lines: the extfrag events
 * seen since the previous sample (one ExportLogsServiceRequest, capped at
 * record.max_events records) and then the sample itself (one
 * ExportMetricsServiceRequest). Each line goes out with a single write(2)
 * on an O_APPEND descriptor: the page cache absorbs it, nothing is
 * fsync'ed, so the loop never waits on the disk. A failed write (a full
 * disk, an I/O error) is cut back off the file so no torn line stays
 * behind, counted as dropped points (send_error), logged at most once a
 * minute, and the agent carries on; the next sample tries again.
 *
 * PATH ending in ".mfdz" is written in the compact format (mfdz.h): the
 * same lines, each compressed against the previous one of its kind, one
 * record per write(2); everything above holds for records as for lines.
 *
 * Rotation: when a line would take PATH past record.max_bytes, PATH.N-2 ..
 * PATH.1 move one up (the oldest, PATH.N-1, is overwritten), PATH becomes
 * PATH.1 and a fresh PATH is started, N being record.max_files. Only
 * regular files rotate: --record /dev/stdout or a FIFO just streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_COMPONENT "record"
#include "log.h"
#include "metrics.h"
#include "mfdz.h"
#include "otlp_json.h"
#include "record.h"
#include "resource.h"

/* A write error is logged at most this often. */
#define ERROR_LOG_EVERY_NS (60ull * 1000000000ull)

struct record {
	char *path; /* the live file; rotated ones are PATH.1, PATH.2 ... */
	long long max_bytes; /* record.max_bytes */
	int max_files; /* record.max_files (>= 1) */
	size_t max_events; /* record.max_events per interval */
	int fd; /* open on path, or -1 (reopened on the next line) */
	bool regular; /* fd is a regular file: rotate and cut back */
	long long size; /* bytes in the live file */
	struct otlp_resource res; /* resource attributes of every line */
	struct mfd_extfrag_event *pending; /* events since the last sample */
	size_t npending;
	uint64_t last_error_ns; /* CLOCK_MONOTONIC of the last logged error */
	uint64_t errors_unlogged; /* failed lines since that log line */
	bool compact; /* PATH ends in .mfdz: mfdz records, not lines */
	struct mfdz z; /* the compact format's previous lines */
};

static bool is_compact(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && strcmp(path + n - 5, ".mfdz") == 0;
}

bool mfd_record_enabled(const struct mfd_record_settings *cfg)
{
	return cfg->path && *cfg->path;
}

static void copy_limits(struct record *r, const struct mfd_record_settings *cfg)
{
	r->max_bytes = cfg->max_bytes;
	r->max_files = cfg->max_files < 1 ? 1 : cfg->max_files;
	r->max_events = (size_t)cfg->max_events;
}

/* A compact file starts with the magic: written into an empty one, checked
 * in one that holds something (appending records to lines, or to
 * another format, would make a file nothing reads). */
static int start_compact(struct record *r)
{
	char head[MFDZ_MAGIC_LEN];

	mfdz_reset(&r->z); /* each file decodes from its start */
	if (r->regular && r->size > 0) {
		int fd = open(r->path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? pread(fd, head, sizeof(head), 0) : -1;

		if (fd >= 0)
			close(fd);
		if (n != MFDZ_MAGIC_LEN || memcmp(head, MFDZ_MAGIC, n))
			return -EILSEQ;
		return 0;
	}
	if (write(r->fd, MFDZ_MAGIC, MFDZ_MAGIC_LEN) != MFDZ_MAGIC_LEN)
		return errno ? -errno : -EIO;
	r->size += MFDZ_MAGIC_LEN;
	return 0;
}

static int open_live(struct record *r)
{
	struct stat st;
	int err;

	r->fd = open(r->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (r->fd < 0)
		return -errno;
	if (fstat(r->fd, &st) == 0) {
		r->regular = S_ISREG(st.st_mode);
		r->size = r->regular ? (long long)st.st_size : 0;
	} else {
		r->regular = false;
		r->size = 0;
	}
	if (r->compact && (err = start_compact(r))) {
		close(r->fd);
		r->fd = -1;
		return err;
	}
	return 0;
}

static void close_live(struct record *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* PATH.i, or NULL when out of memory (i == 0 is PATH itself). */
static char *rotated_name(const struct record *r, int i)
{
	char *name;

	if (i == 0)
		return strdup(r->path);
	if (asprintf(&name, "%s.%d", r->path, i) < 0)
		return NULL;
	return name;
}

/* Shift PATH.N-2..PATH into PATH.N-1..PATH.1 and start a fresh PATH. */
static int rotate(struct record *r)
{
	int err = 0;

	close_live(r);
	if (r->max_files == 1) {
		if (truncate(r->path, 0) && errno != ENOENT)
			err = -errno;
	} else {
		for (int i = r->max_files - 1; i >= 1 && !err; i--) {
			char *from = rotated_name(r, i - 1),
			     *to = rotated_name(r, i);

			if (!from || !to)
				err = -ENOMEM;
			else if (rename(from, to) && errno != ENOENT)
				err = -errno;
			free(from);
			free(to);
		}
	}
	if (err)
		log_warn_rl("rotating %s failed: %s", r->path, strerror(-err));
	else
		log_debug("rotated %s (%d files kept)", r->path, r->max_files);
	return open_live(r);
}

static void write_failed(struct mfd_exporter *e, int err, uint64_t points)
{
	struct record *r = e->priv;
	uint64_t now = mfd_now_mono_ns();

	e->stats.requests_failed++;
	e->stats.dropped[MFD_DROP_SEND] += points;
	if (r->last_error_ns && now - r->last_error_ns < ERROR_LOG_EVERY_NS) {
		r->errors_unlogged++;
		return;
	}
	log_warn("writing to %s failed: %s; %llu point(s) dropped%s "
		 "(counted in mfd.agent.export.dropped_points, "
		 "reason send_error); still running",
		 r->path, strerror(-err), (unsigned long long)points,
		 r->errors_unlogged ? ", more lines failed since the last "
				      "message" :
				      "");
	r->last_error_ns = now;
	r->errors_unlogged = 0;
}

/* Append buf[0..len) with one write(2) (retried on a short one); a
 * failure cuts the file back to where it was. 0 or -errno. */
static int append(struct record *r, const char *buf, size_t len)
{
	long long before = r->size;
	size_t done = 0;
	int err = 0;

	while (done < len) {
		ssize_t n = write(r->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	if (err) {
		/* No torn line stays behind; where that fails too, replay
		 * skips the partial line with a warning. */
		if (done && r->regular && ftruncate(r->fd, before))
			log_debug("cutting back %s failed: %s", r->path,
				  strerror(errno));
		if (err != -ENOSPC && err != -EDQUOT && err != -EFBIG)
			close_live(r); /* reopen next time */
		return err;
	}
	r->size += (long long)len;
	return 0;
}

/* The compact record of line, appended. A record's size is known once
 * encoded, against the file it goes to: the file rotates first when it is
 * full, so it may pass max_bytes by one record. */
static int append_compact(struct record *r, const char *line, size_t len,
			  unsigned int kind)
{
	uint8_t *rec = NULL;
	size_t rec_len;
	int err;

	if (r->regular && r->size >= r->max_bytes && (err = rotate(r)))
		return err;
	err = mfdz_encode(&r->z, kind, line, len, &rec, &rec_len);
	if (!err)
		err = append(r, (const char *)rec, rec_len);
	free(rec);
	/* A record the file lost, or a line not kept as the next one's
	 * dictionary: the next record is a key. */
	if (err || mfdz_commit(&r->z, kind, line, len))
		mfdz_reset(&r->z);
	return err;
}

/* Append line + '\n' as one write, or its compact record; kind is mfdz's
 * (0 metrics, 1 logs); points is what is lost if it fails. */
static void write_line(struct mfd_exporter *e, char *line, unsigned int kind,
		       uint64_t points)
{
	struct record *r = e->priv;
	size_t len = strlen(line);
	int err;

	if (r->fd < 0 && (err = open_live(r)))
		goto fail;
	if (r->compact) {
		err = append_compact(r, line, len, kind);
	} else {
		line[len] = '\n'; /* the caller left room: see dump_line() */
		if (r->regular && r->size > 0 &&
		    r->size + (long long)len + 1 > r->max_bytes &&
		    (err = rotate(r)))
			goto fail;
		err = append(r, line, len + 1);
	}
	if (err)
		goto fail;
	e->stats.requests_sent++;
	return;
fail:
	write_failed(e, err, points);
}

/* Compact JSON with one spare byte for the newline. */
static char *dump_line(const json_t *req)
{
	char *s = mfd_otlp_json_dumps(req), *grown;
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s);
	grown = realloc(s, len + 2);
	if (!grown) {
		free(s);
		return NULL;
	}
	return grown;
}

static int count_point(const struct mfd_point *p, void *arg)
{
	(void)p;
	(*(uint64_t *)arg)++;
	return 0;
}

static void write_events(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct record *r = e->priv;
	json_t *req;
	char *line = NULL;

	if (!r->npending)
		return;
	req = mfd_otlp_json_logs(st, &r->res, r->pending, r->npending,
				 mfd_now_unix_ns());
	if (req)
		line = dump_line(req);
	json_decref(req);
	if (line)
		write_line(e, line, 1, r->npending);
	else
		e->stats.dropped[MFD_DROP_ENCODE] += r->npending;
	free(line);
	r->npending = 0;
}

static void record_on_sample(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct record *r = e->priv;
	uint64_t points = 0;
	json_t *req;
	char *line = NULL;

	write_events(e, st);
	if (!st->have_snap)
		return;
	req = mfd_otlp_json_metrics(st, &r->res);
	if (req)
		line = dump_line(req);
	json_decref(req);
	mfd_metrics_walk(st, count_point, &points);
	if (line)
		write_line(e, line, 0, points);
	else
		e->stats.dropped[MFD_DROP_ENCODE] += points;
	free(line);
}

static void record_on_event(struct mfd_exporter *e, const struct mfd_state *st,
			    const struct mfd_extfrag_event *ev)
{
	struct record *r = e->priv;

	(void)st;
	if (r->npending >= r->max_events) {
		e->stats.dropped[MFD_DROP_LOG_CAP]++;
		return;
	}
	r->pending[r->npending++] = *ev;
}

static int record_reload(struct mfd_exporter *e,
			 const struct mfd_export_settings *set)
{
	const struct mfd_record_settings *cfg = set->record;
	struct record *r = e->priv;
	struct mfd_extfrag_event *pending;
	char *path;

	if (!mfd_record_enabled(cfg)) {
		log_warn("SIGHUP: --record cannot be switched off while "
			 "running; still recording to %s",
			 r->path);
		return -EINVAL;
	}
	pending = calloc((size_t)cfg->max_events + 1, sizeof(*pending));
	if (!pending)
		return -ENOMEM;
	if (strcmp(cfg->path, r->path) != 0) {
		path = strdup(cfg->path);
		if (!path) {
			free(pending);
			return -ENOMEM;
		}
		close_live(r);
		free(r->path);
		r->path = path;
		r->compact = is_compact(path);
		log_info("recording to %s from now on", r->path);
	}
	/* Events already pending stay, up to the new cap. */
	copy_limits(r, cfg);
	if (r->npending > r->max_events) {
		e->stats.dropped[MFD_DROP_LOG_CAP] +=
			r->npending - r->max_events;
		r->npending = r->max_events;
	}
	memcpy(pending, r->pending, r->npending * sizeof(*pending));
	free(r->pending);
	r->pending = pending;
	return 0;
}

static void record_destroy(struct mfd_exporter *e)
{
	struct record *r = e->priv;

	if (r) {
		close_live(r);
		mfdz_free(&r->z);
		otlp_resource_free(&r->res);
		free(r->pending);
		free(r->path);
		free(r);
	}
	free(e);
}

static const struct mfd_exporter_ops record_ops = {
	.name = "record",
	.on_sample = record_on_sample,
	.on_event = record_on_event,
	.reload = record_reload,
	.destroy = record_destroy,
};

int mfd_record_create(const struct mfd_export_ctx *ctx,
		      struct mfd_exporter **out)
{
	struct mfd_exporter *e = calloc(1, sizeof(*e));
	struct record *r = calloc(1, sizeof(*r));
	int err;

	if (!e || !r) {
		free(e);
		free(r);
		return -ENOMEM;
	}
	e->ops = &record_ops;
	e->priv = r;
	r->fd = -1;
	copy_limits(r, ctx->set->record);
	r->path = strdup(ctx->set->record->path);
	r->pending = calloc(r->max_events + 1, sizeof(*r->pending));
	mfdz_init(&r->z);
	if (!r->path || !r->pending) {
		err = -ENOMEM;
		goto fail;
	}
	err = mfd_resource_detect(&r->res);
	if (err)
		goto fail;
	r->compact = is_compact(r->path);
	err = open_live(r);
	if (err == -EILSEQ) {
		log_error("--record %s: the file holds something other than a "
			  "compact recording, and a .mfdz path is written in "
			  "that format; move the file away or record to "
			  "another path",
			  r->path);
		goto fail;
	}
	if (err) {
		log_error("--record %s: cannot open for appending: %s", r->path,
			  strerror(-err));
		goto fail;
	}
	log_info("recording every sample to %s (%s, rotated at %lld bytes, "
		 "%d files kept)",
		 r->path,
		 r->compact ? "compact OTLP/JSON records" : "OTLP/JSON lines",
		 r->max_bytes, r->max_files);
	*out = e;
	return 0;
fail:
	record_destroy(e);
	return err;
}
