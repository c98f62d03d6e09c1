/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The message framer fed an arbitrary stream in arbitrary chunks.
 * A reader that passes on frame_whole() of what it holds, and cuts a
 * piece when its buffer is full, must put out exactly the input, and
 * the messages it passes whole must be the ones a single forward split
 * of the whole stream gives, whatever the chunking.
 *
 * frame_scan, which searches only what is new, must find the same
 * message ends as frame_whole searching the whole buffer each time.
 *
 * Input: byte 0 = delimiter length (1-4), then the delimiter, then one
 * byte of buffer size, then the stream; chunk sizes come from the
 * stream's own bytes so that the fuzzer controls them too.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct delim	 d;
	struct frame_scan fs = { 0, 0 };
	const char	*in;
	char		*buf, *out;
	size_t		 dlen, cap, n, pos = 0, held = 0, outlen = 0;
	size_t		 chunk, whole, e;
	unsigned char	*bound;	/* ends of messages in a one-shot split */
	int		 piece = 0;

	if (size < 3)
		return 0;
	dlen = data[0] % 4 + 1;
	if (size < 2 + dlen)
		return 0;
	memcpy(d.bytes, data + 1, dlen);
	d.len = dlen;
	cap = data[1 + dlen] % 64 + 1;
	in = (const char *)data + 2 + dlen;
	n = size - 2 - dlen;
	buf = malloc(cap);
	out = malloc(n + 1);
	bound = calloc(n + 1, 1);
	if (buf == NULL || out == NULL || bound == NULL)
		goto done;

	/* An empty buffer may have no memory at all (conn.c frees it). */
	assert(frame_whole(&d, NULL, 0) == 0 && frame_next(&d, NULL, 0) == 0);

	/* frame_whole agrees with repeated frame_next everywhere. */
	for (whole = 0; (e = frame_next(&d, in + whole, n - whole)) != 0;) {
		whole += e;
		bound[whole] = 1;
	}
	assert(frame_whole(&d, in, n) == whole);

	while (pos < n) {
		chunk = (unsigned char)in[pos] % 17 + 1;
		if (chunk > n - pos)
			chunk = n - pos;
		if (chunk > cap - held)
			chunk = cap - held;
		memcpy(buf + held, in + pos, chunk);
		held += chunk;
		pos += chunk;
		whole = frame_whole(&d, buf, held);
		assert(frame_scan(&d, &fs, buf, held) == whole);
		if (whole == 0 && held == cap) {
			whole = held;		/* a full buffer: a piece */
			piece = 1;
		} else if (whole > 0 && !piece)
			/* A piece may cut a delimiter in two; until one is
			 * cut, every message passed on is a real one. */
			assert(bound[outlen + whole]);
		memcpy(out + outlen, buf, whole);
		outlen += whole;
		frame_consumed(&fs, whole);
		memmove(buf, buf + whole, held - whole);
		held -= whole;
	}
	memcpy(out + outlen, buf, held);	/* the trailing partial */
	outlen += held;
	assert(outlen == n && memcmp(out, in, n) == 0);
done:
	free(buf);
	free(out);
	free(bound);
	return 0;
}
