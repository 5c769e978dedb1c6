// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - the option table, argv parsing and --help.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"

#define OFF(f) offsetof(struct mfd_config, f)

static const char *const format_choices[] = { "table", "json", "csv", NULL };
static const char *const source_choices[] = { "auto", "bpf", "procfs", NULL };
static const char *const level_choices[] = { "error", "warn", "info", "debug",
					     NULL };
static const char *const otlp_compression_choices[] = { "", "gzip", "none",
							NULL };
static const char *const otlp_protocol_choices[] = { "", "http/protobuf",
						     "http/json", "grpc",
						     NULL };
static const char *const spool_fsync_choices[] = { "batch", "always", "never",
						   NULL };

const struct mfd_option mfd_options[] = {
	{ .name = "interval",
	  .key = "collection.interval",
	  .short_name = 'd',
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(interval),
	  .def = "2",
	  .min = 0,
	  .max = 86400,
	  .min_exclusive = true,
	  .arg = "SECONDS",
	  .help = "time between snapshots; fractions allowed" },
	{ .name = "extfrag",
	  .short_name = 'e',
	  .type = MFD_OPT_SET,
	  .offset = OFF(index),
	  .set_value = MFD_INDEX_EXTFRAG,
	  .help = "show only extfrag_index" },
	{ .name = "unusable",
	  .short_name = 'u',
	  .type = MFD_OPT_SET,
	  .offset = OFF(index),
	  .set_value = MFD_INDEX_UNUSABLE,
	  .help = "show only unusable_index" },
	{ .name = "bars",
	  .short_name = 'b',
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(bars),
	  .help = "draw bars for the shown index" },
	{ .name = "nodes",
	  .short_name = 'n',
	  .type = MFD_OPT_SET,
	  .offset = OFF(view),
	  .set_value = MFD_VIEW_NODE,
	  .help = "node view: NODE_ID, zones, NODE_START_PFN" },
	{ .name = "zones",
	  .short_name = 'z',
	  .type = MFD_OPT_SET,
	  .offset = OFF(view),
	  .set_value = MFD_VIEW_ZONE,
	  .help = "zone detail: pfns, pages, watermarks, free blocks" },
	{ .name = "procs",
	  .short_name = 's',
	  .type = MFD_OPT_SET,
	  .offset = OFF(view),
	  .set_value = MFD_VIEW_PROCS,
	  .help = "extfrag fallback events per process" },
	{ .name = "visual",
	  .short_name = 'v',
	  .type = MFD_OPT_SET,
	  .offset = OFF(view),
	  .set_value = MFD_VIEW_VISUAL,
	  .help = "live bars per node, zone and order" },
	{ .name = "zone",
	  .short_name = 'c',
	  .type = MFD_OPT_STRING,
	  .offset = OFF(zone),
	  .def = "",
	  .arg = "NAME",
	  .help = "only this zone (DMA, DMA32, Normal, Movable...)" },
	{ .name = "node",
	  .short_name = 'i',
	  .type = MFD_OPT_INT,
	  .offset = OFF(node),
	  .def = "-1",
	  .min = -1,
	  .max = 65535,
	  .arg = "ID",
	  .help = "only this NUMA node" },
	{ .name = "no-color",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(no_color),
	  .help = "no colour, even on a terminal" },
	{ .name = "headless",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(headless),
	  .help = "collect without any view (services, containers)" },
	{ .name = "once",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(once),
	  .help = "take one snapshot, print it, exit" },
	{ .name = "format",
	  .type = MFD_OPT_ENUM,
	  .offset = OFF(format),
	  .def = "table",
	  .choices = format_choices,
	  .arg = "FMT",
	  .help = "--once output: table, json or csv" },
	{ .name = "source",
	  .key = "collection.source",
	  .type = MFD_OPT_ENUM,
	  .offset = OFF(source),
	  .def = "auto",
	  .choices = source_choices,
	  .arg = "SRC",
	  .help = "zone data from auto (BPF, else procfs), bpf or procfs" },
	{ .name = "probe",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(probe),
	  .help = "check BTF, privileges and both BPF programs, then exit" },
	{ .name = "no-events",
	  .key = "collection.no_events",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(no_events),
	  .help = "do not attach the extfrag tracepoint" },
	{ .name = "ringbuf-kib",
	  .key = "collection.ringbuf_kib",
	  .type = MFD_OPT_INT,
	  .offset = OFF(ringbuf_kib),
	  .def = "256",
	  .min = 4,
	  .max = 1048576,
	  .arg = "KIB",
	  .help = "extfrag ring buffer size" },
	{ .name = "max-procs",
	  .key = "collection.max_procs",
	  .type = MFD_OPT_INT,
	  .offset = OFF(max_procs),
	  .def = "4096",
	  .min = 16,
	  .max = 1048576,
	  .arg = "N",
	  .help = "processes kept in the per-process event table" },
	{ .name = "duration",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(duration),
	  .def = "0",
	  .min = 0,
	  .max = 31536000,
	  .arg = "SECONDS",
	  .help = "exit after this long (0: run until SIGINT/SIGTERM)" },
	{ .name = "proc-dir",
	  .key = "collection.proc_dir",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(proc_dir),
	  .def = "/proc",
	  .arg = "DIR",
	  .help = "read buddyinfo/zoneinfo from DIR (procfs source)" },
	{ .name = "shutdown-timeout",
	  .key = "shutdown_timeout",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(shutdown_timeout),
	  .def = "5",
	  .min = 0,
	  .max = 600,
	  .arg = "SECONDS",
	  .help = "how long the final flush on SIGTERM may take" },
	{ .name = "log-level",
	  .key = "log.level",
	  .type = MFD_OPT_ENUM,
	  .offset = OFF(log_level),
	  .def = "info",
	  .choices = level_choices,
	  .arg = "LEVEL",
	  .help = "error, warn, info or debug" },
	{ .name = "otlp-endpoint",
	  .key = "otlp.endpoint",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_endpoint),
	  .def = "",
	  .arg = "URL",
	  .help = "export OTLP/HTTP to URL (/v1/metrics and /v1/logs are "
		  "appended; as OTEL_EXPORTER_OTLP_ENDPOINT)" },
	{ .name = "otlp-metrics-endpoint",
	  .key = "otlp.metrics_endpoint",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_metrics_endpoint),
	  .def = "",
	  .arg = "URL",
	  .help = "full URL for metrics, used as is" },
	{ .name = "otlp-logs-endpoint",
	  .key = "otlp.logs_endpoint",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_logs_endpoint),
	  .def = "",
	  .arg = "URL",
	  .help = "full URL for logs, used as is" },
	{ .name = "otlp-headers",
	  .key = "otlp.headers",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_headers),
	  .def = "",
	  .arg = "K=V,...",
	  .help = "extra request headers, values percent-encoded (secrets: "
		  "use --otlp-headers-file)" },
	{ .name = "otlp-headers-file",
	  .key = "otlp.headers_file",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_headers_file),
	  .def = "",
	  .arg = "FILE",
	  .help = "read extra headers (K=V, comma or newline separated) "
		  "from FILE; never logged" },
	{ .name = "otlp-timeout",
	  .key = "otlp.timeout",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(otlp_timeout),
	  .def = "0",
	  .min = 0,
	  .max = 600,
	  .arg = "SECONDS",
	  .help = "time one request may take (0: OTEL_EXPORTER_OTLP_TIMEOUT "
		  "or 10)" },
	{ .name = "otlp-compression",
	  .key = "otlp.compression",
	  .type = MFD_OPT_ENUM,
	  .offset = OFF(otlp_compression),
	  .def = "",
	  .choices = otlp_compression_choices,
	  .arg = "C",
	  .help = "gzip or none (default: OTEL_EXPORTER_OTLP_COMPRESSION or "
		  "gzip)" },
	{ .name = "otlp-protocol",
	  .key = "otlp.protocol",
	  .type = MFD_OPT_ENUM,
	  .offset = OFF(otlp_protocol),
	  .def = "",
	  .choices = otlp_protocol_choices,
	  .arg = "P",
	  .help = "http/protobuf (grpc and http/json are refused)" },
	{ .name = "otlp-certificate",
	  .key = "otlp.certificate",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_certificate),
	  .def = "",
	  .arg = "PEM",
	  .help = "CA certificates to verify the collector with" },
	{ .name = "otlp-client-key",
	  .key = "otlp.client_key",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_client_key),
	  .def = "",
	  .arg = "PEM",
	  .help = "client private key for mutual TLS" },
	{ .name = "otlp-client-certificate",
	  .key = "otlp.client_certificate",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(otlp_client_certificate),
	  .def = "",
	  .arg = "PEM",
	  .help = "client certificate for mutual TLS" },
	{ .name = "otlp-insecure",
	  .key = "otlp.insecure",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(otlp_insecure),
	  .help = "do NOT verify the collector's TLS certificate" },
	{ .name = "export-interval",
	  .key = "otlp.export_interval",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(export_interval),
	  .def = "0",
	  .min = 0,
	  .max = 86400,
	  .arg = "SECONDS",
	  .help = "time between OTLP exports (0: OTEL_METRIC_EXPORT_INTERVAL "
		  "or 10)" },
	{ .name = "spool",
	  .key = "otlp.spool_dir",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(spool_dir),
	  .def = "",
	  .arg = "DIR",
	  .help = "keep unsent batches in DIR: survives outages and restarts" },
	{ .name = "spool-max-mib",
	  .key = "otlp.spool_max_mib",
	  .type = MFD_OPT_INT,
	  .offset = OFF(spool_max_mib),
	  .def = "64",
	  .min = 1,
	  .max = 1048576,
	  .arg = "MIB",
	  .help = "spool size cap; the oldest batches are evicted beyond it" },
	{ .name = "spool-fsync",
	  .key = "otlp.spool_fsync",
	  .type = MFD_OPT_ENUM,
	  .offset = OFF(spool_fsync),
	  .def = "batch",
	  .choices = spool_fsync_choices,
	  .arg = "POLICY",
	  .help = "fsync spool files: batch (at each export), always (each "
		  "sample) or never" },
	{ .name = "otlp-queue-batches",
	  .key = "otlp.queue_batches",
	  .type = MFD_OPT_INT,
	  .offset = OFF(otlp_queue_batches),
	  .def = "60",
	  .min = 1,
	  .max = 100000,
	  .arg = "N",
	  .help = "export batches kept in memory without a spool" },
	{ .name = "otlp-max-request-kib",
	  .key = "otlp.max_request_kib",
	  .type = MFD_OPT_INT,
	  .offset = OFF(otlp_max_request_kib),
	  .def = "4096",
	  .min = 16,
	  .max = 65536,
	  .arg = "KIB",
	  .help = "split uncompressed requests above this size" },
	{ .name = "otlp-log-cap",
	  .key = "otlp.log_cap",
	  .type = MFD_OPT_INT,
	  .offset = OFF(otlp_log_cap),
	  .def = "1000",
	  .min = 0,
	  .max = 1000000,
	  .arg = "N",
	  .help = "extfrag log records per export interval; the rest are "
		  "counted in one summary record" },
	{ .name = "otlp-max-backoff",
	  .key = "otlp.max_backoff",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(otlp_max_backoff),
	  .def = "30",
	  .min = 0,
	  .max = 3600,
	  .min_exclusive = true,
	  .arg = "SECONDS",
	  .help = "longest wait between retries, Retry-After included" },
	{ .name = "version",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(version),
	  .help = "print the version and exit" },
	{ .name = "help",
	  .short_name = 'h',
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(help),
	  .help = "this help" },
	{ 0 },
};

static int set_value(struct mfd_config *cfg, const struct mfd_option *o,
		     const char *val, FILE *err)
{
	char *p = (char *)cfg + o->offset, *end;
	double d;
	long l;

	switch (o->type) {
	case MFD_OPT_FLAG:
		*(bool *)p = true;
		return 0;
	case MFD_OPT_SET:
		*(int *)p = o->set_value;
		return 0;
	case MFD_OPT_INT:
		errno = 0;
		l = strtol(val, &end, 10);
		if (errno || end == val || *end || l < o->min || l > o->max) {
			fprintf(err,
				"mfd-agent: --%s: '%s' is not a whole number "
				"from %.0f to %.0f\n",
				o->name, val, o->min, o->max);
			return -EINVAL;
		}
		*(int *)p = (int)l;
		return 0;
	case MFD_OPT_DOUBLE:
		errno = 0;
		d = strtod(val, &end);
		if (errno || end == val || *end || !isfinite(d) ||
		    (o->min_exclusive ? d <= o->min : d < o->min) ||
		    d > o->max) {
			fprintf(err,
				"mfd-agent: --%s: '%s' is not a number %s %g "
				"and <= %g\n",
				o->name, val,
				o->min_exclusive ? ">" : ">=", o->min, o->max);
			return -EINVAL;
		}
		*(double *)p = d;
		return 0;
	case MFD_OPT_STRING: {
		char *dup = strdup(val);

		if (!dup)
			return -ENOMEM;
		free(*(char **)p);
		*(char **)p = dup;
		return 0;
	}
	case MFD_OPT_ENUM:
		for (int i = 0; o->choices[i]; i++)
			if (strcasecmp(val, o->choices[i]) == 0) {
				*(int *)p = i;
				return 0;
			}
		fprintf(err, "mfd-agent: --%s: '%s' is not one of", o->name,
			val);
		for (int i = 0; o->choices[i]; i++)
			fprintf(err, "%s %s", i ? "," : "", o->choices[i]);
		fputc('\n', err);
		return -EINVAL;
	}
	return -EINVAL;
}

int mfd_config_defaults(struct mfd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (const struct mfd_option *o = mfd_options; o->name; o++) {
		int err;

		if (!o->def || (o->type == MFD_OPT_STRING && !*o->def))
			continue;
		err = set_value(cfg, o, o->def, stderr);
		if (err)
			return err;
	}
	return 0;
}

void mfd_config_free(struct mfd_config *cfg)
{
	for (const struct mfd_option *o = mfd_options; o->name; o++)
		if (o->type == MFD_OPT_STRING) {
			char **p = (char **)((char *)cfg + o->offset);

			free(*p);
			*p = NULL;
		}
}

static bool takes_arg(const struct mfd_option *o)
{
	return o->type != MFD_OPT_FLAG && o->type != MFD_OPT_SET;
}

int mfd_config_parse_args(struct mfd_config *cfg, int argc, char **argv,
			  FILE *err)
{
	struct option longopts[256];
	char shortopts[128];
	size_t nl = 0, ns = 0;
	int c, rc;

	_Static_assert(sizeof(longopts) / sizeof(longopts[0]) > 200,
		       "room for every option");
	rc = mfd_config_defaults(cfg);
	if (rc)
		return rc;

	shortopts[ns++] = ':'; /* report a missing argument as ':' */
	for (const struct mfd_option *o = mfd_options; o->name; o++) {
		longopts[nl].name = o->name;
		longopts[nl].has_arg = takes_arg(o) ? required_argument :
						      no_argument;
		longopts[nl].flag = NULL;
		longopts[nl].val = 256 + (int)(o - mfd_options);
		nl++;
		if (o->short_name) {
			shortopts[ns++] = (char)o->short_name;
			if (takes_arg(o))
				shortopts[ns++] = ':';
		}
	}
	memset(&longopts[nl], 0, sizeof(longopts[nl]));
	shortopts[ns] = '\0';

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct mfd_option *o = NULL;

		if (c == '?') {
			if (optopt)
				fprintf(err, "mfd-agent: unknown option -%c\n",
					optopt);
			else
				fprintf(err, "mfd-agent: unknown option %s\n",
					argv[optind - 1]);
			return -EINVAL;
		}
		if (c == ':') {
			fprintf(err, "mfd-agent: option %s needs a value\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (c >= 256) {
			o = &mfd_options[c - 256];
		} else {
			for (const struct mfd_option *p = mfd_options; p->name;
			     p++)
				if (p->short_name == c)
					o = p;
		}
		if (!o)
			return -EINVAL;
		rc = set_value(cfg, o, optarg, err);
		if (rc)
			return rc;
	}
	if (optind < argc) {
		fprintf(err, "mfd-agent: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (cfg->once && cfg->headless) {
		fprintf(err, "mfd-agent: --once and --headless exclude each "
			     "other\n");
		return -EINVAL;
	}
	cfg->argc = argc;
	cfg->argv = argv;
	return 0;
}

int mfd_config_reload(const struct mfd_config *cur, struct mfd_config *out,
		      char *why, size_t why_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&buf, &len);
	int rc;

	if (!err) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	rc = mfd_config_parse_args(out, cur->argc, cur->argv, err);
	fclose(err);
	if (rc) {
		snprintf(why, why_len, "%s", buf && *buf ? buf : "invalid");
		mfd_config_free(out);
	}
	free(buf);
	return rc;
}

void mfd_config_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [OPTIONS]\n"
		"Physical memory fragmentation per NUMA node, zone and order, "
		"and the\nprocesses that cause external-fragmentation "
		"fallbacks.\n\nOptions:\n",
		prog);
	for (const struct mfd_option *o = mfd_options; o->name; o++) {
		char left[64];

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
				 o->short_name, o->name,
				 takes_arg(o) ? " " : "",
				 takes_arg(o) ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 takes_arg(o) ? " " : "",
				 takes_arg(o) ? o->arg : "");
		fprintf(out, "  %-26s %s", left, o->help);
		if (o->def && *o->def && takes_arg(o))
			fprintf(out, " (default %s)", o->def);
		fputc('\n', out);
	}
	fprintf(out,
		"\nLive views redraw in place on a terminal (q quits, arrows "
		"scroll);\npiped, they print one plain table per interval. "
		"Exit status: 0 ok,\n1 runtime failure, 2 bad usage.\n");
}
