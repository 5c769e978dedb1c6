// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * floor.bpf.c - an empty handler on kmem:mm_page_alloc_extfrag.
 *
 * bench/run.sh attaches it beside mfd's own handler, so both run for the
 * very same events: what bpf_stats charges this one is the floor of the
 * measurement itself (program entry, cold caches on a rare event, the
 * accounting), and mfd's cost is read against it in the same run.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tracepoint/kmem/mm_page_alloc_extfrag")
int mfd_floor(void *ctx)
{
	return 0;
}
