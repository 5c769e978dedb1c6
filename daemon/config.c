// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - the option table, and everything generated from it: argv
 * parsing, the YAML config file, environment variables, --help,
 * --check-config, --dump-config (config/mfd.yaml) and SIGHUP reload.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#define LOG_COMPONENT "config"
#include "collector.h"
#include "config.h"
#include "escape.h"
#include "log.h"
#include "view.h"
#include "replay.h"

#define OFF(f) offsetof(struct mfd_config, f)

static const char *const format_choices[] = { "table", "json", "csv", NULL };
static const char *const source_choices[] = { "auto", "bpf", "procfs", NULL };
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

/* The table everything below walks; tests may swap in their own. */
static const struct mfd_option *table = mfd_options;

void mfd_config_use_table(const struct mfd_option *t)
{
	table = t ? t : mfd_options;
}

#define FOR_EACH_OPT(o) for (const struct mfd_option *o = table; o->name; o++)

#define REDACTED "[REDACTED]"
/* Largest config or secret file read. */
#define MFD_CONFIG_MAX_BYTES (1 << 20)

static void *field_of(const struct mfd_config *cfg, const struct mfd_option *o)
{
	return (char *)cfg + o->offset;
}

static bool takes_arg(const struct mfd_option *o)
{
	return o->type != MFD_OPT_FLAG && o->type != MFD_OPT_SET;
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

/*
 * Convert val into o's field of cfg. val is NULL only for a flag given on
 * the command line (true). On error why[] says what is wrong, without the
 * source (the caller adds "--name", "FILE:LINE:COL: key 'k'" or "$VAR") and
 * never with a secret's value.
 */
static int parse_value(struct mfd_config *cfg, const struct mfd_option *o,
		       const char *val, char *why, size_t why_len)
{
	char *p = field_of(cfg, o), *end;
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

static void set_origin(struct mfd_config *cfg, const struct mfd_option *o,
		       enum mfd_origin origin)
{
	size_t i = (size_t)(o - table);

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
		err = parse_value(cfg, o, o->def, why, sizeof(why));
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
		char **p = field_of(cfg, o);

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

	return o ? (enum mfd_origin)cfg->origin[o - table] : MFD_ORIGIN_DEFAULT;
}

/* The secret option that "<key>_file" names, or NULL. */
static const struct mfd_option *find_secret_file_key(const char *key)
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
static bool is_section(const char *prefix)
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
static int set_from_file(struct mfd_config *cfg, const struct mfd_option *o,
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
	err = parse_value(cfg, o, trim(buf), why, why_len);
	explicit_bzero(buf, strlen(buf));
	free(buf);
	return err;
}

/* Open path for reading if it is a regular file. O_NONBLOCK, so a FIFO
 * (or a device) put there cannot block the agent, start or SIGHUP alike,
 * before fstat() refuses it. NULL with why[] filled otherwise. */
static FILE *open_regular(const char *path, int *err, char *why, size_t why_len)
{
	struct stat sb;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*err = -errno;
		snprintf(why, why_len, "cannot read '%s': %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb)) {
		*err = -errno;
		snprintf(why, why_len, "cannot read '%s': %s", path,
			 strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		*err = -EINVAL;
		snprintf(why, why_len,
			 "'%s' is not a regular file (%s); give the path of "
			 "a file",
			 path,
			 S_ISFIFO(sb.st_mode) ? "a FIFO" :
			 S_ISDIR(sb.st_mode)  ? "a directory" :
			 S_ISCHR(sb.st_mode)  ? "a character device" :
			 S_ISBLK(sb.st_mode)  ? "a block device" :
			 S_ISSOCK(sb.st_mode) ? "a socket" :
						"not a file");
		close(fd);
		return NULL;
	}
	/* Regular files never block; reads go on as usual. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) ||
	    !(f = fdopen(fd, "r"))) {
		*err = -errno;
		snprintf(why, why_len, "cannot read '%s': %s", path,
			 strerror(errno));
		close(fd);
		return NULL;
	}
	return f;
}

static int read_whole_file(const char *path, char **out, char *why,
			   size_t why_len)
{
	char *buf = NULL;
	size_t n;
	int err = 0;
	FILE *f;

	*out = NULL;
	f = open_regular(path, &err, why, why_len);
	if (!f)
		return err;
	buf = malloc(MFD_CONFIG_MAX_BYTES + 1);
	if (!buf) {
		err = -ENOMEM;
		snprintf(why, why_len, "out of memory");
		goto cleanup;
	}
	n = fread(buf, 1, MFD_CONFIG_MAX_BYTES + 1, f);
	if (ferror(f)) {
		err = -EIO;
		snprintf(why, why_len, "cannot read '%s': %s", path,
			 strerror(errno));
		goto cleanup;
	}
	if (n > MFD_CONFIG_MAX_BYTES) {
		err = -EFBIG;
		snprintf(why, why_len, "'%s' is larger than %d bytes", path,
			 MFD_CONFIG_MAX_BYTES);
		goto cleanup;
	}
	if (memchr(buf, '\0', n)) {
		err = -EINVAL;
		snprintf(why, why_len, "'%s' contains a NUL byte", path);
		goto cleanup;
	}
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
cleanup:
	free(buf);
	fclose(f);
	return err;
}

/* ---- the YAML file: pure, text in, config or error out ---------------- */

struct yaml_ctx {
	struct mfd_config *cfg;
	const char *name; /* file name in messages */
	mfd_read_file_fn read_file;
	yaml_parser_t parser;
	char **seen; /* full keys met so far, for duplicates */
	size_t nseen;
	char key[256]; /* the key being read, for syntax errors */
	char *why;
	size_t why_len;
};

__attribute__((format(printf, 4, 5))) static int
yerr(struct yaml_ctx *c, yaml_mark_t m, const char *key, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = (size_t)snprintf(c->why, c->why_len, "%s:%zu:%zu: ", c->name,
			     m.line + 1, m.column + 1);
	if (key && *key && n < c->why_len)
		n += (size_t)snprintf(c->why + n, c->why_len - n,
				      "key '%s': ", key);
	if (n < c->why_len) {
		va_start(ap, fmt);
		vsnprintf(c->why + n, c->why_len - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int next_event(struct yaml_ctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(&c->parser, ev))
		return 0;
	if (c->parser.error == YAML_MEMORY_ERROR) {
		snprintf(c->why, c->why_len, "%s: out of memory", c->name);
		return -ENOMEM;
	}
	if (c->parser.context)
		return yerr(c, c->parser.problem_mark, c->key,
			    "YAML syntax error: %s, %s at line %zu column %zu",
			    c->parser.problem ? c->parser.problem : "invalid",
			    c->parser.context, c->parser.context_mark.line + 1,
			    c->parser.context_mark.column + 1);
	return yerr(c, c->parser.problem_mark, c->key, "YAML syntax error: %s",
		    c->parser.problem ? c->parser.problem : "invalid");
}

static const char *event_what(yaml_event_type_t t)
{
	switch (t) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "a value";
	}
}

static bool is_null_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*v || strcmp(v, "~") == 0 || strcasecmp(v, "null") == 0;
}

static int note_seen(struct yaml_ctx *c, const char *key, yaml_mark_t m)
{
	const struct mfd_option *s = find_secret_file_key(key);
	const struct mfd_option *o = mfd_config_find_key(key);
	char **more;

	for (size_t i = 0; i < c->nseen; i++) {
		if (strcmp(c->seen[i], key) == 0)
			return yerr(c, m, key, "duplicate key");
		/* "k" and "k_file" both set: which one wins is a guess. */
		if ((s && strcmp(c->seen[i], s->key) == 0) ||
		    (o && o->secret && find_secret_file_key(c->seen[i]) == o))
			return yerr(c, m, key,
				    "both '%s' and '%s_file' are set; keep "
				    "one",
				    o ? o->key : s->key, o ? o->key : s->key);
	}
	more = realloc(c->seen, (c->nseen + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	c->seen = more;
	c->seen[c->nseen] = strdup(key);
	if (!c->seen[c->nseen])
		return -ENOMEM;
	c->nseen++;
	return 0;
}

/* A scalar for key at mark m. */
static int apply_scalar(struct yaml_ctx *c, const char *key,
			const yaml_event_t *ev)
{
	const struct mfd_option *o = mfd_config_find_key(key);
	const struct mfd_option *s = o ? NULL : find_secret_file_key(key);
	const char *v = (const char *)ev->data.scalar.value;
	yaml_mark_t m = ev->start_mark;
	char why[512];
	int err;

	if (!o && !s)
		return yerr(c, m, key, "unknown key");
	if (strlen(v) != ev->data.scalar.length)
		return yerr(c, m, key, "the value contains a NUL byte");
	if (is_null_scalar(ev)) {
		if (o && o->type == MFD_OPT_STRING)
			v = "";
		else
			return yerr(c, m, key, "needs a value");
	}
	if (o && o->type == MFD_OPT_SET)
		return yerr(c, m, key, "is a flag, not a file key");
	if (s)
		err = set_from_file(c->cfg, s, v, c->read_file, why,
				    sizeof(why));
	else
		err = parse_value(c->cfg, o, v, why, sizeof(why));
	if (err == -ENOMEM) {
		snprintf(c->why, c->why_len, "%s: out of memory", c->name);
		return err;
	}
	if (err)
		return yerr(c, m, key, "%s", why);
	set_origin(c->cfg, o ? o : s, MFD_ORIGIN_FILE);
	return 0;
}

/* Read the rest of a list or mapping whose START event was just read,
 * up to its matching END. A YAML syntax error inside it is returned (and
 * reported) first: "expected a single value, found a list" about an
 * unterminated "[1, 2" would send the user after the wrong problem. */
static int skip_node(struct yaml_ctx *c)
{
	yaml_event_t ev;
	int depth = 1, err;

	while (depth > 0) {
		err = next_event(c, &ev);
		if (err)
			return err;
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			 ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		else if (ev.type == YAML_STREAM_END_EVENT)
			depth = 0;
		yaml_event_delete(&ev);
	}
	return 0;
}

/* The body of a mapping whose keys live under prefix ("" at the top);
 * the MAPPING_START event has been read. */
static int parse_mapping(struct yaml_ctx *c, const char *prefix)
{
	yaml_event_t ev;
	int err;

	for (;;) {
		char key[sizeof(c->key)];
		yaml_mark_t km;
		bool leaf, section;

		err = next_event(c, &ev);
		if (err)
			return err;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			err = yerr(c, ev.start_mark, prefix,
				   "a key must be a name, not %s",
				   event_what(ev.type));
			yaml_event_delete(&ev);
			return err;
		}
		km = ev.start_mark;
		if ((size_t)snprintf(key, sizeof(key), "%s%s%s", prefix,
				     *prefix ? "." : "",
				     (const char *)ev.data.scalar.value) >=
			    sizeof(key) ||
		    strlen((const char *)ev.data.scalar.value) !=
			    ev.data.scalar.length) {
			yaml_event_delete(&ev);
			return yerr(c, km, prefix,
				    "key is too long or not text");
		}
		yaml_event_delete(&ev);
		snprintf(c->key, sizeof(c->key), "%s", key);
		err = note_seen(c, key, km);
		if (err == -ENOMEM)
			snprintf(c->why, c->why_len, "%s: out of memory",
				 c->name);
		if (err)
			return err;
		leaf = mfd_config_find_key(key) || find_secret_file_key(key);
		section = !leaf && is_section(key);

		err = next_event(c, &ev);
		if (err)
			return err;
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			if (section)
				err = yerr(c, ev.start_mark, key,
					   "is a section; give it a mapping "
					   "of keys, not a single value");
			else if (!leaf)
				err = yerr(c, km, key, "unknown key");
			else
				err = apply_scalar(c, key, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
			if (section) {
				yaml_event_delete(&ev);
				err = parse_mapping(c, key);
				if (err)
					return err;
				continue;
			}
			/* fall through */
		default:
			if (!leaf && !section)
				err = yerr(c, km, key, "unknown key");
			else if (ev.type == YAML_ALIAS_EVENT)
				err = yerr(c, ev.start_mark, key,
					   "YAML aliases are not supported");
			else if ((err = skip_node(c)) != 0)
				break; /* a syntax error inside it */
			else
				err = yerr(c, ev.start_mark, key,
					   "expected %s, found %s",
					   section ? "a mapping of keys" :
						     "a single value",
					   event_what(ev.type));
			break;
		}
		yaml_event_delete(&ev);
		if (err)
			return err;
	}
}

int mfd_config_parse_yaml(struct mfd_config *cfg, const char *buf, size_t len,
			  const char *name, mfd_read_file_fn read_file,
			  char *why, size_t why_len)
{
	struct yaml_ctx c = { .cfg = cfg,
			      .name = name ? name : "config",
			      .read_file = read_file,
			      .why = why,
			      .why_len = why_len };
	yaml_event_t ev;
	int err, docs = 0;

	if (why_len)
		why[0] = '\0';
	if (!yaml_parser_initialize(&c.parser)) {
		snprintf(why, why_len, "%s: out of memory", c.name);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)buf,
				     len);
	for (;;) {
		err = next_event(&c, &ev);
		if (err)
			goto cleanup;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			goto cleanup;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				err = yerr(&c, ev.start_mark, NULL,
					   "only one YAML document is read; "
					   "remove the second '---'");
			break;
		case YAML_MAPPING_START_EVENT:
			err = parse_mapping(&c, "");
			break;
		case YAML_SCALAR_EVENT:
			/* An empty document ("", "---", "~") sets nothing. */
			if (!is_null_scalar(&ev))
				err = yerr(&c, ev.start_mark, NULL,
					   "the top level must be a mapping "
					   "of keys, not a single value");
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_ALIAS_EVENT:
			err = yerr(&c, ev.start_mark, NULL,
				   "the top level must be a mapping of keys, "
				   "not %s",
				   event_what(ev.type));
			break;
		default: /* stream start, document end */
			break;
		}
		yaml_event_delete(&ev);
		if (err)
			goto cleanup;
	}
cleanup:
	for (size_t i = 0; i < c.nseen; i++)
		free(c.seen[i]);
	free(c.seen);
	yaml_parser_delete(&c.parser);
	return err;
}

/* ---- the shell: argv, the file, the environment ----------------------- */

struct argv_item {
	const struct mfd_option *o;
	const char *val; /* NULL for flags */
	bool from_file; /* --<name>-file PATH of a secret */
};

static int load_file(struct mfd_config *cfg, const char *path, FILE *err)
{
	char why[1024], *buf = NULL;
	int rc;

	rc = read_whole_file(path, &buf, why, sizeof(why));
	if (rc) {
		fprintf(err, "mfd-agent: --config: %s\n", why);
		return rc;
	}
	rc = mfd_config_parse_yaml(cfg, buf, strlen(buf), path, read_whole_file,
				   why, sizeof(why));
	if (rc)
		fprintf(err, "mfd-agent: %s\n", why);
	free(buf);
	return rc;
}

static int load_env(struct mfd_config *cfg, FILE *err)
{
	char why[512], name[256];
	int rc;

	FOR_EACH_OPT(o)
	{
		const char *v, *path = NULL;

		if (!o->env)
			continue;
		v = getenv(o->env);
		if (o->secret) {
			snprintf(name, sizeof(name), "%s_FILE", o->env);
			path = getenv(name);
		}
		if (v && path) {
			fprintf(err,
				"mfd-agent: both %s and %s are set; keep "
				"one\n",
				o->env, name);
			return -EINVAL;
		}
		if (path)
			rc = set_from_file(cfg, o, path, read_whole_file, why,
					   sizeof(why));
		else if (v)
			rc = parse_value(cfg, o, v, why, sizeof(why));
		else
			continue;
		if (rc) {
			fprintf(err, "mfd-agent: %s: %s\n",
				path ? name : o->env, why);
			return rc;
		}
		set_origin(cfg, o, MFD_ORIGIN_ENV);
	}
	return 0;
}

/* First pass over argv: check it and list what it sets, so the file named
 * by --config can be read before the flags are applied on top. */
static int scan_args(int argc, char **argv, struct argv_item *items,
		     size_t *nitems, FILE *err)
{
	struct option longopts[2 * MFD_OPT_MAX + 1];
	char shortopts[3 * MFD_OPT_MAX + 2];
	char(*file_names)[80] = NULL;
	size_t nl = 0, ns = 0, nf = 0;
	int c, rc = 0;

	file_names = calloc(MFD_OPT_MAX, sizeof(*file_names));
	if (!file_names)
		return -ENOMEM;
	shortopts[ns++] = ':'; /* report a missing argument as ':' */
	FOR_EACH_OPT(o)
	{
		int idx = (int)(o - table);

		if (idx >= MFD_OPT_MAX) {
			fprintf(err, "mfd-agent: option table too large\n");
			rc = -E2BIG;
			goto cleanup;
		}
		longopts[nl++] = (struct option){
			.name = o->name,
			.has_arg = takes_arg(o) ? required_argument :
						  no_argument,
			.val = 256 + idx,
		};
		if (o->secret) {
			snprintf(file_names[nf], sizeof(file_names[nf]),
				 "%s-file", o->name);
			longopts[nl++] = (struct option){
				.name = file_names[nf++],
				.has_arg = required_argument,
				.val = 256 + MFD_OPT_MAX + idx,
			};
		}
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
		bool from_file = false;

		if (c == '?') {
			if (optopt)
				fprintf(err, "mfd-agent: unknown option -%c\n",
					optopt);
			else
				fprintf(err, "mfd-agent: unknown option %s\n",
					argv[optind - 1]);
			rc = -EINVAL;
			goto cleanup;
		}
		if (c == ':') {
			fprintf(err, "mfd-agent: option %s needs a value\n",
				argv[optind - 1]);
			rc = -EINVAL;
			goto cleanup;
		}
		if (c >= 256 + MFD_OPT_MAX) {
			o = &table[c - 256 - MFD_OPT_MAX];
			from_file = true;
		} else if (c >= 256) {
			o = &table[c - 256];
		} else {
			FOR_EACH_OPT(p)
			if (p->short_name == c)
				o = p;
		}
		if (!o) {
			rc = -EINVAL;
			goto cleanup;
		}
		if (o->secret && !from_file) {
			fprintf(err,
				"mfd-agent: --%s: a secret is not taken from "
				"the command line, where every user can read "
				"it in /proc/PID/cmdline; use --%s-file FILE%s%s\n",
				o->name, o->name, o->env ? " or $" : "",
				o->env ? o->env : "");
			rc = -EINVAL;
			goto cleanup;
		}
		items[(*nitems)++] = (struct argv_item){
			.o = o,
			.val = takes_arg(o) || from_file ? optarg : NULL,
			.from_file = from_file,
		};
	}
	if (optind < argc) {
		fprintf(err, "mfd-agent: unexpected argument '%s'\n",
			argv[optind]);
		rc = -EINVAL;
	}
cleanup:
	free(file_names);
	return rc;
}

int mfd_config_parse_args(struct mfd_config *cfg, int argc, char **argv,
			  FILE *err)
{
	struct argv_item *items;
	size_t nitems = 0;
	const char *path;
	char why[512];
	int rc;

	rc = mfd_config_defaults(cfg);
	if (rc)
		return rc;
	items = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*items));
	if (!items)
		return -ENOMEM;
	rc = scan_args(argc, argv, items, &nitems, err);
	if (rc)
		goto cleanup;

	/* The file: the last --config, else $MFD_CONFIG. */
	path = getenv("MFD_CONFIG");
	for (size_t i = 0; i < nitems; i++)
		if (items[i].o->offset ==
			    offsetof(struct mfd_config, config_file) &&
		    items[i].o->type == MFD_OPT_STRING)
			path = items[i].val;
	if (path && *path) {
		rc = load_file(cfg, path, err);
		if (rc)
			goto cleanup;
	}
	rc = load_env(cfg, err);
	if (rc)
		goto cleanup;
	for (size_t i = 0; i < nitems; i++) {
		const struct mfd_option *o = items[i].o;

		if (items[i].from_file)
			rc = set_from_file(cfg, o, items[i].val,
					   read_whole_file, why, sizeof(why));
		else
			rc = parse_value(cfg, o, items[i].val, why,
					 sizeof(why));
		if (rc) {
			fprintf(err, "mfd-agent: --%s%s: %s\n", o->name,
				items[i].from_file ? "-file" : "", why);
			goto cleanup;
		}
		set_origin(cfg, o, MFD_ORIGIN_FLAG);
	}
	if (cfg->once && cfg->headless) {
		fprintf(err, "mfd-agent: --once and --headless exclude each "
			     "other\n");
		rc = -EINVAL;
		goto cleanup;
	}
	if (cfg->replay.path && !*cfg->replay.path) {
		fprintf(err, "mfd-agent: --replay needs a file name\n");
		rc = -EINVAL;
		goto cleanup;
	}
	if (cfg->replay.at) {
		uint64_t ns;

		if (mfd_replay_parse_time(cfg->replay.at, &ns)) {
			fprintf(err,
				"mfd-agent: --replay-at: '%s' is neither unix "
				"seconds nor a UTC time like "
				"2026-11-27T04:23:51Z\n",
				cfg->replay.at);
			rc = -EINVAL;
			goto cleanup;
		}
	}
	if (cfg->record.path && !*cfg->record.path) {
		fprintf(err, "mfd-agent: --record needs a file name\n");
		rc = -EINVAL;
		goto cleanup;
	}
	if (cfg->replay.path && cfg->record.path &&
	    strcmp(cfg->replay.path, cfg->record.path) == 0) {
		fprintf(err, "mfd-agent: --record and --replay name the same "
			     "file\n");
		rc = -EINVAL;
		goto cleanup;
	}
	cfg->argc = argc;
	cfg->argv = argv;
cleanup:
	free(items);
	return rc;
}

/* ---- values as text, comparison, copies -------------------------------- */

static void yaml_quote(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	if (len < 3) {
		if (len)
			buf[0] = '\0';
		return;
	}
	buf[n++] = '"';
	for (; s && *s && n + 7 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", ch);
		} else {
			buf[n++] = (char)ch;
		}
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

void mfd_config_format_value(const struct mfd_option *o,
			     const struct mfd_config *cfg, bool redact,
			     char *buf, size_t len)
{
	const void *p = field_of(cfg, o);

	if (redact && o->secret) {
		const char *s = o->type == MFD_OPT_STRING ? *(char *const *)p :
							    REDACTED;

		snprintf(buf, len, "%s", s && *s ? REDACTED : "\"\"");
		return;
	}
	switch (o->type) {
	case MFD_OPT_FLAG:
		snprintf(buf, len, "%s", *(const bool *)p ? "true" : "false");
		break;
	case MFD_OPT_SET:
	case MFD_OPT_INT:
		snprintf(buf, len, "%d", *(const int *)p);
		break;
	case MFD_OPT_DOUBLE:
		snprintf(buf, len, "%.15g", *(const double *)p);
		break;
	case MFD_OPT_STRING: {
		const char *s = *(char *const *)p;
		char *shown = redact && s ? mfd_redact_url(s) : NULL;

		/* An endpoint's user:password@ never reaches a log or
		 * --check-config in full. */
		yaml_quote(shown ? shown : s, buf, len);
		free(shown);
		break;
	}
	case MFD_OPT_ENUM: {
		int v = *(const int *)p, n = 0;

		while (o->choices[n])
			n++;
		snprintf(buf, len, "%s", v >= 0 && v < n ? o->choices[v] : "?");
		break;
	}
	}
}

bool mfd_config_value_equal(const struct mfd_option *o,
			    const struct mfd_config *a,
			    const struct mfd_config *b)
{
	const void *pa = field_of(a, o), *pb = field_of(b, o);

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

static int copy_value(const struct mfd_option *o, struct mfd_config *dst,
		      const struct mfd_config *src)
{
	void *pd = field_of(dst, o);
	const void *ps = field_of(src, o);

	switch (o->type) {
	case MFD_OPT_FLAG:
		*(bool *)pd = *(const bool *)ps;
		return 0;
	case MFD_OPT_SET:
	case MFD_OPT_INT:
	case MFD_OPT_ENUM:
		*(int *)pd = *(const int *)ps;
		return 0;
	case MFD_OPT_DOUBLE:
		*(double *)pd = *(const double *)ps;
		return 0;
	case MFD_OPT_STRING: {
		const char *s = *(char *const *)ps;
		char *dup = s ? strdup(s) : NULL;

		if (s && !dup)
			return -ENOMEM;
		free(*(char **)pd);
		*(char **)pd = dup;
		return 0;
	}
	}
	return -EINVAL;
}

/* ---- SIGHUP ------------------------------------------------------------ */

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
		/* One line: drop the trailing newline and the program name. */
		const char *msg = buf && *buf ? buf : "invalid";

		if (strncmp(msg, "mfd-agent: ", 11) == 0)
			msg += 11;
		snprintf(why, why_len, "%s", msg);
		len = strlen(why);
		while (len && why[len - 1] == '\n')
			why[--len] = '\0';
		mfd_config_free(out);
		free(buf);
		return rc;
	}
	free(buf);

	FOR_EACH_OPT(o)
	{
		char was[256], now[256];
		size_t i = (size_t)(o - table);

		if (mfd_config_value_equal(o, cur, out))
			continue;
		mfd_config_format_value(o, cur, true, was, sizeof(was));
		mfd_config_format_value(o, out, true, now, sizeof(now));
		if (!o->restart) {
			log_info("SIGHUP: %s: %s -> %s",
				 o->key ? o->key : o->name, was, now);
			continue;
		}
		log_warn("SIGHUP: %s: %s -> %s needs a restart; keeping %s",
			 o->key ? o->key : o->name, was, now, was);
		rc = copy_value(o, out, cur);
		if (rc) {
			snprintf(why, why_len, "out of memory");
			mfd_config_free(out);
			return rc;
		}
		if (i < MFD_OPT_MAX)
			set_origin(out, o, (enum mfd_origin)cur->origin[i]);
	}
	return 0;
}

/* ---- generated text: --help, --dump-config, --check-config -------------- */

/* The --help group of o: .section, else the key's first part. */
static void section_of(const struct mfd_option *o, char *buf, size_t len)
{
	const char *dot;

	if (o->section) {
		snprintf(buf, len, "%s", o->section);
	} else if (o->key && (dot = strchr(o->key, '.'))) {
		snprintf(buf, len, "%.*s", (int)(dot - o->key), o->key);
	} else {
		snprintf(buf, len, "general");
	}
}

static void describe_type(const struct mfd_option *o, char *buf, size_t len)
{
	size_t n;

	switch (o->type) {
	case MFD_OPT_FLAG:
		snprintf(buf, len, "true or false");
		break;
	case MFD_OPT_INT:
		snprintf(buf, len, "a whole number from %.0f to %.0f", o->min,
			 o->max);
		break;
	case MFD_OPT_DOUBLE:
		snprintf(buf, len, "a number %s %g and <= %g",
			 o->min_exclusive ? ">" : ">=", o->min, o->max);
		break;
	case MFD_OPT_ENUM:
		n = (size_t)snprintf(buf, len, "one of");
		for (int i = 0; o->choices[i] && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s %s",
					      i ? "," : "", o->choices[i]);
		break;
	default:
		snprintf(buf, len, "text");
		break;
	}
}

static void print_origin(FILE *out, const struct mfd_option *o,
			 const struct mfd_config *cfg)
{
	size_t i = (size_t)(o - table);

	switch (i < MFD_OPT_MAX ? cfg->origin[i] : 0) {
	case MFD_ORIGIN_FILE:
		fprintf(out, "  # from the file");
		break;
	case MFD_ORIGIN_ENV:
		fprintf(out, "  # from $%s", o->env ? o->env : "?");
		break;
	case MFD_ORIGIN_FLAG:
		fprintf(out, "  # from --%s", o->name);
		break;
	default:
		fprintf(out, "  # default");
		break;
	}
}

/* Whether an earlier keyed row already opened "prefix<part>" (same part up
 * to its next dot), so the section is printed once, in table order. */
static bool part_seen(const struct mfd_option *upto, const char *prefix,
		      const char *part, size_t part_len)
{
	size_t pl = strlen(prefix);

	for (const struct mfd_option *o = table; o < upto; o++)
		if (o->key && strncmp(o->key, prefix, pl) == 0 &&
		    strncmp(o->key + pl, part, part_len) == 0 &&
		    (o->key[pl + part_len] == '.' ||
		     o->key[pl + part_len] == '\0'))
			return true;
	return false;
}

static void emit_doc_comment(FILE *out, const struct mfd_option *o, int depth)
{
	char type[256];

	describe_type(o, type, sizeof(type));
	fprintf(out, "%*s# %s.\n", depth * 2, "", o->help);
	fprintf(out, "%*s# Flag --%s", depth * 2, "", o->name);
	if (o->short_name)
		fprintf(out, " (-%c)", o->short_name);
	if (o->env)
		fprintf(out, ", env %s", o->env);
	fprintf(out, "; %s.\n", type);
	if (o->secret)
		fprintf(out,
			"%*s# Secret: shown as [REDACTED]; or give %s_file: "
			"FILE (--%s-file%s%s%s) to read it from a file.\n",
			depth * 2, "",
			strrchr(o->key, '.') ? strrchr(o->key, '.') + 1 :
					       o->key,
			o->name, o->env ? ", " : "", o->env ? o->env : "",
			o->env ? "_FILE" : "");
	if (o->restart)
		fprintf(out,
			"%*s# Needs a restart: SIGHUP keeps the old value.\n",
			depth * 2, "");
}

/* Print every keyed option under prefix, nested, in table order. */
static void emit_yaml(FILE *out, const struct mfd_config *cfg, bool docs,
		      const char *prefix, int depth)
{
	size_t pl = strlen(prefix);
	bool first = true;

	FOR_EACH_OPT(o)
	{
		const char *part, *dot;
		size_t part_len;
		char value[512], sub[256];

		if (!o->key || strncmp(o->key, prefix, pl) != 0)
			continue;
		part = o->key + pl;
		dot = strchr(part, '.');
		part_len = dot ? (size_t)(dot - part) : strlen(part);
		if (part_seen(o, prefix, part, part_len))
			continue;
		if (docs && (depth == 0 || !first))
			fputc('\n', out);
		first = false;
		if (dot) {
			fprintf(out, "%*s%.*s:\n", depth * 2, "", (int)part_len,
				part);
			snprintf(sub, sizeof(sub), "%s%.*s.", prefix,
				 (int)part_len, part);
			emit_yaml(out, cfg, docs, sub, depth + 1);
			continue;
		}
		if (docs)
			emit_doc_comment(out, o, depth);
		mfd_config_format_value(o, cfg, true, value, sizeof(value));
		fprintf(out, "%*s%s: %s", depth * 2, "", part, value);
		if (!docs)
			print_origin(out, o, cfg);
		fputc('\n', out);
	}
}

void mfd_config_dump(FILE *out)
{
	struct mfd_config def;

	if (mfd_config_defaults(&def))
		return;
	fprintf(out,
		"# SPDX-License-Identifier: GPL-2.0-or-later\n"
		"#\n"
		"# mfd-agent configuration: every key, set to its default.\n"
		"# Generated from the option table in daemon/config.c by\n"
		"# `mfd-agent --dump-config` (cmake --build build --target "
		"config-yaml);\n"
		"# a unit test fails when this file and the table differ.\n"
		"#\n"
		"# Use: mfd-agent --config FILE (or MFD_CONFIG=FILE). "
		"Precedence, lowest\n"
		"# to highest: defaults, this file, environment variables, "
		"flags.\n"
		"# SIGHUP rereads the file; an invalid file keeps the running "
		"settings.\n"
		"# Check a file with: mfd-agent --config FILE --check-config\n");
	emit_yaml(out, &def, true, "", 0);
	mfd_config_free(&def);
}

void mfd_config_print(FILE *out, const struct mfd_config *cfg)
{
	fprintf(out, "# effective configuration (mfd-agent %s)\n", MFD_VERSION);
	if (cfg->config_file)
		fprintf(out, "# file: %s\n", cfg->config_file);
	emit_yaml(out, cfg, false, "", 0);
}

/*
 * The option table grouped by section, sections in the order they first
 * appear: head() once per section, then opt() for each of its options.
 * --help and --dump-man are two formatters over this one walk.
 */
static void walk_sections(FILE *out, void (*head)(FILE *, const char *),
			  void (*opt)(FILE *, const struct mfd_option *))
{
	FOR_EACH_OPT(g)
	{
		char sec[64], osec[64];
		bool seen = false;

		section_of(g, sec, sizeof(sec));
		for (const struct mfd_option *p = table; p < g; p++) {
			section_of(p, osec, sizeof(osec));
			if (strcmp(osec, sec) == 0)
				seen = true;
		}
		if (seen)
			continue;
		head(out, sec);
		FOR_EACH_OPT(o)
		{
			section_of(o, osec, sizeof(osec));
			if (strcmp(osec, sec) == 0)
				opt(out, o);
		}
	}
}

static void usage_head(FILE *out, const char *sec)
{
	fprintf(out, "\n%c%s:\n", toupper((unsigned char)sec[0]), sec + 1);
}

static void usage_opt(FILE *out, const struct mfd_option *o)
{
	char left[64];
	const char *arg = takes_arg(o) ? o->arg : "";

	if (o->secret)
		snprintf(left, sizeof(left), "    --%s-file FILE", o->name);
	else if (o->short_name)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name,
			 o->name, *arg ? " " : "", arg ? arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			 *arg ? " " : "", arg ? arg : "");
	fprintf(out, "  %-26s %s", left, o->help);
	if (o->def_help)
		fprintf(out, " (default: %s)", o->def_help);
	else if (o->def && *o->def && takes_arg(o))
		fprintf(out, " (default %s)", o->def);
	fputc('\n', out);
	if (o->key || o->env) {
		fprintf(out, "  %-26s ", "");
		if (o->key)
			fprintf(out, "key %s", o->key);
		if (o->env)
			fprintf(out, "%senv %s%s", o->key ? ", " : "", o->env,
				o->secret ? " or *_FILE" : "");
		if (o->restart)
			fprintf(out, " (restart to change)");
		fputc('\n', out);
	}
}

void mfd_config_usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [OPTIONS]\n"
		"Physical memory fragmentation per NUMA node, zone and order, "
		"and the\nprocesses that cause external-fragmentation "
		"fallbacks.\n",
		prog);
	walk_sections(out, usage_head, usage_opt);
	fprintf(out,
		"\nPrecedence, lowest to highest: defaults, --config FILE, "
		"environment,\nflags. SIGHUP rereads the file. Live views "
		"redraw in place on a terminal\n(q quits, arrows scroll); "
		"piped, they print one plain table per interval.\nExit "
		"status: 0 ok, 1 runtime failure, 2 bad usage or "
		"configuration.\n");
}

/* Text for man(7): backslashes escaped, '-' as \- (so options copy and
 * search as ASCII), a line that would start with '.' or '\'' protected. */
static void man_text(FILE *out, const char *t)
{
	if (*t == '.' || *t == '\'')
		fputs("\\&", out);
	for (; *t; t++) {
		if (*t == '\\')
			fputs("\\e", out);
		else if (*t == '-')
			fputs("\\-", out);
		else if (*t == '\n')
			fputs("\n", out);
		else
			fputc(*t, out);
	}
}

static void man_head(FILE *out, const char *sec)
{
	fprintf(out, ".SS %c%s\n", toupper((unsigned char)sec[0]), sec + 1);
}

static void man_opt(FILE *out, const struct mfd_option *o)
{
	const char *arg = takes_arg(o) ? o->arg : NULL;

	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", out);
	man_text(out, o->name);
	if (o->secret)
		fputs("\\-file\\fR \\fIFILE\\fR", out);
	else if (arg && *arg) {
		fputs("\\fR \\fI", out);
		man_text(out, arg);
		fputs("\\fR", out);
	} else
		fputs("\\fR", out);
	fputc('\n', out);
	man_text(out, o->help);
	if (o->def_help) {
		fputs(" (default: ", out);
		man_text(out, o->def_help);
		fputc(')', out);
	} else if (o->def && *o->def && takes_arg(o)) {
		fputs(" (default ", out);
		man_text(out, o->def);
		fputc(')', out);
	}
	fputs(".\n", out);
	if (o->key || o->env) {
		fputs(".br\n", out);
		if (o->key) {
			fputs("Key \\fB", out);
			man_text(out, o->key);
			fputs("\\fR", out);
		}
		if (o->env) {
			fputs(o->key ? ", environment \\fB" :
				       "Environment \\fB",
			      out);
			man_text(out, o->env);
			fputs(o->secret ? "\\fR or \\fB" : "", out);
			if (o->secret) {
				man_text(out, o->env);
				fputs("_FILE", out);
			}
			fputs("\\fR", out);
		}
		if (o->restart)
			fputs(" (restart to change)", out);
		fputs(".\n", out);
	}
}

void mfd_config_man(FILE *out)
{
	fprintf(out,
		".\\\" SPDX-License-Identifier: GPL-2.0-or-later\n"
		".\\\" Generated by `mfd-agent --dump-man` from the option "
		"table in daemon/config.c.\n"
		".TH MFD-AGENT 8 \"\" \"mfd %s\" \"System Administration\"\n"
		".SH NAME\n"
		"mfd\\-agent \\- physical memory fragmentation per NUMA node, "
		"zone and order\n"
		".SH SYNOPSIS\n"
		".B mfd\\-agent\n"
		"[\\fIOPTIONS\\fR]\n"
		".SH DESCRIPTION\n"
		".B mfd\\-agent\n"
		"shows, for every NUMA node, zone and order, the free blocks "
		"of the buddy allocator and the kernel's unusable and "
		"fragmentation indices, counts external\\-fragmentation "
		"fallbacks per process, and explains why high\\-order "
		"allocations fail (compaction and reclaim stalls, THP "
		"fallbacks). It reads zones with an eBPF program run on "
		"demand, or procfs where BPF is not allowed, and exports "
		"to OTLP, Prometheus (/metrics), StatsD and recordings.\n"
		".PP\n"
		"Without \\fB\\-\\-headless\\fR it draws a live terminal "
		"view; \\fB\\-\\-once\\fR prints one snapshot. Options "
		"below are grouped as in \\fB\\-\\-help\\fR; each keyed "
		"option can also be set in the configuration file and, where "
		"shown, in the environment.\n"
		".SH OPTIONS\n",
		MFD_VERSION);
	walk_sections(out, man_head, man_opt);
	fputs(".SH ENVIRONMENT\n"
	      "Variables named above override the configuration file; flags "
	      "override both.\n"
	      ".SH FILES\n"
	      ".TP\n"
	      ".I /etc/mfd/mfd.yaml\n"
	      "The configuration file the installed systemd unit passes with "
	      "\\fB\\-\\-config\\fR: every key set to its default, with "
	      "its flag, variable and bounds.\n"
	      ".TP\n"
	      ".I /var/lib/mfd\n"
	      "The unit's state directory: the OTLP spool and recordings.\n"
	      ".SH SIGNALS\n"
	      "SIGHUP rereads the configuration file and the environment; "
	      "SIGTERM and SIGINT flush the exporters and exit.\n"
	      ".SH EXIT STATUS\n"
	      "0 on success, 1 on a runtime failure, 2 for bad usage or "
	      "configuration.\n"
	      ".SH PRIVILEGES\n"
	      "Loading the BPF programs needs CAP_BPF and CAP_PERFMON "
	      "(CAP_SYS_ADMIN before Linux 5.8); without them the agent reads "
	      "procfs and says why. It drops every capability once its "
	      "programs are loaded.\n"
	      ".SH SEE ALSO\n"
	      ".BR systemd.exec (5),\n"
	      ".BR proc (5)\n",
	      out);
}
