/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Datagram sockets, apart from the streams of conn.c: batches of whole
 * datagrams in and out (recvmmsg, sendmmsg), and a table of the peers a
 * datagram socket has heard from, keyed by address, each with the time
 * it was last heard and an idle timer.  Returns errors; never exits.
 */
#ifndef SOCKIT_DGRAM_H
#define SOCKIT_DGRAM_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "sock.h"

/* The largest datagram taken whole; one byte more tells a cut one. */
#define DGRAM_MAX	65536
#define DGRAM_BATCH	32

/* Room for a sender's credentials (SCM_CREDENTIALS), aligned. */
union dgram_ctl {
	struct cmsghdr	h;
	char		b[CMSG_SPACE(sizeof(struct ucred))];
};

struct dgram_batch {
	struct mmsghdr		 mh[DGRAM_BATCH];
	struct iovec		 iov[DGRAM_BATCH];
	struct sockaddr_storage	 from[DGRAM_BATCH];
	union dgram_ctl		 ctl[DGRAM_BATCH];
	int			 creds;		/* receive into ctl */
	char			*data;		/* a slot of DGRAM_MAX + 1 each */
	int			 size;		/* slots */
	int			 n;		/* received by the last call */
};

int	dgram_batch_init(struct dgram_batch *, int size);
void	dgram_batch_free(struct dgram_batch *);
/*
 * Receive up to size datagrams (b->n), dropping any that did not fit
 * (logged with -v, after what unless NULL).  Returns b->n, 0
 * when none is waiting, -1 with errno on an error (ECONNREFUSED: an
 * ICMP port unreachable of an earlier send).
 */
int	dgram_recv(int fd, struct dgram_batch *b, const char *what);
#define DGRAM_DATA(b, i)	((b)->iov[i].iov_base)
#define DGRAM_LEN(b, i)		((size_t)(b)->mh[i].msg_len)
#define DGRAM_FROM(b, i)	((struct sockaddr *)&(b)->from[i])
#define DGRAM_FROMLEN(b, i)	((b)->mh[i].msg_hdr.msg_namelen)
/*
 * Ask fd for each unix sender's credentials (SO_PASSCRED): an unbound
 * sender has no address to tell it by.  Returns -1 with errno.
 */
int	dgram_want_creds(int fd, struct dgram_batch *b);
/* The pid that sent datagram i, or -1 when unknown. */
long	dgram_pid(struct dgram_batch *b, int i);
/*
 * Send datagrams i..n-1 of b back to where they came from (the echo).
 * Returns how many went, or -1 with errno when the first did not.
 */
int	dgram_send_back(int fd, struct dgram_batch *b, int i);

/* A peer: embedded in its owner's struct, found by address. */
struct dpeer {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 name[SOCK_NAME_MAX];
	int64_t			 heard;		/* last datagram, monotonic ms */
	struct timer		 idle;
	struct dpeer		*next;		/* in its bucket */
	TAILQ_ENTRY(dpeer)	 lru;		/* least recently heard first */
	struct dtab		*tab;
};

struct dtab {
	struct dpeer	**bucket;
	size_t		  nbucket;
	size_t		  count;
	TAILQ_HEAD(, dpeer) lru;
	struct loop	 *loop;
	int64_t		  idle_ms;	/* 0: peers never expire */
	/* Not heard for idle_ms: take it out (dtab_del) and free it. */
	void		(*on_expire)(struct dtab *, struct dpeer *);
};

int	dtab_init(struct dtab *, struct loop *, int64_t idle_ms,
	    void (*on_expire)(struct dtab *, struct dpeer *));
void	dtab_free(struct dtab *);
struct dpeer	*dtab_find(struct dtab *, const struct sockaddr *, socklen_t);
/* Put p (its owner allocated it) in the table as the peer at sa. */
int	dtab_add(struct dtab *, struct dpeer *, const struct sockaddr *,
	    socklen_t);
void	dtab_del(struct dtab *, struct dpeer *);
/* A datagram came from p: it is not idle. */
void	dtab_heard(struct dtab *, struct dpeer *);
/*
 * The peer heard from least recently, or NULL: the one to forget when a
 * bounded table is full (any source address can be forged, so a table
 * that only grew could be made to take all memory).
 */
struct dpeer	*dtab_oldest(struct dtab *);
/* Call fn on every peer; fn may delete it. */
void	dtab_each(struct dtab *, void (*fn)(struct dtab *, struct dpeer *,
	    void *), void *arg);

#endif
