// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resource.c - gather the facts the OTel resource is built from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define LOG_COMPONENT "resource"
#include "log.h"
#include "resource.h"

/* /etc/machine-id without its newline, or NULL. */
static char *machine_id(void)
{
	char buf[128] = "";
	FILE *f = fopen("/etc/machine-id", "re");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n \t")] = '\0';
	return buf[0] ? strdup(buf) : NULL;
}

int mfd_resource_detect(struct otlp_resource *r)
{
	struct otlp_resource_facts f = { 0 };
	struct utsname u;
	char *mid = machine_id();
	bool attrs_bad = false;
	int err;

	memset(r, 0, sizeof(*r));
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	f.service_name = getenv("OTEL_SERVICE_NAME");
	f.resource_attributes = getenv("OTEL_RESOURCE_ATTRIBUTES");
	f.host_name = u.nodename;
	f.os_version = u.release;
	f.host_id = mid;
	f.host_arch = otlp_host_arch(u.machine);
	f.k8s_node_name = getenv("K8S_NODE_NAME");
	/* In a pod without hostNetwork, uname's nodename is the pod's name;
	 * the node's name (the DaemonSet's downward API) names the host. */
	if (f.k8s_node_name && *f.k8s_node_name)
		f.host_name = f.k8s_node_name;
	err = otlp_resource_build(r, &f, &attrs_bad);
	free(mid);
	if (attrs_bad)
		log_warn("OTEL_RESOURCE_ATTRIBUTES is malformed (want "
			 "key=value,... with percent-encoded values); "
			 "ignoring all of it");
	return err;
}
