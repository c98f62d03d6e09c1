/* The epoll backend: Linux, for more descriptors than select() holds. */
#include "config.h"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "loop.h"

#define EPOLL_BATCH	1024

struct ep {
	int			fd;
	struct epoll_event	ev[EPOLL_BATCH];
};

int
loop_fd_limit(enum loop_backend backend)
{
	struct rlimit	rl;

	if (backend == LOOP_SELECT)
		return FD_SETSIZE;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur > 1 << 24)
		return 1 << 24;
	return (int)rl.rlim_cur;
}

static int
ep_init(struct loop *l)
{
	struct ep	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	if ((e->fd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(e);
		return -1;
	}
	l->be = e;
	return 0;
}

static void
ep_free(struct loop *l)
{
	struct ep	*e = l->be;

	close(e->fd);
	free(e);
}

static int
ep_update(struct loop *l, int fd, int mask)
{
	struct ep		*e = l->be;
	struct loop_fd		*f = &l->fds[fd];
	struct epoll_event	 ev = { 0 };
	int			 op;

	ev.data.fd = fd;
	ev.events = (mask & LOOP_READ ? EPOLLIN : 0) |
	    (mask & LOOP_WRITE ? EPOLLOUT : 0);
	if (mask == 0) {
		if (!f->added)
			return 0;
		op = EPOLL_CTL_DEL;
	} else
		op = f->added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(e->fd, op, fd, &ev) == -1) {
		return -1;
	}
	f->added = mask != 0;
	return 0;
}

static int
ep_wait(struct loop *l, int64_t timeout_ms)
{
	struct ep	*e = l->be;
	int		 n, i, fd, nf = 0, ev;

	if (l->nalways > 0)
		timeout_ms = 0;
	n = epoll_wait(e->fd, e->ev, EPOLL_BATCH,
	    timeout_ms > 1 << 30 ? 1 << 30 : (int)timeout_ms);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n; i++) {
		ev = e->ev[i].events;
		l->fired[nf].fd = e->ev[i].data.fd;
		/* Errors and hang-ups surface through read or write. */
		l->fired[nf++].events =
		    (ev & (EPOLLIN | EPOLLHUP | EPOLLERR) ? LOOP_READ : 0) |
		    (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR) ? LOOP_WRITE : 0);
	}
	/* Regular files epoll cannot watch are always ready. */
	for (fd = 0; l->nalways > 0 && fd < l->nfds && nf < l->nfired_max;
	    fd++)
		if (l->fds[fd].always && l->fds[fd].mask != 0) {
			l->fired[nf].fd = fd;
			l->fired[nf++].events = l->fds[fd].mask;
		}
	return nf;
}

const struct loop_ops loop_epoll_ops = {
	"epoll", ep_init, ep_free, ep_update, ep_wait
};
