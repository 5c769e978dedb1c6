// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics_prom.c - the Prometheus names of the catalogue's metrics and
 * attributes, derived by the OpenTelemetry-to-Prometheus rules (see
 * mfd_metrics_prom_name() in metrics.h), so /metrics and a Collector's
 * prometheusremotewrite produce the same series.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"

const char *mfd_metrics_prom_label(const char *key, char *buf, unsigned int len)
{
	unsigned int i;

	if (!len)
		return "";
	for (i = 0; key[i] && i + 1 < len; i++)
		buf[i] = (key[i] == '.' || key[i] == '-') ? '_' : key[i];
	buf[i] = '\0';
	return buf;
}

/* --- OpenTelemetry to Prometheus names ------------------------------------*/

#define PROM_MAX_TOKENS 32
#define PROM_TOKEN_LEN 64

struct prom_tokens {
	unsigned int n;
	char t[PROM_MAX_TOKENS][PROM_TOKEN_LEN];
	bool overflow;
};

/* Append the runs of ASCII letters and digits of s[0..len) as tokens. */
static void prom_split(struct prom_tokens *tk, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t b, n;

		while (i < len && !isalnum((unsigned char)s[i]))
			i++;
		b = i;
		while (i < len && isalnum((unsigned char)s[i]))
			i++;
		n = i - b;
		if (!n)
			continue;
		if (tk->n == PROM_MAX_TOKENS || n >= PROM_TOKEN_LEN) {
			tk->overflow = true;
			return;
		}
		memcpy(tk->t[tk->n], s + b, n);
		tk->t[tk->n++][n] = '\0';
	}
}

static bool prom_has(const struct prom_tokens *tk, const char *v)
{
	for (unsigned int i = 0; i < tk->n; i++)
		if (!strcmp(tk->t[i], v))
			return true;
	return false;
}

static void prom_push(struct prom_tokens *tk, const char *v)
{
	if (tk->n == PROM_MAX_TOKENS || strlen(v) >= PROM_TOKEN_LEN) {
		tk->overflow = true;
		return;
	}
	snprintf(tk->t[tk->n++], PROM_TOKEN_LEN, "%s", v);
}

/* Remove every token equal to v, then append v ("total", "ratio"). */
static void prom_move_last(struct prom_tokens *tk, const char *v)
{
	unsigned int j = 0;

	for (unsigned int i = 0; i < tk->n; i++)
		if (strcmp(tk->t[i], v))
			memmove(tk->t[j++], tk->t[i], PROM_TOKEN_LEN);
	tk->n = j;
	prom_push(tk, v);
}

/* The trimmed unit part s[0..len) as Prometheus spells it, cleaned to
 * [A-Za-z0-9_] ("" for blank, annotations and "1"). */
static void prom_unit(const char *s, size_t len, bool per, char *out,
		      size_t outlen)
{
	static const char *const main_map[][2] = {
		{ "d", "days" },
		{ "h", "hours" },
		{ "min", "minutes" },
		{ "s", "seconds" },
		{ "ms", "milliseconds" },
		{ "us", "microseconds" },
		{ "ns", "nanoseconds" },
		{ "By", "bytes" },
		{ "KiBy", "kibibytes" },
		{ "MiBy", "mebibytes" },
		{ "GiBy", "gibibytes" },
		{ "TiBy", "tibibytes" },
		{ "KBy", "kilobytes" },
		{ "MBy", "megabytes" },
		{ "GBy", "gigabytes" },
		{ "TBy", "terabytes" },
		{ "m", "meters" },
		{ "V", "volts" },
		{ "A", "amperes" },
		{ "J", "joules" },
		{ "W", "watts" },
		{ "g", "grams" },
		{ "Cel", "celsius" },
		{ "Hz", "hertz" },
		{ "1", "" },
		{ "%", "percent" },
	};
	static const char *const per_map[][2] = {
		{ "s", "second" }, { "m", "minute" }, { "h", "hour" },
		{ "d", "day" },	   { "w", "week" },   { "mo", "month" },
		{ "y", "year" },
	};
	const char *const(*map)[2] = per ? per_map : main_map;
	size_t nmap = per ? sizeof(per_map) / sizeof(per_map[0]) :
			    sizeof(main_map) / sizeof(main_map[0]);
	struct prom_tokens tk = { 0 };
	size_t o = 0;

	out[0] = '\0';
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || memchr(s, '{', len) || memchr(s, '}', len))
		return;
	for (size_t i = 0; i < nmap; i++)
		if (strlen(map[i][0]) == len && !memcmp(map[i][0], s, len)) {
			s = map[i][1];
			len = strlen(s);
			break;
		}
	prom_split(&tk, s, len);
	for (unsigned int i = 0; i < tk.n && !tk.overflow; i++)
		o += (size_t)snprintf(out + o, o < outlen ? outlen - o : 0,
				      "%s%s", i ? "_" : "", tk.t[i]);
	if (o >= outlen || tk.overflow)
		out[0] = '\0';
}

int mfd_metrics_prom_name(const char *name, const char *unit,
			  enum mfd_metric_kind kind, char *buf, size_t len)
{
	struct prom_tokens tk = { 0 };
	const char *slash = unit ? strchr(unit, '/') : NULL;
	char u[PROM_TOKEN_LEN];
	size_t o = 0;

	if (!len)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	prom_split(&tk, name, strlen(name));
	if (unit) {
		prom_unit(unit, slash ? (size_t)(slash - unit) : strlen(unit),
			  false, u, sizeof(u));
		if (u[0] && !prom_has(&tk, u))
			prom_push(&tk, u);
		if (slash) {
			prom_unit(slash + 1, strlen(slash + 1), true, u,
				  sizeof(u));
			if (u[0] && !prom_has(&tk, u)) {
				prom_push(&tk, "per");
				prom_push(&tk, u);
			}
		}
	}
	if (kind == MFD_METRIC_SUM) /* every sum here is monotonic */
		prom_move_last(&tk, "total");
	if (kind == MFD_METRIC_GAUGE && unit && !strcmp(unit, "1"))
		prom_move_last(&tk, "ratio");
	if (tk.overflow)
		return -ENAMETOOLONG;
	if (tk.n && isdigit((unsigned char)tk.t[0][0]))
		o += (size_t)snprintf(buf, len, "_");
	for (unsigned int i = 0; i < tk.n; i++)
		o += (size_t)snprintf(buf + (o < len ? o : len),
				      o < len ? len - o : 0, "%s%s",
				      i ? "_" : "", tk.t[i]);
	if (o >= len) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return (int)o;
}

const char *mfd_metric_prom(const struct mfd_metric_desc *d, char *buf,
			    size_t len)
{
	if (mfd_metrics_prom_name(d->name, d->unit, d->kind, buf, len) < 0 &&
	    len)
		buf[0] = '\0';
	return buf;
}
