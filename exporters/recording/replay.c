// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - reading a recording back (see replay.h): the file read line
 * by line into samples and the events before each, the pace of the
 * recording (--replay-speed), the start time (--replay-at) and the
 * source ops the collector drives. Each line is decoded by
 * mfd_replay_decode() (replay_decode.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_COMPONENT "replay"
#include "log.h"
#include "mfdz.h"
#include "replay.h"
#include "state.h"

/* Lines longer than this are skipped unread (a sample of 128 zones is
 * about 2 MiB). */
#define MAX_LINE (64u << 20)
/* Events kept for one sample interval. */
#define MAX_EVENTS 16384

/* --- reading a file -------------------------------------------------------- */

/* One decoded sample with the events that came before it. */
struct slot {
	bool full;
	struct mfd_replay_rec rec;
	struct mfd_extfrag_event *events;
	size_t nevents;
};

struct mfd_replay {
	char *path;
	FILE *f;
	const struct mfd_kinfo *k;
	double speed;
	uint64_t lineno; /* lines read */
	uint64_t skipped; /* lines skipped */
	uint64_t samples; /* samples returned */
	uint64_t mismatch_lines; /* samples whose indices disagreed */
	struct slot slot[2]; /* [cur] returned last, [!cur] read ahead */
	int cur;
	bool events_taken; /* slot[cur]'s events were handed out */
	bool have_totals;
	struct mfd_extfrag_totals totals;
	uint64_t prev_count; /* collection.duration of the previous sample */
	double prev_sum;
	struct mfd_extfrag_event *scratch; /* one logs line's events */
	char *line; /* the line being read, at most MAX_LINE bytes + NUL */
	size_t line_cap; /* bytes allocated at line */
	bool binary; /* a NUL byte was read: not a recording; stopped */
	bool compact; /* the file is in the compact format (mfdz.h) */
	struct mfdz z; /* its previous lines */
	uint8_t *rec; /* one compact record */
	size_t rec_cap;
};

/* What read_line() found besides the bytes. */
struct line_info {
	bool newline; /* ended by '\n', not by the end of the file */
	bool too_long; /* longer than MAX_LINE: the rest was discarded */
	bool nul; /* a NUL byte: binary data, reading stopped there */
	bool corrupt; /* a compact record that does not decode: skipped */
};

/*
 * Read one line into r->line, keeping at most MAX_LINE bytes: the cap
 * holds while the line is read, so a 200 MB line costs 64 MiB at most and
 * its tail is discarded as it streams past. A NUL byte cannot be in a
 * JSON line: it means binary data (--replay /dev/zero, an image), and
 * reading stops at once rather than hunting forever for a newline.
 * Returns the bytes kept (0 for an empty line), or -1 at the end.
 */
static ssize_t read_line(struct mfd_replay *r, struct line_info *li)
{
	size_t len = 0, seen = 0;
	int c;

	memset(li, 0, sizeof(*li));
	while ((c = getc_unlocked(r->f)) != EOF) {
		seen++;
		if (c == '\n') {
			li->newline = true;
			break;
		}
		if (c == '\0') {
			li->nul = true;
			break;
		}
		if (len >= MAX_LINE) {
			li->too_long = true;
			continue;
		}
		if (len + 1 >= r->line_cap) {
			size_t cap = r->line_cap ? r->line_cap * 2 : 1u << 16;
			char *n;

			if (cap > (size_t)MAX_LINE + 1)
				cap = (size_t)MAX_LINE + 1;
			n = realloc(r->line, cap);
			if (!n) { /* keep what fits; the line is skipped */
				li->too_long = true;
				continue;
			}
			r->line = n;
			r->line_cap = cap;
		}
		r->line[len++] = (char)c;
	}
	if (!seen)
		return -1;
	if (r->line)
		r->line[len] = '\0';
	return (ssize_t)len;
}

/*
 * The compact format's next record, decoded into r->line as read_line()
 * would read a line. A record's length is its first bytes; one past any
 * line's is corruption that cannot be skipped (the next record's start is
 * lost), so reading stops there, as at a NUL in a lines file; so it does
 * at a record cut off at the end.
 */
static ssize_t read_record(struct mfd_replay *r, struct line_info *li)
{
	uint64_t n = 0;
	size_t len;
	char *line;
	int c, shift = 0, err;

	memset(li, 0, sizeof(*li));
	for (;;) {
		c = getc_unlocked(r->f);
		if (c == EOF) {
			if (shift)
				log_warn("%s: the last record is incomplete "
					 "(the recording was cut off)",
					 r->path);
			return -1;
		}
		n |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
		shift += 7;
		if (shift > 35)
			goto corrupt;
	}
	if (n > MAX_LINE + MAX_LINE / 8)
		goto corrupt;
	if (n > r->rec_cap) {
		uint8_t *p = realloc(r->rec, n);

		if (!p) {
			li->too_long = true; /* skipped, as a line would be */
			return 0;
		}
		r->rec = p;
		r->rec_cap = n;
	}
	if (fread(r->rec, 1, n, r->f) != n) {
		log_warn("%s: the last record is incomplete (the recording "
			 "was cut off)",
			 r->path);
		return -1;
	}
	li->newline = true;
	err = mfdz_decode(&r->z, r->rec, n, &line, &len);
	if (err) {
		li->corrupt = true;
		return 0;
	}
	if (len + 1 > r->line_cap) {
		char *p = realloc(r->line, len + 1);

		if (!p) {
			li->too_long = true;
			return 0;
		}
		r->line = p;
		r->line_cap = len + 1;
	}
	memcpy(r->line, line, len + 1);
	return (ssize_t)len;
corrupt:
	li->nul = true; /* as binary data: nothing after it can be read */
	return 0;
}

/* A compact recording starts with the magic; a JSON line cannot start
 * with its first byte, so one byte of look-ahead tells them apart (a pipe
 * cannot be rewound further). */
static void detect_compact(struct mfd_replay *r)
{
	char head[MFDZ_MAGIC_LEN];
	int c = getc_unlocked(r->f);

	if (c == EOF)
		return;
	if (c != MFDZ_MAGIC[0]) {
		ungetc(c, r->f);
		return;
	}
	head[0] = (char)c;
	if (fread(head + 1, 1, MFDZ_MAGIC_LEN - 1, r->f) ==
		    MFDZ_MAGIC_LEN - 1 &&
	    !memcmp(head, MFDZ_MAGIC, MFDZ_MAGIC_LEN))
		r->compact = true;
	/* else: the rest of that first line is read as one, and skipped */
}

static void skip_line(struct mfd_replay *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void skip_line(struct mfd_replay *r, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->skipped++;
	log_warn_rl("%s line %llu skipped: %s", r->path,
		    (unsigned long long)r->lineno, msg);
}

/* Read lines into s until a sample is complete. 0 or -ENODATA at EOF.
 * keep: add to the events s already holds (samples skipped to reach
 * --replay-at hand theirs on to the first sample shown, so its table
 * holds every event recorded up to it, as its cumulative totals do). */
static int read_sample(struct mfd_replay *r, struct slot *s, bool keep)
{
	struct line_info li;
	char why[256];
	ssize_t n;
	int err = -ENODATA;

	s->full = false;
	if (!keep)
		s->nevents = 0;
	s->rec.events = r->scratch;
	s->rec.events_cap = MAX_EVENTS;
	if (r->binary)
		return err;
	while ((n = r->compact ? read_record(r, &li) : read_line(r, &li)) >=
	       0) {
		size_t len = (size_t)n;
		const char *line = r->line;
		bool newline = li.newline;

		r->lineno++;
		if (li.nul) {
			r->binary = true;
			r->skipped++;
			log_error("%s line %llu: a NUL byte: this is not a "
				  "JSON-lines recording; the replay stops "
				  "here",
				  r->path, (unsigned long long)r->lineno);
			break;
		}
		if (li.too_long) {
			skip_line(r, "longer than %u bytes", MAX_LINE);
			continue;
		}
		if (li.corrupt) {
			skip_line(r, "a compact record that does not decode "
				     "(corrupt, or after one that did not)");
			continue;
		}
		if (len == 0)
			continue;
		if (mfd_replay_decode(line, len, r->k, &s->rec, why,
				      sizeof(why))) {
			if (!newline)
				skip_line(r,
					  "the last line is incomplete "
					  "(the recording was cut off): %s",
					  why);
			else
				skip_line(r, "%s", why);
			continue;
		}
		if (s->rec.kind == MFD_REPLAY_LOGS) {
			size_t room = MAX_EVENTS - s->nevents;
			size_t take = s->rec.nevents < room ? s->rec.nevents :
							      room;

			memcpy(s->events + s->nevents, s->rec.events,
			       take * sizeof(*s->events));
			s->nevents += take;
			continue;
		}
		if (s->rec.index_mismatches) {
			r->mismatch_lines++;
			log_warn_rl(
				"%s line %llu: %u recorded indices differ from "
				"the ones its free blocks give; using the "
				"recomputed ones",
				r->path, (unsigned long long)r->lineno,
				s->rec.index_mismatches);
		}
		s->full = true;
		err = 0;
		break;
	}
	if (n < 0 && ferror(r->f)) {
		log_warn("reading %s failed: %s", r->path, strerror(errno));
		err = -ENODATA;
	}
	return err;
}

int mfd_replay_parse_time(const char *s, uint64_t *unix_ns)
{
	struct tm tm;
	const char *rest;
	char *end;
	unsigned long long whole;
	double frac = 0;
	time_t t;

	if (!s || !*s)
		return -EINVAL;
	if (strchr(s, '-')) {
		memset(&tm, 0, sizeof(tm));
		rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
		if (!rest)
			return -EINVAL;
		if (*rest == '.') {
			errno = 0;
			frac = strtod(rest, &end);
			if (errno || end == rest)
				return -EINVAL;
			rest = end;
		}
		if (strcmp(rest, "Z") != 0)
			return -EINVAL;
		t = timegm(&tm);
		if (t < 0)
			return -EINVAL;
		*unix_ns = (uint64_t)t * 1000000000ull +
			   (uint64_t)llround(frac * 1e9);
		return 0;
	}
	/* Unix seconds, the fraction read digit by digit: a double would
	 * round nanoseconds away. */
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	whole = strtoull(s, &end, 10);
	if (errno || whole > 10000000000ull)
		return -EINVAL;
	*unix_ns = whole * 1000000000ull;
	if (*end == '.') {
		uint64_t scale = 100000000ull;

		for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
			*unix_ns += (uint64_t)(*end - '0') * scale;
	}
	return *end ? -EINVAL : 0;
}

int mfd_replay_open(struct mfd_replay **out, const char *path,
		    const struct mfd_kinfo *k, double speed,
		    uint64_t start_unix_ns, char *why, size_t why_len)
{
	struct mfd_replay *r = calloc(1, sizeof(*r));
	int err = -ENOMEM;

	*out = NULL;
	if (!r)
		goto fail;
	r->k = k;
	r->speed = speed;
	r->path = strdup(path);
	r->scratch = calloc(MAX_EVENTS, sizeof(*r->scratch));
	for (int i = 0; i < 2; i++)
		r->slot[i].events = calloc(MAX_EVENTS, sizeof(*r->scratch));
	if (!r->path || !r->scratch || !r->slot[0].events || !r->slot[1].events)
		goto fail;
	r->f = fopen(path, "re");
	if (!r->f) {
		err = -errno;
		snprintf(why, why_len, "cannot open %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	detect_compact(r);
	/* slot[1] is "ahead": mfd_replay_next() moves it to cur. */
	r->cur = 0;
	for (;;) {
		struct slot *s = &r->slot[1];

		if (read_sample(r, s, true)) {
			err = -ENODATA;
			snprintf(why, why_len,
				 "%s holds no sample%s (%llu lines, %llu "
				 "skipped%s)",
				 path,
				 start_unix_ns ? " at or after --replay-at" :
						 "",
				 (unsigned long long)r->lineno,
				 (unsigned long long)r->skipped,
				 r->binary ? "; a NUL byte: not a JSON-lines "
					     "recording" :
					     "");
			goto fail;
		}
		if (s->rec.snap.time_unix_nano >= start_unix_ns)
			break;
		/* Skipped, but its cumulative histogram is the base of the
		 * next sample's duration. */
		if (s->rec.have_hist) {
			r->prev_count = s->rec.hist_count;
			r->prev_sum = s->rec.hist_sum;
		}
	}
	r->events_taken = true;
	*out = r;
	return 0;
fail:
	if (err == -ENOMEM)
		snprintf(why, why_len, "out of memory");
	mfd_replay_close(r);
	return err;
}

int mfd_replay_next(struct mfd_replay *r, struct mfd_snapshot *snap)
{
	int ahead = !r->cur;
	struct slot *s = &r->slot[ahead];
	uint64_t c;

	if (!s->full)
		return -ENODATA;
	r->cur = ahead;
	r->events_taken = false;
	memcpy(snap, &s->rec.snap, sizeof(*snap));
	snap->mono_ns = mfd_now_mono_ns();
	/* The histogram is cumulative: one more sample means its sum grew
	 * by exactly this sample's duration. */
	c = s->rec.hist_count;
	if (s->rec.have_hist && c == r->prev_count + 1)
		snap->duration_ns = (uint64_t)llround(
			(s->rec.hist_sum - r->prev_sum) * 1e9);
	else
		snap->duration_ns = 0;
	if (s->rec.have_hist) {
		r->prev_count = c;
		r->prev_sum = s->rec.hist_sum;
	}
	if (s->rec.have_events) {
		r->have_totals = true;
		r->totals = s->rec.totals;
	}
	r->samples++;
	/* Read the following one now, so the delay to it is known. */
	read_sample(r, &r->slot[!r->cur], false);
	return 0;
}

size_t mfd_replay_take_events(struct mfd_replay *r, mfd_replay_event_fn fn,
			      void *arg)
{
	struct slot *s = &r->slot[r->cur];
	int64_t unix_to_mono =
		(int64_t)mfd_now_mono_ns() - (int64_t)mfd_now_unix_ns();

	if (r->events_taken)
		return 0;
	r->events_taken = true;
	for (size_t i = 0; i < s->nevents; i++) {
		struct mfd_extfrag_event e = s->events[i];

		e.ts_ns = (uint64_t)((int64_t)e.ts_ns + unix_to_mono);
		fn(&e, arg);
	}
	if (s->nevents)
		r->have_totals = true;
	return s->nevents;
}

const struct mfd_extfrag_totals *mfd_replay_totals(const struct mfd_replay *r)
{
	return r->have_totals ? &r->totals : NULL;
}

double mfd_replay_delay(const struct mfd_replay *r)
{
	const struct slot *cur = &r->slot[r->cur], *next = &r->slot[!r->cur];
	double gap;

	if (r->speed <= 0 || !next->full || !cur->full)
		return 0;
	if (next->rec.snap.time_unix_nano <= cur->rec.snap.time_unix_nano)
		return 0;
	gap = (double)(next->rec.snap.time_unix_nano -
		       cur->rec.snap.time_unix_nano) /
	      1e9;
	return gap / r->speed;
}

uint64_t mfd_replay_samples(const struct mfd_replay *r)
{
	return r->samples;
}

uint64_t mfd_replay_skipped(const struct mfd_replay *r)
{
	return r->skipped;
}

const char *mfd_replay_path(const struct mfd_replay *r)
{
	return r->path;
}

void mfd_replay_close(struct mfd_replay *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	mfdz_free(&r->z);
	free(r->rec);
	free(r->scratch);
	free(r->line);
	free(r->slot[0].events);
	free(r->slot[1].events);
	free(r->path);
	free(r);
}

static const struct mfd_source_ops replay_source_ops = {
	.next = mfd_replay_next,
	.delay = mfd_replay_delay,
	.close = mfd_replay_close,
};

int mfd_collector_open_replay(struct mfd_collector *c, const char *path,
			      const struct mfd_kinfo *k, double speed,
			      uint64_t start_unix_ns)
{
	struct mfd_replay *r = NULL;
	char why[sizeof(c->fallback_reason)] = "";
	int err;

	err = mfd_replay_open(&r, path, k, speed, start_unix_ns, why,
			      sizeof(why));
	mfd_collector_open_source(c, &replay_source_ops, r);
	snprintf(c->fallback_reason, sizeof(c->fallback_reason), "%s", why);
	return err;
}
