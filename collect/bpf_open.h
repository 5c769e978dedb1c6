/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpf_open.h - the steps every BPF loader of collect/ shares (zones,
 * extfrag, compaction): count the CPUs, open the skeleton, load it,
 * attach a program to its tracepoint, read a ring buffer, each with the
 * one error message a user sees for it.
 *
 * The lifecycle stays in each probe (open -> rodata and map sizes ->
 * switch off what the kernel lacks -> load -> attach, one cleanup
 * label): these helpers are its steps, not a framework.
 */
#ifndef MFD_BPF_OPEN_H
#define MFD_BPF_OPEN_H

#include <stdbool.h>
#include <stddef.h>

#include <bpf/libbpf.h>

/* The possible CPUs (a per-CPU map value comes in that many copies), or
 * -errno with why[] saying so. */
int mfd_bpf_nr_cpus(char *why, size_t why_len);

/*
 * Open the skeleton of bpf/NAME.bpf.c (NAME_bpf__open(), from
 * NAME.skel.h): the skeleton, or NULL with *err = -errno and why[]
 * naming the object. One place for the options every probe opens with.
 */
#define MFD_BPF_OPEN(name, err, why, why_len)                                \
	((struct name##_bpf *)mfd_bpf_opened(name##_bpf__open(), #name, err, \
					     why, why_len))
void *mfd_bpf_opened(void *skel, const char *name, int *err, char *why,
		     size_t why_len);

/* Load an opened skeleton (s->skeleton): 0, or -errno with why[] saying
 * which object the kernel refused and where to look. */
int mfd_bpf_load(struct bpf_object_skeleton *sk, const char *name, char *why,
		 size_t why_len);

/*
 * Attach prog to the tracepoint its SEC() names and keep the link in
 * *link (destroyed with the skeleton): 0, or -errno with why[] naming
 * the tracepoint ("kmem:mm_page_alloc_extfrag").
 */
int mfd_bpf_attach(struct bpf_program *prog, struct bpf_link **link, char *why,
		   size_t why_len);

/* A reader of the ring buffer map, for the event loop's epoll fd: the
 * reader, or NULL with *err = -errno and why[] naming the map. */
struct ring_buffer *mfd_bpf_ringbuf(struct bpf_map *map,
				    ring_buffer_sample_fn fn, void *ctx,
				    int *err, char *why, size_t why_len);

/* The call-site maps of a loaded object (bpf/callsites.bpf.h), for
 * collect/stacks/callsites.c; fds are -1 when call sites are off. */
struct mfd_callsite_maps {
	int stacks_fd; /* BPF_MAP_TYPE_STACK_TRACE: id -> addresses */
	int counts_fd; /* struct mfd_callsite_key -> __u64 events */
	int lost_fd; /* per-CPU struct mfd_callsite_lost_val */
};

/*
 * Before load: size an object's call-site maps, full when on is set, one
 * entry each when off (the handlers do not touch them then: the verifier
 * dropped the code behind the "callsites" knob). 0 or -errno.
 */
int mfd_bpf_size_callsites(struct bpf_map *stacks, struct bpf_map *counts,
			   bool on);

/* After load: the fds of the three maps into *m, or -1s when !on. */
void mfd_bpf_callsite_maps(struct bpf_map *stacks, struct bpf_map *counts,
			   struct bpf_map *lost, bool on,
			   struct mfd_callsite_maps *m);

#endif /* MFD_BPF_OPEN_H */
