/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit listen: accept clients; what they send goes to stdout a whole
 * message at a time, and stdin goes to all of them.
 *
 * Every client's bytes go to one shared stdout buffer (the sink), whole
 * messages only, so concurrent clients never interleave mid-message.  A
 * lone client's bytes go on as they come (a prompt shows at once).  A
 * message passed on in pieces (longer than a buffer, or from a lone
 * client) makes its client the sink's owner until the message ends, or
 * until it has stalled for a second while others wait: then its message
 * is cut.  Clients held back by the sink wait in a queue, in order, and
 * go on when it is free again.
 *
 * --ack: a message that reached stdout is acknowledged to its client
 * through the same out buffer as stdin's broadcast.  An ack is owed
 * from the moment its message is in the sink, and due once stdout has
 * taken every byte up to the message's end (ack_mark, counted in
 * stdout's tx).  Owed acks are a counter, not bytes: at most a buffer
 * of them is written into out, and a client whose acks wait unsent
 * beyond that is not read until it takes some.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_dgram.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "progress.h"
#include "server.h"
#include "util.h"

/*
 * Without --once, a client that has closed its side is let go once
 * stdin has given nothing for this long: stdin is a broadcast to
 * whoever is connected, not owed to that client.
 */
#define STDIN_LINGER_MS	500
/* How long a client stalled mid-message may hold the others back. */
#define STALL_MS	1000

/* Room for a full client buffer and a label on top of what waits. */
#define SINK_CAP	(2 * BUF_CAP + SOCK_NAME_MAX + DELIM_MAX + 16)
/* --ack TEXT at most, after escapes. */
#define ACK_MAX		1024

struct client {
	struct conn		 c;
	struct buf		 in;	/* read, not yet in the sink */
	struct frame_scan	 scan;	/* of in */
	struct buf		 out;	/* stdin for this client, not yet sent */
	TAILQ_ENTRY(client)	 wait;	/* held back by the sink */
	int			 waiting;
	int			 eof;	/* nothing more to read */
	int			 midmsg; /* its message is half in the sink */
	int			 fed;	/* stdin gave it bytes */
	int			 wshut;	/* its write side is shut down */
	int			 broken; /* a write to it failed */
	int			 idle;	/* -i ran out: close once emptied */
	uint64_t		 acks;	/* --ack: owed, not yet in out */
	uint64_t		 ack_mark; /* stdout tx that makes them due */
	TAILQ_ENTRY(client)	 ackq;
	int			 in_ackq;
};

struct listen {
	struct common	 co;
	struct delim	 odelim;
	int		 odelim_set, label, recv_only, once;
	const char	*ack;		/* --ack TEXT, as given */
	char		 ackmsg[ACK_MAX + DELIM_MAX]; /* TEXT, delimiter */
	size_t		 acklen;

	struct server	 srv;
	struct conn	*out;		/* stdout */
	struct buf	 sink;		/* for stdout */
	struct client	*owner;		/* mid-message, holds the sink */
	int64_t		 owner_moved;	/* when it last put a piece */
	TAILQ_HEAD(, client) waiting;
	int		 nwaiting;
	TAILQ_HEAD(, client) acking;	/* clients owed acks */
	uint64_t	 acks_sent;
	int		 released;	/* the sink is free: waiters go on */
	int		 nbehind;	/* clients with stdin still to send */
	struct timer	 stall;		/* the owner stalled */
	struct timer	 linger;	/* stdin may be done with a client */
	int		 in_eof;	/* stdin is done (or unused) */
	int64_t		 in_moved;	/* when stdin was last read */
	int		 stdin_tty;
	int		 served;	/* --once: the client came */
	int		 progress;	/* --progress mode */
	struct progress	 prog;
	uint64_t	 in_bytes;	/* read from stdin */
	uint64_t	 rx_bytes;	/* read from clients */
	struct client	*splicer;	/* its bytes are spliced to stdout */
	int		 stuck;		/* splice: stdout full, wait for it */
	int		 status;
};

#define LISTEN(s)	container_of((s), struct listen, srv)
#define CLIENT(p)	container_of((p), struct client, c)

static const struct opt_spec listen_opts[] = {
	{ "output-delimiter", OPT_OUTPUT_DELIM, required_argument, "D",
	    "end each message with D instead" },
	{ "label", 'L', no_argument, NULL,
	    "start each message with the client's address" },
	{ "recv-only", OPT_RECV_ONLY, no_argument, NULL, "never read stdin" },
	{ "once", '1', no_argument, NULL,
	    "serve one client, exit when it leaves" },
	PROGRESS_OPT_SPEC,
	{ "ack", OPT_ACK, required_argument, "TEXT",
	    "send TEXT and the delimiter back for each\n"
	    "message once it is on stdout" },
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
	case OPT_PROGRESS:
		return progress_parse(arg, &L->progress, why);
	case OPT_ACK:
		L->ack = arg;
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

	if (buf_flush(&L->sink, L->out) == -1)
		sink_fail(L, errno);
	if (before >= BUF_CAP && L->sink.len < BUF_CAP)
		L->released = 1;
}

static void
sink_add(struct listen *L, const char *p, size_t n)
{
	ssize_t	w;

	/* Nothing waits: straight to stdout, and keep only the rest. */
	if (L->sink.len == 0 && n > 0) {
		if ((w = conn_write(L->out, p, n)) == -1) {
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

static int
sink_open_for(const struct listen *L, const struct client *cl)
{
	return (L->owner == NULL || L->owner == cl) && L->sink.len < BUF_CAP;
}

static void
owner_release(struct listen *L)
{
	L->owner = NULL;
	L->released = 1;
	timer_stop(L->srv.loop, &L->stall);
}

/*
 * --ack: k messages of cl just went into the sink; their acks are due
 * once stdout has taken the sink up to here.
 */
static void
ack_owe(struct listen *L, struct client *cl, uint64_t k)
{
	cl->acks += k;
	cl->ack_mark = L->out->tx + L->sink.len;
	if (!cl->in_ackq) {
		TAILQ_INSERT_TAIL(&L->acking, cl, ackq);
		cl->in_ackq = 1;
	}
}

static void
ackq_del(struct listen *L, struct client *cl)
{
	if (!cl->in_ackq)
		return;
	TAILQ_REMOVE(&L->acking, cl, ackq);
	cl->in_ackq = 0;
}

/* Whole messages in p[0..n): each delimiter ends one. */
static uint64_t
count_msgs(const struct delim *d, const char *p, size_t n)
{
	uint64_t	k = 0;
	size_t		e;

	while ((e = frame_next(d, p, n)) > 0) {
		k++;
		p += e;
		n -= e;
	}
	return k;
}

/*
 * One message, or a piece of one, into the sink.  With -L or
 * --output-delimiter every message ends with the (output) delimiter,
 * even one that came without it, so that lines never run together.
 */
static void
sink_put(struct listen *L, struct client *cl, const char *p, size_t n,
    int complete)
{
	const struct delim	*d = &L->co.delim;
	uint64_t		 k = 0;
	int			 has_delim;

	/* Pieces never split a delimiter (see emit): none is missed. */
	if (L->ack != NULL && complete)
		k = count_msgs(d, p, n);
	if (L->label && !cl->midmsg) {
		sink_add(L, cl->c.name, strlen(cl->c.name));
		sink_add(L, " ", 1);
	}
	has_delim = complete && n >= d->len &&
	    memcmp(p + n - d->len, d->bytes, d->len) == 0;
	if (L->odelim_set && has_delim)
		n -= d->len;
	sink_add(L, p, n);
	if (complete && L->odelim_set)
		sink_add(L, L->odelim.bytes, L->odelim.len);
	else if (complete && L->label && !has_delim)
		sink_add(L, d->bytes, d->len);
	if (k > 0)
		ack_owe(L, cl, k);
	cl->midmsg = !complete;
	if (!complete) {
		L->owner = cl;
		L->owner_moved = now_ms();
		/* Others wait already: this owner has a second too. */
		if (L->nwaiting > 0 && !timer_armed(&L->stall))
			timer_at(L->srv.loop, &L->stall,
			    L->owner_moved + STALL_MS);
	} else if (L->owner == cl)
		owner_release(L);
}

/*
 * Pass on what of p[0..n) can go now: whole messages; a piece when the
 * client is alone, its message is already half out, or the message
 * alone fills a buffer; and the rest when the client is done.  fs is
 * the delimiter search of p.  Returns the bytes taken.
 */
static size_t
emit(struct listen *L, struct client *cl, const char *p, size_t n,
    struct frame_scan *fs)
{
	const struct delim	*d = &L->co.delim;
	size_t			 used = 0, whole, end, hold;
	int			 plain = !L->label && !L->odelim_set;

	/* A piece never ends where a delimiter may be starting, or the
	 * next read could complete one that labels would not see. */
	hold = plain && L->ack == NULL ? 0 : d->len - 1;
	while (used < n && sink_open_for(L, cl)) {
		whole = frame_scan(d, fs, p, n);
		if (plain && L->ack == NULL && whole > used && whole < n &&
		    L->srv.clients == 1 && !cl->eof && !L->srv.stopping) {
			/*
			 * A lone client's whole messages and the piece after
			 * them would go on anyway: one write, not two per read
			 * (--ack must see where each message ends).
			 */
			sink_put(L, cl, p + used, n - used, 0);
			used = n;
		} else if (whole > used) {
			/* Plain output: a run of messages goes in one go. */
			end = plain ? whole :
			    used + frame_next(d, p + used, whole - used);
			sink_put(L, cl, p + used, end - used, 1);
			used = end;
		} else if (cl->eof || L->srv.stopping) {
			sink_put(L, cl, p + used, n - used, 1);
			used = n;
		} else if (L->srv.clients == 1 || cl->midmsg ||
		    n - used >= BUF_CAP) {
			end = n - used > hold ? n - hold : used;
			if (end == used)
				break;
			sink_put(L, cl, p + used, end - used, 0);
			used = end;
		} else
			break;
	}
	if (L->sink.len > 0)
		sink_flush(L);
	return used;
}

static void
waitq_add(struct listen *L, struct client *cl)
{
	if (cl->waiting)
		return;
	TAILQ_INSERT_TAIL(&L->waiting, cl, wait);
	cl->waiting = 1;
	L->nwaiting++;
	/* Others wait on an owner: it has a second to end its message. */
	if (L->owner != NULL && L->owner != cl && !timer_armed(&L->stall))
		timer_at(L->srv.loop, &L->stall, L->owner_moved + STALL_MS);
}

static void
waitq_del(struct listen *L, struct client *cl)
{
	if (!cl->waiting)
		return;
	TAILQ_REMOVE(&L->waiting, cl, wait);
	cl->waiting = 0;
	L->nwaiting--;
}

/* Stdin for this client that waits: the slowest client paces stdin. */
static void
out_drop(struct listen *L, struct client *cl)
{
	if (cl->out.len > 0)
		L->nbehind--;
	buf_free(&cl->out);
}

static void	settle(struct listen *, struct client *);
static void	after(struct listen *);

static void
settle_one(struct server *s, struct conn *c)
{
	settle(LISTEN(s), CLIENT(c));
}

static void
client_close(struct listen *L, struct client *cl)
{
	struct conn	*c = &cl->c;

	log_v(1, "%s closed: %llu bytes in, %llu bytes out", c->name,
	    (unsigned long long)c->rx, (unsigned long long)c->tx);
	if (L->owner == cl)
		owner_release(L);
	if (L->splicer == cl) {
		L->splicer = NULL;
		L->stuck = 0;
	}
	waitq_del(L, cl);
	ackq_del(L, cl);
	out_drop(L, cl);
	buf_free(&cl->in);
	server_detach(&L->srv, c);
	free(cl);
	/* The one left is alone now: what it holds may go on at once. */
	if (L->srv.clients == 1)
		server_each(&L->srv, settle_one);
}

static void
linger_over(struct loop *l, struct timer *t)
{
	struct listen	*L = container_of(t, struct listen, linger);

	(void)l;
	server_each(&L->srv, settle_one);
	after(L);
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
		return (cl->out.len == 0 && cl->acks == 0) || cl->broken;
	if (cl->broken || cl->idle)
		return 1;
	/* Its acks are owed to it, whatever stdin does. */
	if (L->ack != NULL && !cl->wshut && (cl->acks > 0 || cl->out.len > 0))
		return 0;
	if (L->in_eof || L->stdin_tty)
		return 1;
	if (cl->out.len > 0)
		return 0;
	if (L->once)
		return sock_hung_up(cl->c.fd);
	moved = L->in_moved > cl->c.active ? L->in_moved : cl->c.active;
	if (now_ms() - moved >= STDIN_LINGER_MS)
		return 1;
	if (!timer_armed(&L->linger) || L->linger.when > moved +
	    STDIN_LINGER_MS)
		timer_at(L->srv.loop, &L->linger, moved + STDIN_LINGER_MS);
	return 0;
}

static int
client_interest(const struct listen *L, const struct client *cl)
{
	int	mask = 0;

	/* Acks it does not take stop its messages: memory stays bounded. */
	if (!cl->eof && !L->srv.stopping && cl->in.len < BUF_CAP &&
	    sink_open_for(L, cl) &&
	    (cl->acks == 0 || buf_room(&cl->out) >= L->acklen) &&
	    !L->stuck)
		mask |= LOOP_READ;
	if (cl->out.len > 0)
		mask |= LOOP_WRITE;
	return mask;
}

static int
client_want(const struct listen *L, const struct client *cl)
{
	return conn_want(&cl->c, client_interest(L, cl));
}

static void	client_write(struct listen *, struct client *);

/*
 * Due acks into the client's out, as many as a buffer holds; the rest
 * wait for it to take them.  Returns how many went.
 */
static uint64_t
ack_send(struct listen *L, struct client *cl)
{
	uint64_t	sent = 0;
	int		had = cl->out.len > 0;

	if (cl->wshut || cl->broken)
		cl->acks = 0;
	else if (L->out->tx >= cl->ack_mark) {
		while (cl->acks > 0 &&
		    buf_append(&cl->out, L->ackmsg, L->acklen) == 0) {
			cl->acks--;
			sent++;
		}
		if (!had && cl->out.len > 0)
			L->nbehind++;
		client_write(L, cl);
	}
	L->acks_sent += sent;
	if (cl->acks == 0)
		ackq_del(L, cl);
	else if (!cl->in_ackq) {
		TAILQ_INSERT_TAIL(&L->acking, cl, ackq);
		cl->in_ackq = 1;
	}
	return sent;
}

/* Emit what the client holds; close it once it has nothing left. */
static void
settle(struct listen *L, struct client *cl)
{
	size_t	used;
	int	done;

	if (cl->in.len > 0) {
		used = emit(L, cl, cl->in.data + cl->in.off, cl->in.len,
		    &cl->scan);
		buf_consume(&cl->in, used);
		frame_consumed(&cl->scan, used);
	}
	if (cl->acks > 0)
		ack_send(L, cl);
	done = (cl->eof || L->srv.stopping) && cl->in.len == 0;
	/* A message cut off by its client's end: end it, free the sink. */
	if (done && cl->midmsg) {
		sink_put(L, cl, "", 0, 1);
		if (L->sink.len > 0)
			sink_flush(L);
	}
	/*
	 * --once: the end of stdin is passed on, but only to a client that
	 * stdin gave something; an empty or unused stdin leaves it open,
	 * so a person typing on the other end is heard until they end.
	 */
	if (L->once && L->in_eof && cl->fed && !cl->wshut &&
	    cl->out.len == 0 && cl->acks == 0) {
		conn_shutdown(&cl->c);
		cl->wshut = 1;
	}
	if (done && stdin_done_with(L, cl)) {
		client_close(L, cl);
		return;
	}
	if (!sink_open_for(L, cl) && (cl->in.len > 0 || !cl->eof))
		waitq_add(L, cl);
	server_settle(&cl->c);
}

/*
 * The sink came free: those it held back go on, in order; the owner
 * first, or the others would wait behind it for nothing.
 */
static void
release(struct listen *L)
{
	struct client	*cl;
	int		 n;

	while (L->released) {
		L->released = 0;
		if ((cl = L->owner) != NULL && cl->waiting &&
		    sink_open_for(L, cl)) {
			waitq_del(L, cl);
			settle(L, cl);
		}
		for (n = L->nwaiting; n > 0; n--) {
			if ((cl = TAILQ_FIRST(&L->waiting)) == NULL ||
			    !sink_open_for(L, cl))
				break;
			waitq_del(L, cl);
			settle(L, cl);
		}
	}
}

/*
 * Stdout took more: acks that came due go to their clients.  Each client
 * owed some is looked at once; 1 if any ack went.
 */
static int
acks_due(struct listen *L)
{
	struct client	*cl;
	uint64_t	 before = L->acks_sent;
	int		 n;

	for (n = 0, cl = TAILQ_FIRST(&L->acking); cl != NULL;
	    cl = TAILQ_NEXT(cl, ackq))
		n++;
	while (n-- > 0 && (cl = TAILQ_FIRST(&L->acking)) != NULL) {
		/* To the tail: settle may put it back, or close it. */
		ackq_del(L, cl);
		if (L->out->tx < cl->ack_mark) {
			TAILQ_INSERT_TAIL(&L->acking, cl, ackq);
			cl->in_ackq = 1;
			continue;
		}
		settle(L, cl);
	}
	return L->acks_sent != before;
}

static int
stdin_interest(const struct listen *L)
{
	if (L->recv_only || L->in_eof || L->srv.clients == 0 ||
	    L->srv.stopping || L->nbehind > 0)
		return 0;
	return LOOP_READ;
}

/* After every event: waiters, stdin and stdout interest, maybe end. */
static void
after(struct listen *L)
{
	do
		release(L);
	while (acks_due(L) || L->released);
	loop_set(L->srv.loop, 0, stdin_interest(L));
	loop_set(L->srv.loop, 1, L->sink.len > 0 || L->stuck ? LOOP_WRITE : 0);
	if (L->sink.len == 0 && L->srv.clients == 0 &&
	    ((L->once && L->served) || L->srv.stopping))
		loop_stop(L->srv.loop);
}

/*
 * The --once client's bytes to stdout in the kernel.  EAGAIN after a
 * readable client means stdout is full (stuck: wait until it takes
 * more), after a writable stdout that the client has nothing now.
 * Returns -1 if splice(2) refused them: read them the ordinary way.
 */
static int
client_splice(struct listen *L, struct client *cl)
{
	ssize_t	n;
	int	was_stuck = L->stuck;

	L->stuck = 0;
	if ((n = conn_splice(&cl->c, L->out, SPLICE_MAX)) >= 0) {
		L->rx_bytes += n;
		if (n == 0)
			cl->eof = 1;
		return 0;
	}
	switch (errno) {
	case EAGAIN:
		L->stuck = !was_stuck;
		/* FALLTHROUGH */
	case EINTR:
		return 0;
	case EINVAL:
	case ENOSYS:
		L->splicer = NULL;
		return -1;
	case EPIPE:
	/* A regular file on stdout that cannot take them. */
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
	case EIO:
		sink_fail(L, errno);
		return 0;
	}
	log_v(1, "%s: %s", cl->c.name, strerror(errno));
	cl->eof = 1;
	return 0;
}

static void
client_read(struct listen *L, struct client *cl)
{
	struct frame_scan	 fs = { 0, 0 };
	ssize_t			 n;
	size_t			 used;
	char			*p;

	if (L->splicer == cl && cl->in.len == 0 && L->sink.len == 0 &&
	    client_splice(L, cl) == 0)
		return;
	n = conn_read(&cl->c, &cl->in, &p);
	if (n > 0)
		L->rx_bytes += n;
	if (n > 0 && p == conn_scratch) {
		used = emit(L, cl, p, n, &fs);
		if (used < (size_t)n) {
			if (buf_append(&cl->in, p + used, n - used) == -1)
				cl->eof = 1;	/* out of memory */
			frame_consumed(&fs, used);
			cl->scan = fs;
		}
	} else if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		if (n == -1)
			log_v(1, "%s: %s", cl->c.name, strerror(errno));
		cl->eof = 1;
	}
}

static void
client_write(struct listen *L, struct client *cl)
{
	if (cl->out.len == 0)
		return;
	if (buf_flush(&cl->out, &cl->c) == -1) {
		log_v(1, "%s: %s", cl->c.name, strerror(errno));
		cl->eof = cl->broken = 1;
		out_drop(L, cl);
	} else if (cl->out.len == 0)
		L->nbehind--;
}

/* Settles the client itself (it may be gone): -1. */
static int
client_io(struct conn *c, int events)
{
	struct client	*cl = CLIENT(c);
	struct listen	*L = LISTEN(c->srv);

	events = conn_ready(c, events, client_interest(L, cl));
	if (events == -1) {
		/* A failed TLS handshake: nothing came, nothing goes. */
		cl->eof = cl->broken = 1;
		out_drop(L, cl);
		events = 0;
	}
	if (events & LOOP_WRITE)
		client_write(L, cl);
	if (events & LOOP_READ)
		client_read(L, cl);
	settle(L, cl);
	after(L);
	return -1;
}

static int
client_ops_interest(const struct conn *c)
{
	return client_want(LISTEN(c->srv), CLIENT(c));
}

static const struct client_ops	listen_client_ops = {
	.io = client_io,
	.interest = client_ops_interest,
};

/* Stdin to every client: what one does not take now waits for it. */
static void
stdin_read(struct listen *L)
{
	struct client	*cl;
	struct conn	*c;
	ssize_t		 n, w;
	int		 fd, failed = 0;

	n = read(0, conn_scratch, sizeof(conn_scratch));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	L->in_moved = now_ms();
	if (n <= 0) {
		log_v(2, "stdin: end of data");
		L->in_eof = 1;
		server_each(&L->srv, settle_one);
		return;
	}
	L->in_bytes += n;
	for (fd = 0; fd < L->srv.tab.size; fd++) {
		if ((c = L->srv.tab.byfd[fd]) == NULL)
			continue;
		cl = CLIENT(c);
		if (cl->wshut || cl->broken)
			continue;
		cl->fed = 1;
		if ((w = conn_write(c, conn_scratch, n)) == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				log_v(1, "%s: %s", c->name, strerror(errno));
				cl->eof = cl->broken = 1;
				failed = 1;
				continue;
			}
			w = 0;
		}
		if (w < n) {
			if (buf_append(&cl->out, conn_scratch + w, n - w) == -1)
				cl->eof = 1;
			else
				L->nbehind++;
		}
		/* What it did not take waits: it must be watched for it. */
		server_settle(c);
	}
	if (failed)
		server_each(&L->srv, settle_one);
}

static void
on_stdio(struct loop *l, int fd, int events, void *arg)
{
	struct listen	*L = arg;

	(void)l;
	(void)events;
	if (fd == 0)
		stdin_read(L);
	else if (L->stuck && L->splicer != NULL) {
		client_splice(L, L->splicer);
		settle(L, L->splicer);
	} else
		sink_flush(L);
	after(L);
}

/* The owner has not ended its message for a second while others wait:
 * cut it there, so that one stalled client cannot hold the rest. */
static void
stall_over(struct loop *l, struct timer *t)
{
	struct listen	*L = container_of(t, struct listen, stall);
	struct client	*cl = L->owner;
	int64_t		 now = now_ms();

	if (cl == NULL || L->nwaiting == 0)
		return;
	/* Held up by a slow stdout, not by the client: no stall. */
	if (L->sink.len >= BUF_CAP || now < L->owner_moved + STALL_MS) {
		timer_at(l, t, (L->sink.len >= BUF_CAP ? now :
		    L->owner_moved) + STALL_MS);
		return;
	}
	log_v(1, "%s: no end of message for %d ms while others wait: cut",
	    cl->c.name, STALL_MS);
	sink_put(L, cl, "", 0, 1);
	if (L->sink.len > 0)
		sink_flush(L);
	settle(L, cl);
	after(L);
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct listen	*L = LISTEN(s);
	struct client	*cl;

	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return -1;
	conn_init(&cl->c, fd, name);
	if (server_attach(s, &cl->c, &listen_client_ops) == -1) {
		free(cl);
		return -1;
	}
	progress_go(&L->prog);
	if (L->once) {
		L->served = 1;
		server_stop_accepting(s);
		/* Plain output of one client to a pipe: no copies. */
		if (!L->label && !L->odelim_set &&
		    conn_can_splice(&cl->c, L->out))
			L->splicer = cl;
	}
	settle(L, cl);
	after(L);
	return 0;
}

static void
on_idle(struct server *s, struct conn *c)
{
	struct listen	*L = LISTEN(s);
	struct client	*cl = CLIENT(c);

	cl->eof = cl->idle = 1;
	out_drop(L, cl);
	settle(L, cl);
	after(L);
}

static void
on_stop(struct server *s)
{
	server_each(s, settle_one);
	after(LISTEN(s));
}

/* The last client is gone: stop, unless stdout has still to be
 * written (then after() stops once it is). */
static void
on_drained(struct server *s)
{
	if (LISTEN(s)->sink.len == 0)
		loop_stop(s->loop);
}

static void
close_one(struct server *s, struct conn *c)
{
	client_close(LISTEN(s), CLIENT(c));
}

static void
count(void *arg, uint64_t *sent, uint64_t *recv, uint64_t *in)
{
	struct listen	*L = arg;

	*sent = *in = L->in_bytes;
	*recv = L->rx_bytes;
}

static int
listen_exec(const struct cmd *cmd, int argc, char **argv)
{
	/* Lives as long as the process: static, never freed. */
	static struct listen	 L_;
	struct listen		*L = &L_;
	struct addr	 a;
	const char	*why;
	int		 n;

	n = cmd_parse(cmd, argc, argv, listen_opt, L, &L->co);
	cmd_server_address(cmd, &L->co, argc - n, argv + n, &a);
	if (a.dgram) {
		struct dlisten_opts	o = { L->label, L->once, L->recv_only,
					    L->odelim_set ? &L->odelim : NULL };

		return dgram_listen_run(cmd, &L->co, &o, &a);
	}

	L->sink.cap = SINK_CAP;
	L->stdin_tty = isatty(0);
	L->in_eof = L->recv_only;
	TAILQ_INIT(&L->waiting);
	TAILQ_INIT(&L->acking);
	if (L->ack != NULL) {
		if (unescape(L->ack, L->ackmsg, ACK_MAX, &L->acklen,
		    &why) == -1)
			usage_error(cmd, "--ack %.64s: %s%s", L->ack, why,
			    strcmp(why, "too long") == 0 ?
			    " (at most 1024 bytes)" : "");
		memcpy(L->ackmsg + L->acklen, L->co.delim.bytes,
		    L->co.delim.len);
		L->acklen += L->co.delim.len;
	}
	timer_init(&L->stall, stall_over);
	timer_init(&L->linger, linger_over);
	if ((L->out = conn_new(1, "stdout")) == NULL)
		fatal("%s", strerror(errno));
	L->srv.co = &L->co;
	L->srv.on_accept = on_accept;
	L->srv.on_stop = on_stop;
	L->srv.on_idle = on_idle;
	L->srv.on_drained = on_drained;
	if (L->once)
		L->co.max_conns = 1;
	cmd_serve_open(cmd, &L->srv, &a);
	if (loop_add(L->srv.loop, 0, on_stdio, L) == -1 ||
	    loop_add(L->srv.loop, 1, on_stdio, L) == -1)
		fatal("event loop: %s", strerror(errno));
	progress_start(&L->prog, L->progress, L->srv.loop, count, L);
	progress_hold(&L->prog);
	cmd_serve_run(&L->srv);
	progress_end(&L->prog);
	/* The grace period is over: whatever is left is dropped. */
	server_each(&L->srv, close_one);
	server_close(&L->srv);
	buf_free(&L->sink);
	conn_free(L->out);
	return L->status;
}

const struct cmd cmd_listen = {
	.name = "listen",
	.args = "[options] ADDRESS",
	.summary = "accept clients; their data to stdout, stdin to them",
	.opts = listen_opts,
	.note = NULL,
	.flags = GROUP_DELIM | GROUP_SERVER | GROUP_WATCH | GROUP_IDLE | CMD_STDIO,
	.serves = KIND_STREAM | KIND_DGRAM | KIND_TLS |
	    KIND_SYSTEMD | KIND_WS,
	.dials = 0,
	.exec = listen_exec
};
