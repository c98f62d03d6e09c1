/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The WebSocket opening handshake (RFC 6455 section 4): the client's
 * request, the server's check of it and its answer (101, or an HTTP
 * error), the client's check of that; with the SHA-1 and base64 of
 * Sec-WebSocket-Accept.  Text in, text out: no I/O here.
 */
#ifndef SOCKIT_WS_HTTP_H
#define SOCKIT_WS_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct ws_cfg;

/* Requests and answers longer than this are refused. */
#define WS_HTTP_MAX	8192

/* The end of the head (past its empty line) in buf, or 0 if not yet. */
size_t	ws_http_end(const char *buf, size_t len);
void	ws_sha1(const void *p, size_t n, uint8_t md[20]);
/* base64 of p into out (4 * ((n + 2) / 3) + 1 bytes). */
void	ws_base64(const uint8_t *p, size_t n, char *out);
/* Sec-WebSocket-Accept for key: 28 characters and a NUL. */
void	ws_accept_for(const char *key, char out[29]);
/* A new Sec-WebSocket-Key: 24 characters and a NUL. */
void	ws_new_key(char out[25]);
/* The client's request into buf: its length, or -1 if it does not fit. */
int	ws_http_request(char *buf, size_t cap, const struct ws_cfg *,
	    const char *key);
/*
 * The server's look at a request head: the answer into out (*outlen
 * bytes), and its status: 101, or 400, 403, 404, 426 with why said.
 */
int	ws_http_answer(const char *req, size_t len, const struct ws_cfg *,
	    char *out, size_t cap, size_t *outlen, char *why, size_t whylen);
/* The client's look at the answer: 0, or -1 with why. */
int	ws_http_check(const char *resp, size_t len, const struct ws_cfg *,
	    const char *key, char *why, size_t whylen);

#endif
