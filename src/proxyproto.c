/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxyproto.h"

static const unsigned char	v2sig[12] = "\r\n\r\n\0\r\nQUIT\n";

/* Does buf (len bytes) start as prefix does, as far as it goes? */
static int
starts(const void *buf, size_t len, const void *prefix, size_t plen)
{
	return memcmp(buf, prefix, len < plen ? len : plen) == 0;
}

/* A port of v1: decimal, 0 to 65535, no sign nor leading zero. */
static int
v1_port(const char *s, uint16_t *port)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9' || (*s == '0' && s[1] != '\0'))
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v > 65535)
		return -1;
	*port = htons((uint16_t)v);
	return 0;
}

static void
set_sa(struct pp_addrs *a, int family, const void *src, const void *dst,
    uint16_t sport, uint16_t dport)
{
	struct sockaddr_in	*s4 = (void *)&a->src, *d4 = (void *)&a->dst;
	struct sockaddr_in6	*s6 = (void *)&a->src, *d6 = (void *)&a->dst;

	memset(&a->src, 0, sizeof(a->src));
	memset(&a->dst, 0, sizeof(a->dst));
	a->family = family;
	if (family == AF_INET) {
		s4->sin_family = d4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, src, 4);
		memcpy(&d4->sin_addr, dst, 4);
		s4->sin_port = sport;
		d4->sin_port = dport;
		a->len = sizeof(*s4);
	} else {
		s6->sin6_family = d6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, src, 16);
		memcpy(&d6->sin6_addr, dst, 16);
		s6->sin6_port = sport;
		d6->sin6_port = dport;
		a->len = sizeof(*s6);
	}
}

/* "PROXY TCP4|TCP6 SRC DST SPORT DPORT", CRLF gone; or UNKNOWN. */
static int
v1_fields(char *line, struct pp_addrs *a, const char **why)
{
	char		*f[6];
	unsigned char	 src[16], dst[16];
	uint16_t	 sport, dport;
	int		 n = 0, family;

	while (n < 6 && (f[n] = strsep(&line, " ")) != NULL)
		n++;
	if (n >= 2 && strcmp(f[0], "PROXY") == 0 &&
	    strcmp(f[1], "UNKNOWN") == 0) {
		a->family = AF_UNSPEC;
		return 0;
	}
	*why = "a bad PROXY v1 line";
	if (n != 6 || line != NULL || strcmp(f[0], "PROXY") != 0)
		return -1;
	if (strcmp(f[1], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		family = AF_INET6;
	else
		return -1;
	if (inet_pton(family, f[2], src) != 1 ||
	    inet_pton(family, f[3], dst) != 1 ||
	    v1_port(f[4], &sport) == -1 || v1_port(f[5], &dport) == -1)
		return -1;
	set_sa(a, family, src, dst, sport, dport);
	return 0;
}

static ssize_t
parse_v1(const char *buf, size_t len, struct pp_addrs *a, const char **why)
{
	char	 line[PP_V1_MAX + 1];
	size_t	 n, max = len < PP_V1_MAX ? len : PP_V1_MAX;

	for (n = 0; n + 1 < max; n++)
		if (buf[n] == '\r' && buf[n + 1] == '\n')
			break;
	if (n + 1 >= max) {
		if (len < PP_V1_MAX && memchr(buf, '\n', len) == NULL)
			return 0;
		*why = "no end to a PROXY v1 line within 107 bytes";
		return -1;
	}
	/*
	 * A lone LF is refused wherever it stands: before the CRLF has
	 * come, it already is (above), and a server reading in pieces
	 * must decide as one reading it all at once.
	 */
	if (memchr(buf, '\0', n) != NULL || memchr(buf, '\n', n) != NULL) {
		*why = "a bad PROXY v1 line";
		return -1;
	}
	memcpy(line, buf, n);
	line[n] = '\0';
	return v1_fields(line, a, why) == -1 ? -1 : (ssize_t)n + 2;
}

/* A port as it stands in v2, in network order (maybe unaligned). */
static uint16_t
net16(const unsigned char *p)
{
	uint16_t	v;

	memcpy(&v, p, 2);
	return v;
}

static ssize_t
parse_v2(const unsigned char *b, size_t len, struct pp_addrs *a,
    const char **why)
{
	size_t	total, need;

	if (len < PP_V2_HEAD)
		return 0;
	total = PP_V2_HEAD + ((size_t)b[14] << 8 | b[15]);
	if (b[12] >> 4 != 2 || (b[12] & 0xf) > 1) {
		*why = "a PROXY v2 header of an unknown version or command";
		return -1;
	}
	a->family = AF_UNSPEC;
	if ((b[12] & 0xf) == 0)
		return total;	/* LOCAL: the proxy's own, no address */
	switch (b[13] >> 4) {
	case 1:
		need = 12;
		break;
	case 2:
		need = 36;
		break;
	case 0:
	case 3:
		return total;	/* UNSPEC, unix: no address to use */
	default:
		*why = "a PROXY v2 header of an unknown address family";
		return -1;
	}
	if (total < PP_V2_HEAD + need) {
		*why = "a PROXY v2 header too short for its addresses";
		return -1;
	}
	if (len < PP_V2_HEAD + need)
		return 0;
	b += PP_V2_HEAD;
	if (need == 12)
		set_sa(a, AF_INET, b, b + 4, net16(b + 8), net16(b + 10));
	else
		set_sa(a, AF_INET6, b, b + 16, net16(b + 32), net16(b + 34));
	return total;
}

ssize_t
pp_parse(const void *buf, size_t len, struct pp_addrs *a, const char **why)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_UNSPEC;
	if (len == 0)
		return 0;
	if (starts(buf, len, v2sig, sizeof(v2sig)))
		return len < sizeof(v2sig) ? 0 : parse_v2(buf, len, a, why);
	if (starts(buf, len, "PROXY ", 6))
		return len < 6 ? 0 : parse_v1(buf, len, a, why);
	*why = "no PROXY protocol header";
	return -1;
}

/* An IPv4-mapped IPv6 address as the IPv4 one, so both ends agree. */
static void
unmap(const struct sockaddr *sa, struct sockaddr_storage *out)
{
	const struct sockaddr_in6	*s6 = (const void *)sa;
	struct sockaddr_in		*s4 = (void *)out;

	memset(out, 0, sizeof(*out));
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, s6->sin6_addr.s6_addr + 12, 4);
		s4->sin_port = s6->sin6_port;
	} else if (sa->sa_family == AF_INET)
		memcpy(out, sa, sizeof(struct sockaddr_in));
	else if (sa->sa_family == AF_INET6)
		memcpy(out, sa, sizeof(struct sockaddr_in6));
}

static size_t
build_v1(int family, const struct sockaddr_storage *s,
    const struct sockaddr_storage *d, unsigned char *out)
{
	const struct sockaddr_in	*s4 = (const void *)s, *d4 = (const void *)d;
	const struct sockaddr_in6	*s6 = (const void *)s, *d6 = (const void *)d;
	char				 a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int				 n;

	if (family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		inet_ntop(AF_INET, &d4->sin_addr, b, sizeof(b));
		n = snprintf((char *)out, PP_BUILD_MAX, "PROXY TCP4 %s %s %u %u"
		    "\r\n", a, b, ntohs(s4->sin_port), ntohs(d4->sin_port));
	} else if (family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		inet_ntop(AF_INET6, &d6->sin6_addr, b, sizeof(b));
		n = snprintf((char *)out, PP_BUILD_MAX, "PROXY TCP6 %s %s %u %u"
		    "\r\n", a, b, ntohs(s6->sin6_port), ntohs(d6->sin6_port));
	} else
		n = snprintf((char *)out, PP_BUILD_MAX, "PROXY UNKNOWN\r\n");
	return (size_t)n;
}

static size_t
build_v2(int family, const struct sockaddr_storage *s,
    const struct sockaddr_storage *d, unsigned char *out)
{
	const struct sockaddr_in	*s4 = (const void *)s, *d4 = (const void *)d;
	const struct sockaddr_in6	*s6 = (const void *)s, *d6 = (const void *)d;
	unsigned char			*p = out + PP_V2_HEAD;

	memcpy(out, v2sig, sizeof(v2sig));
	out[12] = 0x21;		/* version 2, PROXY */
	out[13] = 0x00;		/* UNSPEC, unless an address follows */
	if (family == AF_INET) {
		out[13] = 0x11;
		memcpy(p, &s4->sin_addr, 4);
		memcpy(p + 4, &d4->sin_addr, 4);
		memcpy(p + 8, &s4->sin_port, 2);
		memcpy(p + 10, &d4->sin_port, 2);
		p += 12;
	} else if (family == AF_INET6) {
		out[13] = 0x21;
		memcpy(p, &s6->sin6_addr, 16);
		memcpy(p + 16, &d6->sin6_addr, 16);
		memcpy(p + 32, &s6->sin6_port, 2);
		memcpy(p + 34, &d6->sin6_port, 2);
		p += 36;
	}
	out[14] = (unsigned char)((p - out - PP_V2_HEAD) >> 8);
	out[15] = (unsigned char)(p - out - PP_V2_HEAD);
	return (size_t)(p - out);
}

/* Both ends IPv4, or both IPv6 (IPv4 then mapped), or none. */
static int
same_family(struct sockaddr_storage *s, struct sockaddr_storage *d)
{
	struct sockaddr_storage	*v4;
	struct sockaddr_in6	 m;
	struct sockaddr_in	*in;

	if (s->ss_family == AF_UNSPEC || d->ss_family == AF_UNSPEC)
		return AF_UNSPEC;
	if (s->ss_family == d->ss_family)
		return s->ss_family;
	v4 = s->ss_family == AF_INET ? s : d;
	in = (void *)v4;
	memset(&m, 0, sizeof(m));
	m.sin6_family = AF_INET6;
	m.sin6_port = in->sin_port;
	m.sin6_addr.s6_addr[10] = m.sin6_addr.s6_addr[11] = 0xff;
	memcpy(m.sin6_addr.s6_addr + 12, &in->sin_addr, 4);
	memcpy(v4, &m, sizeof(m));
	return AF_INET6;
}

size_t
pp_build(int version, const struct sockaddr *src, const struct sockaddr *dst,
    unsigned char *out)
{
	struct sockaddr_storage	s, d;
	int			family;

	unmap(src, &s);
	unmap(dst, &d);
	family = same_family(&s, &d);
	if (version == 1)
		return build_v1(family, &s, &d, out);
	return build_v2(family, &s, &d, out);
}
