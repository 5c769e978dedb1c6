// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_escape.c - no control sequence from outside text reaches a
 * terminal: the shared escaper itself (C0, DEL, C1 in UTF-8, invalid
 * UTF-8, truncation that never splits an escape), and its call sites: the
 * text log format and every view line (struct mfd_screen), whose own
 * highlight markers survive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "escape.h"
#include "log.h"
#include "screen.h"

static void check(const char *in, const char *want)
{
	char out[256];

	mfd_escape_ctrl(out, sizeof(out), in, NULL);
	assert_string_equal(out, want);
	assert_int_equal(mfd_needs_escape(in, NULL), strcmp(in, want) != 0);
}

static void test_escaper(void **unused)
{
	(void)unused;
	check("Normal", "Normal");
	check("\x1b[2J\x1b[31mevil", "\\x1b[2J\\x1b[31mevil");
	check("a\nb\tc\rd", "a\\x0ab\\x09c\\x0dd");
	check("del\x7f", "del\\x7f");
	check("bell\a", "bell\\x07");
	/* UTF-8 text stays readable. */
	check("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xa7",
	      "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xa7");
	/* C1 CSI: as a character (U+009B) and as a raw byte. */
	check("x\xc2\x9b"
	      "2J",
	      "x\\u009b2J");
	check("x\x9b"
	      "2J",
	      "x\\x9b2J");
	/* Invalid UTF-8: overlong, surrogate, truncated sequence. */
	check("\xc0\xaf", "\\xc0\\xaf");
	check("\xed\xa0\x80", "\\xed\\xa0\\x80");
	check("ab\xe2\x9c", "ab\\xe2\\x9c");
	check("back\\slash", "back\\slash");
}

static void test_keep_and_truncate(void **unused)
{
	char out[64];

	(void)unused;
	mfd_escape_ctrl(out, sizeof(out), "\x01hot\x02\x1b", "\x01\x02");
	assert_string_equal(out, "\x01hot\x02\\x1b");
	/* Room for "ab" and not all of "\x1b": the escape is left out. */
	assert_int_equal(mfd_escape_ctrl(out, 5, "ab\x1b", NULL), 2);
	assert_string_equal(out, "ab");
	/* Never half a UTF-8 character either. */
	assert_int_equal(mfd_escape_ctrl(out, 3, "a\xc3\xa9", NULL), 1);
	assert_string_equal(out, "a");
	assert_int_equal(mfd_escape_ctrl(out, 1, "abc", NULL), 0);
	assert_string_equal(out, "");
}

/* The text log format: what reaches stderr or the TUI's status line. */
static void test_log_text_format(void **unused)
{
	struct timespec ts = { 0, 0 };
	char line[512];

	(void)unused;
	mfd_log_format_line(line, sizeof(line), MFD_LOG_FORMAT_TEXT, &ts,
			    MFD_LOG_WARN, "replay",
			    "zone \x1b]0;pwned\x07Normal: GET /\x1b[2J");
	assert_null(strchr(line, '\x1b'));
	assert_null(strchr(line, '\x07'));
	assert_non_null(strstr(line, "zone \\x1b]0;pwned\\x07Normal: GET "
				     "/\\x1b[2J"));
}

/* Every view line: escaped, highlight markers kept, width still cut. */
static void test_screen(void **unused)
{
	struct mfd_screen s;

	(void)unused;
	mfd_screen_init(&s, 80);
	mfd_screen_printf(&s, "%-16s %5u", "\x1b[2Jevil", 42u);
	mfd_screen_printf(&s, "%c%s%c", MFD_HL_ON, "hot\x9b", MFD_HL_OFF);
	assert_int_equal(s.nr_lines, 2);
	assert_null(strchr(s.lines[0], '\x1b'));
	assert_non_null(strstr(s.lines[0], "\\x1b[2Jevil"));
	assert_string_equal(s.lines[1], "\x01hot\\x9b\x02");
	mfd_screen_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaper),
		cmocka_unit_test(test_keep_and_truncate),
		cmocka_unit_test(test_log_text_format),
		cmocka_unit_test(test_screen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
