/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * udp_echo: the reference "minimal recvfrom/sendto loop" of sockit's
 * udp-echo benchmark, the limit a datagram echo server can reach on
 * this machine: one process, one blocking UDP socket, each datagram
 * sent straight back to its sender.  Nothing else: no batching, no
 * logging, no event loop.
 *
 * usage: udp_echo [-f FD] HOST:PORT	(port 0: any free port)
 * The bound address and a newline go to FD, as sockit --ready-fd does.
 * Runs until killed.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct addrinfo		hints, *res;
	struct sockaddr_storage	ss;
	socklen_t		len;
	char			host[256], buf[65536], *port;
	ssize_t			n;
	int			fd, ch, rfd = -1;
	FILE			*f;

	while ((ch = getopt(argc, argv, "f:")) != -1)
		if (ch == 'f')
			rfd = atoi(optarg);
	if (optind != argc - 1 || strlen(argv[optind]) >= sizeof(host)) {
		fprintf(stderr, "usage: udp_echo [-f FD] HOST:PORT\n");
		return 2;
	}
	strcpy(host, argv[optind]);
	if ((port = strrchr(host, ':')) == NULL)
		return 2;
	*port++ = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0 ||
	    (fd = socket(res->ai_family, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		perror("udp_echo");
		return 1;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (rfd != -1 && (f = fdopen(rfd, "w")) != NULL) {
		fprintf(f, "%s:%u\n", host,
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
		fclose(f);
	}
	for (;;) {
		len = sizeof(ss);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss,
		    &len);
		if (n >= 0)
			sendto(fd, buf, n, 0, (struct sockaddr *)&ss, len);
	}
}
