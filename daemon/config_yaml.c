// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config_yaml.c - the config file: a YAML document (libyaml's event
 * parser) applied to a struct mfd_config. Pure: text in, config or an
 * error naming FILE:LINE:COLUMN and the key out; the only I/O is the
 * read_file callback for secret "*_file" keys. tests/fuzz/fuzz_config.c
 * feeds it arbitrary bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "config.h"
#include "config_internal.h"

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
	const struct mfd_option *s = mfd_config_find_secret_file_key(key);
	const struct mfd_option *o = mfd_config_find_key(key);
	char **more;

	for (size_t i = 0; i < c->nseen; i++) {
		if (strcmp(c->seen[i], key) == 0)
			return yerr(c, m, key, "duplicate key");
		/* "k" and "k_file" both set: which one wins is a guess. */
		if ((s && strcmp(c->seen[i], s->key) == 0) ||
		    (o && o->secret &&
		     mfd_config_find_secret_file_key(c->seen[i]) == o))
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
	const struct mfd_option *s = o ? NULL :
					 mfd_config_find_secret_file_key(key);
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
		err = mfd_config_set_from_file(c->cfg, s, v, c->read_file, why,
					       sizeof(why));
	else
		err = mfd_config_parse_value(c->cfg, o, v, why, sizeof(why));
	if (err == -ENOMEM) {
		snprintf(c->why, c->why_len, "%s: out of memory", c->name);
		return err;
	}
	if (err)
		return yerr(c, m, key, "%s", why);
	mfd_config_set_origin(c->cfg, o ? o : s, MFD_ORIGIN_FILE);
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
		leaf = mfd_config_find_key(key) ||
		       mfd_config_find_secret_file_key(key);
		section = !leaf && mfd_config_is_section(key);

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
