// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - leveled logging with a component tag, text/logfmt/JSON lines and
 * a replaceable sink.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "log.h"

static enum mfd_log_level cur_level = MFD_LOG_INFO;
static enum mfd_log_format cur_format = MFD_LOG_FORMAT_TEXT;
static mfd_log_sink_fn sink_fn;
static void *sink_arg;

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
	default:
		put(buf, len, &n, "%s %s %s: %s", when, level_names[level],
		    component, msg);
		break;
	}
	/* A line cut short must still close its quotes and braces. */
	if (n >= len - 1 && format != MFD_LOG_FORMAT_TEXT && len > 8)
		snprintf(buf + len - 6, 6, "%s",
			 format == MFD_LOG_FORMAT_JSON ? "...\"}" : "...\"");
}

void mfd_vlog(enum mfd_log_level level, const char *component, const char *fmt,
	      va_list ap)
{
	char msg[1024], line[1400];
	struct timespec ts;
	size_t n;

	if (level > MFD_LOG_DEBUG)
		level = MFD_LOG_DEBUG;
	if (level > cur_level)
		return;

	clock_gettime(CLOCK_REALTIME, &ts);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* One message, one line: strip trailing newlines (libbpf adds them). */
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';

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
