// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_settings.c - resolve the OTLP exporter's settings (otlp_settings.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "otlp_settings.h"

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

bool otlp_settings_enabled(const struct mfd_config *cfg, otlp_getenv_fn env)
{
	return nz(cfg->otlp_endpoint) || nz(cfg->otlp_metrics_endpoint) ||
	       nz(cfg->otlp_logs_endpoint) ||
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
static int add_secret(struct otlp_settings *s, char *secret)
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
static int collect_secrets(struct otlp_settings *s)
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

void otlp_scrub_secrets(const struct otlp_settings *s, char *text)
{
	for (size_t i = 0; i < s->nsecrets; i++) {
		size_t n = strlen(s->secrets[i]);

		for (char *p = strstr(text, s->secrets[i]); p;
		     p = strstr(p + n, s->secrets[i]))
			memset(p, '*', n);
	}
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

static int parse_headers_into(struct otlp_settings *s, int sig,
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

int otlp_settings_add_headers(struct otlp_settings *s, const char *text,
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
	return err ? err : collect_secrets(s);
}

static bool by_flag(const struct mfd_config *cfg, const char *key);

/* The setting's value: the flag's, else the environment's, else the
 * file's (NULL when none is set). */
static const char *pick(const struct mfd_config *cfg, const char *key,
			const char *cfg_val, const char *env_val)
{
	if (nz(cfg_val) && (by_flag(cfg, key) || !nz(env_val)))
		return cfg_val;
	return nz(env_val);
}

/* Precedence is defaults < file < environment < flags: a value from the
 * command line beats an OTEL_* variable, one from the file does not. */
static bool by_flag(const struct mfd_config *cfg, const char *key)
{
	return mfd_config_origin(cfg, key) == MFD_ORIGIN_FLAG;
}

int otlp_settings_resolve(const struct mfd_config *cfg, otlp_getenv_fn env,
			  struct otlp_settings *s, char *why, size_t why_len)
{
	static const char *const url_key[OTLP_SIGNALS] = {
		"otlp.metrics_endpoint", "otlp.logs_endpoint"
	};
	const char *cfg_url[OTLP_SIGNALS] = { cfg->otlp_metrics_endpoint,
					      cfg->otlp_logs_endpoint };
	const char *name, *v;
	char buf[64], *hdrs = NULL;
	double secs;
	int err = 0;

	memset(s, 0, sizeof(*s));
	why[0] = '\0';

	/* Endpoints, highest first: flag per-signal (as is), flag base
	 * (+ v1/<signal>), env per-signal, env base, file per-signal, file
	 * base. */
	for (int sig = 0; sig < OTLP_SIGNALS; sig++) {
		bool env_any;

		snprintf(buf, sizeof(buf), "OTEL_EXPORTER_OTLP_%s_ENDPOINT",
			 sig_env[sig]);
		env_any = nz(env(buf)) ||
			  nz(env("OTEL_EXPORTER_OTLP_ENDPOINT"));
		if (nz(cfg_url[sig]) && by_flag(cfg, url_key[sig]))
			s->url[sig] = strdup(cfg_url[sig]);
		else if (nz(cfg->otlp_endpoint) &&
			 by_flag(cfg, "otlp.endpoint"))
			s->url[sig] = otlp_signal_url(cfg->otlp_endpoint, sig);
		else if (!env_any && nz(cfg_url[sig]))
			s->url[sig] = strdup(cfg_url[sig]);
		else if (!env_any && nz(cfg->otlp_endpoint))
			s->url[sig] = otlp_signal_url(cfg->otlp_endpoint, sig);
		else if (nz(env(buf)))
			s->url[sig] = strdup(env(buf));
		else if (nz(env("OTEL_EXPORTER_OTLP_ENDPOINT")))
			s->url[sig] = otlp_signal_url(
				env("OTEL_EXPORTER_OTLP_ENDPOINT"), sig);
		else
			continue;
		if (!s->url[sig]) {
			err = -ENOMEM;
			goto fail;
		}
		s->url_log[sig] = otlp_redact_url(s->url[sig]);
		if (!s->url_log[sig]) {
			err = -ENOMEM;
			goto fail;
		}
		if (!url_ok(s->url[sig])) {
			snprintf(why, why_len,
				 "OTLP endpoint '%s' is not an http:// or "
				 "https:// URL",
				 s->url_log[sig]);
			err = -EINVAL;
			goto fail;
		}
	}
	if (!s->url[OTLP_METRICS] && !s->url[OTLP_LOGS]) {
		snprintf(why, why_len, "no OTLP endpoint configured");
		err = -EINVAL;
		goto fail;
	}

	/* Protocol: only http/protobuf is implemented. */
	for (int sig = 0; sig < OTLP_SIGNALS; sig++) {
		const char *p = NULL;

		const char *e =
			sig_var(env, sig, "PROTOCOL", &name, buf, sizeof(buf));

		if (e && !by_flag(cfg, "otlp.protocol"))
			p = e;
		else if (cfg->otlp_protocol == 1)
			p = "http/protobuf";
		else if (cfg->otlp_protocol == 2)
			p = "http/json";
		else if (cfg->otlp_protocol == 3)
			p = "grpc";
		if (p && strcmp(p, "http/protobuf")) {
			snprintf(why, why_len,
				 "OTLP protocol '%s' is not supported; mfd "
				 "speaks http/protobuf only",
				 p);
			err = -EINVAL;
			goto fail;
		}
	}

	/* Compression. */
	s->gzip = true;
	v = sig_var(env, OTLP_METRICS, "COMPRESSION", &name, buf, sizeof(buf));
	if (cfg->otlp_compression && (!v || by_flag(cfg, "otlp.compression"))) {
		s->gzip = cfg->otlp_compression == 1;
	} else if (v) {
		if (!strcasecmp(v, "none")) {
			s->gzip = false;
		} else if (strcasecmp(v, "gzip")) {
			snprintf(why, why_len,
				 "%s='%s': only gzip and none are supported",
				 name, v);
			err = -EINVAL;
			goto fail;
		}
	}

	/* Timeout: config seconds, env milliseconds, default 10 s. */
	secs = 10;
	v = sig_var(env, OTLP_METRICS, "TIMEOUT", &name, buf, sizeof(buf));
	if (cfg->otlp_timeout > 0 && (!v || by_flag(cfg, "otlp.timeout"))) {
		secs = cfg->otlp_timeout;
	} else if (v) {
		err = env_ms(env, name, &secs, why, why_len);
		if (err)
			goto fail;
	}
	s->timeout_ms = (long)(secs * 1000.0);
	if (s->timeout_ms < 1)
		s->timeout_ms = 1;

	/* Export interval: config seconds, OTEL_METRIC_EXPORT_INTERVAL ms. */
	s->export_interval = MFD_OTLP_EXPORT_INTERVAL_DEFAULT; /* the spec's */
	if (cfg->export_interval > 0 &&
	    (!nz(env("OTEL_METRIC_EXPORT_INTERVAL")) ||
	     by_flag(cfg, "otlp.export_interval"))) {
		s->export_interval = cfg->export_interval;
	} else {
		err = env_ms(env, "OTEL_METRIC_EXPORT_INTERVAL",
			     &s->export_interval, why, why_len);
		if (err)
			goto fail;
	}

	/* TLS files. */
	if ((err = dup_opt(&s->ca_file,
			   pick(cfg, "otlp.certificate", cfg->otlp_certificate,
				sig_var(env, OTLP_METRICS, "CERTIFICATE", &name,
					buf, sizeof(buf))))) ||
	    (err = dup_opt(&s->client_key,
			   pick(cfg, "otlp.client_key", cfg->otlp_client_key,
				sig_var(env, OTLP_METRICS, "CLIENT_KEY", &name,
					buf, sizeof(buf))))) ||
	    (err = dup_opt(&s->client_cert,
			   pick(cfg, "otlp.client_certificate",
				cfg->otlp_client_certificate,
				sig_var(env, OTLP_METRICS, "CLIENT_CERTIFICATE",
					&name, buf, sizeof(buf))))))
		goto fail;
	if (!s->client_key != !s->client_cert) {
		snprintf(why, why_len,
			 "mutual TLS needs both a client key and a client "
			 "certificate");
		err = -EINVAL;
		goto fail;
	}
	s->insecure = cfg->otlp_insecure;

	/* Headers, later wins: the file's, generic env, per-signal env, the
	 * command line's (--otlp-headers-file: a secret is never in argv).
	 * A secrets file may put one header per line. */
	if (nz(cfg->otlp_headers)) {
		hdrs = strdup(cfg->otlp_headers);
		if (!hdrs) {
			err = -ENOMEM;
			goto fail;
		}
		for (char *p = hdrs; *p; p++)
			if (*p == '\n')
				*p = ',';
			else if (*p == '\r')
				*p = ' ';
	}
	for (int sig = 0; sig < OTLP_SIGNALS; sig++) {
		bool flag = by_flag(cfg, "otlp.headers");

		v = flag ? NULL : hdrs;
		if (v && (err = parse_headers_into(s, sig, v, "otlp.headers",
						   why, why_len)))
			goto fail;
		v = nz(env("OTEL_EXPORTER_OTLP_HEADERS"));
		if (v && (err = parse_headers_into(s, sig, v,
						   "OTEL_EXPORTER_OTLP_HEADERS",
						   why, why_len)))
			goto fail;
		snprintf(buf, sizeof(buf), "OTEL_EXPORTER_OTLP_%s_HEADERS",
			 sig_env[sig]);
		v = nz(env(buf));
		if (v &&
		    (err = parse_headers_into(s, sig, v, buf, why, why_len)))
			goto fail;
		v = flag ? hdrs : NULL;
		if (v && (err = parse_headers_into(s, sig, v, "otlp.headers",
						   why, why_len)))
			goto fail;
	}

	if ((err = dup_opt(&s->spool_dir, cfg->spool_dir)))
		goto fail;
	s->spool_max_bytes = (size_t)cfg->spool_max_mib << 20;
	s->fsync = (enum otlp_fsync)cfg->spool_fsync;
	s->queue_batches = cfg->otlp_queue_batches > 0 ?
				   (size_t)cfg->otlp_queue_batches :
				   60;
	s->max_request_bytes = cfg->otlp_max_request_kib > 0 ?
				       (size_t)cfg->otlp_max_request_kib << 10 :
				       4u << 20;
	s->log_cap = cfg->otlp_log_cap >= 0 ? (size_t)cfg->otlp_log_cap : 1000;
	s->max_backoff = cfg->otlp_max_backoff > 0 ? cfg->otlp_max_backoff : 30;
	if ((err = collect_secrets(s)))
		goto fail;
	if (hdrs)
		explicit_bzero(hdrs, strlen(hdrs));
	free(hdrs);
	return 0;
fail:
	if (hdrs)
		explicit_bzero(hdrs, strlen(hdrs));
	free(hdrs);
	if (err == -ENOMEM)
		snprintf(why, why_len, "out of memory");
	otlp_settings_free(s);
	return err;
}

void otlp_settings_free(struct otlp_settings *s)
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
