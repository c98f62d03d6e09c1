/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The PROXY protocol of haproxy (proxy-protocol.txt), versions 1 (a
 * text line) and 2 (binary): the header a proxy sends first, carrying
 * the addresses of the client it took.  Parsed on servers
 * (--accept-proxy), built by relay (--send-proxy).  Returns errors;
 * never exits.
 */
#ifndef SOCKIT_PROXYPROTO_H
#define SOCKIT_PROXYPROTO_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>

#define PP_V1_MAX	107	/* a v1 line, CRLF included */
#define PP_V2_HEAD	16	/* v2's fixed part, before its length */
/* What pp_parse needs to see at most to know the addresses. */
#define PP_PEEK_MAX	(PP_V2_HEAD + 216)
/* What pp_build writes at most. */
#define PP_BUILD_MAX	PP_PEEK_MAX

struct pp_addrs {
	int			 family;	/* AF_INET, AF_INET6; AF_UNSPEC:
						   none (LOCAL, UNKNOWN) */
	struct sockaddr_storage	 src, dst;
	socklen_t		 len;		/* of src and of dst */
};

/*
 * A header at the start of buf, of which len bytes are there: its
 * whole length (which, for v2, may be more than len: the rest is TLVs
 * to skip), 0 if more bytes are needed to tell, or -1 with why if it is
 * no valid header.
 */
ssize_t	pp_parse(const void *buf, size_t len, struct pp_addrs *,
	    const char **why);
/*
 * The header of version 1 or 2 for a client at src that came to dst,
 * into out (PP_BUILD_MAX bytes): its length.  Addresses that are not
 * IPv4 or IPv6 (a unix client), or NULL, say "unknown".
 */
size_t	pp_build(int version, const struct sockaddr *src,
	    const struct sockaddr *dst, unsigned char *out);

#endif
