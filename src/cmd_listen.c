/*
 * sockit listen: accept clients; what they send goes to stdout a whole
 * message at a time, and stdin goes to all of them.
 *
 * Every client's bytes go to one shared stdout buffer (the sink), whole
 * messages only, so concurrent clients never interleave mid-message.  A
 * message longer than a client's buffer is passed on in pieces; while
 * that happens the client owns the sink and the others wait.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "server.h"
#include "util.h"

/*
 * Without --once, a client that has closed its side is let go once
 * stdin has given nothing for this long: stdin is a broadcast to
 * whoever is connected, not owed to that client.
 */
#define STDIN_LINGER_MS	500

/* Room for a full client buffer and a label on top of what waits. */
#define SINK_CAP	(2 * BUF_CAP + SOCK_NAME_MAX + DELIM_MAX + 16)

struct client {
	struct conn	*c;
	struct buf	 in;		/* read, not yet in the sink */
	struct buf	 out;		/* stdin for this client, not yet sent */
	int		 eof;		/* nothing more to read */
	int		 midmsg;	/* a long message is half passed on */
	int		 wshut;		/* its write side is shut down */
	int		 broken;	/* a write to it failed */
	int		 idle;		/* -i ran out: close once emptied */
};

struct listen {
	struct common	 co;
	struct delim	 odelim;
	int		 odelim_set, label, recv_only, once;

	struct server	 srv;
	struct buf	 sink;		/* for stdout */
	struct client	*owner;		/* mid-message, holds the sink */
	int		 in_eof;	/* stdin is done (or unused) */
	int64_t		 in_moved;	/* when stdin was last read */
	int		 stdin_tty;
	int		 served;	/* --once: the client came */
	int		 rescan;	/* sink freed: look at every client */
	int		 status;
};

static const struct opt_spec listen_opts[] = {
	{ "output-delimiter", OPT_OUTPUT_DELIM, required_argument, "D",
	    "end each message with D instead" },
	{ "label", 'L', no_argument, NULL,
	    "start each message with the client's address" },
	{ "recv-only", OPT_RECV_ONLY, no_argument, NULL, "never read stdin" },
	{ "once", '1', no_argument, NULL,
	    "serve one client, exit when it leaves" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
listen_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct listen	*L = ctx;

	switch (ch) {
	case OPT_OUTPUT_DELIM:
		L->odelim_set = 1;
		return delim_parse(arg, &L->odelim, why);
	case 'L':
		L->label = 1;
		return 0;
	case OPT_RECV_ONLY:
		L->recv_only = 1;
		return 0;
	case '1':
		L->once = 1;
		return 0;
	}
	return 1;
}

static void
sink_fail(struct listen *L, int e)
{
	/* A reader that went away ends us quietly; others are errors. */
	if (e != EPIPE) {
		log_err("stdout: %s", strerror(e));
		L->status = 1;
	}
	buf_free(&L->sink);
	loop_stop(L->srv.loop);
}

static void
sink_flush(struct listen *L)
{
	size_t	before = L->sink.len;

	if (buf_flush(&L->sink, 1) == -1)
		sink_fail(L, errno);
	if (before >= BUF_CAP && L->sink.len < BUF_CAP)
		L->rescan = 1;
}

static void
sink_add(struct listen *L, const char *p, size_t n)
{
	ssize_t	w;

	/* Nothing waits: straight to stdout, and keep only the rest. */
	if (L->sink.len == 0 && n > 0) {
		if ((w = write(1, p, n)) == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				sink_fail(L, errno);
				return;
			}
			w = 0;
		}
		p += w;
		n -= w;
	}
	/* Callers keep below SINK_CAP; a failure here is out of memory. */
	if (n > 0 && buf_append(&L->sink, p, n) == -1)
		sink_fail(L, ENOMEM);
}

/* One message, or a piece of one, into the sink. */
static void
sink_put(struct listen *L, struct client *cl, const char *p, size_t n,
    int complete)
{
	const struct delim	*d = &L->co.delim;
	int			 has_delim;

	if (L->label && !cl->midmsg) {
		sink_add(L, cl->c->name, strlen(cl->c->name));
		sink_add(L, " ", 1);
	}
	has_delim = complete && n >= d->len &&
	    memcmp(p + n - d->len, d->bytes, d->len) == 0;
	if (L->odelim_set && has_delim)
		n -= d->len;
	sink_add(L, p, n);
	if (L->odelim_set && complete)
		sink_add(L, L->odelim.bytes, L->odelim.len);
	cl->midmsg = !complete;
	if (L->owner == cl && complete)
		L->rescan = 1;
	L->owner = complete ? NULL : cl;
}

/*
 * Pass on what of p[0..n) can go now: whole messages, a piece when the
 * client's buffer is full or its message is already half out, and the
 * rest when the client is done.  Returns the bytes taken.
 * A piece is cut only when the partial message alone fills a buffer.
 */
static size_t
emit(struct listen *L, struct client *cl, const char *p, size_t n)
{
	const struct delim	*d = &L->co.delim;
	size_t			 used = 0, end;
	int			 plain = !L->label && !L->odelim_set;

	while (used < n) {
		if ((L->owner != NULL && L->owner != cl) ||
		    L->sink.len >= BUF_CAP)
			break;
		/* Plain output: a run of messages is copied in one go. */
		end = plain ? frame_whole(d, p + used, n - used) :
		    frame_next(d, p + used, n - used);
		if (end > 0) {
			sink_put(L, cl, p + used, end, 1);
			used += end;
		} else if (cl->eof || L->srv.stopping) {
			sink_put(L, cl, p + used, n - used, 1);
			used = n;
		} else if (cl->midmsg || n - used >= BUF_CAP) {
			/* Hold back what may be the start of a delimiter that
			 * the next read completes. */
			end = n - used > d->len - 1 ? n - used - (d->len - 1) : 0;
			if (end == 0)
				break;
			sink_put(L, cl, p + used, end, 0);
			used += end;
		} else
			break;
	}
	if (L->sink.len > 0)
		sink_flush(L);
	return used;
}

static void
client_close(struct listen *L, struct client *cl)
{
	struct conn	*c = cl->c;

	log_v(1, "%s closed: %llu bytes in, %llu bytes out", c->name,
	    (unsigned long long)c->rx, (unsigned long long)c->tx);
	if (L->owner == cl) {
		L->owner = NULL;
		L->rescan = 1;
	}
	loop_del(L->srv.loop, c->fd);
	conntab_del(&L->srv.tab, c);
	close(c->fd);
	buf_free(&cl->in);
	buf_free(&cl->out);
	conn_free(c);
	free(cl);
	L->srv.clients--;
	if (L->once)
		L->rescan = 1;
}

static void	update(struct listen *, struct client *);

static void
linger_check(struct loop *l, void *arg)
{
	struct listen	*L = arg;

	(void)l;
	L->rescan = 1;
	update(L, NULL);
}

/*
 * A client that has said all it will: is stdin done with it too?  A
 * terminal lets it go at once.  With --once the client is owed all of
 * stdin, to its end or to a write that fails, unless it is gone both
 * ways; otherwise stdin idle for the linger lets it go.
 */
static int
stdin_done_with(struct listen *L, struct client *cl)
{
	int64_t	moved;

	if (L->srv.stopping)	/* what waits for it still goes: grace */
		return cl->out.len == 0 || cl->broken;
	if (L->in_eof || L->stdin_tty || cl->broken || cl->idle)
		return 1;
	if (cl->out.len > 0)
		return 0;
	if (L->once)
		return sock_hung_up(cl->c->fd);
	moved = L->in_moved > cl->c->active ? L->in_moved : cl->c->active;
	if (now_ms() - moved >= STDIN_LINGER_MS)
		return 1;
	loop_timer(L->srv.loop, TIMER_CMD, moved + STDIN_LINGER_MS,
	    linger_check, L);
	return 0;
}

/* Emit what the client holds; close it once it has nothing left. */
static void
client_settle(struct listen *L, struct client *cl)
{
	size_t	used;

	if (cl->in.len > 0) {
		used = emit(L, cl, cl->in.data + cl->in.off, cl->in.len);
		buf_consume(&cl->in, used);
	}
	/* A long message cut off by EOF: end it, and free the sink. */
	if ((cl->eof || L->srv.stopping) && cl->in.len == 0 && cl->midmsg &&
	    L->owner == cl) {
		sink_put(L, cl, "", 0, 1);
		if (L->sink.len > 0)
			sink_flush(L);
	}
	if (L->once && L->in_eof && !cl->wshut && cl->out.len == 0) {
		shutdown(cl->c->fd, SHUT_WR);
		cl->wshut = 1;
	}
	/*
	 * A client that is done: stdin already waiting still reaches it,
	 * but stdin that may come later is not waited for.
	 */
	if ((cl->eof || L->srv.stopping) && cl->in.len == 0 &&
	    stdin_done_with(L, cl))
		client_close(L, cl);
}

static int
client_interest(struct listen *L, struct client *cl)
{
	int	mask = 0;

	if (!cl->eof && !L->srv.stopping && cl->in.len < BUF_CAP &&
	    (L->owner == NULL || L->owner == cl) && L->sink.len < BUF_CAP)
		mask |= LOOP_READ;
	if (cl->out.len > 0)
		mask |= LOOP_WRITE;
	return mask;
}

static void
client_read(struct listen *L, struct client *cl)
{
	struct buf	*b = &cl->in;
	ssize_t		 n;
	size_t		 used;

	if (b->len == 0) {
		n = read(cl->c->fd, conn_scratch, sizeof(conn_scratch));
		if (n > 0) {
			used = emit(L, cl, conn_scratch, n);
			if (buf_append(b, conn_scratch + used, n - used) == -1)
				cl->eof = 1;	/* out of memory */
		}
	} else {
		if (buf_reserve(b) == -1)
			return;
		n = read(cl->c->fd, b->data + b->off + b->len,
		    BUF_CAP - b->off - b->len);
		if (n > 0)
			b->len += n;
	}
	if (n > 0) {
		cl->c->rx += n;
		cl->c->active = now_ms();
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		if (n == -1)
			log_v(1, "%s: %s", cl->c->name, strerror(errno));
		cl->eof = 1;
	}
}

static void
client_write(struct listen *L, struct client *cl)
{
	ssize_t	n;

	(void)L;
	if ((n = buf_flush(&cl->out, cl->c->fd)) == -1) {
		log_v(1, "%s: %s", cl->c->name, strerror(errno));
		buf_free(&cl->out);
		cl->eof = cl->broken = 1;
		return;
	}
	cl->c->tx += n;
	if (n > 0)
		cl->c->active = now_ms();
}

static void
stdin_read(struct listen *L)
{
	struct client	*cl;
	ssize_t		 n, w;
	int		 fd;

	n = read(0, conn_scratch, sizeof(conn_scratch));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	L->in_moved = now_ms();
	if (n <= 0) {
		log_v(2, "stdin: end");
		L->in_eof = 1;
		L->rescan = 1;
		return;
	}
	for (fd = 0; fd < L->srv.tab.size; fd++) {
		if (L->srv.tab.byfd[fd] == NULL)
			continue;
		cl = L->srv.tab.byfd[fd]->udata;
		if (cl->wshut)
			continue;
		w = write(fd, conn_scratch, n);
		if (w == -1 && errno != EAGAIN && errno != EINTR) {
			log_v(1, "%s: %s", cl->c->name, strerror(errno));
			cl->eof = cl->broken = 1;
			continue;
		}
		if (w < 0)
			w = 0;
		cl->c->tx += w;
		if (w > 0)
			cl->c->active = now_ms();
		if (w < n && buf_append(&cl->out, conn_scratch + w, n - w))
			cl->eof = 1;
		/* What it did not take waits: it must be watched for it. */
		loop_set(L->srv.loop, fd, client_interest(L, cl));
	}
}

static int
stdin_interest(struct listen *L)
{
	struct client	*cl;
	int		 fd;

	if (L->in_eof || L->srv.clients == 0 || L->srv.stopping)
		return 0;
	/* The slowest client paces stdin: nothing is buffered twice. */
	for (fd = 0; fd < L->srv.tab.size; fd++)
		if (L->srv.tab.byfd[fd] != NULL) {
			cl = L->srv.tab.byfd[fd]->udata;
			if (cl->out.len > 0)
				return 0;
		}
	return LOOP_READ;
}

/* After every event: settle clients, recompute interest, maybe end. */
static void
update(struct listen *L, struct client *cl)
{
	struct conn	*c;
	int		 fd, all = L->rescan;

	L->rescan = 0;
	if (L->owner != NULL && L->owner != cl)
		client_settle(L, L->owner);
	if (all || L->srv.stopping) {
		/* Settling one client can free the sink for earlier ones. */
		do {
			L->rescan = 0;
			for (fd = 0; fd < L->srv.tab.size; fd++)
				if ((c = L->srv.tab.byfd[fd]) != NULL) {
					client_settle(L, c->udata);
					if (L->srv.tab.byfd[fd] == c)
						loop_set(L->srv.loop, fd,
						    client_interest(L,
						    c->udata));
				}
		} while (L->rescan);
	} else if (cl != NULL) {
		fd = cl->c->fd;
		c = cl->c;
		client_settle(L, cl);
		if (L->srv.tab.byfd[fd] == c)
			loop_set(L->srv.loop, fd, client_interest(L, cl));
	}
	if (L->rescan && !all) {
		update(L, NULL);
		return;
	}
	loop_set(L->srv.loop, 0, L->recv_only ? 0 : stdin_interest(L));
	loop_set(L->srv.loop, 1, L->sink.len > 0 ? LOOP_WRITE : 0);
	if (L->sink.len == 0 && L->srv.clients == 0 &&
	    ((L->once && L->served) || L->srv.stopping))
		loop_stop(L->srv.loop);
}

static void
on_client(struct loop *l, int fd, int events, void *arg)
{
	struct listen	*L = arg;
	struct client	*cl = L->srv.tab.byfd[fd]->udata;

	(void)l;
	if (events & LOOP_WRITE)
		client_write(L, cl);
	if (events & LOOP_READ)
		client_read(L, cl);
	update(L, cl);
}

static void
on_stdio(struct loop *l, int fd, int events, void *arg)
{
	struct listen	*L = arg;

	(void)l;
	(void)events;
	if (fd == 0)
		stdin_read(L);
	else
		sink_flush(L);
	update(L, NULL);
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct listen	*L = s->arg;
	struct client	*cl;

	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return -1;
	if ((cl->c = conn_new(fd, name)) == NULL ||
	    conntab_put(&s->tab, cl->c) == -1 ||
	    loop_add(s->loop, fd, on_client, L) == -1) {
		log_v(1, "%s: refused: %s", name, strerror(errno));
		if (cl->c != NULL)
			conntab_del(&s->tab, cl->c);
		conn_free(cl->c);
		free(cl);
		return -1;
	}
	cl->c->udata = cl;
	if (L->once) {
		L->served = 1;
		server_stop_accepting(s);
	}
	update(L, cl);
	return 0;
}

static void
on_idle(struct conn *c, void *arg)
{
	struct listen	*L = ((struct server *)arg)->arg;
	struct client	*cl = c->udata;

	log_v(1, "%s: idle for %lld ms: closing", c->name,
	    (long long)L->co.idle_ms);
	cl->eof = cl->idle = 1;
	buf_free(&cl->out);
	update(L, cl);
}

static void
on_stop(struct server *s)
{
	update(s->arg, NULL);
}

static int
listen_exec(const struct cmd *cmd, int argc, char **argv)
{
	/* Lives as long as the process: static, never freed. */
	static struct listen	 L_;
	struct listen		*L = &L_;
	struct addr	 a;
	int		 n;

	n = cmd_parse(cmd, argc, argv, listen_opt, L, &L->co);
	cmd_server_address(cmd, &L->co, argc - n, argv + n, &a);

	L->sink.cap = SINK_CAP;
	L->stdin_tty = isatty(0);
	L->in_eof = L->recv_only;
	L->srv.co = &L->co;
	L->srv.arg = L;
	L->srv.on_accept = on_accept;
	L->srv.on_stop = on_stop;
	L->srv.on_idle = on_idle;
	if (L->once)
		L->co.max_conns = 1;
	cmd_serve_open(cmd, &L->srv, &a);
	if (loop_add(L->srv.loop, 0, on_stdio, L) == -1 ||
	    loop_add(L->srv.loop, 1, on_stdio, L) == -1)
		fatal("event loop: %s", strerror(errno));
	cmd_serve_run(&L->srv);
	/* The grace period is over: whatever is left is dropped. */
	for (n = 0; n < L->srv.tab.size; n++)
		if (L->srv.tab.byfd[n] != NULL)
			client_close(L, L->srv.tab.byfd[n]->udata);
	server_close(&L->srv);
	buf_free(&L->sink);
	return L->status;
}

const struct cmd cmd_listen = {
	"listen", "[options] ADDRESS",
	"accept clients; their data to stdout, stdin to them",
	listen_opts, NULL,
	GROUP_DELIM | GROUP_SERVER | CMD_STDIO,
	listen_exec
};
