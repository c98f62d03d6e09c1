/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"

struct ipnode {
	struct ipkey	 key;
	long		 count;
	struct ipnode	*next;
};

static int
keycmp(const struct ipkey *a, const struct ipkey *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* IPv4 as ::ffff:a.b.c.d, so that both families share one order. */
static void
key_v4(const void *in4, struct ipkey *k)
{
	unsigned char	b[16];

	memset(b, 0, 10);
	b[10] = b[11] = 0xff;
	memcpy(b + 12, in4, 4);
	k->hi = get64(b);
	k->lo = get64(b + 8);
}

static void
key_v6(const void *in6, struct ipkey *k)
{
	k->hi = get64(in6);
	k->lo = get64((const unsigned char *)in6 + 8);
}

int
ipkey_from_sa(const struct sockaddr *sa, struct ipkey *k)
{
	const struct sockaddr_in6	*s6 = (const void *)sa;

	if (sa->sa_family == AF_INET) {
		key_v4(&((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, k);
		return 0;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	key_v6(&s6->sin6_addr, k);
	return 0;
}

static void
mask(int len, struct ipkey *m)
{
	m->hi = len >= 64 ? ~0ULL : len == 0 ? 0 : ~0ULL << (64 - len);
	m->lo = len <= 64 ? 0 : ~0ULL << (128 - len);
}

/* "ADDR[/LEN]" into a key and a prefix length counted in 128 bits. */
static int
parse_cidr(const char *s, struct ipkey *k, int *len, const char **why)
{
	char		 a[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned char	 b[16];
	long		 l;
	int		 max;

	if (strlen(s) >= sizeof(a)) {
		*why = "not an address or ADDRESS/PREFIX";
		return -1;
	}
	strcpy(a, s);
	if ((slash = strchr(a, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, a, b) == 1) {
		key_v4(b, k);
		max = 32;
	} else if (inet_pton(AF_INET6, a, b) == 1) {
		key_v6(b, k);
		max = 128;
	} else {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	l = max;
	if (slash != NULL) {
		errno = 0;
		l = strtol(slash, &end, 10);
		if (*slash < '0' || *slash > '9' || *end != '\0' || l > max) {
			*why = max == 32 ? "the prefix length is not 0 to 32" :
			    "the prefix length is not 0 to 128";
			return -1;
		}
	}
	*len = (int)l + 128 - max;
	return 0;
}

int
acl_add(struct acl *acl, const char *cidr, const char **why)
{
	struct ipkey	 k, m, (*r)[2];
	size_t		 cap;
	int		 len;

	if (parse_cidr(cidr, &k, &len, why) == -1)
		return -1;
	if (acl->n == acl->cap) {
		cap = acl->cap ? acl->cap * 2 : 16;
		if ((r = reallocarray(acl->r, cap, sizeof(*r))) == NULL) {
			*why = strerror(errno);
			return -1;
		}
		acl->r = r;
		acl->cap = cap;
	}
	mask(len, &m);
	acl->r[acl->n][0].hi = k.hi & m.hi;
	acl->r[acl->n][0].lo = k.lo & m.lo;
	acl->r[acl->n][1].hi = k.hi | ~m.hi;
	acl->r[acl->n][1].lo = k.lo | ~m.lo;
	acl->n++;
	acl->sorted = 0;
	return 0;
}

int
acl_add_file(struct acl *acl, const char *path, char *err, size_t errlen)
{
	FILE		*f;
	char		*line = NULL, *p, *e;
	const char	*why;
	size_t		 sz = 0;
	long		 no = 0;
	int		 rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &sz, f) != -1) {
		no++;
		line[strcspn(line, "#\r\n")] = '\0';
		p = line + strspn(line, " \t");
		for (e = p + strlen(p); e > p && (e[-1] == ' ' ||
		    e[-1] == '\t'); e--)
			;
		*e = '\0';
		if (*p != '\0' && acl_add(acl, p, &why) == -1) {
			snprintf(err, errlen, "line %ld: %s: %s", no, p, why);
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s", strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

static int
rangecmp(const void *a, const void *b)
{
	return keycmp(&((const struct ipkey *)a)[0],
	    &((const struct ipkey *)b)[0]);
}

/* Is b at most one past a (so that [.., a] and [b, ..] touch)? */
static int
adjacent(const struct ipkey *a, const struct ipkey *b)
{
	struct ipkey	n = *a;

	if (++n.lo == 0 && ++n.hi == 0)
		return 1;	/* a is the last address: all touch it */
	return keycmp(b, &n) <= 0;
}

void
acl_finish(struct acl *acl)
{
	size_t	i, o = 0;

	if (acl->sorted || acl->n == 0)
		return;
	qsort(acl->r, acl->n, sizeof(*acl->r), rangecmp);
	for (i = 1; i < acl->n; i++) {
		if (adjacent(&acl->r[o][1], &acl->r[i][0])) {
			if (keycmp(&acl->r[i][1], &acl->r[o][1]) > 0)
				acl->r[o][1] = acl->r[i][1];
		} else
			memcpy(acl->r[++o], acl->r[i], sizeof(*acl->r));
	}
	acl->n = o + 1;
	acl->sorted = 1;
}

int
acl_match(const struct acl *acl, const struct ipkey *k)
{
	size_t	lo = 0, hi = acl->n, mid;

	/* The last range that starts at or before k. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keycmp(&acl->r[mid][0], k) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && keycmp(k, &acl->r[lo - 1][1]) <= 0;
}

void
acl_free(struct acl *acl)
{
	free(acl->r);
	memset(acl, 0, sizeof(*acl));
}

/* IPv4 counts whole; IPv6 by /64, what one site is usually given. */
static struct ipkey
count_key(const struct ipkey *k)
{
	struct ipkey	c = *k;

	if (!(c.hi == 0 && c.lo >> 32 == 0xffff))
		c.lo = 0;
	return c;
}

static size_t
slot(const struct ipkey *k, size_t n)
{
	uint64_t	h = (k->hi ^ (k->lo * 0x9e3779b97f4a7c15ULL));

	h ^= h >> 29;
	return (size_t)(h * 0xbf58476d1ce4e5b9ULL >> 17) & (n - 1);
}

/* Double the buckets when they fill, so a lookup stays one step. */
static int
grow(struct ipcount *t)
{
	struct ipnode	**b, *p, *next;
	size_t		  n = t->nbucket ? t->nbucket * 2 : 64, i, j;

	if ((b = calloc(n, sizeof(*b))) == NULL)
		return -1;
	for (i = 0; i < t->nbucket; i++)
		for (p = t->bucket[i]; p != NULL; p = next) {
			next = p->next;
			j = slot(&p->key, n);
			p->next = b[j];
			b[j] = p;
		}
	free(t->bucket);
	t->bucket = b;
	t->nbucket = n;
	return 0;
}

int
ipcount_take(struct ipcount *t, const struct ipkey *k, long max,
    struct ipnode **out)
{
	struct ipkey	 c = count_key(k);
	struct ipnode	*p;
	size_t		 i;

	if (t->n >= t->nbucket && grow(t) == -1)
		return -1;
	i = slot(&c, t->nbucket);
	for (p = t->bucket[i]; p != NULL; p = p->next)
		if (keycmp(&p->key, &c) == 0)
			break;
	if (p != NULL && p->count >= max) {
		errno = EBUSY;
		return -1;
	}
	if (p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return -1;
		p->key = c;
		p->next = t->bucket[i];
		t->bucket[i] = p;
		t->n++;
	}
	p->count++;
	*out = p;
	return 0;
}

void
ipcount_give(struct ipcount *t, struct ipnode *n)
{
	struct ipnode	**pp;

	if (--n->count > 0)
		return;
	for (pp = &t->bucket[slot(&n->key, t->nbucket)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			free(n);
			t->n--;
			return;
		}
}

void
ipcount_free(struct ipcount *t)
{
	struct ipnode	*p, *next;
	size_t		 i;

	for (i = 0; i < t->nbucket; i++)
		for (p = t->bucket[i]; p != NULL; p = next) {
			next = p->next;
			free(p);
		}
	free(t->bucket);
	memset(t, 0, sizeof(*t));
}
