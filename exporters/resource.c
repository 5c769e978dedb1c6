// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resource.c - the OTel resource: its attributes, built by the pure
 * otlp_resource_build() from facts that mfd_resource_detect() gathers
 * (uname, /etc/machine-id, the environment).
 */
#include <errno.h>
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

int otlp_resource_set(struct otlp_resource *r, const char *key,
		      const char *value)
{
	char *v = strdup(value), *k;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->attrs[i].key, key)) {
			free(r->attrs[i].value);
			r->attrs[i].value = v;
			return 0;
		}
	if (r->n == OTLP_MAX_RESOURCE_ATTRS) {
		free(v);
		return -ENOSPC;
	}
	k = strdup(key);
	if (!k) {
		free(v);
		return -ENOMEM;
	}
	r->attrs[r->n].key = k;
	r->attrs[r->n].value = v;
	r->n++;
	return 0;
}

const char *otlp_resource_get(const struct otlp_resource *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->attrs[i].key, key))
			return r->attrs[i].value;
	return NULL;
}

void otlp_resource_free(struct otlp_resource *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->attrs[i].key);
		free(r->attrs[i].value);
	}
	r->n = 0;
}

const char *otlp_host_arch(const char *machine)
{
	static const struct {
		const char *uname, *otel;
	} map[] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" },
		{ "i386", "x86" },     { "i686", "x86" },
		{ "armv7l", "arm32" }, { "ppc64le", "ppc64" },
		{ "ppc64", "ppc64" },  { "s390x", "s390x" },
	};

	if (!machine)
		return "unknown";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(machine, map[i].uname))
			return map[i].otel;
	return machine;
}

int otlp_resource_build(struct otlp_resource *r,
			const struct otlp_resource_facts *f, bool *attrs_bad)
{
	struct otlp_kv *kv = NULL;
	size_t n = 0;
	int err;

	memset(r, 0, sizeof(*r));
	*attrs_bad = false;
	err = otlp_parse_kv_list(f->resource_attributes, &kv, &n, NULL);
	if (err == -ENOMEM)
		return err;
	if (err) {
		*attrs_bad = true;
		n = 0;
	}
	err = 0;
	for (size_t i = 0; i < n && !err; i++)
		err = otlp_resource_set(r, kv[i].key, kv[i].value);
	otlp_kv_free(kv, n);
	if (err == -ENOSPC)
		err = 0; /* too many user attributes: keep the first ones */
	if (err)
		goto fail;
	/* Detected values win over user attributes with the same key, except
	 * service.name, which the user may set either way. */
	if (f->service_name && *f->service_name)
		err = otlp_resource_set(r, "service.name", f->service_name);
	else if (!otlp_resource_get(r, "service.name"))
		err = otlp_resource_set(r, "service.name", "mfd-agent");
	if (!err)
		err = otlp_resource_set(r, "service.version", MFD_VERSION);
	if (!err && f->host_name && *f->host_name)
		err = otlp_resource_set(r, "host.name", f->host_name);
	if (!err && f->host_id && *f->host_id)
		err = otlp_resource_set(r, "host.id", f->host_id);
	if (!err && f->host_arch && *f->host_arch)
		err = otlp_resource_set(r, "host.arch", f->host_arch);
	if (!err)
		err = otlp_resource_set(r, "os.type", "linux");
	/* The kernel release, as OTel's Java and Node.js detectors report
	 * os.version on Linux: fragmentation behaviour changes with the
	 * kernel, so a fleet dashboard groups by it. */
	if (!err && f->os_version && *f->os_version)
		err = otlp_resource_set(r, "os.version", f->os_version);
	if (!err && f->k8s_node_name && *f->k8s_node_name)
		err = otlp_resource_set(r, "k8s.node.name", f->k8s_node_name);
	if (err == -ENOSPC)
		err = 0;
	if (!err)
		return 0;
fail:
	otlp_resource_free(r);
	return err;
}
