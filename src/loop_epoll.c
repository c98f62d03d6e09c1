/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* The epoll backend: Linux, for more descriptors than select() holds. */
#include "config.h"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

#define EPOLL_BATCH	1024

/* Per fd: what epoll knows of it. */
#define EP_ADDED	0x1	/* in the epoll set */
#define EP_ALWAYS	0x2	/* epoll refuses it (a regular file) */

struct ep {
	int			 fd;
	unsigned char		*state;		/* EP_* by fd */
	int			 nstate;
	int			 nalways;	/* EP_ALWAYS fds with interest */
	struct epoll_event	 ev[EPOLL_BATCH];
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
	free(e->state);
	free(e);
}

static unsigned char *
ep_state(struct ep *e, int fd)
{
	unsigned char	*p;
	int		 n = e->nstate ? e->nstate : 64;

	if (fd >= e->nstate) {
		while (n <= fd)
			n *= 2;
		if ((p = realloc(e->state, n)) == NULL)
			return NULL;
		memset(p + e->nstate, 0, n - e->nstate);
		e->state = p;
		e->nstate = n;
	}
	return &e->state[fd];
}

static int
ep_update(struct loop *l, int fd, int mask)
{
	struct ep		*e = l->be;
	struct epoll_event	 ev = { 0 };
	unsigned char		*st;
	int			 op;

	if ((st = ep_state(e, fd)) == NULL)
		return -1;
	if (*st & EP_ALWAYS) {
		/*
		 * No interest forgets it: the fd number may be a socket
		 * next, and a regular file is found out again at once.
		 */
		if (mask == 0) {
			*st = 0;
			e->nalways--;
		}
		return 0;
	}
	ev.data.fd = fd;
	ev.events = (mask & LOOP_READ ? EPOLLIN : 0) |
	    (mask & LOOP_WRITE ? EPOLLOUT : 0);
	if (mask == 0) {
		if (!(*st & EP_ADDED))
			return 0;
		op = EPOLL_CTL_DEL;
	} else
		op = *st & EP_ADDED ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(e->fd, op, fd, &ev) == -1) {
		if (errno != EPERM)
			return -1;
		/* Regular files cannot be watched; they are always ready. */
		*st = EP_ALWAYS;
		e->nalways++;
		return 0;
	}
	*st = mask != 0 ? EP_ADDED : 0;
	return 0;
}

static int
ep_wait(struct loop *l, int64_t timeout_ms)
{
	struct ep	*e = l->be;
	int		 n, i, fd, nf = 0, ev;

	if (e->nalways > 0)
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
	for (fd = 0; e->nalways > 0 && fd < e->nstate && fd < l->nfds &&
	    nf < l->nfired_max; fd++)
		if (e->state[fd] & EP_ALWAYS && l->fds[fd].mask != 0) {
			l->fired[nf].fd = fd;
			l->fired[nf++].events = l->fds[fd].mask;
		}
	return nf;
}

const struct loop_ops loop_epoll_ops = {
	"epoll", ep_init, ep_free, ep_update, ep_wait
};
