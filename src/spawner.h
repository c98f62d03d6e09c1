/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Start a program as from a shell: every signal at its default, none
 * blocked, descriptors 0 and 1 the given ones, 2 the caller's, nothing
 * else open.  Without a set-up step, a tty or wait, the caller goes on
 * at once where it can (spawn_waits() is 0): a failed exec then makes
 * the child exit 127, resetting a client socket given as in and out,
 * and spawn_reaped() says why.  Otherwise the caller waits for the
 * exec (posix_spawn(3)) and a failed one is spawn_start's error.  With
 * a step, fork: the caller goes on at once, and the child reports a
 * failed step or exec itself (fail), then exits 127.
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
	 * The caller must know now whether the exec failed (it carries
	 * the bytes, and would otherwise end its client cleanly before
	 * the reap told it): wait for the exec.
	 */
	int		  wait;
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
/*
 * pid, spawned here, has been reaped: the errno of the call that failed
 * if it never ran the program (cloned only), else 0.  Every reaped child of
 * spawn_start must be told, so that what it used is ours again.
 */
int	spawn_reaped(pid_t);
/* 1 if spawn_start always waits for the exec (and fails with it). */
int	spawn_waits(void);

#endif
