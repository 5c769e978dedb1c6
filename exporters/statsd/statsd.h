/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statsd.h - the StatsD exporter's row in the registry (exporter.c).
 */
#ifndef MFD_STATSD_H
#define MFD_STATSD_H

#include "exporter.h"
#include "statsd_settings.h"

/* Whether the settings ask for StatsD (an address is set), and whether
 * they are valid as create would find them: 0, or -EINVAL with why[]. */
bool mfd_statsd_enabled(const struct mfd_statsd_settings *cfg);
int mfd_statsd_check(const struct mfd_statsd_settings *cfg, char *why,
		     size_t why_len);
int mfd_statsd_create(const struct mfd_export_ctx *ctx,
		      struct mfd_exporter **out);

#endif /* MFD_STATSD_H */
