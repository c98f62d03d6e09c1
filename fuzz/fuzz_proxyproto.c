/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The PROXY protocol header parsers (v1 and v2) fed arbitrary bytes, as
 * a client of --accept-proxy may send.  Beyond not crashing: a prefix
 * of the input either asks for more or gives the answer the whole
 * input gives (a server reading in pieces must decide as one reading
 * at once would), a v1 header is never longer than 107 bytes, and what
 * parses with an address is built again (v1 and v2) to the same
 * addresses (but two IPv4-mapped ones, sent again as IPv4).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "proxyproto.h"

static void
same_addrs(const struct pp_addrs *a, const struct pp_addrs *b)
{
	assert(a->family == b->family);
	if (a->family == AF_UNSPEC)
		return;
	assert(a->len == b->len);
	assert(memcmp(&a->src, &b->src, a->len) == 0);
	assert(memcmp(&a->dst, &b->dst, a->len) == 0);
}

/* Both IPv4-mapped: built again as IPv4, on purpose. */
static int
both_mapped(const struct pp_addrs *a)
{
	const struct sockaddr_in6	*s = (const void *)&a->src;
	const struct sockaddr_in6	*d = (const void *)&a->dst;

	return a->family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s->sin6_addr) &&
	    IN6_IS_ADDR_V4MAPPED(&d->sin6_addr);
}

static void
rebuild(const struct pp_addrs *a)
{
	unsigned char	 out[PP_BUILD_MAX];
	struct pp_addrs	 b;
	const char	*why;
	size_t		 n;
	int		 v;

	for (v = 1; v <= 2; v++) {
		n = pp_build(v, (const struct sockaddr *)&a->src,
		    (const struct sockaddr *)&a->dst, out);
		assert(n <= PP_BUILD_MAX);
		assert(pp_parse(out, n, &b, &why) == (ssize_t)n);
		if (!both_mapped(a))
			same_addrs(a, &b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pp_addrs	 whole, part;
	const char	*why;
	ssize_t		 r, p;
	size_t		 cut;

	if (size == 0)
		return 0;
	cut = data[0] % (size + 1);
	data++;
	size--;
	if (cut > size)
		cut = size;
	r = pp_parse(data, size, &whole, &why);
	assert(r >= -1);
	if (r > 0 && data[0] == 'P')
		assert(r <= PP_V1_MAX);
	p = pp_parse(data, cut, &part, &why);
	assert(p == 0 || p == r);
	if (r > 0 && p == r)
		same_addrs(&whole, &part);
	if (r > 0 && whole.family != AF_UNSPEC)
		rebuild(&whole);
	return 0;
}
