/*
 * What the four servers share: the listening socket, the loop, the
 * connection table, accepting (with --max-conns, --allow-uid and a
 * reserve descriptor for EMFILE), --ready-fd, signals and idle sweeps.
 * Returns errors; never exits.
 */
#ifndef SOCKIT_SERVER_H
#define SOCKIT_SERVER_H

#include "conn.h"
#include "loop.h"
#include "opts.h"
#include "sock.h"

/* Timer slots of the loop. */
#define TIMER_IDLE	0
#define TIMER_GRACE	1
#define TIMER_CMD	2
#define TIMER_BACKOFF	3	/* accepting paused: out of files */

/* How long a stopping server may take to flush what it holds. */
#define GRACE_MS	2000

struct server;
/*
 * A client was accepted and counted in clients: take fd (and close it
 * when done, counting it out), or return -1 to have it closed.
 */
typedef int	server_accept_fn(struct server *, int fd, const char *name);

struct server {
	const struct common	*co;
	struct listener		 lis;
	struct loop		*loop;
	struct conntab		 tab;		/* clients (swept for -i) */
	int			 reserve;	/* spare fd for EMFILE */
	long long		 max;		/* clients at most */
	int			 per_client;	/* fds one client takes */
	int			 clients;	/* served now */
	int			 stopping;
	server_accept_fn	*on_accept;
	void			(*on_stop)(struct server *);
	void			(*on_idle)(struct conn *, void *);
	void			*arg;
};

/* Listen on a and set up the loop; *usage tells a user error. */
int	server_open(struct server *, const struct addr *, int *usage,
	    char *err, size_t errlen);
/* Start accepting; tell --ready-fd and -v where we listen. */
int	server_ready(struct server *, char *err, size_t errlen);
/* Stop accepting and remove the socket file; the loop goes on. */
void	server_stop_accepting(struct server *);
/* Stop as a signal asks: stop accepting, on_stop, grace timer. */
void	server_stop(struct server *);
void	server_close(struct server *);
/* Re-arm the idle sweep (after -i was set and clients may exist). */
void	server_idle_arm(struct server *);

#endif
