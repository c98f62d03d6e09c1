/* Messages to stderr: errors as "sockit: CMD: ...", -v logs alike. */
#ifndef SOCKIT_LOG_H
#define SOCKIT_LOG_H

#include <stddef.h>

void	log_init(const char *cmd, int verbosity);
int	log_level(void);
/* Error line; always printed. */
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed when -v was given at least `level` times. */
void	log_v(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Copy peer-controlled text into dst with control bytes escaped. */
void	log_safe(char *dst, size_t dstlen, const char *src, size_t len);

#endif
