#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char	*log_cmd;
static int		 log_verbosity;

void
log_init(const char *cmd, int verbosity)
{
	log_cmd = cmd;
	log_verbosity = verbosity;
}

int
log_level(void)
{
	return log_verbosity;
}

static void
log_vprint(const char *fmt, va_list ap)
{
	char	line[1024];
	int	n;

	/* One write per line, so lines of concurrent processes stay whole. */
	if (log_cmd != NULL)
		n = snprintf(line, sizeof(line), "sockit: %s: ", log_cmd);
	else
		n = snprintf(line, sizeof(line), "sockit: ");
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	fprintf(stderr, "%s\n", line);
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

void
log_safe(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t	i, o = 0;

	for (i = 0; i < len && o + 5 < dstlen; i++) {
		unsigned char c = src[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			dst[o++] = c;
		else
			o += snprintf(dst + o, dstlen - o, "\\x%02x", c);
	}
	dst[o] = '\0';
}
