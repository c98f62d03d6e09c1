/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The proxy handshake fed an arbitrary reply in arbitrary chunks, with
 * no socket: every SOCKS5 and HTTP CONNECT reply parser must end in
 * done, a one-line error or a wish for more, never take a byte past
 * the reply (those are the target's), and never run off a buffer.
 *
 * Input: byte 0 picks the kind (socks5, socks5h, http) and whether we
 * have credentials; byte 1 the chunk size (0 = one byte at a time);
 * the rest is what the proxy says.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "proxy.h"

static void
setup(struct proxy *px, int pick)
{
	static const unsigned char	conn[] = { 5, 1, 0, 3, 4, 'h', 'o',
	    's', 't', 0, 80 };

	memset(px, 0, sizeof(*px));
	px->kind = pick % 3 == 0 ? PROXY_SOCKS5 : pick % 3 == 1 ?
	    PROXY_SOCKS5H : PROXY_HTTP;
	px->auth = pick & 4;
	strcpy(px->name, "fuzz://proxy");
	strcpy(px->target, "host:80");
	strcpy(px->user, "bob");
	strcpy(px->pass, "s3cret");
	memcpy(px->req, conn, sizeof(conn));
	px->reqlen = sizeof(conn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy	 px;
	struct proxy_hs	 hs;
	char		 err[256];
	size_t		 off, n, used, chunk;
	int		 r = 0;

	if (size < 2)
		return 0;
	setup(&px, data[0]);
	proxy_hs_init(&hs, &px);
	chunk = data[1] == 0 ? 1 : data[1];
	for (off = 2; off < size && r == 0; off += used) {
		/* What the handshake queued has gone out. */
		hs.outoff = hs.outlen;
		n = size - off < chunk ? size - off : chunk;
		err[0] = '\0';
		r = proxy_hs_input(&hs, data + off, n, &used, err,
		    sizeof(err));
		assert(used <= n);
		assert(hs.inlen < sizeof(hs.in));
		if (r == -1)
			assert(err[0] != '\0' && memchr(err, '\n', strlen(err))
			    == NULL);
		else if (r == 0 && hs.outoff >= hs.outlen)
			assert(used == n);	/* it wants more: it took all */
	}
	/* An HTTP reply ends with its blank line, and not one byte later. */
	if (r == 1 && px.kind == PROXY_HTTP)
		assert(hs.inlen >= 4 &&
		    memcmp(hs.in + hs.inlen - 4, "\r\n\r\n", 4) == 0);
	return 0;
}
