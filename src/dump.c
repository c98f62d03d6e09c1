/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/time.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"

FILE	*dump_sink;

int
dump_open(const char *path, char *err, size_t errlen)
{
	int	fd;

	if (path == NULL || *path == '\0') {
		dump_sink = stderr;
		return 0;
	}
	/* Appended: several sockit processes may share one log. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd == -1 || (dump_sink = fdopen(fd, "a")) == NULL) {
		snprintf(err, errlen, "--hexdump %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return 0;
}

/* A byte as the dump shows it: never a control byte to a terminal. */
static int
shown(unsigned char ch)
{
	return ch >= 0x20 && ch < 0x7f ? ch : '.';
}

static void
header(int dir, const char *peer, size_t n)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 when[64], zone[8];
	const char	*p;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	fprintf(dump_sink, "%c ", dir);
	/* A unix path may hold anything: keep it off the terminal too. */
	for (p = peer; *p != '\0'; p++)
		fputc(shown(*p), dump_sink);
	fprintf(dump_sink, " %zu byte%s %s.%03ld%s\n", n, n == 1 ? "" : "s",
	    when, (long)tv.tv_usec / 1000, zone);
}

void
dump_chunk(int dir, const char *peer, uint64_t off, const void *buf,
    size_t n)
{
	const unsigned char	*p = buf;
	size_t			 i, j;

	header(dir, peer, n);
	for (i = 0; i < n; i += 16) {
		fprintf(dump_sink, "%08llx ", (unsigned long long)(off + i));
		for (j = 0; j < 16; j++) {
			if (j == 8)
				fputc(' ', dump_sink);
			if (i + j < n)
				fprintf(dump_sink, " %02x", p[i + j]);
			else
				fputs("   ", dump_sink);
		}
		fputs("  |", dump_sink);
		for (j = 0; j < 16 && i + j < n; j++)
			fputc(shown(p[i + j]), dump_sink);
		fputs("|\n", dump_sink);
	}
	fflush(dump_sink);
}
