/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.h - the shape of one option row: long name, short letter,
 * config-file key, environment variable, type, bounds, default, the offset
 * of its field, and one line of help. It sits in core/ so that each
 * exporter can declare the rows of its own settings without seeing the
 * daemon; daemon/config.c composes every table into the agent's one and
 * drives flags, the YAML file, the environment, --help and the manual
 * page from it.
 */
#ifndef MFD_OPTIONS_H
#define MFD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* Upper bound on rows in the option table (origin[] is indexed by row). */
#define MFD_OPT_MAX 256

/* Where an option's value came from (struct mfd_config.origin[]). */
enum mfd_origin {
	MFD_ORIGIN_DEFAULT = 0,
	MFD_ORIGIN_FILE,
	MFD_ORIGIN_ENV,
	MFD_ORIGIN_FLAG,
};

enum mfd_opt_type {
	MFD_OPT_FLAG, /* bool set to true */
	MFD_OPT_SET, /* int field set to .set_value (view/index letters) */
	MFD_OPT_INT,
	MFD_OPT_DOUBLE,
	MFD_OPT_STRING,
	MFD_OPT_ENUM, /* string value mapped through .choices to an int */
};

struct mfd_option;
/* A custom conversion for one option (e.g. variables with special
 * semantics), used for defaults, the file, the environment and flags alike
 * (val is NULL only for a FLAG given on the command line): parse val into
 * field (the option's field in the config),
 * or return -EINVAL with why[] saying what is wrong (never echo a secret).
 * The field keeps the C type that .type implies (char * for STRING). */
typedef int (*mfd_opt_parse_fn)(const struct mfd_option *o, const char *val,
				void *field, char *why, size_t why_len);

struct mfd_option {
	const char *name; /* long option, without "--" */
	const char *key; /* config-file key, "section.name"; NULL: flag only */
	int short_name; /* letter, or 0 */
	enum mfd_opt_type type;
	size_t offset; /* offset of the field in the settings struct
			* the table fills (struct mfd_config) */
	const char *def; /* default as text ("" for none) */
	const char *def_help; /* what the default means, for --help, when
			       * def is a sentinel ("every node" for -1) */
	double min, max; /* bounds for INT/DOUBLE (inclusive; min is
			  * exclusive when min_exclusive) */
	bool min_exclusive;
	int set_value; /* MFD_OPT_SET */
	const char *const *choices; /* MFD_OPT_ENUM, NULL terminated */
	const char *arg; /* argument name in --help ("SECONDS") */
	const char *help; /* one line */
	const char *example; /* a valid non-default value, for tests and docs
			      * where the type alone cannot make one up */
	const char *env; /* environment variable, or NULL */
	const char *section; /* --help group of a flag-only option ("view");
			      * keyed options group by the key's first part */
	bool secret; /* printed as [REDACTED]; refused in argv; also read from
		      * a file: key "<key>_file", flag --<name>-file,
		      * variable <env>_FILE (contents trimmed) */
	bool restart; /* SIGHUP cannot change it: a new value is reported as
		       * needing a restart and the old one kept */
	mfd_opt_parse_fn parse; /* NULL: convert by .type */
};

#endif /* MFD_OPTIONS_H */
