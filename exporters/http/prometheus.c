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

struct render {
	FILE *f;
	bool om;
	const struct mfd_metric_desc *cur; /* family whose header is out */
	char name[128]; /* cur's Prometheus name, suffixes included */
};

const char *mfd_prom_float(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
	else {
		/* %.15g is exact for the thousandths the indices carry;
		 * fall back to 17 digits where it would not read back. */
		snprintf(buf, len, "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, len, "%.17g", v);
	}
	return buf;
}

static void put_escaped(FILE *f, const char *s, bool help)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '"':
			/* HELP text in 0.0.4 escapes only \ and newline. */
			fputs(help ? "\"" : "\\\"", f);
			break;
		default:
			fputc(*s, f);
		}
	}
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
	family_name(d, r->name, r->om, fam, sizeof(fam));
	fprintf(r->f, "# HELP %s ", fam);
	/* OpenMetrics escapes HELP like a label value. */
	put_escaped(r->f, d->help, !r->om);
	fprintf(r->f, "\n# TYPE %s %s\n", fam, types[d->kind]);
	if (r->om && (unit = om_unit(d, fam)))
		fprintf(r->f, "# UNIT %s %s\n", fam, unit);
	r->cur = d;
}

/* {k="v",...}, with an optional extra label (le) last. */
static void labels(FILE *f, const struct mfd_point *p, const char *extra_key,
		   const char *extra_val)
{
	bool any = false;

	for (unsigned int i = 0; i < p->nattrs; i++) {
		const struct mfd_attr *a = &p->attrs[i];
		char key[64];

		fputs(any ? "," : "{", f);
		any = true;
		fprintf(f, "%s=\"",
			mfd_metrics_prom_label(a->key, key, sizeof(key)));
		switch (a->type) {
		case MFD_ATTR_STR:
			put_escaped(f, a->s ? a->s : "", false);
			break;
		case MFD_ATTR_INT:
			fprintf(f, "%" PRId64, a->i);
			break;
		case MFD_ATTR_BOOL:
			fputs(a->i ? "true" : "false", f);
			break;
		}
		fputc('"', f);
	}
	if (extra_key) {
		fputs(any ? "," : "{", f);
		any = true;
		fprintf(f, "%s=\"%s\"", extra_key, extra_val);
	}
	if (any)
		fputc('}', f);
}

static void histogram(struct render *r, const struct mfd_point *p)
{
	const struct mfd_histogram *h = p->hist;
	const char *name = r->name;
	uint64_t cum = 0;
	char le[40], v[40];

	for (unsigned int i = 0; i < h->nbounds; i++) {
		cum += h->counts[i];
		fprintf(r->f, "%s_bucket", name);
		labels(r->f, p, "le",
		       mfd_prom_float(h->bounds[i], le, sizeof(le)));
		fprintf(r->f, " %" PRIu64 "\n", cum);
	}
	fprintf(r->f, "%s_bucket", name);
	labels(r->f, p, "le", "+Inf");
	fprintf(r->f, " %" PRIu64 "\n", h->count);
	fprintf(r->f, "%s_sum", name);
	labels(r->f, p, NULL, NULL);
	fprintf(r->f, " %s\n", mfd_prom_float(h->sum, v, sizeof(v)));
	fprintf(r->f, "%s_count", name);
	labels(r->f, p, NULL, NULL);
	fprintf(r->f, " %" PRIu64 "\n", h->count);
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
	fputs(r->name, r->f);
	labels(r->f, p, NULL, NULL);
	if (p->is_double)
		fprintf(r->f, " %s\n", mfd_prom_float(p->d, v, sizeof(v)));
	else
		fprintf(r->f, " %" PRId64 "\n", p->i);
	return 0;
}

int mfd_prom_render(const struct mfd_state *st, bool openmetrics, char **out,
		    size_t *len)
{
	struct render r = { .om = openmetrics };
	char *buf = NULL;
	size_t n = 0;

	*out = NULL;
	*len = 0;
	r.f = open_memstream(&buf, &n);
	if (!r.f)
		return -ENOMEM;
	for (unsigned int i = 0; i < mfd_metric_catalog_len; i++) {
		const struct mfd_metric_desc *d = &mfd_metric_catalog[i];

		header(&r, d);
		d->emit(d, st, on_point, &r);
	}
	if (openmetrics)
		fputs("# EOF\n", r.f);
	if (ferror(r.f)) {
		fclose(r.f);
		free(buf);
		return -ENOMEM;
	}
	if (fclose(r.f)) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	*len = n;
	return 0;
}
