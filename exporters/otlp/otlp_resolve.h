/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_resolve.h - what the OTLP exporter is told to do, resolved once
 * from its configured settings (flags and file, otlp_settings.h) and the
 * OTEL_* environment variables. Pure: the environment and the origin of
 * each value come in through functions, so tests pass tables. The
 * exporter owns the result (nothing points into the settings, which
 * SIGHUP replaces).
 *
 * Order, lowest first: defaults, file, environment, flags. Within the
 * environment the per-signal variable wins over the generic one, as the
 * OTLP exporter specification says.
 */
#ifndef MFD_OTLP_RESOLVE_H
#define MFD_OTLP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "otlp_encode.h"
#include "otlp_kv.h"
#include "otlp_settings.h"

enum otlp_fsync { OTLP_FSYNC_BATCH = 0, OTLP_FSYNC_ALWAYS, OTLP_FSYNC_NEVER };

struct otlp_resolved {
	char *url[OTLP_SIGNALS]; /* full URLs (/v1/metrics, /v1/logs) */
	struct otlp_kv *headers[OTLP_SIGNALS]; /* extra headers (secrets) */
	size_t nheaders[OTLP_SIGNALS];
	long timeout_ms;
	bool gzip;
	char *ca_file, *client_key, *client_cert;
	bool insecure;
	double export_interval; /* seconds */
	char *spool_dir;
	size_t spool_max_bytes;
	enum otlp_fsync fsync;
	size_t queue_batches;
	size_t max_request_bytes;
	size_t log_cap;
	double max_backoff; /* seconds */
	char *url_log[OTLP_SIGNALS]; /* url with any password as "***" */
	char **secrets; /* every configured secret, in every form it may
			 * be echoed in: scrubbed from text logged */
	size_t nsecrets;
};

typedef const char *(*otlp_getenv_fn)(const char *name);

/* Whether the command line gave the option with this config key: a flag
 * beats an OTEL_* variable, a value from the file does not. ctx is the
 * caller's (the daemon's config). */
typedef bool (*otlp_by_flag_fn)(const void *ctx, const char *key);

/* Where the resolver reads from. */
struct otlp_sources {
	const struct mfd_otlp_settings *cfg; /* flags and file, merged */
	otlp_by_flag_fn by_flag;
	const void *by_flag_ctx;
	otlp_getenv_fn env;
};

/* True when cfg or the environment names an endpoint. */
bool otlp_resolve_enabled(const struct mfd_otlp_settings *cfg,
			  otlp_getenv_fn env);

/*
 * Resolve everything but the headers file (read by the shell, then
 * merged with otlp_resolved_add_headers). 0, or -EINVAL with why[] saying
 * what is wrong (header values never appear in it), or -ENOMEM.
 */
int otlp_resolve(const struct otlp_sources *src, struct otlp_resolved *s,
		 char *why, size_t why_len);

/* Merge "k=v,..." (commas or newlines) into both signals' headers, later
 * keys replacing earlier ones. 0, -EINVAL (why says where), -ENOMEM. */
int otlp_resolved_add_headers(struct otlp_resolved *s, const char *text,
			      const char *origin, char *why, size_t why_len);

void otlp_resolved_free(struct otlp_resolved *s);

/* Base endpoint + "v1/metrics" with the spec's slash rule. Malloc'ed. */
char *otlp_signal_url(const char *base, enum otlp_signal sig);

/* --- secrets --------------------------------------------------------------- */

/* url with the password of its userinfo ("user:password@") replaced by
 * "***", fit for a log. Malloc'ed (NULL on ENOMEM). */
char *otlp_redact_url(const char *url);

/* Record in s every form in which a configured secret (its header
 * values, the passwords of its URLs) may come back in a response. 0 or
 * -ENOMEM. */
int otlp_collect_secrets(struct otlp_resolved *s);

/* Overwrite, in place, every occurrence in text of every secret of s
 * (header values, their credential after "Bearer "/"Basic ", URL
 * passwords raw and percent-decoded, and the Basic credential curl makes
 * of a URL's userinfo) with '*'. For text a collector echoes back. */
void otlp_scrub_secrets(const struct otlp_resolved *s, char *text);

#endif /* MFD_OTLP_RESOLVE_H */
