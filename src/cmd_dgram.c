/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Datagram modes of send, listen, echo and relay.  One message is one
 * datagram: stdin is cut at the delimiter and each message goes whole;
 * each datagram received goes to stdout whole.  Nothing here is a
 * stream, so nothing goes through a chan: peers are kept by address
 * in a dtab, and a peer silent for -i is forgotten.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_dgram.h"
#include "conn.h"
#include "dgram.h"
#include "log.h"
#include "server.h"
#include "util.h"

/* The largest UDP payload (IPv4); a longer message goes in pieces. */
#define MSG_MAX		65507
/* Datagram peers are forgotten after this without -i. */
#define PEER_IDLE_MS	60000
/*
 * Peers (listen) and sessions (relay) kept at most without --max-conns;
 * a new one then forgets the one heard from least recently.
 */
#define PEER_MAX	1024
/* stdout holds a whole batch of labelled datagrams. */
#define OUT_CAP		(DGRAM_BATCH * (DGRAM_MAX + SOCK_NAME_MAX + \
			    2 * DELIM_MAX))

/* stdin, cut into messages. */
struct msgin {
	char	buf[MSG_MAX];
	size_t	len;
	int	eof;
};

/* Read what stdin has: 1 read, 0 at EOF, -1 nothing now or an error. */
static int
msgin_fill(struct msgin *m)
{
	ssize_t	n;

	if (m->eof || m->len == sizeof(m->buf))
		return -1;
	n = read(0, m->buf + m->len, sizeof(m->buf) - m->len);
	if (n == 0) {
		m->eof = 1;
		return 0;
	}
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR) {
			log_err("stdin: %s", strerror(errno));
			m->eof = 1;
		}
		return -1;
	}
	m->len += n;
	return 1;
}

/*
 * The next message's length (delimiter included), or 0 when there is no
 * whole one yet.  A full buffer, or the rest at EOF, is one too.
 */
static size_t
msgin_next(struct msgin *m, const struct delim *d)
{
	size_t	n = frame_next(d, m->buf, m->len);

	if (n == 0 && (m->len == sizeof(m->buf) || m->eof))
		n = m->len;
	return n;
}

static void
msgin_consume(struct msgin *m, size_t n)
{
	memmove(m->buf, m->buf + n, m->len - n);
	m->len -= n;
}

/* Output to stdout, a whole datagram at a time. */
static int
out_put(struct buf *b, const struct dlisten_opts *o, const struct delim *d,
    const char *label, const char *p, size_t n)
{
	const struct delim	*od = o->odelim != NULL ? o->odelim : d;
	int			 ended = n >= d->len &&
				    memcmp(p + n - d->len, d->bytes, d->len) == 0;
	int			 r = 0;

	/* A datagram is a message: each ends with a delimiter, so that
	 * those without one do not run together. */
	if (o->label)
		r |= buf_append(b, label, strlen(label)) | buf_append(b, " ", 1);
	r |= buf_append(b, p, ended ? n - d->len : n);
	r |= buf_append(b, od->bytes, od->len);
	return r;
}

/* The end: what stdout still holds goes, bounded by the grace period. */
static void
out_drain(struct buf *b, struct conn *out)
{
	if (conn_drain(out, b, now_ms() + GRACE_MS) == -1 &&
	    errno != ETIMEDOUT)
		log_err("stdout: %s", strerror(errno));
}

/* --- send -u ------------------------------------------------------- */

struct dsend {
	const struct common	*co;
	const struct dsend_opts	*o;
	struct loop		*loop;
	int			 fd;
	const char		*name;
	struct msgin		 in;
	int			 midx;		/* next -m */
	int			 in_done;	/* nothing more to send */
	struct dgram_batch	 rb;
	struct buf		 out;
	struct conn		*cout;
	struct timer		 quit, idle;
	int64_t			 active;
	int			 blocked;	/* the socket took no more */
	int			 status;
	uint64_t		 sent, got;
};

/* An ICMP error of an earlier datagram: told with -v, never fatal. */
static int
icmp_error(int e)
{
	return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH;
}

/* One datagram out: 1 sent, 0 the socket is full, -1 failed. */
static int
ds_send1(struct dsend *s, const char *p, size_t n)
{
	int	tries;

	for (tries = 0; tries < 3; tries++) {
		if (send(s->fd, p, n, MSG_DONTWAIT) == (ssize_t)n) {
			s->sent++;
			s->active = now_ms();
			return 1;
		}
		if (errno == EAGAIN || errno == ENOBUFS)
			return 0;
		if (errno == EINTR)
			continue;
		if (!icmp_error(errno))
			break;
		log_v(1, "%s: %s", s->name, strerror(errno));
	}
	log_err("%s: %s (a datagram of %zu bytes not sent)", s->name,
	    strerror(errno), n);
	s->status = 1;
	return -1;
}

static void
ds_finish(struct dsend *s)
{
	loop_stop(s->loop);
}

/* Everything is sent: exit at once, or read replies for -q. */
static void
ds_input_done(struct dsend *s)
{
	s->in_done = 1;
	loop_set(s->loop, 0, 0);
	log_v(2, "end of input");
	if (s->o->send_only || s->o->quit_ms == 0)
		ds_finish(s);
	else
		timer_at(s->loop, &s->quit, now_ms() + s->o->quit_ms);
}

/* Send whole messages while the socket takes them. */
static void
ds_pump(struct dsend *s)
{
	size_t	n;
	int	r;

	while (!s->in_done) {
		if (s->o->nmsg > 0) {
			if (s->midx == s->o->nmsg) {
				ds_input_done(s);
				return;
			}
			/* -m TEXT: the message with its delimiter. */
			if (s->in.len == 0) {
				n = strlen(s->o->msg[s->midx]);
				if (n + s->co->delim.len > sizeof(s->in.buf))
					n = sizeof(s->in.buf) - s->co->delim.len;
				memcpy(s->in.buf, s->o->msg[s->midx], n);
				memcpy(s->in.buf + n, s->co->delim.bytes,
				    s->co->delim.len);
				s->in.len = n + s->co->delim.len;
			}
			n = s->in.len;
		} else if ((n = msgin_next(&s->in, &s->co->delim)) == 0) {
			if (s->in.eof) {
				ds_input_done(s);
				return;
			}
			break;
		}
		if ((r = ds_send1(s, s->in.buf, n)) == 0) {
			s->blocked = 1;
			break;
		}
		if (r == -1) {
			ds_finish(s);
			return;
		}
		s->blocked = 0;
		msgin_consume(&s->in, n);
		if (s->o->nmsg > 0)
			s->midx++;
	}
	if (s->o->nmsg == 0 && !s->in_done)
		loop_set(s->loop, 0, s->blocked || s->in.len == sizeof(s->in.buf) ?
		    0 : LOOP_READ);
}

static void
ds_update(struct dsend *s)
{
	int	mask = 0;

	if (!s->o->send_only && s->out.len == 0)
		mask |= LOOP_READ;
	if (s->blocked)
		mask |= LOOP_WRITE;
	loop_set(s->loop, s->fd, mask);
	loop_set(s->loop, 1, s->out.len > 0 ? LOOP_WRITE : 0);
}

static void
ds_receive(struct dsend *s)
{
	int	i, n;

	n = dgram_recv(s->fd, &s->rb, s->name);
	if (n == -1) {
		if (icmp_error(errno))
			log_v(1, "%s: %s", s->name, strerror(errno));
		else {
			log_err("%s: %s", s->name, strerror(errno));
			s->status = 1;
			ds_finish(s);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		buf_append(&s->out, DGRAM_DATA(&s->rb, i), DGRAM_LEN(&s->rb, i));
		s->got++;
	}
	if (n > 0)
		s->active = now_ms();
	if (buf_flush(&s->out, s->cout) == -1) {
		log_err("stdout: %s", strerror(errno));
		s->status = 1;
		ds_finish(s);
	}
}

static void
ds_io(struct loop *l, int fd, int events, void *arg)
{
	struct dsend	*s = arg;

	(void)l;
	if (fd == 0) {
		if (msgin_fill(&s->in) != -1 || s->in.eof)
			ds_pump(s);
	} else if (fd == 1) {
		if (buf_flush(&s->out, s->cout) == -1) {
			log_err("stdout: %s", strerror(errno));
			s->status = 1;
			ds_finish(s);
		}
	} else {
		if (events & LOOP_WRITE)
			ds_pump(s);
		if (events & LOOP_READ)
			ds_receive(s);
	}
	ds_update(s);
}

static void
ds_quit(struct loop *l, struct timer *t)
{
	(void)l;
	log_v(2, "-q ran out");
	ds_finish(container_of(t, struct dsend, quit));
}

static void
ds_idle(struct loop *l, struct timer *t)
{
	struct dsend	*s = container_of(t, struct dsend, idle);

	if (s->active + s->co->idle_ms > now_ms()) {
		timer_at(l, t, s->active + s->co->idle_ms);
		return;
	}
	log_err("idle for %lld ms: closing", (long long)s->co->idle_ms);
	s->status = 1;
	ds_finish(s);
}

static void
ds_signal(struct loop *l, int signo, void *arg)
{
	(void)l;
	log_v(1, "%s: stopping", strsignal(signo));
	ds_finish(arg);
}

int
dgram_send_run(const struct common *co, const struct dsend_opts *o, int fd,
    const char *name)
{
	struct dsend		*s;
	enum loop_backend	 be;
	char			 err[256];
	int			 status;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    dgram_batch_init(&s->rb, 4) == -1 ||
	    (s->cout = conn_new(1, "stdout")) == NULL)
		fatal("%s", strerror(errno));
	s->co = co;
	s->o = o;
	s->fd = fd;
	s->name = name;
	s->out.cap = OUT_CAP;
	s->active = now_ms();
	be = fd < loop_fd_limit(LOOP_SELECT) ? loop_pick(2) : LOOP_EPOLL;
	if ((s->loop = loop_new(be, err, sizeof(err))) == NULL)
		fatal("%s", err);
	if (loop_signals(s->loop, ds_signal, s) == -1 ||
	    loop_add(s->loop, 0, ds_io, s) == -1 ||
	    loop_add(s->loop, 1, ds_io, s) == -1 ||
	    loop_add(s->loop, fd, ds_io, s) == -1)
		fatal("event loop: %s", strerror(errno));
	timer_init(&s->quit, ds_quit);
	timer_init(&s->idle, ds_idle);
	if (co->idle_ms > 0)
		timer_at(s->loop, &s->idle, now_ms() + co->idle_ms);
	if (o->recv_only)
		s->in_done = 1;		/* and no end of input: wait */
	else
		ds_pump(s);
	ds_update(s);
	if (loop_run(s->loop) == -1)
		fatal("event loop: %s", strerror(errno));
	out_drain(&s->out, s->cout);
	log_v(1, "%s: %llu datagrams sent, %llu received", name,
	    (unsigned long long)s->sent, (unsigned long long)s->got);
	close(fd);
	status = s->status;
	loop_free(s->loop);
	buf_free(&s->out);
	conn_free(s->cout);
	dgram_batch_free(&s->rb);
	free(s);
	return status;
}

/* --- servers: what listen, echo and relay share --------------------- */

/* -i for datagram peers: 60 s unless given (-i 0: never forgotten). */
static int64_t
peer_idle(const struct common *co)
{
	return co->idle_set ? co->idle_ms : PEER_IDLE_MS;
}

/* Open the server's socket: exits as the stream servers do. */
static void
dserve_open(const struct cmd *cmd, struct server *srv,
    const struct common *co, const struct addr *a, loop_io_fn *fn)
{
	srv->co = co;
	srv->on_packet = fn;
	cmd_serve_open(cmd, srv, a);
}

/* --- listen -u ------------------------------------------------------ */

struct dlpeer {
	struct dpeer	p;
	uint64_t	rx, tx;
};

struct dlisten {
	const struct common		*co;
	const struct dlisten_opts	*o;
	struct server			 srv;
	struct dtab			 peers;
	struct dgram_batch		 rb;
	struct msgin			 in;
	struct buf			 out;
	struct conn			*cout;
	struct dlpeer			*first;		/* --once */
	int				 status;
};

/* Forget peer p, saying why. */
static void
dl_drop(struct dlisten *L, struct dpeer *p, const char *why)
{
	struct dlpeer	*d = container_of(p, struct dlpeer, p);

	log_v(1, "%s: forgotten %s: %llu bytes in, %llu out", p->name, why,
	    (unsigned long long)d->rx, (unsigned long long)d->tx);
	dtab_del(&L->peers, p);
	/* --once: the one peer is gone, and so is the session. */
	if (L->first == d)
		loop_stop(L->srv.loop);
	else
		free(d);
}

static void
dl_forget(struct dtab *tab, struct dpeer *p)
{
	char	why[64];

	snprintf(why, sizeof(why), "after %lld ms", (long long)tab->idle_ms);
	dl_drop(container_of(tab, struct dlisten, peers), p, why);
}

/* The table is full and a new peer came: the least recently heard goes. */
static void
dl_evict(struct dlisten *L)
{
	char	why[64];

	snprintf(why, sizeof(why), "for a new peer (%d peers at most)",
	    PEER_MAX);
	dl_drop(L, dtab_oldest(&L->peers), why);
}

/* The peer a datagram came from, made if new; NULL: drop it. */
static struct dlpeer *
dl_peer(struct dlisten *L, const struct sockaddr *sa, socklen_t len)
{
	struct dpeer	*p;
	struct dlpeer	*d;
	char		 name[SOCK_NAME_MAX];

	if ((p = dtab_find(&L->peers, sa, len)) != NULL) {
		dtab_heard(&L->peers, p);
		return container_of(p, struct dlpeer, p);
	}
	addr_format_sa(sa, len, name, sizeof(name));
	if (L->o->once && L->first != NULL) {
		log_v(1, "%s: not the peer served (--once): dropped", name);
		return NULL;
	}
	/* A peer takes no descriptor: only --max-conns caps them. */
	if (L->co->max_conns > 0 &&
	    (long long)L->peers.count >= L->co->max_conns) {
		log_v(1, "%s: %lld peers already (--max-conns): dropped",
		    name, L->co->max_conns);
		return NULL;
	}
	if (L->co->max_conns <= 0 && L->peers.count >= PEER_MAX)
		dl_evict(L);
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    dtab_add(&L->peers, &d->p, sa, len) == -1) {
		log_v(1, "%s: %s: dropped", name, strerror(errno));
		free(d);
		return NULL;
	}
	log_v(1, "datagram peer %s", d->p.name);
	if (L->o->once)
		L->first = d;
	return d;
}

static void
dl_flush(struct dlisten *L)
{
	if (buf_flush(&L->out, L->cout) == -1) {
		log_err("stdout: %s", strerror(errno));
		L->status = 1;
		loop_stop(L->srv.loop);
		return;
	}
	/* stdout is slow: leave the datagrams in the socket meanwhile. */
	if (L->srv.lis.fd != -1)
		loop_set(L->srv.loop, L->srv.lis.fd, L->out.len > 0 ? 0 :
		    LOOP_READ);
	loop_set(L->srv.loop, 1, L->out.len > 0 ? LOOP_WRITE : 0);
}

/*
 * -L: datagram i's sender.  An unbound unix sender has no address: name
 * its pid, as a stream client is named.
 */
static const char *
dl_label(struct dlisten *L, struct dlpeer *d, int i, char *buf, size_t len)
{
	const struct sockaddr	*sa = DGRAM_FROM(&L->rb, i);
	long			 pid;

	if ((DGRAM_FROMLEN(&L->rb, i) == 0 || (sa->sa_family == AF_UNIX &&
	    DGRAM_FROMLEN(&L->rb, i) <= sizeof(sa_family_t))) &&
	    (pid = dgram_pid(&L->rb, i)) > 0) {
		snprintf(buf, len, "unix:%ld", pid);
		return buf;
	}
	return d->p.name;
}

static void
dl_packet(struct loop *l, int fd, int events, void *arg)
{
	struct dlisten	*L = container_of(arg, struct dlisten, srv);
	struct dlpeer	*d;
	char		 who[32];
	int		 i, n;

	(void)l;
	(void)events;
	if ((n = dgram_recv(fd, &L->rb, NULL)) == -1) {
		log_v(1, "receive: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		if ((d = dl_peer(L, DGRAM_FROM(&L->rb, i),
		    DGRAM_FROMLEN(&L->rb, i))) == NULL)
			continue;
		d->rx += DGRAM_LEN(&L->rb, i);
		out_put(&L->out, L->o, &L->co->delim,
		    dl_label(L, d, i, who, sizeof(who)),
		    DGRAM_DATA(&L->rb, i), DGRAM_LEN(&L->rb, i));
	}
	dl_flush(L);
}

struct dl_msg {
	struct dlisten	*L;
	const char	*p;
	size_t		 n;
};

/* A stdin message to one peer; a full socket drops it, as UDP may. */
static void
dl_send1(struct dtab *tab, struct dpeer *p, void *arg)
{
	struct dl_msg	*m = arg;
	struct dlpeer	*d = container_of(p, struct dlpeer, p);

	(void)tab;
	if (sendto(m->L->srv.lis.fd, m->p, m->n, MSG_DONTWAIT,
	    (struct sockaddr *)&p->ss, p->sslen) == (ssize_t)m->n)
		d->tx += m->n;
	else
		log_v(1, "%s: %s: a datagram of %zu bytes not sent", p->name,
		    strerror(errno), m->n);
}

static void
dl_stdin(struct dlisten *L)
{
	struct dl_msg	m = { L, L->in.buf, 0 };

	msgin_fill(&L->in);
	while ((m.n = msgin_next(&L->in, &L->co->delim)) > 0) {
		if (L->srv.lis.fd != -1)
			dtab_each(&L->peers, dl_send1, &m);
		msgin_consume(&L->in, m.n);
	}
	if (L->in.eof) {
		log_v(2, "end of stdin");
		loop_del(L->srv.loop, 0);
	}
}

static void
dl_io(struct loop *l, int fd, int events, void *arg)
{
	struct dlisten	*L = arg;

	(void)l;
	(void)events;
	if (fd == 0)
		dl_stdin(L);
	else
		dl_flush(L);
}

static void
dl_free_peer(struct dtab *tab, struct dpeer *p, void *arg)
{
	struct dlisten	*L = arg;
	struct dlpeer	*d = container_of(p, struct dlpeer, p);

	if (L->first == d)
		L->first = NULL;
	dtab_del(tab, p);
	free(d);
}

/* A systemd socket says what it is only when asked. */
static int
fd_family(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	return ss.ss_family;
}

int
dgram_listen_run(const struct cmd *cmd, const struct common *co,
    const struct dlisten_opts *o, const struct addr *a)
{
	struct dlisten	*L;
	int		 status;

	if ((L = calloc(1, sizeof(*L))) == NULL ||
	    dgram_batch_init(&L->rb, DGRAM_BATCH) == -1 ||
	    (L->cout = conn_new(1, "stdout")) == NULL)
		fatal("%s", strerror(errno));
	L->co = co;
	L->o = o;
	L->out.cap = OUT_CAP;
	dserve_open(cmd, &L->srv, co, a, dl_packet);
	if (o->label && fd_family(L->srv.lis.fd) == AF_UNIX &&
	    dgram_want_creds(L->srv.lis.fd, &L->rb) == -1)
		log_v(1, "SO_PASSCRED: %s", strerror(errno));
	if (dtab_init(&L->peers, L->srv.loop, peer_idle(co), dl_forget) == -1 ||
	    loop_add(L->srv.loop, 1, dl_io, L) == -1 ||
	    (!o->recv_only && loop_add(L->srv.loop, 0, dl_io, L) == -1))
		fatal("event loop: %s", strerror(errno));
	if (!o->recv_only)
		loop_set(L->srv.loop, 0, LOOP_READ);
	cmd_serve_run(&L->srv);
	out_drain(&L->out, L->cout);
	dtab_each(&L->peers, dl_free_peer, L);
	free(L->first);
	dtab_free(&L->peers);
	server_close(&L->srv);
	status = L->status;
	buf_free(&L->out);
	conn_free(L->cout);
	dgram_batch_free(&L->rb);
	free(L);
	return status;
}

/* --- echo -u -------------------------------------------------------- */

struct decho {
	struct server		srv;
	struct dgram_batch	rb;
	uint64_t		dropped;
};

static void
de_packet(struct loop *l, int fd, int events, void *arg)
{
	struct decho	*E = container_of(arg, struct decho, srv);
	int		 i, n, k;

	(void)l;
	(void)events;
	if ((n = dgram_recv(fd, &E->rb, NULL)) == -1) {
		log_v(1, "receive: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i += k)
		if ((k = dgram_send_back(fd, &E->rb, i)) <= 0) {
			/* A peer that does not take it: its loss, not ours. */
			log_v(1, "%s: datagram not echoed",
			    strerror(k == -1 ? errno : EAGAIN));
			E->dropped++;
			k = 1;
		}
}

int
dgram_echo_run(const struct cmd *cmd, const struct common *co,
    const struct addr *a)
{
	struct decho	*E;

	if ((E = calloc(1, sizeof(*E))) == NULL ||
	    dgram_batch_init(&E->rb, DGRAM_BATCH) == -1)
		fatal("%s", strerror(errno));
	dserve_open(cmd, &E->srv, co, a, de_packet);
	cmd_serve_run(&E->srv);
	if (E->dropped > 0)
		log_v(1, "%llu datagrams could not be echoed",
		    (unsigned long long)E->dropped);
	server_close(&E->srv);
	dgram_batch_free(&E->rb);
	free(E);
	return 0;
}

/* --- relay -u ------------------------------------------------------- */

/* One client address and its own socket to the target. */
struct rsess {
	struct dpeer	 p;
	struct drelay	*R;
	int		 fd;		/* connected to the target */
	uint64_t	 up, down;	/* datagrams each way */
};

struct drelay {
	const struct common	*co;
	struct server		 srv;
	struct dtab		 sess;
	struct target		*target;
	const char		*tname;
	struct dgram_batch	 rb;
};

static void
rs_close(struct dtab *tab, struct dpeer *p)
{
	struct rsess	*r = container_of(p, struct rsess, p);

	log_v(1, "%s closed: %llu datagrams to %s, %llu back", p->name,
	    (unsigned long long)r->up, r->R->tname,
	    (unsigned long long)r->down);
	dtab_del(tab, p);
	loop_del(r->R->srv.loop, r->fd);
	close(r->fd);
	free(r);
}

static void
rs_close_each(struct dtab *tab, struct dpeer *p, void *arg)
{
	(void)arg;
	rs_close(tab, p);
}

/* Replies from the target go back to the client of this session. */
static void
rs_reply(struct loop *l, int fd, int events, void *arg)
{
	struct rsess	*r = arg;
	struct drelay	*R = r->R;
	int		 i, n;

	(void)l;
	(void)events;
	if ((n = dgram_recv(fd, &R->rb, R->tname)) == -1) {
		log_v(1, "%s: %s: %s", r->p.name, R->tname, strerror(errno));
		return;
	}
	if (n > 0)
		dtab_heard(&R->sess, &r->p);
	for (i = 0; i < n; i++) {
		/* The batch came from the target: send it to the client. */
		R->rb.mh[i].msg_hdr.msg_name = &r->p.ss;
		R->rb.mh[i].msg_hdr.msg_namelen = r->p.sslen;
	}
	for (i = 0; i < n; ) {
		int	k = dgram_send_back(R->srv.lis.fd, &R->rb, i);

		if (k <= 0) {
			log_v(1, "%s: %s: a reply not passed on", r->p.name,
			    strerror(k == -1 ? errno : EAGAIN));
			k = 1;
		} else
			r->down += k;
		i += k;
	}
}

static struct rsess *
rs_open(struct drelay *R, const struct sockaddr *sa, socklen_t len)
{
	struct rsess	*r;
	char		 name[SOCK_NAME_MAX], err[512];
	long long	 cap = R->srv.max < PEER_MAX ? R->srv.max : PEER_MAX;
	int		 i = 0, pending;

	addr_format_sa(sa, len, name, sizeof(name));
	if (R->co->max_conns > 0 &&
	    (long long)R->sess.count >= R->srv.max) {
		log_v(1, "%s: %lld sessions already (--max-conns): dropped",
		    name, R->srv.max);
		return NULL;
	}
	/* Unbounded, forged sources would take every descriptor. */
	if (R->co->max_conns <= 0 && (long long)R->sess.count >= cap) {
		log_v(1, "%s: closed for a new session (%lld at most)",
		    dtab_oldest(&R->sess)->name, cap);
		rs_close(&R->sess, dtab_oldest(&R->sess));
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_v(1, "%s: %s: dropped", name, strerror(errno));
		return NULL;
	}
	r->R = R;
	r->fd = sock_connect_next(R->target, &i, &pending, err, sizeof(err));
	if (r->fd == -1) {
		log_err("%s: %s", name, err);
		free(r);
		return NULL;
	}
	if (loop_add(R->srv.loop, r->fd, rs_reply, r) == -1 ||
	    dtab_add(&R->sess, &r->p, sa, len) == -1) {
		log_v(1, "%s: %s: dropped", name, strerror(errno));
		loop_del(R->srv.loop, r->fd);
		close(r->fd);
		free(r);
		return NULL;
	}
	loop_set(R->srv.loop, r->fd, LOOP_READ);
	log_v(1, "session for %s", r->p.name);
	return r;
}

static void
rs_forward(struct rsess *r, const char *p, size_t n)
{
	int	tries;

	for (tries = 0; tries < 2; tries++) {
		if (send(r->fd, p, n, MSG_DONTWAIT) == (ssize_t)n) {
			r->up++;
			return;
		}
		/* An ICMP error of an earlier one: this one is still owed. */
		if (!icmp_error(errno) && errno != EINTR)
			break;
		log_v(1, "%s: %s: %s", r->p.name, r->R->tname,
		    strerror(errno));
	}
	log_v(1, "%s: %s: a datagram not passed on", r->p.name,
	    strerror(errno));
}

static void
dr_packet(struct loop *l, int fd, int events, void *arg)
{
	struct drelay	*R = container_of(arg, struct drelay, srv);
	struct dpeer	*p;
	struct rsess	*r;
	int		 i, n;

	(void)l;
	(void)events;
	if ((n = dgram_recv(fd, &R->rb, NULL)) == -1) {
		log_v(1, "receive: %s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		p = dtab_find(&R->sess, DGRAM_FROM(&R->rb, i),
		    DGRAM_FROMLEN(&R->rb, i));
		if (p != NULL) {
			r = container_of(p, struct rsess, p);
			dtab_heard(&R->sess, p);
		} else if ((r = rs_open(R, DGRAM_FROM(&R->rb, i),
		    DGRAM_FROMLEN(&R->rb, i))) == NULL)
			continue;
		rs_forward(r, DGRAM_DATA(&R->rb, i), DGRAM_LEN(&R->rb, i));
	}
}

int
dgram_relay_run(const struct cmd *cmd, const struct common *co,
    const struct addr *a, struct target *t, const char *tname)
{
	struct drelay	*R;

	if ((R = calloc(1, sizeof(*R))) == NULL ||
	    dgram_batch_init(&R->rb, DGRAM_BATCH) == -1)
		fatal("%s", strerror(errno));
	R->co = co;
	R->target = t;
	R->tname = tname;
	dserve_open(cmd, &R->srv, co, a, dr_packet);
	if (dtab_init(&R->sess, R->srv.loop, peer_idle(co), rs_close) == -1)
		fatal("%s", strerror(errno));
	cmd_serve_run(&R->srv);
	dtab_each(&R->sess, rs_close_each, NULL);
	dtab_free(&R->sess);
	server_close(&R->srv);
	dgram_batch_free(&R->rb);
	free(R);
	return 0;
}
