/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Address parsing on arbitrary text: no crash, no overrun, and what
 * parses holds what the rest of sockit relies on.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr	 a;
	char		 err[256], *s, *port;
	int		 flags, family;

	if (size < 1)
		return 0;
	/* The first byte picks the flags and family; the rest is text. */
	flags = data[0] & (ADDR_FORCE_UNIX | ADDR_SERVER);
	family = (data[0] >> 2) % 3;
	family = family == 0 ? AF_UNSPEC : family == 1 ? AF_INET : AF_INET6;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	if (addr_parse(s, flags, family, &a, err, sizeof(err)) == 0) {
		if (a.kind == ADDR_TCP) {
			assert(a.port[0] != '\0');
			assert(strlen(a.host) < sizeof(a.host));
			if (family != AF_UNSPEC)
				assert(a.family == family);
		} else if (a.kind == ADDR_SYSTEMD) {
			/* "systemd" names no socket; "systemd:NAME" does. */
			assert(strlen(a.path) <= ADDR_PATH_MAX);
			assert(strstr(s, a.path) != NULL);
		} else {
			assert(a.path[0] != '\0');
			assert(strlen(a.path) <= ADDR_PATH_MAX);
			/* Never truncated: the path is the argument's tail. */
			assert(strstr(s, a.path) != NULL);
		}
	} else
		assert(err[0] != '\0' && memchr(err, '\0', sizeof(err)));

	/* HOST PORT: split at an embedded NUL, if any. */
	port = s + strlen(s) + 1;
	if (port < s + size - 1 &&
	    addr_parse_pair(s, port, flags, family, &a, err, sizeof(err)) == 0)
		assert(a.kind == ADDR_TCP && a.port[0] != '\0');
	free(s);
	return 0;
}
