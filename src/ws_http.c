/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The opening handshake.  SHA-1 is our own, small: a plain ws:// end
 * must not need the TLS library, which is loaded only for TLS.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ws.h"
#include "ws_http.h"

#define WS_GUID	"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#define ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))

static void
sha1_block(uint32_t h[5], const uint8_t *b)
{
	uint32_t	w[80], a, bb, c, d, e, f, k, t;
	int		i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		    (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20)
			f = (bb & c) | (~bb & d), k = 0x5a827999;
		else if (i < 40)
			f = bb ^ c ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (bb & c) | (bb & d) | (c & d), k = 0x8f1bbcdc;
		else
			f = bb ^ c ^ d, k = 0xca62c1d6;
		t = ROL(a, 5) + f + e + k + w[i];
		e = d, d = c, c = ROL(bb, 30), bb = a, a = t;
	}
	h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e;
}

void
ws_sha1(const void *p, size_t n, uint8_t md[20])
{
	uint32_t	 h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
			    0x10325476, 0xc3d2e1f0 };
	const uint8_t	*s = p;
	uint8_t		 last[128];
	uint64_t	 bits = (uint64_t)n * 8;
	size_t		 i, rest, tail;

	for (i = 0; i + 64 <= n; i += 64)
		sha1_block(h, s + i);
	rest = n - i;
	memset(last, 0, sizeof(last));
	memcpy(last, s + i, rest);
	last[rest] = 0x80;
	tail = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		last[tail - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha1_block(h, last);
	if (tail == 128)
		sha1_block(h, last + 64);
	for (i = 0; i < 20; i++)
		md[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

void
ws_base64(const uint8_t *p, size_t n, char *out)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t		 v;
	size_t			 i;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*out++ = b64[v >> 18 & 63];
		*out++ = b64[v >> 12 & 63];
		*out++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*out++ = i + 2 < n ? b64[v & 63] : '=';
	}
	*out = '\0';
}

void
ws_accept_for(const char *key, char out[29])
{
	char	buf[128];
	uint8_t	md[20];
	int	n;

	n = snprintf(buf, sizeof(buf), "%.64s%s", key, WS_GUID);
	ws_sha1(buf, n, md);
	ws_base64(md, sizeof(md), out);
}

void
ws_new_key(char out[25])
{
	uint8_t	raw[16];

	arc4random_buf(raw, sizeof(raw));
	ws_base64(raw, sizeof(raw), out);
}

size_t
ws_http_end(const char *buf, size_t len)
{
	size_t	i;

	for (i = 3; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' &&
		    buf[i - 3] == '\r')
			return i + 1;
	return 0;
}

int
ws_http_request(char *buf, size_t cap, const struct ws_cfg *cfg,
    const char *key)
{
	size_t	n;
	int	i;

	n = snprintf(buf, cap, "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n",
	    cfg->path, cfg->host, key);
	if (cfg->protocol != NULL && n < cap)
		n += snprintf(buf + n, cap - n, "Sec-WebSocket-Protocol: %s\r\n",
		    cfg->protocol);
	for (i = 0; i < cfg->nheaders && n < cap; i++)
		n += snprintf(buf + n, cap - n, "%s\r\n", cfg->headers[i]);
	if (n < cap)
		n += snprintf(buf + n, cap - n, "\r\n");
	return n < cap ? (int)n : -1;
}

/* The head, as the parts both sides look at. */
struct head {
	char	first[512];		/* request or status line */
	char	upgrade[64], connection[128], key[64], version[16];
	char	origin[256], protocol[256], accept[64];
};

static void
field(struct head *h, const char *name, size_t nlen, const char *v,
    size_t vlen)
{
	static const struct {
		const char	*name;
		size_t		 off, size;
	} f[] = {
#define F(n, m)	{ n, offsetof(struct head, m), sizeof(((struct head *)0)->m) }
		F("upgrade", upgrade), F("connection", connection),
		F("sec-websocket-key", key), F("sec-websocket-version", version),
		F("origin", origin), F("sec-websocket-protocol", protocol),
		F("sec-websocket-accept", accept),
#undef F
	};
	size_t	i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strlen(f[i].name) == nlen &&
		    strncasecmp(f[i].name, name, nlen) == 0)
			snprintf((char *)h + f[i].off, f[i].size, "%.*s",
			    (int)vlen, v);
}

/* Split the head into its lines and the fields we know; -1 if malformed. */
static int
parse_head(const char *buf, size_t len, struct head *h)
{
	const char	*p = buf, *end = buf + len, *e, *colon, *v;
	size_t		 n;

	memset(h, 0, sizeof(*h));
	for (n = 0; p < end; n++, p = e + 1) {
		if ((e = memchr(p, '\n', end - p)) == NULL)
			return -1;
		if (e == p || e[-1] != '\r')
			return -1;
		if (e - 1 == p)
			return n > 0 ? 0 : -1;	/* the empty line */
		if (n == 0) {
			snprintf(h->first, sizeof(h->first), "%.*s",
			    (int)(e - 1 - p), p);
			continue;
		}
		if ((colon = memchr(p, ':', e - p)) == NULL || colon == p)
			return -1;
		for (v = colon + 1; v < e - 1 && (*v == ' ' || *v == '\t'); v++)
			;
		field(h, p, colon - p, v, e - 1 - v);
	}
	return -1;
}

/* Is tok one of the comma-separated tokens of list (any case)? */
static int
has_token(const char *list, const char *tok)
{
	size_t	n = strlen(tok), k;

	while (*list != '\0') {
		list += strspn(list, " \t,");
		k = strcspn(list, ",");
		while (k > 0 && (list[k - 1] == ' ' || list[k - 1] == '\t'))
			k--;
		if (k == n && strncasecmp(list, tok, n) == 0)
			return 1;
		list += strcspn(list, ",");
	}
	return 0;
}

static const char *
reason(int status)
{
	switch (status) {
	case 101:
		return "Switching Protocols";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 426:
		return "Upgrade Required";
	}
	return "Bad Request";
}

/* The request line: GET TARGET HTTP/1.1; does TARGET's path match? */
static int
check_line(const char *line, const struct ws_cfg *cfg, char *why,
    size_t whylen)
{
	char	method[16], target[WS_PATH_MAX], version[16];
	size_t	plen;

	if (sscanf(line, "%15s %1023s %15s", method, target, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7) != 0 || strcmp(version,
	    "HTTP/1.0") == 0) {
		snprintf(why, whylen, "not an HTTP/1.1 request");
		return 400;
	}
	if (strcmp(method, "GET") != 0) {
		snprintf(why, whylen, "%s, not GET", method);
		return 400;
	}
	/* A server on "/" takes any path, as websockify does. */
	plen = strcspn(target, "?");
	if (strcmp(cfg->path, "/") != 0 && (plen != strcspn(cfg->path, "?") ||
	    strncmp(target, cfg->path, plen) != 0)) {
		snprintf(why, whylen, "path %.200s, not %.200s", target,
		    cfg->path);
		return 404;
	}
	return 0;
}

static int
check_request(const struct head *h, const struct ws_cfg *cfg, char *why,
    size_t whylen)
{
	int	i, st;

	if ((st = check_line(h->first, cfg, why, whylen)) != 0)
		return st;
	if (!has_token(h->upgrade, "websocket") ||
	    !has_token(h->connection, "upgrade")) {
		snprintf(why, whylen, "not a WebSocket upgrade");
		return 400;
	}
	if (strcmp(h->version, "13") != 0) {
		snprintf(why, whylen, "WebSocket version %s, not 13",
		    h->version[0] != '\0' ? h->version : "missing");
		return 426;
	}
	if (strlen(h->key) != 24 || h->key[21] == '=' || h->key[22] != '=' ||
	    h->key[23] != '=' || strspn(h->key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/") != 22) {
		snprintf(why, whylen, "bad Sec-WebSocket-Key");
		return 400;
	}
	if (cfg->norigins == 0)
		return 101;
	for (i = 0; i < cfg->norigins; i++)
		if (strcasecmp(h->origin, cfg->origins[i]) == 0)
			return 101;
	snprintf(why, whylen, "Origin %s not allowed",
	    h->origin[0] != '\0' ? h->origin : "missing");
	return 403;
}

int
ws_http_answer(const char *req, size_t len, const struct ws_cfg *cfg,
    char *out, size_t cap, size_t *outlen, char *why, size_t whylen)
{
	struct head	h;
	char		acc[29];
	int		st, n;

	why[0] = '\0';
	if (parse_head(req, len, &h) == -1) {
		snprintf(why, whylen, "malformed HTTP request");
		st = 400;
	} else
		st = check_request(&h, cfg, why, whylen);
	if (st != 101) {
		n = snprintf(out, cap, "HTTP/1.1 %d %s\r\nContent-Type: "
		    "text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n"
		    "%s\r\n%s\n", st, reason(st), strlen(why) + 1, st == 426 ?
		    "Sec-WebSocket-Version: 13\r\n" : "", why);
		*outlen = n < (int)cap ? (size_t)n : cap;
		return st;
	}
	ws_accept_for(h.key, acc);
	n = snprintf(out, cap, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n", acc);
	if (cfg->protocol != NULL && has_token(h.protocol, cfg->protocol))
		n += snprintf(out + n, cap - n, "Sec-WebSocket-Protocol: %s\r\n",
		    cfg->protocol);
	n += snprintf(out + n, cap - n, "\r\n");
	*outlen = n;
	return 101;
}

int
ws_http_check(const char *resp, size_t len, const struct ws_cfg *cfg,
    const char *key, char *why, size_t whylen)
{
	struct head	h;
	char		acc[29];

	if (parse_head(resp, len, &h) == -1) {
		snprintf(why, whylen, "not an HTTP answer");
		return -1;
	}
	if (strncmp(h.first, "HTTP/1.1 101", 12) != 0 ||
	    (h.first[12] != ' ' && h.first[12] != '\0')) {
		snprintf(why, whylen, "the server answered %.200s",
		    strncmp(h.first, "HTTP/", 5) == 0 ? h.first + 9 : h.first);
		return -1;
	}
	ws_accept_for(key, acc);
	if (!has_token(h.upgrade, "websocket") ||
	    !has_token(h.connection, "upgrade"))
		snprintf(why, whylen, "the server's 101 is not to WebSocket");
	else if (strcmp(h.accept, acc) != 0)
		snprintf(why, whylen, "wrong Sec-WebSocket-Accept");
	else if (h.protocol[0] != '\0' && (cfg->protocol == NULL ||
	    strcmp(h.protocol, cfg->protocol) != 0))
		snprintf(why, whylen, "the server chose subprotocol %s, which "
		    "we did not offer", h.protocol);
	else
		return 0;
	return -1;
}
