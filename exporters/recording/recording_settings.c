// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * recording_settings.c - the option tables of --record and --replay.
 */
#include "recording_settings.h"

const struct mfd_option mfd_record_options[] = {
	MFD_RECORD_OPTION_ROWS(0),
	{ 0 },
};

const struct mfd_option mfd_replay_options[] = {
	MFD_REPLAY_OPTION_ROWS(0),
	{ 0 },
};
