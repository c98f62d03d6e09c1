/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* Address text -> struct addr.  Parsing only; resolution is in sock.c. */
#ifndef SOCKIT_ADDR_H
#define SOCKIT_ADDR_H

#include <sys/socket.h>
#include <sys/un.h>
#include <stddef.h>

#include "serial.h"

enum addr_kind {
	ADDR_TCP,
	ADDR_UNIX,		/* a path in the file system */
	ADDR_ABSTRACT,		/* Linux abstract name, no file */
	ADDR_SYSTEMD,		/* servers: a socket systemd passed; path
				   holds its name, "" for the only one */
	ADDR_SERIAL,		/* serial:DEVICE,...: path and serial */
	ADDR_PTY		/* pty:PATH, a link to a pty made here */
};

#define ADDR_HOST_MAX	256
#define ADDR_PORT_MAX	64
/* sun_path less the terminating NUL (or, abstract, the leading NUL). */
#define ADDR_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

struct addr {
	enum addr_kind	kind;
	int		family;		/* TCP: AF_UNSPEC, AF_INET, AF_INET6 */
	char		host[ADDR_HOST_MAX];	/* "" = wildcard/localhost */
	char		port[ADDR_PORT_MAX];
	char		path[ADDR_PATH_MAX + 1];	/* unix path, abstract name */
	int		tls;		/* tls: before it */
	int		dgram;		/* datagrams: UDP, unix SOCK_DGRAM */
	struct serial_cfg serial;	/* serial: its settings */
	int		ws;		/* ws://, wss:// (tls too), ws+unix: */
	char		wspath[1024];	/* its URL path; "" = "/" */
};

/* How an argument is read. */
#define ADDR_FORCE_UNIX	0x01	/* -U: the argument is a unix path */
#define ADDR_SERVER	0x02	/* port 0 allowed, empty host = wildcard */
#define ADDR_DGRAM	0x04	/* -u: datagrams, whatever the form */

/*
 * Parse one argument.  family is AF_UNSPEC, or AF_INET/AF_INET6 from -4/-6.
 * Returns 0, or -1 with a one-line reason in err.
 */
int	addr_parse(const char *s, int flags, int family, struct addr *a,
	    char *err, size_t errlen);
/* nc's two-argument form: HOST PORT. */
int	addr_parse_pair(const char *host, const char *port, int flags,
	    int family, struct addr *a, char *err, size_t errlen);
/* A sockaddr as text that addr_parse accepts again ("[::1]:80"). */
void	addr_format_sa(const struct sockaddr *sa, socklen_t salen,
	    char *buf, size_t len);

#endif
