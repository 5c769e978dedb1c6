/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statsd.h - the StatsD exporter's row in the registry (exporter.c).
 */
#ifndef MFD_STATSD_H
#define MFD_STATSD_H

#include "exporter.h"

bool mfd_statsd_enabled(const struct mfd_config *cfg);
int mfd_statsd_check(const struct mfd_config *cfg, char *why, size_t why_len);
int mfd_statsd_create(const struct mfd_export_ctx *ctx,
		      struct mfd_exporter **out);

#endif /* MFD_STATSD_H */
