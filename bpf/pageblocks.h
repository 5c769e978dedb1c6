/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pageblock map: the request pageblocks.bpf.c serves and
 * collect/pageblocks_probe.c fills.
 *
 * The program is never attached. User space writes an address and a
 * length into .bss, runs it with BPF_PROG_TEST_RUN, and finds the bytes
 * (or the read's error) in the same struct. The walk over the kernel's
 * memory sections is done in user space with layouts from the kernel's
 * BTF, so the program stays one bounded copy that every verifier from
 * 5.10 on accepts.
 */
#ifndef MFD_BPF_PAGEBLOCKS_H
#define MFD_BPF_PAGEBLOCKS_H

#define MFD_PB_READ_MAX 4096 /* bytes copied per run: one page */
#define MFD_PB_GATHER_MAX 64 /* words gathered per run */

struct mfd_pb_read {
	__u64 addr; /* in: kernel address to copy from */
	__u64 stride; /* in, gather: bytes from one word to the next */
	__u32 count; /* in, gather: words, 1..MFD_PB_GATHER_MAX */
	__u32 len; /* in, read: bytes, 1..MFD_PB_READ_MAX */
	__s32 err; /* out: 0 or the helper's -errno */
	__u64 runs; /* out: bumped on every run */
	__u64 task; /* out: the running task_struct, an address in the
		     * kernel's direct map of physical memory */
	__u8 buf[MFD_PB_READ_MAX]; /* out: the bytes */
};

#endif /* MFD_BPF_PAGEBLOCKS_H */
