/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - one logger for the agent, libbpf included.
 *
 * Each .c file defines LOG_COMPONENT before including this header; messages
 * carry it so a line says which part of the agent spoke.
 */
#ifndef MFD_LOG_H
#define MFD_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

enum mfd_log_level {
	MFD_LOG_ERROR = 0,
	MFD_LOG_WARN,
	MFD_LOG_INFO,
	MFD_LOG_DEBUG,
};

/* How a line looks: text "TIME LEVEL COMPONENT: MSG", logfmt
 * "time=.. level=.. component=.. msg=..", or one JSON object per line. */
enum mfd_log_format {
	MFD_LOG_FORMAT_TEXT = 0,
	MFD_LOG_FORMAT_LOGFMT,
	MFD_LOG_FORMAT_JSON,
};

/* Where lines go; default writes to stderr. The live terminal view
 * installs its own sink so log lines do not tear the screen; a sink always
 * gets the text form, whatever the format, since it is shown to a person. */
typedef void (*mfd_log_sink_fn)(enum mfd_log_level level, const char *line,
				void *arg);

void mfd_log_set_level(enum mfd_log_level level);
void mfd_log_set_format(enum mfd_log_format format);
/* Format one line (no newline) into buf; used by mfd_vlog, and by tests. */
void mfd_log_format_line(char *buf, size_t len, enum mfd_log_format format,
			 const struct timespec *ts, enum mfd_log_level level,
			 const char *component, const char *msg);
void mfd_log_set_sink(mfd_log_sink_fn fn, void *arg);
/* Send libbpf's own messages through this logger. */
void mfd_log_route_libbpf(void);

__attribute__((format(printf, 3, 4))) void
mfd_log(enum mfd_log_level level, const char *component, const char *fmt, ...);
void mfd_vlog(enum mfd_log_level level, const char *component, const char *fmt,
	      va_list ap);

#ifndef LOG_COMPONENT
#define LOG_COMPONENT "mfd"
#endif

#define log_error(...) mfd_log(MFD_LOG_ERROR, LOG_COMPONENT, __VA_ARGS__)
#define log_warn(...) mfd_log(MFD_LOG_WARN, LOG_COMPONENT, __VA_ARGS__)
#define log_info(...) mfd_log(MFD_LOG_INFO, LOG_COMPONENT, __VA_ARGS__)
#define log_debug(...) mfd_log(MFD_LOG_DEBUG, LOG_COMPONENT, __VA_ARGS__)

#endif /* MFD_LOG_H */
