/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config_internal.h - what the core of the configuration (config.c: the
 * option table, values, lookups, origins) shares with the files that read
 * sources into it (config_yaml.c, config_parse.c) and write text from it
 * (config_text.c). Not for use outside daemon/config*.c: everything else
 * goes through config.h.
 */
#ifndef MFD_CONFIG_INTERNAL_H
#define MFD_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* The table every walk goes over: mfd_options[], or the one a test put in
 * place with mfd_config_use_table(). */
extern const struct mfd_option *mfd_config_table;

#define FOR_EACH_OPT(o) \
	for (const struct mfd_option *o = mfd_config_table; o->name; o++)

/* What a secret's value is shown as, wherever it would be printed. */
#define REDACTED "[REDACTED]"

/* The field of cfg that option o sets. */
static inline void *mfd_config_field(const struct mfd_config *cfg,
				     const struct mfd_option *o)
{
	return (char *)cfg + o->offset;
}

/* Whether o takes a value on the command line (flags and setters do not). */
static inline bool mfd_config_takes_arg(const struct mfd_option *o)
{
	return o->type != MFD_OPT_FLAG && o->type != MFD_OPT_SET;
}

/*
 * Convert val into o's field of cfg. val is NULL only for a flag given on
 * the command line (true). On error why[] says what is wrong, without the
 * source (the caller adds "--name", "FILE:LINE:COL: key 'k'" or "$VAR") and
 * never with a secret's value. 0, -EINVAL or -ENOMEM.
 */
int mfd_config_parse_value(struct mfd_config *cfg, const struct mfd_option *o,
			   const char *val, char *why, size_t why_len);

/* Set a secret from the contents of the file at path, read through
 * read_file (NULL: "*_file" is refused), white space trimmed. */
int mfd_config_set_from_file(struct mfd_config *cfg, const struct mfd_option *o,
			     const char *path, mfd_read_file_fn read_file,
			     char *why, size_t why_len);

/* Record where o's value came from (and the origins the HTTP server keeps
 * in its own settings). */
void mfd_config_set_origin(struct mfd_config *cfg, const struct mfd_option *o,
			   enum mfd_origin origin);

/* The secret option that "<key>_file" names, or NULL. */
const struct mfd_option *mfd_config_find_secret_file_key(const char *key);

/* Whether some key lies under "prefix." (prefix is a section). */
bool mfd_config_is_section(const char *prefix);

#endif /* MFD_CONFIG_INTERNAL_H */
