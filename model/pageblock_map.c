// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pageblock_map.c - counts and runs over a zone's pageblock migratetypes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pageblock_map.h"

int mfd_pb_zone_resize(struct mfd_pb_zone *z, uint64_t nr)
{
	uint8_t *t;

	if (nr > SIZE_MAX)
		return -ENOMEM;
	if (nr > z->nr_blocks || !z->type) {
		t = realloc(z->type, nr ? (size_t)nr : 1);
		if (!t)
			return -ENOMEM;
		z->type = t;
	}
	z->nr_blocks = nr;
	return 0;
}

void mfd_pb_zone_count(struct mfd_pb_zone *z)
{
	memset(z->count, 0, sizeof(z->count));
	z->offline = 0;
	z->other = 0;
	z->runs = 0;
	for (uint64_t i = 0; i < z->nr_blocks; i++) {
		uint8_t t = z->type[i];

		if (t == MFD_PB_OFFLINE)
			z->offline++;
		else if (t == MFD_PB_OTHER)
			z->other++;
		else if (t < MFD_PB_MAX_TYPES)
			z->count[t]++;
		if (i == 0 || t != z->type[i - 1])
			z->runs++;
	}
}

size_t mfd_pb_zone_runs(const struct mfd_pb_zone *z, uint64_t *pos,
			struct mfd_pb_run *out, size_t cap)
{
	size_t n = 0;
	uint64_t i = *pos;

	while (n < cap && i < z->nr_blocks) {
		uint64_t j = i + 1;

		while (j < z->nr_blocks && z->type[j] == z->type[i])
			j++;
		out[n].type = z->type[i];
		out[n].len = j - i;
		n++;
		i = j;
	}
	*pos = i;
	return n;
}

const struct mfd_pb_zone *mfd_pb_map_zone(const struct mfd_pageblock_map *m,
					  uint32_t node, const char *name)
{
	if (!m)
		return NULL;
	for (uint32_t i = 0; i < m->nr_zones; i++)
		if (m->zones[i].node == node && !strcmp(m->zones[i].name, name))
			return &m->zones[i];
	return NULL;
}

void mfd_pb_map_free(struct mfd_pageblock_map *m)
{
	for (size_t i = 0; i < MFD_SNAP_MAX_ZONES; i++) {
		free(m->zones[i].type);
		m->zones[i].type = NULL;
		m->zones[i].nr_blocks = 0;
	}
	m->nr_zones = 0;
}
