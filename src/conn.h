/*
 * Connections and the bytes between them.  A chan moves bytes one way,
 * from a source conn to a destination conn, through a bounded buffer:
 * a full buffer pauses the source (backpressure); EOF on the source is
 * passed on as shutdown(SHUT_WR) once the buffer is drained.
 */
#ifndef SOCKIT_CONN_H
#define SOCKIT_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "loop.h"
#include "sock.h"

/* A direction holds at most this much that its destination did not take. */
#define BUF_CAP		(256 * 1024)

struct buf {
	char	*data;		/* allocated only while data waits */
	size_t	 off, len;
	size_t	 cap;		/* 0: BUF_CAP */
};
#define BUF_SIZE(b)	((b)->cap ? (b)->cap : BUF_CAP)

struct chan;

struct conn {
	int		 fd;
	int		 is_sock;
	char		 name[SOCK_NAME_MAX];	/* peer, for logs and labels */
	uint64_t	 rx, tx;		/* bytes read, written */
	int64_t		 active;		/* last traffic, monotonic ms */
	struct chan	*rchan;			/* what is read here goes in */
	struct chan	*wchan;			/* what comes out is written here */
	void		*udata;
};

struct chan {
	struct conn		*src, *dst;
	struct buf		 buf;
	const struct delim	*frame;	/* write whole messages only */
	int			 eof;	/* nothing more comes from src */
	int			 done;	/* EOF passed on, or dst failed */
	int			 err;	/* errno of a failure, 0 if none */
};

/* The one large buffer every read lands in first. */
extern char	conn_scratch[BUF_CAP];

size_t	buf_room(const struct buf *);
int	buf_append(struct buf *, const void *, size_t);
void	buf_consume(struct buf *, size_t);
void	buf_free(struct buf *);
/* Make room at the tail for a read(): allocate, or slide data down. */
int	buf_reserve(struct buf *);
/* Write as much of b as fd takes: bytes written, or -1 on error. */
ssize_t	buf_flush(struct buf *, int fd);

struct conn	*conn_new(int fd, const char *name);
void	conn_free(struct conn *);
/* Read/write interest of c from the state of its chans. */
int	conn_interest(const struct conn *);

void	chan_init(struct chan *, struct conn *src, struct conn *dst,
	    const struct delim *frame);
/* src is readable: read, pass on.  Returns bytes read, 0 at EOF, -1. */
ssize_t	chan_read(struct chan *);
/* dst is writable: write what waits. */
void	chan_write(struct chan *);
/* Stop the chan at once: no more reading, nothing more written. */
void	chan_abort(struct chan *, int err);
/* Send EOF on as soon as the buffer is empty. */
void	chan_eof(struct chan *);

/* The connection table, indexed by fd. */
struct conntab {
	struct conn	**byfd;
	int		  size;
	int		  count;
};

int	conntab_put(struct conntab *, struct conn *);
void	conntab_del(struct conntab *, struct conn *);
void	conntab_free(struct conntab *);
/*
 * Call fn on every conn idle for idle_ms or more; return the earliest
 * time another may become idle (0 if none).
 */
int64_t	conntab_sweep(struct conntab *, int64_t now, int64_t idle_ms,
	    void (*fn)(struct conn *, void *), void *arg);

#endif
