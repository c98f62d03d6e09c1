/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * select_echo: the reference "minimal single-process select() echo loop"
 * of sockit's benchmark.  It is what a competent hand-written echo costs
 * and nothing more: one process, non-blocking sockets, one select() per
 * pass, one 64 KiB read per readable client, written straight back.  A
 * short write keeps the rest and stops reading that client until it is
 * out (backpressure), so it stays correct with slow readers, but there
 * is no framing, no logging, no timers, no limits beyond FD_SETSIZE.
 *
 * usage: select_echo [-f FD] ADDR	ADDR: HOST:PORT, [V6]:PORT, unix:PATH
 * Port 0 picks a free port; the bound address and a newline go to FD
 * (as sockit --ready-fd does).  Runs until SIGTERM or SIGINT.
 */
#define _GNU_SOURCE
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUFSZ	(64 * 1024)

struct pending {
	char	*data;		/* NULL: nothing waits */
	size_t	 off, len;
};

static struct pending	pend[FD_SETSIZE];
static char		buf[BUFSZ];
static volatile sig_atomic_t	stop;
static char		unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void
fail(const char *what)
{
	fprintf(stderr, "select_echo: %s: %s\n", what, strerror(errno));
	if (unix_path[0] != '\0')
		unlink(unix_path);
	exit(1);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
listen_unix(const char *path)
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	int			fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		fail(path);
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		fail("socket");
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fail(path);
	strcpy(unix_path, path);
	return fd;
}

static int
listen_inet(const char *arg)
{
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM,
			     .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV },
			*res;
	char		 host[128];
	const char	*port = strrchr(arg, ':');
	size_t		 len;
	int		 fd, one = 1;

	if (port == NULL || (len = port - arg) >= sizeof(host)) {
		fprintf(stderr, "select_echo: bad address: %s\n", arg);
		exit(2);
	}
	/* "[::1]:0" -> "::1" */
	if (arg[0] == '[' && len >= 2) {
		memcpy(host, arg + 1, len - 2);
		host[len - 2] = '\0';
	} else {
		memcpy(host, arg, len);
		host[len] = '\0';
	}
	if (getaddrinfo(host, port + 1, &hints, &res) != 0) {
		fprintf(stderr, "select_echo: bad address: %s\n", arg);
		exit(2);
	}
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) == -1)
		fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1)
		fail(arg);
	freeaddrinfo(res);
	return fd;
}

/* Write the bound address to fd the way sockit --ready-fd does. */
static void
announce(int lfd, int rfd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	char			host[INET6_ADDRSTRLEN], port[16];

	if (rfd == -1)
		return;
	if (unix_path[0] != '\0')
		dprintf(rfd, "unix:%s\n", unix_path);
	else {
		if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1 ||
		    getnameinfo((struct sockaddr *)&ss, len, host,
		    sizeof(host), port, sizeof(port),
		    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			fail("getsockname");
		dprintf(rfd, ss.ss_family == AF_INET6 ? "[%s]:%s\n" :
		    "%s:%s\n", host, port);
	}
	close(rfd);
}

static void
drop(int fd, fd_set *all, int *maxfd)
{
	free(pend[fd].data);
	pend[fd].data = NULL;
	FD_CLR(fd, all);
	close(fd);
	while (*maxfd >= 0 && !FD_ISSET(*maxfd, all))
		(*maxfd)--;
}

static void
accept_all(int lfd, fd_set *all, int *maxfd)
{
	int	fd;

	/* Drain the backlog: one select() pass per client would be slow. */
	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		if (fd >= FD_SETSIZE) {
			close(fd);
			continue;
		}
		FD_SET(fd, all);
		if (fd > *maxfd)
			*maxfd = fd;
	}
}

/* Keep what the peer did not take; 0 on success, -1 to drop. */
static int
send_back(int fd, const char *p, size_t n)
{
	ssize_t	w = write(fd, p, n);

	if (w == -1) {
		if (errno != EAGAIN)
			return -1;
		w = 0;
	}
	if ((size_t)w == n)
		return 0;
	if ((pend[fd].data = malloc(n - w)) == NULL)
		return -1;
	memcpy(pend[fd].data, p + w, n - w);
	pend[fd].off = 0;
	pend[fd].len = n - w;
	return 0;
}

/* Flush a pending remainder; 0 on progress or EAGAIN, -1 to drop. */
static int
flush(int fd)
{
	struct pending	*p = &pend[fd];
	ssize_t		 w = write(fd, p->data + p->off, p->len);

	if (w == -1)
		return errno == EAGAIN ? 0 : -1;
	p->off += w;
	if ((p->len -= w) == 0) {
		free(p->data);
		p->data = NULL;
	}
	return 0;
}

static int
echo_once(int fd)
{
	ssize_t	n = read(fd, buf, sizeof(buf));

	if (n == -1)
		return errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	return send_back(fd, buf, n);
}

/* The signals wake pselect() only, so a stop is never missed. */
static void
serve(int lfd, const sigset_t *waitmask)
{
	fd_set	all, rd, wr;
	int	fd, maxfd = lfd, bad;

	FD_ZERO(&all);
	FD_SET(lfd, &all);
	while (!stop) {
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		for (fd = 0; fd <= maxfd; fd++)
			if (FD_ISSET(fd, &all))
				FD_SET(fd, pend[fd].data ? &wr : &rd);
		if (pselect(maxfd + 1, &rd, &wr, NULL, NULL, waitmask) == -1) {
			if (errno == EINTR)
				continue;
			fail("select");
		}
		if (FD_ISSET(lfd, &rd))
			accept_all(lfd, &all, &maxfd);
		for (fd = 0; fd <= maxfd; fd++) {
			if (fd == lfd)
				continue;
			bad = 0;
			if (FD_ISSET(fd, &wr))
				bad = flush(fd);
			else if (FD_ISSET(fd, &rd))
				bad = echo_once(fd);
			if (bad)
				drop(fd, &all, &maxfd);
		}
	}
}

int
main(int argc, char **argv)
{
	struct sigaction	sa = { .sa_handler = on_signal };
	sigset_t		block, waitmask;
	int			lfd, rfd = -1, ch;

	while ((ch = getopt(argc, argv, "f:")) != -1) {
		if (ch != 'f') {
			fprintf(stderr, "usage: select_echo [-f FD] ADDR\n");
			return 2;
		}
		rfd = atoi(optarg);
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: select_echo [-f FD] ADDR\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	if (strncmp(argv[optind], "unix:", 5) == 0)
		lfd = listen_unix(argv[optind] + 5);
	else
		lfd = listen_inet(argv[optind]);
	if (listen(lfd, SOMAXCONN) == -1)
		fail("listen");
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	announce(lfd, rfd);
	serve(lfd, &waitmask);
	if (unix_path[0] != '\0')
		unlink(unix_path);
	return 0;
}
