/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * LISTEN_FDNAMES as a service manager (or whoever sets the environment)
 * may pass it: the name picked must be the first field equal to it,
 * within the count, and nothing is read past the string.
 *
 * Input: byte 0 is the count LISTEN_FDS gave, then NAME, a NUL, and
 * LISTEN_FDNAMES.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "systemd.h"

/* Field i of names, as a second, plainer reading. */
static int
field_is(const char *names, int i, const char *name)
{
	const char	*p = names;
	size_t		 len;

	while (i-- > 0) {
		if ((p = strchr(p, ':')) == NULL)
			return 0;
		p++;
	}
	len = strcspn(p, ":");
	return len == strlen(name) && memcmp(p, name, len) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *names;
	int	 n, i, j;

	if (size < 1)
		return 0;
	n = data[0];
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	s[size] = '\0';
	names = s + strlen(s) + 1;
	if (names > s + size - 1)
		names = s + size - 1;	/* no NUL: the names are "" */
	i = systemd_fdname(names, n, s);
	assert(i >= -1 && i < n);
	if (i >= 0)
		assert(field_is(names, i, s));
	for (j = 0; j < (i >= 0 ? i : n); j++)
		assert(!field_is(names, j, s));
	free(s);
	return 0;
}
