/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proxyproto.h"
#include "server.h"
#include "tls.h"
#include "util.h"
#include "ws.h"

/* Descriptors a server holds besides its clients. */
#define FIXED_FDS	16
#define ACCEPT_BATCH	64

static void
grace_over(struct loop *l, struct timer *t)
{
	(void)t;
	log_v(2, "grace period over");
	loop_stop(l);
}

/* A client turned away: "NAME: refused: WHY", or its JSON event. */
static void
refuse(const struct server *s, const char *name, const char *fmt, ...)
{
	struct log_field	f[3];
	char			why[256];
	va_list			ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	f[0] = (struct log_field){ "peer", name, 0 };
	f[1] = (struct log_field){ "local", s->lis.bound, 0 };
	f[2] = (struct log_field){ "reason", why, 0 };
	log_event(1, "refuse", f, 3, "%s: refused: %s", name, why);
}

static void
on_signal(struct loop *l, int signo, void *arg)
{
	struct server	*s = arg;

	log_v(1, "%s: stopping", strsignal(signo));
	if (s->stopping) {
		loop_stop(l);	/* asked twice: no more waiting */
		return;
	}
	server_stop(s);
}

/*
 * SIGUSR1: read --cert, --key and --cacert again for the clients to
 * come (a renewed certificate); on an error the old ones stay.
 */
static void
on_reload(struct loop *l, int signo, void *arg)
{
	struct server	*s = arg;
	char		 err[512];

	(void)l;
	(void)signo;
	if (s->tls == NULL && s->on_reload == NULL) {
		log_v(1, "SIGUSR1: no TLS to reload");
		return;
	}
	if (s->tls != NULL && tls_ctx_reload(s->tls, &s->co->tls, err,
	    sizeof(err)) == -1) {
		log_err("SIGUSR1: %s: keeping the certificate in use", err);
		return;
	}
	if (s->on_reload != NULL && s->on_reload(s) == -1)
		return;
	log_event(1, "reload", NULL, 0, "SIGUSR1: TLS files read again");
}

struct pending;
static void	pending_free(struct pending *, int);

void
server_stop(struct server *s)
{
	s->stopping = 1;
	server_stop_accepting(s);
	/* Still sending their PROXY header: not served, so not waited for. */
	while (!LIST_EMPTY(&s->pending))
		pending_free(LIST_FIRST(&s->pending), 1);
	timer_at(s->loop, &s->grace, now_ms() + GRACE_MS);
	if (s->on_stop != NULL)
		s->on_stop(s);
	if (s->clients == 0)
		server_drained(s);
}

void
server_drained(struct server *s)
{
	if (s->on_drained != NULL)
		s->on_drained(s);
	else
		loop_stop(s->loop);
}

/* EMFILE: free the reserve, take the client and drop it, so that
 * the listener does not stay readable and the loop does not spin. */
static void
shed(struct server *s)
{
	int	fd;

	if (s->reserve != -1)
		close(s->reserve);
	if ((fd = accept(s->lis.fd, NULL, NULL)) != -1) {
		sock_close_reset(fd);
		log_v(1, "out of descriptors: closed a new client");
	}
	s->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int
allowed(struct server *s, int fd, const char *name)
{
	pid_t	pid;
	uid_t	uid;
	int	i;

	if (s->co->nallow_uid == 0)
		return 1;
	if (sock_peer_cred(fd, &pid, &uid) == 0)
		for (i = 0; i < s->co->nallow_uid; i++)
			if (s->co->allow_uid[i] == uid)
				return 1;
	refuse(s, name, "uid %u not allowed", (unsigned)uid);
	return 0;
}

static void
resume_accept(struct loop *l, struct timer *t)
{
	struct server	*s = container_of(t, struct server, backoff);

	if (s->lis.fd != -1)
		loop_set(l, s->lis.fd, LOOP_READ);
}

/*
 * The system is out of files and the reserve is gone too: the listener
 * would stay readable with nothing to take from it.  Pause accepting.
 */
static void
pause_accept(struct server *s)
{
	log_v(1, "out of descriptors: not accepting for 100 ms");
	loop_set(s->loop, s->lis.fd, 0);
	timer_at(s->loop, &s->backoff, now_ms() + 100);
}

/* --allow, --deny, --max-per-ip: may a client from sa come in? */
static int
ip_allowed(struct server *s, const struct sockaddr *sa, const char *name)
{
	const struct common	*co = s->co;
	struct ipkey		 k;

	if (ipkey_from_sa(sa, &k) == -1)
		return 1;	/* not an IP client: opts refused the lists */
	if (co->deny.n > 0 && acl_match(&co->deny, &k)) {
		refuse(s, name, "in --deny");
		return 0;
	}
	if (co->allow.n > 0 && !acl_match(&co->allow, &k)) {
		refuse(s, name, "not in --allow");
		return 0;
	}
	if (co->max_per_ip > 0 && ipcount_take(&s->perip, &k, co->max_per_ip,
	    &s->admitted) == -1) {
		refuse(s, name, "%s", errno == EBUSY ?
		    "as many clients from its address as --max-per-ip" :
		    strerror(errno));
		return 0;
	}
	return 1;
}

/* The client's address, for the checks by address; 0 if none. */
static int
peer_sa(int fd, struct sockaddr_storage *ss)
{
	socklen_t	len = sizeof(*ss);

	ss->ss_family = AF_UNSPEC;
	if (getpeername(fd, (struct sockaddr *)ss, &len) == -1)
		return 0;
	return ss->ss_family == AF_INET || ss->ss_family == AF_INET6;
}

/*
 * Clients now, of this process or (--workers) of all: each worker
 * writes its own count to the shared page, and the sum is read without
 * a lock, so that a race of simultaneous accepts may pass the limit by
 * at most one a worker.
 */
static long long
total(const struct server *s)
{
	long long	n = s->npending;
	int		i;

	if (s->counts == NULL)
		return n + s->clients;
	for (i = 0; i < s->nworkers; i++)
		n += s->counts[i];
	return n;
}

static void
count(struct server *s, int d)
{
	s->clients += d;
	if (s->counts != NULL && s->worker >= 0)
		s->counts[s->worker] = s->clients;
}

/* May this client be served?  A refused one is reset, not closed: its
 * peer must not take the refusal for a clean, complete exchange. */
static int
admit(struct server *s, int fd, const char *name)
{
	struct sockaddr_storage	ss;

	if (total(s) >= s->max && (s->on_full == NULL ||
	    s->on_full(s) == -1 || total(s) >= s->max)) {
		refuse(s, name, "%lld client%s already (--max-conns)",
		    s->max, s->max == 1 ? "" : "s");
		sock_close_reset(fd);
		return 0;
	}
	/* With --accept-proxy, the address to check comes in the header. */
	if (!allowed(s, fd, name) || (!s->co->accept_proxy &&
	    peer_sa(fd, &ss) && !ip_allowed(s, (struct sockaddr *)&ss,
	    name))) {
		sock_close_reset(fd);
		return 0;
	}
	return 1;
}

/* The count of a client that was never attached. */
static void
unadmit(struct server *s)
{
	if (s->admitted != NULL)
		ipcount_give(&s->perip, s->admitted);
	s->admitted = NULL;
}

/* An admitted client: the command makes it its own. */
static void
take(struct server *s, int fd, const char *name)
{
	struct log_field	f[2] = { { "peer", name, 0 },
				    { "local", s->lis.bound, 0 } };

	log_event(1, "connect", f, 2, "connection from %s", name);
	if (log_nc != NULL)
		log_nc(LOG_NC_ACCEPTED, fd, NULL);
	if (s->on_accept(s, fd, name) == -1) {
		refuse(s, name, "%s", strerror(errno));
		sock_close_reset(fd);
	}
	unadmit(s);
}

/* What --accept-proxy learnt of the client on fd, or nothing. */
static void
carry(struct server *s, int fd, const struct pp_addrs *pa)
{
	struct sockaddr_storage	**t;
	int			  n;

	if (fd >= s->ncarried) {
		if (pa == NULL || pa->family == AF_UNSPEC)
			return;
		n = fd + 64;
		if ((t = reallocarray(s->carried, n, sizeof(*t))) == NULL)
			return;
		memset(t + s->ncarried, 0, (n - s->ncarried) * sizeof(*t));
		s->carried = t;
		s->ncarried = n;
	}
	free(s->carried[fd]);
	s->carried[fd] = NULL;
	if (pa != NULL && pa->family != AF_UNSPEC &&
	    (s->carried[fd] = malloc(sizeof(pa->src))) != NULL)
		memcpy(s->carried[fd], &pa->src, sizeof(pa->src));
}

int
server_peer(const struct server *s, int fd, struct sockaddr_storage *ss,
    socklen_t *len)
{
	if (fd >= 0 && fd < s->ncarried && s->carried[fd] != NULL) {
		memcpy(ss, s->carried[fd], sizeof(*ss));
		*len = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6);
		return 0;
	}
	*len = sizeof(*ss);
	return getpeername(fd, (struct sockaddr *)ss, len);
}

/* A client whose PROXY header is awaited (--accept-proxy). */
struct pending {
	struct server		*s;
	int			 fd;
	size_t			 have;		/* header bytes read */
	size_t			 skip;		/* v2 TLV bytes to drop */
	ssize_t			 total;		/* the header's length */
	struct pp_addrs		 pa;
	struct timer		 t;
	LIST_ENTRY(pending)	 entry;
	unsigned char		 buf[PP_PEEK_MAX];
	char			 name[SOCK_NAME_MAX];
};

static void
pending_free(struct pending *p, int reset)
{
	struct server	*s = p->s;

	timer_stop(s->loop, &p->t);
	loop_del(s->loop, p->fd);
	if (reset)
		sock_close_reset(p->fd);
	LIST_REMOVE(p, entry);
	s->npending--;
	free(p);
}

/* The header is in: the client is who it says, checked and taken. */
static void
pending_done(struct pending *p)
{
	struct server		*s = p->s;
	struct sockaddr_storage	 ss;
	char			 name[SOCK_NAME_MAX];
	int			 fd = p->fd, ok = 1;

	strlcpy(name, p->name, sizeof(name));
	if (p->pa.family != AF_UNSPEC) {
		addr_format_sa((struct sockaddr *)&p->pa.src, p->pa.len,
		    name, sizeof(name));
		log_v(2, "%s: PROXY header from %s", name, p->name);
		ok = ip_allowed(s, (struct sockaddr *)&p->pa.src, name);
	} else if (peer_sa(fd, &ss))
		ok = ip_allowed(s, (struct sockaddr *)&ss, name);
	carry(s, fd, &p->pa);
	pending_free(p, !ok);
	if (ok)
		take(s, fd, name);
}

/* Read what is there of the header, and not a byte past it. */
static int
pending_read(struct pending *p, const char **why)
{
	ssize_t	n, h;

	n = recv(p->fd, p->buf + p->have, sizeof(p->buf) - p->have, MSG_PEEK);
	if (n <= 0) {
		*why = n == 0 ? "closed before its PROXY header" :
		    strerror(errno);
		return n == -1 && (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	}
	if ((h = pp_parse(p->buf, p->have + n, &p->pa, why)) == -1)
		return -1;
	/* Incomplete: all that came is header, take it off the socket. */
	if (h > 0 && (size_t)h < p->have + n)
		n = h - p->have;
	if (recv(p->fd, p->buf + p->have, n, 0) != n) {
		*why = strerror(errno);
		return -1;
	}
	p->have += n;
	if (h > 0) {
		p->total = h;
		p->skip = h - p->have;
	}
	return 0;
}

static void
on_pending(struct loop *l, int fd, int events, void *arg)
{
	struct pending	*p = arg;
	const char	*why = NULL;
	ssize_t		 n;

	(void)l;
	(void)events;
	if (p->total == 0 && pending_read(p, &why) == -1) {
		refuse(p->s, p->name, "%s", why);
		pending_free(p, 1);
		return;
	}
	/* A v2 header's TLVs, which sockit has no use for. */
	if (p->total > 0 && p->skip > 0) {
		n = read(fd, conn_scratch, p->skip < sizeof(conn_scratch) ?
		    p->skip : sizeof(conn_scratch));
		if (n > 0)
			p->skip -= n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			refuse(p->s, p->name, "closed in its PROXY header");
			pending_free(p, 1);
			return;
		}
	}
	if (p->total > 0 && p->skip == 0)
		pending_done(p);
}

static void
pending_late(struct loop *l, struct timer *t)
{
	struct pending	*p = container_of(t, struct pending, t);

	(void)l;
	refuse(p->s, p->name, "no PROXY header within %lld ms",
	    (long long)opts_handshake_ms(p->s->co));
	pending_free(p, 1);
}

/* --accept-proxy: the client is taken once its header is read. */
static void
await_header(struct server *s, int fd, const char *name)
{
	struct pending	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		sock_close_reset(fd);
		return;
	}
	p->s = s;
	p->fd = fd;
	strlcpy(p->name, name, sizeof(p->name));
	timer_init(&p->t, pending_late);
	if (loop_add(s->loop, fd, on_pending, p) == -1 ||
	    timer_at(s->loop, &p->t, now_ms() + opts_handshake_ms(s->co))) {
		loop_del(s->loop, fd);
		sock_close_reset(fd);
		free(p);
		return;
	}
	loop_set(s->loop, fd, LOOP_READ);
	LIST_INSERT_HEAD(&s->pending, p, entry);
	s->npending++;
}

static void
on_listener(struct loop *l, int lfd, int events, void *arg)
{
	struct server	*s = arg;
	char		 name[SOCK_NAME_MAX];
	pid_t		 pid;
	uid_t		 uid;
	int		 fd, i;

	(void)l;
	(void)events;
	for (i = 0; i < ACCEPT_BATCH && s->lis.fd == lfd; i++) {
		if ((fd = sock_accept(lfd, name, sizeof(name))) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				shed(s);
				if (s->reserve == -1) {
					pause_accept(s);
					return;
				}
			} else if (errno != ECONNABORTED && errno != EINTR &&
			    errno != EPROTO)
				return;	/* EAGAIN: all taken */
			continue;
		}
		/* Unix peers have no address worth showing; name the pid. */
		if (s->lis.kind != ADDR_TCP &&
		    sock_peer_cred(fd, &pid, &uid) == 0)
			snprintf(name, sizeof(name), "unix:%ld", (long)pid);
		if (!admit(s, fd, name))
			continue;
		(void)sock_keepalive(fd, &s->co->keepalive);
		if (s->co->accept_proxy)
			await_header(s, fd, name);
		else {
			carry(s, fd, NULL);
			take(s, fd, name);
		}
	}
}

/* When c's timer is due: its TLS handshake's end, or -i; 0: never. */
static int64_t
due(const struct server *s, const struct conn *c)
{
	int64_t	hs = conn_deadline(c), idle = 0;

	if (s->co->idle_ms > 0 && s->on_idle != NULL)
		idle = c->active + s->co->idle_ms;
	if (hs != 0 && (idle == 0 || hs < idle))
		return hs;
	return idle;
}

static void
on_idle(struct loop *l, struct timer *t)
{
	struct conn	*c = container_of(t, struct conn, idle);
	struct server	*s = c->srv;
	int64_t		 end = due(s, c), hs = conn_deadline(c);

	/* A client that never finishes its handshake must not keep a slot. */
	if (hs != 0 && hs <= now_ms()) {
		log_v(1, "%s: %s handshake timed out: closing", c->name,
		    ws_is(c) ? "WebSocket" : "TLS");
		s->on_idle(s, c);
		return;
	}
	/* Traffic moved the end on: sleep until then, not per byte. */
	if (end == 0)
		return;
	if (end > now_ms()) {
		timer_at(l, t, end);
		return;
	}
	log_v(1, "%s: idle for %lld ms: closing", c->name,
	    (long long)s->co->idle_ms);
	s->on_idle(s, c);
}

void
server_settle(struct conn *c)
{
	const struct client_ops	*o = c->ops;

	if (o->done != NULL && o->done(c)) {
		o->close(c->srv, c);
		return;
	}
	loop_set(c->srv->loop, c->fd, o->interest != NULL ? o->interest(c) :
	    conn_interest(c));
}

static void
on_client(struct loop *l, int fd, int events, void *arg)
{
	struct conn	*c = arg;

	(void)l;
	(void)fd;
	if (c->ops->io != NULL) {
		if (c->ops->io(c, events) == -1)
			return;
	} else
		conn_io(c, events);
	server_settle(c);
}

int
server_attach(struct server *s, struct conn *c, const struct client_ops *ops)
{
	char	err[256];

	if (s->tls != NULL && tls_start(c, s->tls, NULL, err,
	    sizeof(err)) == -1) {
		log_v(1, "%s: %s", c->name, err);
		errno = ENOMEM;
		return -1;
	}
	if (s->ws != NULL && ws_start(c, s->loop, s->ws, err, sizeof(err)) == -1) {
		log_v(1, "%s: %s", c->name, err);
		tls_free(c);
		errno = ENOMEM;
		return -1;
	}
	if (conntab_put(&s->tab, c) == -1)
		goto fail;
	c->ops = ops;
	if (loop_add(s->loop, c->fd, on_client, c) == -1) {
		conntab_del(&s->tab, c);
		goto fail;
	}
	c->srv = s;
	c->perip = s->admitted;
	s->admitted = NULL;
	c->since = now_ms();
	timer_init(&c->idle, on_idle);
	if (due(s, c) != 0 && s->on_idle != NULL &&
	    timer_at(s->loop, &c->idle, due(s, c)) == -1) {
		loop_del(s->loop, c->fd);
		conntab_del(&s->tab, c);
		goto fail;
	}
	count(s, 1);
	return 0;
fail:
	if (c->perip != NULL)
		s->admitted = c->perip;	/* unadmit() gives it back */
	c->perip = NULL;
	ws_free(c);
	tls_free(c);	/* the caller closes the descriptor */
	return -1;
}

/* The JSON log's close event; a text log has the command's own line. */
static void
log_close(const struct server *s, const struct conn *c)
{
	struct log_field	f[5] = {
		{ "peer", c->name, 0 }, { "local", s->lis.bound, 0 },
		{ "duration_ms", NULL, now_ms() - c->since },
		{ "bytes_in", NULL, (long long)c->rx },
		{ "bytes_out", NULL, (long long)c->tx } };

	if (log_is_json())
		/* exec's own children move their bytes: no counts here. */
		log_event(1, "close", f, c->is_sock ? 5 : 3, "%s closed",
		    c->name);
}

void
server_detach(struct server *s, struct conn *c)
{
	log_close(s, c);
	loop_del(s->loop, c->fd);
	conntab_del(&s->tab, c);
	timer_stop(s->loop, &c->idle);
	conn_close(c);
	if (c->perip != NULL)
		ipcount_give(&s->perip, c->perip);
	c->perip = NULL;
	count(s, -1);
	if (s->stopping && s->clients == 0)
		server_drained(s);
}

void
server_each(struct server *s, void (*fn)(struct server *, struct conn *))
{
	struct conn	*c;
	int		 fd;

	for (fd = 0; fd < s->tab.size; fd++)
		if ((c = s->tab.byfd[fd]) != NULL)
			fn(s, c);
}

/* Pick the backend and the client limit; raise RLIMIT_NOFILE if needed. */
static int
size_up(struct server *s, char *err, size_t errlen)
{
	const struct common	*co = s->co;
	struct rlimit		 rl;
	long long		 want;
	int			 backend = co->backend;

	want = co->max_conns * co->per_client + FIXED_FDS;
	if (backend == -1)
		backend = loop_pick(co->max_conns > 0 ? want : FIXED_FDS);
	if (backend == LOOP_EPOLL && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)want && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = (rlim_t)want < rl.rlim_max ? (rlim_t)want :
		    rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	s->max = (loop_fd_limit(backend) - FIXED_FDS) / co->per_client;
	if (co->max_conns > 0 && co->max_conns < s->max)
		s->max = co->max_conns;
	if ((s->loop = loop_new(backend, err, errlen)) == NULL)
		return -1;
	return 0;
}

/* Register fd, or say why select() cannot take it. */
static int
watch(struct server *s, int fd, loop_io_fn *fn, char *err, size_t errlen)
{
	if (loop_add(s->loop, fd, fn, s) == 0)
		return 0;
	if (errno == EMFILE && s->loop->backend == LOOP_SELECT)
		snprintf(err, errlen, "descriptor %d is past what select() "
		    "holds (%d): use --backend epoll", fd,
		    loop_fd_limit(LOOP_SELECT));
	else
		snprintf(err, errlen, "event loop: %s", strerror(errno));
	return -1;
}

/* Signals and the listener, on the server's loop. */
static int
wire(struct server *s, char *err, size_t errlen)
{
	if (loop_signals(s->loop, on_signal, s) == -1 ||
	    loop_reload(s->loop, on_reload, s) == -1) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		return -1;
	}
	return watch(s, s->lis.fd, s->on_packet != NULL ? s->on_packet :
	    on_listener, err, errlen);
}

int
server_open(struct server *s, const struct addr *a, int *usage, char *err,
    size_t errlen)
{
	s->reserve = -1;
	s->worker = -1;
	timer_init(&s->grace, grace_over);
	timer_init(&s->backoff, resume_accept);
	*usage = 0;
	if (size_up(s, err, errlen) == -1)
		return -1;
	if (sock_listen(a, s->co->mode, &s->lis, usage, err, errlen) == -1)
		return -1;
	s->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return wire(s, err, errlen);
}

int
server_new_loop(struct server *s, char *err, size_t errlen)
{
	enum loop_backend	backend = s->loop->backend;

	loop_free(s->loop);
	if ((s->loop = loop_new(backend, err, errlen)) == NULL)
		return -1;
	return wire(s, err, errlen);
}

/*
 * Where we listen, as sockit takes it back, prefix included: a client
 * given the ready line as it is must speak TLS or datagrams too.
 */
static void
name_self(const struct server *s, char *buf, size_t len)
{
	const char	*b = s->lis.bound;

	if (s->ws != NULL)
		ws_name(s->ws, s->tls != NULL, b, buf, len);
	else if (s->on_packet == NULL)
		snprintf(buf, len, "%s%s", s->tls != NULL ? "tls:" : "", b);
	else if (strncmp(b, "unix:", 5) == 0)
		snprintf(buf, len, "unixgram:%s", b + 5);
	else
		snprintf(buf, len, "%s%s", *b == '@' ? "unixgram:" : "udp:", b);
}

int
server_ready(struct server *s, char *err, size_t errlen)
{
	struct log_field	f[1];
	char			name[SOCK_NAME_MAX + 16], line[SOCK_NAME_MAX + 17];
	int			n;

	if (s->worker >= 0) {
		loop_set(s->loop, s->lis.fd, LOOP_READ);
		return 0;	/* the parent said where it listens */
	}
	if (s->nworkers == 0)
		loop_set(s->loop, s->lis.fd, LOOP_READ);
	name_self(s, name, sizeof(name));
	f[0] = (struct log_field){ "local", name, 0 };
	log_event(1, "listening", f, 1, "listening on %s", name);
	if (log_nc != NULL)
		log_nc(LOG_NC_LISTENING, s->lis.fd, NULL);
	if (s->co->ready_fd == -1)
		return 0;
	n = snprintf(line, sizeof(line), "%s\n", name);
	if (write(s->co->ready_fd, line, n) != n) {
		snprintf(err, errlen, "--ready-fd %d: %s", s->co->ready_fd,
		    strerror(errno));
		return -1;
	}
	/* 0-2 stay taken (by /dev/null), or a socket would become stdout. */
	if (s->co->ready_fd <= 2 && (n = open("/dev/null", O_RDWR)) != -1) {
		dup2(n, s->co->ready_fd);
		close(n);
	} else
		close(s->co->ready_fd);
	return 0;
}

void
server_stop_accepting(struct server *s)
{
	if (s->lis.fd != -1 && s->loop != NULL)
		loop_del(s->loop, s->lis.fd);
	sock_listener_close(&s->lis);
}

void
server_close(struct server *s)
{
	server_stop_accepting(s);
	if (s->reserve != -1)
		close(s->reserve);
	s->reserve = -1;
	/* Their timers and descriptors are the loop's: before it goes. */
	while (!LIST_EMPTY(&s->pending))
		pending_free(LIST_FIRST(&s->pending), 1);
	loop_free(s->loop);
	s->loop = NULL;
	conntab_free(&s->tab);
	ipcount_free(&s->perip);
	while (s->ncarried > 0)
		free(s->carried[--s->ncarried]);
	free(s->carried);
	s->carried = NULL;
	tls_ctx_free(s->tls);
	s->tls = NULL;
	free(s->ws);
	s->ws = NULL;
}
