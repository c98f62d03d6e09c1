/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The arguments of PORT (RFC 959) and EPRT (RFC 2428) made into a
 * socket address.  They are apart from the commands so that they can
 * be fuzzed alone: they are where a client's text turns into an
 * address the server connects to (which ftp_data.c then checks is the
 * client's own).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

#include "ftp.h"
#include "util.h"

/* One PORT number: 1 to 3 digits, at most 255; *s moves past it. */
static int
byte(const char **s, unsigned int *v)
{
	int	n;

	*v = 0;
	for (n = 0; **s >= '0' && **s <= '9'; n++, (*s)++) {
		if (n == 3)
			return -1;
		*v = *v * 10 + (unsigned int)(**s - '0');
	}
	return n == 0 || *v > 255 ? -1 : 0;
}

int
ftp_parse_port(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	unsigned int		 h[6];
	int			 i;

	for (i = 0; i < 6; i++) {
		if (byte(&arg, &h[i]) == -1)
			return -1;
		if (*arg++ != (i < 5 ? ',' : '\0'))
			return -1;
	}
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(h[0] << 24 | h[1] << 16 | h[2] << 8 |
	    h[3]);
	sin->sin_port = htons((uint16_t)(h[4] << 8 | h[5]));
	*len = sizeof(*sin);
	return 0;
}

/* The next field of an EPRT argument, up to delimiter d, into f. */
static const char *
field(const char *s, int d, char *f, size_t cap)
{
	const char	*e = strchr(s, d);

	if (e == NULL || (size_t)(e - s) >= cap)
		return NULL;
	memcpy(f, s, (size_t)(e - s));
	f[e - s] = '\0';
	return e + 1;
}

int
ftp_parse_eprt(const char *arg, struct sockaddr_storage *ss, socklen_t *len,
    const char **why)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;
	char			 proto[4], host[INET6_ADDRSTRLEN], port[8];
	long long		 n;
	int			 d = (unsigned char)arg[0];

	*why = "EPRT |proto|address|port|";
	/* RFC 2428: any printable ASCII but what a field may hold. */
	if (d < 33 || d > 126 || strchr("0123456789.:", d) != NULL)
		return -1;
	if ((arg = field(arg + 1, d, proto, sizeof(proto))) == NULL ||
	    (arg = field(arg, d, host, sizeof(host))) == NULL ||
	    (arg = field(arg, d, port, sizeof(port))) == NULL || *arg != '\0')
		return -1;
	if (parse_number(port, 0, 65535, &n, why) == -1)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (strcmp(proto, "1") == 0 &&
	    inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)n);
		*len = sizeof(*s4);
	} else if (strcmp(proto, "2") == 0 &&
	    inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)n);
		*len = sizeof(*s6);
	} else {
		*why = "Network protocol not supported, use (1,2)";
		return -2;
	}
	return 0;
}
