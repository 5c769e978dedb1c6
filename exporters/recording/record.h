/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.h - the recording exporter (--record PATH): every sample and every
 * extfrag event appended to PATH as OTLP/JSON lines (exporters/recording/otlp_json.h),
 * one ExportMetricsServiceRequest or ExportLogsServiceRequest per line,
 * rotated by size with a cap on the number of files. exporters/recording/replay.c reads
 * them back.
 */
#ifndef MFD_RECORD_H
#define MFD_RECORD_H

#include "exporter.h"
#include "recording_settings.h"

/* Whether the settings ask for a recording (a path is set). */
bool mfd_record_enabled(const struct mfd_record_settings *cfg);
int mfd_record_create(const struct mfd_export_ctx *ctx,
		      struct mfd_exporter **out);

#endif /* MFD_RECORD_H */
