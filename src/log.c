/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

#define LINE_MAX_LEN	8192

static const char	*log_cmd;
static int		 log_verbosity;
void			(*log_nc)(int, int, const char *);
static int		 log_json;

void
log_init(const char *cmd, int verbosity)
{
	log_cmd = cmd;
	log_verbosity = verbosity;
}

void
log_set_json(int on)
{
	log_json = on;
}

int
log_is_json(void)
{
	return log_json;
}

/* Append s to line (at *n) as a JSON string, quotes included. */
static void
put_str(char *line, size_t *n, const char *s)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		c;

	if (*n < LINE_MAX_LEN)
		line[(*n)++] = '"';
	/* Room kept for the longest escape, the quote and the brace. */
	for (; (c = (unsigned char)*s) != '\0' && *n + 9 < LINE_MAX_LEN; s++) {
		if (c == '"' || c == '\\') {
			line[(*n)++] = '\\';
			line[(*n)++] = c;
		} else if (c < 0x20 || c >= 0x7f) {
			/* Bytes, not UTF-8 we could vouch for: as Latin-1. */
			memcpy(line + *n, "\\u00", 4);
			line[*n + 4] = hex[c >> 4];
			line[*n + 5] = hex[c & 0xf];
			*n += 6;
		} else
			line[(*n)++] = c;
	}
	line[(*n)++] = '"';
}

static void
put_raw(char *line, size_t *n, const char *fmt, ...)
{
	va_list	ap;
	int	k;

	if (*n >= LINE_MAX_LEN)
		return;
	va_start(ap, fmt);
	k = vsnprintf(line + *n, LINE_MAX_LEN - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n += (size_t)k < LINE_MAX_LEN - *n ? (size_t)k :
		    LINE_MAX_LEN - *n - 1;
}

/* RFC 3339, UTC, to the millisecond. */
static void
put_time(char *line, size_t *n)
{
	struct timespec	ts;
	struct tm	tm;
	char		buf[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	put_raw(line, n, "{\"time\":\"%s.%03ldZ\"", buf, ts.tv_nsec / 1000000);
}

static void
json_line(int level, const char *event, const struct log_field *f,
    size_t nf, const char *msg)
{
	char	line[LINE_MAX_LEN + 2];
	size_t	n = 0, i;

	put_time(line, &n);
	put_raw(line, &n, ",\"level\":\"%s\",\"cmd\":", level == 0 ? "error" :
	    level == 1 ? "info" : "debug");
	put_str(line, &n, log_cmd != NULL ? log_cmd : "sockit");
	put_raw(line, &n, ",\"event\":");
	put_str(line, &n, event);
	for (i = 0; i < nf; i++) {
		put_raw(line, &n, ",");
		put_str(line, &n, f[i].key);
		if (f[i].str != NULL) {
			put_raw(line, &n, ":");
			put_str(line, &n, f[i].str);
		} else
			put_raw(line, &n, ":%lld", f[i].num);
	}
	put_raw(line, &n, ",\"msg\":");
	put_str(line, &n, msg);
	if (n > LINE_MAX_LEN - 1)
		n = LINE_MAX_LEN - 1;
	line[n++] = '}';
	line[n] = '\0';
	fprintf(stderr, "%s\n", line);
}

static void
log_vprint(int level, const char *event, const struct log_field *f,
    size_t nf, const char *fmt, va_list ap)
{
	char	line[1024];
	int	n, e = errno;

	if (log_json) {
		vsnprintf(line, sizeof(line), fmt, ap);
		json_line(level, event, f, nf, line);
		errno = e;
		return;
	}
	/* One write per line, so lines of concurrent processes stay whole. */
	if (log_cmd != NULL)
		n = snprintf(line, sizeof(line), "sockit: %s: ", log_cmd);
	else
		n = snprintf(line, sizeof(line), "sockit: ");
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	fprintf(stderr, "%s\n", line);
	/* A caller may log, then look at errno or print strerror(errno). */
	errno = e;
}

void
log_err(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vprint(0, "error", NULL, 0, fmt, ap);
	va_end(ap);
}

void
log_v(int level, const char *fmt, ...)
{
	va_list	ap;

	if (log_verbosity < level)
		return;
	va_start(ap, fmt);
	log_vprint(level, "log", NULL, 0, fmt, ap);
	va_end(ap);
}

void
log_event(int level, const char *event, const struct log_field *f,
    size_t nf, const char *fmt, ...)
{
	va_list	ap;

	if (log_verbosity < level)
		return;
	va_start(ap, fmt);
	log_vprint(level, event, f, nf, fmt, ap);
	va_end(ap);
}
