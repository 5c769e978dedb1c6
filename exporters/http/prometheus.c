// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prometheus.c - render metric points as Prometheus text 0.0.4 or
 * OpenMetrics 1.0.0 (see prometheus.h).
 *
 * The formats follow
 * https://github.com/prometheus/docs/blob/main/content/docs/instrumenting/exposition_formats.md
 * and the OpenMetrics 1.0 specification: label values escape backslash,
 * double quote and newline; histogram buckets are cumulative with an le
 * label ending in "+Inf"; OpenMetrics counter families drop the "_total"
 * their samples carry. Metric names come from mfd_metrics_prom_name(), the
 * OpenTelemetry-to-Prometheus translation, so a Prometheus scraping this
 * and a Collector forwarding our OTLP store the same series. Every family
 * of the catalogue is declared (HELP and TYPE) on every scrape, with or
 * without points, so a dashboard finds each name from the first scrape.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "prometheus.h"

/* Decimal digits of v into buf (24 bytes), not NUL-terminated; returns
 * their count. printf spends most of a page's time on these. */
static size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* v as a NUL-terminated decimal string in buf (at least 2 bytes). */
static void fmt_i64(char *buf, size_t len, int64_t v)
{
	char tmp[24];
	size_t n = 0;

	if (v < 0)
		tmp[n++] = '-';
	/* -(v + 1) + 1 avoids overflowing INT64_MIN. */
	n += fmt_u64(tmp + n, v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v);
	if (n >= len)
		n = len - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

struct render {
	char *buf; /* the page so far: len bytes of cap */
	size_t len, cap;
	bool om;
	const struct mfd_metric_desc *cur; /* family whose header is out */
	char name[128]; /* cur's Prometheus name, suffixes included */
	size_t name_len;
	bool oom; /* an append failed: the page is not served */
};

const char *mfd_prom_float(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
	else if (fabs(v) < 1e15 && v == (double)(int64_t)v &&
		 !(v == 0 && signbit(v)))
		/* An integral value (most are counts) needs no printf. */
		fmt_i64(buf, len, (int64_t)v);
	else {
		/* %.15g is exact for the thousandths the indices carry;
		 * fall back to 17 digits where it would not read back. */
		snprintf(buf, len, "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, len, "%.17g", v);
	}
	return buf;
}

/* Appends are tiny and many (about 5 per point): a plain growing array
 * beats both stdio's locked FILE and an evbuffer's chains, which spent
 * a quarter of a page's time in their per-call bookkeeping. */
static void put(struct render *r, const char *s, size_t n)
{
	if (r->oom)
		return;
	if (r->cap - r->len < n + 1) {
		size_t cap = r->cap ? r->cap : 32768;
		char *p;

		while (cap - r->len < n + 1)
			cap *= 2;
		p = realloc(r->buf, cap);
		if (!p) {
			r->oom = true;
			return;
		}
		r->buf = p;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

static void puts_(struct render *r, const char *s)
{
	put(r, s, strlen(s));
}

static void put_u64(struct render *r, uint64_t v)
{
	char buf[24];

	put(r, buf, fmt_u64(buf, v));
}

static void put_i64(struct render *r, int64_t v)
{
	char buf[24];

	fmt_i64(buf, sizeof(buf), v);
	puts_(r, buf);
}

/* Copies the runs between escapes whole, not byte by byte. */
static void put_escaped(struct render *r, const char *s, bool help)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc;

		switch (*s) {
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '"':
			/* HELP text in 0.0.4 escapes only \ and newline. */
			if (help)
				continue;
			esc = "\\\"";
			break;
		default:
			continue;
		}
		put(r, run, (size_t)(s - run));
		puts_(r, esc);
		run = s + 1;
	}
	put(r, run, (size_t)(s - run));
}

/* The family name: OpenMetrics counters are named without "_total". */
static void family_name(const struct mfd_metric_desc *d, const char *prom,
			bool om, char *buf, size_t len)
{
	size_t n = strlen(prom);

	snprintf(buf, len, "%s", prom);
	if (om && d->kind == MFD_METRIC_SUM && n > 6 &&
	    strcmp(prom + n - 6, "_total") == 0 && n - 6 < len)
		buf[n - 6] = '\0';
}

/* OpenMetrics UNIT: only where the name already ends in the base unit,
 * as the specification requires; counts in curly braces have none. */
static const char *om_unit(const struct mfd_metric_desc *d, const char *fam)
{
	static const struct {
		const char *ucum, *unit;
	} map[] = { { "s", "seconds" }, { "By", "bytes" } };
	size_t n = strlen(fam);

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t u = strlen(map[i].unit);

		if (strcmp(d->unit, map[i].ucum) == 0 && n > u + 1 &&
		    fam[n - u - 1] == '_' &&
		    strcmp(fam + n - u, map[i].unit) == 0)
			return map[i].unit;
	}
	return NULL;
}

static void header(struct render *r, const struct mfd_metric_desc *d)
{
	static const char *const types[] = {
		[MFD_METRIC_GAUGE] = "gauge",
		[MFD_METRIC_SUM] = "counter",
		[MFD_METRIC_HISTOGRAM] = "histogram",
	};
	char fam[128];
	const char *unit;

	mfd_metric_prom(d, r->name, sizeof(r->name));
	r->name_len = strlen(r->name);
	family_name(d, r->name, r->om, fam, sizeof(fam));
	puts_(r, "# HELP ");
	puts_(r, fam);
	puts_(r, " ");
	/* OpenMetrics escapes HELP like a label value. */
	put_escaped(r, d->help, !r->om);
	puts_(r, "\n# TYPE ");
	puts_(r, fam);
	puts_(r, " ");
	puts_(r, types[d->kind]);
	puts_(r, "\n");
	if (r->om && (unit = om_unit(d, fam))) {
		puts_(r, "# UNIT ");
		puts_(r, fam);
		puts_(r, " ");
		puts_(r, unit);
		puts_(r, "\n");
	}
	r->cur = d;
}

/* {k="v",...}, with an optional extra label (le) last. */
static void labels(struct render *r, const struct mfd_point *p,
		   const char *extra_key, const char *extra_val)
{
	bool any = false;

	for (unsigned int i = 0; i < p->nattrs; i++) {
		const struct mfd_attr *a = &p->attrs[i];
		char key[64];

		puts_(r, any ? "," : "{");
		any = true;
		puts_(r, mfd_metrics_prom_label(a->key, key, sizeof(key)));
		puts_(r, "=\"");
		switch (a->type) {
		case MFD_ATTR_STR:
			put_escaped(r, a->s ? a->s : "", false);
			break;
		case MFD_ATTR_INT:
			put_i64(r, a->i);
			break;
		case MFD_ATTR_BOOL:
			puts_(r, a->i ? "true" : "false");
			break;
		}
		puts_(r, "\"");
	}
	if (extra_key) {
		puts_(r, any ? "," : "{");
		any = true;
		puts_(r, extra_key);
		puts_(r, "=\"");
		puts_(r, extra_val);
		puts_(r, "\"");
	}
	if (any)
		puts_(r, "}");
}

/* A sample line's name: the family's, plus a suffix (_bucket...). */
static void sample_name(struct render *r, const char *suffix)
{
	put(r, r->name, r->name_len);
	puts_(r, suffix);
}

static void histogram(struct render *r, const struct mfd_point *p)
{
	const struct mfd_histogram *h = p->hist;
	uint64_t cum = 0;
	char le[40], v[40];

	for (unsigned int i = 0; i < h->nbounds; i++) {
		cum += h->counts[i];
		sample_name(r, "_bucket");
		labels(r, p, "le",
		       mfd_prom_float(h->bounds[i], le, sizeof(le)));
		puts_(r, " ");
		put_u64(r, cum);
		puts_(r, "\n");
	}
	sample_name(r, "_bucket");
	labels(r, p, "le", "+Inf");
	puts_(r, " ");
	put_u64(r, h->count);
	puts_(r, "\n");
	sample_name(r, "_sum");
	labels(r, p, NULL, NULL);
	puts_(r, " ");
	puts_(r, mfd_prom_float(h->sum, v, sizeof(v)));
	puts_(r, "\n");
	sample_name(r, "_count");
	labels(r, p, NULL, NULL);
	puts_(r, " ");
	put_u64(r, h->count);
	puts_(r, "\n");
}

static int on_point(const struct mfd_point *p, void *arg)
{
	struct render *r = arg;
	char v[40];

	if (p->desc != r->cur)
		header(r, p->desc);
	if (p->desc->kind == MFD_METRIC_HISTOGRAM) {
		if (p->hist)
			histogram(r, p);
		return 0;
	}
	sample_name(r, "");
	labels(r, p, NULL, NULL);
	puts_(r, " ");
	if (p->is_double)
		puts_(r, mfd_prom_float(p->d, v, sizeof(v)));
	else
		put_i64(r, p->i);
	puts_(r, "\n");
	return 0;
}

int mfd_prom_render(const struct mfd_state *st, bool openmetrics, char **out,
		    size_t *len)
{
	struct render r = { .om = openmetrics };

	*out = NULL;
	*len = 0;
	for (unsigned int i = 0; i < mfd_metric_catalog_len; i++) {
		const struct mfd_metric_desc *d = &mfd_metric_catalog[i];

		header(&r, d);
		d->emit(d, st, on_point, &r);
	}
	if (openmetrics)
		puts_(&r, "# EOF\n");
	if (r.oom || !r.buf) {
		free(r.buf);
		return -ENOMEM;
	}
	r.buf[r.len] = '\0';
	*out = r.buf;
	*len = r.len;
	return 0;
}
