/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * TLS (OpenSSL) as a transport of struct conn: commands and chans see
 * read/write/shutdown as for a plain socket; the handshake, the
 * library's want-read/want-write and close_notify are kept here.
 * Returns errors; never exits.
 */
#ifndef SOCKIT_TLS_H
#define SOCKIT_TLS_H

#include <stddef.h>
#include <stdint.h>

struct conn;

/* What the options ask for; one set per command. */
struct tls_opts {
	int		 on;		/* --tls */
	const char	*given;		/* the first TLS option given */
	const char	*cert, *key, *cacert, *servername, *alpn;
	int		 insecure, self_signed, verify_client;
};

/* A client that has not finished its handshake by then is let go. */
#define TLS_HANDSHAKE_MS	10000

struct tls_ctx;

/*
 * A context for servers (server != 0) or clients, from o; hs_ms bounds
 * each handshake.  Files are read now: an error names the file.
 */
struct tls_ctx	*tls_ctx_new(const struct tls_opts *o, int server,
		    int64_t hs_ms, char *err, size_t errlen);
void		 tls_ctx_free(struct tls_ctx *);
/*
 * Read o's files again into ctx, for the handshakes to come; the conns
 * under way keep what they started with.  On an error ctx is as it was.
 */
int		 tls_ctx_reload(struct tls_ctx *, const struct tls_opts *o,
		    char *err, size_t errlen);
/*
 * Make c, a connected socket, a TLS conn of ctx.  A client verifies the
 * server as host (a name or an address literal) unless --servername.
 */
int	tls_start(struct conn *c, struct tls_ctx *ctx, const char *host,
	    char *err, size_t errlen);
/* Undo tls_start, leaving the descriptor open. */
void	tls_free(struct conn *);
/*
 * The handshake's deadline, why TLS failed (its handshake, or a fatal
 * alert after) and a peer's close without close_notify are the
 * transport's: conn_deadline, conn_failure, conn_truncated (conn.h).
 */
/*
 * c's handshake resumed a session of its context (another conn's, from
 * the context's cache: FTPS data connections resume the control's).
 */
int	tls_resumed(const struct conn *);
/*
 * A server conn that sends nothing after its handshake: no session
 * tickets (TLS 1.3 sends them unasked).  For a peer that only writes
 * and then closes, as an FTPS upload's client does: unread tickets in
 * its socket turn its close into a reset, which loses the end of what
 * it sent.  Right after tls_start.
 */
int	tls_no_tickets(struct conn *);

#endif
