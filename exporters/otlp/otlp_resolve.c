// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_resolve.c - resolve the OTLP exporter's settings against the
 * OTEL_* environment (otlp_resolve.h), one named step per setting; then
 * the secrets of the result (header values, URL passwords) in every form
 * a collector may echo them, starred out of text before it is logged.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "otlp_resolve.h"

static const char *const sig_env[OTLP_SIGNALS] = { "METRICS", "LOGS" };
static const char *const sig_path[OTLP_SIGNALS] = { "v1/metrics", "v1/logs" };

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

/* OTEL_EXPORTER_OTLP_<SIG>_<what>, else OTEL_EXPORTER_OTLP_<what>. */
static const char *sig_var(otlp_getenv_fn env, int sig, const char *what,
			   const char **name, char *buf, size_t len)
{
	const char *v;

	snprintf(buf, len, "OTEL_EXPORTER_OTLP_%s_%s", sig_env[sig], what);
	v = nz(env(buf));
	if (v) {
		*name = buf;
		return v;
	}
	snprintf(buf, len, "OTEL_EXPORTER_OTLP_%s", what);
	*name = buf;
	return nz(env(buf));
}

bool otlp_resolve_enabled(const struct mfd_otlp_settings *cfg,
			  otlp_getenv_fn env)
{
	return nz(cfg->endpoint) || nz(cfg->metrics_endpoint) ||
	       nz(cfg->logs_endpoint) ||
	       nz(env("OTEL_EXPORTER_OTLP_ENDPOINT")) ||
	       nz(env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")) ||
	       nz(env("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"));
}

char *otlp_signal_url(const char *base, enum otlp_signal sig)
{
	size_t n = strlen(base);
	char *u = malloc(n + 16);

	if (!u)
		return NULL;
	snprintf(u, n + 16, "%s%s%s", base, n && base[n - 1] == '/' ? "" : "/",
		 sig_path[sig]);
	return u;
}

static bool url_ok(const char *u)
{
	return !strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8);
}

static int dup_opt(char **dst, const char *v)
{
	*dst = NULL;
	if (!nz(v))
		return 0;
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

/* A positive number of milliseconds from the environment. */
static int env_ms(otlp_getenv_fn env, const char *name, double *secs, char *why,
		  size_t why_len)
{
	const char *v = nz(env(name));
	char *end;
	double d;

	if (!v)
		return 0;
	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d) || d <= 0 ||
	    d > 86400000.0) {
		snprintf(why, why_len,
			 "%s='%s' is not a positive number of milliseconds",
			 name, v);
		return -EINVAL;
	}
	*secs = d / 1000.0;
	return 0;
}

static int merge_headers(struct otlp_kv **dst, size_t *n,
			 const struct otlp_kv *add, size_t nadd)
{
	for (size_t i = 0; i < nadd; i++) {
		size_t j;
		char *k = strdup(add[i].key), *v = strdup(add[i].value);

		if (!k || !v) {
			free(k);
			free(v);
			return -ENOMEM;
		}
		for (j = 0; j < *n; j++)
			if (!strcasecmp((*dst)[j].key, k))
				break;
		if (j < *n) {
			free((*dst)[j].key);
			free((*dst)[j].value);
		} else {
			struct otlp_kv *nk =
				realloc(*dst, (*n + 1) * sizeof(**dst));

			if (!nk) {
				free(k);
				free(v);
				return -ENOMEM;
			}
			*dst = nk;
			j = (*n)++;
		}
		(*dst)[j].key = k;
		(*dst)[j].value = v;
	}
	return 0;
}

static int parse_headers_into(struct otlp_resolved *s, int sig,
			      const char *text, const char *origin, char *why,
			      size_t why_len)
{
	struct otlp_kv *kv = NULL;
	size_t n = 0, bad_at = 0;
	int err;

	err = otlp_parse_kv_list(text, &kv, &n, &bad_at);
	if (err == -EINVAL) {
		/* Never print the value: it may hold a token. */
		snprintf(why, why_len,
			 "%s: malformed header list at byte %zu (want "
			 "name=value,... with percent-encoded values)",
			 origin, bad_at);
		return err;
	}
	if (err)
		return err;
	err = merge_headers(&s->headers[sig], &s->nheaders[sig], kv, n);
	otlp_kv_free(kv, n);
	return err;
}

int otlp_resolved_add_headers(struct otlp_resolved *s, const char *text,
			      const char *origin, char *why, size_t why_len)
{
	char *copy = strdup(text);
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy; *p; p++)
		if (*p == '\n')
			*p = ',';
		else if (*p == '\r')
			*p = ' ';
	for (int sig = 0; sig < OTLP_SIGNALS && !err; sig++)
		err = parse_headers_into(s, sig, copy, origin, why, why_len);
	explicit_bzero(copy, strlen(copy));
	free(copy);
	return err ? err : otlp_collect_secrets(s);
}

/* Precedence is defaults < file < environment < flags: a value from the
 * command line beats an OTEL_* variable, one from the file does not. */
static bool by_flag(const struct otlp_sources *src, const char *key)
{
	return src->by_flag && src->by_flag(src->by_flag_ctx, key);
}

/* The setting's value: the flag's, else the environment's, else the
 * file's (NULL when none is set). */
static const char *pick(const struct otlp_sources *src, const char *key,
			const char *cfg_val, const char *env_val)
{
	if (nz(cfg_val) && (by_flag(src, key) || !nz(env_val)))
		return cfg_val;
	return nz(env_val);
}

/* Each step below fills its part of s: 0, or -EINVAL with why[] set, or
 * -ENOMEM. */

/* One signal's URL, highest first: flag per-signal (as is), flag base
 * (+ v1/<signal>), env per-signal, env base, file per-signal, file base.
 * s->url[sig] stays NULL when nothing names one. */
static int resolve_url(const struct otlp_sources *src, int sig,
		       struct otlp_resolved *s, char *why, size_t why_len)
{
	static const char *const url_key[OTLP_SIGNALS] = {
		"otlp.metrics_endpoint", "otlp.logs_endpoint"
	};
	const struct mfd_otlp_settings *cfg = src->cfg;
	const char *cfg_url = sig == OTLP_METRICS ? cfg->metrics_endpoint :
						    cfg->logs_endpoint;
	const char *env_sig, *env_base;
	char buf[64];
	bool env_any;

	snprintf(buf, sizeof(buf), "OTEL_EXPORTER_OTLP_%s_ENDPOINT",
		 sig_env[sig]);
	env_sig = nz(src->env(buf));
	env_base = nz(src->env("OTEL_EXPORTER_OTLP_ENDPOINT"));
	env_any = env_sig || env_base;
	if (nz(cfg_url) && by_flag(src, url_key[sig]))
		s->url[sig] = strdup(cfg_url);
	else if (nz(cfg->endpoint) && by_flag(src, "otlp.endpoint"))
		s->url[sig] = otlp_signal_url(cfg->endpoint, sig);
	else if (!env_any && nz(cfg_url))
		s->url[sig] = strdup(cfg_url);
	else if (!env_any && nz(cfg->endpoint))
		s->url[sig] = otlp_signal_url(cfg->endpoint, sig);
	else if (env_sig)
		s->url[sig] = strdup(env_sig);
	else if (env_base)
		s->url[sig] = otlp_signal_url(env_base, sig);
	else
		return 0;
	if (!s->url[sig])
		return -ENOMEM;
	s->url_log[sig] = otlp_redact_url(s->url[sig]);
	if (!s->url_log[sig])
		return -ENOMEM;
	if (!url_ok(s->url[sig])) {
		snprintf(why, why_len,
			 "OTLP endpoint '%s' is not an http:// or https:// URL",
			 s->url_log[sig]);
		return -EINVAL;
	}
	return 0;
}

static int resolve_urls(const struct otlp_sources *src, struct otlp_resolved *s,
			char *why, size_t why_len)
{
	for (int sig = 0; sig < OTLP_SIGNALS; sig++) {
		int err = resolve_url(src, sig, s, why, why_len);

		if (err)
			return err;
	}
	if (!s->url[OTLP_METRICS] && !s->url[OTLP_LOGS]) {
		snprintf(why, why_len, "no OTLP endpoint configured");
		return -EINVAL;
	}
	return 0;
}

/* Protocol: only http/protobuf is implemented; anything else is refused. */
static int check_protocol(const struct otlp_sources *src, char *why,
			  size_t why_len)
{
	static const char *const names[] = { NULL, "http/protobuf", "http/json",
					     "grpc" };
	int proto = src->cfg->protocol;
	const char *name;
	char buf[64];

	for (int sig = 0; sig < OTLP_SIGNALS; sig++) {
		const char *e = sig_var(src->env, sig, "PROTOCOL", &name, buf,
					sizeof(buf));
		const char *p = NULL;

		if (e && !by_flag(src, "otlp.protocol"))
			p = e;
		else if (proto >= 1 && proto <= 3)
			p = names[proto];
		if (p && strcmp(p, "http/protobuf")) {
			snprintf(why, why_len,
				 "OTLP protocol '%s' is not supported; mfd "
				 "speaks http/protobuf only",
				 p);
			return -EINVAL;
		}
	}
	return 0;
}

/* Compression: gzip unless the config or the environment says none. */
static int resolve_gzip(const struct otlp_sources *src, struct otlp_resolved *s,
			char *why, size_t why_len)
{
	int comp = src->cfg->compression;
	const char *name, *v;
	char buf[64];

	s->gzip = true;
	v = sig_var(src->env, OTLP_METRICS, "COMPRESSION", &name, buf,
		    sizeof(buf));
	if (comp && (!v || by_flag(src, "otlp.compression"))) {
		s->gzip = comp == 1;
	} else if (v) {
		if (!strcasecmp(v, "none")) {
			s->gzip = false;
		} else if (strcasecmp(v, "gzip")) {
			snprintf(why, why_len,
				 "%s='%s': only gzip and none are supported",
				 name, v);
			return -EINVAL;
		}
	}
	return 0;
}

/* The request timeout (config seconds, env milliseconds, default 10 s)
 * and the export interval (config seconds, OTEL_METRIC_EXPORT_INTERVAL
 * milliseconds, the SDK's default). */
static int resolve_times(const struct otlp_sources *src,
			 struct otlp_resolved *s, char *why, size_t why_len)
{
	const struct mfd_otlp_settings *cfg = src->cfg;
	const char *name, *v;
	char buf[64];
	double secs = 10;
	int err;

	v = sig_var(src->env, OTLP_METRICS, "TIMEOUT", &name, buf, sizeof(buf));
	if (cfg->timeout > 0 && (!v || by_flag(src, "otlp.timeout"))) {
		secs = cfg->timeout;
	} else if (v) {
		err = env_ms(src->env, name, &secs, why, why_len);
		if (err)
			return err;
	}
	s->timeout_ms = (long)(secs * 1000.0);
	if (s->timeout_ms < 1)
		s->timeout_ms = 1;

	s->export_interval = MFD_OTLP_EXPORT_INTERVAL_DEFAULT;
	if (cfg->export_interval > 0 &&
	    (!nz(src->env("OTEL_METRIC_EXPORT_INTERVAL")) ||
	     by_flag(src, "otlp.export_interval"))) {
		s->export_interval = cfg->export_interval;
		return 0;
	}
	return env_ms(src->env, "OTEL_METRIC_EXPORT_INTERVAL",
		      &s->export_interval, why, why_len);
}

/* The CA bundle, the client key and certificate (both or neither). */
static int resolve_tls(const struct otlp_sources *src, struct otlp_resolved *s,
		       char *why, size_t why_len)
{
	const struct mfd_otlp_settings *cfg = src->cfg;
	const char *name;
	char buf[64];
	int err;

	if ((err = dup_opt(&s->ca_file,
			   pick(src, "otlp.certificate", cfg->certificate,
				sig_var(src->env, OTLP_METRICS, "CERTIFICATE",
					&name, buf, sizeof(buf))))) ||
	    (err = dup_opt(&s->client_key,
			   pick(src, "otlp.client_key", cfg->client_key,
				sig_var(src->env, OTLP_METRICS, "CLIENT_KEY",
					&name, buf, sizeof(buf))))) ||
	    (err = dup_opt(&s->client_cert,
			   pick(src, "otlp.client_certificate",
				cfg->client_certificate,
				sig_var(src->env, OTLP_METRICS,
					"CLIENT_CERTIFICATE", &name, buf,
					sizeof(buf))))))
		return err;
	if (!s->client_key != !s->client_cert) {
		snprintf(why, why_len,
			 "mutual TLS needs both a client key and a client "
			 "certificate");
		return -EINVAL;
	}
	s->insecure = cfg->insecure;
	return 0;
}

/* One signal's headers, later wins: the file's, generic env, per-signal
 * env, the command line's (--otlp-headers-file: a secret is never in
 * argv). hdrs is the configured list with lines turned into commas. */
static int resolve_signal_headers(const struct otlp_sources *src, int sig,
				  const char *hdrs, struct otlp_resolved *s,
				  char *why, size_t why_len)
{
	bool flag = by_flag(src, "otlp.headers");
	const char *v;
	char buf[64];
	int err;

	if (!flag && hdrs &&
	    (err = parse_headers_into(s, sig, hdrs, "otlp.headers", why,
				      why_len)))
		return err;
	v = nz(src->env("OTEL_EXPORTER_OTLP_HEADERS"));
	if (v &&
	    (err = parse_headers_into(s, sig, v, "OTEL_EXPORTER_OTLP_HEADERS",
				      why, why_len)))
		return err;
	snprintf(buf, sizeof(buf), "OTEL_EXPORTER_OTLP_%s_HEADERS",
		 sig_env[sig]);
	v = nz(src->env(buf));
	if (v && (err = parse_headers_into(s, sig, v, buf, why, why_len)))
		return err;
	if (flag && hdrs &&
	    (err = parse_headers_into(s, sig, hdrs, "otlp.headers", why,
				      why_len)))
		return err;
	return 0;
}

/* A secrets file may put one header per line. */
static int resolve_headers(const struct otlp_sources *src,
			   struct otlp_resolved *s, char *why, size_t why_len)
{
	char *hdrs = NULL;
	int err = 0;

	if (nz(src->cfg->headers)) {
		hdrs = strdup(src->cfg->headers);
		if (!hdrs)
			return -ENOMEM;
		for (char *p = hdrs; *p; p++)
			if (*p == '\n')
				*p = ',';
			else if (*p == '\r')
				*p = ' ';
	}
	for (int sig = 0; sig < OTLP_SIGNALS && !err; sig++)
		err = resolve_signal_headers(src, sig, hdrs, s, why, why_len);
	if (hdrs)
		explicit_bzero(hdrs, strlen(hdrs));
	free(hdrs);
	return err;
}

/* The spool and the bounds, whose defaults the option rows give. */
static int resolve_queue(const struct mfd_otlp_settings *cfg,
			 struct otlp_resolved *s)
{
	int err = dup_opt(&s->spool_dir, cfg->spool_dir);

	if (err)
		return err;
	s->spool_max_bytes = (size_t)cfg->spool_max_mib << 20;
	s->fsync = (enum otlp_fsync)cfg->spool_fsync;
	s->queue_batches = cfg->queue_batches > 0 ? (size_t)cfg->queue_batches :
						    60;
	s->max_request_bytes = cfg->max_request_kib > 0 ?
				       (size_t)cfg->max_request_kib << 10 :
				       4u << 20;
	s->log_cap = cfg->log_cap >= 0 ? (size_t)cfg->log_cap : 1000;
	s->max_backoff = cfg->max_backoff > 0 ? cfg->max_backoff : 30;
	return 0;
}

int otlp_resolve(const struct otlp_sources *src, struct otlp_resolved *s,
		 char *why, size_t why_len)
{
	int err;

	memset(s, 0, sizeof(*s));
	why[0] = '\0';
	if ((err = resolve_urls(src, s, why, why_len)) ||
	    (err = check_protocol(src, why, why_len)) ||
	    (err = resolve_gzip(src, s, why, why_len)) ||
	    (err = resolve_times(src, s, why, why_len)) ||
	    (err = resolve_tls(src, s, why, why_len)) ||
	    (err = resolve_headers(src, s, why, why_len)) ||
	    (err = resolve_queue(src->cfg, s)) ||
	    (err = otlp_collect_secrets(s))) {
		if (err == -ENOMEM)
			snprintf(why, why_len, "out of memory");
		otlp_resolved_free(s);
		return err;
	}
	return 0;
}

void otlp_resolved_free(struct otlp_resolved *s)
{
	for (int sig = 0; sig < OTLP_SIGNALS; sig++) {
		free(s->url[sig]);
		free(s->url_log[sig]);
		otlp_kv_free(s->headers[sig], s->nheaders[sig]);
	}
	for (size_t i = 0; i < s->nsecrets; i++) {
		explicit_bzero(s->secrets[i], strlen(s->secrets[i]));
		free(s->secrets[i]);
	}
	free(s->secrets);
	free(s->ca_file);
	free(s->client_key);
	free(s->client_cert);
	free(s->spool_dir);
	memset(s, 0, sizeof(*s));
}

/* --- secrets --------------------------------------------------------------- */

/* The userinfo of url: [start, end) of "user[:password]" before '@' in
 * the authority, or false. */
static bool url_userinfo(const char *url, const char **start, const char **end)
{
	const char *a = strstr(url, "://"), *e;

	if (!a)
		return false;
	a += 3;
	e = a + strcspn(a, "/?#");
	for (const char *p = e; p > a; p--)
		if (p[-1] == '@') {
			*start = a;
			*end = p - 1;
			return true;
		}
	return false;
}

char *otlp_redact_url(const char *url)
{
	return mfd_redact_url(url);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode [p, p+n) as curl does for a URL's userinfo. */
static char *pct_decode(const char *p, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
		    hexval(p[i + 2]) >= 0) {
			*o++ = (char)(hexval(p[i + 1]) << 4 | hexval(p[i + 2]));
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return out;
}

static char *base64(const char *in)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				  "opqrstuvwxyz0123456789+/";
	size_t n = strlen(in), k = 0;
	char *out = malloc((n + 2) / 3 * 4 + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned int v = (unsigned char)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[k++] = tab[v >> 18 & 63];
		out[k++] = tab[v >> 12 & 63];
		out[k++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[k++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[k] = '\0';
	return out;
}

/* Keep secret (taken, freed on failure) unless empty or known. */
static int add_secret(struct otlp_resolved *s, char *secret)
{
	char **n;

	if (!secret)
		return -ENOMEM;
	if (!*secret)
		goto drop;
	for (size_t i = 0; i < s->nsecrets; i++)
		if (!strcmp(s->secrets[i], secret))
			goto drop;
	n = realloc(s->secrets, (s->nsecrets + 1) * sizeof(*n));
	if (!n) {
		free(secret);
		return -ENOMEM;
	}
	s->secrets = n;
	s->secrets[s->nsecrets++] = secret;
	return 0;
drop:
	free(secret);
	return 0;
}

/* Every form in which a configured secret may come back in a response. */
int otlp_collect_secrets(struct otlp_resolved *s)
{
	int err = 0;

	for (int sig = 0; sig < OTLP_SIGNALS && !err; sig++) {
		const char *u, *e, *colon;

		for (size_t i = 0; i < s->nheaders[sig] && !err; i++) {
			const char *v = s->headers[sig][i].value;
			const char *sp = strrchr(v, ' ');

			err = add_secret(s, strdup(v));
			/* "Bearer TOKEN": the token alone, too. */
			if (!err && sp && strlen(sp + 1) >= 4)
				err = add_secret(s, strdup(sp + 1));
		}
		if (err || !s->url[sig] || !url_userinfo(s->url[sig], &u, &e))
			continue;
		colon = memchr(u, ':', (size_t)(e - u));
		if (!colon)
			continue;
		{
			char *user = pct_decode(u, (size_t)(colon - u));
			char *pass =
				pct_decode(colon + 1, (size_t)(e - colon - 1));
			char *both = NULL;

			if (user && pass &&
			    asprintf(&both, "%s:%s", user, pass) < 0)
				both = NULL;
			err = add_secret(s, strndup(colon + 1,
						    (size_t)(e - colon - 1)));
			if (!err)
				err = add_secret(s, pass ? strdup(pass) : NULL);
			/* curl sends "Authorization: Basic base64(u:p)". */
			if (!err)
				err = add_secret(s, both ? base64(both) : NULL);
			free(user);
			if (pass)
				explicit_bzero(pass, strlen(pass));
			free(pass);
			if (both)
				explicit_bzero(both, strlen(both));
			free(both);
		}
	}
	return err;
}

void otlp_scrub_secrets(const struct otlp_resolved *s, char *text)
{
	for (size_t i = 0; i < s->nsecrets; i++) {
		size_t n = strlen(s->secrets[i]);

		for (char *p = strstr(text, s->secrets[i]); p;
		     p = strstr(p + n, s->secrets[i]))
			memset(p, '*', n);
	}
}
