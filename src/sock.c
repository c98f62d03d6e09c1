/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"
#include "systemd.h"
#include "util.h"

/* Unix socket files this process made, removed at exit if still ours. */
static struct listener	*owned[4];

static int
fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	return -1;
}

unsigned
sock_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

static socklen_t
unix_sockaddr(const struct addr *a, struct sockaddr_storage *ss)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)ss;
	size_t			 len = strlen(a->path);

	memset(ss, 0, sizeof(*ss));
	sun->sun_family = AF_UNIX;
	if (a->kind == ADDR_ABSTRACT) {
		memcpy(sun->sun_path + 1, a->path, len);
		return offsetof(struct sockaddr_un, sun_path) + 1 + len;
	}
	memcpy(sun->sun_path, a->path, len);
	return offsetof(struct sockaddr_un, sun_path) + len + 1;
}

/* What a unix socket we connect may hold in flight: see tune(). */
#define UNIX_SNDBUF	(1024 * 1024)

/* Room for bursts of datagrams; the kernel caps it at rmem_max. */
#define DGRAM_SOCKBUF	(4 * 1024 * 1024)

static void
tune_dgram(int fd)
{
	int	n = DGRAM_SOCKBUF;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
}

static void
tune(int fd, int family, int connected)
{
	int	on = 1, sndbuf = UNIX_SNDBUF;

	/* Interactive and ping-pong traffic must not wait for Nagle. */
	if (family == AF_INET || family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/*
	 * The default unix send buffer (208 KiB) takes less than one of our
	 * 256 KiB reads, so bulk send and relay into a unix socket paid two
	 * writes and two waits per read.  Only on sockets we connect: an
	 * accepted client that does not read (a clock's) should not hold a
	 * megabyte.  A limit, not an allocation; the kernel caps it.
	 */
	if (family == AF_UNIX && connected)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
}

/*
 * A socket file already at the path: replace it only when nobody listens
 * (stale); refuse anything else.  Never follows a symlink.
 */
static int
unix_clear_stale(const char *path, int type, const struct sockaddr_storage *ss,
    socklen_t sslen, char *err, size_t errlen)
{
	struct stat	st;
	int		fd, r, e;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return fail(err, errlen, path);
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a socket", path);
		return -1;
	}
	/* A datagram socket is probed with one: the types do not connect. */
	if ((fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return fail(err, errlen, "socket");
	r = connect(fd, (const struct sockaddr *)ss, sslen);
	e = errno;
	close(fd);
	if (r == 0 || e == EAGAIN || e == EINPROGRESS) {
		snprintf(err, errlen, "%s: in use by a running server", path);
		return -1;
	}
	if (e != ECONNREFUSED) {
		errno = e;
		return fail(err, errlen, path);
	}
	if (unlink(path) == -1 && errno != ENOENT)
		return fail(err, errlen, path);
	return 0;
}

static int
listen_unix_locked(const struct addr *a, int mode, struct listener *l, char *err,
    size_t errlen)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen = unix_sockaddr(a, &ss);
	struct stat		st;
	mode_t			old;
	int			fd, r, type;
	size_t			i;

	type = a->dgram ? SOCK_DGRAM : SOCK_STREAM;
	if (a->kind == ADDR_UNIX &&
	    unix_clear_stale(a->path, type, &ss, sslen, err, errlen) == -1)
		return -1;
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return fail(err, errlen, "socket");
	/* The umask sets the mode at creation: no window with a wider one. */
	if (mode >= 0)
		old = umask(~mode & 0777);
	r = bind(fd, (struct sockaddr *)&ss, sslen);
	if (mode >= 0)
		umask(old);
	if (r == -1) {
		if (errno == EADDRINUSE)
			snprintf(err, errlen, "%s%s: in use by a running "
			    "server", a->kind == ADDR_ABSTRACT ? "@" : "",
			    a->path);
		else
			fail(err, errlen, a->path);
		close(fd);
		return -1;
	}
	/*
	 * listen() before the directory lock is let go: a server that
	 * looked between bind and listen would find ECONNREFUSED, take our
	 * new file for a stale one and unlink it.  A datagram socket is
	 * live from its bind.
	 */
	if (a->dgram)
		tune_dgram(fd);
	else if (listen(fd, SOMAXCONN) == -1) {
		fail(err, errlen, "listen");
		close(fd);
		return -1;
	}
	l->fd = fd;
	if (a->kind == ADDR_ABSTRACT) {
		snprintf(l->bound, sizeof(l->bound), "@%s", a->path);
		return 0;
	}
	snprintf(l->bound, sizeof(l->bound), "unix:%s", a->path);
	if (lstat(a->path, &st) == 0) {
		strlcpy(l->path, a->path, sizeof(l->path));
		l->dev = st.st_dev;
		l->ino = st.st_ino;
		for (i = 0; i < NELEM(owned); i++)
			if (owned[i] == NULL) {
				owned[i] = l;
				break;
			}
	}
	return 0;
}

/*
 * Two servers starting on one stale path would both unlink it, and the
 * later unlink could take the earlier one's new socket.  A lock on the
 * directory makes check, unlink and bind one step.  Without read access
 * to the directory there is no lock, only that narrow race.
 */
static int
lock_dir(const char *path)
{
	char	dir[ADDR_PATH_MAX + 1];
	int	fd;

	strlcpy(dir, path, sizeof(dir));
	if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (flock(fd, LOCK_EX) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
listen_unix(const struct addr *a, int mode, struct listener *l, char *err,
    size_t errlen)
{
	int	lock = -1, r;

	if (a->kind == ADDR_UNIX)
		lock = lock_dir(a->path);
	r = listen_unix_locked(a, mode, l, err, errlen);
	if (lock != -1)
		close(lock);	/* and with it the flock */
	return r;
}

static int
listen_tcp_one(const struct addrinfo *ai, int dualstack, struct listener *l,
    char *err, size_t errlen)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	int			fd, on = 1, off = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return fail(err, errlen, "socket");
	/* For UDP it would let a second server share the port. */
	if (ai->ai_socktype == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* An IPv6 wildcard serves IPv4 too unless -6 asked otherwise. */
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		    dualstack ? &off : &on, sizeof(on));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		addr_format_sa(ai->ai_addr, ai->ai_addrlen, l->bound,
		    sizeof(l->bound));
		fail(err, errlen, l->bound);
		if (errno == EACCES && sock_port(ai->ai_addr) < 1024)
			strlcat(err, " (ports below 1024 need root or "
			    "CAP_NET_BIND_SERVICE)", errlen);
		close(fd);
		return -1;
	}
	if (ai->ai_socktype == SOCK_DGRAM)
		tune_dgram(fd);
	else if (listen(fd, SOMAXCONN) == -1) {
		fail(err, errlen, "listen");
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&ss, &len);
	addr_format_sa((struct sockaddr *)&ss, len, l->bound,
	    sizeof(l->bound));
	l->fd = fd;
	return 0;
}

static int
resolve(const struct addr *a, int passive, struct addrinfo **res,
    int *usage, char *err, size_t errlen)
{
	struct addrinfo	hints;
	const char	*host = a->host;
	int		r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = a->family;
	hints.ai_socktype = a->dgram ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	if (*host == '\0')
		host = passive ? NULL : "localhost";
	r = getaddrinfo(host, a->port, &hints, res);
	if (r != 0) {
		/* A name that does not resolve is the network's failure. */
		*usage = r == EAI_SERVICE || r == EAI_FAMILY ||
		    r == EAI_ADDRFAMILY;
		snprintf(err, errlen, "%s: %s", host ? host : a->port,
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -1;
	}
	return 0;
}

static int
listen_tcp(const struct addr *a, struct listener *l, int *usage, char *err,
    size_t errlen)
{
	struct addrinfo	*res, *ai;
	int		 r = -1, wild;

	if (resolve(a, 1, &res, usage, err, errlen) == -1)
		return -1;
	/* The bare wildcard: one dual-stack IPv6 socket serves both. */
	wild = a->host[0] == '\0' && a->family == AF_UNSPEC;
	if (wild)
		for (ai = res; ai != NULL && r == -1; ai = ai->ai_next)
			if (ai->ai_family == AF_INET6)
				r = listen_tcp_one(ai, 1, l, err, errlen);
	/* Otherwise, or where IPv6 is off: the first that binds. */
	for (ai = res; ai != NULL && r == -1; ai = ai->ai_next)
		r = listen_tcp_one(ai, 0, l, err, errlen);
	freeaddrinfo(res);
	return r;
}

int
sock_listen(const struct addr *a, int mode, struct listener *l, int *usage,
    char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->kind = a->kind;
	*usage = 0;
	if (a->kind == ADDR_SYSTEMD)
		return systemd_listener(a->path, a->dgram, l, err, errlen);
	return a->kind == ADDR_TCP ? listen_tcp(a, l, usage, err, errlen) :
	    listen_unix(a, mode, l, err, errlen);
}

void
sock_listener_close(struct listener *l)
{
	struct stat	st;
	size_t		i;

	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	/* Only the file we made: another server may have replaced it. */
	if (l->path[0] != '\0' && lstat(l->path, &st) == 0 &&
	    S_ISSOCK(st.st_mode) && st.st_dev == l->dev &&
	    st.st_ino == l->ino)
		unlink(l->path);
	l->path[0] = '\0';
	for (i = 0; i < NELEM(owned); i++)
		if (owned[i] == l)
			owned[i] = NULL;
}

void
sock_unlink_owned(void)
{
	size_t	i;

	for (i = 0; i < NELEM(owned); i++)
		if (owned[i] != NULL)
			sock_listener_close(owned[i]);
}

int
sock_accept(int lfd, char *name, size_t namelen)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	int			fd;

	fd = accept4(lfd, (struct sockaddr *)&ss, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return -1;
	tune(fd, ss.ss_family, 0);
	addr_format_sa((struct sockaddr *)&ss, len, name, namelen);
	return fd;
}

/*
 * The addresses of a name, families taking turns from the first one
 * getaddrinfo prefers (RFC 8305, 4): a broken IPv6 route costs one
 * head start, not a try of every IPv6 address first.
 */
static void
interleave(struct addrinfo **head)
{
	struct addrinfo	*same = NULL, *other = NULL, **st = &same;
	struct addrinfo	**ot = &other, *ai, *next, **tail = head;
	int		 first;

	if (*head == NULL)
		return;
	first = (*head)->ai_family;
	for (ai = *head; ai != NULL; ai = next) {
		next = ai->ai_next;
		ai->ai_next = NULL;
		if (ai->ai_family == first) {
			*st = ai;
			st = &ai->ai_next;
		} else {
			*ot = ai;
			ot = &ai->ai_next;
		}
	}
	while (same != NULL || other != NULL) {
		if (same != NULL) {
			*tail = same;
			same = same->ai_next;
			tail = &(*tail)->ai_next;
		}
		if (other != NULL) {
			*tail = other;
			other = other->ai_next;
			tail = &(*tail)->ai_next;
		}
	}
	*tail = NULL;
}

int
sock_target(const struct addr *a, struct target *t, int *usage, char *err,
    size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->addr = *a;
	*usage = 0;
	if (a->kind != ADDR_TCP) {
		t->sslen = unix_sockaddr(a, &t->ss);
		return 0;
	}
	if (resolve(a, 0, &t->ai, usage, err, errlen) == -1)
		return -1;
	interleave(&t->ai);
	return 0;
}

int
sock_keepalive(int fd, const struct keepalive *k)
{
	socklen_t	len = sizeof(int);
	int		on = 1, family = AF_UNSPEC;

	/* Unix sockets have no keepalive: a dead peer is seen at once. */
	if (k == NULL || !k->on || getsockopt(fd, SOL_SOCKET, SO_DOMAIN,
	    &family, &len) == -1 || (family != AF_INET && family != AF_INET6))
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &k->idle,
	    sizeof(k->idle)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &k->interval,
	    sizeof(k->interval)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &k->count,
	    sizeof(k->count)) == -1)
		return -1;
	return 0;
}

void
sock_target_free(struct target *t)
{
	if (t->ai != NULL)
		freeaddrinfo(t->ai);
	t->ai = NULL;
	if (t->src != NULL)
		freeaddrinfo(t->src);
	t->src = NULL;
}

int
sock_source(struct target *t, const char *src, int *usage, char *err,
    size_t errlen)
{
	struct addr	a;
	char		why[256];

	*usage = 1;
	if (t->addr.kind != ADDR_TCP) {
		snprintf(err, errlen, "-s %s: a source applies to TCP", src);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.kind = ADDR_TCP;
	a.family = t->addr.family;
	if (src[strspn(src, "0123456789")] == '\0')
		strlcpy(a.port, src, sizeof(a.port));
	else if (strchr(src, ':') == NULL) {
		strlcpy(a.host, src, sizeof(a.host));
		strlcpy(a.port, "0", sizeof(a.port));
	} else if (addr_parse(src, ADDR_SERVER, t->addr.family, &a, why,
	    sizeof(why)) == -1 || a.kind != ADDR_TCP) {
		snprintf(err, errlen, "-s %s: %s", src, a.kind != ADDR_TCP ?
		    "not a TCP address" : why);
		return -1;
	}
	if (resolve(&a, 1, &t->src, usage, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "-s %s", why);
		return -1;
	}
	*usage = 0;
	return 0;
}

/* Bind fd to the -s address of its family, if there is one. */
static int
bind_source(const struct target *t, int fd, int family)
{
	const struct addrinfo	*ai;
	int			 one = 1;

	if (t->src == NULL)
		return 0;
	for (ai = t->src; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == family)
			break;
	if (ai == NULL) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	/* A fixed source port is free again at once after a close. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return bind(fd, ai->ai_addr, ai->ai_addrlen);
}

/* Candidate i of a target; -1 when there are no more. */
static int
candidate(const struct target *t, int i, const struct sockaddr **sa,
    socklen_t *len, int *family)
{
	const struct addrinfo	*ai = t->ai;

	if (t->addr.kind != ADDR_TCP) {
		*sa = (const struct sockaddr *)&t->ss;
		*len = t->sslen;
		*family = AF_UNIX;
		return i == 0 ? 0 : -1;
	}
	for (; ai != NULL && i > 0; i--)
		ai = ai->ai_next;
	if (ai == NULL)
		return -1;
	*sa = ai->ai_addr;
	*len = ai->ai_addrlen;
	*family = ai->ai_family;
	return 0;
}

void
sock_connect_error(const struct target *t, int i, int e, char *err,
    size_t errlen)
{
	const struct sockaddr	*sa;
	socklen_t		 len;
	char			 name[SOCK_NAME_MAX];
	int			 family;

	if (t->addr.kind == ADDR_TCP && candidate(t, i, &sa, &len, &family) == 0)
		addr_format_sa(sa, len, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%s%s",
		    t->addr.kind == ADDR_ABSTRACT ? "@" : "", t->addr.path);
	snprintf(err, errlen, "connect %s: %s", name, strerror(e));
}

/* "connect NAME: source: why", for a -s address that would not bind. */
static void
source_error(const struct target *t, int i, char *err, size_t errlen)
{
	char	 what[256], *c;
	int	 e = errno;

	sock_connect_error(t, i, e, what, sizeof(what));
	if ((c = strrchr(what, ':')) != NULL)
		*c = '\0';
	snprintf(err, errlen, "%s: source: %s", what, e == EAFNOSUPPORT ?
	    "no -s address of that family" : strerror(e));
}

int
sock_connect_next(struct target *t, int *i, int *pending, char *err,
    size_t errlen)
{
	const struct sockaddr	*sa;
	socklen_t		 len;
	int			 fd, r, family, e;

	t->busy = 0;
	for (; candidate(t, *i, &sa, &len, &family) == 0; (*i)++) {
		fd = socket(family, (t->addr.dgram ? SOCK_DGRAM : SOCK_STREAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd == -1)
			return fail(err, errlen, "socket");
		if (t->addr.dgram && sock_dgram_client(fd, family) == -1) {
			fail(err, errlen, "bind");
			close(fd);
			return -1;
		}
		if (!t->addr.dgram)
			tune(fd, family, 1);
		*pending = 0;
		if (bind_source(t, fd, family) == -1) {
			e = errno;
			close(fd);
			errno = e;
			source_error(t, *i, err, errlen);
			continue;
		}
		r = connect(fd, sa, len);
		if (r == -1 && errno == EINPROGRESS) {
			*pending = 1;
			return fd;
		}
		/*
		 * A unix listener with a full backlog says EAGAIN and gives
		 * nothing to poll for.  Never block on it (a relay would
		 * stall every pair): report it, and let the caller retry.
		 */
		t->busy = r == -1 && errno == EAGAIN && family == AF_UNIX;
		if (r == 0)
			return fd;
		sock_connect_error(t, *i, errno, err, errlen);
		close(fd);
	}
	return -1;
}

int
sock_dgram_client(int fd, int family)
{
	sa_family_t	af = AF_UNIX;

	tune_dgram(fd);
	/*
	 * A unix datagram socket that is not bound has no address to be
	 * answered at: autobind gives it a fresh abstract one.
	 */
	if (family == AF_UNIX)
		return bind(fd, (struct sockaddr *)&af, sizeof(af));
	return 0;
}

int
sock_connect_result(int fd)
{
	socklen_t	len = sizeof(int);
	int		e = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		return -1;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

int
sock_peer_cred(int fd, pid_t *pid, uid_t *uid)
{
	struct ucred	cred;
	socklen_t	len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return -1;
	*pid = cred.pid;
	*uid = cred.uid;
	return 0;
}

int
sock_is_socket(int fd)
{
	struct stat	st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void
sock_reset_on_close(int fd)
{
	struct linger	lg = { 1, 0 };

	/* SO_LINGER 0: close() sends RST.  Unix sockets just close. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

void
sock_close_reset(int fd)
{
	sock_reset_on_close(fd);
	close(fd);
}

int
sock_hung_up(int fd)
{
	struct pollfd	pfd = { fd, 0, 0 };

	return poll(&pfd, 1, 0) == 1 && pfd.revents & (POLLHUP | POLLERR);
}
