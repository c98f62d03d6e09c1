/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Start a program as from a shell: every signal at its default, none
 * blocked, descriptors 0 and 1 the given ones, 2 the caller's, nothing
 * else open.  Without a setup step, with posix_spawn(3) (the caller
 * waits for the exec, an exec failure is spawn_start's error); with
 * one, with fork: the caller goes on at once, and the child reports a
 * failed setup or exec itself (fail), then exits 127.
 */
#ifndef SOCKIT_SPAWNER_H
#define SOCKIT_SPAWNER_H

#include <sys/types.h>

struct spawn {
	const char	 *path;		/* the program, found already */
	char *const	 *argv;
	char *const	 *envp;
	int		  in, out;	/* become 0 and 1 */
	/*
	 * Or a terminal (exec --pty's slave), opened as 0, 1 and 2 in a
	 * session of the child's own: being the first terminal that
	 * session opens, it becomes the controlling one (Linux), so ^C
	 * and a hangup reach the program.  in and out are unused then.
	 */
	const char	 *tty;
	/*
	 * In the child, once 0 and 1 are in place and before the other
	 * descriptors close and the exec: what a mode adds (a session
	 * and a controlling terminal for a pty, say).  -1 with errno
	 * fails the child as an exec failure does.  May be NULL.
	 */
	int		(*setup)(void *arg);
	/* In a forked child: setup or exec failed with err.  May be NULL. */
	void		(*fail)(int err, void *arg);
	void		 *arg;		/* to setup and fail */
};

/* The child's pid, or -1 with errno if it could not be made. */
pid_t	spawn_start(const struct spawn *);

#endif
