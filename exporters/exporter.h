/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exporter.h - the vtable every exporter implements (OTLP, Prometheus and
 * the dashboard, StatsD, recordings), and the registry the loop drives.
 *
 * The loop calls, in its one thread:
 *   on_sample  after each snapshot, with the state updated;
 *   on_event   for each extfrag record drained (the state already has it);
 *   reload     on SIGHUP with a validated new config (non-zero keeps old);
 *   flush      once on SIGTERM, after a final sample: start the last send;
 *   busy       polled until false or the shutdown deadline passes;
 *   destroy    last.
 * Any hook may be NULL. No hook may block: network and disk work is driven
 * by the libevent base given at creation.
 */
#ifndef MFD_EXPORTER_H
#define MFD_EXPORTER_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

#include "state.h"

struct mfd_exporter;
struct mfd_otlp_settings;
struct mfd_http_settings;
struct mfd_statsd_settings;
struct mfd_record_settings;

/*
 * What the exporters read of the configuration: each its own settings
 * (declared in its folder, filled from its option rows), and where an
 * option's value came from. The daemon fills it from its struct
 * mfd_config (mfd_config_export_settings()), so no exporter sees the
 * daemon's configuration.
 */
struct mfd_export_settings {
	const struct mfd_otlp_settings *otlp;
	const struct mfd_http_settings *http;
	const struct mfd_statsd_settings *statsd;
	const struct mfd_record_settings *record;
	/* Whether the option with this key (e.g. "otlp.endpoint") was given
	 * as a command-line flag, which outranks the environment. */
	bool (*from_flag)(const void *origin_ctx, const char *key);
	const void *origin_ctx;
};

struct mfd_exporter_ops {
	const char *name; /* "otlp", "prometheus", "statsd", "record" */
	void (*on_sample)(struct mfd_exporter *e, const struct mfd_state *st);
	void (*on_event)(struct mfd_exporter *e, const struct mfd_state *st,
			 const struct mfd_extfrag_event *ev);
	int (*reload)(struct mfd_exporter *e,
		      const struct mfd_export_settings *set);
	void (*flush)(struct mfd_exporter *e, const struct mfd_state *st);
	bool (*busy)(struct mfd_exporter *e);
	void (*destroy)(struct mfd_exporter *e);
};

struct mfd_exporter {
	const struct mfd_exporter_ops *ops;
	struct mfd_export_stats stats; /* published as mfd.agent.export.* */
	void *priv; /* the exporter's own state */
	struct mfd_exporter *next;
};

/* What an exporter gets when it is created. */
struct mfd_export_ctx {
	struct event_base *base;
	const struct mfd_export_settings *set;
	struct mfd_state *state;
};

/*
 * One row per exporter kind: enabled() says whether set asks for it;
 * create() builds it (0, or -errno after logging why). A create failure
 * is fatal at start-up: a user who asked for an exporter must know. An
 * exporter that is on only by default may decline instead: it logs why,
 * sets *out to NULL and returns 0. destroy() frees the exporter itself.
 * Exporters copy what they need from set: SIGHUP replaces it.
 */
struct mfd_exporter_kind {
	const char *name;
	bool (*enabled)(const struct mfd_export_settings *set);
	/* Validate set (and the environment it reads) as create would,
	 * with no side effect: 0, or -EINVAL with why[] saying what is
	 * wrong. NULL: nothing to check before create. */
	int (*check)(const struct mfd_export_settings *set, char *why,
		     size_t why_len);
	int (*create)(const struct mfd_export_ctx *ctx,
		      struct mfd_exporter **out);
};

extern const struct mfd_exporter_kind mfd_exporter_kinds[];

/* Run the check of every enabled exporter: --check-config and a start
 * share it, so both refuse the same settings with exit 2. 0, or -EINVAL
 * (-ENOMEM) with why[] naming the exporter and the problem. */
int mfd_exporters_check(const struct mfd_export_settings *set, char *why,
			size_t why_len);

/* Create every enabled exporter, linked in order into *list. 0 or -errno
 * (what was created is destroyed again). */
int mfd_exporters_start(const struct mfd_export_ctx *ctx,
			struct mfd_exporter **list);
void mfd_exporters_on_sample(struct mfd_exporter *list,
			     const struct mfd_state *st);
void mfd_exporters_on_event(struct mfd_exporter *list,
			    const struct mfd_state *st,
			    const struct mfd_extfrag_event *ev);
/* SIGHUP with ctx->set the new configuration: running exporters reload;
 * one the new configuration turns on is created and appended to *list
 * (a failure is logged, and the agent runs on without it); one it turns
 * off keeps running until the next start, with a warning. Returns how
 * many could not follow the new configuration. */
int mfd_exporters_reload(struct mfd_exporter **list,
			 const struct mfd_export_ctx *ctx);
void mfd_exporters_flush(struct mfd_exporter *list, const struct mfd_state *st);
bool mfd_exporters_busy(struct mfd_exporter *list);
void mfd_exporters_destroy(struct mfd_exporter *list);
/* Point st at the statistics of every exporter in list (after a start or
 * a reload), so the metric catalogue publishes them. */
void mfd_exporters_publish(const struct mfd_exporter *list,
			   struct mfd_state *st);

#endif /* MFD_EXPORTER_H */
