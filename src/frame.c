/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <string.h>

#include "frame.h"
#include "util.h"

int
unescape(const char *s, char *out, size_t cap, size_t *len, const char **why)
{
	size_t	n = 0;
	int	hi, lo;
	char	c;

	while (*s != '\0') {
		if (n == cap) {
			*why = "too long";
			return -1;
		}
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		switch (s[1]) {
		case 'n':  c = '\n'; break;
		case 'r':  c = '\r'; break;
		case 't':  c = '\t'; break;
		case '0':  c = '\0'; break;
		case '\\': c = '\\'; break;
		case 'x':
			if ((hi = hexval(s[2])) < 0 || (lo = hexval(s[3])) < 0) {
				*why = "\\x needs two hex digits";
				return -1;
			}
			out[n++] = (char)(hi << 4 | lo);
			s += 4;
			continue;
		default:
			*why = "unknown escape (use \\n \\r \\t \\0 \\\\ \\xHH)";
			return -1;
		}
		out[n++] = c;
		s += 2;
	}
	*len = n;
	return 0;
}

int
delim_parse(const char *s, struct delim *d, const char **why)
{
	size_t	n;

	if (unescape(s, d->bytes, DELIM_MAX, &n, why) == -1) {
		if (strcmp(*why, "too long") == 0)
			*why = "too long (at most 16 bytes)";
		return -1;
	}
	if (n == 0) {
		*why = "empty";
		return -1;
	}
	d->len = n;
	return 0;
}

size_t
frame_next(const struct delim *d, const char *buf, size_t len)
{
	const char	*p;

	if (len == 0)
		return 0;	/* buf may be NULL: an empty buffer */
	if (d->len == 1)
		p = memchr(buf, d->bytes[0], len);
	else
		p = memmem(buf, len, d->bytes, d->len);
	return p == NULL ? 0 : (size_t)(p - buf) + d->len;
}

size_t
frame_whole(const struct delim *d, const char *buf, size_t len)
{
	const char	*p;
	size_t		 end = 0, n;

	if (len == 0)
		return 0;
	if (d->len == 1) {
		p = memrchr(buf, d->bytes[0], len);
		return p == NULL ? 0 : (size_t)(p - buf) + 1;
	}
	/*
	 * Forwards, not backwards: a delimiter that overlaps itself ("aa" in
	 * "aaa") must split where a reader going forwards splits.
	 */
	while ((n = frame_next(d, buf + end, len - end)) != 0)
		end += n;
	return end;
}

size_t
frame_scan(const struct delim *d, struct frame_scan *fs, const char *buf,
    size_t len)
{
	const char	*p;
	size_t		 from, n;

	if (len <= fs->scanned)
		return fs->whole;
	/*
	 * No delimiter starts between whole and the last d->len - 1 bytes
	 * searched, or it would have been found: resume there.  Going on
	 * from a message end splits as a scan from the start would.
	 */
	from = fs->scanned >= d->len - 1 ? fs->scanned - (d->len - 1) : 0;
	if (from < fs->whole)
		from = fs->whole;
	if (d->len == 1) {
		p = memrchr(buf + from, d->bytes[0], len - from);
		if (p != NULL)
			fs->whole = (size_t)(p - buf) + 1;
	} else
		while ((n = frame_next(d, buf + from, len - from)) != 0) {
			from += n;
			fs->whole = from;
		}
	fs->scanned = len;
	return fs->whole;
}

void
frame_consumed(struct frame_scan *fs, size_t n)
{
	fs->whole = fs->whole > n ? fs->whole - n : 0;
	fs->scanned = fs->scanned > n ? fs->scanned - n : 0;
}
