/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stacks.h - the call sites of extfrag fallbacks and direct compaction
 * stalls (--callsites): the counts the kernel keeps per (kind, kernel
 * stack, user stack, process) in each program's maps
 * (bpf/callsites.bpf.h), mirrored here and symbolized once, when a stack
 * is first seen: kernel frames from /proc/kallsyms (kallsyms.h), user
 * frames from the ELF files of /proc/PID/maps (elfsyms.h).
 */
#ifndef MFD_STACKS_H
#define MFD_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf_open.h" /* struct mfd_callsite_maps */
#include "callsites.h" /* bpf/callsites.h */
#include "elfsyms.h"
#include "kallsyms.h"

/* One aggregated stack. */
struct mfd_callsite {
	struct mfd_callsite_key key; /* as the kernel keys it */
	uint64_t count; /* events so far (the kernel's count) */
	uint64_t exported; /* count when an exporter last sent it (for
			    * "changed since the last export"; no exporter
			    * sends call sites yet) */
	char comm[16]; /* the process's, when first seen ("?": gone) */
	char **frames; /* innermost first: nkernel kernel frames, then
			* nuser user frames */
	uint32_t nkernel, nuser;
};

/* What one kind adds up to. */
struct mfd_callsite_totals {
	uint64_t events; /* sum of the counts */
	uint64_t stacks; /* distinct keys */
	uint64_t lost[MFD_CS_LOST_SLOTS]; /* the program's lost counters */
};

struct mfd_callsites;

/*
 * Read kallsyms now (path NULL: /proc/kallsyms), while the agent still
 * holds CAP_SYSLOG: later reads would see zeroes. When addresses read as
 * 0, says so once in the log; kernel frames are then addresses. NULL with
 * errno on ENOMEM.
 */
struct mfd_callsites *mfd_callsites_new(const char *kallsyms_path);
void mfd_callsites_free(struct mfd_callsites *cs);
/* The maps of the program counting kind (fds -1: not counted). */
void mfd_callsites_set_maps(struct mfd_callsites *cs,
			    enum mfd_callsite_kind kind,
			    const struct mfd_callsite_maps *m);
/* Copy the kernel's counts; symbolize the stacks not seen before. Returns
 * the number of new stacks, or -errno. */
int mfd_callsites_refresh(struct mfd_callsites *cs);

size_t mfd_callsites_count(const struct mfd_callsites *cs);
/* The i-th stack, by count, highest first (as of the last refresh). */
const struct mfd_callsite *mfd_callsites_top(const struct mfd_callsites *cs,
					     size_t i);
/* The same, writable (the exporter's mark). */
struct mfd_callsite *mfd_callsites_at(struct mfd_callsites *cs, size_t i);
void mfd_callsites_totals(const struct mfd_callsites *cs,
			  enum mfd_callsite_kind kind,
			  struct mfd_callsite_totals *t);
/* Whether kernel frames are names (false: kallsyms read as zeroes). */
bool mfd_callsites_ksyms_ok(const struct mfd_callsites *cs);
const char *mfd_callsite_kind_name(uint32_t kind);

/* Pure pieces, for the tests. */

/* A kernel frame: "func+0x1f", or "0xffffffff81234567" when unknown. */
void mfd_callsite_kframe(const struct mfd_ksyms *ks, uint64_t addr, char *buf,
			 size_t len);
/*
 * A user frame of the process whose /proc/PID/maps text is maps (NULL:
 * unreadable): "func+0x1f (libc.so.6)", "[libc.so.6+0x1234]" when the
 * file has no symbol for it, "0x7f..." without a mapping.
 */
void mfd_callsite_uframe(struct mfd_elfcache *c, uint32_t pid, const char *maps,
			 size_t maps_len, uint64_t addr, char *buf, size_t len);
/* All frames, innermost first, one per line: malloc'd, NULL on ENOMEM. */
char *mfd_callsite_stack_text(const struct mfd_callsite *s);

#endif /* MFD_STACKS_H */
