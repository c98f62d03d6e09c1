/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Connections and the bytes between them.  A chan moves bytes one way,
 * from a source conn to a destination conn, through a bounded buffer:
 * a full buffer pauses the source (backpressure); EOF on the source is
 * passed on as a shutdown of the destination's sending side once the
 * buffer is drained.
 */
#ifndef SOCKIT_CONN_H
#define SOCKIT_CONN_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "frame.h"
#include "loop.h"
#include "sock.h"

struct conn;
struct chan;
struct server;
struct client_ops;

/*
 * How a conn moves bytes: a plain descriptor, or TLS.  read and write
 * return as read(2) and write(2) do (-1 with errno EAGAIN when nothing
 * can move now); shutdown ends our sending side.  want turns what the
 * user of the conn wants (LOOP_READ, LOOP_WRITE) into what to wait for,
 * with the transport's own needs; advance is told the events and what
 * the user wants, does the transport's own work (a handshake), and
 * returns what to try now (a subset of the mask), 0 while its own work
 * goes on, -1 if that failed (errno set).  Both NULL for a plain
 * descriptor.
 * splice, if not NULL, moves up to n bytes from the first conn to the
 * second without a copy through user space, as splice(2) does; a
 * transport that must see the bytes (TLS) leaves it NULL.
 */
struct xport {
	const char	*name;
	ssize_t	(*read)(struct conn *, void *, size_t);
	ssize_t	(*write)(struct conn *, const void *, size_t);
	void	(*shutdown)(struct conn *);
	void	(*close)(struct conn *);
	int	(*want)(const struct conn *, int mask);
	int	(*advance)(struct conn *, int events, int mask);
	ssize_t	(*splice)(struct conn *, struct conn *, size_t);
	/*
	 * The transport's own state, for the conn's user (each may be
	 * NULL: none): when its set-up (a handshake) must be done by, 0
	 * when none is under way; why it failed, or NULL; whether the peer
	 * ended without the transport's own end (TLS close_notify), so
	 * that what came may be cut short.
	 */
	int64_t	(*deadline)(const struct conn *);
	const char *(*failure)(const struct conn *);
	int	(*truncated)(const struct conn *);
};
extern const struct xport	xport_plain;

struct conn {
	int			 fd;
	int			 is_sock;
	int			 watched;	/* a peer: --hexdump shows it */
	const struct xport	*xp;
	void			*xpd;			/* the transport's */
	char			 name[SOCK_NAME_MAX];	/* peer, for logs */
	uint64_t		 rx, tx;		/* bytes read, written */
	int64_t			 active;		/* last traffic, ms */
	struct chan		*rchan;		/* what is read here goes in */
	struct chan		*wchan;		/* what comes out is written */
	struct server		*srv;		/* the server it is a client of */
	struct timer		 idle;		/* -i, armed by the server */
	const struct client_ops	*ops;		/* the server's client: its
						   command's part */
	struct ipnode		*perip;		/* its --max-per-ip count */
	int64_t			 since;		/* attached, ms */
};

struct chan {
	struct conn		*src, *dst;
	struct buf		 buf;
	const struct delim	*frame;	/* write whole messages only */
	struct frame_scan	 scan;	/* of buf, with frame */
	int			 eof;	/* nothing more comes from src */
	int			 done;	/* EOF passed on, or dst failed */
	int			 err;	/* errno of a failure, 0 if none */
	int			 splice; /* bytes go src -> dst in the kernel */
	int			 stuck;	/* splice: dst full, wait to write */
	/* Socket to socket: through a pipe of the chan's own (kmove.c). */
	int			 viapipe;
	int			 pipe[2];
	size_t			 piped;	/* bytes in it, not yet at dst */
};

/* The one large buffer every read lands in first. */
extern char	conn_scratch[BUF_CAP];

/*
 * At the end, when no loop runs any more: write what b holds to c,
 * waiting for c at most until (monotonic ms).  0 once all went; -1 on
 * an error (errno set; ETIMEDOUT: time ran out first).
 */
int	conn_drain(struct conn *, struct buf *, int64_t until);
/* Write as much of b to c as it takes: bytes written, or -1 on error. */
ssize_t	buf_flush(struct buf *, struct conn *);

/* Set up a plain conn on socket fd, in place. */
void	conn_init(struct conn *, int fd, const char *name);
/* An allocated conn on any fd (stdin, stdout, a socket). */
struct conn	*conn_new(int fd, const char *name);
void	conn_free(struct conn *);
/* The transport's state, as struct xport says; 0 or NULL for none. */
int64_t	conn_deadline(const struct conn *);
const char *conn_failure(const struct conn *);
int	conn_truncated(const struct conn *);
/* Read/write interest of c from the state of its chans. */
int	conn_interest(const struct conn *);
/* What to wait for, for a user of c that wants mask. */
int	conn_want(const struct conn *, int mask);
/*
 * c is ready (events) and its user wants mask: do the transport's own
 * work, and return what to try now: events for a plain conn, what the
 * events can have moved on for TLS; 0 while a handshake goes on; -1 if
 * it failed (errno set).
 */
int	conn_ready(struct conn *, int events, int mask);
/* c is ready (LOOP_READ, LOOP_WRITE): write out, then read in. */
void	conn_io(struct conn *, int events);
/* Through the transport, counting bytes and traffic time. */
ssize_t	conn_write(struct conn *, const void *, size_t);
void	conn_shutdown(struct conn *);
void	conn_close(struct conn *);
/*
 * Read from c: into conn_scratch when b is empty, else onto b's tail.
 * *p is where the bytes landed.  Returns as read(2), EAGAIN included.
 */
ssize_t	conn_read(struct conn *, struct buf *b, char **p);

void	chan_init(struct chan *, struct conn *src, struct conn *dst,
	    const struct delim *frame);
/* src is readable: read, pass on.  Returns bytes read, 0 at EOF, -1. */
ssize_t	chan_read(struct chan *);
/* dst is writable: write what waits. */
void	chan_write(struct chan *);
/*
 * At the end, with no loop running: write what ch holds, whole
 * messages as chan_write does, waiting for its destination at most
 * until (monotonic ms).
 */
void	chan_drain(struct chan *, int64_t until);
/* Stop the chan at once: no more reading, nothing more written. */
void	chan_abort(struct chan *, int err);
/* Send EOF on as soon as the buffer is empty. */
void	chan_eof(struct chan *);
/*
 * Move the bytes with splice(2) if both ends allow it: an unframed
 * chan between a pipe and a socket (or two pipes).  Returns 1 if so.
 */
int	chan_splice(struct chan *);
/*
 * The same between two sockets, through a pipe of the chan's own
 * (taken only if its descriptors stay below fdmax / 2, so that the
 * clients keep most of what the server may hold).  Returns 1 if so.
 */
int	chan_splice_pipe(struct chan *, int fdmax);
/* Free what the chan holds: its buffer, and its pipe. */
void	chan_release(struct chan *);
/*
 * Whether src and dst can splice: both transports can, and one is a
 * pipe, the other a pipe or a socket; or a regular file to a socket,
 * or a socket to a regular file not opened to append.
 */
int	conn_can_splice(const struct conn *src, const struct conn *dst);
/* splice(2) from src to dst, counted as conn_read and conn_write do. */
ssize_t	conn_splice(struct conn *src, struct conn *dst, size_t);
/* As much as a grown stdio pipe holds: one call per pipeful. */
#define SPLICE_MAX	(1024 * 1024)

/* The connection table, indexed by fd. */
struct conntab {
	struct conn	**byfd;
	int		  size;
	int		  count;
};

int	conntab_put(struct conntab *, struct conn *);
void	conntab_del(struct conntab *, struct conn *);
void	conntab_free(struct conntab *);

#endif
