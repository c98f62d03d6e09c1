/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit send: connect, then stdin (or -m messages) to the socket and
 * the socket to stdout at the same time.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_dgram.h"
#include "conn.h"
#include "dial.h"
#include "log.h"
#include "opts.h"
#include "progress.h"
#include "proxy.h"
#include "pty.h"
#include "serial.h"
#include "server.h"
#include "tls.h"
#include "util.h"
#include "ws.h"

struct send {
	struct common	 co;
	const char	*msg[64];
	int		 nmsg;
	int		 send_only, recv_only;
	const char	*proxy;		/* --proxy URL */
	int		 progress;	/* --progress mode */
	struct progress	 prog;
	int		 zero_io;	/* -z */
	int		 crlf;		/* -C */
	int		 raw_tty;	/* --raw-tty */
	int64_t		 quit_ms;	/* -q; -1 = wait for the peer */
	struct timer	 quit;
	int		 quit_started;

	struct loop	*loop;
	struct conn	*in, *out, *net;
	struct chan	 up, down;	/* stdin -> net, net -> stdout */
	struct timer	 idle;
	struct tls_ctx	*tls;		/* the socket speaks TLS; or NULL */
	struct proxy	 px;		/* --proxy, with our CONNECT */
	int		 peer_gone;
	size_t		 queued;	/* bytes of -m messages */
	int		 stdin_tty;
	int		 status;

	/* --reconnect */
	struct dial_cfg	 rcfg;		/* how to connect again */
	struct dial	 dial;
	int		 reconnecting;	/* a dial is under way */
	int		 reconnects;
	unsigned long long lost;	/* bytes that may not have arrived */
	uint64_t	 tx_before;	/* sent on the connections before */
	char		*tail;		/* of the message being written */
	size_t		 tail_len;
	int		 tail_over;	/* longer than a buffer: not kept */
	int		 write_err;	/* the connection's, kept from the chan */
};

/* --raw-tty: see raw_tty(). */
static struct termios	tty_saved;
static int		tty_is_raw, at_bol = 1, held, escaped;

static const struct opt_spec send_opts[] = {
	{ "message", 'm', required_argument, "TEXT",
	    "send TEXT and the delimiter (repeatable), not stdin" },
	{ "send-only", OPT_SEND_ONLY, no_argument, NULL,
	    "never read the socket" },
	{ "recv-only", OPT_RECV_ONLY, no_argument, NULL, "never read stdin" },
	{ "shutdown", 'N', no_argument, NULL,
	    "accepted for nc habits (the default)" },
	PROGRESS_OPT_SPEC,
	{ "proxy", OPT_PROXY, required_argument, "URL",
	    "connect through socks5://, socks5h:// or\n"
	    "http:// [USER:PASS@]HOST[:PORT]" },
	{ "zero-io", 'z', no_argument, NULL,
	    "connect and close: is each ADDRESS open?" },
	{ "quit-after", 'q', required_argument, "DUR",
	    "after the end of stdin, read replies for DUR" },
	{ "crlf", 'C', no_argument, NULL, "send each \\n as \\r\\n" },
	{ "raw-tty", OPT_RAW_TTY, no_argument, NULL,
	    "a terminal on stdin: raw, every key sent (~. leaves)" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
send_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct send	*s = ctx;

	switch (ch) {
	case 'm':
		if (s->nmsg == (int)NELEM(s->msg)) {
			*why = "given too often (at most 64)";
			return -1;
		}
		s->msg[s->nmsg++] = arg;
		return 0;
	case OPT_SEND_ONLY:
		s->send_only = 1;
		return 0;
	case OPT_RECV_ONLY:
		s->recv_only = 1;
		return 0;
	case 'N':
		return 0;	/* half-close on EOF is the default */
	case OPT_PROXY:
		s->proxy = arg;
		return 0;
	case OPT_PROGRESS:
		return progress_parse(arg, &s->progress, why);
	case 'z':
		s->zero_io = 1;
		return 0;
	case 'q':
		return parse_duration(arg, &s->quit_ms, why);
	case 'C':
		s->crlf = 1;
		return 0;
	case OPT_RAW_TTY:
		s->raw_tty = 1;
		return 0;
	}
	return 1;
}

static void
finish(struct send *s)
{
	loop_stop(s->loop);
}

/*
 * The peer's data has ended: so does stdout's.  A pipe's reader (ssh
 * running us as its ProxyCommand) sees EOF only once the pipe closes;
 * a socket was shut down by its chan already.
 */
static void
end_stdout(struct send *s)
{
	struct stat	st;
	int		fd;

	if (s->down.err != 0 || fstat(1, &st) == -1 || !S_ISFIFO(st.st_mode))
		return;
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		return;
	dup2(fd, 1);
	close(fd);
}

static void	reconnect(struct send *);

/*
 * --reconnect: the connection is over (the peer closed or reset it, or
 * a write failed) while the input is not all sent.
 */
static int
cut_off(const struct send *s)
{
	if (!s->co.reconnect || (s->up.done && s->up.err == 0))
		return 0;
	return (s->down.done && !s->send_only && s->down.err != EPIPE) ||
	    s->write_err != 0 || s->up.err != 0 ||
	    conn_failure(s->net) != NULL;
}

/* After every event: interest from buffer state, and are we done? */
static void
update(struct send *s)
{
	if (s->reconnecting) {
		loop_set(s->loop, 1, conn_interest(s->out));
		return;
	}
	if (cut_off(s)) {
		reconnect(s);
		return;
	}
	loop_set(s->loop, 0, conn_interest(s->in));
	loop_set(s->loop, 1, conn_interest(s->out));
	loop_set(s->loop, s->net->fd, conn_interest(s->net));

	/*
	 * The peer closed.  It may have shut down only its own side, so a
	 * pipe or file goes on to its end or to a write that fails: no
	 * byte of it is dropped.  A terminal ends the session at once, and
	 * so does a unix peer that is gone both ways.
	 */
	if (s->down.done && !s->peer_gone) {
		s->peer_gone = 1;
		log_v(2, "peer closed");
		end_stdout(s);
		if (s->stdin_tty || sock_hung_up(s->net->fd))
			finish(s);
	}
	if (s->peer_gone && s->up.done)
		finish(s);
	/* -q: stdin is over; replies have DUR more to come. */
	if (s->up.done && s->quit_ms >= 0 && !timer_armed(&s->quit) &&
	    !s->quit_started) {
		s->quit_started = 1;
		timer_at(s->loop, &s->quit, now_ms() + s->quit_ms);
	}
	if (s->send_only && s->up.done)
		finish(s);
	if (escaped) {
		log_v(1, "~.: leaving");
		finish(s);
	}
}

static void
on_io(struct loop *l, int fd, int events, void *arg)
{
	struct send	*s = arg;

	(void)l;
	conn_io(fd == s->net->fd ? s->net : fd == 0 ? s->in : s->out, events);
	update(s);
}

static void
on_idle(struct loop *l, struct timer *t)
{
	struct send	*s = container_of(t, struct send, idle);
	int64_t		 active, now = now_ms();

	active = s->net->active > s->in->active ? s->net->active :
	    s->in->active;
	if (active + s->co.idle_ms > now) {
		timer_at(l, t, active + s->co.idle_ms);
		return;
	}
	log_err("idle for %lld ms: closing", (long long)s->co.idle_ms);
	s->status = 1;
	finish(s);
}

static void
on_quit(struct loop *l, struct timer *t)
{
	struct send	*s = container_of(t, struct send, quit);

	(void)l;
	log_v(2, "-q %lld ms after the end of input: quitting",
	    (long long)s->quit_ms);
	finish(s);
}

static void
on_signal(struct loop *l, int signo, void *arg)
{
	struct send	*s = arg;

	(void)l;
	log_v(1, "%s: stopping", strsignal(signo));
	/* What is buffered is flushed by the blocking drain in run(). */
	finish(s);
}

/* Append n bytes of p, each \n as \r\n with -C. */
static int
queue(struct send *s, const char *p, size_t n)
{
	const char	*nl;

	while (s->crlf && (nl = memchr(p, '\n', n)) != NULL) {
		if (buf_append(&s->up.buf, p, nl - p) ||
		    buf_append(&s->up.buf, "\r\n", 2))
			return -1;
		s->queued += nl - p + 2;
		n -= nl - p + 1;
		p = nl + 1;
	}
	if (buf_append(&s->up.buf, p, n))
		return -1;
	s->queued += n;
	return 0;
}

static int
queue_messages(struct send *s)
{
	int	i;

	for (i = 0; i < s->nmsg; i++)
		if (queue(s, s->msg[i], strlen(s->msg[i])) ||
		    queue(s, s->co.delim.bytes, s->co.delim.len))
			return -1;
	chan_eof(&s->up);
	return 0;
}

/*
 * -C: stdin read through this transport has each \n made \r\n.  It
 * reads at most half of what fits, so the expansion always fits.
 */
static ssize_t
crlf_read(struct conn *c, void *p, size_t n)
{
	char	*out = p, *in, ch;
	ssize_t	 r, i, k;

	if (n < 2)
		return read(c->fd, p, n);
	/* Read into the upper half, expand from the front: the output
	 * (at most 2i + 2 bytes after i) never overtakes the input. */
	in = out + n / 2;
	if ((r = read(c->fd, in, n / 2)) <= 0)
		return r;
	for (i = k = 0; i < r; i++) {
		ch = in[i];
		if (ch == '\n')
			out[k++] = '\r';
		out[k++] = ch;
	}
	return k;
}

static struct xport	xport_crlf;

/*
 * --raw-tty: the terminal's modes before, put back however we end, and
 * the escape: "~." at the start of a line leaves (as in ssh), "~~"
 * sends one "~"; any other "~" goes as it is.
 */
static struct xport	xport_escape;

static void
tty_restore(void)
{
	if (tty_is_raw && tcsetattr(0, TCSADRAIN, &tty_saved) == 0)
		tty_is_raw = 0;
}

/* Reads one byte short of n: a "~" held from before may need it. */
static ssize_t
escape_read(struct conn *c, void *p, size_t n)
{
	char	*buf = p, ch;
	ssize_t	 r, i, k;

	if (n < 2)
		return read(c->fd, p, n);
	if ((r = read(c->fd, buf + 1, n - 1)) <= 0)
		return r;
	for (i = 1, k = 0; i <= r && !escaped; i++) {
		ch = buf[i];
		if (held) {
			held = 0;
			if (ch == '.') {
				escaped = 1;
				break;
			}
			if (ch != '~')
				buf[k++] = '~';
		} else if (at_bol && ch == '~') {
			held = 1;
			at_bol = 0;
			continue;
		}
		buf[k++] = ch;
		at_bol = ch == '\r' || ch == '\n';
	}
	if (k == 0 && !escaped) {
		errno = EAGAIN;
		return -1;
	}
	return k;
}

/* Raw mode on the terminal that stdin is, with the escape. */
static void
raw_tty(struct send *s)
{
	if (!s->stdin_tty) {
		log_v(1, "stdin is not a terminal: --raw-tty does nothing");
		return;
	}
	if (tty_raw(0, &tty_saved) == -1)
		fatal("stdin: %s", strerror(errno));
	tty_is_raw = 1;
	tty_cleanup_add(tty_restore);
	xport_escape = *s->in->xp;
	xport_escape.read = escape_read;
	s->in->xp = &xport_escape;
}

/* Last flush after the loop: bounded by the grace period. */
static void
drain(struct send *s)
{
	int64_t	end = now_ms() + GRACE_MS;

	chan_drain(&s->up, end);
	chan_drain(&s->down, end);
}

/*
 * What stdin had not given us yet: the rest of a regular file, or what
 * a pipe (or socket) holds.  *more is set when that cannot be known: a pipe whose
 * writer is still there may have any amount to come.  A terminal is
 * excused: what is typed later was never input we took on.
 */
static unsigned long long
stdin_rest(struct send *s, int *more)
{
	struct pollfd	pfd = { 0, POLLIN, 0 };
	struct stat	st;
	off_t		off;
	int		q;

	*more = 0;
	/* (up.eof says nothing here: a failed chan is marked ended.) */
	if (s->nmsg > 0 || s->recv_only || s->stdin_tty || fstat(0, &st) == -1)
		return 0;
	if (S_ISREG(st.st_mode))
		return (off = lseek(0, 0, SEEK_CUR)) != -1 &&
		    st.st_size > off ? (unsigned long long)(st.st_size - off) :
		    0;
	/* A device (/dev/null) says nothing of what it has left. */
	if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
		return 0;
	if (ioctl(0, FIONREAD, &q) == -1 || q < 0)
		q = 0;
	*more = !(poll(&pfd, 1, 0) == 1 && pfd.revents & POLLHUP);
	return (unsigned long long)q;
}

/* Bytes the peer did not acknowledge (TLS, WebSocket: not known, 0). */
static unsigned long long
unacked(struct send *s)
{
	int	q = 0;

	if (s->tls != NULL || s->rcfg.ws != NULL ||
	    ioctl(s->net->fd, SIOCOUTQ, &q) == -1 || q < 0)
		return 0;
	return (unsigned long long)q;
}

/*
 * Bytes of the input the peer never took: what the socket still has
 * unacknowledged (SIOCOUTQ, which a reset leaves as it was), what we
 * hold, and what stdin still had.
 */
static unsigned long long
untaken(struct send *s, int *more)
{
	unsigned long long	n = s->in->rx + s->queued - s->tx_before -
				    s->net->tx, q = unacked(s);
	socklen_t		len = sizeof(int);
	int			family = AF_UNSPEC;

	/* Our FIN, once the input ended, is in TCP's queue too: no byte. */
	getsockopt(s->net->fd, SOL_SOCKET, SO_DOMAIN, &family, &len);
	if (q > 0 && family != AF_UNIX && s->up.done && s->up.err == 0 &&
	    !s->recv_only)
		q--;
	return n + q + stdin_rest(s, more);
}

/*
 * The peer reset or closed before taking all we had for it: a write
 * failed (err), or it hung up while stdin still had bytes.  Say how
 * much of the input never went out, or that the rest of it did not
 * when its size cannot be known.
 */
static void
unsent(struct send *s, const char *name, int err, unsigned long long n,
    int more)
{
	char	howmuch[64];

	/* A reset seen first by the read side makes later writes EPIPE. */
	if (err == EPIPE && s->down.err == ECONNRESET)
		err = ECONNRESET;
	if (!more)
		snprintf(howmuch, sizeof(howmuch), "%llu bytes", n);
	else if (n > 0)
		snprintf(howmuch, sizeof(howmuch), "%llu bytes and the rest "
		    "of the input", n);
	else
		strlcpy(howmuch, "the rest of the input", sizeof(howmuch));
	log_err("%s: %s (%s not sent)", name, err == 0 || err == EPIPE ?
	    "peer closed before taking all of the input" : strerror(err),
	    howmuch);
	s->status = 1;
}

/*
 * --reconnect with -d: the bytes written since the last delimiter, the
 * message being cut if the connection ends now, to be sent again whole.
 * The up chan writes whole messages, so this is short but for a write
 * that the socket took only part of.  (A delimiter of several bytes
 * split between two writes is not seen: its message is kept longer.)
 */
static void
track_bytes(struct send *s, const char *p, size_t n)
{
	const struct delim	*d = &s->co.delim;
	size_t			 i;

	for (i = n; i >= d->len && i > 0; i--)
		if (memcmp(p + i - d->len, d->bytes, d->len) == 0) {
			s->tail_len = 0;
			s->tail_over = 0;
			p += i;
			n -= i;
			break;
		}
	if (s->tail_over || s->tail_len + n > BUF_CAP) {
		s->tail_over = 1;
		return;
	}
	memcpy(s->tail + s->tail_len, p, n);
	s->tail_len += n;
}

static struct send	*tracked;
static struct xport	 xport_track;
static const struct xport *track_orig;	/* the one xport_track wraps */
static ssize_t		(*track_next)(struct conn *, const void *, size_t);

/*
 * A failed write is kept from the chan, which would drop what it holds
 * and end: to the chan, the socket is full; update() sees the failure
 * and connects again, the input still buffered.
 */
static ssize_t
track_write(struct conn *c, const void *p, size_t n)
{
	ssize_t	w;

	if ((w = track_next(c, p, n)) > 0 && tracked->tail != NULL)
		track_bytes(tracked, p, (size_t)w);
	if (w == -1 && errno != EAGAIN && errno != EINTR) {
		tracked->write_err = errno;
		errno = EAGAIN;
	}
	return w;
}

/* TLS and WebSocket free their state only when they know their xport. */
static void
track_close(struct conn *c)
{
	c->xp = track_orig;
	c->xp->close(c);
}

/*
 * --reconnect: watch what is written to the connection the dial made
 * (plain, TLS or WebSocket).
 */
static void
track(struct send *s)
{
	if (!s->co.reconnect)
		return;
	tracked = s;
	track_orig = s->net->xp;
	xport_track = *track_orig;
	track_next = xport_track.write;
	xport_track.write = track_write;
	xport_track.close = track_close;
	xport_track.splice = NULL;
	s->net->xp = &xport_track;
}

/*
 * A chan on a new connection, keeping what its buffer holds: the input
 * not sent yet, the replies not written to stdout yet.
 */
static void
chan_renew(struct chan *ch, struct conn *src, struct conn *dst,
    const struct delim *frame)
{
	struct buf	keep = ch->buf;

	chan_init(ch, src, dst, frame);
	ch->buf = keep;
}

/* Put the cut message back in front of the input still to send. */
static int
resend_tail(struct send *s)
{
	/* Room for both: a full buffer and a cut message of a buffer. */
	struct buf	b = { NULL, 0, 0, 2 * BUF_CAP };

	if (s->tail_len == 0)
		return 0;
	if (buf_append(&b, s->tail, s->tail_len) == -1 ||
	    buf_append(&b, s->up.buf.data + s->up.buf.off,
	    s->up.buf.len) == -1) {
		buf_free(&b);
		return -1;
	}
	buf_free(&s->up.buf);
	s->up.buf = b;
	return 0;
}

static void	on_io(struct loop *, int, int, void *);

/* The new connection is up, or retry gave up. */
static void
on_redialed(struct dial *d, const char *err, void *arg)
{
	struct send	*s = arg;

	(void)d;
	s->reconnecting = 0;
	if (err != NULL) {
		log_err("%s", err);
		s->status = 1;
		loop_stop(s->loop);
		return;
	}
	s->net->is_sock = 1;
	s->net->watched = 1;
	if (loop_add(s->loop, s->net->fd, on_io, s) == -1)
		fatal("event loop: %s", strerror(errno));
	track(s);
	s->reconnects++;
	log_v(1, "connected again to %s", s->net->name);
	update(s);
}

/* The connection ended with input left: count, keep, connect again. */
static void
reconnect(struct send *s)
{
	unsigned long long	q = unacked(s), lost;
	char			name[SOCK_NAME_MAX];
	int			eof = s->up.eof, why;

	why = s->write_err != 0 ? s->write_err : s->up.err != 0 ? s->up.err :
	    s->down.err;
	s->write_err = 0;
	/* The cut message goes again: it is not lost, unless too long. */
	if (s->tail_over || resend_tail(s) == -1)
		lost = q;
	else
		lost = q > s->tail_len ? q - s->tail_len : 0;
	s->lost += lost;
	log_v(1, "%s: %s; connecting again (%llu bytes may be lost, %zu "
	    "sent again)", s->net->name, why != 0 && why != EPIPE ?
	    strerror(why) : "the peer closed", lost, lost == q ? 0 :
	    s->tail_len);
	s->tx_before += s->net->tx - (lost == q ? 0 : s->tail_len);
	s->tail_len = 0;
	s->tail_over = 0;
	strlcpy(name, s->net->name, sizeof(name));
	loop_del(s->loop, s->net->fd);
	conn_close(s->net);
	conn_init(s->net, -1, name);
	chan_renew(&s->up, s->in, s->net, s->tail != NULL ? &s->co.delim :
	    NULL);
	s->up.eof = eof;
	chan_renew(&s->down, s->net, s->out, NULL);
	s->reconnecting = 1;
	loop_set(s->loop, 0, 0);
	loop_set(s->loop, 1, conn_interest(s->out));
	dial_start(&s->dial, s->loop, &s->rcfg, s->net, on_redialed, s);
}

static void
count(void *arg, uint64_t *sent, uint64_t *recv, uint64_t *in)
{
	struct send	*s = arg;

	*sent = s->tx_before + s->net->tx;
	*recv = s->net->rx;
	*in = s->in->rx;
}

static int	ended(struct send *, const char *);

/* stdin -> net -> stdout. */
static void
chans(struct send *s)
{
	/* --reconnect -d: whole messages, to send a cut one again whole. */
	if (s->co.reconnect && s->co.delim_set &&
	    (s->tail = malloc(BUF_CAP)) == NULL)
		fatal("%s", strerror(errno));
	chan_init(&s->up, s->in, s->net, s->tail != NULL ? &s->co.delim :
	    NULL);
	chan_init(&s->down, s->net, s->out, NULL);
	track(s);
	/* Pipes in or out: the bytes need not pass through us. */
	if (!s->co.reconnect) {
		chan_splice(&s->up);
		chan_splice(&s->down);
	}
}

/* The session, on the connection the dial made (TLS is up already). */
static int
run(struct send *s)
{
	const char	*name = s->net->name;
	int		 fd = s->net->fd;

	s->in = conn_new(0, "stdin");
	s->out = conn_new(1, "stdout");
	if (s->in == NULL || s->out == NULL)
		fatal("%s", strerror(errno));
	s->net->watched = 1;
	if (s->crlf) {
		xport_crlf = *s->in->xp;
		xport_crlf.read = crlf_read;
		s->in->xp = &xport_crlf;
	}
	s->stdin_tty = isatty(0);
	if (s->raw_tty)
		raw_tty(s);
	chans(s);
	if (s->nmsg > 0 && queue_messages(s) == -1)
		usage_error(&cmd_send, "-m: messages too long (at most %d "
		    "bytes in all)", BUF_CAP);
	if (s->recv_only)
		chan_abort(&s->up, 0);	/* no stdin, but no EOF sent either */
	if (s->send_only)
		chan_abort(&s->down, 0);
	if (loop_signals(s->loop, on_signal, s) == -1 ||
	    loop_add(s->loop, 0, on_io, s) == -1 ||
	    loop_add(s->loop, 1, on_io, s) == -1 ||
	    loop_add(s->loop, fd, on_io, s) == -1)
		fatal("event loop: %s", strerror(errno));
	timer_init(&s->idle, on_idle);
	timer_init(&s->quit, on_quit);
	if (s->co.idle_ms > 0)
		timer_at(s->loop, &s->idle, now_ms() + s->co.idle_ms);
	update(s);
	progress_start(&s->prog, s->progress, s->loop, count, s);
	if (loop_run(s->loop) == -1)
		fatal("event loop: %s", strerror(errno));
	tty_restore();
	if (s->reconnecting)
		dial_cancel(&s->dial);
	else
		drain(s);
	progress_end(&s->prog);
	return ended(s, name);
}

/* --reconnect: what may not have arrived makes the exit status 1. */
static void
lost(struct send *s, const char *name)
{
	if (s->lost == 0)
		return;
	log_err("%s: %llu bytes may have been lost over %d reconnects",
	    name, s->lost, s->reconnects);
	s->status = 1;
}

/* The session is over: say how, and free it all; the exit status. */
static int
ended(struct send *s, const char *name)
{
	unsigned long long	 left;
	socklen_t		 elen = sizeof(int);
	int			 e, more, fd = s->net->fd;

	if (conn_failure(s->net) != NULL) {
		log_err("%s: %s", name, conn_failure(s->net));
		s->status = 1;
	} else if (conn_truncated(s->net) && !s->send_only) {
		log_err("%s: closed without a TLS close_notify: the reply "
		    "may be cut short", name);
		s->status = 1;
	} else if (s->up.err != 0) {
		left = untaken(s, &more);
		unsent(s, name, s->up.err, left, more);
	} else if (s->peer_gone && !s->up.done &&
	    (left = untaken(s, &more)) > 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
			e = 0;
		unsent(s, name, e, left, more);
	} else if (s->down.err != 0 && s->down.err != EPIPE &&
	    s->down.err != ECONNRESET && s->down.err != ETIMEDOUT) {
		log_err("stdout: %s", strerror(s->down.err));
		s->status = 1;
	} else if ((s->down.err == ECONNRESET || s->down.err == ETIMEDOUT) &&
	    !s->send_only) {
		/* (ETIMEDOUT: keepalive found the peer dead, a reset too.) */
		/* Seen by the read side first, with input still to go. */
		if ((left = untaken(s, &more)) > 0 || more)
			unsent(s, name, s->down.err, left, more);
		else
			log_err("%s: %s", name, strerror(s->down.err));
		s->status = 1;
	}
	lost(s, name);
	log_v(1, "%s closed: %llu bytes sent, %llu received", name,
	    (unsigned long long)(s->tx_before + s->net->tx),
	    (unsigned long long)s->net->rx);
	/* Unread input would make close() reset, losing what is unsent. */
	if (s->send_only && s->tls == NULL && s->rcfg.ws == NULL)
		while (read(fd, conn_scratch, sizeof(conn_scratch)) > 0)
			;
	conn_close(s->net);
	tls_ctx_free(s->tls);
	loop_free(s->loop);
	conn_free(s->in);
	conn_free(s->out);
	conn_free(s->net);
	free(s->tail);
	return s->status;
}

/* The length of n bytes of p once queued (-C makes \n two bytes). */
static size_t
grown(const struct send *s, const char *p, size_t n)
{
	size_t	i, len = n;

	for (i = 0; s->crlf && i < n; i++)
		len += p[i] == '\n';
	return len;
}

/* Resolve a, and -s if given: exit 2 or 1 on failure. */
static void
target(const struct cmd *cmd, const struct common *co,
    const struct addr *a, struct target *t)
{
	char	err[512];
	int	usage;

	if (sock_target(a, t, &usage, err, sizeof(err)) == -1 ||
	    (co->source != NULL && sock_source(t, co->source, &usage, err,
	    sizeof(err)) == -1)) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
}

/* -z on one address: 0 if it accepts a connection, 1 if not. */
static int
probe(const struct cmd *cmd, const struct common *co, struct loop *l,
    struct addr *a, const char *name)
{
	struct target	 t;
	struct dial_cfg	 cfg = { .target = &t, .wait_ms = co->wait_ms,
			    .retry = co->retry,
			    .retry_max_ms = co->retry_max_ms };
	struct conn	 c;
	char		 err[512];
	int		 status = 0;

	if (a->dgram)
		usage_error(cmd, "%s: -z is for streams: a datagram "
		    "address cannot be probed", name);
	if (a->kind == ADDR_SERIAL)
		usage_error(cmd, "%s: -z is for sockets: a serial device "
		    "cannot be probed", name);
	target(cmd, co, a, &t);
	conn_init(&c, -1, name);
	if (dial_run(l, &cfg, &c, err, sizeof(err)) == -1) {
		log_v(1, "%s", err);
		status = 1;
	} else {
		close(c.fd);
		log_v(1, "%s: open", name);
	}
	sock_target_free(&t);
	return status;
}

/* nc's port operand: "80", "http" or a range "20-30"; -1 if not one. */
static int
port_range(const char *s, long *lo, long *hi)
{
	const char	*why;
	char		 first[16];
	long long	 a, b;
	size_t		 n = strcspn(s, "-");

	if (s[n] == '\0') {
		*lo = *hi = 0;	/* one port, number or name: as it is */
		return strchr(s, ':') == NULL && strchr(s, '/') == NULL &&
		    *s != '\0' ? 0 : -1;
	}
	if (n == 0 || n >= sizeof(first))
		return -1;
	memcpy(first, s, n);
	first[n] = '\0';
	if (parse_number(first, 1, 65535, &a, &why) == -1 ||
	    parse_number(s + n + 1, a, 65535, &b, &why) == -1)
		return -1;
	*lo = a;
	*hi = b;
	return 0;
}

/* -z HOST PORT...: each port, or each of a range, on HOST. */
static int
probe_ports(const struct cmd *cmd, const struct common *co, struct loop *l,
    const char *host, const char *spec)
{
	struct addr	 a;
	char		 port[16], name[ADDR_HOST_MAX + 16], err[512];
	char		*pair[2];
	long		 lo, hi, p;
	int		 status = 0;

	(void)port_range(spec, &lo, &hi);	/* zero_io checked it */
	for (p = lo; p <= hi; p++) {
		if (lo == 0)
			strlcpy(port, spec, sizeof(port));
		else
			snprintf(port, sizeof(port), "%ld", p);
		pair[0] = (char *)host;
		pair[1] = port;
		if (opts_address(co, 0, 2, pair, &a, err, sizeof(err)) == -1)
			usage_error(cmd, "%s", err);
		snprintf(name, sizeof(name), "%s %s", host, port);
		status |= probe(cmd, co, l, &a, name);
	}
	return status;
}

/*
 * -z: connect to each ADDRESS and close at once (nc -z).  As nc, HOST
 * PORT... probes each port (or range, 20-30) of HOST; otherwise every
 * argument is one ADDRESS.  0 if all are open.
 */
static int
zero_io(const struct cmd *cmd, const struct common *co, int argc,
    char **argv)
{
	struct addr	 a;
	char		 err[512];
	long		 lo, hi;
	int		 i, status = 0;
	struct loop	*l;

	if (argc == 0)
		usage_error(cmd, "missing ADDRESS");
	if ((l = loop_new(loop_pick(8), err, sizeof(err))) == NULL)
		fatal("%s", err);
	/* A first argument that is no ADDRESS alone is nc's HOST. */
	if (argc >= 2 && strpbrk(argv[1], ":/") == NULL &&
	    opts_address(co, 0, 1, argv, &a, err, sizeof(err)) == -1) {
		for (i = 1; i < argc; i++)
			if (port_range(argv[i], &lo, &hi) == -1)
				usage_error(cmd, "%s: not a port or a range "
				    "of ports (80, http, 20-30)", argv[i]);
		for (i = 1; i < argc; i++)
			status |= probe_ports(cmd, co, l, argv[0], argv[i]);
	} else
		for (i = 0; i < argc; i++) {
			if (opts_address(co, 0, 1, argv + i, &a, err,
			    sizeof(err)) == -1)
				usage_error(cmd, "%s", err);
			status |= probe(cmd, co, l, &a, argv[i]);
		}
	loop_free(l);
	return status;
}

/*
 * Dial a (t: it, or the proxy), then the session.  The loop is made
 * first: the dial runs on it, and the session goes on there.
 */
static int
connect_run(struct send *s, const struct addr *a, struct target *t,
    const char *name)
{
	struct dial_cfg	 cfg = { .target = t,
			    .proxy = s->proxy != NULL ? &s->px : NULL,
			    .tls = s->tls,
			    .tls_host = a->kind == ADDR_TCP ? a->host : NULL,
			    .wait_ms = s->co.wait_ms,
			    .retry = s->co.retry,
			    .retry_max_ms = s->co.retry_max_ms,
			    .keepalive = &s->co.keepalive };
	struct ws_cfg	 wc;
	char		 err[512];
	int		 fd, status;

	if (a->ws) {
		ws_cfg_init(&wc, &s->co, a, 0, opts_handshake_ms(&s->co));
		cfg.ws = &wc;
	}
	/* Many inherited descriptors put ours past select(): then epoll. */
	if ((s->loop = loop_new(loop_pick(8), err, sizeof(err))) == NULL ||
	    (s->net = conn_new(-1, name)) == NULL)
		fatal("%s", s->loop == NULL ? err : strerror(errno));
	if (dial_run(s->loop, &cfg, s->net, err, sizeof(err)) == -1) {
		if (log_nc == NULL)
			fatal("%s", err);
		log_nc(LOG_NC_FAILED, -1, err);
		exit(1);
	}
	/* Each reconnect retries as --retry says, or for ever. */
	s->rcfg = cfg;
	s->rcfg.retry = s->co.retry != 0 ? s->co.retry : -1;
	if (!s->co.reconnect)
		sock_target_free(t);
	fd = s->net->fd;
	s->net->is_sock = 1;
	if (s->proxy != NULL)
		log_v(1, "proxy %s: connected to %s", s->px.name,
		    s->px.target);
	log_v(1, "connected to %s", name);
	if (log_nc != NULL)
		log_nc(LOG_NC_CONNECTED, fd, NULL);
	if (a->dgram) {
		/* Datagrams: no peer closes, so -q defaults to 0. */
		struct dsend_opts	o = { s->msg, s->nmsg, s->send_only,
					    s->recv_only, s->quit_ms < 0 ? 0 :
					    s->quit_ms };

		loop_free(s->loop);
		conn_free(s->net);
		return dgram_send_run(&s->co, &o, fd, name);
	}
	status = run(s);
	if (s->co.reconnect)
		sock_target_free(t);
	return status;
}

/* Options that exclude each other: exit 2. */
static void
exclusions(const struct cmd *cmd, const struct send *s)
{
	if (s->send_only && s->recv_only)
		usage_error(cmd, "--send-only and --recv-only exclude each "
		    "other");
	if (s->nmsg > 0 && s->recv_only)
		usage_error(cmd, "-m and --recv-only exclude each other");
	if (s->co.reconnect && (s->zero_io || s->recv_only))
		usage_error(cmd, "--reconnect: not with %s", s->zero_io ?
		    "-z" : "--recv-only (no input to go on with)");
	if (s->raw_tty && s->crlf)
		usage_error(cmd, "--raw-tty sends the keys as typed: -C does "
		    "not apply");
	if (s->raw_tty && s->nmsg > 0)
		usage_error(cmd, "--raw-tty is for stdin: -m does not apply");
}

/* serial:DEVICE: nothing to dial; the device is opened, ours alone. */
static int
serial_run(const struct cmd *cmd, struct send *s, const struct addr *a,
    const char *name)
{
	char	err[512];
	int	usage;

	/* A device is there or not: nothing to connect again, no TCP. */
	if (s->proxy != NULL || s->co.source != NULL || s->co.reconnect ||
	    s->co.retry != 0 || s->co.keepalive.on)
		usage_error(cmd, "%s: %s is for sockets", name,
		    s->proxy != NULL ? "--proxy" : s->co.source != NULL ? "-s" :
		    s->co.reconnect ? "--reconnect" : s->co.retry != 0 ?
		    "--retry" : "--keepalive");
	if ((s->loop = loop_new(loop_pick(8), err, sizeof(err))) == NULL ||
	    (s->net = conn_new(-1, name)) == NULL)
		fatal("%s", s->loop == NULL ? err : strerror(errno));
	if (serial_open(a->path, &a->serial, s->net, &usage, err,
	    sizeof(err)) == -1) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
	log_v(1, "%s: opened", a->path);
	return run(s);
}

static int
send_exec(const struct cmd *cmd, int argc, char **argv)
{
	struct send	 s;
	struct addr	 a;
	struct target	 t;
	char		 err[512];
	size_t		 total;
	int		 n, i, usage;

	memset(&s, 0, sizeof(s));
	s.quit_ms = -1;
	n = cmd_parse(cmd, argc, argv, send_opt, &s, &s.co);
	exclusions(cmd, &s);
	/* UDP cannot be probed: nothing answers a connect. */
	if (s.zero_io && (s.co.dgram || s.proxy != NULL))
		usage_error(cmd, "-z is for streams, without --proxy");
	if (s.zero_io)
		return zero_io(cmd, &s.co, argc - n, argv + n);
	for (total = 0, i = 0; i < s.nmsg; i++)
		total += grown(&s, s.msg[i], strlen(s.msg[i])) +
		    grown(&s, s.co.delim.bytes, s.co.delim.len);
	/* Before connecting: a refused -m must not cost the peer a client. */
	if (total > BUF_CAP)
		usage_error(cmd, "-m: messages too long (%zu bytes with "
		    "delimiters; at most %d in all)", total, BUF_CAP);
	if (opts_address(&s.co, 0, argc - n, argv + n, &a, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	/* TLS and WebSocket options without their address: before serial:. */
	if (opts_check_tls(&s.co, 0, a.tls, err, sizeof(err)) == -1 ||
	    opts_check_ws(&s.co, 0, a.ws, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	if (a.kind == ADDR_SERIAL)
		return serial_run(cmd, &s, &a, argv[n]);
	if (s.proxy != NULL && a.dgram)
		usage_error(cmd, "--proxy is for streams, not datagrams");
	if (s.co.reconnect && a.dgram)
		usage_error(cmd, "--reconnect is for streams, not datagrams");
	/* Certificates are read before anything connects. */
	if (a.tls && (s.tls = tls_ctx_new(&s.co.tls, 0,
	    opts_handshake_ms(&s.co), err, sizeof(err))) == NULL)
		fatal("%s", err);
	if (s.proxy == NULL)
		target(cmd, &s.co, &a, &t);
	else if (dial_proxy(s.proxy, &a, s.co.family, s.co.source, &s.px, &t,
	    &usage, err, sizeof(err)) == -1) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
	return connect_run(&s, &a, &t, argc - n == 1 ? argv[n] : "peer");
}

const struct cmd cmd_send = {
	.name = "send",
	.args = "[options] ADDRESS",
	.summary = "connect; stdin (or -m messages) out, replies to stdout",
	.opts = send_opts,
	.note = NULL,
	.flags = GROUP_DELIM | GROUP_CLIENT | GROUP_WATCH | GROUP_IDLE | CMD_STDIO,
	.serves = 0,
	.dials = KIND_STREAM | KIND_DGRAM | KIND_TLS | KIND_WS | KIND_SERIAL,
	.exec = send_exec
};
