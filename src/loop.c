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

struct loop *
loop_new(enum loop_backend backend, char *err, size_t errlen)
{
	struct loop	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
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
	if (fd < 0 || fd >= loop_fd_limit(l->ops == &loop_epoll_ops ?
	    LOOP_EPOLL : LOOP_SELECT)) {
		errno = EMFILE;
		return -1;
	}
	if (fd >= l->nfds && grow(l, fd) == -1)
		return -1;
	l->fds[fd].fn = fn;
	l->fds[fd].arg = arg;
	l->fds[fd].mask = 0;
	l->fds[fd].always = 0;
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
	if (f->always)
		l->nalways += (mask != 0) - (f->mask != 0);
	f->mask = mask;
	if (!f->always && l->ops->update(l, fd, mask) == -1 &&
	    errno == EPERM) {
		/* epoll refuses regular files; they are always ready. */
		f->always = 1;
		l->nalways += mask != 0;
	}
}

void
loop_del(struct loop *l, int fd)
{
	if (fd < 0 || fd >= l->nfds || l->fds[fd].fn == NULL)
		return;
	loop_set(l, fd, 0);
	memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
}

void
loop_timer(struct loop *l, int slot, int64_t when, loop_timer_fn *fn,
    void *arg)
{
	l->timers[slot].when = when;
	l->timers[slot].fn = fn;
	l->timers[slot].arg = arg;
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

static int64_t
next_timeout(struct loop *l)
{
	int64_t	now = now_ms(), t = -1;
	int	i;

	for (i = 0; i < LOOP_TIMERS; i++) {
		if (l->timers[i].when == 0)
			continue;
		if (l->timers[i].when <= now)
			return 0;
		if (t == -1 || l->timers[i].when - now < t)
			t = l->timers[i].when - now;
	}
	return t;
}

static void
run_timers(struct loop *l)
{
	int64_t		 now = now_ms();
	loop_timer_fn	*fn;
	int		 i;

	for (i = 0; i < LOOP_TIMERS; i++) {
		if (l->timers[i].when == 0 || l->timers[i].when > now)
			continue;
		/* Disarm first: the callback re-arms if it wants more. */
		l->timers[i].when = 0;
		fn = l->timers[i].fn;
		fn(l, l->timers[i].arg);
	}
}

int
loop_run(struct loop *l)
{
	struct loop_fd	*f;
	int64_t		 timeout;
	int		 i, n, fd, ev;

	while (!l->stop) {
		timeout = next_timeout(l);
		if ((n = l->ops->wait(l, timeout)) == -1)
			return -1;
		for (i = 0; i < n && !l->stop; i++) {
			fd = l->fired[i].fd;
			f = &l->fds[fd];
			/* An earlier callback may have dropped this fd. */
			ev = l->fired[i].events & f->mask;
			if (f->fn != NULL && ev != 0)
				f->fn(l, fd, ev, f->arg);
		}
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
