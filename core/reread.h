/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reread.h - when to copy per-CPU kernel counters again.
 *
 * Copying a per-CPU map costs a syscall and value_size * nr_cpus bytes,
 * every sample, although the counters move only with rare events. Each
 * probe has a mark that moves whenever its counters may have: a
 * generation its handlers bump (compaction), or the count of ring records
 * drained (extfrag, which also reads once a second to find events still
 * staged per CPU). The map is read when the mark moved, and once more
 * after (settle), for a counter store that became visible after the mark
 * on a weakly ordered CPU.
 */
#ifndef MFD_REREAD_H
#define MFD_REREAD_H

#include <stdbool.h>
#include <stdint.h>

struct mfd_reread {
	uint64_t seen; /* the mark at the last read */
	bool have; /* read at least once */
	bool settle; /* the mark moved at the last read: read once more */
};

static inline bool mfd_reread_due(const struct mfd_reread *r, uint64_t mark)
{
	return !r->have || mark != r->seen || r->settle;
}

/* Call after a successful read taken at mark. */
static inline void mfd_reread_done(struct mfd_reread *r, uint64_t mark)
{
	r->settle = !r->have || mark != r->seen;
	r->seen = mark;
	r->have = true;
}

#endif /* MFD_REREAD_H */
