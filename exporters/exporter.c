// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exporter.c - the registry of exporter kinds and the fan-out helpers.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define LOG_COMPONENT "export"
#include "exporter.h"
#include "http.h"
#include "http_api.h"
#include "log.h"
#include "otlp.h"
#include "record.h"
#include "statsd.h"

/* The HTTP server and the recording read only their own settings. */
static bool http_enabled(const struct mfd_export_settings *set)
{
	return mfd_http_enabled(set->http);
}

/* The listen address, as mfd_http_create parses it. */
static int http_check(const struct mfd_export_settings *set, char *why,
		      size_t why_len)
{
	char host[256];
	uint16_t port;

	return mfd_http_parse_listen(set->http->listen, host, sizeof(host),
				     &port, why, why_len);
}

static bool record_enabled(const struct mfd_export_settings *set)
{
	return mfd_record_enabled(set->record);
}

/* StatsD reads only its own settings. */
static bool statsd_enabled(const struct mfd_export_settings *set)
{
	return mfd_statsd_enabled(set->statsd);
}

static int statsd_check(const struct mfd_export_settings *set, char *why,
			size_t why_len)
{
	return mfd_statsd_check(set->statsd, why, why_len);
}

/* Each exporter adds its row here. */
const struct mfd_exporter_kind mfd_exporter_kinds[] = {
	{ "otlp", mfd_otlp_enabled, mfd_otlp_check, mfd_otlp_create },
	{ "statsd", statsd_enabled, statsd_check, mfd_statsd_create },
	{ "http", http_enabled, http_check, mfd_http_create },
	{ "record", record_enabled, NULL, mfd_record_create },
	{ 0 },
};

int mfd_exporters_check(const struct mfd_export_settings *set, char *why,
			size_t why_len)
{
	for (const struct mfd_exporter_kind *k = mfd_exporter_kinds; k->name;
	     k++) {
		char what[512];
		int err;

		if (!k->check || !k->enabled(set))
			continue;
		what[0] = '\0';
		err = k->check(set, what, sizeof(what));
		if (err) {
			snprintf(why, why_len, "%s exporter: %s", k->name,
				 what[0] ? what : strerror(-err));
			return err;
		}
	}
	return 0;
}

int mfd_exporters_start(const struct mfd_export_ctx *ctx,
			struct mfd_exporter **list)
{
	struct mfd_exporter **tail = list;

	*list = NULL;
	for (const struct mfd_exporter_kind *k = mfd_exporter_kinds; k->name;
	     k++) {
		struct mfd_exporter *e = NULL;
		int err;

		if (!k->enabled(ctx->set))
			continue;
		err = k->create(ctx, &e);
		if (err) {
			log_error("starting the %s exporter failed", k->name);
			mfd_exporters_destroy(*list);
			*list = NULL;
			return err;
		}
		if (!e)
			continue; /* declined, having said why */
		*tail = e;
		tail = &e->next;
		log_debug("%s exporter started", k->name);
	}
	return 0;
}

void mfd_exporters_on_sample(struct mfd_exporter *list,
			     const struct mfd_state *st)
{
	for (struct mfd_exporter *e = list; e; e = e->next)
		if (e->ops->on_sample)
			e->ops->on_sample(e, st);
}

void mfd_exporters_on_event(struct mfd_exporter *list,
			    const struct mfd_state *st,
			    const struct mfd_extfrag_event *ev)
{
	for (struct mfd_exporter *e = list; e; e = e->next)
		if (e->ops->on_event)
			e->ops->on_event(e, st, ev);
}

int mfd_exporters_reload(struct mfd_exporter **list,
			 const struct mfd_export_ctx *ctx)
{
	int refused = 0;

	for (const struct mfd_exporter_kind *k = mfd_exporter_kinds; k->name;
	     k++) {
		bool want = k->enabled(ctx->set);
		struct mfd_exporter **pp = list, *e;

		while (*pp && strcmp((*pp)->ops->name, k->name))
			pp = &(*pp)->next;
		e = *pp;
		if (e && want) {
			if (e->ops->reload && e->ops->reload(e, ctx->set)) {
				log_warn("%s exporter kept its old settings",
					 k->name);
				refused++;
			}
		} else if (e) {
			/* Stopping would drop what it still holds (queued
			 * batches, a half-sent export): not on a signal. */
			log_warn("SIGHUP: the %s exporter is no longer "
				 "configured; it stops at the next start",
				 k->name);
			refused++;
		} else if (want) {
			/* Turned on: start it now. A failure leaves the
			 * running agent as it was. */
			if (k->create(ctx, &e)) {
				log_error("SIGHUP: starting the %s exporter "
					  "failed; running without it",
					  k->name);
				refused++;
			} else if (e) {
				*pp = e; /* appended: pp is the list's tail */
				log_info("SIGHUP: %s exporter started",
					 k->name);
			}
		}
	}
	return refused;
}

void mfd_exporters_flush(struct mfd_exporter *list, const struct mfd_state *st)
{
	for (struct mfd_exporter *e = list; e; e = e->next)
		if (e->ops->flush)
			e->ops->flush(e, st);
}

bool mfd_exporters_busy(struct mfd_exporter *list)
{
	for (struct mfd_exporter *e = list; e; e = e->next)
		if (e->ops->busy && e->ops->busy(e))
			return true;
	return false;
}

void mfd_exporters_destroy(struct mfd_exporter *list)
{
	while (list) {
		struct mfd_exporter *next = list->next;

		if (list->ops->destroy)
			list->ops->destroy(list);
		list = next;
	}
}

void mfd_exporters_publish(const struct mfd_exporter *list,
			   struct mfd_state *st)
{
	unsigned int n = 0;

	for (const struct mfd_exporter *e = list;
	     e && n < MFD_STATE_MAX_EXPORTERS; e = e->next)
		st->exports[n++] = (struct mfd_export_source){
			.name = e->ops->name,
			.stats = &e->stats,
		};
	st->nr_exports = n;
}
