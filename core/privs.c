// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privs.c - drop capabilities after the BPF programs are loaded
 * (see privs.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <cap-ng.h>
#include <linux/capability.h>

#define LOG_COMPONENT "privs"
#include "log.h"
#include "privs.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* mfd_privs_also_keep(): kept in every set below (< 0: none). */
static int also = -1;
static const char *also_why;

void mfd_privs_also_keep(int cap, const char *why)
{
	also = cap;
	also_why = why;
}

static void add_also(unsigned int sets)
{
	if (also >= 0 &&
	    capng_have_capability(CAPNG_PERMITTED, (unsigned int)also))
		capng_update(CAPNG_ADD, sets, (unsigned int)also);
}

/* Permitted and effective = exactly {keep, keep2, also} (< 0: none). */
static int set_caps2(int keep, int keep2)
{
	bool had_also = also >= 0 && capng_have_capability(CAPNG_PERMITTED,
							   (unsigned int)also);

	capng_clear(CAPNG_SELECT_CAPS);
	if (had_also)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			     (unsigned int)also);
	if (keep >= 0 &&
	    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			 (unsigned int)keep))
		return -EINVAL;
	if (keep2 >= 0 &&
	    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			 (unsigned int)keep2))
		return -EINVAL;
	return capng_apply(CAPNG_SELECT_CAPS) ? -EPERM : 0;
}

static int set_caps(int keep)
{
	return set_caps2(keep, -1);
}

/* Effective = exactly {keep, keep2} (< 0: none); permitted unchanged, so
 * a failed try can be followed by another. */
static int set_effective2(int keep, int keep2)
{
	for (unsigned int c = 0; c <= CAP_LAST_CAP; c++)
		capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, c);
	if (keep >= 0)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE, (unsigned int)keep);
	if (keep2 >= 0)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE, (unsigned int)keep2);
	add_also(CAPNG_EFFECTIVE);
	return capng_apply(CAPNG_SELECT_CAPS) ? -EPERM : 0;
}

int mfd_privs_drop(mfd_privs_check_fn check, void *arg, char *kept,
		   size_t kept_len)
{
	bool had_bpf, had_admin, had_syslog;
	void *saved = NULL;
	int keep = -1, keep2 = -1, err = 0;

	snprintf(kept, kept_len, "none");
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process())
		return -errno ? -errno : -EPERM;
	if (capng_have_permitted_capabilities() == CAPNG_NONE) {
		snprintf(kept, kept_len, "none (started without any)");
		goto nnp;
	}
	had_bpf = capng_have_capability(CAPNG_PERMITTED, CAP_BPF);
	had_admin = capng_have_capability(CAPNG_PERMITTED, CAP_SYS_ADMIN);
	had_syslog = capng_have_capability(CAPNG_PERMITTED, CAP_SYSLOG);
	saved = capng_save_state();
	if (!saved)
		return -ENOMEM;

	/* Measure: effective set empty, permitted kept so we can go back. */
	for (unsigned int c = 0; c <= CAP_LAST_CAP; c++)
		capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, c);
	add_also(CAPNG_EFFECTIVE);
	if (capng_apply(CAPNG_SELECT_CAPS)) {
		err = -EPERM;
		goto out;
	}
	if (check && check(arg)) {
		/* Reading the kernel log with syslog(2) needs CAP_SYSLOG on
		 * every call (kernel.dmesg_restrict=1); and this kernel may
		 * still check capabilities on every bpf() command (before
		 * 6.5, with unprivileged BPF disabled). Try the smallest
		 * set that works. */
		const int bpf = had_bpf	  ? CAP_BPF :
				had_admin ? CAP_SYS_ADMIN :
					    -1;
		const int sys = had_syslog ? CAP_SYSLOG : -1;
		const int tries[][2] = { { sys, -1 },
					 { bpf, -1 },
					 { bpf, sys } };
		bool ok = false;

		for (size_t i = 0; i < 3 && !ok; i++) {
			keep = tries[i][0];
			keep2 = tries[i][1];
			if (keep < 0 || (i == 2 && keep2 < 0))
				continue;
			ok = !set_effective2(keep, keep2) && !check(arg);
		}
		if (!ok || set_caps2(keep, keep2)) {
			/* Put everything back: correctness beats least
			 * privilege, and say so. */
			capng_restore_state(&saved); /* frees it */
			capng_apply(CAPNG_SELECT_CAPS);
			log_warn("kept every capability: the BPF work of one "
				 "interval fails with fewer");
			snprintf(kept, kept_len, "all it had");
			return -EPERM;
		}
		snprintf(kept, kept_len, "%s%s%s",
			 keep == CAP_SYSLOG ? "CAP_SYSLOG (syslog(2) reads "
					      "of the kernel log)" :
			 keep == CAP_BPF    ? "CAP_BPF (this kernel checks it "
					      "on every bpf() command)" :
					      "CAP_SYS_ADMIN (this kernel checks "
					      "it on every bpf() command)",
			 keep2 >= 0 ? ", " : "",
			 keep2 >= 0 ? "CAP_SYSLOG (syslog(2) reads of the "
				      "kernel log)" :
				      "");
	} else if (set_caps(-1)) {
		err = -EPERM;
		goto out;
	}
	if (also >= 0 &&
	    capng_have_capability(CAPNG_EFFECTIVE, (unsigned int)also)) {
		size_t l = strlen(kept);

		if (!strcmp(kept, "none"))
			l = 0;
		snprintf(kept + l, kept_len - l, "%s%s", l ? ", " : "",
			 also_why ? also_why : "one more");
	}
nnp:
	/* Nothing exec'd from here may regain what was dropped. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		log_debug("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
out:
	free(saved);
	return err;
}
