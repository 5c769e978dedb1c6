/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resource.h - the OTel resource every exporter that speaks OTLP (the
 * OTLP/HTTP exporter, recordings) describes this agent with: built by a
 * pure function from facts, which mfd_resource_detect() gathers.
 */
#ifndef MFD_RESOURCE_H
#define MFD_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "otlp_kv.h"

#define OTLP_MAX_RESOURCE_ATTRS 64

struct otlp_resource {
	size_t n;
	struct otlp_kv attrs[OTLP_MAX_RESOURCE_ATTRS]; /* keys unique */
};

/* Set key to value in r, replacing an earlier value (keys stay unique).
 * 0, -ENOSPC when full, -ENOMEM. */
int otlp_resource_set(struct otlp_resource *r, const char *key,
		      const char *value);
const char *otlp_resource_get(const struct otlp_resource *r, const char *key);
void otlp_resource_free(struct otlp_resource *r);

/* Facts the resource is built from, gathered by mfd_resource_detect(). */
struct otlp_resource_facts {
	const char *service_name; /* OTEL_SERVICE_NAME, or NULL */
	const char *resource_attributes; /* OTEL_RESOURCE_ATTRIBUTES, or NULL */
	const char *host_name; /* uname nodename */
	const char *host_id; /* /etc/machine-id, or NULL */
	const char *host_arch; /* uname machine, mapped to OTel values */
	const char *k8s_node_name; /* K8S_NODE_NAME, or NULL */
	const char *os_version; /* uname release (the kernel), or NULL */
};

/*
 * Build the resource: OTEL_RESOURCE_ATTRIBUTES first, then the detected
 * attributes (service.version, host.*, os.type, os.version,
 * k8s.node.name) and
 * service.name (OTEL_SERVICE_NAME wins over a service.name in the
 * attributes, "mfd-agent" is the default), as the SDK spec orders them.
 * A malformed OTEL_RESOURCE_ATTRIBUTES is discarded whole; *attrs_bad says
 * so (the shell warns). 0 or -ENOMEM.
 */
int otlp_resource_build(struct otlp_resource *r,
			const struct otlp_resource_facts *f, bool *attrs_bad);

/* OTel host.arch value for a uname machine string ("x86_64" -> "amd64"). */
const char *otlp_host_arch(const char *machine);

/*
 * Detect this host (uname, /etc/machine-id, $K8S_NODE_NAME) and apply
 * $OTEL_SERVICE_NAME and $OTEL_RESOURCE_ATTRIBUTES, warning once when the
 * latter is malformed (it is then ignored whole, as the spec says). The
 * result is built by the pure otlp_resource_build(). 0 or -ENOMEM; free
 * with otlp_resource_free().
 */
int mfd_resource_detect(struct otlp_resource *r);

#endif /* MFD_RESOURCE_H */
