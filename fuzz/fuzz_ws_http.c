/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The WebSocket handshake parsers on arbitrary heads: a server's look
 * at a request (with and without a path, an Origin list and a
 * subprotocol) and a client's look at an answer.  The answer a server
 * gives must be a whole HTTP head within its buffer, its status one of
 * those RFC 6455 and sockit's contract name.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "ws_http.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_cfg	 cfg;
	char		*head, out[WS_HTTP_MAX], why[256];
	size_t		 end, outlen;
	int		 st;

	if ((head = malloc(size + 1)) == NULL)
		return 0;
	memcpy(head, data, size);
	head[size] = '\0';
	end = ws_http_end(head, size);
	assert(end <= size);
	memset(&cfg, 0, sizeof(cfg));
	strlcpy(cfg.path, size > 0 && data[0] & 1 ? "/chat" : "/",
	    sizeof(cfg.path));
	strlcpy(cfg.host, "localhost", sizeof(cfg.host));
	if (size > 0 && data[0] & 2) {
		cfg.origins[cfg.norigins++] = "https://example.com";
		cfg.protocol = "chat";
	}
	st = ws_http_answer(head, end != 0 ? end : size, &cfg, out,
	    sizeof(out), &outlen, why, sizeof(why));
	assert(st == 101 || st == 400 || st == 403 || st == 404 || st == 426);
	assert(outlen < sizeof(out) && ws_http_end(out, outlen) > 0);
	(void)ws_http_check(head, end != 0 ? end : size, &cfg,
	    "dGhlIHNhbXBsZSBub25jZQ==", why, sizeof(why));
	free(head);
	return 0;
}
