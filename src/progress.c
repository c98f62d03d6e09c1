/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

#define PROGRESS_MS	250

int
progress_parse(const char *arg, int *mode, const char **why)
{
	if (arg == NULL)
		*mode = PROGRESS_TTY;
	else if (strcmp(arg, "always") == 0)
		*mode = PROGRESS_ALWAYS;
	else {
		*why = "not 'always' (--progress alone: on a terminal)";
		return -1;
	}
	return 0;
}

static void
human(char *buf, size_t len, double n)
{
	static const char	*unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t			 i = 0;

	while (n >= 1024 && i + 1 < sizeof(unit) / sizeof(unit[0])) {
		n /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f %s", n, unit[i]);
	else
		snprintf(buf, len, "%.1f %s", n, unit[i]);
}

static void
clock_text(char *buf, size_t len, int64_t ms)
{
	long long	s = ms / 1000;

	if (s >= 3600)
		snprintf(buf, len, "%lld:%02lld:%02lld", s / 3600,
		    s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%lld:%02lld", s / 60, s % 60);
}

static void
draw(struct progress *p, int last)
{
	uint64_t	sent, recv, in;
	int64_t		ms = now_ms() - p->start;
	char		a[32], b[32], r[32], t[32], eta[32], line[256];
	int		n;

	p->count(p->arg, &sent, &recv, &in);
	if (!last && !p->tty && sent + recv == p->moved)
		return;		/* plain lines only when something moved */
	p->moved = sent + recv;
	human(a, sizeof(a), sent);
	human(b, sizeof(b), recv);
	human(r, sizeof(r), ms > 0 ? (sent + recv) * 1000.0 / ms : 0);
	clock_text(t, sizeof(t), ms);
	n = snprintf(line, sizeof(line), "%s sent, %s received, %s/s, %s",
	    a, b, r, t);
	if (p->total > 0) {
		if (in > p->total)
			in = p->total;
		n += snprintf(line + n, sizeof(line) - n, ", %d%%",
		    (int)(in * 100 / p->total));
		if (!last && in > 0 && in < p->total) {
			clock_text(eta, sizeof(eta),
			    (int64_t)((double)ms * (p->total - in) / in));
			snprintf(line + n, sizeof(line) - n, " ETA %s", eta);
		}
	}
	if (p->tty)
		fprintf(stderr, "\r%s\033[K%s", line, last ? "\n" : "");
	else
		fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

static void
tick(struct loop *l, struct timer *t)
{
	struct progress	*p = container_of(t, struct progress, timer);

	draw(p, 0);
	timer_at(l, t, now_ms() + PROGRESS_MS);
}

void
progress_start(struct progress *p, int mode, struct loop *l,
    progress_fn *count, void *arg)
{
	struct stat	st;
	off_t		pos;

	memset(p, 0, sizeof(*p));
	p->tty = isatty(2);
	if (mode == PROGRESS_OFF || (mode == PROGRESS_TTY && !p->tty))
		return;
	p->on = 1;
	p->count = count;
	p->arg = arg;
	p->loop = l;
	p->start = now_ms();
	/* What is left of a file from where stdin stands. */
	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) &&
	    (pos = lseek(0, 0, SEEK_CUR)) != -1 && st.st_size > pos)
		p->total = st.st_size - pos;
	timer_init(&p->timer, tick);
	timer_at(l, &p->timer, p->start + PROGRESS_MS);
}

void
progress_hold(struct progress *p)
{
	if (!p->on)
		return;
	p->held = 1;
	timer_stop(p->loop, &p->timer);
}

void
progress_go(struct progress *p)
{
	if (!p->on || !p->held)
		return;
	p->held = 0;
	p->start = now_ms();
	timer_at(p->loop, &p->timer, p->start + PROGRESS_MS);
}

void
progress_end(struct progress *p)
{
	if (p->on && !p->held)
		draw(p, 1);
	p->on = 0;
}
