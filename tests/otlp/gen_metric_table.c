// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen_metric_table.c - print the README's metric reference table from the
 * one catalogue (agent/metrics.c), so the documentation cannot drift:
 * the test "doc/metric_table" compares it with the README.
 *
 *   gen_metric_table            print the table
 *   gen_metric_table README.md  exit 1 when the README's table differs
 */
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
		return "sum (cumulative, monotonic)";
	case MFD_METRIC_HISTOGRAM:
		return "histogram (cumulative)";
	}
	return "?";
}

static void table(FILE *out)
{
	fprintf(out, "| OTel name | Prometheus name | type | unit | attributes "
		     "| meaning |\n| --- | --- | --- | --- | --- | --- |\n");
	for (unsigned int i = 0; i < mfd_metric_catalog_len; i++) {
		const struct mfd_metric_desc *d = &mfd_metric_catalog[i];

		fprintf(out, "| `%s` | `%s` | %s | `%s` | %s | %s |\n", d->name,
			d->prom, kind_name(d->kind), d->unit,
			d->attrs && *d->attrs ? d->attrs : "—", d->help);
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
			"%s: the metric table differs from agent/metrics.c; "
			"regenerate it with gen_metric_table:\n%s",
			argv[1], want);
	}
out:
	free(want);
	free(readme);
	return rc;
}
