/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The WebSocket frame parser fed an arbitrary stream in arbitrary
 * chunks, parsing in place as the transport does.  Whatever the
 * chunking, it must give the same payload bytes and the same events as
 * one call over the whole stream, never write past what it took (the
 * payload moves down over the headers), and hold no control frame over
 * 125 bytes.
 *
 * Input: byte 0 = role (bit 0: server) and the first chunk size, then
 * the stream; later chunk sizes come from the stream's own bytes.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"

/* Parse buf[0..n) in chunks of sizes from seed; events and payload out. */
static size_t
run(int server, const uint8_t *in, size_t n, unsigned seed, uint8_t *out,
    int *evs, size_t *nev)
{
	struct ws_parser ps;
	uint8_t		 chunk[300];
	size_t		 pos = 0, outlen = 0, k, i, used, o;
	enum ws_ev	 ev;

	ws_parser_init(&ps, server, 4096);
	*nev = 0;
	while (pos < n) {
		k = seed == 0 ? n - pos : seed % 17 + 1;
		if (k > n - pos)
			k = n - pos;
		if (k > sizeof(chunk))
			k = sizeof(chunk);
		seed = seed == 0 ? 0 : in[pos] + 1;
		memcpy(chunk, in + pos, k);
		for (i = 0; i < k; i += used) {
			ev = ws_parse(&ps, chunk + i, k - i, &used, chunk + i,
			    k - i, &o);
			assert(o <= used && used <= k - i);
			assert(ps.clen <= WS_CTL_MAX);
			memcpy(out + outlen, chunk + i, o);
			outlen += o;
			if (ev != WS_EV_MORE)
				evs[(*nev)++] = ev == WS_EV_CTL ? 0x10 | ps.op : ev;
			if (ev == WS_EV_ERROR)
				return outlen;
			assert(used > 0 || ev != WS_EV_MORE);
			if (used == 0 && ev == WS_EV_MORE)
				break;
		}
		pos += k;
	}
	return outlen;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*whole, *chunked;
	int	*ev1, *ev2;
	size_t	 n1, n2, ne1, ne2;

	if (size < 1)
		return 0;
	whole = malloc(size);
	chunked = malloc(size);
	ev1 = malloc(size * sizeof(int) + sizeof(int));
	ev2 = malloc(size * sizeof(int) + sizeof(int));
	if (whole == NULL || chunked == NULL || ev1 == NULL || ev2 == NULL)
		goto done;
	n1 = run(data[0] & 1, data + 1, size - 1, 0, whole, ev1, &ne1);
	n2 = run(data[0] & 1, data + 1, size - 1, data[0] >> 1 | 1, chunked,
	    ev2, &ne2);
	assert(ne1 == ne2 && memcmp(ev1, ev2, ne1 * sizeof(int)) == 0);
	if (ne1 > 0 && ev1[ne1 - 1] == WS_EV_ERROR)
		assert(memcmp(whole, chunked, n1 < n2 ? n1 : n2) == 0);
	else
		assert(n1 == n2 && memcmp(whole, chunked, n1) == 0);
done:
	free(whole);
	free(chunked);
	free(ev1);
	free(ev2);
	return 0;
}
