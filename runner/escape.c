// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escape.c - what the runner copies from a case into its reports (stdout and
 * stderr lines, skip reasons, diffs) is made harmless first: a case is code
 * under test, and its bytes must not become verdicts.  A carriage return,
 * vertical tab or form feed starts a new line for KTAP parsers that allow
 * leading white space before "ok" (tools/testing/kunit/kunit_parser.py:
 * TEST_RESULT is '^\s*(ok|not ok) ...'), an ESC sequence can hide lines on
 * a terminal, and invalid UTF-8 makes a JUnit file ill-formed.  So each
 * byte other than printable ASCII and tab is written as \xNN, and a
 * backslash as \\: reports are plain ASCII, one line per line, whatever a
 * case printed.
 *
 * Case names come from file names in the cases directory and go into result
 * lines raw, so only names of letters, digits, '_' and '-' are cases: no
 * '#' (KTAP's directive), white space, '.' or control characters.
 */
#include "runner.h"

#include <string.h>

static int plain(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f && c != '\\') || c == '\t';
}

void put_text(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (plain(c))
			fputc(c, f);
		else if (c == '\\')
			fputs("\\\\", f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

void put_str(FILE *f, const char *s)
{
	put_text(f, s, strlen(s));
}

int case_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}
