/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resource.h - the OTel resource every exporter that speaks OTLP (the
 * OTLP/HTTP exporter, recordings) describes this agent with.
 */
#ifndef MFD_RESOURCE_H
#define MFD_RESOURCE_H

#include "otlp_encode.h"

/*
 * Detect this host (uname, /etc/machine-id, $K8S_NODE_NAME) and apply
 * $OTEL_SERVICE_NAME and $OTEL_RESOURCE_ATTRIBUTES, warning once when the
 * latter is malformed (it is then ignored whole, as the spec says). The
 * result is built by the pure otlp_resource_build(). 0 or -ENOMEM; free
 * with otlp_resource_free().
 */
int mfd_resource_detect(struct otlp_resource *r);

#endif /* MFD_RESOURCE_H */
