// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - the option table and the core everything else is built on:
 * defaults, values converted and checked against each row's bounds,
 * lookups by key, and where each value came from.
 *
 * The sources are read in config_yaml.c (the file) and config_parse.c
 * (argv, the environment, SIGHUP); the text made from the table (--help,
 * --dump-config, --dump-man, --check-config) is written in config_text.c.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "exporter.h"
#include "config_internal.h"
#include "view.h"

#define OFF(f) offsetof(struct mfd_config, f)

static const char *const format_choices[] = { "table", "json", "csv", NULL };
static const char *const source_choices[] = { "auto", "bpf", "procfs", NULL };
static const char *const procs_by_choices[] = { "pid", "executable", NULL };
static const char *const level_choices[] = { "error", "warn", "info", "debug",
					     NULL };
/* Same order as enum mfd_log_format. */
static const char *const log_format_choices[] = { "text", "logfmt", "json",
						  NULL };

const struct mfd_option mfd_options[] = {
	{
		.name = "interval",
		.key = "collection.interval",
		.short_name = 'd',
		.type = MFD_OPT_DOUBLE,
		.offset = OFF(interval),
		.def = "2",
		.min = 0,
		.max = 86400,
		.min_exclusive = true,
		.arg = "SECONDS",
		.help = "time between snapshots; fractions allowed",
		.env = "MFD_INTERVAL",
	},
	{
		.name = "extfrag",
		.short_name = 'e',
		.type = MFD_OPT_SET,
		.offset = OFF(index),
		.set_value = MFD_INDEX_EXTFRAG,
		.help = "show only extfrag_index",
		.section = "view",
	},
	{
		.name = "unusable",
		.short_name = 'u',
		.type = MFD_OPT_SET,
		.offset = OFF(index),
		.set_value = MFD_INDEX_UNUSABLE,
		.help = "show only unusable_index",
		.section = "view",
	},
	{
		.name = "bars",
		.short_name = 'b',
		.type = MFD_OPT_FLAG,
		.offset = OFF(bars),
		.help = "draw bars for the shown index",
		.section = "view",
	},
	{
		.name = "nodes",
		.short_name = 'n',
		.type = MFD_OPT_SET,
		.offset = OFF(view),
		.set_value = MFD_VIEW_NODE,
		.help = "node view: NODE_ID, zones, NODE_START_PFN",
		.section = "view",
	},
	{
		.name = "zones",
		.short_name = 'z',
		.type = MFD_OPT_SET,
		.offset = OFF(view),
		.set_value = MFD_VIEW_ZONE,
		.help = "zone detail: pfns, pages, watermarks, free blocks",
		.section = "view",
	},
	{
		.name = "procs",
		.short_name = 's',
		.type = MFD_OPT_SET,
		.offset = OFF(view),
		.set_value = MFD_VIEW_PROCS,
		.help = "extfrag fallback events per process",
		.section = "view",
	},
	{
		.name = "visual",
		.short_name = 'v',
		.type = MFD_OPT_SET,
		.offset = OFF(view),
		.set_value = MFD_VIEW_VISUAL,
		.help = "live bars per node, zone and order",
		.section = "view",
	},
	{ .name = "compaction",
	  .short_name = 'm',
	  .type = MFD_OPT_SET,
	  .offset = OFF(view),
	  .set_value = MFD_VIEW_COMPACTION,
	  .help = "compaction and reclaim: stalls, success and THP fallback "
		  "rates, proactive score",
	  .section = "view" },
	{ .name = "stacks",
	  .short_name = 'k',
	  .type = MFD_OPT_SET,
	  .offset = OFF(view),
	  .set_value = MFD_VIEW_CALLSITES,
	  .help = "call sites: the stacks of extfrag fallbacks and "
		  "compaction stalls (with --callsites)",
	  .section = "view" },
	{
		.name = "zone",
		.short_name = 'c',
		.type = MFD_OPT_STRING,
		.offset = OFF(zone),
		.def = "",
		.arg = "NAME",
		.help = "only this zone (DMA, DMA32, Normal, Movable...)",
		.section = "view",
	},
	{
		.name = "node",
		.short_name = 'i',
		.type = MFD_OPT_INT,
		.offset = OFF(node),
		.def = "-1",
		.def_help = "every node",
		.min = -1,
		.max = 65535,
		.arg = "ID",
		.help = "only this NUMA node",
		.section = "view",
	},
	{
		.name = "no-color",
		.type = MFD_OPT_FLAG,
		.offset = OFF(no_color),
		.help = "no colour, even on a terminal",
		.section = "view",
	},
	{ .name = "headless",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(headless),
	  .help = "collect without any view (services, containers)" },
	{
		.name = "once",
		.type = MFD_OPT_FLAG,
		.offset = OFF(once),
		.help = "take one snapshot, print it, exit",
		.section = "view",
	},
	{
		.name = "format",
		.type = MFD_OPT_ENUM,
		.offset = OFF(format),
		.def = "table",
		.choices = format_choices,
		.arg = "FMT",
		.help = "--once output: table, json or csv; with --headless, json "
			"prints the process table at exit",
		.section = "view",
	},
	{
		.name = "source",
		.key = "collection.source",
		.type = MFD_OPT_ENUM,
		.offset = OFF(source),
		.def = "auto",
		.choices = source_choices,
		.arg = "SRC",
		.help = "zone data from auto (BPF, else procfs), bpf or procfs",
		.env = "MFD_SOURCE",
		.restart = true,
	},
	{ .name = "probe",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(probe),
	  .help = "check BTF, privileges and both BPF programs, then exit" },
	{
		.name = "no-events",
		.key = "collection.no_events",
		.type = MFD_OPT_FLAG,
		.offset = OFF(no_events),
		.help = "do not attach the extfrag, compaction and reclaim "
			"tracepoints",
		.restart = true,
	},
	{
		.name = "ringbuf-kib",
		.key = "collection.ringbuf_kib",
		.type = MFD_OPT_INT,
		.offset = OFF(ringbuf_kib),
		.def = "256",
		.min = 4,
		.max = 1048576,
		.arg = "KIB",
		.help = "extfrag ring buffer size",
		.restart = true,
	},
	{
		.name = "max-procs",
		.key = "collection.max_procs",
		.type = MFD_OPT_INT,
		.offset = OFF(max_procs),
		.def = "4096",
		.min = 16,
		.max = 1048576,
		.arg = "N",
		.help = "processes kept in the per-process event table",
		.restart = true,
	},
	{ .name = "procs-ttl",
	  .key = "collection.procs_ttl",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(procs_ttl),
	  .def = "600",
	  .min = 0,
	  .max = 31536000,
	  .arg = "SECONDS",
	  .help = "drop a process from the event table after this long "
		  "without events (0: never)" },
	{
		.name = "procs-by",
		.key = "collection.procs_by",
		.type = MFD_OPT_ENUM,
		.offset = OFF(procs_by),
		.def = "pid",
		.choices = procs_by_choices,
		.arg = "KEY",
		.help = "what a row of the per-process event table is: pid, or "
			"executable (one program's processes in one cgroup "
			"added up, cgroup.id instead of process.pid: no series "
			"churn from short-lived processes)",
		.restart = true,
	},
	{ .name = "duration",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(duration),
	  .def = "0",
	  .min = 0,
	  .max = 31536000,
	  .arg = "SECONDS",
	  .help = "exit after this long (0: run until SIGINT/SIGTERM)" },
	{
		.name = "proc-dir",
		.key = "collection.proc_dir",
		.type = MFD_OPT_STRING,
		.offset = OFF(proc_dir),
		.def = "/proc",
		.arg = "DIR",
		.help = "read buddyinfo/zoneinfo from DIR (procfs source)",
		.restart = true,
	},
	{ .name = "shutdown-timeout",
	  .key = "shutdown_timeout",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(shutdown_timeout),
	  .def = "5",
	  .min = 0,
	  .max = 600,
	  .arg = "SECONDS",
	  .help = "how long the final flush on SIGTERM may take" },
	MFD_STATSD_OPTION_ROWS(OFF(statsd)),
	MFD_HTTP_OPTION_ROWS(OFF(http)),
	MFD_RECORD_OPTION_ROWS(OFF(record)),
	MFD_REPLAY_OPTION_ROWS(OFF(replay)),
	{ .name = "stall-threshold-ms",
	  .key = "signals.stall_threshold_ms",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(stall_threshold_ms),
	  .def = "10",
	  .min = 0,
	  .max = 600000,
	  .arg = "MS",
	  .restart = true,
	  .help = "log compaction/reclaim stalls at least this long" },
	{ .name = "pagetypeinfo-interval",
	  .key = "signals.pagetypeinfo_interval",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(pagetypeinfo_interval),
	  .def = "0",
	  .min = 0,
	  .max = 86400,
	  .arg = "SECONDS",
	  .help = "read /proc/pagetypeinfo (takes zone locks) this often; "
		  "0: never" },
	{ .name = "pageblock-interval",
	  .key = "signals.pageblock_interval",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(pageblock_interval),
	  .def = "0",
	  .min = 0,
	  .max = 86400,
	  .arg = "SECONDS",
	  .restart = true,
	  .help = "scan the migratetype of every pageblock (BPF; for now "
		  "with --once --format json only: one scan); 0: never" },
	{ .name = "vmstat-interval",
	  .key = "signals.vmstat_interval",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(vmstat_interval),
	  .def = "10",
	  .min = 0,
	  .max = 86400,
	  .arg = "SECONDS",
	  .help = "read the /proc/vmstat counters, HugeTLB pools and CMA "
		  "at most this often (0: every sample)" },
	{ .name = "alloc-fail-counter",
	  .key = "signals.alloc_fail_counter",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(alloc_fail_counter),
	  .restart = true,
	  .help = "count failed page allocations per order on "
		  "kmem:mm_page_alloc (allocation fast path)" },
	{ .name = "callsites",
	  .key = "signals.callsites",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(callsites),
	  .restart = true,
	  .help = "count the kernel and user stacks of extfrag fallbacks and "
		  "direct compaction stalls, in the kernel; view -k" },
	{ .name = "forecast-order",
	  .key = "forecast.order",
	  .type = MFD_OPT_INT,
	  .offset = OFF(forecast_order),
	  .def = "0",
	  .min = 0,
	  .max = 63,
	  .arg = "ORDER",
	  .help = "the order whose suitable blocks the exhaustion forecast "
		  "follows (0: the huge-page order, 9 on x86-64)" },
	{ .name = "forecast-window",
	  .key = "forecast.window",
	  .type = MFD_OPT_DOUBLE,
	  .offset = OFF(forecast_window),
	  .def = "1800",
	  .min = 10,
	  .max = 604800,
	  .arg = "SECONDS",
	  .help = "how far back the exhaustion forecast's fit looks (older "
		  "samples weigh less); it speaks after a tenth of this" },
	{ .name = "healthcheck",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(healthcheck),
	  .def = "",
	  .arg = "URL",
	  .help = "GET URL (the agent's /healthz), exit 0 on 2xx, else 1: "
		  "the image's HEALTHCHECK, which has no curl" },
	{ .name = "cgroup-root",
	  .key = "attribution.cgroup_root",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(cgroup_root),
	  .def = "",
	  .arg = "DIR",
	  .help = "cgroup v2 mount whose kubelet names give k8s.pod.uid, "
		  "container.id (default /sys/fs/cgroup)" },
	MFD_OTLP_OPTION_ROWS(OFF(otlp)),
	{ .name = "min-order",
	  .key = "metrics.min_order",
	  .type = MFD_OPT_INT,
	  .offset = OFF(min_order),
	  .def = "0",
	  .min = 0,
	  .max = 63,
	  .arg = "ORDER",
	  .help = "export the per-zone-and-order series (free and suitable "
		  "blocks, indices, migratetype detail) only for orders >= "
		  "this: a smaller series budget; views and the JSON API keep "
		  "every order" },
	{
		.name = "log-level",
		.key = "log.level",
		.type = MFD_OPT_ENUM,
		.offset = OFF(log_level),
		.def = "info",
		.choices = level_choices,
		.arg = "LEVEL",
		.help = "error, warn, info or debug",
		.env = "MFD_LOG_LEVEL",
	},
	{ .name = "log-format",
	  .key = "log.format",
	  .type = MFD_OPT_ENUM,
	  .offset = OFF(log_format),
	  .def = "text",
	  .choices = log_format_choices,
	  .arg = "FMT",
	  .help = "log lines as text, logfmt or json (one object per line)",
	  .env = "MFD_LOG_FORMAT" },
	{ .name = "config",
	  .type = MFD_OPT_STRING,
	  .offset = OFF(config_file),
	  .def = "",
	  .arg = "FILE",
	  .help = "read settings from this YAML file (see config/mfd.yaml)",
	  .env = "MFD_CONFIG" },
	{ .name = "check-config",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(check_config),
	  .help = "validate file, environment and flags, print the result, "
		  "exit" },
	{ .name = "dump-config",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(dump_config),
	  .help = "print the documented default config file and exit" },
	{ .name = "dump-man",
	  .type = MFD_OPT_FLAG,
	  .offset = OFF(dump_man),
	  .help = "print the mfd-agent(8) manual page (troff) and exit" },
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

/* The table everything walks; tests may swap in their own. */
const struct mfd_option *mfd_config_table = mfd_options;

void mfd_config_use_table(const struct mfd_option *t)
{
	mfd_config_table = t ? t : mfd_options;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };

	for (int i = 0; yes[i]; i++)
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
	for (int i = 0; no[i]; i++)
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	return false;
}

/* Declared in config_internal.h, as are the other mfd_config_* below that
 * config.h does not name. */
int mfd_config_parse_value(struct mfd_config *cfg, const struct mfd_option *o,
			   const char *val, char *why, size_t why_len)
{
	char *p = mfd_config_field(cfg, o), *end;
	const char *shown = o->secret ? REDACTED : val;
	double d;
	long l;
	bool b;

	if (o->parse)
		return o->parse(o, val, p, why, why_len);
	switch (o->type) {
	case MFD_OPT_FLAG:
		if (!val) {
			*(bool *)p = true;
			return 0;
		}
		if (!parse_bool(val, &b)) {
			snprintf(why, why_len, "'%s' is not true or false",
				 shown);
			return -EINVAL;
		}
		*(bool *)p = b;
		return 0;
	case MFD_OPT_SET:
		*(int *)p = o->set_value;
		return 0;
	case MFD_OPT_INT:
		errno = 0;
		l = strtol(val, &end, 10);
		if (errno || end == val || *end || l < o->min || l > o->max) {
			snprintf(why, why_len,
				 "'%s' is not a whole number from %.0f to %.0f",
				 shown, o->min, o->max);
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
			snprintf(why, why_len,
				 "'%s' is not a number %s %g and <= %g", shown,
				 o->min_exclusive ? ">" : ">=", o->min, o->max);
			return -EINVAL;
		}
		*(double *)p = d;
		return 0;
	case MFD_OPT_STRING: {
		char *dup = NULL;

		/* An empty string means "not set", like the "" default. */
		if (val && *val) {
			dup = strdup(val);
			if (!dup) {
				snprintf(why, why_len, "out of memory");
				return -ENOMEM;
			}
		}
		free(*(char **)p);
		*(char **)p = dup;
		return 0;
	}
	case MFD_OPT_ENUM: {
		size_t n;

		for (int i = 0; o->choices[i]; i++)
			if (strcasecmp(val, o->choices[i]) == 0) {
				*(int *)p = i;
				return 0;
			}
		n = (size_t)snprintf(why, why_len, "'%s' is not one of", shown);
		for (int i = 0; o->choices[i] && n < why_len; i++)
			n += (size_t)snprintf(why + n, why_len - n, "%s %s",
					      i ? "," : "", o->choices[i]);
		return -EINVAL;
	}
	}
	snprintf(why, why_len, "option has an unknown type");
	return -EINVAL;
}

void mfd_config_set_origin(struct mfd_config *cfg, const struct mfd_option *o,
			   enum mfd_origin origin)
{
	size_t i = (size_t)(o - mfd_config_table);

	if (i < MFD_OPT_MAX)
		cfg->origin[i] = (unsigned char)origin;
	/* The origins the HTTP server acts on, in its own settings. */
	if (o->offset == OFF(http.listen))
		cfg->http.listen_origin = origin;
	else if (o->offset == OFF(http.max_conns))
		cfg->http.max_conns_origin = origin;
}

int mfd_config_defaults(struct mfd_config *cfg)
{
	char why[256];

	_Static_assert(MFD_OPT_MAX <= 256, "origin[] index fits the table");
	memset(cfg, 0, sizeof(*cfg));
	FOR_EACH_OPT(o)
	{
		int err;

		if (!o->def || (o->type == MFD_OPT_STRING && !*o->def))
			continue;
		err = mfd_config_parse_value(cfg, o, o->def, why, sizeof(why));
		if (err) {
			fprintf(stderr, "mfd-agent: default of --%s: %s\n",
				o->name, why);
			return err;
		}
	}
	return 0;
}

void mfd_config_free(struct mfd_config *cfg)
{
	FOR_EACH_OPT(o)
	if (o->type == MFD_OPT_STRING) {
		char **p = mfd_config_field(cfg, o);

		free(*p);
		*p = NULL;
	}
}

const struct mfd_option *mfd_config_find_key(const char *key)
{
	FOR_EACH_OPT(o)
	if (o->key && strcmp(o->key, key) == 0)
		return o;
	return NULL;
}

enum mfd_origin mfd_config_origin(const struct mfd_config *cfg, const char *key)
{
	const struct mfd_option *o = mfd_config_find_key(key);

	return o ? (enum mfd_origin)cfg->origin[o - mfd_config_table] :
		   MFD_ORIGIN_DEFAULT;
}

/* The secret option that "<key>_file" names, or NULL. */
const struct mfd_option *mfd_config_find_secret_file_key(const char *key)
{
	size_t n = strlen(key);

	if (n <= 5 || strcmp(key + n - 5, "_file") != 0)
		return NULL;
	FOR_EACH_OPT(o)
	if (o->secret && o->key && strlen(o->key) == n - 5 &&
	    strncmp(o->key, key, n - 5) == 0)
		return o;
	return NULL;
}

/* Whether some key lies under "prefix." (prefix is a section). */
bool mfd_config_is_section(const char *prefix)
{
	size_t n = strlen(prefix);

	FOR_EACH_OPT(o)
	if (o->key && strncmp(o->key, prefix, n) == 0 && o->key[n] == '.')
		return true;
	return false;
}

/* Strip leading and trailing white space in place (secret files end with a
 * newline more often than not). */
static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Set a secret from the contents of a file (read through read_file). */
int mfd_config_set_from_file(struct mfd_config *cfg, const struct mfd_option *o,
			     const char *path, mfd_read_file_fn read_file,
			     char *why, size_t why_len)
{
	char *buf = NULL;
	int err;

	if (!read_file) {
		snprintf(why, why_len, "secret files are not read here");
		return -EINVAL;
	}
	if (!path || !*path) {
		snprintf(why, why_len, "needs a file name");
		return -EINVAL;
	}
	err = read_file(path, &buf, why, why_len);
	if (err)
		return err;
	err = mfd_config_parse_value(cfg, o, trim(buf), why, why_len);
	explicit_bzero(buf, strlen(buf));
	free(buf);
	return err;
}

bool mfd_config_value_equal(const struct mfd_option *o,
			    const struct mfd_config *a,
			    const struct mfd_config *b)
{
	const void *pa = mfd_config_field(a, o), *pb = mfd_config_field(b, o);

	switch (o->type) {
	case MFD_OPT_FLAG:
		return *(const bool *)pa == *(const bool *)pb;
	case MFD_OPT_SET:
	case MFD_OPT_INT:
	case MFD_OPT_ENUM:
		return *(const int *)pa == *(const int *)pb;
	case MFD_OPT_DOUBLE:
		return *(const double *)pa == *(const double *)pb;
	case MFD_OPT_STRING: {
		const char *sa = *(char *const *)pa, *sb = *(char *const *)pb;

		return (!sa || !*sa) ? (!sb || !*sb) :
				       (sb && strcmp(sa, sb) == 0);
	}
	}
	return false;
}

static bool from_flag(const void *cfg, const char *key)
{
	return mfd_config_origin(cfg, key) == MFD_ORIGIN_FLAG;
}

void mfd_config_export_settings(const struct mfd_config *cfg,
				struct mfd_export_settings *out)
{
	*out = (struct mfd_export_settings){
		.otlp = &cfg->otlp,
		.http = &cfg->http,
		.statsd = &cfg->statsd,
		.record = &cfg->record,
		.from_flag = from_flag,
		.origin_ctx = cfg,
	};
}
