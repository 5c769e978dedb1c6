// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config_text.c - the text made from the option table: values as YAML,
 * --help, --dump-config (config/mfd.yaml), --check-config's effective
 * configuration and --dump-man's mfd-agent(8).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_internal.h"
#include "escape.h"

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
	const void *p = mfd_config_field(cfg, o);

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
	size_t i = (size_t)(o - mfd_config_table);

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

	for (const struct mfd_option *o = mfd_config_table; o < upto; o++)
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
		for (const struct mfd_option *p = mfd_config_table; p < g;
		     p++) {
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
	const char *arg = mfd_config_takes_arg(o) ? o->arg : "";

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
	else if (o->def && *o->def && mfd_config_takes_arg(o))
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
	const char *arg = mfd_config_takes_arg(o) ? o->arg : NULL;

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
	} else if (o->def && *o->def && mfd_config_takes_arg(o)) {
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
