/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Three ways to start a program.  posix_spawn(3), glibc's clone with
 * CLONE_VM|CLONE_VFORK: no address space is copied, but the caller
 * waits until the child has exec'd.  fork: the caller goes on at once,
 * and pays for copying its page tables and for the copy-on-write
 * faults until the exec; measured for sockit exec (bench/RESULTS.md,
 * round three) it cost 27% more CPU per connection than the wait, so
 * it is kept for a child with a set-up step of its own only.  And
 * clone(CLONE_VM) without CLONE_VFORK: neither wait nor copy.  The
 * child then runs in our memory while we go on, so it reads only a
 * block of its own, filled before the clone (the caller rewrites its
 * arrays for the next client), writes only there, and makes raw system
 * calls, which return an error where the C library's set errno, and
 * errno is the running parent's.  The block is its stack too, and
 * comes back to us when the child is reaped (spawn_reaped).  Where
 * raw calls are not written (other than x86-64 and arm64), under
 * valgrind, which cannot run such a clone, and for a caller that must
 * know at once whether the exec failed, or opens a terminal by name
 * (a name the caller may free and the next client get), posix_spawn.
 * All give the child the same start: signals at their defaults, none
 * blocked, 0 and 1 the given descriptors, nothing else open.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

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

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define CLONE_SPAWN	1

/*
 * A system call that returns -errno and leaves errno alone (see the
 * top).  Inlined into the child, which is built without sanitizers:
 * their hooks would run in our memory too.
 */
static inline long __attribute__((always_inline))
raw(long n, long a, long b, long c, long d, long e)
{
#if defined(__x86_64__)
	register long	r10 __asm__("r10") = d;
	register long	r8 __asm__("r8") = e;
	long		ret;

	__asm__ volatile ("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b),
	    "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
	return ret;
#else
	register long	x8 __asm__("x8") = n;
	register long	x0 __asm__("x0") = a;
	register long	x1 __asm__("x1") = b;
	register long	x2 __asm__("x2") = c;
	register long	x3 __asm__("x3") = d;
	register long	x4 __asm__("x4") = e;

	__asm__ volatile ("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2),
	    "r"(x3), "r"(x4) : "memory");
	return x0;
#endif
}

#define STACK		(32 * 1024)	/* the child needs a few hundred bytes */
#define KEEP		32		/* free blocks kept for the next ones */

/* What a cloned child reads and writes: nothing else of ours. */
struct block {
	struct block	*next;		/* in use, or free */
	size_t		 size;		/* of the mapping */
	pid_t		 pid;		/* the child's, once cloned */
	int		 err;		/* written by the child: what failed */
	int		 in, out;
	char		*path;
	char		**argv, **envp;
	/* then argv, envp, the strings; the stack at the top */
};

static struct block	*used, *spare;
static int		 nspare;

/* n rounded up so that a pointer array may follow. */
static size_t
aligned(size_t n)
{
	return (n + sizeof(char *) - 1) & ~(sizeof(char *) - 1);
}

/* n bytes at *at, which moves on past them. */
static char *
take(char **at, size_t n)
{
	char	*p = *at;

	*at += aligned(n);
	return p;
}

/* What take() will use for v's strings; their count. */
static size_t
strings(char *const *v, size_t *count)
{
	size_t	n = 0, i;

	for (i = 0; v[i] != NULL; i++)
		n += aligned(strlen(v[i]) + 1);
	*count = i;
	return n;
}

static char **
copy(char **at, char *const *v, size_t count)
{
	char	**to = (char **)(void *)take(at, (count + 1) *
	    sizeof(char *));
	size_t	  i, n;

	for (i = 0; i < count; i++) {
		n = strlen(v[i]) + 1;
		to[i] = memcpy(take(at, n), v[i], n);
	}
	to[count] = NULL;
	return to;
}

/* A block holding copies of everything sp's child needs. */
static struct block *
block_for(const struct spawn *sp)
{
	struct block	*b, **pb;
	size_t		 nargv, nenv, need;
	char		*at;
	void		*m;

	need = sizeof(*b) + strings(sp->argv, &nargv) +
	    strings(sp->envp, &nenv) + (nargv + nenv + 2) * sizeof(char *) +
	    aligned(strlen(sp->path) + 1) + STACK;
	for (pb = &spare; (b = *pb) != NULL; pb = &b->next)
		if (b->size >= need)
			break;
	if (b != NULL) {
		*pb = b->next;
		nspare--;
	} else {
		need = (need + 65535) & ~(size_t)65535;
		m = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		b = m;
		b->size = need;
	}
	at = (char *)(b + 1);
	b->pid = -1;
	b->err = 0;
	b->in = sp->in;
	b->out = sp->out;
	b->argv = copy(&at, sp->argv, nargv);
	b->envp = copy(&at, sp->envp, nenv);
	b->path = strcpy(take(&at, strlen(sp->path) + 1), sp->path);
	return b;
}

static void
block_free(struct block *b)
{
	if (nspare >= KEEP) {
		munmap(b, b->size);
		return;
	}
	b->next = spare;
	spare = b;
	nspare++;
}

/* fd as descriptor to, kept across exec (dup3 refuses fd == to). */
static inline long __attribute__((always_inline))
raw_place(int fd, int to)
{
	if (fd != to)
		return raw(SYS_dup3, fd, to, 0, 0, 0);
	return raw(SYS_fcntl, fd, F_SETFD, 0, 0, 0);
}

/*
 * The cloned child (see the top: raw calls only, our block only).
 * Signals first, while all are still blocked: a handler of ours run
 * here would write to the loop's self-pipe as if the parent had the
 * signal.  A failed exec resets the client (a socket as 0 and 1), as
 * the caller does when spawn_start fails.
 */
static int __attribute__((noinline, no_sanitize("address", "undefined")))
#if defined(__has_attribute)
#if __has_attribute(disable_sanitizer_instrumentation)
__attribute__((disable_sanitizer_instrumentation))
#endif
#endif
cloned(void *arg)
{
	/* static: nothing to build on the stack, no memset to call */
	static const unsigned long	dfl[4], none;
	static const int		linger[2] = { 1, 0 };
	struct block			*b = arg;
	long				 r;
	int				 sig, placed;

	for (sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)raw(SYS_rt_sigaction, sig, (long)dfl, 0,
			    _NSIG / 8, 0);
	(void)raw(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, _NSIG / 8,
	    0);
	placed = (r = raw_place(b->in, 0)) >= 0;
	if (placed && (r = raw_place(b->out, 1)) >= 0 &&
	    (r = raw(SYS_close_range, 3, ~0U, 0, 0, 0)) >= 0)
		r = raw(SYS_execve, (long)b->path, (long)b->argv,
		    (long)b->envp, 0, 0);
	b->err = -r;
	if (placed)	/* 0 is the client's socket, not ours */
		(void)raw(SYS_setsockopt, 0, SOL_SOCKET, SO_LINGER,
		    (long)linger, sizeof(linger));
	(void)raw(SYS_exit_group, 127, 0, 0, 0, 0);
	return 127;	/* not reached: clone(3) would exit with it */
}

/*
 * Can this process clone such a child?  close_range(2) is from Linux
 * 5.9; asked to close nothing, it answers whether it is there.
 */
static int
can_clone(void)
{
	static int	can = -1;

	if (can == -1) {
		can = syscall(SYS_close_range, ~0U, ~0U, 0) == 0;
#ifdef HAVE_VALGRIND_VALGRIND_H
		if (RUNNING_ON_VALGRIND)
			can = 0;
#endif
	}
	return can;
}

static pid_t
spawn_clone(const struct spawn *sp)
{
	struct block	*b;
	sigset_t	 all, old;
	pid_t		 pid;
	int		 e;

	if ((b = block_for(sp)) == NULL)
		return -1;
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &old) == -1) {
		block_free(b);
		return -1;
	}
	pid = clone(cloned, (char *)b + b->size, CLONE_VM | SIGCHLD, b);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		block_free(b);
		errno = e;
		return -1;
	}
	b->pid = pid;
	b->next = used;
	used = b;
	return pid;
}
#endif /* CLONE_SPAWN */

int
spawn_reaped(pid_t pid)
{
#ifdef CLONE_SPAWN
	struct block	*b, **pb;
	int		 err;

	for (pb = &used; (b = *pb) != NULL; pb = &b->next)
		if (b->pid == pid) {
			*pb = b->next;
			err = b->err;
			block_free(b);
			return err;
		}
#else
	(void)pid;
#endif
	return 0;
}

int
spawn_waits(void)
{
#ifdef CLONE_SPAWN
	return !can_clone();
#else
	return 1;
#endif
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
#ifdef CLONE_SPAWN
	if (sp->setup == NULL && sp->tty == NULL && !sp->wait && can_clone())
		return spawn_clone(sp);
#endif
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
