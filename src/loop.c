/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

static int	sig_wfd = -1;
static int	sig_last;	/* main.c dies by SIGINT after clean-up */

static void
sig_handler(int signo)
{
	int		e = errno;
	unsigned char	c = (unsigned char)signo;

	/* A full pipe already holds a wake-up; losing this byte is fine. */
	(void)write(sig_wfd, &c, 1);
	errno = e;
}

enum loop_backend
loop_pick(long long nfds)
{
	int	*fds, limit = loop_fd_limit(LOOP_SELECT), n = 0, top = -1;

	/*
	 * Take the descriptors that would come next and see where they
	 * land: inherited ones may leave a few holes below FD_SETSIZE and
	 * put the rest past it.
	 */
	if (nfds >= limit)
		return LOOP_EPOLL;
	if ((fds = calloc(nfds, sizeof(*fds))) == NULL)
		return LOOP_SELECT;
	while (n < nfds && top < limit &&
	    (fds[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1)
		top = fds[n++];
	while (n > 0)
		close(fds[--n]);
	free(fds);
	return top >= limit ? LOOP_EPOLL : LOOP_SELECT;
}

struct loop *
loop_new(enum loop_backend backend, char *err, size_t errlen)
{
	struct loop	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	l->backend = backend;
	l->ops = backend == LOOP_EPOLL ? &loop_epoll_ops : &loop_select_ops;
	l->sigpipe[0] = l->sigpipe[1] = -1;
	if (l->ops->init(l) == -1) {
		snprintf(err, errlen, "%s: %s", l->ops->name, strerror(errno));
		free(l);
		return NULL;
	}
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	if (l->sigpipe[0] != -1) {
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
		sig_wfd = -1;
	}
	l->ops->free(l);
	free(l->fds);
	free(l->fired);
	free(l->heap);
	free(l);
}

static int
grow(struct loop *l, int fd)
{
	struct loop_fd		*fds;
	struct loop_fired	*fired;
	int			 n = l->nfds ? l->nfds : 64;

	while (n <= fd)
		n *= 2;
	if ((fds = reallocarray(l->fds, n, sizeof(*fds))) == NULL)
		return -1;
	memset(fds + l->nfds, 0, (n - l->nfds) * sizeof(*fds));
	l->fds = fds;
	l->nfds = n;
	if ((fired = reallocarray(l->fired, n, sizeof(*fired))) == NULL)
		return -1;
	l->fired = fired;
	l->nfired_max = n;
	return 0;
}

int
loop_add(struct loop *l, int fd, loop_io_fn *fn, void *arg)
{
	if (fd < 0 || fd >= loop_fd_limit(l->backend)) {
		errno = EMFILE;
		return -1;
	}
	if (fd >= l->nfds && grow(l, fd) == -1)
		return -1;
	l->fds[fd].fn = fn;
	l->fds[fd].arg = arg;
	l->fds[fd].mask = 0;
	return 0;
}

void
loop_set(struct loop *l, int fd, int mask)
{
	struct loop_fd	*f;

	if (fd < 0 || fd >= l->nfds || l->fds[fd].fn == NULL)
		return;
	f = &l->fds[fd];
	if (f->mask == mask)
		return;
	f->mask = mask;
	(void)l->ops->update(l, fd, mask);
}

void
loop_del(struct loop *l, int fd)
{
	struct loop_fd	*f;

	if (fd < 0 || fd >= l->nfds || l->fds[fd].fn == NULL)
		return;
	f = &l->fds[fd];
	loop_set(l, fd, 0);
	/*
	 * An event of this turn not yet delivered belongs to this user of
	 * the fd; the next user (accept may hand out the number again at
	 * once) must not get it.
	 */
	if (f->fired > 0)
		l->fired[f->fired - 1].fd = -1;
	memset(f, 0, sizeof(*f));
}

/* The heap of armed timers: parent of i is (i - 1) / 2. */
static void
heap_place(struct loop *l, struct timer *t, int i)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void
heap_up(struct loop *l, int i)
{
	struct timer	*t = l->heap[i];
	int		 p;

	while (i > 0 && l->heap[p = (i - 1) / 2]->when > t->when) {
		heap_place(l, l->heap[p], i);
		i = p;
	}
	heap_place(l, t, i);
}

static void
heap_down(struct loop *l, int i)
{
	struct timer	*t = l->heap[i];
	int		 c;

	while ((c = 2 * i + 1) < l->nheap) {
		if (c + 1 < l->nheap && l->heap[c + 1]->when < l->heap[c]->when)
			c++;
		if (l->heap[c]->when >= t->when)
			break;
		heap_place(l, l->heap[c], i);
		i = c;
	}
	heap_place(l, t, i);
}

void
timer_init(struct timer *t, loop_timer_fn *fn)
{
	t->when = 0;
	t->fn = fn;
	t->slot = 0;
}

int
timer_at(struct loop *l, struct timer *t, int64_t when)
{
	struct timer	**h;
	int		  n;

	if (t->slot == 0) {
		if (l->nheap == l->heapcap) {
			n = l->heapcap ? l->heapcap * 2 : 16;
			if ((h = reallocarray(l->heap, n, sizeof(*h))) == NULL)
				return -1;
			l->heap = h;
			l->heapcap = n;
		}
		t->when = when;
		heap_place(l, t, l->nheap++);
		heap_up(l, l->nheap - 1);
		return 0;
	}
	t->when = when;
	heap_up(l, t->slot - 1);
	heap_down(l, t->slot - 1);
	return 0;
}

void
timer_stop(struct loop *l, struct timer *t)
{
	int	i = t->slot - 1;

	if (t->slot == 0)
		return;
	t->slot = 0;
	if (i == --l->nheap)
		return;
	heap_place(l, l->heap[l->nheap], i);
	heap_up(l, i);
	heap_down(l, l->heap[i]->slot - 1);
}

static void
sig_read(struct loop *l, int fd, int events, void *arg)
{
	unsigned char	buf[64];
	ssize_t		n, i;

	(void)events;
	(void)arg;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++) {
			/* A child's end is news, not a request to stop. */
			if (buf[i] == SIGCHLD && l->chldfn != NULL) {
				l->chldfn(l, SIGCHLD, l->chldarg);
				continue;
			}
			if (buf[i] == SIGUSR1 && l->usr1fn != NULL) {
				l->usr1fn(l, SIGUSR1, l->usr1arg);
				continue;
			}
			sig_last = buf[i];
			l->sigfn(l, buf[i], l->sigarg);
		}
}

int
loop_last_signal(void)
{
	return sig_last;
}

int
loop_signals(struct loop *l, loop_signal_fn *fn, void *arg)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction	 sa;
	size_t			 i;

	if (pipe2(l->sigpipe, O_NONBLOCK | O_CLOEXEC) == -1)
		return -1;
	sig_wfd = l->sigpipe[1];
	l->sigfn = fn;
	l->sigarg = arg;
	if (loop_add(l, l->sigpipe[0], sig_read, NULL) == -1)
		return -1;
	loop_set(l, l->sigpipe[0], LOOP_READ);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = sig_handler;
	for (i = 0; i < NELEM(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

int
loop_reload(struct loop *l, loop_signal_fn *fn, void *arg)
{
	struct sigaction	sa;

	if (l->sigpipe[0] == -1) {
		errno = EINVAL;
		return -1;
	}
	l->usr1fn = fn;
	l->usr1arg = arg;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = sig_handler;
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGUSR1, &sa, NULL);
}

int
loop_children(struct loop *l, loop_signal_fn *fn, void *arg)
{
	struct sigaction	sa;

	if (l->sigpipe[0] == -1) {
		errno = EINVAL;
		return -1;
	}
	l->chldfn = fn;
	l->chldarg = arg;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = sig_handler;
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	return sigaction(SIGCHLD, &sa, NULL);
}

static int64_t
next_timeout(struct loop *l)
{
	int64_t	now;

	if (l->nheap == 0)
		return -1;
	now = now_ms();
	return l->heap[0]->when <= now ? 0 : l->heap[0]->when - now;
}

static void
run_timers(struct loop *l)
{
	int64_t		 now = now_ms();
	struct timer	*t;
	int		 n = l->nheap;

	/*
	 * At most the timers armed now: one that re-arms for a time
	 * already past runs again next turn, after the file events.
	 */
	while (n-- > 0 && l->nheap > 0 && !l->stop) {
		t = l->heap[0];
		if (t->when > now)
			break;
		timer_stop(l, t);
		t->fn(l, t);
	}
}

static void
dispatch(struct loop *l, int n)
{
	struct loop_fd	*f;
	int		 i, fd, ev;

	for (i = 0; i < n; i++)
		if (l->fired[i].fd >= 0)
			l->fds[l->fired[i].fd].fired = i + 1;
	for (i = 0; i < n; i++) {
		if ((fd = l->fired[i].fd) < 0)
			continue;	/* its fd was dropped meanwhile */
		f = &l->fds[fd];
		f->fired = 0;
		ev = l->fired[i].events & f->mask;
		if (f->fn != NULL && ev != 0 && !l->stop)
			f->fn(l, fd, ev, f->arg);
	}
}

int
loop_run(struct loop *l)
{
	int	n;

	while (!l->stop) {
		if ((n = l->ops->wait(l, next_timeout(l))) == -1)
			return -1;
		dispatch(l, n);
		if (!l->stop)
			run_timers(l);
	}
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}
