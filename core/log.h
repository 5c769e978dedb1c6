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

/*
 * Rate limiting, so that a fault that repeats (a full disk, a failing
 * accept(), a collector that keeps refusing) costs a few lines, not one
 * per event.
 *
 * Two mechanisms, both summarised with a "(N more suppressed)" count so
 * nothing vanishes silently:
 *  - every message: the same text (level, component and message) logged
 *    again and again in a row prints at most MFD_LOG_RL_BURST times per
 *    MFD_LOG_RL_INTERVAL_S window;
 *  - log_*_rl(): a call site that may fire per request, per batch or per
 *    packet keeps its own budget of MFD_LOG_RL_BURST lines per window,
 *    whatever its text (file names, errno) and whatever else is logged in
 *    between.
 * A line printed after some were suppressed carries the count of those
 * before it; a count still pending when the flood stops is printed by
 * mfd_log_flush_suppressed(), which the loop calls every tick and at exit.
 * Each call is either printed or counted in exactly one summary.
 */
#define MFD_LOG_RL_INTERVAL_S 10
#define MFD_LOG_RL_BURST 5

/* One call site's budget; lives in a static inside the log_*_rl() macro. */
struct mfd_log_ratelimit {
	struct mfd_log_ratelimit *next; /* registered sites, for the flush */
	struct timespec start; /* monotonic start of the current window */
	unsigned int printed; /* lines printed in this window */
	unsigned long suppressed; /* calls dropped since the last printed line */
	enum mfd_log_level level; /* of the last dropped call, for its summary */
	const char *component; /* of the last dropped call */
	char last[256]; /* text of the last dropped call, for its summary */
	int registered; /* on the flush list */
};

__attribute__((format(printf, 4, 5))) void
mfd_log_rl(struct mfd_log_ratelimit *rl, enum mfd_log_level level,
	   const char *component, const char *fmt, ...);
/* Print the counts of windows that have ended (all of them if force). */
void mfd_log_flush_suppressed(int force);
/* Tests: replace the monotonic clock (NULL restores it) and forget every
 * pending count and site. */
void mfd_log_set_clock(void (*now)(struct timespec *ts));
void mfd_log_ratelimit_reset(void);

#ifndef LOG_COMPONENT
#define LOG_COMPONENT "mfd"
#endif

#define MFD_LOG_RL_(level, ...)                                               \
	do {                                                                  \
		static struct mfd_log_ratelimit mfd_rl_site_;                 \
		mfd_log_rl(&mfd_rl_site_, level, LOG_COMPONENT, __VA_ARGS__); \
	} while (0)
#define log_error_rl(...) MFD_LOG_RL_(MFD_LOG_ERROR, __VA_ARGS__)
#define log_warn_rl(...) MFD_LOG_RL_(MFD_LOG_WARN, __VA_ARGS__)
#define log_info_rl(...) MFD_LOG_RL_(MFD_LOG_INFO, __VA_ARGS__)
#define log_debug_rl(...) MFD_LOG_RL_(MFD_LOG_DEBUG, __VA_ARGS__)

#define log_error(...) mfd_log(MFD_LOG_ERROR, LOG_COMPONENT, __VA_ARGS__)
#define log_warn(...) mfd_log(MFD_LOG_WARN, LOG_COMPONENT, __VA_ARGS__)
#define log_info(...) mfd_log(MFD_LOG_INFO, LOG_COMPONENT, __VA_ARGS__)
#define log_debug(...) mfd_log(MFD_LOG_DEBUG, LOG_COMPONENT, __VA_ARGS__)

#endif /* MFD_LOG_H */
