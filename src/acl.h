/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Access lists of address ranges (--allow, --deny) and counts of
 * clients per address (--max-per-ip).  Every address is a 128-bit key:
 * IPv4 as its IPv4-mapped IPv6 form, so that one table holds both.  A
 * list is kept as sorted, merged ranges and searched by bisection, so
 * a check costs log2(rules) steps, not one per rule.  Returns errors;
 * never exits.
 */
#ifndef SOCKIT_ACL_H
#define SOCKIT_ACL_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

struct ipkey {
	uint64_t	hi, lo;
};

struct acl {
	struct ipkey	(*r)[2];	/* [first, last] ranges */
	size_t		  n, cap;
	int		  sorted;	/* merged since the last add */
};

/* Add "ADDR" or "ADDR/LEN" (IPv4 or IPv6); -1 with why if malformed. */
int	acl_add(struct acl *, const char *cidr, const char **why);
/*
 * Add every line of path: one CIDR a line, '#' to the end of a line a
 * comment, blank lines ignored.  -1 with a message in err (which
 * does not repeat path).
 */
int	acl_add_file(struct acl *, const char *path, char *err, size_t errlen);
/* Sort and merge; done before the first acl_match. */
void	acl_finish(struct acl *);
int	acl_match(const struct acl *, const struct ipkey *);
void	acl_free(struct acl *);
/* The key of an IPv4 or IPv6 address; -1 for another family. */
int	ipkey_from_sa(const struct sockaddr *, struct ipkey *);

/* Clients per address: IPv4 whole, IPv6 by its /64. */
struct ipcount {
	struct ipnode	**bucket;
	size_t		  nbucket, n;
};

/* One more client from k: 0, or -1 if it would be more than max. */
int	ipcount_take(struct ipcount *, const struct ipkey *, long max,
	    struct ipnode **);
/* That client is gone. */
void	ipcount_give(struct ipcount *, struct ipnode *);
void	ipcount_free(struct ipcount *);

#endif
