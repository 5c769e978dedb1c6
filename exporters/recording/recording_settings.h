/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recording_settings.h - what --record (record.c) and --replay (replay.c,
 * opened by the daemon) read from the configuration, and the option rows
 * that fill them. The recording folder owns both: the daemon places
 * MFD_RECORD_OPTION_ROWS() and MFD_REPLAY_OPTION_ROWS() in the agent's
 * table at the offsets where it keeps the two structs, so flags, keys,
 * variables and --help come from these rows without the exporter seeing
 * the daemon's config.
 */
#ifndef MFD_RECORDING_SETTINGS_H
#define MFD_RECORDING_SETTINGS_H

#include <stddef.h>

#include "options.h"

struct mfd_record_settings {
	char *path; /* --record: OTLP/JSON lines file, or NULL */
	int max_bytes; /* rotate the recording past this size */
	int max_files; /* recording files kept, the live one included */
	int max_events; /* extfrag log records per sample interval */
};

struct mfd_replay_settings {
	char *path; /* --replay: recording to read, or NULL */
	double speed; /* 1 recorded pace, N times faster, 0 at once */
	bool hold; /* keep running after the last replayed sample */
	char *at; /* --replay-at: start at this time, or NULL */
};

/* The rows alone, relative to base, the offset of the struct in whatever
 * the table fills. Macros rather than tables so the daemon keeps one
 * contiguous table in the order --help and config/mfd.yaml have always
 * had. */
#define MFD_RECORD_OFF_(base, f) \
	((base) + offsetof(struct mfd_record_settings, f))
#define MFD_RECORD_OPTION_ROWS(base)                                                 \
	{ .name = "record",                                                          \
	  .key = "record.path",                                                      \
	  .type = MFD_OPT_STRING,                                                    \
	  .offset = MFD_RECORD_OFF_(base, path),                                     \
	  .def = "",                                                                 \
	  .arg = "PATH",                                                             \
	  .help = "append every sample and extfrag event to PATH as "                \
		  "OTLP/JSON lines (PATH.mfdz: each compressed against the "         \
		  "one before, about 1/30 the size)" },                              \
		{ .name = "record-max-bytes",                                        \
		  .key = "record.max_bytes",                                         \
		  .type = MFD_OPT_INT,                                               \
		  .offset = MFD_RECORD_OFF_(base, max_bytes),                        \
		  .def = "16777216",                                                 \
		  .min = 1024,                                                       \
		  .max = 2147483647,                                                 \
		  .arg = "BYTES",                                                    \
		  .help = "rotate the recording to PATH.1 when it would grow past "  \
			  "this" },                                                  \
		{ .name = "record-max-files",                                        \
		  .key = "record.max_files",                                         \
		  .type = MFD_OPT_INT,                                               \
		  .offset = MFD_RECORD_OFF_(base, max_files),                        \
		  .def = "8",                                                        \
		  .min = 1,                                                          \
		  .max = 1000,                                                       \
		  .arg = "N",                                                        \
		  .help = "recording files kept (PATH, PATH.1 .. PATH.N-1); the "    \
			  "oldest goes" },                                           \
	{                                                                            \
		.name = "record-max-events", .key = "record.max_events",             \
		.type = MFD_OPT_INT,                                                 \
		.offset = MFD_RECORD_OFF_(base, max_events), .def = "1000",          \
		.min = 0, .max = 1000000, .arg = "N",                                \
		.help = "extfrag events recorded per interval; more are counted as " \
			"dropped"                                                    \
	}

#define MFD_REPLAY_OFF_(base, f) \
	((base) + offsetof(struct mfd_replay_settings, f))
#define MFD_REPLAY_OPTION_ROWS(base)                                                 \
	{ .name = "replay",                                                          \
	  .key = "replay.path",                                                      \
	  .type = MFD_OPT_STRING,                                                    \
	  .offset = MFD_REPLAY_OFF_(base, path),                                     \
	  .def = "",                                                                 \
	  .arg = "PATH",                                                             \
	  .help = "read samples from a --record file instead of the "                \
		  "kernel" },                                                        \
		{ .name = "replay-speed",                                            \
		  .key = "replay.speed",                                             \
		  .type = MFD_OPT_DOUBLE,                                            \
		  .offset = MFD_REPLAY_OFF_(base, speed),                            \
		  .def = "1",                                                        \
		  .min = 0,                                                          \
		  .max = 1000000,                                                    \
		  .arg = "X",                                                        \
		  .help = "1: recorded pace, X: X times faster, 0: as fast as "      \
			  "possible" },                                              \
		{ .name = "replay-at",                                               \
		  .key = "replay.at",                                                \
		  .type = MFD_OPT_STRING,                                            \
		  .offset = MFD_REPLAY_OFF_(base, at),                               \
		  .def = "",                                                         \
		  .arg = "TIME",                                                     \
		  .help = "start the replay (and --once) at the first sample at or " \
			  "after TIME: unix seconds or 2026-11-27T04:23:51Z",        \
		  .example = "2026-11-27T04:23:51Z" },                               \
	{                                                                            \
		.name = "replay-hold", .key = "replay.hold",                         \
		.type = MFD_OPT_FLAG, .offset = MFD_REPLAY_OFF_(base, hold),         \
		.help = "keep running on the last sample when the recording ends"    \
	}

/* The folder's own tables: the rows above over a bare struct,
 * NULL-terminated. */
extern const struct mfd_option mfd_record_options[];
extern const struct mfd_option mfd_replay_options[];

#endif /* MFD_RECORDING_SETTINGS_H */
