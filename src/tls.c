/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * TLS over a conn's socket with OpenSSL 3, non-blocking throughout.
 * The library may need to read to write (and to write to read), so
 * each operation notes what it waits for and tls_want folds that into
 * the interest the command asks for; every event then retries whatever
 * the command wants, which costs a failed SSL call at worst.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "conn.h"
#include "log.h"
#include "ossl.h"
#include "tls.h"
#include "util.h"

struct tls_ctx {
	SSL_CTX		*ctx;
	int		 server, insecure;
	const char	*servername;
	unsigned char	 alpn[256];	/* the wire form: length, name, ... */
	size_t		 alpnlen;
	int64_t		 hs_ms;
};

struct tls {
	SSL		*ssl;
	int64_t		 deadline;	/* of the handshake; 0 once done */
	int		 hs_want;	/* LOOP_* the handshake waits for */
	int		 rd_want, wr_want;	/* a read or write waits for */
	int		 sd_pending;	/* close_notify still to send */
	int		 sd_want;
	int		 more;		/* a read filled its buffer: read on */
	int		 rd_done;	/* after the bytes a read returned: */
	int		 rd_errno;	/* the end (0) or this error */
	int		 failed;	/* no more SSL calls but SSL_free */
	int		 nocork;	/* not TCP: no TCP_CORK */
	int		 truncated;
	char		 why[256];	/* of a failed handshake */
};

#define TLS(c)	((struct tls *)(c)->xpd)
#define TLS_RECORD	16384	/* the most plaintext one record holds */

/* The library's reason for what just failed, and clear its queue. */
static void
reason(char *buf, size_t len, const char *what)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	snprintf(buf, len, "%s%s%s", what, r != NULL ? ": " : "",
	    r != NULL ? r : "");
	ERR_clear_error();
}

/* A file we cannot open is named with the system's reason. */
static int
readable(const char *opt, const char *path, char *err, size_t errlen)
{
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s %s: %s", opt, path, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

static int
load_pair(SSL_CTX *ctx, const struct tls_opts *o, char *err, size_t errlen)
{
	char	why[256];

	if (readable("--cert", o->cert, err, errlen) == -1 ||
	    readable("--key", o->key, err, errlen) == -1)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1) {
		reason(why, sizeof(why), "not a PEM certificate");
		snprintf(err, errlen, "--cert %s: %s", o->cert, why);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		reason(why, sizeof(why), "not a PEM key for that certificate");
		snprintf(err, errlen, "--key %s: %s", o->key, why);
		return -1;
	}
	return 0;
}

static void
fingerprint(X509 *x, char *buf, size_t len)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;
	size_t		n = 0;

	buf[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1)
		return;
	for (i = 0; i < mdlen && n + 3 < len; i++)
		n += snprintf(buf + n, len - n, "%s%02X", i ? ":" : "", md[i]);
}

static int
san(X509 *x, const char *names)
{
	X509V3_CTX	 v;
	X509_EXTENSION	*e;
	int		 r;

	X509V3_set_ctx_nodb(&v);
	X509V3_set_ctx(&v, x, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v, NID_subject_alt_name,
	    names)) == NULL)
		return -1;
	r = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return r == 1 ? 0 : -1;
}

/* --self-signed: a P-256 key and a year's certificate, in memory only. */
static int
self_signed(SSL_CTX *ctx, char *err, size_t errlen)
{
	EVP_PKEY	*k;
	X509		*x = NULL;
	X509_NAME	*n;
	uint32_t	 serial;
	char		 fp[EVP_MAX_MD_SIZE * 3 + 1];
	int		 ok = 0;

	if ((k = EVP_EC_gen("P-256")) == NULL || (x = X509_new()) == NULL)
		goto out;
	if (RAND_bytes((unsigned char *)&serial, sizeof(serial)) != 1)
		goto out;
	n = X509_get_subject_name(x);
	ok = X509_set_version(x, 2) == 1 &&
	    ASN1_INTEGER_set(X509_get_serialNumber(x),
	    (long)(serial & 0x7fffffff)) == 1 &&
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
	    X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) != NULL &&
	    X509_set_pubkey(x, k) == 1 &&
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"localhost", -1, -1, 0) == 1 &&
	    X509_set_issuer_name(x, n) == 1 &&
	    san(x, "DNS:localhost,IP:127.0.0.1,IP:::1") == 0 &&
	    X509_sign(x, k, EVP_sha256()) > 0 &&
	    SSL_CTX_use_certificate(ctx, x) == 1 &&
	    SSL_CTX_use_PrivateKey(ctx, k) == 1;
	if (ok) {
		fingerprint(x, fp, sizeof(fp));
		log_err("self-signed certificate, SHA-256 fingerprint %s", fp);
	}
out:
	if (!ok) {
		reason(fp, sizeof(fp), "cannot make a certificate");
		snprintf(err, errlen, "--self-signed: %s", fp);
	}
	X509_free(x);
	EVP_PKEY_free(k);
	return ok ? 0 : -1;
}

/* "h2,http/1.1" to the wire form; the syntax was checked with the options. */
static void
alpn_wire(struct tls_ctx *t, const char *list)
{
	const char	*p = list, *e;
	size_t		 n;

	while (*p != '\0') {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n > 0 && n < 256 && t->alpnlen + 1 + n <= sizeof(t->alpn)) {
			t->alpn[t->alpnlen++] = (unsigned char)n;
			memcpy(t->alpn + t->alpnlen, p, n);
			t->alpnlen += n;
		}
		p += n + (e != NULL);
	}
}

static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	struct tls_ctx	*t = arg;

	(void)ssl;
	/* Our order of preference; no protocol in common is fatal. */
	if (SSL_select_next_proto((unsigned char **)out, outlen, t->alpn,
	    t->alpnlen, in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	return SSL_TLSEXT_ERR_OK;
}

static int
verify_setup(struct tls_ctx *t, const struct tls_opts *o, char *err,
    size_t errlen)
{
	STACK_OF(X509_NAME)	*names;
	char			 why[256];

	if (t->server && !o->verify_client)
		return 0;
	if (!t->server && o->insecure) {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
		log_err("--insecure: the server's certificate is not verified");
		return 0;
	}
	if (o->cacert != NULL) {
		if (readable("--cacert", o->cacert, err, errlen) == -1)
			return -1;
		if (SSL_CTX_load_verify_locations(t->ctx, o->cacert,
		    NULL) != 1) {
			reason(why, sizeof(why), "no PEM certificate");
			snprintf(err, errlen, "--cacert %s: %s", o->cacert, why);
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
		reason(why, sizeof(why), "the system's CA store");
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (t->server) {
		/* Tell clients which CAs we take. */
		if ((names = SSL_load_client_CA_file(o->cacert)) != NULL)
			SSL_CTX_set_client_CA_list(t->ctx, names);
		ERR_clear_error();
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	} else
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	return 0;
}

struct tls_ctx *
tls_ctx_new(const struct tls_opts *o, int server, int64_t hs_ms, char *err,
    size_t errlen)
{
	struct tls_ctx	*t;

	if (ossl_load(err, errlen) == -1)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	t->server = server;
	t->insecure = o->insecure;
	t->servername = o->servername;
	t->hs_ms = hs_ms;
	t->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (t->ctx == NULL) {
		reason(err, errlen, "TLS");
		goto fail;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	/* Buffers move between writes; idle connections free theirs. */
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	/* Bulk data in few reads; tls_read drains what is read ahead. */
	SSL_CTX_set_read_ahead(t->ctx, 1);
	SSL_CTX_set_default_read_buffer_len(t->ctx, 64 * 1024);
	SSL_CTX_set_session_id_context(t->ctx, (const unsigned char *)"sockit",
	    6);
	if (o->cert != NULL && load_pair(t->ctx, o, err, errlen) == -1)
		goto fail;
	if (server && o->cert == NULL && self_signed(t->ctx, err,
	    errlen) == -1)
		goto fail;
	if (verify_setup(t, o, err, errlen) == -1)
		goto fail;
	if (o->alpn != NULL) {
		alpn_wire(t, o->alpn);
		if (server)
			SSL_CTX_set_alpn_select_cb(t->ctx, alpn_select, t);
		else if (SSL_CTX_set_alpn_protos(t->ctx, t->alpn,
		    t->alpnlen) != 0) {
			reason(err, errlen, "--alpn");
			goto fail;
		}
	}
	return t;
fail:
	tls_ctx_free(t);
	return NULL;
}

int
tls_ctx_reload(struct tls_ctx *t, const struct tls_opts *o, char *err,
    size_t errlen)
{
	struct tls_ctx	*nt;
	SSL_CTX		*old;

	if ((nt = tls_ctx_new(o, t->server, t->hs_ms, err, errlen)) == NULL)
		return -1;
	/*
	 * Swap the contexts, not the wrappers: conns and callbacks point at
	 * t.  Each SSL holds a reference to its SSL_CTX, so the old one
	 * lives on until its last conn is gone.
	 */
	old = t->ctx;
	t->ctx = nt->ctx;
	nt->ctx = old;
	if (t->server && t->alpnlen > 0)
		SSL_CTX_set_alpn_select_cb(t->ctx, alpn_select, t);
	tls_ctx_free(nt);
	return 0;
}

void
tls_ctx_free(struct tls_ctx *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

static int
is_ip(const char *s)
{
	unsigned char	b[16];

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* Whom a client expects: --servername, else the address's host. */
static int
expect(SSL *ssl, const struct tls_ctx *t, const char *host)
{
	const char	*name = t->servername;

	if (name == NULL)
		name = host != NULL && *host != '\0' ? host : "localhost";
	if (is_ip(name))
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
		    name) == 1 ? 0 : -1;
	if (SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	return t->insecure || SSL_set1_host(ssl, name) == 1 ? 0 : -1;
}

static void
fail(struct conn *c, const char *what, int e)
{
	struct tls	*s = TLS(c);
	long		 v;
	char		 why[200];

	s->failed = 1;
	if ((v = SSL_get_verify_result(s->ssl)) != X509_V_OK) {
		snprintf(why, sizeof(why), "certificate verify failed: %s",
		    X509_verify_cert_error_string(v));
		ERR_clear_error();
	} else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		snprintf(why, sizeof(why), "%s", errno != 0 ? strerror(errno) :
		    "the peer closed the connection");
	else
		reason(why, sizeof(why), "protocol error");
	snprintf(s->why, sizeof(s->why), "%s", why);
	log_v(1, "%s: %s: %s", c->name, what, why);
}

/* close_notify, then the socket's own half-close. */
static void
close_notify(struct conn *c)
{
	struct tls	*s = TLS(c);
	int		 r;

	ERR_clear_error();
	if ((r = SSL_shutdown(s->ssl)) < 0 &&
	    SSL_get_error(s->ssl, r) == SSL_ERROR_WANT_WRITE) {
		s->sd_pending = 1;
		s->sd_want = LOOP_WRITE;
		return;
	}
	ERR_clear_error();
	s->sd_pending = 0;
	shutdown(c->fd, SHUT_WR);
}

/* The handshake, and a close_notify that had to wait: 1 done, 0, -1. */
static int
handshake(struct conn *c)
{
	struct tls	*s = TLS(c);
	const unsigned char *proto;
	unsigned int	 plen = 0;
	int		 r;

	if (s->failed) {
		errno = EPROTO;
		return s->deadline != 0 ? -1 : 1;
	}
	if (s->deadline != 0) {
		ERR_clear_error();
		errno = 0;
		if ((r = SSL_do_handshake(s->ssl)) != 1) {
			switch (SSL_get_error(s->ssl, r)) {
			case SSL_ERROR_WANT_READ:
				s->hs_want = LOOP_READ;
				return 0;
			case SSL_ERROR_WANT_WRITE:
				s->hs_want = LOOP_WRITE;
				return 0;
			}
			fail(c, "TLS handshake", SSL_get_error(s->ssl, r));
			errno = EPROTO;
			return -1;
		}
		s->deadline = 0;
		SSL_get0_alpn_selected(s->ssl, &proto, &plen);
		log_v(1, "%s: %s, %s%s%.*s", c->name, SSL_get_version(s->ssl),
		    SSL_get_cipher_name(s->ssl), plen ? ", ALPN " : "",
		    (int)plen, plen ? (const char *)proto : "");
	}
	if (s->sd_pending)
		close_notify(c);
	return 1;
}

/* Records the library holds already: readable with no event. */
static int
held(const struct tls *s)
{
	return s->more || s->rd_done;
}

/* What a read or write waits for: what the library asked, else its own. */
#define WAITS(want, own)	((want) != 0 ? (want) : (own))

/*
 * What the events can have moved on: a socket that is only writable
 * costs no read that must fail.  Records the library holds already
 * (more, rd_done) are read without an event; the first try after the
 * handshake, and any after a failure, is everything the user wants.
 */
static int
tls_advance(struct conn *c, int events, int mask)
{
	struct tls	*s = TLS(c);
	int		 shaking = s->deadline != 0, r, try = 0;

	if ((r = handshake(c)) != 1)
		return r;
	if (shaking || s->failed)
		return mask;
	if ((events & WAITS(s->rd_want, LOOP_READ)) || held(s))
		try |= LOOP_READ;
	if (events & WAITS(s->wr_want, LOOP_WRITE))
		try |= LOOP_WRITE;
	return try & mask;
}

static int
tls_want(const struct conn *c, int mask)
{
	struct tls	*s = TLS(c);
	int		 out = 0;

	if (s->failed)
		return mask;
	if (s->deadline != 0)
		return s->hs_want;
	if (mask & LOOP_READ)
		out |= WAITS(s->rd_want, LOOP_READ);
	if (mask & LOOP_WRITE)
		out |= WAITS(s->wr_want, LOOP_WRITE);
	if (s->sd_pending)
		out |= s->sd_want;
	/*
	 * Records may wait inside the library, where the descriptor does
	 * not show them: be called at once (the socket is writable).
	 */
	if ((mask & LOOP_READ) && held(s))
		out |= LOOP_WRITE;
	return out;
}

/* What SSL_read_ex or SSL_write_ex left us with, as read(2) would. */
static ssize_t
io_error(struct conn *c, int *want, const char *what)
{
	struct tls	*s = TLS(c);
	int		 saved = errno, e = SSL_get_error(s->ssl, 0);
	unsigned long	 q = ERR_peek_error();

	switch (e) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		*want = e == SSL_ERROR_WANT_READ ? LOOP_READ : LOOP_WRITE;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;	/* close_notify: the end of the data */
	}
	s->failed = 1;
	if ((e == SSL_ERROR_SSL && ERR_GET_REASON(q) ==
	    SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
	    (e == SSL_ERROR_SYSCALL && q == 0 && saved == 0)) {
		s->truncated = 1;
		log_v(1, "%s: closed without a TLS close_notify: what came may "
		    "be cut short", c->name);
		ERR_clear_error();
		errno = ECONNRESET;
		return -1;
	}
	if (e == SSL_ERROR_SYSCALL && q == 0) {
		errno = saved;
		return -1;
	}
	fail(c, what, e);
	errno = EPROTO;
	return -1;
}

/*
 * As many records as fit in n, not one (16 KiB) a call: bulk data then
 * goes on in large writes, and with read-ahead in few reads.  An end
 * met after some bytes is kept for the next call.
 */
static ssize_t
tls_read(struct conn *c, void *p, size_t n)
{
	struct tls	*s = TLS(c);
	size_t		 got, total;
	ssize_t		 r;

	if ((r = handshake(c)) != 1) {
		if (r == 0)
			errno = EAGAIN;
		return -1;
	}
	if (s->rd_done) {
		s->rd_done = 0;
		errno = s->rd_errno;
		return s->rd_errno == 0 ? 0 : -1;
	}
	if (s->failed) {
		errno = EPROTO;
		return -1;
	}
	s->rd_want = s->more = 0;
	for (total = 0; total < n; total += got) {
		ERR_clear_error();
		errno = 0;
		if (SSL_read_ex(s->ssl, (char *)p + total, n - total,
		    &got) == 1)
			continue;
		r = io_error(c, &s->rd_want, "TLS read");
		if (total == 0)
			return r;
		if (r == 0 || errno != EAGAIN) {
			s->rd_done = 1;
			s->rd_errno = r == 0 ? 0 : errno;
		}
		break;
	}
	s->more = total == n;
	return total;
}

/* On a TCP socket only: others say no once, and are not asked again. */
static void
cork(struct conn *c, int on)
{
	struct tls	*s = TLS(c);
	int		 saved = errno;

	if (!s->nocork && setsockopt(c->fd, IPPROTO_TCP, TCP_CORK, &on,
	    sizeof(on)) == -1)
		s->nocork = 1;
	errno = saved;
}

static ssize_t
tls_write(struct conn *c, const void *p, size_t n)
{
	struct tls	*s = TLS(c);
	size_t		 done, total;
	int		 r;

	if ((r = handshake(c)) != 1) {
		if (r == 0)
			errno = EAGAIN;
		return -1;
	}
	if (s->failed) {
		errno = EPIPE;
		return -1;
	}
	s->wr_want = 0;
	/*
	 * The library writes each 16 KiB record with a write(2) of its own:
	 * corked, TCP sends them in full segments, and the peer wakes up
	 * once for several records, not once for each.
	 */
	if (n > TLS_RECORD)
		cork(c, 1);
	/* A partial write returns after each record: go on to the rest. */
	for (total = 0, r = 1; total < n; total += done) {
		ERR_clear_error();
		errno = 0;
		if (SSL_write_ex(s->ssl, (const char *)p + total, n - total,
		    &done) == 1)
			continue;
		if ((r = io_error(c, &s->wr_want, "TLS write")) == 0)
			errno = EPIPE;
		break;
	}
	if (n > TLS_RECORD)
		cork(c, 0);
	if (total > 0)
		return total;
	return r == 1 ? 0 : -1;
}

static void
tls_shutdown(struct conn *c)
{
	struct tls	*s = TLS(c);

	/* Not before the handshake is done: the advance step sends it. */
	if (s->deadline != 0 && !s->failed)
		s->sd_pending = 1;
	else if (s->failed)
		shutdown(c->fd, SHUT_WR);
	else
		close_notify(c);
}

/* A socket about to be reset gets no close_notify: that is a clean end. */
static int
resetting(int fd)
{
	struct linger	l;
	socklen_t	len = sizeof(l);

	return getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) == 0 &&
	    l.l_onoff && l.l_linger == 0;
}

static void
tls_close(struct conn *c)
{
	struct tls	*s = TLS(c);

	if (s->deadline == 0 && !s->failed &&
	    !(SSL_get_shutdown(s->ssl) & SSL_SENT_SHUTDOWN) &&
	    !resetting(c->fd)) {
		ERR_clear_error();
		SSL_shutdown(s->ssl);
	}
	ERR_clear_error();
	tls_free(c);
	close(c->fd);
}

static int64_t
tls_deadline(const struct conn *c)
{
	return TLS(c)->deadline;
}

static const char *
tls_failure(const struct conn *c)
{
	return TLS(c)->why[0] != '\0' ? TLS(c)->why : NULL;
}

static int
tls_truncated(const struct conn *c)
{
	return TLS(c)->truncated;
}

static const struct xport xport_tls = {
	.name = "tls",
	.read = tls_read,
	.write = tls_write,
	.shutdown = tls_shutdown,
	.close = tls_close,
	.want = tls_want,
	.advance = tls_advance,
	.splice = NULL,		/* the bytes go through OpenSSL */
	.deadline = tls_deadline,
	.failure = tls_failure,
	.truncated = tls_truncated,
};

int
tls_start(struct conn *c, struct tls_ctx *t, const char *host, char *err,
    size_t errlen)
{
	struct tls	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->ssl = SSL_new(t->ctx)) == NULL ||
	    SSL_set_fd(s->ssl, c->fd) != 1 ||
	    (!t->server && expect(s->ssl, t, host) == -1)) {
		reason(err, errlen, "TLS");
		if (s != NULL)
			SSL_free(s->ssl);
		free(s);
		return -1;
	}
	if (t->server) {
		SSL_set_accept_state(s->ssl);
		s->hs_want = LOOP_READ;
	} else {
		SSL_set_connect_state(s->ssl);
		s->hs_want = LOOP_WRITE;
	}
	s->deadline = now_ms() + t->hs_ms;
	c->xp = &xport_tls;
	c->xpd = s;
	return 0;
}

void
tls_free(struct conn *c)
{
	if (c->xp != &xport_tls)
		return;
	SSL_free(TLS(c)->ssl);
	free(c->xpd);
	c->xpd = NULL;
	c->xp = &xport_plain;
}

int
tls_no_tickets(struct conn *c)
{
	if (c->xp != &xport_tls)
		return 0;
	return SSL_set_num_tickets(TLS(c)->ssl, 0) == 1 ? 0 : -1;
}

int
tls_resumed(const struct conn *c)
{
	return c->xp == &xport_tls && SSL_session_reused(TLS(c)->ssl) == 1;
}
