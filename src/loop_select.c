/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* The select() backend: portable, for at most FD_SETSIZE descriptors. */
#include "config.h"

#include <sys/select.h>
#include <errno.h>
#include <stdlib.h>

#include "loop.h"

struct sel {
	fd_set	rset, wset;
	int	maxfd;
};

static int
sel_init(struct loop *l)
{
	struct sel	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	FD_ZERO(&s->rset);
	FD_ZERO(&s->wset);
	s->maxfd = -1;
	l->be = s;
	return 0;
}

static void
sel_free(struct loop *l)
{
	free(l->be);
}

static int
sel_update(struct loop *l, int fd, int mask)
{
	struct sel	*s = l->be;

	/* loop_add() refused such fds; FD_SET on them would overrun. */
	if (fd >= FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	if (mask & LOOP_READ)
		FD_SET(fd, &s->rset);
	else
		FD_CLR(fd, &s->rset);
	if (mask & LOOP_WRITE)
		FD_SET(fd, &s->wset);
	else
		FD_CLR(fd, &s->wset);
	if (mask != 0 && fd > s->maxfd)
		s->maxfd = fd;
	while (s->maxfd >= 0 && !FD_ISSET(s->maxfd, &s->rset) &&
	    !FD_ISSET(s->maxfd, &s->wset))
		s->maxfd--;
	return 0;
}

static int
sel_wait(struct loop *l, int64_t timeout_ms)
{
	struct sel	*s = l->be;
	struct timeval	 tv, *tvp = NULL;
	fd_set		 r = s->rset, w = s->wset;
	int		 n, fd, ev, nf = 0;

	if (timeout_ms >= 0) {
		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		tvp = &tv;
	}
	n = select(s->maxfd + 1, &r, &w, NULL, tvp);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	for (fd = 0; fd <= s->maxfd && nf < n; fd++) {
		ev = (FD_ISSET(fd, &r) ? LOOP_READ : 0) |
		    (FD_ISSET(fd, &w) ? LOOP_WRITE : 0);
		if (ev == 0)
			continue;
		l->fired[nf].fd = fd;
		l->fired[nf++].events = ev;
	}
	return nf;
}

const struct loop_ops loop_select_ops = {
	"select", sel_init, sel_free, sel_update, sel_wait
};
