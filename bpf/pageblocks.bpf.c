// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pageblocks.bpf.c - copies kernel memory for the pageblock map.
 *
 * collect/pageblock_walk.c walks mem_section[] -> usage -> pageblock_flags
 * itself, reading each piece through this program with
 * BPF_PROG_TEST_RUN. It runs in the agent's own task, only when a map is
 * asked for (--pageblock-interval), and is attached to nothing, so it
 * costs the rest of the system nothing. bpf_probe_read_kernel() returns
 * -EFAULT for an address that is not mapped: a wrong address is an
 * error code, never a fault.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include "pageblocks.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct mfd_pb_read req = {};

SEC("raw_tp")
int mfd_pageblocks_read(void *ctx)
{
	__u32 len = req.len;

	req.runs++;
	req.task = bpf_get_current_task();
	if (len == 0 || len > MFD_PB_READ_MAX) {
		req.err = -7; /* E2BIG */
		return 0;
	}
	req.err = bpf_probe_read_kernel(req.buf, len, (void *)req.addr);
	return 0;
}

SEC("raw_tp")
int mfd_pageblocks_gather(void *ctx)
{
	__u64 *words = (__u64 *)req.buf;
	__u32 n = req.count;

	req.runs++;
	req.task = bpf_get_current_task();
	req.err = 0;
	if (n == 0 || n > MFD_PB_GATHER_MAX) {
		req.err = -7; /* E2BIG */
		return 0;
	}
	for (__u32 i = 0; i < MFD_PB_GATHER_MAX && i < n; i++) {
		__u64 w = 0;

		if (bpf_probe_read_kernel(&w, sizeof(w),
					  (void *)(req.addr + i * req.stride)))
			w = ~0ull;
		words[i] = w;
	}
	return 0;
}
