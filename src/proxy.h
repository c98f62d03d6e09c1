/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * --proxy: reach a TCP target through a SOCKS5 (RFC 1928, with RFC 1929
 * username/password) or HTTP CONNECT proxy.  The handshake is a small
 * state machine over a non-blocking socket, driven by dial.c on the
 * event loop.  It reads no byte past the proxy's reply: what follows is the
 * target's.  Returns errors; never exits.
 */
#ifndef SOCKIT_PROXY_H
#define SOCKIT_PROXY_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum proxy_kind { PROXY_SOCKS5, PROXY_SOCKS5H, PROXY_HTTP };

#define PROXY_CRED_MAX	255	/* RFC 1929's limit, for either */
#define PROXY_REQ_MAX	1024

struct proxy {
	enum proxy_kind	 kind;
	struct addr	 addr;		/* of the proxy itself */
	char		 name[ADDR_HOST_MAX + 64];	/* URL, no password */
	char		 user[PROXY_CRED_MAX + 1];
	char		 pass[PROXY_CRED_MAX + 1];
	int		 auth;		/* user:password@ was given */
	char		 target[ADDR_HOST_MAX + 16];	/* host:port, for errors */
	unsigned char	 req[PROXY_REQ_MAX];	/* CONNECT, ready to send */
	size_t		 reqlen;
};

struct proxy_hs {
	const struct proxy	*px;
	int			 state;
	unsigned char		 out[PROXY_REQ_MAX];
	size_t			 outoff, outlen;
	unsigned char		 in[1024];
	size_t			 inlen, need;
};

/* Parse URL (every failure is a usage error). */
int	proxy_parse(const char *url, int family, struct proxy *,
	    char *err, size_t errlen);
/*
 * Make the CONNECT request for TCP target a.  socks5:// resolves the
 * name here (it blocks); socks5h:// and http:// leave it to the proxy.
 * *usage is set when a cannot go through a proxy at all.
 */
int	proxy_target(struct proxy *, const struct addr *a, int family,
	    int *usage, char *err, size_t errlen);

void	proxy_hs_init(struct proxy_hs *, const struct proxy *);
/*
 * Feed n bytes the proxy sent, with no I/O (what a fuzzer calls): takes
 * *used of them, never a byte past the proxy's reply, and none while
 * hs->out still has bytes to send.  1 when the handshake is done, 0
 * when it needs more (or has a request queued in hs->out), -1 with err
 * filled when the reply is bad or a refusal.
 */
int	proxy_hs_input(struct proxy_hs *, const unsigned char *p, size_t n,
	    size_t *used, char *err, size_t errlen);
/*
 * Move the handshake on fd as far as it goes without blocking: 1 when
 * done, 0 when it waits for *events (LOOP_READ or LOOP_WRITE), -1 with
 * err filled on failure.
 */
int	proxy_hs_step(struct proxy_hs *, int fd, int *events, char *err,
	    size_t errlen);

#endif
