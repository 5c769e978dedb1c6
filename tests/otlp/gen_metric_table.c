// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen_metric_table.c - print the metric reference table from the one
 * catalogue (exporters/metrics.c), so the documentation cannot drift: the
 * test "doc/metric_table" compares it with the table between the
 * METRICS markers of the reference document.
 *
 *   gen_metric_table        print the table
 *   gen_metric_table FILE   exit 1 when FILE's table differs
 *
 * The Prometheus name and labels are the ones mfd_metrics_prom_name()
 * and mfd_metrics_prom_label() derive, i.e. what /metrics serves and what
 * a Collector's prometheusremotewrite (or VictoriaMetrics with
 * -opentelemetry.usePrometheusNaming) stores for the OTLP metric.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define BEGIN "<!-- METRICS:BEGIN -->\n"
#define END "<!-- METRICS:END -->"

static const char *kind_name(enum mfd_metric_kind k)
{
	switch (k) {
	case MFD_METRIC_GAUGE:
		return "gauge";
	case MFD_METRIC_SUM:
		return "sum (cumulative, monotonic) / counter";
	case MFD_METRIC_HISTOGRAM:
		return "histogram (cumulative)";
	}
	return "?";
}

/* "numa.node, zone" -> "`numa_node`, `zone`" */
static void prom_labels(FILE *out, const char *attrs, bool hist)
{
	char key[64], lab[64];
	const char *p = attrs;
	bool any = false;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		size_t b = strspn(p, " ");

		if (n > b && n - b < sizeof(key)) {
			memcpy(key, p + b, n - b);
			key[n - b] = '\0';
			fprintf(out, "%s`%s`", any ? ", " : "",
				mfd_metrics_prom_label(key, lab, sizeof(lab)));
			any = true;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (hist)
		fprintf(out, "%s`le` (`_bucket`)", any ? ", " : "");
	else if (!any)
		fputs("—", out);
}

static void table(FILE *out)
{
	fprintf(out, "| OTLP name | unit | type | Prometheus name | labels | "
		     "meaning |\n| --- | --- | --- | --- | --- | --- |\n");
	for (unsigned int i = 0; i < mfd_metric_catalog_len; i++) {
		const struct mfd_metric_desc *d = &mfd_metric_catalog[i];
		char prom[128];

		fprintf(out, "| `%s` | `%s` | %s | `%s` | ", d->name, d->unit,
			kind_name(d->kind),
			mfd_metric_prom(d, prom, sizeof(prom)));
		prom_labels(out, d->attrs, d->kind == MFD_METRIC_HISTOGRAM);
		fprintf(out, " | %s |\n", d->help);
	}
}

int main(int argc, char **argv)
{
	char *want = NULL, *readme = NULL, *b, *e;
	size_t wlen = 0, rlen = 0;
	FILE *f;
	int rc = 1;

	if (argc < 2) {
		table(stdout);
		return 0;
	}
	f = open_memstream(&want, &wlen);
	if (!f)
		return 2;
	table(f);
	fclose(f);
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		goto out;
	}
	readme = malloc(1 << 20);
	rlen = readme ? fread(readme, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!readme)
		goto out;
	readme[rlen] = '\0';
	b = strstr(readme, BEGIN);
	e = b ? strstr(b, END) : NULL;
	if (!b || !e) {
		fprintf(stderr, "%s: no " END " markers\n", argv[1]);
		goto out;
	}
	b += strlen(BEGIN);
	if ((size_t)(e - b) == wlen && !memcmp(b, want, wlen)) {
		rc = 0;
	} else {
		fprintf(stderr,
			"%s: the metric table differs from exporters/metrics.c; "
			"regenerate it with gen_metric_table:\n%s",
			argv[1], want);
	}
out:
	free(want);
	free(readme);
	return rc;
}
