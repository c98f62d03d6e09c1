#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "util.h"

char	conn_scratch[BUF_CAP];

size_t
buf_room(const struct buf *b)
{
	return BUF_SIZE(b) - b->len;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n > buf_room(b))
		return -1;
	if (b->data == NULL && (b->data = malloc(BUF_SIZE(b))) == NULL)
		return -1;
	if (b->off + b->len + n > BUF_SIZE(b)) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	memcpy(b->data + b->off + b->len, p, n);
	b->len += n;
	return 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	b->len -= n;
	/* Idle connections keep no buffer: memory only while data waits. */
	if (b->len == 0)
		buf_free(b);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = 0;
}

int
buf_reserve(struct buf *b)
{
	if (b->data == NULL && (b->data = malloc(BUF_SIZE(b))) == NULL)
		return -1;
	if (b->len == 0)
		b->off = 0;
	else if (b->off + b->len == BUF_SIZE(b)) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	return 0;
}

ssize_t
buf_flush(struct buf *b, int fd)
{
	ssize_t	n;

	if (b->len == 0)
		return 0;
	n = write(fd, b->data + b->off, b->len);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	buf_consume(b, n);
	return n;
}

struct conn *
conn_new(int fd, const char *name)
{
	struct conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fd = fd;
	c->is_sock = sock_is_socket(fd);
	strlcpy(c->name, name, sizeof(c->name));
	c->active = now_ms();
	return c;
}

void
conn_free(struct conn *c)
{
	free(c);
}

static int
chan_wants_read(const struct chan *ch)
{
	if (ch->eof || ch->done)
		return 0;
	/* Unframed data goes straight on: read again once it has. */
	return ch->frame != NULL ? ch->buf.len < BUF_CAP : ch->buf.len == 0;
}

/* How much of the buffer may be written now. */
static size_t
chan_ready(const struct chan *ch)
{
	if (ch->frame == NULL || ch->eof || ch->buf.len == BUF_CAP)
		return ch->buf.len;
	return frame_whole(ch->frame, ch->buf.data + ch->buf.off, ch->buf.len);
}

int
conn_interest(const struct conn *c)
{
	int	mask = 0;

	if (c->rchan != NULL && chan_wants_read(c->rchan))
		mask |= LOOP_READ;
	if (c->wchan != NULL && !c->wchan->done && chan_ready(c->wchan) > 0)
		mask |= LOOP_WRITE;
	return mask;
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

void
chan_abort(struct chan *ch, int err)
{
	if (ch->err == 0)
		ch->err = err;
	ch->eof = ch->done = 1;
	buf_free(&ch->buf);
}

/* Pass EOF on once everything before it is out. */
static void
chan_settle(struct chan *ch)
{
	if (!ch->eof || ch->done || ch->buf.len > 0)
		return;
	if (ch->dst->is_sock)
		shutdown(ch->dst->fd, SHUT_WR);
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
	w = write(ch->dst->fd, p, n);
	if (w == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		chan_abort(ch, errno);
		return -1;
	}
	ch->dst->tx += w;
	ch->dst->active = now_ms();
	return w;
}

void
chan_write(struct chan *ch)
{
	ssize_t	w;

	w = chan_put(ch, ch->buf.data + ch->buf.off, chan_ready(ch));
	if (w > 0)
		buf_consume(&ch->buf, w);
	chan_settle(ch);
}

ssize_t
chan_read(struct chan *ch)
{
	struct buf	*b = &ch->buf;
	ssize_t		 n, w = 0;
	size_t		 ready;

	if (b->len == 0) {
		/* The common case: straight from scratch to the destination. */
		n = read(ch->src->fd, conn_scratch, sizeof(conn_scratch));
		if (n > 0) {
			ready = ch->frame == NULL ? (size_t)n :
			    frame_whole(ch->frame, conn_scratch, n);
			w = chan_put(ch, conn_scratch, ready);
			if (w >= 0 && w < n &&
			    buf_append(b, conn_scratch + w, n - w) == -1)
				chan_abort(ch, ENOMEM);
		}
	} else {
		buf_reserve(b);
		n = read(ch->src->fd, b->data + b->off + b->len,
		    BUF_CAP - b->off - b->len);
		if (n > 0) {
			b->len += n;
			chan_write(ch);
		}
	}
	if (n > 0) {
		ch->src->rx += n;
		ch->src->active = now_ms();
	} else if (n == 0)
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
	if (c->fd < t->size && t->byfd[c->fd] == c) {
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

int64_t
conntab_sweep(struct conntab *t, int64_t now, int64_t idle_ms,
    void (*fn)(struct conn *, void *), void *arg)
{
	struct conn	*c;
	int64_t		 next = 0;
	int		 fd;

	for (fd = 0; fd < t->size; fd++) {
		if ((c = t->byfd[fd]) == NULL)
			continue;
		if (c->active + idle_ms <= now)
			fn(c, arg);	/* may delete c */
		else if (next == 0 || c->active + idle_ms < next)
			next = c->active + idle_ms;
	}
	return next;
}
