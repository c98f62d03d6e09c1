/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "systemd.h"
#include "util.h"

#define FIRST_FD	3	/* SD_LISTEN_FDS_START */

/* How many descriptors this process may have open. */
static long long
fd_limit(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX)
		return INT_MAX;
	return (long long)rl.rlim_cur;
}

/*
 * The descriptors passed to this process: the count, 0 when none.
 * The variables go at once, so that a program we run (exec) does not
 * take our sockets for its own; so does every descriptor we do not use.
 */
static int
passed(char *names, size_t nameslen, char *err, size_t errlen)
{
	const char	*pid = getenv("LISTEN_PID");
	const char	*fds = getenv("LISTEN_FDS");
	const char	*fdn = getenv("LISTEN_FDNAMES");
	const char	*why;
	long long	 v, n;

	if (pid == NULL || fds == NULL) {
		snprintf(err, errlen, "systemd: no socket passed (LISTEN_PID "
		    "and LISTEN_FDS are not set)");
		return -1;
	}
	if (parse_number(pid, 1, INT_MAX, &v, &why) == -1 || v != getpid()) {
		snprintf(err, errlen, "systemd: the sockets passed are for "
		    "process %s, not this one (%d)", pid, (int)getpid());
		return -1;
	}
	if (parse_number(fds, 1, INT_MAX - FIRST_FD, &n, &why) == -1) {
		snprintf(err, errlen, "systemd: LISTEN_FDS=%s: %s", fds, why);
		return -1;
	}
	/*
	 * No manager passes more than we may have open: a wild count would
	 * cost one fcntl per descriptor it claims, for minutes.
	 */
	if (n > fd_limit() - FIRST_FD) {
		snprintf(err, errlen, "systemd: LISTEN_FDS=%s: descriptors %d "
		    "to %lld cannot be open under RLIMIT_NOFILE=%lld", fds,
		    FIRST_FD, FIRST_FD + n - 1, fd_limit());
		return -1;
	}
	strlcpy(names, fdn != NULL ? fdn : "", nameslen);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	for (v = 0; v < n; v++)
		(void)fcntl(FIRST_FD + v, F_SETFD, FD_CLOEXEC);
	return (int)n;
}

int
systemd_fdname(const char *names, int n, const char *name)
{
	const char	*p = names, *end;
	size_t		 len = strlen(name);
	int		 i;

	for (i = 0; i < n; i++) {
		end = p + strcspn(p, ":");
		if ((size_t)(end - p) == len && strncmp(p, name, len) == 0)
			return i;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return -1;
}

/* Which of n descriptors is NAME ("": the only one). */
static int
pick(const char *name, int n, const char *names, char *err, size_t errlen)
{
	int	i;

	if (*name == '\0') {
		if (n == 1)
			return FIRST_FD;
		snprintf(err, errlen, "systemd: %d sockets passed: pick one "
		    "with systemd:NAME (LISTEN_FDNAMES=%s)", n, names);
		return -1;
	}
	if ((i = systemd_fdname(names, n, name)) != -1)
		return FIRST_FD + i;
	snprintf(err, errlen, "systemd:%s: no socket of that name was passed "
	    "(LISTEN_FDNAMES=%s)", name, names);
	return -1;
}

/*
 * Is fd a stream socket that listens, or with dgram a datagram socket?
 * Its family in *family.
 */
static int
check(int fd, int dgram, int *family, char *err, size_t errlen)
{
	socklen_t	len = sizeof(int);
	int		type, acc;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1) {
		snprintf(err, errlen, "systemd: descriptor %d: %s", fd,
		    errno == ENOTSOCK ? "not a socket" : strerror(errno));
		return -1;
	}
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, family, &len) == -1)
		*family = AF_UNSPEC;
	if (type != (dgram ? SOCK_DGRAM : SOCK_STREAM)) {
		snprintf(err, errlen, "systemd: descriptor %d: a %s socket: %s",
		    fd, type == SOCK_DGRAM ? "datagram" : "stream",
		    type == SOCK_DGRAM ? "serve it with -u" :
		    "serve it without -u");
		return -1;
	}
	len = sizeof(int);
	if (!dgram &&
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 &&
	    !acc) {
		snprintf(err, errlen, "systemd: descriptor %d: not listening "
		    "(a unit with Accept=yes passes a connection; use "
		    "Accept=no)", fd);
		return -1;
	}
	if (*family != AF_INET && *family != AF_INET6 && *family != AF_UNIX) {
		snprintf(err, errlen, "systemd: descriptor %d: not a TCP or "
		    "unix socket", fd);
		return -1;
	}
	return 0;
}

int
systemd_listener(const char *name, int dgram, struct listener *l,
    char *err, size_t errlen)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	char			names[1024];
	int			n, fd, family, fl;

	if ((n = passed(names, sizeof(names), err, errlen)) == -1 ||
	    (fd = pick(name, n, names, err, errlen)) == -1 ||
	    check(fd, dgram, &family, err, errlen) == -1)
		return -1;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		snprintf(err, errlen, "systemd: descriptor %d: %s", fd,
		    strerror(errno));
		return -1;
	}
	l->fd = fd;
	/* No path: a socket file the manager made is never ours to remove. */
	l->path[0] = '\0';
	if (family != AF_UNIX)
		l->kind = ADDR_TCP;
	else
		l->kind = len > sizeof(sa_family_t) &&
		    ((struct sockaddr_un *)&ss)->sun_path[0] == '\0' ?
		    ADDR_ABSTRACT : ADDR_UNIX;
	addr_format_sa((struct sockaddr *)&ss, len, l->bound,
	    sizeof(l->bound));
	return 0;
}
