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
 * Run until SIGINT/SIGTERM, 'q', or --duration. The collector must be open
 * and first must be the snapshot it just took (shown at once, so start-up
 * does not sample twice); extfrag events are attached here unless
 * cfg->no_events, and the exporters cfg enables are started. SIGHUP
 * replaces *cfg with a reloaded one (mfd_config_reload()). On SIGTERM a
 * final sample is flushed to every exporter, waiting at most
 * cfg->shutdown_timeout. Returns the exit status (0 clean, 1 runtime
 * failure).
 */
int mfd_loop_run(struct mfd_config *cfg, const struct mfd_kinfo *k,
		 struct mfd_collector *col, const struct mfd_snapshot *first);

#endif /* MFD_LOOP_H */
