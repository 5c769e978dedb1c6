/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_settings.h - what the OTLP exporter reads from the configuration
 * (flags and file), and the option rows that fill it. The exporter owns
 * both: the daemon places MFD_OTLP_OPTION_ROWS() in the agent's table at
 * the offset where it keeps a struct mfd_otlp_settings, so flags, keys,
 * variables and --help come from these rows without the exporter seeing
 * the daemon's config. otlp_resolve.h merges them with the OTEL_*
 * environment variables.
 */
#ifndef MFD_OTLP_SETTINGS_H
#define MFD_OTLP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"

/* The OTLP export interval when neither otlp.export_interval nor
 * OTEL_METRIC_EXPORT_INTERVAL sets one: the OpenTelemetry SDK default
 * (60000 ms). One constant for the code and the --help text. */
#define MFD_OTLP_EXPORT_INTERVAL_DEFAULT 60
#define MFD_STR_(x) #x
#define MFD_STR(x) MFD_STR_(x)

/* Unset strings are NULL and unset numbers 0: the exporter then falls
 * back to the OTEL_* environment variables, then to its defaults. */
struct mfd_otlp_settings {
	char *endpoint; /* base URL; /v1/metrics, /v1/logs appended */
	char *metrics_endpoint; /* full URL for metrics, used as is */
	char *logs_endpoint; /* full URL for logs, used as is */
	char *headers; /* "k=v,k2=v2", percent-encoded values */
	double timeout; /* seconds per request; 0: env or 10 */
	int compression; /* 0 unset, 1 gzip, 2 none */
	int protocol; /* 0 unset, 1 http/protobuf, 2 http/json, 3 grpc */
	char *certificate; /* CA bundle (PEM) to verify the collector */
	char *client_key; /* mTLS key (PEM) */
	char *client_certificate; /* mTLS certificate (PEM) */
	bool insecure; /* do not verify the collector's certificate */
	double export_interval; /* seconds between exports; 0: env or 60 */
	char *spool_dir; /* on-disk spool directory, or NULL */
	int spool_max_mib; /* spool size cap */
	int spool_fsync; /* 0 batch, 1 always, 2 never */
	int queue_batches; /* in-memory batches kept without a spool */
	int max_request_kib; /* requests above this are split */
	int log_cap; /* event log records per export interval */
	double max_backoff; /* seconds: cap of backoff and Retry-After */
};

/* Index 0, "auto", leaves the choice to the OTEL_* variable or the
 * exporter's default (gzip, http/protobuf). */
extern const char *const mfd_otlp_compression_choices[];
extern const char *const mfd_otlp_protocol_choices[];
/* Index = enum otlp_fsync (otlp_resolve.h). */
extern const char *const mfd_otlp_spool_fsync_choices[];

/* The rows alone, relative to base, the offset of a struct
 * mfd_otlp_settings in whatever the table fills. A macro rather than a
 * table so the daemon keeps one contiguous table in the order --help and
 * config/mfd.yaml have always had. */
#define MFD_OTLP_OFF_(base, f) ((base) + offsetof(struct mfd_otlp_settings, f))
#define MFD_OTLP_OPTION_ROWS(base)                                                              \
	{ .name = "otlp-endpoint",                                                              \
	  .key = "otlp.endpoint",                                                               \
	  .type = MFD_OPT_STRING,                                                               \
	  .offset = MFD_OTLP_OFF_(base, endpoint),                                              \
	  .def = "",                                                                            \
	  .arg = "URL",                                                                         \
	  .help = "export OTLP/HTTP to URL (/v1/metrics and /v1/logs are "                      \
		  "appended; as OTEL_EXPORTER_OTLP_ENDPOINT)" },                                \
		{ .name = "otlp-metrics-endpoint",                                              \
		  .key = "otlp.metrics_endpoint",                                               \
		  .type = MFD_OPT_STRING,                                                       \
		  .offset = MFD_OTLP_OFF_(base, metrics_endpoint),                              \
		  .def = "",                                                                    \
		  .arg = "URL",                                                                 \
		  .help = "full URL for metrics, used as is" },                                 \
		{ .name = "otlp-logs-endpoint",                                                 \
		  .key = "otlp.logs_endpoint",                                                  \
		  .type = MFD_OPT_STRING,                                                       \
		  .offset = MFD_OTLP_OFF_(base, logs_endpoint),                                 \
		  .def = "",                                                                    \
		  .arg = "URL",                                                                 \
		  .help = "full URL for logs, used as is" },                                    \
		{ .name = "otlp-headers",                                                       \
		  .key = "otlp.headers",                                                        \
		  .type = MFD_OPT_STRING,                                                       \
		  .offset = MFD_OTLP_OFF_(base, headers),                                       \
		  .def = "",                                                                    \
		  .arg = "K=V,...",                                                             \
		  .secret = true,                                                               \
		  .help = "extra request headers, K=V with percent-encoded values, "            \
			  "commas or lines between (a secret: --otlp-headers-file "             \
			  "FILE or the config file)" },                                         \
		{ .name = "otlp-timeout",                                                       \
		  .key = "otlp.timeout",                                                        \
		  .type = MFD_OPT_DOUBLE,                                                       \
		  .offset = MFD_OTLP_OFF_(base, timeout),                                       \
		  .def = "0",                                                                   \
		  .min = 0,                                                                     \
		  .max = 600,                                                                   \
		  .arg = "SECONDS",                                                             \
		  .help = "time one request may take (0: OTEL_EXPORTER_OTLP_TIMEOUT "           \
			  "or 10)" },                                                           \
		{ .name = "otlp-compression",                                                   \
		  .key = "otlp.compression",                                                    \
		  .type = MFD_OPT_ENUM,                                                         \
		  .offset = MFD_OTLP_OFF_(base, compression),                                   \
		  .def = "auto",                                                                \
		  .choices = mfd_otlp_compression_choices,                                      \
		  .arg = "C",                                                                   \
		  .help = "gzip or none; auto: OTEL_EXPORTER_OTLP_COMPRESSION, else "           \
			  "gzip" },                                                             \
		{ .name = "otlp-protocol",                                                      \
		  .key = "otlp.protocol",                                                       \
		  .type = MFD_OPT_ENUM,                                                         \
		  .offset = MFD_OTLP_OFF_(base, protocol),                                      \
		  .def = "auto",                                                                \
		  .choices = mfd_otlp_protocol_choices,                                         \
		  .arg = "P",                                                                   \
		  .help = "http/protobuf (grpc and http/json are refused); auto: "              \
			  "OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf" },                  \
		{ .name = "otlp-certificate",                                                   \
		  .key = "otlp.certificate",                                                    \
		  .type = MFD_OPT_STRING,                                                       \
		  .offset = MFD_OTLP_OFF_(base, certificate),                                   \
		  .def = "",                                                                    \
		  .arg = "PEM",                                                                 \
		  .help = "CA certificates to verify the collector with" },                     \
		{ .name = "otlp-client-key",                                                    \
		  .key = "otlp.client_key",                                                     \
		  .type = MFD_OPT_STRING,                                                       \
		  .offset = MFD_OTLP_OFF_(base, client_key),                                    \
		  .def = "",                                                                    \
		  .arg = "PEM",                                                                 \
		  .help = "client private key for mutual TLS" },                                \
		{ .name = "otlp-client-certificate",                                            \
		  .key = "otlp.client_certificate",                                             \
		  .type = MFD_OPT_STRING,                                                       \
		  .offset = MFD_OTLP_OFF_(base, client_certificate),                            \
		  .def = "",                                                                    \
		  .arg = "PEM",                                                                 \
		  .help = "client certificate for mutual TLS" },                                \
		{ .name = "otlp-insecure",                                                      \
		  .key = "otlp.insecure",                                                       \
		  .type = MFD_OPT_FLAG,                                                         \
		  .offset = MFD_OTLP_OFF_(base, insecure),                                      \
		  .help = "do NOT verify the collector's TLS certificate" },                    \
		{ .name = "export-interval",                                                    \
		  .key = "otlp.export_interval",                                                \
		  .type = MFD_OPT_DOUBLE,                                                       \
		  .offset = MFD_OTLP_OFF_(base, export_interval),                               \
		  .def = "0",                                                                   \
		  .min = 0,                                                                     \
		  .max = 86400,                                                                 \
		  .arg = "SECONDS",                                                             \
		  .help = "time between OTLP exports (0: OTEL_METRIC_EXPORT_INTERVAL "          \
			  "or " MFD_STR(                                                        \
				  MFD_OTLP_EXPORT_INTERVAL_DEFAULT) " s, the "                  \
								    "OpenTelemetry default)" }, \
		{ .name = "spool",                                                              \
		  .key = "otlp.spool_dir",                                                      \
		  .type = MFD_OPT_STRING,                                                       \
		  .offset = MFD_OTLP_OFF_(base, spool_dir),                                     \
		  .def = "",                                                                    \
		  .arg = "DIR",                                                                 \
		  .help = "keep unsent batches in DIR: survives outages and restarts" },        \
		{ .name = "spool-max-mib",                                                      \
		  .key = "otlp.spool_max_mib",                                                  \
		  .type = MFD_OPT_INT,                                                          \
		  .offset = MFD_OTLP_OFF_(base, spool_max_mib),                                 \
		  .def = "64",                                                                  \
		  .min = 1,                                                                     \
		  .max = 1048576,                                                               \
		  .arg = "MIB",                                                                 \
		  .help = "spool size cap; the oldest batches are evicted beyond it" },         \
		{ .name = "spool-fsync",                                                        \
		  .key = "otlp.spool_fsync",                                                    \
		  .type = MFD_OPT_ENUM,                                                         \
		  .offset = MFD_OTLP_OFF_(base, spool_fsync),                                   \
		  .def = "batch",                                                               \
		  .choices = mfd_otlp_spool_fsync_choices,                                      \
		  .arg = "POLICY",                                                              \
		  .help = "fsync spool files: batch (at each export), always (each "            \
			  "sample) or never" },                                                 \
		{ .name = "otlp-queue-batches",                                                 \
		  .key = "otlp.queue_batches",                                                  \
		  .type = MFD_OPT_INT,                                                          \
		  .offset = MFD_OTLP_OFF_(base, queue_batches),                                 \
		  .def = "60",                                                                  \
		  .min = 1,                                                                     \
		  .max = 100000,                                                                \
		  .arg = "N",                                                                   \
		  .help = "export batches kept in memory without a spool" },                    \
		{ .name = "otlp-max-request-kib",                                               \
		  .key = "otlp.max_request_kib",                                                \
		  .type = MFD_OPT_INT,                                                          \
		  .offset = MFD_OTLP_OFF_(base, max_request_kib),                               \
		  .def = "4096",                                                                \
		  .min = 16,                                                                    \
		  .max = 65536,                                                                 \
		  .arg = "KIB",                                                                 \
		  .help = "split uncompressed requests above this size" },                      \
		{ .name = "otlp-log-cap",                                                       \
		  .key = "otlp.log_cap",                                                        \
		  .type = MFD_OPT_INT,                                                          \
		  .offset = MFD_OTLP_OFF_(base, log_cap),                                       \
		  .def = "1000",                                                                \
		  .min = 0,                                                                     \
		  .max = 1000000,                                                               \
		  .arg = "N",                                                                   \
		  .help = "extfrag log records per export interval; the rest are "              \
			  "counted in one summary record" },                                    \
	{                                                                                       \
		.name = "otlp-max-backoff", .key = "otlp.max_backoff",                          \
		.type = MFD_OPT_DOUBLE,                                                         \
		.offset = MFD_OTLP_OFF_(base, max_backoff), .def = "30",                        \
		.min = 0, .max = 3600, .min_exclusive = true,                                   \
		.arg = "SECONDS",                                                               \
		.help = "longest wait between retries, Retry-After included"                    \
	}

/* The exporter's own table: the rows above over a bare struct
 * mfd_otlp_settings, NULL-terminated. */
extern const struct mfd_option mfd_otlp_options[];

#endif /* MFD_OTLP_SETTINGS_H */
