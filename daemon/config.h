/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - the agent's settings and the one table that drives them.
 *
 * Every option is a row of mfd_options[] (config.c): long name, short
 * letter, config-file key, environment variable, type, bounds, default, the
 * offset of its field in struct mfd_config, and one line of help. Parsing
 * (argv, the YAML file, the environment), validation, defaults, --help,
 * --check-config and the documented default file config/mfd.yaml are all
 * generated from that table.
 *
 * Precedence, lowest to highest: defaults, the file (--config FILE or
 * $MFD_CONFIG), the environment, the command line.
 */
#ifndef MFD_CONFIG_H
#define MFD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "options.h"
#include "http_settings.h"
#include "otlp_settings.h"
#include "recording_settings.h"
#include "statsd_settings.h"

enum mfd_format {
	MFD_FORMAT_TABLE = 0,
	MFD_FORMAT_JSON,
	MFD_FORMAT_CSV,
};

/* --procs-by: the order of procs_by_choices in config.c. */
enum mfd_procs_by {
	MFD_PROCS_BY_PID = 0,
	MFD_PROCS_BY_EXECUTABLE,
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
	char *healthcheck; /* --healthcheck URL: GET it, exit 0 on 2xx */
	int log_level; /* enum mfd_log_level */
	int log_format; /* enum mfd_log_format */
	int ringbuf_kib; /* extfrag ring buffer size */
	int max_procs; /* processes tracked by the -s table */
	int min_order; /* lowest order of the per-order series exported */
	int forecast_order; /* order the forecast follows (0: huge page) */
	double forecast_window; /* seconds of history the forecast fits */
	double vmstat_interval; /* seconds between /proc/vmstat reads */
	double procs_ttl; /* seconds idle before a process leaves the table */
	int procs_by; /* enum mfd_procs_by: what a per-process row is */
	char *proc_dir; /* where buddyinfo/zoneinfo live (tests) */
	bool no_events; /* do not attach any tracepoint program */
	double stall_threshold_ms; /* stall records at least this long */
	bool alloc_fail_counter; /* attach the kmem:mm_page_alloc counter */
	bool callsites; /* count extfrag and stall stacks (opt-in) */
	double pagetypeinfo_interval; /* seconds between pagetypeinfo reads;
				       * 0: never */
	double pageblock_interval; /* seconds between pageblock map scans;
				    * 0: never */
	double duration; /* stop after this many seconds (0: run forever) */
	double shutdown_timeout; /* seconds the final flush may take */
	struct mfd_statsd_settings statsd; /* exporters/statsd/ */
	struct mfd_http_settings http; /* exporters/http/ */
	struct mfd_record_settings record; /* exporters/recording/ */
	struct mfd_replay_settings replay; /* exporters/recording/ */
	char *cgroup_root; /* cgroup v2 mount for pod attribution ("": auto) */
	struct mfd_otlp_settings otlp; /* exporters/otlp/ */
	bool help; /* -h */
	bool version; /* --version */
	char *config_file; /* --config FILE or $MFD_CONFIG, or NULL */
	bool check_config; /* --check-config: validate, print, exit */
	bool dump_config; /* --dump-config: print the documented defaults */
	bool dump_man; /* --dump-man: print the mfd-agent(8) manual page */

	/* enum mfd_origin of each row of the option table. */
	unsigned char origin[MFD_OPT_MAX];

	/* The command line, kept so SIGHUP can apply it again on top of a
	 * reloaded file (flags win over the file). Not owned. */
	int argc;
	char **argv;
};

extern const struct mfd_option mfd_options[];

/* The mfd-agent(8) manual page (man(7) macros), from the option table:
 * the same groups, help lines, defaults, keys and variables as --help. */
void mfd_config_man(FILE *out);

/* Fill cfg with every option's default. 0 or -errno. */
int mfd_config_defaults(struct mfd_config *cfg);

/*
 * Build cfg from every source: defaults, the config file named by --config
 * or $MFD_CONFIG, the environment, then argv. Returns 0 on success, or
 * -EINVAL after writing "mfd-agent: <what is wrong>" (for the file,
 * "mfd-agent: FILE:LINE:COLUMN: key 'x.y': <what is wrong>") to err; the
 * caller then prints a usage hint and exits 2. argv is kept (not copied) for
 * mfd_config_reload().
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

/* Reads a secret file for "<key>_file"; 0 with a malloc'd NUL-terminated
 * *out, or -errno with why[] set. */
typedef int (*mfd_read_file_fn)(const char *path, char **out, char *why,
				size_t why_len);

/*
 * The pure core of the config file: apply the YAML document buf[0..len) to
 * cfg (which holds the values so far). No I/O except through read_file,
 * which may be NULL (then "*_file" keys are an error). Returns 0, or -EINVAL
 * / -ENOMEM with why[] = "NAME:LINE:COLUMN: key 'x.y': <what is wrong>".
 * On error cfg may hold some of the file's values; free it.
 */
int mfd_config_parse_yaml(struct mfd_config *cfg, const char *buf, size_t len,
			  const char *name, mfd_read_file_fn read_file,
			  char *why, size_t why_len);

/* The documented default file (config/mfd.yaml): every keyed option, its
 * default and a comment, nested by section. */
void mfd_config_dump(FILE *out);
/* The effective configuration as YAML, secrets as [REDACTED], each value
 * followed by where it came from. */
void mfd_config_print(FILE *out, const struct mfd_config *cfg);

/* Where the value of the option with this key came from. */
struct mfd_export_settings;
/* What the exporters may read of cfg: their own settings and the origin
 * lookup (exporters/exporter.h). Valid while cfg is. */
void mfd_config_export_settings(const struct mfd_config *cfg,
				struct mfd_export_settings *out);

enum mfd_origin mfd_config_origin(const struct mfd_config *cfg,
				  const char *key);

/* The value of option o in cfg as YAML text (secrets as [REDACTED] when
 * redact), and equality of one option's value in two configs. */
void mfd_config_format_value(const struct mfd_option *o,
			     const struct mfd_config *cfg, bool redact,
			     char *buf, size_t len);
bool mfd_config_value_equal(const struct mfd_option *o,
			    const struct mfd_config *a,
			    const struct mfd_config *b);
const struct mfd_option *mfd_config_find_key(const char *key);

/* Tests only: run everything above over another table (NULL: the real
 * one). Its offsets must still point into struct mfd_config. */
void mfd_config_use_table(const struct mfd_option *table);

void mfd_config_usage(FILE *out, const char *prog);
void mfd_config_free(struct mfd_config *cfg);

#endif /* MFD_CONFIG_H */
