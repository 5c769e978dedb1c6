/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escape.h - text from outside (process names, zone names of a replay
 * file, request URIs) made safe to show on a terminal.
 *
 * A process may name itself "\e[2J" and a recording may hold any bytes: a
 * terminal would obey them, clearing or recolouring an administrator's
 * screen. Every human-facing output (the views' screen, the text log
 * format, CSV) passes its text through mfd_escape_ctrl().
 */
#ifndef MFD_ESCAPE_H
#define MFD_ESCAPE_H

#include <stddef.h>

/*
 * Copy src into dst[size] (always NUL terminated when size > 0), writing
 * C0 controls and DEL as \xNN, C1 controls (U+0080..U+009F, which some
 * terminals obey as CSI and friends) as \u00NN, a byte that is not part
 * of valid UTF-8 as \xNN, and a backslash as is. Bytes listed in keep
 * (may be NULL) pass unchanged: the views' own highlight markers. An
 * escape is never cut in half. Returns the length written.
 */
size_t mfd_escape_ctrl(char *dst, size_t size, const char *src,
		       const char *keep);

/* url with the password of its userinfo ("scheme://user:password@host")
 * replaced by "***", fit for a log or --check-config. Malloc'ed (NULL on
 * ENOMEM); text that is no such URL is copied as it is. */
char *mfd_redact_url(const char *url);

/* Does s hold anything mfd_escape_ctrl() would rewrite? */
int mfd_needs_escape(const char *s, const char *keep);

#endif /* MFD_ESCAPE_H */
