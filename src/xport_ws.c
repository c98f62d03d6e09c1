/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * WebSocket as a transport of struct conn, over the transport the conn
 * had (plain, or TLS for wss:), which it keeps as a conn of its own.
 * Reads parse in place: the payload moves down over the headers in the
 * caller's buffer, so nothing is copied twice and nothing is collected.
 * Control frames we send (pong, close) wait in a small buffer for the
 * end of the data frame being written.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "util.h"
#include "ws.h"
#include "ws_http.h"

enum { HS_DONE, HS_SEND, HS_RECV };

struct ws {
	const struct ws_cfg	*cfg;
	struct conn		 low;		/* the transport below */
	struct ws_parser	 ps;
	int			 hs;		/* HS_*: the handshake's step */
	int			 status;	/* server: what it answers */
	int64_t			 deadline;
	char			*hsbuf;
	size_t			 hslen, hsoff;
	char			 key[25];
	uint8_t			*stash;		/* input read ahead of time */
	size_t			 stlen, stoff;
	size_t			 dpend;		/* delimiter bytes to give */
	uint8_t			 ctl[2 * (WS_HDR_MAX + WS_CTL_MAX)];
	size_t			 ctllen;
	uint8_t			 whdr[WS_HDR_MAX];
	size_t			 whlen, whoff;
	int			 inframe;	/* writing a frame's payload */
	uint64_t		 wleft, wlen;
	uint8_t			 wkey[4];
	int			 wdelim;	/* the delimiter follows it */
	int			 wmsg;		/* text: fragments under way */
	struct ws_utf8		 u8tx;
	int			 sent_close, got_close, eof;
	int			 ended;		/* the end was read */
	int			 failed, truncated;
	char			 why[256];
	/* --keepalive */
	struct loop		*loop;
	struct timer		 ping;		/* the next ping, or the end */
	int64_t			 ping_sent;	/* unanswered since; 0: none */
	int			 dead;		/* no answer: ETIMEDOUT */
};

#define WS(c)		((struct ws *)(c)->xpd)
#define WS_SCRATCH	(64 * 1024)

static uint8_t	ws_scratch[WS_SCRATCH];	/* masked payload on its way */
static const struct xport xport_ws;

static void	alive(struct ws *);

static ssize_t
low_read(struct ws *w, void *p, size_t n)
{
	return w->low.xp->read(&w->low, p, n);
}

static ssize_t
low_write(struct ws *w, const void *p, size_t n)
{
	return w->low.xp->write(&w->low, p, n);
}

static int
low_want(const struct ws *w, int mask)
{
	return w->low.xp->want != NULL ? w->low.xp->want(&w->low, mask) : mask;
}

static int
low_busy(const struct ws *w)
{
	return w->low.xp->deadline != NULL && w->low.xp->deadline(&w->low) != 0;
}

/* Send the control frames that wait, at a frame boundary: 0 or -1. */
static int
flush_ctl(struct ws *w)
{
	ssize_t	n;

	while (w->ctllen > 0 && !w->inframe) {
		if ((n = low_write(w, w->ctl, w->ctllen)) <= 0)
			return n == -1 && errno != EAGAIN && errno != EINTR ?
			    -1 : 0;
		memmove(w->ctl, w->ctl + n, w->ctllen - n);
		w->ctllen -= n;
	}
	return 0;
}

/* Queue a control frame (a ping flood loses pongs, as RFC 6455 allows). */
static void
queue_ctl(struct ws *w, int op, const uint8_t *p, size_t n)
{
	uint8_t	key[4], *h = w->ctl + w->ctllen;
	size_t	hl;

	if (w->ctllen + WS_HDR_MAX + n > sizeof(w->ctl))
		return;
	if (!w->cfg->server)
		arc4random_buf(key, sizeof(key));
	hl = ws_header(h, 1, op, n, w->cfg->server ? NULL : key);
	if (n > 0)
		memcpy(h + hl, p, n);
	if (!w->cfg->server)
		ws_mask(h + hl, n, key, 0);
	w->ctllen += hl + n;
}

static void
send_close(struct ws *w, unsigned code)
{
	uint8_t	b[2] = { (uint8_t)(code >> 8), (uint8_t)code };

	if (w->sent_close)
		return;
	if (w->wmsg)	/* end the text message cut short */
		queue_ctl(w, WS_OP_CONT, NULL, 0);
	w->wmsg = 0;
	queue_ctl(w, WS_OP_CLOSE, b, sizeof(b));
	w->sent_close = 1;
	(void)flush_ctl(w);
}

static int
fail(struct conn *c, int code, const char *why)
{
	struct ws	*w = WS(c);

	snprintf(w->why, sizeof(w->why), "WebSocket: %.200s", why);
	if (code != 0) {
		log_v(1, "%s: WebSocket: %s: closing with %d", c->name, why,
		    code);
		send_close(w, code);
	} else
		log_v(1, "%s: WebSocket handshake: %s", c->name, why);
	w->failed = 1;
	errno = EPROTO;
	return -1;
}

static int
stash(struct ws *w, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if ((w->stash = malloc(n)) == NULL)
		return -1;
	memcpy(w->stash, p, n);
	w->stlen = n;
	w->stoff = 0;
	return 0;
}

/* The head is in hsbuf[0..end): answer it, or check the answer. */
static int
hs_head(struct conn *c, size_t end)
{
	struct ws	*w = WS(c);
	char		 why[256], *out;
	size_t		 outlen;

	if (stash(w, w->hsbuf + end, w->hslen - end) == -1)
		return fail(c, 0, strerror(errno));
	if (!w->cfg->server) {
		if (ws_http_check(w->hsbuf, end, w->cfg, w->key, why,
		    sizeof(why)) == -1)
			return fail(c, 0, why);
		w->hs = HS_DONE;
		return 1;
	}
	if ((out = malloc(WS_HTTP_MAX)) == NULL)
		return fail(c, 0, strerror(errno));
	w->status = ws_http_answer(w->hsbuf, end, w->cfg, out, WS_HTTP_MAX,
	    &outlen, why, sizeof(why));
	if (w->status != 101)
		log_v(1, "%s: refused: HTTP %d: %s", c->name, w->status, why);
	free(w->hsbuf);
	w->hsbuf = out;
	w->hslen = outlen;
	w->hsoff = 0;
	w->hs = HS_SEND;
	return 0;
}

/* Our head is out: a client waits for the answer; a server is done. */
static int
hs_sent(struct conn *c)
{
	struct ws	*w = WS(c);
	char		 why[64];
	int		 i;

	w->hslen = w->hsoff = 0;
	if (!w->cfg->server) {
		w->hs = HS_RECV;
		return 0;
	}
	if (w->status == 101) {
		w->hs = HS_DONE;
		return 1;
	}
	/* Said, and the client told why: end our side.  What it sent
	 * that we did not read would make our close a reset, which can
	 * lose the answer: take what is there. */
	w->low.xp->shutdown(&w->low);
	for (i = 0; i < 8 && low_read(w, w->hsbuf, WS_HTTP_MAX) > 0; i++)
		;
	snprintf(why, sizeof(why), "answered HTTP %d", w->status);
	return fail(c, 0, why);
}

/* One step of the handshake: 1 done, 0 under way, -1 failed. */
static int
hs_step(struct conn *c)
{
	struct ws	*w = WS(c);
	ssize_t		 n;
	size_t		 end;

	for (;;) {
		if (w->hs == HS_SEND) {
			n = low_write(w, w->hsbuf + w->hsoff,
			    w->hslen - w->hsoff);
			if (n > 0 && (w->hsoff += n) == w->hslen &&
			    (n = hs_sent(c)) != 0)
				return n;
		} else {
			n = low_read(w, w->hsbuf + w->hslen,
			    WS_HTTP_MAX - w->hslen);
			if (n == 0)
				return fail(c, 0, "the peer closed the "
				    "connection");
			if (n > 0 && (w->hslen += n, end = ws_http_end(w->hsbuf,
			    w->hslen)) != 0 && (n = hs_head(c, end)) != 0)
				return n;
			/* Too long: a server says so (400), a client gives up. */
			if (n > 0 && end == 0 && w->hslen == WS_HTTP_MAX &&
			    (n = w->cfg->server ? hs_head(c, w->hslen) :
			    fail(c, 0, "HTTP head too long")) != 0)
				return n;
		}
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 :
			    fail(c, 0, strerror(errno));
	}
}

/* The handshake is over: free what it took. */
static int
hs_end(struct conn *c, int r)
{
	struct ws	*w = WS(c);

	if (r != 1)
		return r;
	free(w->hsbuf);
	w->hsbuf = NULL;
	w->deadline = 0;
	log_v(1, "%s: WebSocket open", c->name);
	return 1;
}

static int
ws_held(const struct ws *w)
{
	return w->stlen > w->stoff || w->dpend > 0 ||
	    ((w->got_close || w->eof) && !w->ended);
}

static int
ws_advance(struct conn *c, int events, int mask)
{
	struct ws	*w = WS(c);
	int		 r = events;

	if (w->failed) {
		errno = EPROTO;
		return w->deadline != 0 ? -1 : mask;
	}
	if (w->low.xp->advance != NULL) {
		r = w->low.xp->advance(&w->low, events, LOOP_READ | LOOP_WRITE);
		if (r == -1 || low_busy(w))
			return r == -1 ? -1 : 0;
	}
	if (w->deadline != 0) {
		if ((r = hs_end(c, hs_step(c))) != 1)
			return r;
		return mask;	/* the first try: all the user wants */
	}
	if (w->ctllen > 0 && flush_ctl(w) == -1)
		return mask;	/* the write that comes fails and says so */
	if (ws_held(w))
		r |= LOOP_READ;
	return r & mask;
}

static int
ws_want(const struct conn *c, int mask)
{
	const struct ws	*w = WS(c);
	int		 out = mask;

	if (w->failed)
		return mask;
	if (low_busy(w))
		return low_want(w, LOOP_READ | LOOP_WRITE);
	if (w->deadline != 0)
		return low_want(w, w->hs == HS_SEND ? LOOP_WRITE : LOOP_READ);
	if (w->ctllen > 0)
		out |= LOOP_WRITE;
	/* Input held here, which the descriptor does not show: at once. */
	if ((mask & LOOP_READ) && ws_held(w))
		out |= LOOP_WRITE;
	return low_want(w, out);
}

/* A control frame came whole. */
static void
on_ctl(struct conn *c)
{
	struct ws	*w = WS(c);
	unsigned	 code;

	switch (w->ps.op) {
	case WS_OP_PING:
		queue_ctl(w, WS_OP_PONG, w->ps.ctl, w->ps.clen);
		(void)flush_ctl(w);
		break;
	case WS_OP_PONG:
		log_v(2, "%s: WebSocket pong", c->name);
		break;
	case WS_OP_CLOSE:
		code = w->ps.clen >= 2 ? (unsigned)w->ps.ctl[0] << 8 |
		    w->ps.ctl[1] : 1005;
		log_v(1, "%s: WebSocket Close %u%s%.*s", c->name, code,
		    w->ps.clen > 2 ? ": " : "", (int)(w->ps.clen > 2 ?
		    w->ps.clen - 2 : 0), (const char *)w->ps.ctl + 2);
		w->got_close = 1;
		break;
	}
}

/*
 * Parse the m raw bytes at p + *got in place, the payload moving down
 * over the headers; from_stash says where they came from, to put back
 * what is left when a delimiter must go first.  0, or -1 (a violation).
 */
static int
parse_in(struct conn *c, uint8_t *p, size_t *got, size_t m, int from_stash)
{
	struct ws	*w = WS(c);
	const struct delim *d = &w->cfg->delim;
	uint8_t		*in = p + *got;
	size_t		 i = 0, o = 0, used, outl;
	enum ws_ev	 ev;

	while (i < m && !w->got_close) {
		ev = ws_parse(&w->ps, in + i, m - i, &used, in + o, m - o,
		    &outl);
		i += used;
		o += outl;
		if (ev == WS_EV_ERROR)
			return fail(c, w->ps.code, w->ps.why);
		if (ev == WS_EV_CTL)
			on_ctl(c);
		if (ev != WS_EV_END || !w->cfg->text)
			continue;
		if (i - o >= d->len) {
			memcpy(in + o, d->bytes, d->len);
			o += d->len;
			continue;
		}
		/* No room for the delimiter: it goes first next time. */
		w->dpend = d->len;
		if (from_stash)
			w->stoff -= m - i;
		else if (stash(w, in + i, m - i) == -1)
			return fail(c, 1011, strerror(errno));
		break;
	}
	*got += o;
	return 0;
}

/* Bytes held here before the socket's: a delimiter, the stash. */
static size_t
give_held(struct ws *w, uint8_t *p, size_t n, int *from_stash)
{
	size_t	k;

	*from_stash = 0;
	if (w->dpend > 0) {
		k = w->dpend < n ? w->dpend : n;
		memcpy(p, w->cfg->delim.bytes + w->cfg->delim.len - w->dpend,
		    k);
		w->dpend -= k;
		return k;
	}
	k = w->stlen - w->stoff < n ? w->stlen - w->stoff : n;
	memcpy(p, w->stash + w->stoff, k);
	w->stoff += k;
	*from_stash = 1;
	return k;
}

/* The stash is used up: free it. */
static void
unstash(struct ws *w)
{
	if (w->stash != NULL && w->stoff == w->stlen && w->dpend == 0) {
		free(w->stash);
		w->stash = NULL;
		w->stlen = w->stoff = 0;
	}
}

/* The end of the bytes: after a Close, or without one. */
static ssize_t
at_end(struct conn *c)
{
	struct ws	*w = WS(c);

	w->eof = w->ended = 1;
	if (!w->got_close && !w->truncated) {
		w->truncated = 1;
		log_v(1, "%s: closed without a WebSocket Close: what came may "
		    "be cut short", c->name);
	}
	return 0;
}

static ssize_t
ws_read(struct conn *c, void *buf, size_t n)
{
	struct ws	*w = WS(c);
	uint8_t		*p = buf;
	size_t		 got = 0, k;
	ssize_t		 r;
	int		 fs;

	if (w->dead || w->failed || w->deadline != 0) {
		errno = w->dead ? ETIMEDOUT : w->failed ? EPROTO : EAGAIN;
		return -1;
	}
	while (got < n && !w->got_close && !w->eof) {
		if (w->dpend > 0 || w->stlen > w->stoff) {
			k = give_held(w, p + got, n - got, &fs);
			if (fs && parse_in(c, p, &got, k, 1) == -1)
				return -1;
			got += fs ? 0 : k;
			unstash(w);
			continue;
		}
		if (got > 0)
			break;
		if ((r = low_read(w, p, n)) == 0)
			return at_end(c);
		if (r == -1)
			return -1;
		alive(w);
		if (parse_in(c, p, &got, r, 0) == -1)
			return -1;
	}
	if (got > 0)
		return got;
	if (w->got_close || w->eof)
		return at_end(c);
	errno = EAGAIN;
	return -1;
}

/* A new frame for what p[0..n) holds: its header, ready to go. */
static int
start_frame(struct conn *c, const uint8_t *p, size_t n)
{
	struct ws	*w = WS(c);
	const struct delim *d = &w->cfg->delim;
	size_t		 e = 0, len = n;
	int		 op = WS_OP_BINARY, fin = 1;

	if (w->cfg->text) {
		op = w->wmsg ? WS_OP_CONT : WS_OP_TEXT;
		if ((e = frame_next(d, (const char *)p, n)) != 0)
			len = e - d->len;
		fin = e != 0;
		if (ws_utf8(&w->u8tx, p, len) == -1 || (fin &&
		    w->u8tx.need != 0)) {
			errno = EILSEQ;
			return fail(c, 1007, "--text: a message not UTF-8");
		}
		w->wmsg = !fin;
	}
	w->wdelim = e != 0;
	if (!w->cfg->server)
		arc4random_buf(w->wkey, sizeof(w->wkey));
	w->whlen = ws_header(w->whdr, fin, op, len, w->cfg->server ? NULL :
	    w->wkey);
	w->whoff = 0;
	w->wleft = w->wlen = len;
	w->inframe = 1;
	return 0;
}

/* Payload of the frame under way from p, masked if we are a client. */
static ssize_t
put_payload(struct ws *w, const uint8_t *p, size_t n)
{
	size_t	k, done = 0;
	ssize_t	r;

	if (w->cfg->server)
		return low_write(w, p, n);
	while (done < n) {
		k = n - done < WS_SCRATCH ? n - done : WS_SCRATCH;
		memcpy(ws_scratch, p + done, k);
		ws_mask(ws_scratch, k, w->wkey, w->wlen - w->wleft + done);
		if ((r = low_write(w, ws_scratch, k)) <= 0)
			return done > 0 ? (ssize_t)done : r;
		done += r;
		if ((size_t)r < k)
			break;
	}
	return done;
}

/*
 * Each write is one frame, a binary message (or, --text, a text one up
 * to the delimiter, which is taken with it).  A frame once begun is
 * finished from the same bytes, which the caller keeps until taken.
 */
static ssize_t
ws_write(struct conn *c, const void *buf, size_t n)
{
	struct ws	*w = WS(c);
	size_t		 k;
	ssize_t		 r;

	if (w->dead) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (w->deadline != 0 && !w->failed) {
		errno = EAGAIN;
		return -1;
	}
	if (w->failed || w->sent_close) {
		errno = EPIPE;
		return -1;
	}
	if (flush_ctl(w) == -1)
		return -1;
	if (w->ctllen > 0 && !w->inframe) {
		errno = EAGAIN;
		return -1;
	}
	if (!w->inframe && start_frame(c, buf, n) == -1)
		return -1;
	while (w->whoff < w->whlen) {
		if ((r = low_write(w, w->whdr + w->whoff, w->whlen -
		    w->whoff)) <= 0)
			return -1;
		w->whoff += r;
	}
	k = n < w->wleft ? n : w->wleft;
	if (k > 0 && (r = put_payload(w, buf, k)) <= 0)
		return r;
	r = k > 0 ? r : 0;
	if ((w->wleft -= r) == 0) {
		w->inframe = 0;
		r += w->wdelim ? (ssize_t)w->cfg->delim.len : 0;
		(void)flush_ctl(w);
	}
	if (r == 0)
		errno = EAGAIN;
	return r > 0 ? r : -1;
}

static void
ws_shutdown(struct conn *c)
{
	struct ws	*w = WS(c);

	if (!w->failed && w->deadline == 0)
		send_close(w, 1000);
}

static void
ws_close(struct conn *c)
{
	struct ws	*w = WS(c);

	/* A command that ends a client (clock -c) ends it cleanly. */
	if (!w->failed && w->deadline == 0)
		send_close(w, 1000);
	(void)flush_ctl(w);
	w->low.xp->close(&w->low);
	ws_free(c);
}

static int64_t
ws_deadline(const struct conn *c)
{
	return WS(c)->deadline;
}

static const char *
ws_failure(const struct conn *c)
{
	const struct ws	*w = WS(c);

	if (w->why[0] != '\0')
		return w->why;
	return w->low.xp->failure != NULL ? w->low.xp->failure(&w->low) : NULL;
}

static int
ws_truncated(const struct conn *c)
{
	const struct ws	*w = WS(c);

	return w->truncated || (w->low.xp->truncated != NULL &&
	    w->low.xp->truncated(&w->low));
}

static const struct xport xport_ws = {
	.name = "ws",
	.read = ws_read,
	.write = ws_write,
	.shutdown = ws_shutdown,
	.close = ws_close,
	.want = ws_want,
	.advance = ws_advance,
	.splice = NULL,		/* the bytes are framed here */
	.deadline = ws_deadline,
	.failure = ws_failure,
	.truncated = ws_truncated,
};

/*
 * Nothing came since the ping: not even bytes we have not read yet
 * (our reader may be held back by its output), and our ping left.
 */
static int
unheard(const struct ws *w)
{
	int	q = 0;

	if (w->stlen > w->stoff || w->ctllen > 0)
		return 0;
	return ioctl(w->low.fd, FIONREAD, &q) == -1 || q <= 0;
}

/*
 * --keepalive: TCP's probes are answered by the kernel, and by every
 * proxy in between, even when the program at the other end is stuck;
 * a ping is answered by the peer itself.  A ping every ping_ms; no
 * frame at all in the pong_ms after one, and the peer is dead: the
 * socket is shut down, so that its owner wakes and reads ETIMEDOUT,
 * as after TCP keepalive's last probe.
 */
static void
on_ping(struct loop *l, struct timer *t)
{
	struct ws	*w = container_of(t, struct ws, ping);
	int64_t		 now = now_ms();

	if (w->failed || w->sent_close || w->got_close || w->eof)
		return;
	if (w->deadline != 0) {
		(void)timer_at(l, t, now + w->cfg->ping_ms);
		return;
	}
	if (w->ping_sent != 0 && unheard(w)) {
		snprintf(w->why, sizeof(w->why), "WebSocket: no answer to a "
		    "ping in %lld ms: the peer is dead",
		    (long long)(now - w->ping_sent));
		log_v(1, "%s: %s", w->low.name, w->why + 11);
		w->dead = 1;
		(void)shutdown(w->low.fd, SHUT_RDWR);
		return;
	}
	/* Our own frames are stuck: the peer is slow, not gone. */
	if (w->ctllen > 0) {
		w->ping_sent = 0;
		(void)timer_at(l, t, now + w->cfg->ping_ms);
		return;
	}
	log_v(2, "%s: WebSocket ping", w->low.name);
	queue_ctl(w, WS_OP_PING, (const uint8_t *)"sockit", 6);
	(void)flush_ctl(w);
	w->ping_sent = now;
	(void)timer_at(l, t, now + w->cfg->pong_ms);
}

/* Bytes came: the peer lives; the next ping a period after the last. */
static void
alive(struct ws *w)
{
	int64_t	next;

	if (w->ping_sent == 0)
		return;
	next = w->ping_sent + w->cfg->ping_ms;
	w->ping_sent = 0;
	(void)timer_at(w->loop, &w->ping, next);
}

int
ws_start(struct conn *c, struct loop *l, const struct ws_cfg *cfg, char *err,
    size_t errlen)
{
	struct ws	*w;
	int		 n;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->hsbuf = malloc(WS_HTTP_MAX)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(w);
		return -1;
	}
	w->cfg = cfg;
	conn_init(&w->low, c->fd, c->name);
	w->low.is_sock = c->is_sock;
	w->low.xp = c->xp;
	w->low.xpd = c->xpd;
	ws_parser_init(&w->ps, cfg->server, cfg->max);
	w->deadline = now_ms() + cfg->hs_ms;
	w->hs = HS_RECV;
	if (!cfg->server) {
		ws_new_key(w->key);
		if ((n = ws_http_request(w->hsbuf, WS_HTTP_MAX, cfg,
		    w->key)) == -1) {
			snprintf(err, errlen, "WebSocket request too long");
			free(w->hsbuf);
			free(w);
			return -1;
		}
		w->hslen = n;
		w->hs = HS_SEND;
	}
	c->xp = &xport_ws;
	c->xpd = w;
	w->loop = l;
	timer_init(&w->ping, on_ping);
	if (cfg->ping_ms > 0 && l != NULL)
		(void)timer_at(l, &w->ping, now_ms() + cfg->ping_ms);
	return 0;
}

void
ws_free(struct conn *c)
{
	struct ws	*w;

	if (c->xp != &xport_ws)
		return;
	w = WS(c);
	if (timer_armed(&w->ping))
		timer_stop(w->loop, &w->ping);
	c->xp = w->low.xp;
	c->xpd = w->low.xpd;
	free(w->hsbuf);
	free(w->stash);
	free(w);
}

int
ws_is(const struct conn *c)
{
	return c->xp == &xport_ws;
}

void
ws_cfg_init(struct ws_cfg *cfg, const struct common *co,
    const struct addr *a, int server, int64_t hs_ms)
{
	int	i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->server = server;
	cfg->text = co->ws_text;
	cfg->delim = co->delim;
	strlcpy(cfg->path, a->wspath[0] != '\0' ? a->wspath : "/",
	    sizeof(cfg->path));
	if (a->kind != ADDR_TCP || a->host[0] == '\0')
		strlcpy(cfg->host, "localhost", sizeof(cfg->host));
	else
		snprintf(cfg->host, sizeof(cfg->host), "%s%s%s", strchr(a->host,
		    ':') != NULL ? "[" : "", a->host, strchr(a->host, ':') !=
		    NULL ? "]" : "");
	if (a->kind == ADDR_TCP && strcmp(a->port, a->tls ? "443" : "80") != 0)
		snprintf(cfg->host + strlen(cfg->host), sizeof(cfg->host) -
		    strlen(cfg->host), ":%s", a->port);
	cfg->protocol = co->ws_protocol;
	for (i = 0; i < co->ws_nheaders; i++)
		cfg->headers[cfg->nheaders++] = co->ws_headers[i];
	for (i = 0; i < co->ws_norigins; i++)
		cfg->origins[cfg->norigins++] = co->ws_origins[i];
	cfg->max = co->ws_max;
	cfg->hs_ms = hs_ms;
	if (co->keepalive.on) {
		cfg->ping_ms = co->keepalive.idle * 1000LL;
		cfg->pong_ms = co->keepalive.interval * co->keepalive.count *
		    1000LL;
	}
}

void
ws_name(const struct ws_cfg *cfg, int tls, const char *bound, char *buf,
    size_t len)
{
	const char	*p = strcmp(cfg->path, "/") != 0 ? cfg->path : "";

	if (strncmp(bound, "unix:", 5) == 0 || bound[0] == '@')
		snprintf(buf, len, "ws+unix:%s%s%s", bound + (*bound == '@' ?
		    0 : 5), *p != '\0' ? ":" : "", p);
	else
		snprintf(buf, len, "%s://%s%s", tls ? "wss" : "ws", bound,
		    *p != '\0' ? p : "/");
}
