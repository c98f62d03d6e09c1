/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * WebSocket frames (RFC 6455 section 5), parsed as a stream: header
 * bytes are held until whole, payload bytes go out as they come, so a
 * frame of any length costs no memory; control frames (at most 125
 * bytes) are held whole.  Every rule of section 5 is checked here.
 */
#include "config.h"

#include <string.h>

#include "ws.h"

void
ws_parser_init(struct ws_parser *ps, int server, uint64_t max)
{
	memset(ps, 0, sizeof(*ps));
	ps->server = server;
	ps->max = max;
}

int
ws_utf8(struct ws_utf8 *u, const uint8_t *p, size_t n)
{
	size_t	i;
	uint8_t	c;

	for (i = 0; i < n; i++) {
		c = p[i];
		if (u->need > 0) {
			if (c < u->lo || c > u->hi)
				return -1;
			u->need--;
			u->lo = 0x80;
			u->hi = 0xbf;
			continue;
		}
		if (c < 0x80)
			continue;
		u->lo = 0x80;
		u->hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			u->need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			/* No overlong forms, no surrogates. */
			u->need = 2;
			u->lo = c == 0xe0 ? 0xa0 : 0x80;
			u->hi = c == 0xed ? 0x9f : 0xbf;
		} else if (c >= 0xf0 && c <= 0xf4) {
			u->need = 3;
			u->lo = c == 0xf0 ? 0x90 : 0x80;
			u->hi = c == 0xf4 ? 0x8f : 0xbf;
		} else
			return -1;
	}
	return 0;
}

int
ws_code_ok(unsigned code)
{
	if (code >= 3000 && code <= 4999)
		return 1;
	return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 &&
	    code != 1006;
}

size_t
ws_header(uint8_t *h, int fin, int op, uint64_t len, const uint8_t *key)
{
	size_t	n = 2;
	int	i;

	h[0] = (fin ? 0x80 : 0) | (op & 0x0f);
	if (len < 126)
		h[1] = (uint8_t)len;
	else if (len < 65536) {
		h[1] = 126;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	} else {
		h[1] = 127;
		for (i = 7; i >= 0; i--)
			h[n++] = (uint8_t)(len >> (8 * i));
	}
	if (key != NULL) {
		h[1] |= 0x80;
		memcpy(h + n, key, 4);
		n += 4;
	}
	return n;
}

/* Eight bytes at a time: a client masks every byte it sends. */
void
ws_mask(uint8_t *p, size_t n, const uint8_t *key, uint64_t pos)
{
	uint8_t		k[8];
	uint64_t	m, v;
	size_t		i;

	for (i = 0; i < 8; i++)
		k[i] = key[(pos + i) & 3];
	memcpy(&m, k, sizeof(m));
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&v, p + i, sizeof(v));
		v ^= m;
		memcpy(p + i, &v, sizeof(v));
	}
	for (; i < n; i++)
		p[i] ^= key[(pos + i) & 3];
}

static int
bad(struct ws_parser *ps, int code, const char *why)
{
	ps->code = code;
	ps->why = why;
	return -1;
}

/* How long the header in hdr is, from what of it is there. */
static size_t
hdr_need(const struct ws_parser *ps)
{
	size_t	n = 2;

	if (ps->hlen < 2)
		return 2;
	if ((ps->hdr[1] & 0x7f) == 126)
		n += 2;
	else if ((ps->hdr[1] & 0x7f) == 127)
		n += 8;
	return n + (ps->hdr[1] & 0x80 ? 4 : 0);
}

/* The length of the header in hdr: -1 if it is not in its shortest form. */
static int
hdr_len(struct ws_parser *ps, uint64_t *len, size_t *k)
{
	const uint8_t	*h = ps->hdr;
	int		 i;

	*len = h[1] & 0x7f;
	*k = 2;
	if (*len == 126) {
		*len = (uint64_t)h[2] << 8 | h[3];
		*k = 4;
		if (*len < 126)
			return bad(ps, 1002, "frame length not in its shortest "
			    "form");
	} else if (*len == 127) {
		for (*len = 0, i = 2; i < 10; i++)
			*len = *len << 8 | h[i];
		*k = 10;
		if (*len >> 63)
			return bad(ps, 1002, "frame length of 2^63 or more");
		if (*len < 65536)
			return bad(ps, 1002, "frame length not in its shortest "
			    "form");
	}
	return 0;
}

/* The header is whole: check it against section 5, start the frame. */
static int
frame_begin(struct ws_parser *ps)
{
	uint64_t	len;
	size_t		k;

	ps->fin = ps->hdr[0] & 0x80;
	ps->op = ps->hdr[0] & 0x0f;
	ps->masked = (ps->hdr[1] & 0x80) != 0;
	if (ps->hdr[0] & 0x70)
		return bad(ps, 1002, "reserved bits set");
	if (hdr_len(ps, &len, &k) == -1)
		return -1;
	if (ps->masked)
		memcpy(ps->key, ps->hdr + k, 4);
	if (ps->masked != ps->server)
		return bad(ps, 1002, ps->server ? "unmasked frame from a "
		    "client" : "masked frame from a server");
	if (ps->op >= 8) {
		if (ps->op > WS_OP_PONG)
			return bad(ps, 1002, "unknown opcode");
		if (!ps->fin)
			return bad(ps, 1002, "fragmented control frame");
		if (len > WS_CTL_MAX)
			return bad(ps, 1002, "control frame longer than 125 "
			    "bytes");
		ps->clen = 0;
	} else if (ps->op > WS_OP_BINARY)
		return bad(ps, 1002, "unknown opcode");
	else if (ps->op == WS_OP_CONT && ps->msg == 0)
		return bad(ps, 1002, "continuation frame with no message");
	else if (ps->op != WS_OP_CONT && ps->msg != 0)
		return bad(ps, 1002, "new message inside a fragmented one");
	else if (ps->op != WS_OP_CONT) {
		ps->msg = ps->op;
		ps->msglen = 0;
		memset(&ps->u8, 0, sizeof(ps->u8));
	}
	if (ps->op < 8 && (ps->msglen += len) > ps->max && ps->max > 0)
		return bad(ps, 1009, "message longer than --ws-max-message");
	ps->left = len;
	ps->pos = 0;
	ps->infr = 1;
	return 0;
}

/* A Close frame's code and reason. */
static int
close_ok(struct ws_parser *ps)
{
	struct ws_utf8	u = { 0, 0, 0 };

	if (ps->clen == 1)
		return bad(ps, 1002, "Close frame of 1 byte");
	if (ps->clen >= 2 && !ws_code_ok((unsigned)ps->ctl[0] << 8 |
	    ps->ctl[1]))
		return bad(ps, 1002, "Close frame with an invalid code");
	if (ps->clen > 2 && (ws_utf8(&u, ps->ctl + 2, ps->clen - 2) == -1 ||
	    u.need != 0))
		return bad(ps, 1007, "Close reason not UTF-8");
	return 0;
}

static enum ws_ev
frame_end(struct ws_parser *ps)
{
	ps->infr = 0;
	if (ps->op >= 8) {
		if (ps->op == WS_OP_CLOSE && close_ok(ps) == -1)
			return WS_EV_ERROR;
		return WS_EV_CTL;
	}
	if (!ps->fin)
		return WS_EV_MORE;
	if (ps->msg == WS_OP_TEXT && ps->u8.need != 0) {
		bad(ps, 1007, "text message not UTF-8");
		return WS_EV_ERROR;
	}
	ps->msg = 0;
	return WS_EV_END;
}

/* Payload bytes in[0..n) of the frame under way: 0, or -1 (bad). */
static int
payload(struct ws_parser *ps, const uint8_t *in, size_t n, uint8_t *out)
{
	if (ps->op >= 8) {
		memcpy(ps->ctl + ps->clen, in, n);
		if (ps->masked)
			ws_mask(ps->ctl + ps->clen, n, ps->key, ps->pos);
		ps->clen += n;
	} else {
		memmove(out, in, n);
		if (ps->masked)
			ws_mask(out, n, ps->key, ps->pos);
		if (ps->msg == WS_OP_TEXT && ws_utf8(&ps->u8, out, n) == -1)
			return bad(ps, 1007, "text message not UTF-8");
	}
	ps->pos += n;
	ps->left -= n;
	return 0;
}

enum ws_ev
ws_parse(struct ws_parser *ps, uint8_t *in, size_t len, size_t *used,
    uint8_t *out, size_t outcap, size_t *outlen)
{
	enum ws_ev	ev = WS_EV_MORE;
	size_t		i = 0, o = 0, n;

	while (i < len) {
		if (!ps->infr) {
			while (ps->hlen < hdr_need(ps) && i < len)
				ps->hdr[ps->hlen++] = in[i++];
			if (ps->hlen < hdr_need(ps))
				break;
			ps->hlen = 0;
			if (frame_begin(ps) == -1) {
				ev = WS_EV_ERROR;
				break;
			}
		} else {
			n = len - i < ps->left ? len - i : ps->left;
			if (ps->op < 8 && n > outcap - o)
				n = outcap - o;
			if (n == 0 && ps->left > 0)
				break;		/* the output is full */
			if (payload(ps, in + i, n, out + o) == -1) {
				ev = WS_EV_ERROR;
				break;
			}
			i += n;
			o += ps->op < 8 ? n : 0;
		}
		if (ps->left == 0 && (ev = frame_end(ps)) != WS_EV_MORE)
			break;
	}
	*used = i;
	*outlen = o;
	return ev;
}
