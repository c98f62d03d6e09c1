/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * `send < FILE` and `listen > FILE` moved every byte through a read
 * and a write; splice(2) alone needs a pipe on one side, so a regular
 * file on either end went the slow way.  From a file to a socket
 * sendfile(2) does it; from a socket to a file, two splices through a
 * pipe of ours.  Writes to a regular file never wait, so that pipe is
 * always empty again when kmove returns: one for the whole process.
 */
#include "config.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "dump.h"
#include "kmove.h"
#include "log.h"
#include "util.h"

#define PIPE_SIZE	(1024 * 1024)

static int	kpipe[2] = { -1, -1 };

/* 'p' pipe, 's' socket, 'f' regular file, 0 anything else. */
static int
kind(int fd, int dst)
{
	struct stat	st;
	int		fl;

	if (fstat(fd, &st) == -1)
		return 0;
	if (S_ISFIFO(st.st_mode))
		return 'p';
	if (S_ISSOCK(st.st_mode))
		return 's';
	/* splice(2) refuses a file opened to append (>>). */
	if (S_ISREG(st.st_mode) && (!dst ||
	    ((fl = fcntl(fd, F_GETFL)) != -1 && !(fl & O_APPEND))))
		return 'f';
	return 0;
}

/*
 * -1, with errno made what write(2) would have said.  To a TCP socket
 * the peer reset, splice and sendfile say EPIPE: the reset is left
 * pending (SO_ERROR has it), or was taken by a call that still moved
 * some bytes and so returned their count.  Then the connection is
 * closed without our having closed it: a reset.
 */
static ssize_t
why(int to)
{
	struct tcp_info	ti;
	socklen_t	len = sizeof(int);
	int		e = errno, err = 0;

	if (e == EPIPE && getsockopt(to, SOL_SOCKET, SO_ERROR, &err,
	    &len) == 0 && err != 0)
		e = err;
	else if (e == EPIPE && (len = sizeof(ti), getsockopt(to, IPPROTO_TCP,
	    TCP_INFO, &ti, &len)) == 0 && ti.tcpi_state == TCP_CLOSE)
		e = ECONNRESET;
	errno = e;
	return -1;
}

int
kmove_how(int from, int to)
{
	int	a = kind(from, 0), b = kind(to, 1);

	if (a == 0 || b == 0)
		return 0;
	if (a == 'p' || b == 'p')
		return KMOVE_SPLICE;
	if (a == 'f' && b == 's')
		return KMOVE_SENDFILE;
	if (a == 's' && b == 'f')
		return KMOVE_VIAPIPE;
	return 0;
}

static void
kpipe_drop(void)
{
	close(kpipe[0]);
	close(kpipe[1]);
	kpipe[0] = kpipe[1] = -1;
}

/* All of the m bytes in our pipe out to the file to. */
static int
kpipe_flush(int to, size_t m)
{
	ssize_t	w;

	while (m > 0) {
		if ((w = splice(kpipe[0], NULL, to, NULL, m, SPLICE_F_MOVE)) <= 0) {
			/* What is in the pipe is lost: the stream is cut. */
			if (w == 0 || errno == EINVAL)
				errno = EIO;
			kpipe_drop();
			return -1;
		}
		m -= w;
	}
	return 0;
}

static ssize_t
via_pipe(int from, int to, size_t n)
{
	ssize_t	m;

	if (kpipe[0] == -1) {
		if (pipe2(kpipe, O_CLOEXEC | O_NONBLOCK) == -1)
			return -1;
		/* Larger moves, fewer calls; the default 64 KiB will do. */
		(void)fcntl(kpipe[1], F_SETPIPE_SZ, PIPE_SIZE);
	}
	m = splice(from, NULL, kpipe[1], NULL, n,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (m > 0 && kpipe_flush(to, m) == -1)
		return -1;
	return m;
}

ssize_t
kmove(int from, int to, size_t n)
{
	ssize_t	m;

	/*
	 * A pipe on one side is the common case (send and listen in a
	 * pipeline): try it first, without looking at what they are.
	 */
	m = splice(from, NULL, to, NULL, n, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (m != -1 || errno != EINVAL)
		return m == -1 ? why(to) : m;
	switch (kmove_how(from, to)) {
	case KMOVE_SENDFILE:
		return (m = sendfile(to, from, NULL, n)) == -1 ? why(to) : m;
	case KMOVE_VIAPIPE:
		return via_pipe(from, to, n);
	}
	errno = EINVAL;
	return -1;
}

/*
 * Between two sockets, as haproxy relays: through a pipe, so the bytes
 * never enter user space.  Unlike a file, dst may take part of them;
 * the rest stays in the chan's pipe (piped) and goes out first, and
 * the chan is stuck (waits for dst) meanwhile.
 */
int
chan_splice_pipe(struct chan *ch, int fdmax)
{
	const struct conn	*a = ch->src, *b = ch->dst;

	if (ch->frame != NULL || a->xp->splice == NULL || a->xp != b->xp ||
	    dump_sink != NULL || kind(a->fd, 0) != 's' || kind(b->fd, 1) != 's')
		return 0;
	if (pipe2(ch->pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return 0;
	if (ch->pipe[1] >= fdmax / 2) {
		close(ch->pipe[0]);
		close(ch->pipe[1]);
		return 0;
	}
	(void)fcntl(ch->pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
	ch->piped = 0;
	ch->viapipe = ch->splice = 1;
	return 1;
}

void
chan_release(struct chan *ch)
{
	buf_free(&ch->buf);
	if (ch->viapipe) {
		close(ch->pipe[0]);
		close(ch->pipe[1]);
		ch->viapipe = ch->splice = 0;
	}
}

/* The pipe to dst, as far as it takes it: -1 if dst failed. */
static int
pipe_flush(struct chan *ch)
{
	ssize_t	w;
	int	e;

	while (ch->piped > 0) {
		w = splice(ch->pipe[0], NULL, ch->dst->fd, NULL, ch->piped,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (w > 0) {
			ch->piped -= w;
			ch->dst->tx += w;
			continue;
		}
		if (w == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		e = w == 0 ? EPIPE : (why(ch->dst->fd), errno);
		log_v(2, "%s: %s", ch->dst->name, strerror(e));
		chan_abort(ch, e);
		errno = e;
		return -1;
	}
	return 0;
}

ssize_t
kmove_chan(struct chan *ch)
{
	ssize_t	n;

	if (pipe_flush(ch) == -1)
		return -1;
	if (ch->piped > 0) {
		ch->stuck = 1;
		errno = EAGAIN;
		return -1;
	}
	if (ch->eof)
		return 0;
	n = splice(ch->src->fd, NULL, ch->pipe[1], NULL, PIPE_SIZE,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n <= 0)
		return n;
	ch->src->rx += n;
	ch->src->active = ch->dst->active = now_ms();
	ch->piped = n;
	log_v(2, "%s: %zd bytes spliced to %s", ch->src->name, n,
	    ch->dst->name);
	if (pipe_flush(ch) == -1)
		return -1;
	ch->stuck = ch->piped > 0;
	return n;
}
