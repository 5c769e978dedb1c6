// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config_parse.c - the shell around the option table: the command line
 * (getopt_long over the table), the file named by --config or
 * $MFD_CONFIG (read here, parsed by config_yaml.c), secret files, the
 * environment, the checks across options, and SIGHUP's reload.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_COMPONENT "config"
#include "config.h"
#include "config_internal.h"
#include "log.h"
#include "replay.h"

/* Largest config or secret file read. */
#define MFD_CONFIG_MAX_BYTES (1 << 20)

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
			rc = mfd_config_set_from_file(cfg, o, path,
						      read_whole_file, why,
						      sizeof(why));
		else if (v)
			rc = mfd_config_parse_value(cfg, o, v, why,
						    sizeof(why));
		else
			continue;
		if (rc) {
			fprintf(err, "mfd-agent: %s: %s\n",
				path ? name : o->env, why);
			return rc;
		}
		mfd_config_set_origin(cfg, o, MFD_ORIGIN_ENV);
	}
	return 0;
}

/* getopt_long()'s view of the option table. */
struct getopt_tables {
	struct option longopts[2 * MFD_OPT_MAX + 1];
	char shortopts[3 * MFD_OPT_MAX + 2];
	char file_names[MFD_OPT_MAX][80]; /* "<name>-file" of each secret */
};

/* Every row as a long option (and its short letter), each secret also as
 * --<name>-file; val is 256 + the row, or 256 + MFD_OPT_MAX + the row for
 * the -file form. */
static int getopt_tables_fill(struct getopt_tables *g, FILE *err)
{
	size_t nl = 0, ns = 0, nf = 0;

	g->shortopts[ns++] = ':'; /* report a missing argument as ':' */
	FOR_EACH_OPT(o)
	{
		int idx = (int)(o - mfd_config_table);

		if (idx >= MFD_OPT_MAX) {
			fprintf(err, "mfd-agent: option table too large\n");
			return -E2BIG;
		}
		g->longopts[nl++] = (struct option){
			.name = o->name,
			.has_arg = mfd_config_takes_arg(o) ? required_argument :
							     no_argument,
			.val = 256 + idx,
		};
		if (o->secret) {
			snprintf(g->file_names[nf], sizeof(g->file_names[nf]),
				 "%s-file", o->name);
			g->longopts[nl++] = (struct option){
				.name = g->file_names[nf++],
				.has_arg = required_argument,
				.val = 256 + MFD_OPT_MAX + idx,
			};
		}
		if (o->short_name) {
			g->shortopts[ns++] = (char)o->short_name;
			if (mfd_config_takes_arg(o))
				g->shortopts[ns++] = ':';
		}
	}
	memset(&g->longopts[nl], 0, sizeof(g->longopts[nl]));
	g->shortopts[ns] = '\0';
	return 0;
}

/* First pass over argv: check it and list what it sets, so the file named
 * by --config can be read before the flags are applied on top. */
static int scan_args(int argc, char **argv, struct argv_item *items,
		     size_t *nitems, FILE *err)
{
	struct getopt_tables *g;
	int c, rc;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	rc = getopt_tables_fill(g, err);
	if (rc)
		goto cleanup;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, g->shortopts, g->longopts, NULL)) !=
	       -1) {
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
			o = &mfd_config_table[c - 256 - MFD_OPT_MAX];
			from_file = true;
		} else if (c >= 256) {
			o = &mfd_config_table[c - 256];
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
			.val = mfd_config_takes_arg(o) || from_file ? optarg :
								      NULL,
			.from_file = from_file,
		};
	}
	if (optind < argc) {
		fprintf(err, "mfd-agent: unexpected argument '%s'\n",
			argv[optind]);
		rc = -EINVAL;
	}
cleanup:
	free(g);
	return rc;
}

/* What no single row can check: options that exclude each other, and
 * values that only make sense together. */
static int check_across(const struct mfd_config *cfg, FILE *err)
{
	if (cfg->once && cfg->headless) {
		fprintf(err, "mfd-agent: --once and --headless exclude each "
			     "other\n");
		return -EINVAL;
	}
	if (cfg->replay.path && !*cfg->replay.path) {
		fprintf(err, "mfd-agent: --replay needs a file name\n");
		return -EINVAL;
	}
	if (cfg->replay.at) {
		uint64_t ns;

		if (mfd_replay_parse_time(cfg->replay.at, &ns)) {
			fprintf(err,
				"mfd-agent: --replay-at: '%s' is neither unix "
				"seconds nor a UTC time like "
				"2026-11-27T04:23:51Z\n",
				cfg->replay.at);
			return -EINVAL;
		}
	}
	if (cfg->record.path && !*cfg->record.path) {
		fprintf(err, "mfd-agent: --record needs a file name\n");
		return -EINVAL;
	}
	if (cfg->replay.path && cfg->record.path &&
	    strcmp(cfg->replay.path, cfg->record.path) == 0) {
		fprintf(err, "mfd-agent: --record and --replay name the same "
			     "file\n");
		return -EINVAL;
	}
	return 0;
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
			rc = mfd_config_set_from_file(cfg, o, items[i].val,
						      read_whole_file, why,
						      sizeof(why));
		else
			rc = mfd_config_parse_value(cfg, o, items[i].val, why,
						    sizeof(why));
		if (rc) {
			fprintf(err, "mfd-agent: --%s%s: %s\n", o->name,
				items[i].from_file ? "-file" : "", why);
			goto cleanup;
		}
		mfd_config_set_origin(cfg, o, MFD_ORIGIN_FLAG);
	}
	rc = check_across(cfg, err);
	if (rc)
		goto cleanup;
	cfg->argc = argc;
	cfg->argv = argv;
cleanup:
	free(items);
	return rc;
}

static int copy_value(const struct mfd_option *o, struct mfd_config *dst,
		      const struct mfd_config *src)
{
	void *pd = mfd_config_field(dst, o);
	const void *ps = mfd_config_field(src, o);

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
		size_t i = (size_t)(o - mfd_config_table);

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
			mfd_config_set_origin(out, o,
					      (enum mfd_origin)cur->origin[i]);
	}
	return 0;
}
