/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * A bounded byte buffer that holds memory only while data waits in it,
 * so that idle connections cost almost nothing.
 */
#ifndef SOCKIT_BUF_H
#define SOCKIT_BUF_H

#include <stddef.h>

/* A direction holds at most this much that its destination did not take. */
#define BUF_CAP		(256 * 1024)

struct buf {
	char	*data;		/* allocated only while data waits */
	size_t	 off, len;
	size_t	 cap;		/* 0: BUF_CAP */
};
#define BUF_SIZE(b)	((b)->cap ? (b)->cap : BUF_CAP)

size_t	buf_room(const struct buf *);
/* Append all n bytes, or nothing (-1: no room, or no memory). */
int	buf_append(struct buf *, const void *, size_t);
void	buf_consume(struct buf *, size_t);
void	buf_free(struct buf *);
/* Make room at the tail for a read(): allocate, or slide data down. */
int	buf_reserve(struct buf *);

#endif
