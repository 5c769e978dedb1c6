// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_config.c - the option table and everything generated from it: the
 * YAML file against the flags for every key, each kind of bad input with
 * its exact position, precedence, secrets, SIGHUP reload, the committed
 * config/mfd.yaml, and the structured log formats (JSON checked by jansson).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "log.h"

static char tmpdir[] = "/tmp/mfd-test-config.XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void path_in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* No variable of the test's environment may leak into a result. */
static void clear_env(void)
{
	char name[256];

	unsetenv("MFD_CONFIG");
	for (const struct mfd_option *o = mfd_options; o->name; o++)
		if (o->env) {
			unsetenv(o->env);
			snprintf(name, sizeof(name), "%s_FILE", o->env);
			unsetenv(name);
		}
}

/* "a.b.c" = v as nested YAML. */
static void yaml_for(char *buf, size_t len, const char *key, const char *val)
{
	size_t n = 0;
	int depth = 0;
	const char *p = key, *dot;

	while ((dot = strchr(p, '.'))) {
		n += (size_t)snprintf(buf + n, len - n, "%*s%.*s:\n", depth * 2,
				      "", (int)(dot - p), p);
		depth++;
		p = dot + 1;
	}
	snprintf(buf + n, len - n, "%*s%s: %s\n", depth * 2, "", p, val);
}

static int load(struct mfd_config *cfg, char **argv, char *err_buf,
		size_t err_len)
{
	int argc = 0, rc;
	FILE *err = fmemopen(err_buf, err_len, "w");

	assert_non_null(err);
	while (argv[argc])
		argc++;
	rc = mfd_config_parse_args(cfg, argc, argv, err);
	fclose(err);
	return rc;
}

/* ---- the table itself -------------------------------------------------- */

static void test_table_is_consistent(void **state)
{
	(void)state;
	for (const struct mfd_option *o = mfd_options; o->name; o++) {
		assert_true(o - mfd_options < MFD_OPT_MAX);
		for (const struct mfd_option *p = mfd_options; p < o; p++) {
			assert_string_not_equal(o->name, p->name);
			if (o->env && p->env)
				assert_string_not_equal(o->env, p->env);
			if (o->short_name)
				assert_int_not_equal(o->short_name,
						     p->short_name);
		}
		if (o->secret)
			assert_int_equal(o->type, MFD_OPT_STRING);
		if (!o->key)
			continue;
		/* A key is lower-case "section.name", never a flag-like SET,
		 * never both a value and a section. */
		assert_int_not_equal(o->type, MFD_OPT_SET);
		assert_true(*o->key && o->key[0] != '.');
		for (const char *c = o->key; *c; c++)
			assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz"
					       "0123456789_.",
					       *c));
		assert_null(strstr(o->key, ".."));
		assert_true(o->key[strlen(o->key) - 1] != '.');
		assert_non_null(o->help);
		for (const struct mfd_option *p = mfd_options; p->name; p++) {
			size_t n = strlen(o->key);

			if (p == o || !p->key)
				continue;
			assert_string_not_equal(o->key, p->key);
			assert_false(strncmp(p->key, o->key, n) == 0 &&
				     p->key[n] == '.');
		}
	}
}

/* A valid value for o that differs from its default where possible. */
static void pick_value(const struct mfd_option *o, char *buf, size_t len)
{
	double def = o->def && *o->def ? strtod(o->def, NULL) : 0;

	switch (o->type) {
	case MFD_OPT_FLAG:
		snprintf(buf, len, "true");
		break;
	case MFD_OPT_INT:
		snprintf(buf, len, "%.0f", def == o->max ? o->min : o->max);
		break;
	case MFD_OPT_DOUBLE:
		snprintf(buf, len, "%g",
			 def == o->max ? (o->min + o->max) / 2 : o->max);
		break;
	case MFD_OPT_ENUM: {
		int last = 0;

		while (o->choices[last + 1])
			last++;
		snprintf(buf, len, "%s",
			 o->def && strcmp(o->def, o->choices[last]) == 0 ?
				 o->choices[0] :
				 o->choices[last]);
		break;
	}
	default:
		snprintf(buf, len, "/tmp/mfd-test-value");
		break;
	}
}

/* Every keyed option: the file and the flag give the same value, and it is
 * not the default (so the setting really happened). */
static void test_every_key_file_equals_flag(void **state)
{
	char path[256], secret[256], yaml[1024], val[128], err[1024];
	struct mfd_config def, by_file, by_flag;
	int tested = 0;

	(void)state;
	clear_env();
	path_in_tmp(path, sizeof(path), "key.yaml");
	path_in_tmp(secret, sizeof(secret), "key.secret");
	assert_int_equal(mfd_config_defaults(&def), 0);
	for (const struct mfd_option *o = mfd_options; o->name; o++) {
		char *fargv[] = { "mfd-agent", "--config", path, NULL };
		char flag[128];
		char *aargv[] = { "mfd-agent", flag, val, NULL };
		size_t i = (size_t)(o - mfd_options);

		if (!o->key)
			continue;
		if (o->example)
			snprintf(val, sizeof(val), "%s", o->example);
		else if (o->parse && o->def && *o->def)
			snprintf(val, sizeof(val), "%s", o->def);
		else
			pick_value(o, val, sizeof(val));
		yaml_for(yaml, sizeof(yaml), o->key, val);
		write_file(path, yaml);
		print_message("%s: %s\n", o->key, val);
		assert_int_equal(load(&by_file, fargv, err, sizeof(err)), 0);

		if (o->secret) {
			char line[160];

			snprintf(line, sizeof(line), "%s\n", val);
			write_file(secret, line);
			snprintf(flag, sizeof(flag), "--%s-file", o->name);
			aargv[2] = secret;
		} else if (o->type == MFD_OPT_FLAG) {
			snprintf(flag, sizeof(flag), "--%s", o->name);
			aargv[2] = NULL;
		} else {
			snprintf(flag, sizeof(flag), "--%s", o->name);
		}
		if (load(&by_flag, aargv, err, sizeof(err)))
			fail_msg("%s: %s", flag, err);

		assert_true(mfd_config_value_equal(o, &by_file, &by_flag));
		if (!o->parse)
			assert_false(mfd_config_value_equal(o, &by_file, &def));
		assert_int_equal(by_file.origin[i], MFD_ORIGIN_FILE);
		assert_int_equal(by_flag.origin[i], MFD_ORIGIN_FLAG);
		/* Nothing else moved. */
		for (const struct mfd_option *p = mfd_options; p->name; p++)
			if (p != o && p->key)
				assert_true(mfd_config_value_equal(p, &by_file,
								   &def));
		mfd_config_free(&by_file);
		mfd_config_free(&by_flag);
		tested++;
	}
	assert_true(tested > 0);
	mfd_config_free(&def);
	unlink(path);
	unlink(secret);
}

/* ---- bad input, each with its exact position -------------------------- */

struct bad_case {
	const char *yaml;
	const char *want; /* the whole message */
};

static const struct bad_case bad_cases[] = {
	{ "collection:\n  intervl: 1\n",
	  "t.yaml:2:3: key 'collection.intervl': unknown key" },
	{ "nosuch:\n  a: 1\n", "t.yaml:1:1: key 'nosuch': unknown key" },
	{ "collection:\n  interval: fast\n",
	  "t.yaml:2:13: key 'collection.interval': 'fast' is not a number > 0 "
	  "and <= 86400" },
	{ "collection:\n  interval: 0\n",
	  "t.yaml:2:13: key 'collection.interval': '0' is not a number > 0 "
	  "and <= 86400" },
	{ "collection:\n    max_procs: 15\n",
	  "t.yaml:2:16: key 'collection.max_procs': '15' is not a whole number "
	  "from 16 to 1048576" },
	{ "log:\n  level: loud\n",
	  "t.yaml:2:10: key 'log.level': 'loud' is not one of error, warn, "
	  "info, debug" },
	{ "collection:\n  no_events: maybe\n",
	  "t.yaml:2:14: key 'collection.no_events': 'maybe' is not true or "
	  "false" },
	{ "collection:\n  interval: [1, 2]\n",
	  "t.yaml:2:13: key 'collection.interval': expected a single value, "
	  "found a list" },
	{ "collection:\n  interval:\n    x: 1\n",
	  "t.yaml:3:5: key 'collection.interval': expected a single value, "
	  "found a mapping" },
	{ "collection: 2\n",
	  "t.yaml:1:13: key 'collection': is a section; give it a mapping of "
	  "keys, not a single value" },
	{ "log: [info]\n",
	  "t.yaml:1:6: key 'log': expected a mapping of keys, found a list" },
	{ "log:\n  level: info\n  level: debug\n",
	  "t.yaml:3:3: key 'log.level': duplicate key" },
	{ "log:\n  level: info\nlog:\n  format: json\n",
	  "t.yaml:3:1: key 'log': duplicate key" },
	{ "log:\n  level: ~\n", "t.yaml:2:10: key 'log.level': needs a value" },
	{ "log:\n  level: &x info\n  format: *x\n",
	  "t.yaml:3:11: key 'log.format': YAML aliases are not supported" },
	{ "- collection\n",
	  "t.yaml:1:1: the top level must be a mapping of keys, not a list" },
	{ "just text\n", "t.yaml:1:1: the top level must be a mapping of keys, "
			 "not a single value" },
	{ "log:\n  level: info\n---\nlog:\n  level: warn\n",
	  "t.yaml:3:1: only one YAML document is read; remove the second "
	  "'---'" },
	{ "log:\n  [a]: 1\n",
	  "t.yaml:2:3: key 'log': a key must be a name, not a list" },
	{ "log:\n  level: \"info\n",
	  "t.yaml:3:1: key 'log.level': YAML syntax error: found unexpected "
	  "end of stream, while scanning a quoted scalar at line 2 column 10" },
	{ "log:\n\tlevel: info\n",
	  "t.yaml:2:1: key 'log': YAML syntax error: found character that "
	  "cannot start any token, while scanning for the next token at line 2 "
	  "column 1" },
};

static void test_bad_input_names_file_line_column_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct mfd_config cfg;
		char why[512];

		assert_int_equal(mfd_config_defaults(&cfg), 0);
		assert_int_equal(
			mfd_config_parse_yaml(&cfg, bad_cases[i].yaml,
					      strlen(bad_cases[i].yaml),
					      "t.yaml", NULL, why, sizeof(why)),
			-EINVAL);
		assert_string_equal(why, bad_cases[i].want);
		mfd_config_free(&cfg);
	}
}

/* Empty documents are valid and set nothing; a NUL in the text is an
 * error, not a truncated key. */
static void test_empty_and_binary(void **state)
{
	static const char *const empty[] = { "", "---\n", "~\n", "# only\n" };
	static const char nul[] = "log:\n  level: in\0fo\n";
	struct mfd_config cfg, def;
	char why[512];

	(void)state;
	assert_int_equal(mfd_config_defaults(&def), 0);
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		assert_int_equal(mfd_config_defaults(&cfg), 0);
		assert_int_equal(mfd_config_parse_yaml(&cfg, empty[i],
						       strlen(empty[i]), "e",
						       NULL, why, sizeof(why)),
				 0);
		assert_memory_equal(&cfg, &def,
				    offsetof(struct mfd_config, zone));
		mfd_config_free(&cfg);
	}
	assert_int_equal(mfd_config_defaults(&cfg), 0);
	assert_int_not_equal(mfd_config_parse_yaml(&cfg, nul, sizeof(nul) - 1,
						   "n", NULL, why, sizeof(why)),
			     0);
	/* libyaml checks the whole input before the first token. */
	assert_string_equal(why, "n:1:1: YAML syntax error: control "
				 "characters are not allowed");
	mfd_config_free(&cfg);
	mfd_config_free(&def);
}

/* ---- precedence: defaults < file < environment < flags ---------------- */

static void test_precedence(void **state)
{
	char path[256], err[512];
	char *file_only[] = { "mfd-agent", "--config", path, NULL };
	char *with_flag[] = { "mfd-agent", "--config", path, "-d", "5", NULL };
	struct mfd_config cfg;

	(void)state;
	clear_env();
	path_in_tmp(path, sizeof(path), "prec.yaml");
	write_file(path, "collection:\n  interval: 3\nlog:\n  level: warn\n");

	assert_int_equal(load(&cfg, file_only, err, sizeof(err)), 0);
	assert_true(cfg.interval == 3);
	assert_int_equal(cfg.log_level, MFD_LOG_WARN);
	mfd_config_free(&cfg);

	setenv("MFD_INTERVAL", "4", 1);
	assert_int_equal(load(&cfg, file_only, err, sizeof(err)), 0);
	assert_true(cfg.interval == 4);
	assert_int_equal(cfg.log_level, MFD_LOG_WARN); /* file still counts */
	mfd_config_free(&cfg);

	assert_int_equal(load(&cfg, with_flag, err, sizeof(err)), 0);
	assert_true(cfg.interval == 5);
	mfd_config_free(&cfg);

	/* $MFD_CONFIG names the file when --config does not. */
	unsetenv("MFD_INTERVAL");
	setenv("MFD_CONFIG", path, 1);
	char *bare[] = { "mfd-agent", NULL };
	assert_int_equal(load(&cfg, bare, err, sizeof(err)), 0);
	assert_true(cfg.interval == 3);
	mfd_config_free(&cfg);

	/* A bad environment value is an error naming the variable. */
	setenv("MFD_LOG_LEVEL", "loud", 1);
	assert_int_equal(load(&cfg, bare, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "MFD_LOG_LEVEL: 'loud' is not one of"));
	mfd_config_free(&cfg);
	clear_env();
	unlink(path);
}

/* ---- secrets ----------------------------------------------------------- */

/* A table with one secret, stored in a char * field the real table has. */
static const struct mfd_option secret_table[] = {
	{ .name = "token",
	  .key = "auth.token",
	  .type = MFD_OPT_STRING,
	  .offset = offsetof(struct mfd_config, zone),
	  .def = "",
	  .arg = "TOKEN",
	  .help = "a bearer token",
	  .env = "MFD_TEST_TOKEN",
	  .secret = true },
	{ .name = "interval",
	  .key = "collection.interval",
	  .type = MFD_OPT_DOUBLE,
	  .offset = offsetof(struct mfd_config, interval),
	  .def = "2",
	  .max = 100,
	  .min_exclusive = true,
	  .help = "interval" },
	{ .name = "config",
	  .type = MFD_OPT_STRING,
	  .offset = offsetof(struct mfd_config, config_file),
	  .def = "",
	  .help = "file" },
	{ 0 },
};

#define SECRET "s3cr3t-Bearer-xyz"

static char log_capture[8192];
static size_t log_len;

static void capture(enum mfd_log_level level, const char *line, void *arg)
{
	(void)level;
	(void)arg;
	log_len += (size_t)snprintf(log_capture + log_len,
				    sizeof(log_capture) - log_len, "%s\n",
				    line);
	if (log_len >= sizeof(log_capture))
		log_len = sizeof(log_capture) - 1;
}

static void test_secrets(void **state)
{
	char yaml[256], sfile[256], err[1024], out[4096];
	char *direct[] = { "mfd-agent", "--token", SECRET, NULL };
	char *by_flag[] = { "mfd-agent", "--token-file", sfile, NULL };
	char *by_file[] = { "mfd-agent", "--config", yaml, NULL };
	char *bare[] = { "mfd-agent", NULL };
	struct mfd_config cfg, next;
	char why[512];
	FILE *f;

	(void)state;
	mfd_config_use_table(secret_table);
	path_in_tmp(yaml, sizeof(yaml), "secret.yaml");
	path_in_tmp(sfile, sizeof(sfile), "token");
	write_file(sfile, "  " SECRET "\n\n");

	/* Never on the command line, and the refusal does not echo it. */
	assert_int_equal(load(&cfg, direct, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--token-file"));
	assert_null(strstr(err, SECRET));
	mfd_config_free(&cfg);

	/* From a file: flag, YAML key and environment, trimmed. */
	assert_int_equal(load(&cfg, by_flag, err, sizeof(err)), 0);
	assert_string_equal(cfg.zone, SECRET);
	mfd_config_free(&cfg);

	snprintf(out, sizeof(out), "auth:\n  token_file: %s\n", sfile);
	write_file(yaml, out);
	assert_int_equal(load(&cfg, by_file, err, sizeof(err)), 0);
	assert_string_equal(cfg.zone, SECRET);
	mfd_config_free(&cfg);

	setenv("MFD_TEST_TOKEN_FILE", sfile, 1);
	assert_int_equal(load(&cfg, bare, err, sizeof(err)), 0);
	assert_string_equal(cfg.zone, SECRET);
	mfd_config_free(&cfg);
	setenv("MFD_TEST_TOKEN", "x", 1);
	assert_int_equal(load(&cfg, bare, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "both MFD_TEST_TOKEN and "
				    "MFD_TEST_TOKEN_FILE"));
	mfd_config_free(&cfg);
	unsetenv("MFD_TEST_TOKEN");
	unsetenv("MFD_TEST_TOKEN_FILE");

	/* Both forms in one file: refused. */
	snprintf(out, sizeof(out), "auth:\n  token: a\n  token_file: %s\n",
		 sfile);
	write_file(yaml, out);
	assert_int_equal(load(&cfg, by_file, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":3:3: key 'auth.token_file': both "
				    "'auth.token' and 'auth.token_file'"));
	mfd_config_free(&cfg);

	/* A missing secret file names the key and the path. */
	write_file(yaml, "auth:\n  token_file: /nonexistent/x\n");
	assert_int_equal(load(&cfg, by_file, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":2:15: key 'auth.token_file': cannot "
				    "read '/nonexistent/x'"));
	mfd_config_free(&cfg);

	/* Printed as [REDACTED]: --check-config output and the docs. */
	snprintf(out, sizeof(out), "auth:\n  token_file: %s\n", sfile);
	write_file(yaml, out);
	assert_int_equal(load(&cfg, by_file, err, sizeof(err)), 0);
	f = fmemopen(out, sizeof(out), "w");
	mfd_config_print(f, &cfg);
	fclose(f);
	assert_non_null(strstr(out, "token: [REDACTED]"));
	assert_null(strstr(out, SECRET));
	f = fmemopen(out, sizeof(out), "w");
	mfd_config_dump(f);
	fclose(f);
	assert_non_null(strstr(out, "# Secret: shown as [REDACTED]; or give "
				    "token_file: FILE"));

	/* A reload that changes the secret logs the change, redacted. */
	write_file(sfile, "another-" SECRET "\n");
	log_len = 0;
	log_capture[0] = '\0';
	mfd_log_set_sink(capture, NULL);
	assert_int_equal(mfd_config_reload(&cfg, &next, why, sizeof(why)), 0);
	mfd_log_set_sink(NULL, NULL);
	assert_string_equal(next.zone, "another-" SECRET);
	assert_non_null(
		strstr(log_capture, "auth.token: [REDACTED] -> [REDACTED]"));
	assert_null(strstr(log_capture, SECRET));
	mfd_config_free(&next);
	mfd_config_free(&cfg);

	mfd_config_use_table(NULL);
	unlink(yaml);
	unlink(sfile);
}

/* ---- a custom conversion (.parse), as variables with special semantics
 * use: it sees every source and reports errors in the source's place. */

static int parse_even(const struct mfd_option *o, const char *val, void *field,
		      char *why, size_t why_len)
{
	char *end;
	long v = strtol(val, &end, 10);

	(void)o;
	if (*end || v % 2) {
		snprintf(why, why_len, "'%s' is not even", val);
		return -EINVAL;
	}
	*(int *)field = (int)v;
	return 0;
}

static const struct mfd_option parse_table[] = {
	{ .name = "even",
	  .key = "custom.even",
	  .type = MFD_OPT_INT,
	  .offset = offsetof(struct mfd_config, node),
	  .def = "2",
	  .env = "MFD_TEST_EVEN",
	  .help = "an even number",
	  .parse = parse_even },
	{ .name = "config",
	  .type = MFD_OPT_STRING,
	  .offset = offsetof(struct mfd_config, config_file),
	  .def = "",
	  .help = "file" },
	{ 0 },
};

static void test_custom_parse_hook(void **state)
{
	static const char good[] = "custom:\n  even: 8\n";
	static const char bad[] = "custom:\n  even: 7\n";
	char err[512], why[512];
	char *argv[] = { "mfd-agent", "--even", "4", NULL };
	char *bare[] = { "mfd-agent", NULL };
	struct mfd_config cfg;

	(void)state;
	mfd_config_use_table(parse_table);
	assert_int_equal(mfd_config_defaults(&cfg), 0);
	assert_int_equal(cfg.node, 2);
	assert_int_equal(mfd_config_parse_yaml(&cfg, good, strlen(good), "p",
					       NULL, why, sizeof(why)),
			 0);
	assert_int_equal(cfg.node, 8);
	assert_int_equal(mfd_config_parse_yaml(&cfg, bad, strlen(bad), "p",
					       NULL, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "p:2:9: key 'custom.even': '7' is not even");
	mfd_config_free(&cfg);

	setenv("MFD_TEST_EVEN", "6", 1);
	assert_int_equal(load(&cfg, bare, err, sizeof(err)), 0);
	assert_int_equal(cfg.node, 6);
	assert_int_equal(load(&cfg, argv, err, sizeof(err)), 0);
	assert_int_equal(cfg.node, 4); /* the flag wins */
	setenv("MFD_TEST_EVEN", "5", 1);
	assert_int_equal(load(&cfg, bare, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "mfd-agent: MFD_TEST_EVEN: '5' is not even\n");
	unsetenv("MFD_TEST_EVEN");
	mfd_config_free(&cfg);
	mfd_config_use_table(NULL);
}

/* ---- SIGHUP ------------------------------------------------------------ */

static void test_reload(void **state)
{
	char path[256], err[512], why[512];
	char *argv[] = { "mfd-agent", "--config", path, NULL };
	struct mfd_config cur, next;

	(void)state;
	clear_env();
	path_in_tmp(path, sizeof(path), "reload.yaml");
	write_file(path, "collection:\n  interval: 1\n  source: auto\n");
	assert_int_equal(load(&cur, argv, err, sizeof(err)), 0);

	/* Valid: the interval changes; the source needs a restart. */
	write_file(path, "collection:\n  interval: 0.25\n  source: procfs\n");
	log_len = 0;
	mfd_log_set_sink(capture, NULL);
	assert_int_equal(mfd_config_reload(&cur, &next, why, sizeof(why)), 0);
	mfd_log_set_sink(NULL, NULL);
	assert_true(next.interval == 0.25);
	assert_int_equal(next.source, cur.source);
	assert_non_null(strstr(log_capture, "collection.interval: 1 -> 0.25"));
	assert_non_null(strstr(log_capture, "collection.source: auto -> "
					    "procfs needs a restart"));
	mfd_config_free(&next);

	/* Invalid: an error with the position, nothing returned. */
	write_file(path, "collection:\n  interval: -1\n");
	assert_int_equal(mfd_config_reload(&cur, &next, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "reload.yaml:2:13: key "
				    "'collection.interval': '-1' is not"));
	assert_null(strchr(why, '\n'));
	mfd_config_free(&cur);
	unlink(path);
}

/* An exporter's own table holds the rows the agent's table places for it,
 * at the offset where struct mfd_config keeps its settings. */
static void check_own_rows(const struct mfd_option *own, size_t base)
{
	size_t n = 0;

	for (const struct mfd_option *o = own; o->name; o++, n++) {
		const struct mfd_option *a = mfd_config_find_key(o->key);

		assert_non_null(a);
		assert_string_equal(a->name, o->name);
		assert_int_equal(a->type, o->type);
		assert_string_equal(a->help, o->help);
		assert_int_equal(a->offset, base + o->offset);
	}
	assert_true(n > 0);
}

static void test_exporter_rows(void **state)
{
	(void)state;
	check_own_rows(mfd_otlp_options, offsetof(struct mfd_config, otlp));
	check_own_rows(mfd_statsd_options, offsetof(struct mfd_config, statsd));
	check_own_rows(mfd_http_options, offsetof(struct mfd_config, http));
	check_own_rows(mfd_record_options, offsetof(struct mfd_config, record));
	check_own_rows(mfd_replay_options, offsetof(struct mfd_config, replay));
}

/* The HTTP server gives way on a default it was not asked for (a taken
 * port, a small RLIMIT_NOFILE), so its settings carry where listen and
 * max_conns came from, as the table's origin[] says. */
static void test_http_origins(void **state)
{
	char path[256], err[512];
	char *dflt[] = { "mfd-agent", NULL };
	char *argv[] = { "mfd-agent", "--config",
			 path,	      "--http-max-connections",
			 "5",	      NULL };
	struct mfd_config cfg;

	(void)state;
	clear_env();
	assert_int_equal(load(&cfg, dflt, err, sizeof(err)), 0);
	assert_int_equal(cfg.http.listen_origin, MFD_ORIGIN_DEFAULT);
	assert_int_equal(cfg.http.max_conns_origin, MFD_ORIGIN_DEFAULT);
	mfd_config_free(&cfg);

	path_in_tmp(path, sizeof(path), "origins.yaml");
	write_file(path, "http:\n  listen: 127.0.0.1:1\n");
	assert_int_equal(load(&cfg, argv, err, sizeof(err)), 0);
	assert_int_equal(cfg.http.listen_origin, MFD_ORIGIN_FILE);
	assert_int_equal(cfg.http.max_conns_origin, MFD_ORIGIN_FLAG);
	assert_int_equal(cfg.http.listen_origin,
			 mfd_config_origin(&cfg, "http.listen"));
	assert_int_equal(cfg.http.max_conns_origin,
			 mfd_config_origin(&cfg, "http.max_connections"));
	mfd_config_free(&cfg);
	unlink(path);
}

/* ---- config/mfd.yaml --------------------------------------------------- */

static void test_committed_default_file_matches_table(void **state)
{
	char *gen = NULL, *disk = NULL, why[512];
	size_t gen_len = 0;
	struct mfd_config def, cfg;
	FILE *f;
	long n;

	(void)state;
	f = open_memstream(&gen, &gen_len);
	assert_non_null(f);
	mfd_config_dump(f);
	fclose(f);

	f = fopen(MFD_SOURCE_DIR "/config/mfd.yaml", "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	disk = calloc(1, (size_t)n + 1);
	assert_non_null(disk);
	assert_int_equal(fread(disk, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	if (strcmp(gen, disk) != 0)
		fail_msg("config/mfd.yaml differs from the option table; "
			 "regenerate it: cmake --build build --target "
			 "config-yaml");

	/* And it loads back to exactly the defaults, every key from it. */
	assert_int_equal(mfd_config_defaults(&def), 0);
	assert_int_equal(mfd_config_defaults(&cfg), 0);
	if (mfd_config_parse_yaml(&cfg, disk, strlen(disk), "mfd.yaml", NULL,
				  why, sizeof(why)))
		fail_msg("%s", why);
	for (const struct mfd_option *o = mfd_options; o->name; o++) {
		if (!o->key)
			continue;
		assert_true(mfd_config_value_equal(o, &cfg, &def));
		assert_int_equal(cfg.origin[o - mfd_options], MFD_ORIGIN_FILE);
	}
	mfd_config_free(&cfg);
	mfd_config_free(&def);
	free(gen);
	free(disk);
}

/* ---- log formats -------------------------------------------------------- */

static void test_log_formats(void **state)
{
	static const char msg[] = "say \"hi\"\\ now\nnext\tline \x01 end";
	struct timespec ts = { .tv_sec = 1700000000, .tv_nsec = 123456789 };
	char line[1024];
	json_error_t jerr;
	json_t *j;

	(void)state;
	mfd_log_format_line(line, sizeof(line), MFD_LOG_FORMAT_TEXT, &ts,
			    MFD_LOG_WARN, "loop", "plain");
	assert_string_equal(line, "2023-11-14T22:13:20.123Z warn loop: plain");

	mfd_log_format_line(line, sizeof(line), MFD_LOG_FORMAT_LOGFMT, &ts,
			    MFD_LOG_INFO, "config", msg);
	assert_string_equal(line, "time=2023-11-14T22:13:20.123Z level=info "
				  "component=config msg=\"say \\\"hi\\\"\\\\ "
				  "now\\nnext\\x09line \\x01 end\"");
	assert_null(strchr(line, '\n'));

	/* JSON: an independent parser gets the message back unchanged. */
	mfd_log_format_line(line, sizeof(line), MFD_LOG_FORMAT_JSON, &ts,
			    MFD_LOG_ERROR, "main", msg);
	assert_null(strchr(line, '\n'));
	j = json_loads(line, 0, &jerr);
	if (!j)
		fail_msg("not JSON: %s: %s", jerr.text, line);
	assert_string_equal(json_string_value(json_object_get(j, "msg")), msg);
	assert_string_equal(json_string_value(json_object_get(j, "level")),
			    "error");
	assert_string_equal(json_string_value(json_object_get(j, "component")),
			    "main");
	assert_string_equal(json_string_value(json_object_get(j, "time")),
			    "2023-11-14T22:13:20.123Z");
	json_decref(j);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_consistent),
		cmocka_unit_test(test_every_key_file_equals_flag),
		cmocka_unit_test(test_bad_input_names_file_line_column_key),
		cmocka_unit_test(test_empty_and_binary),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_custom_parse_hook),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_http_origins),
		cmocka_unit_test(test_exporter_rows),
		cmocka_unit_test(test_committed_default_file_matches_table),
		cmocka_unit_test(test_log_formats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
