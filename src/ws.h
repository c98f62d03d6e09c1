/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * WebSocket (RFC 6455): the frame parser and writer, and the transport
 * of struct conn stacked on a plain or TLS one.  Users of the conn see
 * payload bytes only; the handshake (ws_http.c), masking, control
 * frames and the close handshake are kept here.  A message is streamed,
 * never collected: memory per connection is bounded whatever its size.
 * Returns errors; never exits.
 */
#ifndef SOCKIT_WS_H
#define SOCKIT_WS_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

struct conn;
struct common;
struct addr;
struct loop;

#define WS_OP_CONT	0x0
#define WS_OP_TEXT	0x1
#define WS_OP_BINARY	0x2
#define WS_OP_CLOSE	0x8
#define WS_OP_PING	0x9
#define WS_OP_PONG	0xa

#define WS_CTL_MAX	125		/* a control frame's payload */
#define WS_HDR_MAX	14
#define WS_MAX_MESSAGE	(16LL * 1024 * 1024)
#define WS_PATH_MAX	1024
#define WS_HEADERS_MAX	16
#define WS_ORIGINS_MAX	16

/* What ws_parse stopped for. */
enum ws_ev {
	WS_EV_MORE,		/* all input taken (or the output is full) */
	WS_EV_END,		/* a data message ended (text: add -d) */
	WS_EV_CTL,		/* a whole control frame: op, ctl, clen */
	WS_EV_ERROR		/* a violation: code and why */
};

/* A UTF-8 check that goes on across frames. */
struct ws_utf8 {
	int		 need;		/* continuation bytes to come */
	uint8_t		 lo, hi;	/* the next one's range */
};
/* 0 if p[0..n) goes on valid UTF-8 from u's state, -1 if not. */
int	ws_utf8(struct ws_utf8 *u, const uint8_t *p, size_t n);

struct ws_parser {
	int		 server;	/* frames come masked, from clients */
	uint64_t	 max;		/* the longest message; 0: any */
	uint8_t		 hdr[WS_HDR_MAX];
	size_t		 hlen;		/* header bytes held */
	int		 infr;		/* in a frame's payload */
	int		 op, fin, masked;
	uint8_t		 key[4];
	uint64_t	 left, pos;	/* payload to come, and seen */
	int		 msg;		/* the data message's opcode; 0: none */
	uint64_t	 msglen;
	struct ws_utf8	 u8;		/* of a text message */
	uint8_t		 ctl[WS_CTL_MAX];
	size_t		 clen;
	int		 code;		/* WS_EV_ERROR: the close code */
	const char	*why;
};

void	ws_parser_init(struct ws_parser *, int server, uint64_t max);
/*
 * Parse in[0..len), writing payload bytes (unmasked) at out, which may
 * be in itself (out <= in: the payload moves down over the headers) and
 * has room for outcap.  *used and *outlen say how much was taken and
 * given; the return says why it stopped.
 */
enum ws_ev ws_parse(struct ws_parser *, uint8_t *in, size_t len,
	    size_t *used, uint8_t *out, size_t outcap, size_t *outlen);
/* A frame header into h (WS_HDR_MAX bytes); key NULL: unmasked. */
size_t	ws_header(uint8_t *h, int fin, int op, uint64_t len,
	    const uint8_t *key);
/* XOR p with key, from byte pos of the payload on. */
void	ws_mask(uint8_t *p, size_t n, const uint8_t *key, uint64_t pos);
/* Is the close code one a peer may send? */
int	ws_code_ok(unsigned code);

/* What a WebSocket end is: from the options and the address. */
struct ws_cfg {
	int		 server;
	int		 text;		/* --text */
	struct delim	 delim;
	char		 path[WS_PATH_MAX];	/* request target */
	char		 host[300];		/* the Host header */
	const char	*protocol;	/* --ws-protocol, or NULL */
	const char	*headers[WS_HEADERS_MAX];	/* -H */
	int		 nheaders;
	const char	*origins[WS_ORIGINS_MAX];	/* --ws-origin */
	int		 norigins;
	uint64_t	 max;		/* --ws-max-message */
	int64_t		 hs_ms;		/* the handshake's time */
	int64_t		 ping_ms;	/* --keepalive: a ping this often */
	int64_t		 pong_ms;	/* and the peer dead without an answer */
};

void	ws_cfg_init(struct ws_cfg *, const struct common *,
	    const struct addr *, int server, int64_t hs_ms);
/*
 * Make c, connected (plain or with TLS started), a WebSocket conn: the
 * handshake runs as the transport's set-up (conn_deadline says until
 * when), then the frames.
 */
int	ws_start(struct conn *c, struct loop *, const struct ws_cfg *,
	    char *err, size_t errlen);
/* Undo ws_start, leaving the transport below in place. */
void	ws_free(struct conn *);
/*
 * A server's address as sockit takes it back (ws://, wss://, ws+unix:),
 * from where it is bound (as sock.c names it).
 */
void	ws_name(const struct ws_cfg *, int tls, const char *bound, char *buf,
	    size_t len);
/* c speaks WebSocket. */
int	ws_is(const struct conn *);

#endif
