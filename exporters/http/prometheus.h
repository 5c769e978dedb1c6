/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prometheus.h - the state's metric points as a Prometheus page.
 *
 * Pure: walks mfd_metrics_walk() and writes text into memory, no I/O.
 * Two encodings of the same points:
 *   text exposition format 0.0.4 ("text/plain; version=0.0.4"), and
 *   OpenMetrics 1.0.0 ("application/openmetrics-text; version=1.0.0"):
 *   counter families named without "_total", UNIT lines, "# EOF".
 */
#ifndef MFD_PROMETHEUS_H
#define MFD_PROMETHEUS_H

#include <stdbool.h>
#include <stddef.h>

#include "state.h"

#define MFD_PROM_TEXT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define MFD_PROM_OM_TYPE \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

/* Render every point into a new malloc'd buffer (*out, *len; NUL
 * terminated, len excludes the NUL). 0 or -ENOMEM. */
int mfd_prom_render(const struct mfd_state *st, bool openmetrics, char **out,
		    size_t *len);

/* Write v as Prometheus prints a float: shortest text that reads back to
 * the same double, "NaN", "+Inf", "-Inf". Returns buf. */
const char *mfd_prom_float(double v, char *buf, size_t len);

#endif /* MFD_PROMETHEUS_H */
