/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Two ways to start a program.  posix_spawn(3), glibc's clone with
 * CLONE_VM|CLONE_VFORK: the caller waits until the child has exec'd,
 * but no address space is copied.  Or fork: the caller goes on at
 * once, and pays for copying its page tables and for the copy-on-write
 * faults until the exec.  Measured for sockit exec on a loaded 2-core
 * machine (bench/RESULTS.md, round three), fork cost 27% more CPU per
 * connection, children included, and the connection rate fell to 0.6x:
 * the wait is cheaper than the copy.  So posix_spawn, unless the child
 * needs a set-up step of its own (a pty), which only fork can run.
 * Both give the child the same start: signals at their defaults, none
 * blocked, 0 and 1 the given descriptors, nothing else open.
 */
#include "config.h"

#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include "spawner.h"

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
	int	e, fd;

	signals_default();
	if (sp->tty != NULL) {
		if (setsid() == -1 || (fd = open(sp->tty, O_RDWR)) == -1 ||
		    place(fd, 0) == -1 || place(0, 1) == -1 ||
		    place(0, 2) == -1)
			goto fail;
	} else if (place(sp->in, 0) == -1 || place(sp->out, 1) == -1)
		goto fail;
	if (sp->setup != NULL && sp->setup(sp->arg) == -1)
		goto fail;
	closefrom(3);
	execve(sp->path, sp->argv, sp->envp);
fail:
	e = errno;
	if (sp->fail != NULL)
		sp->fail(e, sp->arg);
	_exit(127);
}

/*
 * Every bit of the set, not sigfillset(): that leaves out the C
 * library's own signals (32 and 33 in glibc), and glibc's posix_spawn
 * ignores whatever is not in the set, which exec would keep.
 */
static posix_spawnattr_t *
attr(int session)
{
	static posix_spawnattr_t	a[2];
	static int			made[2];
	sigset_t			all, none;

	if (made[session])
		return &a[session];
	memset(&all, 0xff, sizeof(all));
	sigemptyset(&none);
	if (posix_spawnattr_init(&a[session]) != 0 ||
	    posix_spawnattr_setsigdefault(&a[session], &all) != 0 ||
	    posix_spawnattr_setsigmask(&a[session], &none) != 0 ||
	    posix_spawnattr_setflags(&a[session], POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETSIGMASK | (session ? POSIX_SPAWN_SETSID : 0)) != 0)
		return NULL;
	made[session] = 1;
	return &a[session];
}

/* 0, 1 and 2 from sp->tty, or 0 and 1 from sp->in and sp->out. */
static int
actions(posix_spawn_file_actions_t *fa, const struct spawn *sp)
{
	int	r;

	if (sp->tty != NULL) {
		r = posix_spawn_file_actions_addopen(fa, 0, sp->tty, O_RDWR,
		    0);
		if (r == 0)
			r = posix_spawn_file_actions_adddup2(fa, 0, 1);
		if (r == 0)
			r = posix_spawn_file_actions_adddup2(fa, 0, 2);
	} else {
		r = posix_spawn_file_actions_adddup2(fa, sp->in, 0);
		if (r == 0)
			r = posix_spawn_file_actions_adddup2(fa, sp->out, 1);
	}
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	if (r == 0)
		r = posix_spawn_file_actions_addclosefrom_np(fa, 3);
#endif
	return r;
}

/* posix_spawn: an exec that fails is an error here, not in a child. */
static pid_t
spawn_wait(const struct spawn *sp)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		*a;
	pid_t				 pid;
	int				 r;

	if ((a = attr(sp->tty != NULL)) == NULL)
		return -1;
	if ((r = posix_spawn_file_actions_init(&fa)) != 0) {
		errno = r;
		return -1;
	}
	if ((r = actions(&fa, sp)) == 0)
		r = posix_spawn(&pid, sp->path, &fa, a, sp->argv, sp->envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		errno = r;
		return -1;
	}
	return pid;
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
	if (sp->setup == NULL)
		return spawn_wait(sp);
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
