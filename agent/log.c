// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - leveled logging with a component tag and a replaceable sink.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "log.h"

static enum mfd_log_level cur_level = MFD_LOG_INFO;
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

void mfd_vlog(enum mfd_log_level level, const char *component, const char *fmt,
	      va_list ap)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	size_t n;
	int r;

	if (level > MFD_LOG_DEBUG)
		level = MFD_LOG_DEBUG;
	if (level > cur_level)
		return;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof(line) - n,
		     ".%03ldZ %s %s: ", ts.tv_nsec / 1000000,
		     level_names[level], component);
	if (r > 0 && (size_t)r < sizeof(line) - n)
		n += (size_t)r;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	/* One message, one line: strip trailing newlines (libbpf adds them). */
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';

	if (sink_fn)
		sink_fn(level, line, sink_arg);
	else
		fprintf(stderr, "%s\n", line);
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
