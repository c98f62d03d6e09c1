/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * --hexdump: every chunk a peer sends or is sent, as offset, hex and
 * ASCII under a header line.  One sink per process; conn.c calls
 * dump_chunk only when dump_sink is set, so it costs a branch when off.
 */
#ifndef SOCKIT_DUMP_H
#define SOCKIT_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DUMP_SENT	'>'
#define DUMP_RECV	'<'

extern FILE	*dump_sink;

/* Dump to path (appended), or to stderr when path is NULL or "". */
int	dump_open(const char *path, char *err, size_t errlen);
/* n bytes at stream offset off, sent to or received from peer. */
void	dump_chunk(int dir, const char *peer, uint64_t off, const void *p,
	    size_t n);

#endif
