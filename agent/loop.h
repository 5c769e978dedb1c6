/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loop.h - the agent's libevent loop: snapshot timer, extfrag ring buffer,
 * signals, keyboard.
 */
#ifndef MFD_LOOP_H
#define MFD_LOOP_H

#include "collector.h"
#include "config.h"
#include "kinfo.h"

/*
 * Run until SIGINT/SIGTERM, 'q', or --duration. The collector must be open;
 * extfrag events are attached here unless cfg->no_events. Returns the
 * process exit status (0 clean, 1 on a runtime failure).
 */
int mfd_loop_run(const struct mfd_config *cfg, const struct mfd_kinfo *k,
		 struct mfd_collector *col);

#endif /* MFD_LOOP_H */
