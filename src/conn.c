/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/socket.h>
#include <poll.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "dump.h"
#include "kmove.h"
#include "log.h"
#include "util.h"

char	conn_scratch[BUF_CAP];

ssize_t
buf_flush(struct buf *b, struct conn *c)
{
	ssize_t	n;

	if (b->len == 0)
		return 0;
	n = conn_write(c, b->data + b->off, b->len);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	buf_consume(b, n);
	return n;
}

/*
 * With no loop running: wait until c can be written, or until (ms).
 * 0 when it can; -1 with errno (ETIMEDOUT: time ran out).
 */
static int
await_writable(struct conn *c, int64_t until)
{
	struct pollfd	pfd;
	int		want, r;

	/* TLS may need to read before it can write. */
	want = conn_want(c, LOOP_WRITE);
	pfd.fd = c->fd;
	pfd.events = (want & LOOP_READ ? POLLIN : 0) |
	    (want & LOOP_WRITE ? POLLOUT : 0);
	do
		r = now_ms() < until ?
		    poll(&pfd, 1, (int)(until - now_ms())) : 0;
	while (r == -1 && errno == EINTR);
	if (r <= 0) {
		if (r == 0)
			errno = ETIMEDOUT;
		return -1;
	}
	(void)conn_ready(c, (pfd.revents & POLLIN ? LOOP_READ : 0) |
	    (pfd.revents & (POLLOUT | POLLERR | POLLHUP) ? LOOP_WRITE : 0),
	    LOOP_WRITE);
	return 0;
}

int
conn_drain(struct conn *c, struct buf *b, int64_t until)
{
	while (b->len > 0) {
		if (buf_flush(b, c) == -1)
			return -1;
		if (b->len > 0 && await_writable(c, until) == -1)
			return -1;
	}
	return 0;
}

void
chan_drain(struct chan *ch, int64_t until)
{
	while (ch->buf.len > 0 && !ch->done &&
	    await_writable(ch->dst, until) == 0)
		chan_write(ch);
}

static ssize_t
plain_read(struct conn *c, void *p, size_t n)
{
	return read(c->fd, p, n);
}

static ssize_t
plain_write(struct conn *c, const void *p, size_t n)
{
	return write(c->fd, p, n);
}

static ssize_t
plain_splice(struct conn *src, struct conn *dst, size_t n)
{
	return kmove(src->fd, dst->fd, n);
}

static void
plain_shutdown(struct conn *c)
{
	if (c->is_sock)
		shutdown(c->fd, SHUT_WR);
}

static void
plain_close(struct conn *c)
{
	close(c->fd);
}

const struct xport xport_plain = {
	.name = "plain",
	.read = plain_read,
	.write = plain_write,
	.shutdown = plain_shutdown,
	.close = plain_close,
	.splice = plain_splice,
};

void
conn_init(struct conn *c, int fd, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->is_sock = 1;
	c->watched = 1;
	c->xp = &xport_plain;
	strlcpy(c->name, name, sizeof(c->name));
	c->active = now_ms();
}

struct conn *
conn_new(int fd, const char *name)
{
	struct conn	*c;

	if ((c = malloc(sizeof(*c))) == NULL)
		return NULL;
	conn_init(c, fd, name);
	c->is_sock = sock_is_socket(fd);
	c->watched = 0;		/* stdio; a command marks its peers */
	return c;
}

void
conn_free(struct conn *c)
{
	free(c);
}

ssize_t
conn_write(struct conn *c, const void *p, size_t n)
{
	ssize_t	w;

	if ((w = c->xp->write(c, p, n)) > 0) {
		if (dump_sink != NULL && c->watched)
			dump_chunk(DUMP_SENT, c->name, c->tx, p, w);
		c->tx += w;
		c->active = now_ms();
		log_v(2, "%s: %zd bytes out", c->name, w);
	}
	return w;
}

void
conn_shutdown(struct conn *c)
{
	log_v(2, "%s: end of data passed on", c->name);
	c->xp->shutdown(c);
}

void
conn_close(struct conn *c)
{
	c->xp->close(c);
	c->fd = -1;
}

ssize_t
conn_read(struct conn *c, struct buf *b, char **p)
{
	ssize_t	n;

	if (b->len == 0) {
		*p = conn_scratch;
		n = c->xp->read(c, conn_scratch, sizeof(conn_scratch));
	} else {
		if (buf_reserve(b) == -1)
			return -1;
		*p = b->data + b->off + b->len;
		n = c->xp->read(c, *p, BUF_SIZE(b) - b->off - b->len);
		if (n > 0)
			b->len += n;
	}
	if (n > 0) {
		if (dump_sink != NULL && c->watched)
			dump_chunk(DUMP_RECV, c->name, c->rx, *p, n);
		c->rx += n;
		c->active = now_ms();
		log_v(2, "%s: %zd bytes in", c->name, n);
	} else if (n == 0)
		log_v(2, "%s: end of data", c->name);
	else if (errno != EAGAIN && errno != EINTR)
		log_v(2, "%s: %s", c->name, strerror(errno));
	return n;
}

int
conn_can_splice(const struct conn *src, const struct conn *dst)
{
	/* --hexdump must see every byte: no splice then. */
	if (src->xp->splice == NULL || src->xp != dst->xp || dump_sink != NULL)
		return 0;
	return kmove_how(src->fd, dst->fd) != 0;
}

ssize_t
conn_splice(struct conn *src, struct conn *dst, size_t n)
{
	ssize_t	m;

	if ((m = src->xp->splice(src, dst, n)) > 0) {
		src->rx += m;
		dst->tx += m;
		src->active = dst->active = now_ms();
		log_v(2, "%s: %zd bytes spliced to %s", src->name, m,
		    dst->name);
	} else if (m == 0)
		log_v(2, "%s: end of data", src->name);
	return m;
}

int
chan_splice(struct chan *ch)
{
	ch->splice = ch->frame == NULL && conn_can_splice(ch->src, ch->dst);
	return ch->splice;
}

/*
 * One splice.  EAGAIN does not say which end was not ready: after a
 * readable src it means dst is full (stuck: wait until dst takes more),
 * after a writable dst that src is empty (wait to read).
 */
static ssize_t
chan_move(struct chan *ch)
{
	ssize_t	n;
	int	e;

	ch->stuck = 0;
	n = ch->viapipe ? kmove_chan(ch) : conn_splice(ch->src, ch->dst,
	    SPLICE_MAX);
	if (n > 0)
		return n;
	if (n == 0) {
		chan_eof(ch);
		return 0;
	}
	e = errno;
	if (e == EAGAIN || e == EINTR)
		return -1;
	if (e == EINVAL || e == ENOSYS) {
		/* Not spliceable after all: read and write from now on. */
		ch->splice = 0;
		return -1;
	}
	log_v(2, "%s -> %s: %s", ch->src->name, ch->dst->name, strerror(e));
	/* Which end failed?  EPIPE is dst's; a socket src's are its own. */
	if (e != EPIPE && ch->src->is_sock) {
		ch->err = e;
		chan_eof(ch);
	} else
		chan_abort(ch, e);
	errno = e;
	return -1;
}

static int
chan_wants_read(const struct chan *ch)
{
	if (ch->eof || ch->done || ch->stuck)
		return 0;
	/* Unframed data goes straight on: read again once it has. */
	return ch->frame != NULL ? ch->buf.len < BUF_CAP : ch->buf.len == 0;
}

/* How much of the buffer may be written now. */
static size_t
chan_ready(struct chan *ch)
{
	const struct buf	*b = &ch->buf;
	size_t			 hold;

	if (ch->frame == NULL || ch->eof || b->len == 0)
		return b->len;
	if (b->len < BUF_CAP)
		return frame_scan(ch->frame, &ch->scan, b->data + b->off,
		    b->len);
	/*
	 * A message longer than the buffer goes on in pieces; a piece
	 * never ends inside what may be a delimiter that the next read
	 * completes, so message ends are still found.
	 */
	hold = ch->frame->len - 1;
	return b->len > hold ? b->len - hold : b->len;
}

static int
chan_mask(const struct conn *c)
{
	int	mask = 0;

	if (c->rchan != NULL && chan_wants_read(c->rchan))
		mask |= LOOP_READ;
	if (c->wchan != NULL && !c->wchan->done &&
	    (c->wchan->stuck || chan_ready(c->wchan) > 0))
		mask |= LOOP_WRITE;
	return mask;
}

int
conn_want(const struct conn *c, int mask)
{
	return c->xp->want != NULL ? c->xp->want(c, mask) : mask;
}

int64_t
conn_deadline(const struct conn *c)
{
	return c->xp->deadline != NULL ? c->xp->deadline(c) : 0;
}

const char *
conn_failure(const struct conn *c)
{
	return c->xp->failure != NULL ? c->xp->failure(c) : NULL;
}

int
conn_truncated(const struct conn *c)
{
	return c->xp->truncated != NULL && c->xp->truncated(c);
}

int
conn_interest(const struct conn *c)
{
	return conn_want(c, chan_mask(c));
}

int
conn_ready(struct conn *c, int events, int mask)
{
	if (c->xp->advance == NULL)
		return events;
	return c->xp->advance(c, events, mask);
}

void
conn_io(struct conn *c, int events)
{
	events = conn_ready(c, events, chan_mask(c));
	if (events == -1) {
		/* A failed handshake: neither way carries anything. */
		if (c->rchan != NULL)
			chan_abort(c->rchan, errno);
		if (c->wchan != NULL && c->wchan != c->rchan)
			chan_abort(c->wchan, errno);
		return;
	}
	if (events & LOOP_WRITE && c->wchan != NULL)
		chan_write(c->wchan);
	if (events & LOOP_READ && c->rchan != NULL)
		chan_read(c->rchan);
}

void
chan_init(struct chan *ch, struct conn *src, struct conn *dst,
    const struct delim *frame)
{
	memset(ch, 0, sizeof(*ch));
	ch->src = src;
	ch->dst = dst;
	ch->frame = frame;
	src->rchan = ch;
	dst->wchan = ch;
}

static void
chan_drop(struct chan *ch, size_t n)
{
	buf_consume(&ch->buf, n);
	frame_consumed(&ch->scan, n);
}

void
chan_abort(struct chan *ch, int err)
{
	if (ch->err == 0)
		ch->err = err;
	ch->eof = ch->done = 1;
	chan_drop(ch, ch->buf.len);
	ch->piped = 0;		/* what is in the pipe goes with it */
}

/* Pass EOF on once everything before it is out. */
static void
chan_settle(struct chan *ch)
{
	if (!ch->eof || ch->done || ch->buf.len > 0 || ch->piped > 0)
		return;
	conn_shutdown(ch->dst);
	ch->done = 1;
}

void
chan_eof(struct chan *ch)
{
	ch->eof = 1;
	chan_settle(ch);
}

/* Write up to n bytes of p to dst; returns bytes taken, -1 on failure. */
static ssize_t
chan_put(struct chan *ch, const char *p, size_t n)
{
	ssize_t	w;

	if (n == 0)
		return 0;
	w = conn_write(ch->dst, p, n);
	if (w == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		log_v(2, "%s: %s", ch->dst->name, strerror(errno));
		chan_abort(ch, errno);
		return -1;
	}
	return w;
}

void
chan_write(struct chan *ch)
{
	ssize_t	w;

	if (ch->stuck) {
		/* dst took some: move on; EAGAIN now means src is empty. */
		chan_move(ch);
		return;
	}
	w = chan_put(ch, ch->buf.data + ch->buf.off, chan_ready(ch));
	if (w > 0)
		chan_drop(ch, w);
	chan_settle(ch);
}

ssize_t
chan_read(struct chan *ch)
{
	struct buf	*b = &ch->buf;
	ssize_t		 n, w;
	size_t		 ready;
	char		*p;

	if (ch->splice && b->len == 0) {
		n = chan_move(ch);
		/* (Through a pipe, kmove_chan knows which end it was.) */
		if (n == -1 && errno == EAGAIN && ch->splice && !ch->done &&
		    !ch->viapipe)
			ch->stuck = 1;
		if (n != -1 || ch->splice || ch->done)
			return n;
		/* splice refused: this read goes the ordinary way. */
	}
	n = conn_read(ch->src, b, &p);
	if (n > 0 && p == conn_scratch) {
		/* The common case: straight from scratch to the destination. */
		ready = ch->frame == NULL ? (size_t)n :
		    frame_whole(ch->frame, conn_scratch, n);
		w = chan_put(ch, conn_scratch, ready);
		if (w >= 0 && w < n) {
			if (buf_append(b, conn_scratch + w, n - w) == -1) {
				chan_abort(ch, ENOMEM);
				return n;
			}
			log_v(2, "%s: %zd bytes wait for %s", ch->src->name,
			    n - w, ch->dst->name);
			/* What is left was searched already. */
			ch->scan.whole = (size_t)w < ready ? ready - w : 0;
			ch->scan.scanned = n - w;
		}
	} else if (n > 0)
		chan_write(ch);
	else if (n == 0)
		chan_eof(ch);
	else if (errno != EAGAIN && errno != EINTR) {
		/* A reset peer: what came before it still goes on. */
		ch->err = errno;
		chan_eof(ch);
	}
	return n;
}

int
conntab_put(struct conntab *t, struct conn *c)
{
	struct conn	**p;
	int		  n = t->size ? t->size : 64;

	if (c->fd >= t->size) {
		while (n <= c->fd)
			n *= 2;
		if ((p = reallocarray(t->byfd, n, sizeof(*p))) == NULL)
			return -1;
		memset(p + t->size, 0, (n - t->size) * sizeof(*p));
		t->byfd = p;
		t->size = n;
	}
	t->byfd[c->fd] = c;
	t->count++;
	return 0;
}

void
conntab_del(struct conntab *t, struct conn *c)
{
	if (c->fd >= 0 && c->fd < t->size && t->byfd[c->fd] == c) {
		t->byfd[c->fd] = NULL;
		t->count--;
	}
}

void
conntab_free(struct conntab *t)
{
	free(t->byfd);
	memset(t, 0, sizeof(*t));
}
