/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * FTP PORT and EPRT arguments on arbitrary text: no crash, no overrun,
 * and an address that parses is one the canonical spelling of gives
 * back unchanged.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftp/ftp.h"

static void
check_port(const char *s)
{
	struct sockaddr_storage	 ss, again;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	socklen_t		 len, len2;
	unsigned char		*h;
	unsigned int		 p;
	char			 canon[32];

	if (ftp_parse_port(s, &ss, &len) == -1)
		return;
	assert(sin->sin_family == AF_INET && len == sizeof(*sin));
	h = (unsigned char *)&sin->sin_addr;
	p = ntohs(sin->sin_port);
	snprintf(canon, sizeof(canon), "%u,%u,%u,%u,%u,%u", h[0], h[1], h[2],
	    h[3], p >> 8, p & 0xff);
	assert(ftp_parse_port(canon, &again, &len2) == 0 && len2 == len);
	assert(memcmp(&ss, &again, len) == 0);
	/* Only digits and five commas get through. */
	assert(strspn(s, "0123456789,") == strlen(s));
}

static void
check_eprt(const char *s)
{
	struct sockaddr_storage	 ss, again;
	socklen_t		 len, len2;
	const char		*why = NULL;
	char			 host[INET6_ADDRSTRLEN], canon[80];
	int			 r, port;

	r = ftp_parse_eprt(s, &ss, &len, &why);
	if (r != 0) {
		assert((r == -1 || r == -2) && why != NULL && *why != '\0');
		return;
	}
	if (ss.ss_family == AF_INET) {
		assert(len == sizeof(struct sockaddr_in));
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    host, sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else {
		assert(ss.ss_family == AF_INET6);
		assert(len == sizeof(struct sockaddr_in6));
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	snprintf(canon, sizeof(canon), "|%d|%s|%d|",
	    ss.ss_family == AF_INET ? 1 : 2, host, port);
	assert(ftp_parse_eprt(canon, &again, &len2, &why) == 0);
	assert(len2 == len && memcmp(&ss, &again, len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_port(s);
	check_eprt(s);
	free(s);
	return 0;
}
