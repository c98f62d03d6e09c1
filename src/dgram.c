/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dgram.h"
#include "log.h"
#include "util.h"

#define DTAB_BUCKETS	4096

int
dgram_batch_init(struct dgram_batch *b, int size)
{
	memset(b, 0, sizeof(*b));
	if (size > DGRAM_BATCH)
		size = DGRAM_BATCH;
	if ((b->data = malloc((size_t)size * (DGRAM_MAX + 1))) == NULL)
		return -1;
	b->size = size;
	return 0;
}

void
dgram_batch_free(struct dgram_batch *b)
{
	free(b->data);
	b->data = NULL;
}

/* Slot i ready for a receive: the headers are rewritten by each call. */
static void
slot(struct dgram_batch *b, int i)
{
	struct msghdr	*h = &b->mh[i].msg_hdr;

	b->iov[i].iov_base = b->data + (size_t)i * (DGRAM_MAX + 1);
	b->iov[i].iov_len = DGRAM_MAX + 1;
	memset(h, 0, sizeof(*h));
	h->msg_name = &b->from[i];
	h->msg_namelen = sizeof(b->from[i]);
	h->msg_iov = &b->iov[i];
	h->msg_iovlen = 1;
	if (b->creds) {
		h->msg_control = &b->ctl[i];
		h->msg_controllen = sizeof(b->ctl[i]);
	}
}

int
dgram_want_creds(int fd, struct dgram_batch *b)
{
	int	on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		return -1;
	b->creds = 1;
	return 0;
}

/* msg_control still points at the slot received into: drop_cut moves
 * the headers only. */
long
dgram_pid(struct dgram_batch *b, int i)
{
	struct msghdr	*h = &b->mh[i].msg_hdr;
	struct cmsghdr	*c;
	struct ucred	 uc;

	if (!b->creds)
		return -1;
	for (c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(uc))) {
			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			return (long)uc.pid;
		}
	return -1;
}

/* Drop datagram i, which did not fit: never pass on a cut one. */
static void
drop_cut(struct dgram_batch *b, int i, const char *what)
{
	char	name[SOCK_NAME_MAX];

	addr_format_sa(DGRAM_FROM(b, i), DGRAM_FROMLEN(b, i), name,
	    sizeof(name));
	log_v(1, "%s%sdatagram from %s larger than %d bytes: dropped",
	    what != NULL ? what : "", what != NULL ? ": " : "", name,
	    DGRAM_MAX);
	memmove(&b->mh[i], &b->mh[i + 1], (b->n - i - 1) * sizeof(b->mh[0]));
	memmove(&b->iov[i], &b->iov[i + 1], (b->n - i - 1) *
	    sizeof(b->iov[0]));
	memmove(&b->from[i], &b->from[i + 1], (b->n - i - 1) *
	    sizeof(b->from[0]));
	b->n--;
}

int
dgram_recv(int fd, struct dgram_batch *b, const char *what)
{
	int	i, n;

	for (;;) {
		for (i = 0; i < b->size; i++)
			slot(b, i);
		b->n = 0;
		n = recvmmsg(fd, b->mh, b->size, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -1;
		}
		b->n = n;
		/* The slots moved: the names point at the old places. */
		for (i = 0; i < b->n; )
			if (b->mh[i].msg_hdr.msg_flags & MSG_TRUNC ||
			    b->mh[i].msg_len > DGRAM_MAX)
				drop_cut(b, i, what);
			else {
				b->mh[i].msg_hdr.msg_name = &b->from[i];
				b->mh[i].msg_hdr.msg_iov = &b->iov[i];
				i++;
			}
		/* All were cut: look again rather than report nothing. */
		if (b->n > 0 || n == 0)
			return b->n;
	}
}

int
dgram_send_back(int fd, struct dgram_batch *b, int i)
{
	int	k, n;

	for (k = i; k < b->n; k++) {
		b->iov[k].iov_len = b->mh[k].msg_len;
		b->mh[k].msg_hdr.msg_flags = 0;
	}
	do
		n = sendmmsg(fd, &b->mh[i], b->n - i, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	return n;
}

static size_t
hash(const struct sockaddr *sa, socklen_t len)
{
	const unsigned char	*p = (const unsigned char *)sa;
	uint32_t		 h = 2166136261u;
	socklen_t		 i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void
on_idle(struct loop *l, struct timer *t)
{
	struct dpeer	*p = container_of(t, struct dpeer, idle);
	struct dtab	*tab = p->tab;
	int64_t		 end = p->heard + tab->idle_ms;

	/* Heard since the timer was set: sleep until then, not per datagram. */
	if (end > now_ms()) {
		timer_at(l, t, end);
		return;
	}
	tab->on_expire(tab, p);
}

int
dtab_init(struct dtab *tab, struct loop *l, int64_t idle_ms,
    void (*on_expire)(struct dtab *, struct dpeer *))
{
	memset(tab, 0, sizeof(*tab));
	tab->bucket = calloc(DTAB_BUCKETS, sizeof(*tab->bucket));
	if (tab->bucket == NULL)
		return -1;
	tab->nbucket = DTAB_BUCKETS;
	TAILQ_INIT(&tab->lru);
	tab->loop = l;
	tab->idle_ms = idle_ms;
	tab->on_expire = on_expire;
	return 0;
}

void
dtab_free(struct dtab *tab)
{
	free(tab->bucket);
	tab->bucket = NULL;
}

struct dpeer *
dtab_find(struct dtab *tab, const struct sockaddr *sa, socklen_t len)
{
	struct dpeer	*p;

	for (p = tab->bucket[hash(sa, len) % tab->nbucket]; p != NULL;
	    p = p->next)
		if (p->sslen == len && memcmp(&p->ss, sa, len) == 0)
			return p;
	return NULL;
}

int
dtab_add(struct dtab *tab, struct dpeer *p, const struct sockaddr *sa,
    socklen_t len)
{
	size_t	h;

	if (len > sizeof(p->ss)) {
		errno = EINVAL;
		return -1;
	}
	memset(&p->ss, 0, sizeof(p->ss));
	memcpy(&p->ss, sa, len);
	p->sslen = len;
	addr_format_sa(sa, len, p->name, sizeof(p->name));
	p->tab = tab;
	p->heard = now_ms();
	timer_init(&p->idle, on_idle);
	if (tab->idle_ms > 0 && tab->on_expire != NULL &&
	    timer_at(tab->loop, &p->idle, p->heard + tab->idle_ms) == -1)
		return -1;
	h = hash(sa, len) % tab->nbucket;
	p->next = tab->bucket[h];
	tab->bucket[h] = p;
	TAILQ_INSERT_TAIL(&tab->lru, p, lru);
	tab->count++;
	return 0;
}

void
dtab_del(struct dtab *tab, struct dpeer *p)
{
	struct dpeer	**pp;

	timer_stop(tab->loop, &p->idle);
	for (pp = &tab->bucket[hash((struct sockaddr *)&p->ss, p->sslen) %
	    tab->nbucket]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			TAILQ_REMOVE(&tab->lru, p, lru);
			tab->count--;
			return;
		}
}

void
dtab_heard(struct dtab *tab, struct dpeer *p)
{
	p->heard = now_ms();
	TAILQ_REMOVE(&tab->lru, p, lru);
	TAILQ_INSERT_TAIL(&tab->lru, p, lru);
}

struct dpeer *
dtab_oldest(struct dtab *tab)
{
	return TAILQ_FIRST(&tab->lru);
}

void
dtab_each(struct dtab *tab, void (*fn)(struct dtab *, struct dpeer *,
    void *), void *arg)
{
	struct dpeer	*p, *next;
	size_t		 i;

	for (i = 0; i < tab->nbucket; i++)
		for (p = tab->bucket[i]; p != NULL; p = next) {
			next = p->next;
			fn(tab, p, arg);
		}
}
