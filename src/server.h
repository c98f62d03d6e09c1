/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * What every server shares: the listening socket, the loop, signals,
 * --ready-fd, and the life of a client.  Accepting checks --max-conns
 * --allow-uid, --allow, --deny and --max-per-ip (with a reserve
 * descriptor for EMFILE); a command's
 * on_accept makes its client and calls server_attach, which puts it in
 * the table and the loop, counts it and arms its idle timer;
 * server_detach undoes all of that, closes it, and ends a stopping
 * server once the last client is gone.  Commands say only what a
 * client does.  Returns errors; never exits.
 */
#ifndef SOCKIT_SERVER_H
#define SOCKIT_SERVER_H

#include <sys/queue.h>
#include <sys/socket.h>

#include "conn.h"
#include "loop.h"
#include "opts.h"
#include "sock.h"

/* How long a stopping server may take to flush what it holds. */
#define GRACE_MS	2000

struct server {
	const struct common	*co;
	struct listener		 lis;
	struct loop		*loop;
	struct conntab		 tab;		/* clients, by fd */
	int			 reserve;	/* spare fd for EMFILE */
	long long		 max;		/* clients at most */
	int			 clients;	/* attached now */
	int			 stopping;
	struct tls_ctx		*tls;		/* clients speak TLS; or NULL */
	struct ws_cfg		*ws;		/* then WebSocket; or NULL */
	struct timer		 grace;		/* stopping: the last call */
	struct timer		 backoff;	/* accepting paused */
	struct ipcount		 perip;		/* clients per address */
	struct ipnode		*admitted;	/* the new client's count,
						   for server_attach */
	LIST_HEAD(, pending)	 pending;	/* --accept-proxy: awaited */
	int			 npending;
	struct sockaddr_storage	**carried;	/* by fd: the client's
						   address in its header */
	int			 ncarried;
	/* --workers: this process's number (-1: the parent, or none) */
	int			 worker;
	int			 nworkers;	/* 0: no workers */
	volatile long		*counts;	/* clients of each worker,
						   in a shared page */
	/* A new client on fd: make it and attach it, or return -1. */
	int			(*on_accept)(struct server *, int fd,
				    const char *name);
	/* A signal: stop reading, flush what is held (NULL: just stop). */
	void			(*on_stop)(struct server *);
	/* No traffic for -i: close it (the server has logged why). */
	void			(*on_idle)(struct server *, struct conn *);
	/* --max-conns is reached: free a slot if one may go (0), or -1. */
	int			(*on_full)(struct server *);
	/*
	 * SIGUSR1, after s->tls is read again: more to reload (NULL:
	 * none); -1 if that failed, and it said so.
	 */
	int			(*on_reload)(struct server *);
	/* Stopping, and the last client is gone (NULL: stop the loop). */
	void			(*on_drained)(struct server *);
	/*
	 * A datagram server: its socket's readiness comes here (arg: the
	 * server) instead of to accept().
	 */
	loop_io_fn		*on_packet;
};

/* Listen on a and set up the loop; *usage tells a user error. */
int	server_open(struct server *, const struct addr *, int *usage,
	    char *err, size_t errlen);
/* A worker's own loop, in place of the one it was forked with. */
int	server_new_loop(struct server *, char *err, size_t errlen);
/* Start accepting; tell --ready-fd and -v where we listen. */
int	server_ready(struct server *, char *err, size_t errlen);
/* Stop accepting and remove the socket file; the loop goes on. */
void	server_stop_accepting(struct server *);
/* Stop as a signal asks: stop accepting, on_stop, grace timer. */
void	server_stop(struct server *);
/* A stopping server has no client left: on_drained, or stop. */
void	server_drained(struct server *);
void	server_close(struct server *);

/*
 * What a command's client does; the server drives it.  On each event
 * io moves the client's bytes (NULL: conn_io) and returns 0, or -1 when
 * it let the client go or settled it itself (a client of two conns:
 * relay, exec over TLS).  Then server_settle: if done says the client
 * is finished (NULL: never), close lets it go (it calls
 * server_detach); else the loop waits for interest (NULL:
 * conn_interest).
 */
struct client_ops {
	int	(*io)(struct conn *, int events);
	int	(*done)(const struct conn *);
	int	(*interest)(const struct conn *);
	void	(*close)(struct server *, struct conn *);
};

/*
 * Take client c: TLS, table, loop, count, idle timer (which also ends a
 * TLS handshake that takes too long).  The caller settles it then.
 */
int	server_attach(struct server *, struct conn *,
	    const struct client_ops *);
/* c's state moved on outside its own events: close it, or re-arm it. */
void	server_settle(struct conn *);
/* Let c go: loop, table, idle timer, close, count. */
void	server_detach(struct server *, struct conn *);
/*
 * The address of the client on fd: the one its PROXY header carried
 * (--accept-proxy), else its peer's.  As getpeername(2).
 */
int	server_peer(const struct server *, int fd, struct sockaddr_storage *,
	    socklen_t *);
/* Call fn on every client; fn may detach it. */
void	server_each(struct server *, void (*fn)(struct server *,
	    struct conn *));

#endif
