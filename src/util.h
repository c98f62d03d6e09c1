/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* Numbers, durations and clocks: parsing of outside text, no I/O. */
#ifndef SOCKIT_UTIL_H
#define SOCKIT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Milliseconds on the monotonic clock. */
int64_t	now_ms(void);
/* Milliseconds since the epoch on the wall clock. */
int64_t	wall_ms(void);

/*
 * Parse a duration ("2", "2s", "500ms", "1.5m", "1h") into milliseconds.
 * Returns 0, or -1 with *why set to a static reason.
 */
int	parse_duration(const char *s, int64_t *ms, const char **why);
/* Parse a decimal integer in [min, max]; -1 with *why on error. */
int	parse_number(const char *s, long long min, long long max,
	    long long *out, const char **why);

/* The value of hex digit c, or -1. */
int	hexval(int c);

#endif
