/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * --progress: a line on stderr with the bytes so far, the rate and the
 * time, and a percentage and ETA when stdin is a regular file; redrawn
 * in place at most 4 times a second on a terminal, or written as plain
 * lines (no more often, only when something moved) with =always.
 */
#ifndef SOCKIT_PROGRESS_H
#define SOCKIT_PROGRESS_H

#include <stdint.h>

#include "loop.h"

#define PROGRESS_OFF	0
#define PROGRESS_TTY	1	/* --progress: only on a terminal */
#define PROGRESS_ALWAYS	2	/* --progress=always */

/* The option spec of --progress, one for send and listen (opts.h). */
#define PROGRESS_OPT_SPEC \
	{ "progress", OPT_PROGRESS, optional_argument, "[=always]", \
	    "a progress line on a terminal stderr\n" \
	    "(=always: plain lines on any stderr)" }

/* The counts now: bytes sent, received, and read of stdin. */
typedef void	progress_fn(void *arg, uint64_t *sent, uint64_t *recv,
		    uint64_t *in);

struct progress {
	int		 on;
	int		 held;		/* no clock until progress_go */
	int		 tty;
	int64_t		 start;
	uint64_t	 total;		/* left of stdin at start; 0: unknown */
	uint64_t	 moved;		/* sent + received at the last line */
	struct timer	 timer;
	struct loop	*loop;
	progress_fn	*count;
	void		*arg;
};

/* The value of --progress[=always]. */
int	progress_parse(const char *arg, int *mode, const char **why);
void	progress_start(struct progress *, int mode, struct loop *,
	    progress_fn *, void *arg);
/*
 * A server's clock starts with its first client, not at start-up: a
 * rate over the time nobody was connected says nothing.  progress_hold
 * right after progress_start; progress_go when the client comes.
 */
void	progress_hold(struct progress *);
void	progress_go(struct progress *);
/* The last line (none if the clock never started). */
void	progress_end(struct progress *);

#endif
