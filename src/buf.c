/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

size_t
buf_room(const struct buf *b)
{
	return BUF_SIZE(b) - b->len;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n > buf_room(b))
		return -1;
	if (n == 0)
		return 0;
	if (b->data == NULL && (b->data = malloc(BUF_SIZE(b))) == NULL)
		return -1;
	if (b->off + b->len + n > BUF_SIZE(b)) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	memcpy(b->data + b->off + b->len, p, n);
	b->len += n;
	return 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	b->len -= n;
	/* Idle connections keep no buffer: memory only while data waits. */
	if (b->len == 0)
		buf_free(b);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = 0;
}

int
buf_reserve(struct buf *b)
{
	if (b->data == NULL && (b->data = malloc(BUF_SIZE(b))) == NULL)
		return -1;
	if (b->len == 0)
		b->off = 0;
	else if (b->off + b->len == BUF_SIZE(b)) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	return 0;
}
