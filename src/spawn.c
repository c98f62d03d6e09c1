/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * posix_spawn(3) in glibc holds the caller until the child has exec'd
 * (CLONE_VFORK): for sockit exec that was the whole cost of a
 * connection on the accept path, an exec of the program's size.  A
 * plain fork lets the parent go on at once, as tcpserver does; a small
 * parent makes it cheap.  What posix_spawn did for us is done here by
 * hand: no handler of ours runs in the child, the signals are reset,
 * descriptors set up and closed, and an exec failure is reported.
 */
#include "config.h"

#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"

/*
 * Every signal to its default, the C library's own (32 and 33 in
 * glibc) included: its sigaction() refuses those, and one ignored when
 * sockit started would stay ignored through exec.  An all-zero kernel
 * sigaction is SIG_DFL with no flags and an empty mask whatever the
 * field order of the architecture, so the raw call needs no layout.
 */
static void
signals_default(void)
{
	sigset_t	none;
	int		sig;
#ifdef SYS_rt_sigaction
	unsigned long	ksa[8];

	memset(ksa, 0, sizeof(ksa));
	for (sig = 1; sig < _NSIG; sig++)
		(void)syscall(SYS_rt_sigaction, sig, ksa, NULL, _NSIG / 8);
#else
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
#endif
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* fd as descriptor to, kept across exec (dup2 onto itself keeps flags). */
static int
place(int fd, int to)
{
	if (fd != to)
		return dup2(fd, to) == -1 ? -1 : 0;
	return fcntl(fd, F_SETFD, 0);
}

static void __attribute__((noreturn))
child(const struct spawn *sp)
{
	int	e;

	signals_default();
	if (place(sp->in, 0) == -1 || place(sp->out, 1) == -1 ||
	    (sp->setup != NULL && sp->setup(sp->arg) == -1))
		goto fail;
	closefrom(3);
	execve(sp->path, sp->argv, sp->envp);
fail:
	e = errno;
	if (sp->fail != NULL)
		sp->fail(e, sp->arg);
	_exit(127);
}

pid_t
spawn_start(const struct spawn *sp)
{
	sigset_t	all, old;
	pid_t		pid;
	int		e;

	/*
	 * Blocked across fork: a signal caught in the child before it
	 * resets them would run our handler there, and the loop's
	 * self-pipe is shared, so the parent would take it as its own.
	 */
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &old) == -1)
		return -1;
	if ((pid = fork()) == 0)
		child(sp);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return pid;
}
