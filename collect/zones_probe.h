/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zones.h - the BPF zone snapshot source (bpf/zones.bpf.c).
 */
#ifndef MFD_ZONES_H
#define MFD_ZONES_H

#include "kinfo.h"
#include "snapshot.h"

struct mfd_zones;

/*
 * Open and load the zones program and run it once to prove the route to
 * the zones works on this kernel. Returns 0 or -errno; on failure why[] says
 * what failed in words a user can act on.
 */
int mfd_zones_open(struct mfd_zones **out, const struct mfd_kinfo *k, char *why,
		   size_t why_len);

/* Run the program and fill a finished snapshot. 0 or -errno. */
int mfd_zones_snapshot(struct mfd_zones *z, struct mfd_snapshot *snap);

void mfd_zones_close(struct mfd_zones *z);

#endif /* MFD_ZONES_H */
