/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/resource.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
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

void
server_stop(struct server *s)
{
	s->stopping = 1;
	server_stop_accepting(s);
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
	log_v(1, "%s: refused: uid %u not allowed", name, (unsigned)uid);
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

/* May this client be served?  A refused one is reset, not closed: its
 * peer must not take the refusal for a clean, complete exchange. */
static int
admit(struct server *s, int fd, const char *name)
{
	if (s->clients >= s->max && (s->on_full == NULL ||
	    s->on_full(s) == -1 || s->clients >= s->max)) {
		log_v(1, "%s: refused: %lld client%s already (--max-conns)",
		    name, s->max, s->max == 1 ? "" : "s");
		sock_close_reset(fd);
		return 0;
	}
	if (!allowed(s, fd, name)) {
		sock_close_reset(fd);
		return 0;
	}
	return 1;
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
		log_v(1, "connection from %s", name);
		if (s->on_accept(s, fd, name) == -1) {
			log_v(1, "%s: refused: %s", name, strerror(errno));
			sock_close_reset(fd);
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
	if (s->ws != NULL && ws_start(c, s->ws, err, sizeof(err)) == -1) {
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
	timer_init(&c->idle, on_idle);
	if (due(s, c) != 0 && s->on_idle != NULL &&
	    timer_at(s->loop, &c->idle, due(s, c)) == -1) {
		loop_del(s->loop, c->fd);
		conntab_del(&s->tab, c);
		goto fail;
	}
	s->clients++;
	return 0;
fail:
	ws_free(c);
	tls_free(c);	/* the caller closes the descriptor */
	return -1;
}

void
server_detach(struct server *s, struct conn *c)
{
	loop_del(s->loop, c->fd);
	conntab_del(&s->tab, c);
	timer_stop(s->loop, &c->idle);
	conn_close(c);
	s->clients--;
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

int
server_open(struct server *s, const struct addr *a, int *usage, char *err,
    size_t errlen)
{
	s->reserve = -1;
	timer_init(&s->grace, grace_over);
	timer_init(&s->backoff, resume_accept);
	*usage = 0;
	if (size_up(s, err, errlen) == -1)
		return -1;
	if (sock_listen(a, s->co->mode, &s->lis, usage, err, errlen) == -1)
		return -1;
	s->reserve = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (loop_signals(s->loop, on_signal, s) == -1) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		return -1;
	}
	return watch(s, s->lis.fd, s->on_packet != NULL ? s->on_packet :
	    on_listener, err, errlen);
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
	char	name[SOCK_NAME_MAX + 16], line[SOCK_NAME_MAX + 17];
	int	n;

	loop_set(s->loop, s->lis.fd, LOOP_READ);
	name_self(s, name, sizeof(name));
	log_v(1, "listening on %s", name);
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
	loop_free(s->loop);
	s->loop = NULL;
	conntab_free(&s->tab);
	tls_ctx_free(s->tls);
	s->tls = NULL;
	free(s->ws);
	s->ws = NULL;
}
