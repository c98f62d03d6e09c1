/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Bytes from one descriptor to another without passing through user
 * space: splice(2) when one side is a pipe, sendfile(2) from a regular
 * file to a socket, and splice through a pipe of our own from a socket
 * to a regular file.
 */
#ifndef SOCKIT_KMOVE_H
#define SOCKIT_KMOVE_H

#include <sys/types.h>

/* How from -> to can go in the kernel: a KMOVE_*, 0 if it cannot. */
int	kmove_how(int from, int to);
/* Up to n bytes; as read(2): the count, 0 at the end, -1 with errno. */
ssize_t	kmove(int from, int to, size_t n);

struct chan;
/*
 * For a chan in pipe mode (chan_splice_pipe): what is in its pipe to
 * dst first, then from src into the pipe and on.  Returns bytes read
 * from src, 0 at its end, -1 with errno (EAGAIN: nothing to do now,
 * ch->stuck says which end to wait for).
 */
ssize_t	kmove_chan(struct chan *);

#define KMOVE_SPLICE	1	/* a pipe on one side */
#define KMOVE_SENDFILE	2	/* regular file -> socket */
#define KMOVE_VIAPIPE	3	/* socket -> regular file */

#endif
