/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp.h - the OTLP/HTTP exporter's row in the registry (exporter.c).
 */
#ifndef MFD_OTLP_H
#define MFD_OTLP_H

#include "exporter.h"

/* Whether cfg or the OTEL_* environment names an endpoint; whether the
 * settings resolve as create would find them (0, or -EINVAL with why[]);
 * create the exporter (0, or -errno after logging why). */
bool mfd_otlp_enabled(const struct mfd_export_settings *set);
int mfd_otlp_check(const struct mfd_export_settings *set, char *why,
		   size_t why_len);
int mfd_otlp_create(const struct mfd_export_ctx *ctx,
		    struct mfd_exporter **out);

#endif /* MFD_OTLP_H */
