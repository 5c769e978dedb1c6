// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_callsites.c - the -k view: where extfrag fallbacks and direct
 * compaction stalls come from (--callsites). The stacks the kernel counted
 * (collect/stacks/stacks.h), most events first, each with its kernel
 * frames, then its user frames, innermost first.
 *
 * Above them, one line per kind adds the stacks up and says what the
 * kernel could not store; for extfrag it sets the sum against the exact
 * per-CPU counter, which every event bumps before its stacks are taken.
 */
#include <stdio.h>

#include "stacks.h"
#include "view_lines.h"
#include "view_renderers.h"

#define DEFAULT_STACKS 10
#define MAX_KFRAMES 16 /* kernel frames shown per stack */
#define MAX_UFRAMES 8 /* user frames shown per stack */

static void kind_line(struct mfd_screen *s, const struct mfd_callsites *cs,
		      enum mfd_callsite_kind kind,
		      const struct mfd_extfrag_totals *exact)
{
	struct mfd_callsite_totals t;
	struct mfd_vline l;

	mfd_callsites_totals(cs, kind, &t);
	mfd_vline_init(&l);
	mfd_vline_addf(&l, "%s: %llu events in %llu stacks",
		       mfd_callsite_kind_name(kind),
		       (unsigned long long)t.events,
		       (unsigned long long)t.stacks);
	if (exact)
		mfd_vline_addf(&l, " (exact counter %llu)",
			       (unsigned long long)exact->events);
	mfd_vline_emit(s, &l);
	mfd_vline_init(&l);
	mfd_vline_addf(
		&l,
		"  lost: %llu not stored (map full), %llu without kernel "
		"stack, %llu without user stack",
		(unsigned long long)t.lost[MFD_CS_LOST_FULL],
		(unsigned long long)t.lost[MFD_CS_LOST_KSTACK],
		(unsigned long long)t.lost[MFD_CS_LOST_USTACK]);
	mfd_vline_emit(s, &l);
}

static void stack_rows(struct mfd_screen *s, const struct mfd_callsite *c,
		       size_t rank)
{
	uint32_t nk = c->nkernel < MAX_KFRAMES ? c->nkernel : MAX_KFRAMES;
	uint32_t nu = c->nuser < MAX_UFRAMES ? c->nuser : MAX_UFRAMES;

	mfd_screen_printf(s, "#%zu %s count %llu pid %u comm %s", rank,
			  mfd_callsite_kind_name(c->key.kind),
			  (unsigned long long)c->count, c->key.tgid, c->comm);
	if (!c->nkernel)
		mfd_screen_printf(s, "%s", "    (no kernel stack)");
	for (uint32_t f = 0; f < nk; f++)
		mfd_screen_printf(s, "    %s", c->frames[f]);
	if (c->nkernel > nk)
		mfd_screen_printf(s, "    (%u more kernel frames)",
				  c->nkernel - nk);
	if (!c->nuser)
		return;
	mfd_screen_printf(s, "%s", "    -- user --");
	for (uint32_t f = 0; f < nu; f++)
		mfd_screen_printf(s, "    %s", c->frames[c->nkernel + f]);
	if (c->nuser > nu)
		mfd_screen_printf(s, "    (%u more user frames)",
				  c->nuser - nu);
}

void mfd_view_callsites(const struct mfd_view_opts *opts,
			const struct mfd_view_input *in, struct mfd_screen *s)
{
	const struct mfd_callsites *cs = in->callsites;
	size_t max = opts->max_procs ? opts->max_procs : DEFAULT_STACKS, n;

	mfd_view_header(s, opts, in->snap, "call sites", NULL);
	if (!cs) {
		mfd_screen_printf(s, "%s",
				  "Call sites are off: start the agent with "
				  "--callsites (signals.callsites) to count "
				  "the stacks of extfrag fallbacks and "
				  "compaction stalls.");
		return;
	}
	kind_line(s, cs, MFD_CALLSITE_EXTFRAG, in->totals);
	kind_line(s, cs, MFD_CALLSITE_COMPACT_STALL, NULL);
	if (!mfd_callsites_ksyms_ok(cs))
		mfd_screen_printf(s, "%s",
				  "(kernel symbols unreadable: kptr_restrict "
				  "or no CAP_SYSLOG; kernel frames are "
				  "addresses)");
	n = mfd_callsites_count(cs);
	if (!n) {
		mfd_screen_printf(s, "%s", "No stack counted since start.");
		return;
	}
	for (size_t i = 0; i < n && i < max; i++) {
		mfd_screen_printf(s, "%s", "");
		stack_rows(s, mfd_callsites_top(cs, i), i + 1);
	}
	if (n > max)
		mfd_screen_printf(s, "(%zu more stacks not shown)", n - max);
}
