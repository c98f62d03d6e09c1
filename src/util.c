/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* A week: long enough for any timeout, short enough never to overflow. */
#define DURATION_MAX_MS	(7LL * 24 * 3600 * 1000)

int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
parse_duration(const char *s, int64_t *ms, const char **why)
{
	static const struct {
		const char	*name;
		double		 scale;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 },
		{ "m", 60 * 1000 }, { "h", 3600 * 1000 },
	};
	const char	*p = s;
	double		 v = 0, frac = 0.1;
	int		 digits = 0;
	size_t		 i;

	/* By hand rather than strtod: no locale, no hex, no exponents. */
	for (; isdigit((unsigned char)*p); p++, digits++) {
		v = v * 10 + (*p - '0');
		if (v > DURATION_MAX_MS) {
			*why = "too large (at most a week)";
			return -1;
		}
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits++) {
			v += (*p - '0') * frac;
			frac /= 10;
		}
	if (digits == 0) {
		*why = "not a duration (say 2, 2s, 500ms, 1.5m or 1h)";
		return -1;
	}
	for (i = 0; i < NELEM(units); i++)
		if (strcmp(p, units[i].name) == 0)
			break;
	if (i == NELEM(units)) {
		*why = "unknown unit (use ms, s, m or h)";
		return -1;
	}
	v *= units[i].scale;
	if (v > DURATION_MAX_MS) {
		*why = "too large (at most a week)";
		return -1;
	}
	*ms = (int64_t)(v + 0.5);
	if (*ms == 0 && v > 0)
		*ms = 1;
	return 0;
}

int
parse_number(const char *s, long long min, long long max, long long *out,
    const char **why)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		*why = errstr;	/* "invalid", "too small", "too large" */
		return -1;
	}
	*out = v;
	return 0;
}

int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
