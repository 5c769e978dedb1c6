// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpf_open.c - the shared steps of the BPF loaders (see bpf_open.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/types.h>

#include "bpf_open.h"
#include "callsites.h" /* bpf/callsites.h */

int mfd_bpf_nr_cpus(char *why, size_t why_len)
{
	int n = libbpf_num_possible_cpus();

	if (n > 0)
		return n;
	n = n ? n : -EINVAL;
	snprintf(why, why_len, "cannot count possible CPUs: %s", strerror(-n));
	return n;
}

void *mfd_bpf_opened(void *skel, const char *name, int *err, char *why,
		     size_t why_len)
{
	if (skel)
		return skel;
	*err = errno ? -errno : -EINVAL;
	snprintf(why, why_len, "opening the %s BPF object failed: %s", name,
		 strerror(-*err));
	return NULL;
}

int mfd_bpf_load(struct bpf_object_skeleton *sk, const char *name, char *why,
		 size_t why_len)
{
	int err = bpf_object__load_skeleton(sk);

	if (err)
		snprintf(why, why_len,
			 "loading the %s BPF object failed: %s (the verifier "
			 "or a CO-RE relocation rejected it; run with "
			 "--log-level debug for libbpf's log)",
			 name, strerror(-err));
	return err;
}

/* "tracepoint/kmem/mm_page_alloc_extfrag" -> "kmem:mm_page_alloc_extfrag" */
static void tracepoint_name(const struct bpf_program *prog, char *out,
			    size_t len)
{
	const char *sec = bpf_program__section_name(prog), *cat, *slash;

	cat = sec ? strchr(sec, '/') : NULL;
	slash = cat ? strchr(cat + 1, '/') : NULL;
	if (slash)
		snprintf(out, len, "%.*s:%s", (int)(slash - cat - 1), cat + 1,
			 slash + 1);
	else
		snprintf(out, len, "%s", bpf_program__name(prog));
}

int mfd_bpf_attach(struct bpf_program *prog, struct bpf_link **link, char *why,
		   size_t why_len)
{
	struct bpf_link *l = bpf_program__attach(prog);
	char tp[128];
	int err;

	if (l) {
		*link = l;
		return 0;
	}
	err = errno ? -errno : -EINVAL;
	tracepoint_name(prog, tp, sizeof(tp));
	snprintf(why, why_len,
		 "attaching to tracepoint %s failed: %s (is tracefs available "
		 "and the tracepoint present?)",
		 tp, strerror(-err));
	return err;
}

struct ring_buffer *mfd_bpf_ringbuf(struct bpf_map *map,
				    ring_buffer_sample_fn fn, void *ctx,
				    int *err, char *why, size_t why_len)
{
	struct ring_buffer *rb =
		ring_buffer__new(bpf_map__fd(map), fn, ctx, NULL);

	if (rb)
		return rb;
	*err = errno ? -errno : -EINVAL;
	snprintf(why, why_len,
		 "creating the reader of ring buffer %s failed: %s",
		 bpf_map__name(map), strerror(-*err));
	return NULL;
}

int mfd_bpf_size_callsites(struct bpf_map *stacks, struct bpf_map *counts,
			   bool on)
{
	int err;

	err = bpf_map__set_max_entries(stacks, on ? MFD_CALLSITE_STACKS : 1);
	if (!err)
		err = bpf_map__set_max_entries(counts,
					       on ? MFD_CALLSITE_KEYS : 1);
	return err;
}

void mfd_bpf_callsite_maps(struct bpf_map *stacks, struct bpf_map *counts,
			   struct bpf_map *lost, bool on,
			   struct mfd_callsite_maps *m)
{
	m->stacks_fd = on ? bpf_map__fd(stacks) : -1;
	m->counts_fd = on ? bpf_map__fd(counts) : -1;
	m->lost_fd = on ? bpf_map__fd(lost) : -1;
}
