/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char	*log_cmd;
static int		 log_verbosity;
void			(*log_nc)(int, int, const char *);

void
log_init(const char *cmd, int verbosity)
{
	log_cmd = cmd;
	log_verbosity = verbosity;
}

static void
log_vprint(const char *fmt, va_list ap)
{
	char	line[1024];
	int	n, e = errno;

	/* One write per line, so lines of concurrent processes stay whole. */
	if (log_cmd != NULL)
		n = snprintf(line, sizeof(line), "sockit: %s: ", log_cmd);
	else
		n = snprintf(line, sizeof(line), "sockit: ");
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	fprintf(stderr, "%s\n", line);
	/* A caller may log, then look at errno or print strerror(errno). */
	errno = e;
}

void
log_err(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}

void
log_v(int level, const char *fmt, ...)
{
	va_list	ap;

	if (log_verbosity < level)
		return;
	va_start(ap, fmt);
	log_vprint(fmt, ap);
	va_end(ap);
}
