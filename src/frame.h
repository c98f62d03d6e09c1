/* Message framing: delimiter escapes and finding message ends. */
#ifndef SOCKIT_FRAME_H
#define SOCKIT_FRAME_H

#include <stddef.h>

#define DELIM_MAX	16

struct delim {
	char	bytes[DELIM_MAX];
	size_t	len;
};

/* "\r\n", "\0", "\x1e", ";" -> bytes; -1 with *why on error. */
int	delim_parse(const char *s, struct delim *d, const char **why);
/*
 * Length of the leading run of whole messages in buf[0..len): the end of
 * the last delimiter in it, or 0 when there is none.
 */
size_t	frame_whole(const struct delim *d, const char *buf, size_t len);
/* End of the first message (past its delimiter), or 0 when none. */
size_t	frame_next(const struct delim *d, const char *buf, size_t len);

#endif
