/*
 * blast: the two ends of a bulk transfer through a relay, cheap enough
 * that the relay, not the endpoints, is what is measured.
 *
 *   blast send -n BYTES ADDR	connect, write BYTES, shut down the write
 *				side, wait for the peer's EOF
 *   blast sink [-r FD] LISTEN	accept one, read until EOF, print
 *				"bytes= secs= gbit=" to stdout
 *
 * ADDR and LISTEN are HOST:PORT or unix:PATH; port 0 works, and the
 * address the sink listens on goes to FD (default 1) with a newline.
 * The sink times from its first byte to EOF, so connection setup and
 * the start of the processes are not in the rate.  The payload is not
 * checked here: verify.py checks the relays' data.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(1024 * 1024)

static char	buf[CHUNK];

static socklen_t
parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)ss;
	struct addrinfo		 hints, *ai;
	char			 host[256];
	const char		*colon;
	socklen_t		 len;
	int			 e;

	memset(ss, 0, sizeof(*ss));
	if (strncmp(s, "unix:", 5) == 0) {
		if (strlen(s + 5) >= sizeof(sun->sun_path))
			errx(2, "%s: path too long", s);
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, s + 5);
		return sizeof(*sun);
	}
	if ((colon = strrchr(s, ':')) == NULL ||
	    (size_t)(colon - s) >= sizeof(host))
		errx(2, "%s: want HOST:PORT or unix:PATH", s);
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, colon + 1, &hints, &ai)) != 0)
		errx(2, "%s: %s", s, gai_strerror(e));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return len;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
do_send(unsigned long long total, const char *addr)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	ssize_t			n;
	size_t			i;
	int			fd;

	/* Not all zeros, in case anything on the way is clever. */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 2654435761u >> 13);
	len = parse_addr(addr, &ss);
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&ss, len) == -1)
		err(1, "connect %s", addr);
	while (total > 0) {
		n = write(fd, buf, total < CHUNK ? total : CHUNK);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "write");
		}
		total -= n;
	}
	shutdown(fd, SHUT_WR);
	/* The relay is done only when the sink's EOF has come back. */
	while ((n = read(fd, buf, sizeof(buf))) != 0)
		if (n == -1 && errno != EINTR)
			err(1, "read");
	close(fd);
	return 0;
}

static int
do_sink(const char *addr, int readyfd)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	unsigned long long	 total = 0;
	socklen_t		 len;
	ssize_t			 n;
	double			 t0 = 0, t1;
	char			 line[256];
	int			 lfd, fd, on = 1;

	len = parse_addr(addr, &ss);
	if ((lfd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (ss.ss_family == AF_UNIX)
		unlink(((struct sockaddr_un *)&ss)->sun_path);
	else
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(lfd, (struct sockaddr *)&ss, len) == -1)
		err(1, "bind %s", addr);
	if (listen(lfd, 1) == -1)
		err(1, "listen");
	len = sizeof(ss);
	if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname");
	if (ss.ss_family == AF_INET)
		snprintf(line, sizeof(line), "127.0.0.1:%u\n",
		    ntohs(sin->sin_port));
	else
		snprintf(line, sizeof(line), "%s\n", addr);
	if (write(readyfd, line, strlen(line)) == -1)
		err(1, "ready fd");
	if (readyfd != 1)
		close(readyfd);
	if ((fd = accept(lfd, NULL, NULL)) == -1)
		err(1, "accept");
	close(lfd);
	if (ss.ss_family == AF_UNIX)
		unlink(addr + 5);
	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "read");
		}
		if (n == 0)
			break;
		if (total == 0)
			t0 = now();
		total += n;
	}
	t1 = now();
	close(fd);
	printf("bytes=%llu secs=%.4f gbit=%.3f\n", total, t1 - t0,
	    t1 > t0 ? total * 8 / (t1 - t0) / 1e9 : 0.0);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long long	total = 0;
	int			c, readyfd = 1;

	if (argc < 2)
		goto usage;
	optind = 2;
	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		switch (c) {
		case 'n':
			total = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			readyfd = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	if (strcmp(argv[1], "send") == 0)
		return do_send(total, argv[optind]);
	if (strcmp(argv[1], "sink") == 0)
		return do_sink(argv[optind], readyfd);
usage:
	fprintf(stderr, "usage: blast send -n BYTES ADDR | "
	    "blast sink [-r FD] LISTEN\n");
	return 2;
}
