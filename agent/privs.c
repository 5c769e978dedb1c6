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

/* Permitted and effective = exactly {keep} (keep < 0: nothing). */
static int set_caps(int keep)
{
	capng_clear(CAPNG_SELECT_CAPS);
	if (keep >= 0 &&
	    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			 (unsigned int)keep))
		return -EINVAL;
	return capng_apply(CAPNG_SELECT_CAPS) ? -EPERM : 0;
}

int mfd_privs_drop(mfd_privs_check_fn check, void *arg, char *kept,
		   size_t kept_len)
{
	bool had_bpf, had_admin;
	void *saved = NULL;
	int keep = -1, err = 0;

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
	saved = capng_save_state();
	if (!saved)
		return -ENOMEM;

	/* Measure: effective set empty, permitted kept so we can go back. */
	for (unsigned int c = 0; c <= CAP_LAST_CAP; c++)
		capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, c);
	if (capng_apply(CAPNG_SELECT_CAPS)) {
		err = -EPERM;
		goto out;
	}
	if (check && check(arg)) {
		/* This kernel still checks capabilities on every bpf()
		 * command (before 6.5, with unprivileged BPF disabled). */
		keep = had_bpf ? CAP_BPF : had_admin ? CAP_SYS_ADMIN : -1;
		if (keep < 0 || set_caps(keep) || check(arg)) {
			/* Put everything back: correctness beats least
			 * privilege, and say so. */
			capng_restore_state(&saved); /* frees it */
			capng_apply(CAPNG_SELECT_CAPS);
			log_warn("kept every capability: the BPF work of one "
				 "interval fails with fewer");
			snprintf(kept, kept_len, "all it had");
			return -EPERM;
		}
		snprintf(kept, kept_len,
			 "%s (this kernel checks it on every "
			 "bpf() command)",
			 keep == CAP_BPF ? "CAP_BPF" : "CAP_SYS_ADMIN");
	} else if (set_caps(-1)) {
		err = -EPERM;
		goto out;
	}
nnp:
	/* Nothing exec'd from here may regain what was dropped. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		log_debug("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
out:
	free(saved);
	return err;
}
