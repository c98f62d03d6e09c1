/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* Message framing: delimiter escapes and finding message ends. */
#ifndef SOCKIT_FRAME_H
#define SOCKIT_FRAME_H

#include <stddef.h>

#define DELIM_MAX	16

struct delim {
	char	bytes[DELIM_MAX];
	size_t	len;
};

/*
 * Text with the escapes of -d (\n \r \t \0 \\ \xHH) -> at most cap
 * bytes at out, *len of them; -1 with *why on error ("too long").
 */
int	unescape(const char *s, char *out, size_t cap, size_t *len,
	    const char **why);
/* "\r\n", "\0", "\x1e", ";" -> bytes; -1 with *why on error. */
int	delim_parse(const char *s, struct delim *d, const char **why);
/*
 * Length of the leading run of whole messages in buf[0..len): the end of
 * the last delimiter in it, or 0 when there is none.
 */
size_t	frame_whole(const struct delim *d, const char *buf, size_t len);
/* End of the first message (past its delimiter), or 0 when none. */
size_t	frame_next(const struct delim *d, const char *buf, size_t len);

/*
 * frame_whole for a buffer that grows at its tail and is consumed at its
 * head: only the bytes new since the last call are searched.
 */
struct frame_scan {
	size_t	whole;		/* end of the last delimiter found */
	size_t	scanned;	/* bytes searched so far */
};
size_t	frame_scan(const struct delim *d, struct frame_scan *fs,
	    const char *buf, size_t len);
/* n bytes left the head of the buffer. */
void	frame_consumed(struct frame_scan *fs, size_t n);

#endif
