/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* Durations, numbers and delimiter escapes on arbitrary text. */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct delim	 d;
	const char	*why;
	long long	 n;
	int64_t		 ms;
	char		*s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	why = NULL;
	if (parse_duration(s, &ms, &why) == 0)
		assert(ms >= 0 && ms <= 7LL * 24 * 3600 * 1000);
	else
		assert(why != NULL);

	why = NULL;
	if (parse_number(s, 1, 1000000, &n, &why) == 0)
		assert(n >= 1 && n <= 1000000);
	else
		assert(why != NULL);

	why = NULL;
	memset(&d, 0, sizeof(d));
	if (delim_parse(s, &d, &why) == 0)
		assert(d.len >= 1 && d.len <= DELIM_MAX && d.len <= size);
	else
		assert(why != NULL);
	free(s);
	return 0;
}
