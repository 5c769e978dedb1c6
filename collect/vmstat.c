// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmstat.c - /proc/vmstat and mTHP stats counters (see vmstat.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "vmstat.h"

const char *const mfd_vmstat_names[MFD_VM_ITEMS] = {
	[MFD_VM_COMPACT_STALL] = "compact_stall",
	[MFD_VM_COMPACT_FAIL] = "compact_fail",
	[MFD_VM_COMPACT_SUCCESS] = "compact_success",
	[MFD_VM_COMPACT_MIGRATE_SCANNED] = "compact_migrate_scanned",
	[MFD_VM_COMPACT_FREE_SCANNED] = "compact_free_scanned",
	[MFD_VM_COMPACT_ISOLATED] = "compact_isolated",
	[MFD_VM_COMPACT_DAEMON_WAKE] = "compact_daemon_wake",
	[MFD_VM_COMPACT_DAEMON_MIGRATE_SCANNED] =
		"compact_daemon_migrate_scanned",
	[MFD_VM_COMPACT_DAEMON_FREE_SCANNED] = "compact_daemon_free_scanned",
	[MFD_VM_THP_FAULT_ALLOC] = "thp_fault_alloc",
	[MFD_VM_THP_FAULT_FALLBACK] = "thp_fault_fallback",
	[MFD_VM_THP_FAULT_FALLBACK_CHARGE] = "thp_fault_fallback_charge",
	[MFD_VM_THP_COLLAPSE_ALLOC_FAILED] = "thp_collapse_alloc_failed",
	[MFD_VM_PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[MFD_VM_PGMIGRATE_FAIL] = "pgmigrate_fail",
	[MFD_VM_CMA_ALLOC_SUCCESS] = "cma_alloc_success",
	[MFD_VM_CMA_ALLOC_FAIL] = "cma_alloc_fail",
};

const char *const mfd_mthp_names[MFD_MTHP_ITEMS] = {
	[MFD_MTHP_ANON_FAULT_ALLOC] = "anon_fault_alloc",
	[MFD_MTHP_ANON_FAULT_FALLBACK] = "anon_fault_fallback",
	[MFD_MTHP_ANON_FAULT_FALLBACK_CHARGE] = "anon_fault_fallback_charge",
};

int mfd_vmstat_parse_u64(const char *text, size_t len, uint64_t *out)
{
	const char *end = text + len;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	return mfd_parse_u64(text, (size_t)(end - text), UINT64_MAX, out) ?
		       -EINVAL :
		       0;
}

int mfd_vmstat_parse(const char *text, size_t len, struct mfd_vmstat *v,
		     struct mfd_parse_error *err)
{
	const char *p = text, *end = text + len;
	unsigned int line = 0;

	memset(v->val, 0, sizeof(v->val));
	v->have = 0;
	v->nr_allocstall = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *sp, *name = p;
		size_t nlen;
		uint64_t val;

		if (!eol)
			eol = end;
		line++;
		if (eol == p) { /* blank line */
			p = eol + 1;
			continue;
		}
		sp = memchr(p, ' ', (size_t)(eol - p));
		if (!sp || sp == p) {
			mfd_parse_error_set(err, line,
					    "expected \"name value\": \"%.*s\"",
					    mfd_parse_quote_len(p, eol), p);
			return -EINVAL;
		}
		nlen = (size_t)(sp - name);
		if (mfd_parse_u64(sp + 1, (size_t)(eol - sp - 1), UINT64_MAX,
				  &val)) {
			mfd_parse_error_set(err, line,
					    "value is not a decimal u64: "
					    "\"%.*s\"",
					    mfd_parse_quote_len(p, eol), p);
			return -EINVAL;
		}
		for (int i = 0; i < MFD_VM_ITEMS; i++)
			/* the first byte first: it tells most of the ~180
			 * lines apart without a strlen() */
			if (mfd_vmstat_names[i][0] == name[0] &&
			    strlen(mfd_vmstat_names[i]) == nlen &&
			    !memcmp(mfd_vmstat_names[i], name, nlen) &&
			    !((v->have >> i) & 1)) {
				v->val[i] = val;
				v->have |= 1ull << i;
				break;
			}
		if (nlen > 11 && !memcmp(name, "allocstall_", 11) &&
		    nlen - 11 < MFD_VM_ZONE_LEN &&
		    v->nr_allocstall < MFD_VM_MAX_ALLOCSTALL) {
			unsigned int k = v->nr_allocstall++;

			memcpy(v->allocstall[k].zone, name + 11, nlen - 11);
			v->allocstall[k].zone[nlen - 11] = '\0';
			v->allocstall[k].val = val;
		}
		p = eol + 1;
	}
	return 0;
}

int mfd_vmstat_read(struct mfd_procfile *f, const char *proc_dir,
		    struct mfd_vmstat *v, struct mfd_parse_error *err)
{
	struct mfd_procfile once = MFD_PROCFILE_INIT;
	const char *text;
	char path[512];
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/vmstat", proc_dir);
	rc = mfd_procfile_read(f ? f : &once, path, 1 << 20, &text, &len);
	if (rc) {
		if (err) {
			err->line = 0;
			snprintf(err->msg, sizeof(err->msg), "vmstat: %s",
				 strerror(-rc));
		}
	} else {
		rc = mfd_vmstat_parse(text, len, v, err);
	}
	mfd_procfile_close(&once);
	return rc;
}

static int cmp_size(const void *a, const void *b)
{
	const struct mfd_mthp_size *x = a, *y = b;

	return x->size_kib < y->size_kib ? -1 : x->size_kib > y->size_kib;
}

int mfd_mthp_read(const char *thp_dir, struct mfd_vmstat *v)
{
	struct dirent *de;
	DIR *d;

	v->nr_mthp = 0;
	d = opendir(thp_dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) && v->nr_mthp < MFD_MTHP_MAX_SIZES) {
		struct mfd_mthp_size m = { 0 };
		unsigned long long kib;
		char tail[8];

		if (sscanf(de->d_name, "hugepages-%llukB%7s", &kib, tail) != 1)
			continue;
		m.size_kib = kib;
		for (int i = 0; i < MFD_MTHP_ITEMS; i++) {
			char path[768], *buf = NULL;
			size_t len;

			snprintf(path, sizeof(path), "%s/%s/stats/%s", thp_dir,
				 de->d_name, mfd_mthp_names[i]);
			if (mfd_file_read(path, 64, &buf, &len))
				continue; /* absent, not zero */
			if (!mfd_vmstat_parse_u64(buf, len, &m.val[i]))
				m.have |= 1u << i;
			free(buf);
		}
		if (m.have)
			v->mthp[v->nr_mthp++] = m;
	}
	closedir(d);
	qsort(v->mthp, v->nr_mthp, sizeof(v->mthp[0]), cmp_size);
	return (int)v->nr_mthp;
}
