/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Sockets: listen, connect, accept, and the life of a unix socket file.
 * Functions return -1 and fill err; they never exit.
 */
#ifndef SOCKIT_SOCK_H
#define SOCKIT_SOCK_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <stdint.h>

#include "addr.h"

#define SOCK_NAME_MAX	(ADDR_PATH_MAX + 16)

struct listener {
	int		fd;
	enum addr_kind	kind;
	char		bound[SOCK_NAME_MAX];	/* text addr_parse accepts */
	char		path[ADDR_PATH_MAX + 1];	/* unix file we made */
	dev_t		dev;
	ino_t		ino;
};

/*
 * TCP keepalive (--keepalive): a probe after idle seconds of silence,
 * then every interval seconds; count unanswered ones and the peer is
 * dead (the connection fails with ETIMEDOUT).
 */
struct keepalive {
	int	on;
	int	idle, interval, count;
};

/* Resolved candidates for connecting to one address. */
struct target {
	struct addr		 addr;
	struct addrinfo		*ai;	/* TCP candidates */
	struct sockaddr_storage	 ss;	/* unix */
	socklen_t		 sslen;
	int			 busy;	/* last try: a unix backlog was full */
	struct addrinfo		*src;	/* -s: bind the local end first */
};

/*
 * Open a listening, non-blocking socket.  mode < 0 leaves a unix socket
 * file's permissions to the umask.  Errors that the user caused by the
 * address given (bad host) set *usage.
 */
int	sock_listen(const struct addr *a, int mode, struct listener *l,
	    int *usage, char *err, size_t errlen);
/* Close; remove the socket file if it is still the one we made. */
void	sock_listener_close(struct listener *l);
/* For atexit(): remove every socket file still ours. */
void	sock_unlink_owned(void);

/* accept4() non-blocking and close-on-exec; name gets the peer as text. */
int	sock_accept(int lfd, char *name, size_t namelen);

int	sock_target(const struct addr *a, struct target *t, int *usage,
	    char *err, size_t errlen);
void	sock_target_free(struct target *t);
/*
 * -s: bind the local end of t's connects to src, "HOST", "PORT" or
 * "HOST:PORT" (TCP only); after sock_target.
 */
int	sock_source(struct target *t, const char *src, int *usage, char *err,
	    size_t errlen);
/*
 * Begin a non-blocking connect to candidate *i of t.  Returns the fd with
 * *pending set when the connect is still under way, or -1 with err filled
 * once every candidate from *i on has failed.
 */
int	sock_connect_next(struct target *t, int *i, int *pending, char *err,
	    size_t errlen);
/*
 * Make a new datagram socket a client: larger buffers, and for unix an
 * autobound abstract address, so that replies can reach it.
 */
int	sock_dgram_client(int fd, int family);
/* After writability of a pending connect: 0, or -1 with errno set. */
int	sock_connect_result(int fd);
/* "connect NAME: why" for candidate i of t and errno e. */
void	sock_connect_error(const struct target *t, int i, int e, char *err,
	    size_t errlen);

/* The port of an IPv4 or IPv6 sockaddr, in host order; 0 for others. */
unsigned	sock_port(const struct sockaddr *);
/* Peer credentials of a unix socket; -1 when there are none. */
int	sock_peer_cred(int fd, pid_t *pid, uid_t *uid);
int	sock_is_socket(int fd);
/* Turn k on for TCP socket fd; nothing when k is off or NULL. */
int	sock_keepalive(int fd, const struct keepalive *k);
/* Make close() reset a TCP peer (RST), not end it in order. */
void	sock_reset_on_close(int fd);
void	sock_close_reset(int fd);
/*
 * Has the peer closed both ways (POLLHUP)?  A unix peer that closed
 * shows so at once; a TCP peer only once we have shut down too.
 */
int	sock_hung_up(int fd);

#endif
