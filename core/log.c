// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - leveled logging with a component tag, text/logfmt/JSON lines and
 * a replaceable sink.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "escape.h"
#include "log.h"

static enum mfd_log_level cur_level = MFD_LOG_INFO;
static enum mfd_log_format cur_format = MFD_LOG_FORMAT_TEXT;
static mfd_log_sink_fn sink_fn;
static void *sink_arg;

/* The last message, for the suppression of identical runs. */
static struct {
	bool valid;
	enum mfd_log_level level;
	char component[32];
	char text[1024];
	struct timespec start; /* window start */
	unsigned int printed; /* copies printed in this window */
	unsigned long suppressed; /* copies dropped since the last printed */
} rep;

static struct mfd_log_ratelimit *rl_sites; /* every log_*_rl() site used */
static unsigned int rl_pending; /* sites with a count to print */
static void (*clock_fn)(struct timespec *ts);
static bool atexit_done;

static const char *const level_names[] = {
	[MFD_LOG_ERROR] = "error",
	[MFD_LOG_WARN] = "warn",
	[MFD_LOG_INFO] = "info",
	[MFD_LOG_DEBUG] = "debug",
};

void mfd_log_set_level(enum mfd_log_level level)
{
	cur_level = level;
}

void mfd_log_set_sink(mfd_log_sink_fn fn, void *arg)
{
	sink_fn = fn;
	sink_arg = arg;
}

void mfd_log_set_format(enum mfd_log_format format)
{
	cur_format = format;
}

/* Append s to buf[*n..len) escaped for a JSON or logfmt quoted string:
 * quote and backslash escaped, control bytes as \u00XX (JSON) or \xXX. */
static void put_escaped(char *buf, size_t len, size_t *n, const char *s,
			bool json)
{
	for (; *s && *n + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf[(*n)++] = '\\';
			buf[(*n)++] = (char)c;
		} else if (c == '\n') {
			buf[(*n)++] = '\\';
			buf[(*n)++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			*n += (size_t)snprintf(buf + *n, len - *n,
					       json ? "\\u%04x" : "\\x%02x", c);
		} else {
			buf[(*n)++] = (char)c;
		}
	}
	buf[*n] = '\0';
}

static void put(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n = *n + (size_t)r < len ? *n + (size_t)r : len - 1;
}

void mfd_log_format_line(char *buf, size_t len, enum mfd_log_format format,
			 const struct timespec *ts, enum mfd_log_level level,
			 const char *component, const char *msg)
{
	char when[64];
	struct tm tm;
	size_t n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (level > MFD_LOG_DEBUG)
		level = MFD_LOG_DEBUG;
	gmtime_r(&ts->tv_sec, &tm);
	n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof(when) - n, ".%03ldZ", ts->tv_nsec / 1000000);
	n = 0;
	switch (format) {
	case MFD_LOG_FORMAT_LOGFMT:
		put(buf, len, &n, "time=%s level=%s component=%s msg=\"", when,
		    level_names[level], component);
		put_escaped(buf, len, &n, msg, false);
		put(buf, len, &n, "\"");
		break;
	case MFD_LOG_FORMAT_JSON:
		put(buf, len, &n,
		    "{\"time\":\"%s\",\"level\":\"%s\","
		    "\"component\":\"",
		    when, level_names[level]);
		put_escaped(buf, len, &n, component, true);
		put(buf, len, &n, "\",\"msg\":\"");
		put_escaped(buf, len, &n, msg, true);
		put(buf, len, &n, "\"}");
		break;
	default: {
		/* A terminal reads this format: no control bytes from a
		 * process name, a URI or a recorded zone name get through. */
		char safe[2048], comp[64];

		mfd_escape_ctrl(safe, sizeof(safe), msg, NULL);
		mfd_escape_ctrl(comp, sizeof(comp), component, NULL);
		put(buf, len, &n, "%s %s %s: %s", when, level_names[level],
		    comp, safe);
		break;
	}
	}
	/* A line cut short must still close its quotes and braces. */
	if (n >= len - 1 && format != MFD_LOG_FORMAT_TEXT && len > 8)
		snprintf(buf + len - 6, 6, "%s",
			 format == MFD_LOG_FORMAT_JSON ? "...\"}" : "...\"");
}

static void monotonic_now(struct timespec *ts)
{
	if (clock_fn)
		clock_fn(ts);
	else
		clock_gettime(CLOCK_MONOTONIC, ts);
}

static bool window_over(const struct timespec *start,
			const struct timespec *now)
{
	time_t d = now->tv_sec - start->tv_sec;

	return d > MFD_LOG_RL_INTERVAL_S ||
	       (d == MFD_LOG_RL_INTERVAL_S && now->tv_nsec >= start->tv_nsec);
}

/* Print one finished message: the sink if any, else stderr. */
static void emit(enum mfd_log_level level, const char *component,
		 const char *msg)
{
	char line[1400];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (sink_fn) {
		mfd_log_format_line(line, sizeof(line), MFD_LOG_FORMAT_TEXT,
				    &ts, level, component, msg);
		sink_fn(level, line, sink_arg);
	} else {
		mfd_log_format_line(line, sizeof(line), cur_format, &ts, level,
				    component, msg);
		fprintf(stderr, "%s\n", line);
	}
}

/* Print msg standing for itself and n suppressed calls before it. */
static void emit_counted(enum mfd_log_level level, const char *component,
			 const char *msg, unsigned long n)
{
	char buf[1100];
	char tail[48];
	size_t room;

	if (!n) {
		emit(level, component, msg);
		return;
	}
	snprintf(tail, sizeof(tail), " (%lu more suppressed)", n);
	room = sizeof(buf) - strlen(tail) - 1;
	snprintf(buf, sizeof(buf), "%.*s%s", (int)room, msg, tail);
	emit(level, component, buf);
}

/* Print the count of an identical run that ended; the line shown is one
 * of the suppressed copies, so it stands for n - 1 more. */
static void flush_rep(void)
{
	if (!rep.suppressed)
		return;
	emit_counted(rep.level, rep.component, rep.text, rep.suppressed - 1);
	rep.suppressed = 0;
}

static void flush_site(struct mfd_log_ratelimit *rl, const struct timespec *now)
{
	if (!rl->suppressed)
		return;
	flush_rep();
	emit_counted(rl->level, rl->component, rl->last, rl->suppressed - 1);
	rl->suppressed = 0;
	rl->start = *now;
	rl->printed = 1;
	rl_pending--;
}

void mfd_log_flush_suppressed(int force)
{
	struct timespec now;

	monotonic_now(&now);
	if (rep.suppressed && (force || window_over(&rep.start, &now))) {
		flush_rep();
		rep.start = now;
		rep.printed = 1;
	}
	if (!rl_pending)
		return;
	for (struct mfd_log_ratelimit *rl = rl_sites; rl; rl = rl->next)
		if (rl->suppressed && (force || window_over(&rl->start, &now)))
			flush_site(rl, &now);
}

/* At exit, print what is still pending, on stderr: a sink may be gone. */
static void flush_at_exit(void)
{
	sink_fn = NULL;
	mfd_log_flush_suppressed(1);
}

static void register_atexit(void)
{
	if (!atexit_done) {
		atexit_done = true;
		atexit(flush_at_exit);
	}
}

/* Print msg unless it is one more copy of the line before it past the
 * window's budget. */
static void log_msg(enum mfd_log_level level, const char *component,
		    const char *msg)
{
	struct timespec now;

	monotonic_now(&now);
	if (rl_pending)
		mfd_log_flush_suppressed(0);
	if (rep.valid && rep.level == level &&
	    !strncmp(rep.component, component, sizeof(rep.component) - 1) &&
	    !strcmp(rep.text, msg)) {
		if (window_over(&rep.start, &now)) {
			unsigned long n = rep.suppressed;

			rep.suppressed = 0;
			rep.start = now;
			rep.printed = 1;
			emit_counted(level, component, msg, n);
		} else if (rep.printed < MFD_LOG_RL_BURST) {
			rep.printed++;
			emit(level, component, msg);
		} else {
			rep.suppressed++;
			register_atexit();
		}
		return;
	}
	flush_rep();
	rep.valid = true;
	rep.level = level;
	snprintf(rep.component, sizeof(rep.component), "%s", component);
	snprintf(rep.text, sizeof(rep.text), "%s", msg);
	rep.start = now;
	rep.printed = 1;
	rep.suppressed = 0;
	emit(level, component, msg);
}

/* Format a message into buf as one line: no trailing newlines (libbpf
 * adds them). */
static void format_msg(char *buf, size_t len, const char *fmt, va_list ap)
{
	size_t n;

	vsnprintf(buf, len, fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
}

void mfd_vlog(enum mfd_log_level level, const char *component, const char *fmt,
	      va_list ap)
{
	char msg[1024];

	if (level > MFD_LOG_DEBUG)
		level = MFD_LOG_DEBUG;
	if (level > cur_level)
		return;
	format_msg(msg, sizeof(msg), fmt, ap);
	log_msg(level, component, msg);
}

void mfd_log_rl(struct mfd_log_ratelimit *rl, enum mfd_log_level level,
		const char *component, const char *fmt, ...)
{
	struct timespec now;
	unsigned long n = 0;
	char msg[1024];
	va_list ap;

	if (level > MFD_LOG_DEBUG)
		level = MFD_LOG_DEBUG;
	if (level > cur_level)
		return;
	monotonic_now(&now);
	if (!rl->registered) {
		rl->registered = 1;
		rl->next = rl_sites;
		rl_sites = rl;
		rl->start = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (window_over(&rl->start, &now)) {
		n = rl->suppressed;
		if (n)
			rl_pending--;
		rl->suppressed = 0;
		rl->start = now;
		rl->printed = 0;
	} else if (rl->printed >= MFD_LOG_RL_BURST) {
		/* Keep the first dropped text: formatting every dropped
		 * call would cost a flood more than it saves. */
		if (!rl->suppressed++) {
			va_start(ap, fmt);
			format_msg(rl->last, sizeof(rl->last), fmt, ap);
			va_end(ap);
			rl->level = level;
			rl->component = component;
			rl_pending++;
			register_atexit();
		}
		return;
	}
	rl->printed++;
	va_start(ap, fmt);
	format_msg(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n) {
		flush_rep();
		rep.valid = false;
		emit_counted(level, component, msg, n);
		return;
	}
	log_msg(level, component, msg);
}

void mfd_log_set_clock(void (*now)(struct timespec *ts))
{
	clock_fn = now;
}

void mfd_log_ratelimit_reset(void)
{
	struct mfd_log_ratelimit *rl = rl_sites;

	while (rl) {
		struct mfd_log_ratelimit *next = rl->next;

		rl->registered = 0;
		rl->suppressed = 0;
		rl->next = NULL;
		rl = next;
	}
	rl_sites = NULL;
	rl_pending = 0;
	memset(&rep, 0, sizeof(rep));
}

void mfd_log(enum mfd_log_level level, const char *component, const char *fmt,
	     ...)
{
	va_list ap;

	va_start(ap, fmt);
	mfd_vlog(level, component, fmt, ap);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	enum mfd_log_level l = level == LIBBPF_WARN ? MFD_LOG_WARN :
			       level == LIBBPF_INFO ? MFD_LOG_DEBUG :
						      MFD_LOG_DEBUG;

	/* libbpf's INFO/DEBUG chatter (and verifier logs) only at debug. */
	if (l > cur_level)
		return 0;
	mfd_vlog(l, "libbpf", fmt, ap);
	return 0;
}

void mfd_log_route_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
