// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_cgroup_path.c - libFuzzer harness for the cgroup path parsers
 * (collect/cgroup_attr.c): a cgroup path, and /proc/<pid>/cgroup text.
 * Both read exactly size bytes; the outputs must stay NUL-terminated.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cgroup_attr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfd_k8s_attr a;

	if (mfd_cgroup_parse_path((const char *)data, size, &a) == 0) {
		if (strlen(a.pod_uid) >= sizeof(a.pod_uid) ||
		    strlen(a.container_id) >= sizeof(a.container_id) ||
		    !a.pod_uid[0])
			__builtin_trap();
	}
	if (mfd_cgroup_parse_proc_cgroup((const char *)data, size, &a) == 0 &&
	    !a.pod_uid[0])
		__builtin_trap();
	(void)mfd_k8s_qos_name(a.qos);
	return 0;
}
