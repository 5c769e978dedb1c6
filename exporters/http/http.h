/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http.h - the HTTP server's row in the registry (exporter.c): /metrics,
 *  /healthz, the /api/v1 routes and the dashboard.
 */
#ifndef MFD_HTTP_H
#define MFD_HTTP_H

#include "exporter.h"
#include "http_settings.h"

/* Whether the settings ask for the server (listen is not "off"). */
bool mfd_http_enabled(const struct mfd_http_settings *cfg);
int mfd_http_create(const struct mfd_export_ctx *ctx,
		    struct mfd_exporter **out);

#endif /* MFD_HTTP_H */
