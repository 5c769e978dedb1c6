// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statsd_encode.c - StatsD lines and packets from metric points (see
 * statsd_encode.h). Pure: memory only, no I/O, no clocks.
 *
 * Two properties of the reference daemon (Etsy statsd, stats.js) shape the
 * bytes:
 *  - a gauge value starting with '-' or '+' is applied as a change to the
 *    held gauge, not as a new value, whenever the daemon already holds a
 *    non-zero value. A negative gauge (extfrag_index is -1 when an
 *    allocation would succeed) is therefore sent as "name:0|g" followed by
 *    "name:-1|g", the two lines kept in one packet;
 *  - keys keep only [A-Za-z0-9_.;=-] and lines split on '\n', ':', '|',
 *    '#' and ','; every name part and tag we write is limited to
 *    [A-Za-z0-9_.-] (values in the untagged style lose '.' too, so a value
 *    never adds a level to the hierarchy).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostport.h"
#include "statsd_encode.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int statsd_sanitize(char *dst, size_t dstlen, const char *src, bool keep_dot)
{
	size_t i;

	for (i = 0; src[i]; i++) {
		if (i + 1 >= dstlen)
			return -1;
		dst[i] = name_char(src[i]) || (keep_dot && src[i] == '.') ?
				 src[i] :
				 '_';
	}
	if (dstlen == 0)
		return -1;
	dst[i] = '\0';
	return (int)i;
}

int statsd_encoder_configure(struct statsd_encoder *enc,
			     enum statsd_tag_style style, const char *prefix,
			     size_t mtu)
{
	size_t n = prefix ? strlen(prefix) : 0;

	if (n > STATSD_PREFIX_MAX || mtu < 16 ||
	    (style != STATSD_TAGS_NONE && style != STATSD_TAGS_DOGSTATSD &&
	     style != STATSD_TAGS_GRAPHITE))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!name_char(prefix[i]) && prefix[i] != '.')
			return -EINVAL;
	enc->style = style;
	memcpy(enc->prefix, prefix ? prefix : "", n);
	enc->prefix[n] = '\0';
	enc->mtu = mtu;
	return 0;
}

int statsd_encoder_init(struct statsd_encoder *enc, enum statsd_tag_style style,
			const char *prefix, size_t mtu)
{
	memset(enc, 0, sizeof(*enc));
	return statsd_encoder_configure(enc, style, prefix, mtu);
}

void statsd_encoder_free(struct statsd_encoder *enc)
{
	for (size_t i = 0; i < enc->series_cap; i++)
		free(enc->series[i].key);
	free(enc->series);
	free(enc->buf);
	free(enc->pkt_off);
	free(enc->pkt_lines);
	memset(enc, 0, sizeof(*enc));
}

/* --- the counter series table ---------------------------------------------*/

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct statsd_series *slot_for(struct statsd_series *tab, size_t cap,
				      const char *key)
{
	size_t i = (size_t)hash_str(key) & (cap - 1);

	while (tab[i].key && strcmp(tab[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Rebuild into newcap slots, keeping series seen at or after min_gen. */
static int series_rebuild(struct statsd_encoder *enc, size_t newcap,
			  uint64_t min_gen)
{
	struct statsd_series *tab = calloc(newcap, sizeof(*tab));
	size_t len = 0;

	if (!tab)
		return -ENOMEM;
	for (size_t i = 0; i < enc->series_cap; i++) {
		struct statsd_series *s = &enc->series[i];

		if (!s->key)
			continue;
		if (s->gen < min_gen) {
			free(s->key);
			continue;
		}
		*slot_for(tab, newcap, s->key) = *s;
		len++;
	}
	free(enc->series);
	enc->series = tab;
	enc->series_cap = newcap;
	enc->series_len = len;
	return 0;
}

/* The slot for key, inserted when new (*is_new set). NULL when the table
 * is full or memory ran out. The table holds at most STATSD_MAX_SERIES
 * keys at a load of at most one half. */
static struct statsd_series *series_get(struct statsd_encoder *enc,
					const char *key, bool *is_new)
{
	struct statsd_series *s;

	if ((enc->series_len + 1) * 2 > enc->series_cap) {
		size_t cap = enc->series_cap ? enc->series_cap * 2 : 256;

		if (cap > 2 * (size_t)STATSD_MAX_SERIES) {
			/* Full: forget what was not seen this time or last. */
			cap = enc->series_cap;
			if (series_rebuild(enc, cap, enc->gen - 1))
				return NULL;
			if ((enc->series_len + 1) * 2 > cap)
				return NULL;
		} else if (series_rebuild(enc, cap, 0)) {
			return NULL;
		}
	}
	s = slot_for(enc->series, enc->series_cap, key);
	*is_new = !s->key;
	if (!s->key) {
		s->key = strdup(key);
		if (!s->key)
			return NULL;
		enc->series_len++;
	}
	s->gen = enc->gen;
	return s;
}

/* --- packets ----------------------------------------------------------------*/

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

/* Close the open packet, if it has anything in it. */
static int close_packet(struct statsd_encoder *enc)
{
	size_t cap = enc->pkts_cap;

	if (enc->buf_len == enc->pkt_off[enc->npkts])
		return 0;
	/* pkt_off and pkt_lines grow together. */
	if (grow((void **)&enc->pkt_off, &cap, enc->npkts + 2,
		 sizeof(*enc->pkt_off)))
		return -ENOMEM;
	cap = enc->pkts_cap;
	if (grow((void **)&enc->pkt_lines, &cap, enc->npkts + 2,
		 sizeof(*enc->pkt_lines)))
		return -ENOMEM;
	enc->pkts_cap = cap;
	enc->pkt_lines[enc->npkts] = (uint32_t)enc->cur_lines;
	enc->npkts++;
	enc->pkt_off[enc->npkts] = enc->buf_len;
	enc->cur_lines = 0;
	return 0;
}

/* Append one unit (one or two lines that must stay together). */
static int add_unit(struct statsd_encoder *enc, const char *u, size_t len)
{
	size_t open = enc->buf_len - enc->pkt_off[enc->npkts];

	if (open && open + 1 + len > enc->mtu && close_packet(enc))
		return -ENOMEM;
	open = enc->buf_len - enc->pkt_off[enc->npkts];
	if (grow((void **)&enc->buf, &enc->buf_cap, enc->buf_len + len + 1, 1))
		return -ENOMEM;
	if (open)
		enc->buf[enc->buf_len++] = '\n';
	memcpy(enc->buf + enc->buf_len, u, len);
	enc->buf_len += len;
	enc->cur_lines++;
	enc->lines++;
	if (len > enc->mtu) {
		enc->oversize++;
		return close_packet(enc);
	}
	return 0;
}

void statsd_encoder_begin(struct statsd_encoder *enc)
{
	size_t cap = enc->pkts_cap;

	enc->gen++;
	enc->buf_len = 0;
	enc->npkts = 0;
	enc->cur_lines = 0;
	enc->lines = enc->oversize = enc->drop_encode = enc->resets = 0;
	enc->unchanged = 0;
	if (grow((void **)&enc->pkt_off, &cap, 2, sizeof(*enc->pkt_off)) == 0) {
		cap = enc->pkts_cap;
		if (grow((void **)&enc->pkt_lines, &cap, 2,
			 sizeof(*enc->pkt_lines)) == 0)
			enc->pkts_cap = cap;
	}
	if (enc->pkt_off)
		enc->pkt_off[0] = 0;
}

void statsd_encoder_end(struct statsd_encoder *enc)
{
	if (enc->pkt_off && close_packet(enc))
		enc->drop_encode++;
}

const char *statsd_encoder_packet(const struct statsd_encoder *enc, size_t k,
				  size_t *len, uint32_t *lines)
{
	if (k >= enc->npkts)
		return NULL;
	*len = enc->pkt_off[k + 1] - enc->pkt_off[k];
	if (lines)
		*lines = enc->pkt_lines[k];
	return enc->buf + enc->pkt_off[k];
}

/* --- lines --------------------------------------------------------------- */

/* A bounded string builder; ok turns false on overflow. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool ok;
};

__attribute__((format(printf, 2, 3))) static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->ok)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->ok = false;
		return;
	}
	b->len += (size_t)n;
}

static void sb_clean(struct sbuf *b, const char *s, bool keep_dot)
{
	int n;

	if (!b->ok)
		return;
	n = statsd_sanitize(b->p + b->len, b->cap - b->len, s, keep_dot);
	if (n < 0)
		b->ok = false;
	else
		b->len += (size_t)n;
}

/* The last component of an attribute key: "numa.node" -> "node". */
static const char *key_leaf(const char *key)
{
	const char *dot = strrchr(key, '.');

	return dot ? dot + 1 : key;
}

/* Metric name: prefix + OTel name without "mfd." + suffix, then (style
 * none) one component per attribute. */
static void render_name(struct sbuf *b, const struct statsd_encoder *enc,
			const struct mfd_point *p, const char *suffix)
{
	const char *name = p->desc->name;

	if (strncmp(name, "mfd.", 4) == 0)
		name += 4;
	sb_printf(b, "%s", enc->prefix);
	sb_clean(b, name, true);
	if (suffix)
		sb_printf(b, ".%s", suffix);
	if (enc->style != STATSD_TAGS_NONE)
		return;
	for (unsigned int i = 0; i < p->nattrs; i++) {
		const struct mfd_attr *a = &p->attrs[i];

		sb_printf(b, ".");
		switch (a->type) {
		case MFD_ATTR_STR:
			sb_clean(b, a->s ? a->s : "", false);
			break;
		case MFD_ATTR_INT:
			sb_clean(b, key_leaf(a->key), false);
			sb_printf(b, "%" PRId64, a->i);
			break;
		case MFD_ATTR_BOOL:
			if (!a->i)
				sb_printf(b, "not_");
			sb_clean(b, key_leaf(a->key), false);
			break;
		}
	}
}

/* Tags in the DogStatsD ("k:v,k:v") or Graphite (";k=v;k=v") style. */
static void render_tags(struct sbuf *b, const struct statsd_encoder *enc,
			const struct mfd_point *p)
{
	const char *kv = enc->style == STATSD_TAGS_GRAPHITE ? "=" : ":";

	if (enc->style == STATSD_TAGS_NONE)
		return;
	for (unsigned int i = 0; i < p->nattrs; i++) {
		const struct mfd_attr *a = &p->attrs[i];

		if (enc->style == STATSD_TAGS_GRAPHITE)
			sb_printf(b, ";");
		else if (i)
			sb_printf(b, ",");
		sb_clean(b, a->key, true);
		sb_printf(b, "%s", kv);
		switch (a->type) {
		case MFD_ATTR_STR:
			sb_clean(b, a->s ? a->s : "", true);
			break;
		case MFD_ATTR_INT:
			sb_printf(b, "%" PRId64, a->i);
			break;
		case MFD_ATTR_BOOL:
			sb_printf(b, "%s", a->i ? "true" : "false");
			break;
		}
	}
}

/* One line "<name><tags>:<value>|<type>" with the tag style applied. */
static void render_line(struct sbuf *b, const struct statsd_encoder *enc,
			const char *name, const char *tags, const char *value,
			const char *type)
{
	switch (enc->style) {
	case STATSD_TAGS_NONE:
		sb_printf(b, "%s:%s|%s", name, value, type);
		break;
	case STATSD_TAGS_DOGSTATSD:
		sb_printf(b, "%s:%s|%s%s%s", name, value, type,
			  *tags ? "|#" : "", tags);
		break;
	case STATSD_TAGS_GRAPHITE:
		sb_printf(b, "%s%s:%s|%s", name, tags, value, type);
		break;
	}
}

static void fmt_value(char *out, size_t len, bool is_double, int64_t i,
		      double d)
{
	if (is_double)
		snprintf(out, len, "%.15g", d);
	else
		snprintf(out, len, "%" PRId64, i);
}

/* The series of name and tags, as rendered, so a change of prefix or
 * style starts new series. NULL when the table is full. */
static struct statsd_series *series_of(struct statsd_encoder *enc,
				       const char *name, const char *tags,
				       bool *is_new)
{
	char key[2 * STATSD_LINE_MAX + 2];

	snprintf(key, sizeof(key), "%s|%s", name, tags);
	return series_get(enc, key, is_new);
}

/* A counter's cumulative value in *iv or *dv becomes the increase since
 * the previous encode. Nonzero when there is no line to send: the series
 * table is full, or (changed_only) nothing was added. */
static int counter_delta(struct statsd_encoder *enc, const char *name,
			 const char *tags, bool is_double, int64_t *iv,
			 double *dv)
{
	bool is_new = false, zero;
	struct statsd_series *s = series_of(enc, name, tags, &is_new);

	if (!s) {
		enc->drop_encode++;
		return -ENOSPC;
	}
	/* First sight: the whole value, which counts from the agent's start
	 * (every sum starts there). A value below the previous one is a
	 * reset: send the new value, the increase since the reset, never a
	 * negative. */
	if (is_double) {
		double prev = !is_new && s->is_double ? s->d : 0;
		double delta = *dv >= prev ? *dv - prev : *dv;

		if (*dv < prev)
			enc->resets++;
		s->d = *dv;
		*dv = delta < 0 ? 0 : delta;
		zero = *dv == 0;
	} else {
		int64_t prev = !is_new && !s->is_double ? s->i : 0;
		int64_t delta;

		/* Counts are never negative; clamping the previous one keeps
		 * *iv - prev in range for any input (found by
		 * fuzz_statsd_encode). */
		if (prev < 0)
			prev = 0;
		delta = *iv >= prev ? *iv - prev : *iv;
		if (*iv < prev)
			enc->resets++;
		s->i = *iv;
		*iv = delta < 0 ? 0 : delta;
		zero = *iv == 0;
	}
	s->is_double = is_double;
	/* A counter that did not grow adds nothing at the daemon. */
	if (enc->changed_only && !enc->refresh && !is_new && zero) {
		enc->unchanged++;
		return 1;
	}
	return 0;
}

/* changed_only: whether a gauge holds the value it last sent (then it is
 * left out), remembering the new one otherwise. A daemon keeps a gauge's
 * last value between flushes (statsd's default), so nothing is lost. */
static bool gauge_unchanged(struct statsd_encoder *enc, const char *name,
			    const char *tags, bool is_double, int64_t iv,
			    double dv)
{
	bool is_new = false, same;
	struct statsd_series *s = series_of(enc, name, tags, &is_new);

	if (!s)
		return false; /* sent without memory: never lost */
	same = !is_new && s->is_double == is_double &&
	       (is_double ? s->d == dv : s->i == iv);
	s->is_double = is_double;
	s->i = iv;
	s->d = dv;
	if (same && !enc->refresh) {
		enc->unchanged++;
		return true;
	}
	return false;
}

/* Encode one gauge or counter for name (suffix) with the given value. */
static void encode_one(struct statsd_encoder *enc, const struct mfd_point *p,
		       const char *suffix, bool counter, bool is_double,
		       int64_t iv, double dv)
{
	char name[STATSD_LINE_MAX], tags[STATSD_LINE_MAX];
	char unit[2 * STATSD_LINE_MAX + 64], val[64];
	struct sbuf nb = { name, 0, sizeof(name), true };
	struct sbuf tb = { tags, 0, sizeof(tags), true };
	struct sbuf ub = { unit, 0, sizeof(unit), true };
	bool negative;

	name[0] = tags[0] = '\0';
	if (is_double && !isfinite(dv)) {
		enc->drop_encode++;
		return;
	}
	render_name(&nb, enc, p, suffix);
	render_tags(&tb, enc, p);
	if (!nb.ok || !tb.ok) {
		enc->drop_encode++;
		return;
	}

	if (counter) {
		if (counter_delta(enc, name, tags, is_double, &iv, &dv))
			return;
		fmt_value(val, sizeof(val), is_double, iv, dv);
		render_line(&ub, enc, name, tags, val, "c");
	} else {
		if (enc->changed_only &&
		    gauge_unchanged(enc, name, tags, is_double, iv, dv))
			return;
		negative = is_double ? dv < 0 : iv < 0;
		if (negative) {
			render_line(&ub, enc, name, tags, "0", "g");
			sb_printf(&ub, "\n");
		}
		fmt_value(val, sizeof(val), is_double, iv, dv);
		render_line(&ub, enc, name, tags, val, "g");
	}
	if (!ub.ok) {
		enc->drop_encode++;
		return;
	}
	if (add_unit(enc, unit, ub.len))
		enc->drop_encode++;
}

int statsd_encoder_point(const struct mfd_point *p, void *arg)
{
	struct statsd_encoder *enc = arg;

	if (!enc->pkt_off) { /* begin could not allocate */
		enc->drop_encode++;
		return 0;
	}
	switch (p->desc->kind) {
	case MFD_METRIC_GAUGE:
		encode_one(enc, p, NULL, false, p->is_double, p->i, p->d);
		break;
	case MFD_METRIC_SUM:
		encode_one(enc, p, NULL, true, p->is_double, p->i, p->d);
		break;
	case MFD_METRIC_HISTOGRAM:
		if (!p->hist) {
			enc->drop_encode++;
			break;
		}
		encode_one(enc, p, "count", true, false,
			   (int64_t)p->hist->count, 0);
		encode_one(enc, p, "sum", true, true, 0, p->hist->sum);
		break;
	}
	return 0;
}

/* --- addresses ----------------------------------------------------------- */

int statsd_parse_addr(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	struct mfd_hostport hp;

	if (!s || mfd_hostport_parse(s, strlen(s), 0, &hp, NULL, 0) ||
	    strlen(hp.host) >= hostlen)
		return -EINVAL;
	memcpy(host, hp.host, strlen(hp.host) + 1);
	*port = hp.port;
	return 0;
}
