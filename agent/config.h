/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - the agent's settings and the one table that drives them.
 *
 * Every option is a row of mfd_options[] (config.c): long name, short
 * letter, type, bounds, default, the offset of its field in struct
 * mfd_config, and one line of help. Parsing, validation, defaults and
 * --help are all generated from that table.
 */
#ifndef MFD_CONFIG_H
#define MFD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "collector.h"
#include "view.h"

enum mfd_format {
	MFD_FORMAT_TABLE = 0,
	MFD_FORMAT_JSON,
	MFD_FORMAT_CSV,
};

struct mfd_config {
	double interval; /* seconds between snapshots (-d) */
	int view; /* enum mfd_view (-n -z -s -v) */
	int index; /* enum mfd_index_sel (-e -u) */
	bool bars; /* -b */
	char *zone; /* -c NAME, or NULL */
	int node; /* -i ID, or -1 */
	bool no_color; /* --no-color */
	bool headless; /* --headless: collect, no view */
	bool once; /* --once: one snapshot, print, exit */
	int format; /* enum mfd_format for --once */
	int source; /* enum mfd_source_mode */
	bool probe; /* --probe: check what works, exit */
	int log_level; /* enum mfd_log_level */
	int ringbuf_kib; /* extfrag ring buffer size */
	int max_procs; /* processes tracked by the -s table */
	char *proc_dir; /* where buddyinfo/zoneinfo live (tests) */
	bool no_events; /* do not attach the extfrag tracepoint */
	double duration; /* stop after this many seconds (0: run forever) */
	double shutdown_timeout; /* seconds the final flush may take */
	/* OTLP/HTTP exporter (exporters/otlp.c). Unset strings are NULL and
	 * unset numbers 0: the exporter then falls back to the OTEL_*
	 * environment variables, then to its defaults. */
	char *otlp_endpoint; /* base URL; /v1/metrics, /v1/logs appended */
	char *otlp_metrics_endpoint; /* full URL for metrics, used as is */
	char *otlp_logs_endpoint; /* full URL for logs, used as is */
	char *otlp_headers; /* "k=v,k2=v2", percent-encoded values */
	char *otlp_headers_file; /* file with the same syntax (secrets) */
	double otlp_timeout; /* seconds per request; 0: env or 10 */
	int otlp_compression; /* 0 unset, 1 gzip, 2 none */
	int otlp_protocol; /* 0 unset, 1 http/protobuf, 2 http/json, 3 grpc */
	char *otlp_certificate; /* CA bundle (PEM) to verify the collector */
	char *otlp_client_key; /* mTLS key (PEM) */
	char *otlp_client_certificate; /* mTLS certificate (PEM) */
	bool otlp_insecure; /* do not verify the collector's certificate */
	double export_interval; /* seconds between exports; 0: env or 10 */
	char *spool_dir; /* on-disk spool directory, or NULL */
	int spool_max_mib; /* spool size cap */
	int spool_fsync; /* 0 batch, 1 always, 2 never */
	int otlp_queue_batches; /* in-memory batches kept without a spool */
	int otlp_max_request_kib; /* requests above this are split */
	int otlp_log_cap; /* event log records per export interval */
	double otlp_max_backoff; /* seconds: cap of backoff and Retry-After */
	bool help; /* -h */
	bool version; /* --version */

	/* The command line, kept so SIGHUP can apply it again on top of a
	 * reloaded file (flags win over the file). Not owned. */
	int argc;
	char **argv;
};

enum mfd_opt_type {
	MFD_OPT_FLAG, /* bool set to true */
	MFD_OPT_SET, /* int field set to .set_value (view/index letters) */
	MFD_OPT_INT,
	MFD_OPT_DOUBLE,
	MFD_OPT_STRING,
	MFD_OPT_ENUM, /* string value mapped through .choices to an int */
};

struct mfd_option {
	const char *name; /* long option, without "--" */
	const char *key; /* config-file key, "section.name"; NULL: flag only */
	int short_name; /* letter, or 0 */
	enum mfd_opt_type type;
	size_t offset; /* offsetof(struct mfd_config, field) */
	const char *def; /* default as text ("" for none) */
	double min, max; /* bounds for INT/DOUBLE (inclusive; min is
			  * exclusive when min_exclusive) */
	bool min_exclusive;
	int set_value; /* MFD_OPT_SET */
	const char *const *choices; /* MFD_OPT_ENUM, NULL terminated */
	const char *arg; /* argument name in --help ("SECONDS") */
	const char *help; /* one line */
};

extern const struct mfd_option mfd_options[];

/* Fill cfg with every option's default. 0 or -errno. */
int mfd_config_defaults(struct mfd_config *cfg);

/*
 * Parse argv into cfg (defaults applied first). Returns 0 on success, or
 * -EINVAL after writing "mfd-agent: <what is wrong>" to err; the caller then
 * prints a usage hint and exits 2.
 */
int mfd_config_parse_args(struct mfd_config *cfg, int argc, char **argv,
			  FILE *err);

/*
 * Build the configuration SIGHUP asks for, from the same sources as at
 * start-up. 0 with *out filled, or -errno with why[] saying what is wrong
 * (the caller keeps cur).
 */
int mfd_config_reload(const struct mfd_config *cur, struct mfd_config *out,
		      char *why, size_t why_len);

void mfd_config_usage(FILE *out, const char *prog);
void mfd_config_free(struct mfd_config *cfg);

#endif /* MFD_CONFIG_H */
