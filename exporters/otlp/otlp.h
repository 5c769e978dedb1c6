/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp.h - the OTLP/HTTP exporter's row in the registry (exporter.c).
 */
#ifndef MFD_OTLP_H
#define MFD_OTLP_H

#include "exporter.h"

bool otlp_exporter_enabled(const struct mfd_config *cfg);
int otlp_exporter_check(const struct mfd_config *cfg, char *why,
			size_t why_len);
int otlp_exporter_create(const struct mfd_export_ctx *ctx,
			 struct mfd_exporter **out);

#endif /* MFD_OTLP_H */
