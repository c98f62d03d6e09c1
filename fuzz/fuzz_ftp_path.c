/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * FTP path resolution on arbitrary text: whatever the working
 * directory and the argument, the result is a clean absolute path
 * (no "." or ".." left, no empty component, no trailing slash) that
 * fits the buffer it was given, or -1.  A clean path resolves to
 * itself.  Confinement rests on this: ftp_path_open only ever sees
 * such a path.
 */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ftp/ftp.h"

static void
check_clean(const char *p)
{
	const char	*c, *e;
	size_t		 n;

	assert(p[0] == '/');
	if (p[1] == '\0')
		return;
	for (c = p + 1;; c = e + 1) {
		e = strchrnul(c, '/');
		n = (size_t)(e - c);
		assert(n > 0);
		assert(!(n == 1 && c[0] == '.'));
		assert(!(n == 2 && c[0] == '.' && c[1] == '.'));
		if (*e == '\0')
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*in, *arg, *cwd, *out, *again;
	size_t	 len;

	if (size < 1)
		return 0;
	/* The first byte sizes the output buffer: overruns show. */
	len = (size_t)data[0] * 17 % (FTP_PATH_MAX + 1);
	if ((in = malloc(size)) == NULL)
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	/* The working directory, then a NUL, then the argument. */
	arg = in + strlen(in);
	arg = arg < in + size - 1 ? arg + 1 : arg;
	cwd = malloc(FTP_PATH_MAX);
	out = malloc(len == 0 ? 1 : len);
	again = malloc(FTP_PATH_MAX);
	if (cwd == NULL || out == NULL || again == NULL)
		goto done;
	/* The server's cwd is always a resolved path. */
	if (ftp_path_resolve("/", in, cwd, FTP_PATH_MAX) == -1)
		goto done;
	check_clean(cwd);
	if (ftp_path_resolve(cwd, arg, out, len) == 0) {
		assert(strlen(out) < len);
		check_clean(out);
		assert(ftp_path_resolve("/", out, again, FTP_PATH_MAX) == 0);
		assert(strcmp(out, again) == 0);
		assert(ftp_path_resolve(cwd, out, again, FTP_PATH_MAX) == 0);
		assert(strcmp(out, again) == 0);
	}
done:
	free(cwd);
	free(out);
	free(again);
	free(in);
	return 0;
}
