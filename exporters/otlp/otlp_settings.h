/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_settings.h - what the OTLP exporter is told to do, resolved once
 * from the config (flags and file) and the OTEL_* environment variables.
 * Pure: the environment comes in through a lookup function, so tests pass
 * a table. The exporter owns the result (nothing points into the config,
 * which SIGHUP replaces).
 *
 * Order, lowest first: defaults, environment, config. Within the
 * environment the per-signal variable wins over the generic one, as the
 * OTLP exporter specification says.
 */
#ifndef MFD_OTLP_SETTINGS_H
#define MFD_OTLP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "otlp_encode.h"

enum otlp_fsync { OTLP_FSYNC_BATCH = 0, OTLP_FSYNC_ALWAYS, OTLP_FSYNC_NEVER };

struct otlp_settings {
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

/* True when cfg or the environment names an endpoint. */
bool otlp_settings_enabled(const struct mfd_config *cfg, otlp_getenv_fn env);

/*
 * Resolve everything but the headers file (read by the shell, then
 * merged with otlp_settings_add_headers). 0, or -EINVAL with why[] saying
 * what is wrong (header values never appear in it), or -ENOMEM.
 */
int otlp_settings_resolve(const struct mfd_config *cfg, otlp_getenv_fn env,
			  struct otlp_settings *s, char *why, size_t why_len);

/* Merge "k=v,..." (commas or newlines) into both signals' headers, later
 * keys replacing earlier ones. 0, -EINVAL (why says where), -ENOMEM. */
int otlp_settings_add_headers(struct otlp_settings *s, const char *text,
			      const char *origin, char *why, size_t why_len);

void otlp_settings_free(struct otlp_settings *s);

/* url with the password of its userinfo ("user:password@") replaced by
 * "***", fit for a log. Malloc'ed (NULL on ENOMEM). */
char *otlp_redact_url(const char *url);

/* Overwrite, in place, every occurrence in text of every secret of s
 * (header values, their credential after "Bearer "/"Basic ", URL
 * passwords raw and percent-decoded, and the Basic credential curl makes
 * of a URL's userinfo) with '*'. For text a collector echoes back. */
void otlp_scrub_secrets(const struct otlp_settings *s, char *text);

/* Base endpoint + "v1/metrics" with the spec's slash rule. Malloc'ed. */
char *otlp_signal_url(const char *base, enum otlp_signal sig);

#endif /* MFD_OTLP_SETTINGS_H */
