// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_lines.c - the line helpers every view shares: cells, padding,
 * the header line and the "nothing matched" line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "view_lines.h"

void mfd_vline_init(struct mfd_vline *l)
{
	l->buf[0] = '\0';
	l->len = 0;
	l->vis = 0;
}

static void vline_put(struct mfd_vline *l, char c)
{
	if (l->len >= MFD_VLINE_MAX)
		return;
	l->buf[l->len++] = c;
	l->buf[l->len] = '\0';
	if (c != MFD_HL_ON && c != MFD_HL_OFF)
		l->vis++;
}

static void vline_puts(struct mfd_vline *l, const char *str)
{
	for (; *str; str++)
		vline_put(l, *str);
}

void mfd_vline_addf(struct mfd_vline *l, const char *fmt, ...)
{
	char tmp[MFD_VLINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	vline_puts(l, tmp);
}

void mfd_vline_cell(struct mfd_vline *l, const char *text, int w, bool hl)
{
	unsigned int n = (unsigned int)strlen(text);
	unsigned int aw = w < 0 ? (unsigned int)-w : (unsigned int)w;
	unsigned int pad = aw > n ? aw - n : 0;

	if (w > 0)
		for (unsigned int i = 0; i < pad; i++)
			vline_put(l, ' ');
	if (hl)
		vline_put(l, MFD_HL_ON);
	vline_puts(l, text);
	if (hl)
		vline_put(l, MFD_HL_OFF);
	if (w < 0)
		for (unsigned int i = 0; i < pad; i++)
			vline_put(l, ' ');
}

void mfd_vline_pad(struct mfd_vline *l, unsigned int col)
{
	while (l->vis < col && l->len < MFD_VLINE_MAX)
		vline_put(l, ' ');
}

void mfd_vline_emit(struct mfd_screen *s, const struct mfd_vline *l)
{
	mfd_screen_printf(s, "%s", l->buf);
}

bool mfd_view_zone_selected(const struct mfd_view_opts *opts,
			    const struct mfd_zone *z)
{
	if (opts->node_filter >= 0 && z->node != (uint32_t)opts->node_filter)
		return false;
	if (opts->zone_filter && strcasecmp(opts->zone_filter, z->name) != 0)
		return false;
	return true;
}

static const char *plural(uint32_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void mfd_view_header(struct mfd_screen *s, const struct mfd_view_opts *opts,
		     const struct mfd_snapshot *snap, const char *name,
		     const char *extra)
{
	struct mfd_vline l;

	mfd_vline_init(&l);
	mfd_vline_addf(&l, "mfd %s | %s | %u %s, %u %s, %u orders", name,
		       mfd_source_name(snap->source), snap->nr_nodes,
		       plural(snap->nr_nodes, "node", "nodes"), snap->nr_zones,
		       plural(snap->nr_zones, "zone", "zones"),
		       snap->nr_orders);
	if (opts->node_filter >= 0)
		mfd_vline_addf(&l, " | node %d", opts->node_filter);
	if (opts->zone_filter)
		mfd_vline_addf(&l, "%s zone %s",
			       opts->node_filter >= 0 ? "," : " |",
			       opts->zone_filter);
	if (extra)
		mfd_vline_addf(&l, " | %s", extra);
	mfd_vline_emit(s, &l);
}

void mfd_view_no_match(struct mfd_screen *s, const struct mfd_view_opts *opts,
		       const struct mfd_snapshot *snap)
{
	struct mfd_vline l;

	mfd_vline_init(&l);
	mfd_vline_addf(&l, "No zone matches");
	if (opts->node_filter >= 0)
		mfd_vline_addf(&l, " node %d", opts->node_filter);
	if (opts->zone_filter)
		mfd_vline_addf(&l, "%s zone \"%s\"",
			       opts->node_filter >= 0 ? " and" : "",
			       opts->zone_filter);
	mfd_vline_emit(s, &l);
	mfd_vline_init(&l);
	mfd_vline_addf(&l, "zones present:");
	for (uint32_t i = 0; i < snap->nr_zones; i++)
		mfd_vline_addf(&l, " %u:%s", snap->zones[i].node,
			       snap->zones[i].name);
	if (!snap->nr_zones)
		mfd_vline_addf(&l, " none");
	mfd_vline_emit(s, &l);
}
