/*
 * sockit send: connect, then stdin (or -m messages) to the socket and
 * the socket to stdout at the same time.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "server.h"
#include "util.h"

struct send {
	struct common	 co;
	const char	*msg[64];
	int		 nmsg;
	int		 send_only, recv_only;

	struct loop	*loop;
	struct conn	*in, *out, *net;
	struct chan	 up, down;	/* stdin -> net, net -> stdout */
	struct timer	 idle;
	int		 peer_gone;
	size_t		 queued;	/* bytes of -m messages */
	int		 stdin_tty;
	int		 status;
};

static const struct opt_spec send_opts[] = {
	{ "message", 'm', required_argument, "TEXT",
	    "send TEXT and the delimiter (repeatable), not stdin" },
	{ "send-only", OPT_SEND_ONLY, no_argument, NULL,
	    "never read the socket" },
	{ "recv-only", OPT_RECV_ONLY, no_argument, NULL, "never read stdin" },
	{ "shutdown", 'N', no_argument, NULL,
	    "accepted for nc habits (the default)" },
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
	}
	return 1;
}

static void
finish(struct send *s)
{
	loop_stop(s->loop);
}

/* After every event: interest from buffer state, and are we done? */
static void
update(struct send *s)
{
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
		if (s->stdin_tty || sock_hung_up(s->net->fd))
			finish(s);
	}
	if (s->peer_gone && s->up.done)
		finish(s);
	if (s->send_only && s->up.done)
		finish(s);
}

static void
on_io(struct loop *l, int fd, int events, void *arg)
{
	struct send	*s = arg;

	(void)l;
	if (fd == s->net->fd) {
		if (events & LOOP_WRITE)
			chan_write(&s->up);
		if (events & LOOP_READ)
			chan_read(&s->down);
	} else if (fd == 0)
		chan_read(&s->up);
	else
		chan_write(&s->down);
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
on_signal(struct loop *l, int signo, void *arg)
{
	struct send	*s = arg;

	(void)l;
	log_v(1, "%s: stopping", strsignal(signo));
	/* What is buffered is flushed by the blocking drain in run(). */
	finish(s);
}

static int
queue_messages(struct send *s)
{
	int	i;

	for (i = 0; i < s->nmsg; i++) {
		if (buf_append(&s->up.buf, s->msg[i], strlen(s->msg[i])) ||
		    buf_append(&s->up.buf, s->co.delim.bytes, s->co.delim.len))
			return -1;
		s->queued += strlen(s->msg[i]) + s->co.delim.len;
	}
	chan_eof(&s->up);
	return 0;
}

/* Last flush after the loop: bounded by the grace period. */
static void
drain(struct send *s)
{
	int64_t		 end = now_ms() + GRACE_MS;
	struct pollfd	 pfd;
	struct chan	*ch[2] = { &s->up, &s->down };
	int		 i;

	for (i = 0; i < 2; i++)
		while (ch[i]->buf.len > 0 && !ch[i]->done &&
		    now_ms() < end) {
			pfd.fd = ch[i]->dst->fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, (int)(end - now_ms())) <= 0)
				break;
			chan_write(ch[i]);
		}
}

/*
 * The peer reset or closed before taking all we had for it: a write
 * failed (err), or it hung up while stdin still had bytes.  Say how
 * much of what was read never went out.
 */
static void
unsent(struct send *s, const char *name, int err, unsigned long long n)
{
	/* A reset seen first by the read side makes later writes EPIPE. */
	if (err == EPIPE && s->down.err == ECONNRESET)
		err = ECONNRESET;
	if (err == ECONNRESET || err == 0 || err == EPIPE)
		log_err("%s: %s (%llu bytes not sent)", name,
		    err == ECONNRESET ? strerror(err) :
		    "peer closed before taking all of the input", n);
	else
		log_err("%s: %s (%llu bytes not sent)", name, strerror(err), n);
	s->status = 1;
}

/* After the peer left: bytes stdin had waiting for it, if any. */
static unsigned long long
left_over(struct send *s)
{
	unsigned long long	n = s->in->rx + s->queued - s->net->tx;
	ssize_t			r;

	/* stdin is non-blocking unless a terminal, which is excused. */
	if (!s->up.eof && !s->stdin_tty &&
	    (r = read(0, conn_scratch, sizeof(conn_scratch))) > 0)
		n += r;
	return n;
}

static int
run(struct send *s, int fd, const char *name)
{
	unsigned long long	 left;
	socklen_t		 elen = sizeof(int);
	enum loop_backend	 be;
	char			 err[256];
	int			 e;

	/* Many inherited descriptors put ours past select(): then epoll. */
	be = fd < loop_fd_limit(LOOP_SELECT) ? loop_pick(2) : LOOP_EPOLL;
	if ((s->loop = loop_new(be, err, sizeof(err))) == NULL)
		fatal("%s", err);
	s->in = conn_new(0, "stdin");
	s->out = conn_new(1, "stdout");
	s->net = conn_new(fd, name);
	if (s->in == NULL || s->out == NULL || s->net == NULL)
		fatal("%s", strerror(errno));
	s->stdin_tty = isatty(0);
	chan_init(&s->up, s->in, s->net, NULL);
	chan_init(&s->down, s->net, s->out, NULL);
	/* Pipes in or out: the bytes need not pass through us. */
	chan_splice(&s->up);
	chan_splice(&s->down);
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
	if (s->co.idle_ms > 0)
		timer_at(s->loop, &s->idle, now_ms() + s->co.idle_ms);
	update(s);
	if (loop_run(s->loop) == -1)
		fatal("event loop: %s", strerror(errno));
	drain(s);
	if (s->up.err != 0)
		unsent(s, name, s->up.err, s->in->rx + s->queued - s->net->tx);
	else if (s->peer_gone && !s->up.done && (left = left_over(s)) > 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
			e = 0;
		unsent(s, name, e, left);
	} else if (s->down.err != 0 && s->down.err != EPIPE &&
	    s->down.err != ECONNRESET) {
		log_err("stdout: %s", strerror(s->down.err));
		s->status = 1;
	} else if (s->down.err == ECONNRESET && !s->send_only) {
		log_err("%s: %s", name, strerror(s->down.err));
		s->status = 1;
	}
	log_v(1, "%s closed: %llu bytes sent, %llu received", name,
	    (unsigned long long)s->net->tx, (unsigned long long)s->net->rx);
	/* Unread input would make close() reset, losing what is unsent. */
	if (s->send_only)
		while (read(fd, conn_scratch, sizeof(conn_scratch)) > 0)
			;
	close(fd);
	loop_free(s->loop);
	conn_free(s->in);
	conn_free(s->out);
	conn_free(s->net);
	return s->status;
}

static int
send_exec(const struct cmd *cmd, int argc, char **argv)
{
	struct send	 s;
	struct addr	 a;
	struct target	 t;
	char		 err[512];
	size_t		 total;
	int		 n, fd, usage, i;

	memset(&s, 0, sizeof(s));
	n = cmd_parse(cmd, argc, argv, send_opt, &s, &s.co);
	if (s.send_only && s.recv_only)
		usage_error(cmd, "--send-only and --recv-only exclude each "
		    "other");
	if (s.nmsg > 0 && s.recv_only)
		usage_error(cmd, "-m and --recv-only exclude each other");
	for (total = 0, i = 0; i < s.nmsg; i++)
		total += strlen(s.msg[i]) + s.co.delim.len;
	/* Before connecting: a refused -m must not cost the peer a client. */
	if (total > BUF_CAP)
		usage_error(cmd, "-m: messages too long (%zu bytes with "
		    "delimiters; at most %d in all)", total, BUF_CAP);
	if (opts_address(&s.co, 0, argc - n, argv + n, &a, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	if (sock_target(&a, &t, &usage, err, sizeof(err)) == -1) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
	fd = sock_connect(&t, s.co.wait_ms, err, sizeof(err));
	sock_target_free(&t);
	if (fd == -1)
		fatal("%s", err);
	snprintf(err, sizeof(err), "%s", argc - n == 1 ? argv[n] : "peer");
	log_v(1, "connected to %s", err);
	return run(&s, fd, err);
}

const struct cmd cmd_send = {
	"send", "[options] ADDRESS",
	"connect; stdin (or -m messages) out, replies to stdout",
	send_opts, NULL,
	GROUP_DELIM | GROUP_CLIENT | CMD_STDIO,
	send_exec
};
