/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit wall: a client of several servers at once (the "clock wall"),
 * showing the latest whole message of each as one row per interval.
 *
 * Every source connects without blocking and, when it closes or a
 * connect fails, retries on its own timer; the others never wait for
 * it.  A source keeps at most VAL_CAP bytes of its latest message and
 * IN_CAP bytes read ahead of a delimiter: a line longer than that keeps
 * its head and loses its middle, so a flood or a 1 MB line costs no
 * memory.  Values are shown escaped (control bytes, invalid UTF-8) and
 * cut to their column with an ellipsis, so the table stays one row.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "cmd.h"
#include "conn.h"
#include "dial.h"
#include "log.h"
#include "opts.h"
#include "server.h"
#include "tls.h"
#include "util.h"
#include "ws.h"

#define VAL_CAP		4096	/* bytes kept of a latest message */
#define IN_CAP		8192	/* bytes read ahead of a delimiter */
#define TSV_CELLS	128	/* a value in a tab-separated row, at most */
#define WANT_MAX	1024	/* cells a terminal column asks for, at most */
#define SEP		"  "	/* between terminal columns */
#define SEP_CELLS	2
/* One cell of output is at most an escape or one character. */
#define SHOW_MAX	(WANT_MAX * (MB_LEN_MAX > 4 ? MB_LEN_MAX : 4) + 16)

enum src_state { S_DOWN, S_CONNECTING, S_UP };

struct source {
	struct wall	*W;
	const char	*name;		/* the column's heading */
	const char	*arg;		/* the address as given */
	struct target	 t;
	struct addr	 a;
	struct dial_cfg	 cfg;
	struct ws_cfg	 ws;		/* a ws:// source's */
	struct dial	 dial;
	struct conn	 c;		/* through TLS for a tls: address */
	enum src_state	 state;
	int		 settled;	/* a first message, or a failure */
	int		 said_down;	/* its failure is logged */
	int		 downs;		/* failed tries in a row: the pause */
	struct timer	 timer;		/* the next try */
	int64_t		 active;	/* last bytes read */
	char		 in[IN_CAP];	/* read, no delimiter yet */
	size_t		 inlen;
	int		 skipping;	/* the message is longer than VAL_CAP */
	char		 head[VAL_CAP];	/* ... and began so */
	char		 val[VAL_CAP];	/* the latest whole message */
	size_t		 vallen;
	int		 has_val, val_cut;
	int		 want;		/* cells its column asks for */
	int		 width;		/* cells shown in the last row */
};

struct wall {
	struct common	 co;
	struct tls_ctx	*tls;		/* for tls: sources, or NULL */
	int64_t		 interval;
	long long	 count, rows;
	struct loop	*loop;
	struct source	*src;
	int		 n;
	struct conn	*out;
	struct buf	 obuf;
	struct timer	 row;
	int64_t		 due;		/* when the row was meant to come */
	int		 first_done;	/* the first row is out */
	int		 tty;
	int		 drawn;		/* tty: a header and a row are shown */
	int		 utf8;
	int		 status;
};

static struct wall	*term_wall;	/* for the clean-up at exit */

static const struct opt_spec wall_opts[] = {
	{ "interval", 'I', required_argument, "DUR",
	    "one row every DUR (default 1s)" },
	{ "count", 'c', required_argument, "N", "exit after N rows" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
wall_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct wall	*W = ctx;

	switch (ch) {
	case 'I':
		if (parse_duration(arg, &W->interval, why) == -1)
			return -1;
		if (W->interval == 0) {
			*why = "must be more than 0";
			return -1;
		}
		return 0;
	case 'c':
		return parse_number(arg, 1, LLONG_MAX, &W->count, why);
	}
	return 1;
}

/* Rows go through a bounded buffer: a stalled reader misses rows. */
static void
out_flush(struct wall *W)
{
	if (buf_flush(&W->obuf, W->out) == -1) {
		if (errno != EPIPE) {
			log_err("stdout: %s", strerror(errno));
			W->status = 1;
		}
		buf_free(&W->obuf);
		loop_stop(W->loop);
		return;
	}
	loop_set(W->loop, 1, W->obuf.len > 0 ? LOOP_WRITE : 0);
}

/* Is c a Unicode character that may reorder or hide text? */
static int
sneaky(wchar_t c)
{
	return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/*
 * p[0..n) as the screen shows it, into out: what the locale knows as
 * printable stays, every other byte becomes \xHH.  At most max cells:
 * a longer value, or one cut already (cut), ends with an ellipsis.
 * Returns the cells used.
 */
static int
render(const struct wall *W, const char *p, size_t n, int cut, int max,
    char *out, size_t *outlen)
{
	const char	*ell = W->utf8 ? "\xe2\x80\xa6" : "...";
	int		 ellw = W->utf8 ? 1 : 3, cells = 0, w, fitc = 0;
	size_t		 len = 0, k, j, fit = 0, i, piece;
	unsigned char	 c;
	mbstate_t	 ms;
	wchar_t		 wc;
	char		 esc[MB_LEN_MAX * 4 + 1];

	memset(&ms, 0, sizeof(ms));
	for (i = 0; i < n; i += piece) {
		c = (unsigned char)p[i];
		piece = 1;
		if (c < 0x80)
			w = c >= 0x20 && c != 0x7f ? 1 : -1;
		else if ((piece = mbrtowc(&wc, p + i, n - i, &ms)) ==
		    (size_t)-1 || piece == (size_t)-2 || piece == 0) {
			memset(&ms, 0, sizeof(ms));
			piece = 1;
			w = -1;
		} else
			w = iswprint(wc) && !sneaky(wc) ? wcwidth(wc) : -1;
		if (w < 0) {
			for (k = 0, j = 0; j < piece; j++, k += 4)
				snprintf(esc + k, sizeof(esc) - k, "\\x%02x",
				    (unsigned char)p[i + j]);
			w = (int)k;
		} else {
			memcpy(esc, p + i, piece);
			k = piece;
		}
		/* Zero-width characters count against the bytes too. */
		if (cells + w > max || len + k + 3 > SHOW_MAX) {
			cut = 1;
			break;
		}
		memcpy(out + len, esc, k);
		len += k;
		cells += w;
		if (cells + ellw <= max) {
			fit = len;
			fitc = cells;
		}
	}
	if (cut) {
		if (cells + ellw > max) {
			len = fit;
			cells = fitc;
		}
		if (cells + ellw <= max) {
			memcpy(out + len, ell, strlen(ell));
			len += strlen(ell);
			cells += ellw;
		}
	}
	*outlen = len;
	return cells;
}

/* The text of s's cell now. */
static void
cell(const struct source *s, const char **p, size_t *n, int *cut)
{
	*cut = 0;
	if (s->state != S_UP) {
		*p = "down";
		*n = 4;
	} else if (!s->has_val) {
		*p = "-";
		*n = 1;
	} else {
		*p = s->val;
		*n = s->vallen;
		*cut = s->val_cut;
	}
}

/* Room for a row is made before it starts (see row_now). */
static void
emit(struct wall *W, const char *p, size_t n)
{
	(void)buf_append(&W->obuf, p, n);
}

/* Not a terminal: the header once, then a tab-separated line a row. */
static void
row_tsv(struct wall *W)
{
	static char	 show[SHOW_MAX];
	const char	*p;
	size_t		 n, len;
	int		 i, cut;

	if (W->rows == 0)
		for (i = 0; i < W->n; i++) {
			render(W, W->src[i].name, strlen(W->src[i].name), 0,
			    TSV_CELLS, show, &len);
			emit(W, show, len);
			emit(W, i + 1 < W->n ? "\t" : "\n", 1);
		}
	for (i = 0; i < W->n; i++) {
		cell(&W->src[i], &p, &n, &cut);
		render(W, p, n, cut, TSV_CELLS, show, &len);
		emit(W, show, len);
		emit(W, i + 1 < W->n ? "\t" : "\n", 1);
	}
}

/*
 * Share the terminal's width among the columns: each gets what it asks
 * for if all fit, else the narrow ones get theirs and the wide ones
 * share the rest equally.
 */
static void
widths(struct wall *W, int cols)
{
	int	avail = cols - 1 - SEP_CELLS * (W->n - 1), left, share, i, k;
	int	done[W->n];

	memset(done, 0, sizeof(done));
	for (left = W->n, k = 1; k && left > 0;) {
		share = avail / left > 1 ? avail / left : 1;
		for (k = 0, i = 0; i < W->n; i++)
			if (!done[i] && W->src[i].want <= share) {
				W->src[i].width = W->src[i].want;
				avail -= W->src[i].want;
				done[i] = 1;
				left--;
				k = 1;
			}
	}
	share = left > 0 && avail / left > 1 ? avail / left : 1;
	for (i = 0; i < W->n; i++)
		if (!done[i])
			W->src[i].width = share;
}

/* One line of the terminal table, cells padded to their widths. */
static void
tty_line(struct wall *W, int header)
{
	static char	 show[SHOW_MAX];
	struct source	*s;
	const char	*p;
	size_t		 n, len;
	int		 i, cut, w;

	for (i = 0; i < W->n; i++) {
		s = &W->src[i];
		if (header) {
			p = s->name;
			n = strlen(p);
			cut = 0;
		} else
			cell(s, &p, &n, &cut);
		w = render(W, p, n, cut, s->width, show, &len);
		emit(W, show, len);
		if (i + 1 < W->n) {
			for (; w < s->width; w++)
				emit(W, " ", 1);
			emit(W, SEP, SEP_CELLS);
		}
	}
}

/* The cells s's column asks for: its name's or its value's, if more. */
static int
want(const struct wall *W, const struct source *s)
{
	static char	 show[SHOW_MAX];
	const char	*p;
	size_t		 n, len;
	int		 a, b, cut;

	a = render(W, s->name, strlen(s->name), 0, WANT_MAX, show, &len);
	cell(s, &p, &n, &cut);
	b = render(W, p, n, cut, WANT_MAX, show, &len);
	return a > b ? a : b;
}

/*
 * A terminal: the header, then the row redrawn in place.  Columns only
 * grow, so the table does not jitter; when they do, the header above
 * is drawn again too.
 */
static void
row_tty(struct wall *W)
{
	struct winsize	ws;
	int		cols = 80, i, w, changed = !W->drawn, old[W->n];

	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		cols = ws.ws_col;
	for (i = 0; i < W->n; i++) {
		old[i] = W->src[i].width;
		if (W->src[i].want < (w = want(W, &W->src[i])))
			W->src[i].want = w;
	}
	widths(W, cols);
	for (i = 0; i < W->n; i++)
		changed |= old[i] != W->src[i].width;
	if (!W->drawn)
		emit(W, "\033[?25l", 6);	/* no cursor over the row */
	else if (changed)
		emit(W, "\r\033[1A", 5);	/* up to the header */
	else
		emit(W, "\r", 1);
	if (changed) {
		emit(W, "\033[K", 3);
		tty_line(W, 1);
		emit(W, "\r\n", 2);
	}
	emit(W, "\033[K", 3);
	tty_line(W, 0);
	W->drawn = 1;
}

/* Put the cursor back and end the row's line, once. */
static void
term_restore(void)
{
	static const char	end[] = "\033[?25h\n";
	struct wall		*W = term_wall;

	if (W == NULL || !W->drawn)
		return;
	W->drawn = 0;
	if (write(1, end, sizeof(end) - 1) == -1)
		return;	/* nothing more can be done for it */
}

static void	src_down(struct wall *, struct source *, const char *why);

static void
row_now(struct wall *W)
{
	int64_t	now = now_ms(), next;
	int	i;

	/* (first, as src_down below would otherwise ask for a first row) */
	W->first_done = 1;
	/* A source silent for -i is let go, and retried. */
	if (W->co.idle_ms > 0)
		for (i = 0; i < W->n; i++)
			if (W->src[i].state == S_UP &&
			    now - W->src[i].active >= W->co.idle_ms)
				src_down(W, &W->src[i], "idle");
	/* A reader that does not keep up misses rows, but sees whole ones. */
	if (W->obuf.len == 0) {
		if (W->tty)
			row_tty(W);
		else
			row_tsv(W);
		W->rows++;
		out_flush(W);
	}
	if (W->count > 0 && W->rows >= W->count) {
		loop_stop(W->loop);
		return;
	}
	next = W->due + W->interval;
	if (next <= now)
		next = now + W->interval;
	timer_at(W->loop, &W->row, next);
	W->due = next;
}

static void
on_row(struct loop *l, struct timer *t)
{
	struct wall	*W = container_of(t, struct wall, row);

	(void)l;
	row_now(W);
}

/* The first row comes as soon as every source has had its say. */
static void
maybe_first(struct wall *W)
{
	int	i;

	if (W->first_done)
		return;
	for (i = 0; i < W->n; i++)
		if (!W->src[i].settled)
			return;
	timer_stop(W->loop, &W->row);
	W->due = now_ms();
	row_now(W);
}

static void	src_connect(struct wall *, struct source *);

static void
src_close(struct wall *W, struct source *s)
{
	dial_cancel(&s->dial);
	if (s->c.fd != -1) {
		loop_del(W->loop, s->c.fd);
		conn_close(&s->c);
	}
	s->state = S_DOWN;
	s->inlen = 0;
	s->skipping = 0;
	s->has_val = 0;
}

/*
 * Down: try again after the connector's backoff, up to -w, the others
 * going on meanwhile.
 */
static void
src_down(struct wall *W, struct source *s, const char *why)
{
	int64_t	pause;
	int	was_up = s->state == S_UP;

	src_close(W, s);
	if (was_up)
		log_v(1, "%s: %s", s->arg, why);
	else if (!s->said_down)
		log_v(1, "%s: %s; retrying, pausing up to %lld ms", s->arg,
		    why, (long long)W->co.wait_ms);
	s->said_down = !was_up;
	s->settled = 1;
	if (was_up)
		s->downs = 0;
	pause = dial_backoff(s->downs++, W->co.wait_ms);
	log_v(2, "%s: trying again in %lld ms", s->arg, (long long)pause);
	timer_at(W->loop, &s->timer, now_ms() + pause);
	maybe_first(W);
}

static void
src_up(struct wall *W, struct source *s)
{
	s->state = S_UP;
	s->said_down = 0;
	s->active = now_ms();
	timer_stop(W->loop, &s->timer);
	loop_set(W->loop, s->c.fd, conn_want(&s->c, LOOP_READ));
	log_v(1, "connected to %s", s->arg);
}

/* A whole message: the latest; from a line too long, its head. */
static void
src_message(struct source *s, const char *p, size_t n)
{
	if (s->skipping) {
		memcpy(s->val, s->head, VAL_CAP);
		s->vallen = VAL_CAP;
		s->val_cut = 1;
		s->skipping = 0;
	} else {
		s->vallen = n < VAL_CAP ? n : VAL_CAP;
		memcpy(s->val, p, s->vallen);
		s->val_cut = n > VAL_CAP;
	}
	s->has_val = 1;
	s->settled = 1;
}

static void
src_scan(struct wall *W, struct source *s)
{
	const struct delim	*d = &W->co.delim;
	size_t			 off = 0, e, last = 0, lastlen = 0, keep;
	int			 any = 0;

	/* Of a flood, only the last message is worth a copy. */
	while ((e = frame_next(d, s->in + off, s->inlen - off)) > 0) {
		if (s->skipping)	/* the end of a long one: its head */
			src_message(s, NULL, 0);
		else {
			last = off;
			lastlen = e - d->len;
			any = 1;
		}
		off += e;
	}
	if (any)
		src_message(s, s->in + last, lastlen);
	memmove(s->in, s->in + off, s->inlen - off);
	s->inlen -= off;
	if (s->inlen == IN_CAP) {
		/* No end in a full buffer: keep the head, drop the middle,
		 * and the bytes a delimiter may have begun in. */
		if (!s->skipping)
			memcpy(s->head, s->in, VAL_CAP);
		s->skipping = 1;
		keep = d->len - 1;
		memmove(s->in, s->in + s->inlen - keep, keep);
		s->inlen = keep;
	}
}

static void
src_read(struct wall *W, struct source *s)
{
	ssize_t	n;

	n = s->c.xp->read(&s->c, s->in + s->inlen, IN_CAP - s->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		loop_set(W->loop, s->c.fd, conn_want(&s->c, LOOP_READ));
		return;
	}
	if (n <= 0) {
		src_down(W, s, n == 0 ? "closed" : strerror(errno));
		return;
	}
	s->active = now_ms();
	s->inlen += n;
	src_scan(W, s);
	loop_set(W->loop, s->c.fd, conn_want(&s->c, LOOP_READ));
	maybe_first(W);
}

static void
on_src(struct loop *l, int fd, int events, void *arg)
{
	struct source	*s = arg;
	struct wall	*W = s->W;
	int		 r;

	(void)l;
	(void)fd;
	if ((r = conn_ready(&s->c, events, LOOP_READ)) == -1)
		src_down(W, s, conn_failure(&s->c) != NULL ?
		    conn_failure(&s->c) : strerror(errno));
	else if (r & LOOP_READ)
		src_read(W, s);
}

/* Connected (with TLS, if asked), or not: up, or down until the retry. */
static void
on_dialed(struct dial *d, const char *err, void *arg)
{
	struct source	*s = arg;
	struct wall	*W = s->W;

	(void)d;
	if (err == NULL && loop_add(W->loop, s->c.fd, on_src, s) == -1)
		err = strerror(errno);
	if (err != NULL)
		src_down(W, s, err);
	else
		src_up(W, s);
}

static void
src_connect(struct wall *W, struct source *s)
{
	conn_init(&s->c, -1, s->arg);
	s->state = S_CONNECTING;
	dial_start(&s->dial, W->loop, &s->cfg, &s->c, on_dialed, s);
}

/* The retry is due. */
static void
on_src_timer(struct loop *l, struct timer *t)
{
	struct source	*s = container_of(t, struct source, timer);

	(void)l;
	src_connect(s->W, s);
}

static void
on_stdout(struct loop *l, int fd, int events, void *arg)
{
	(void)l;
	(void)fd;
	(void)events;
	out_flush(arg);
}

/* NAME=ADDRESS: a NAME holds no '/' or ':', so paths stay addresses. */
static void
src_parse(const struct cmd *cmd, struct wall *W, struct source *s,
    char *arg)
{
	struct addr	 a;
	char		 err[512], *eq = strchr(arg, '=');
	int		 usage;

	s->name = s->arg = arg;
	if (eq != NULL && strcspn(arg, "/:") > (size_t)(eq - arg)) {
		if (eq == arg)
			usage_error(cmd, "%s: empty NAME before '='", arg);
		*eq = '\0';
		s->arg = eq + 1;
	}
	if (opts_address(&W->co, 0, 1, (char **)&s->arg, &a, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	s->a = a;
	if (sock_target(&a, &s->t, &usage, err, sizeof(err)) == -1 ||
	    (W->co.source != NULL && sock_source(&s->t, W->co.source, &usage,
	    err, sizeof(err)) == -1)) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
	s->W = W;
	conn_init(&s->c, -1, s->arg);
	s->cfg.target = &s->t;
	s->cfg.wait_ms = W->co.wait_ms;
	s->cfg.keepalive = &W->co.keepalive;
	timer_init(&s->timer, on_src_timer);
}

/*
 * TLS for the tls: sources: options checked, certificates read, before
 * any connects.
 */
static void
wall_tls(const struct cmd *cmd, struct wall *W)
{
	char	err[512];
	int	i, tls = 0, ws = 0;

	for (i = 0; i < W->n; i++) {
		tls |= W->src[i].a.tls;
		ws |= W->src[i].a.ws;
		if (W->src[i].a.ws) {
			ws_cfg_init(&W->src[i].ws, &W->co, &W->src[i].a, 0,
			    W->co.wait_ms > 0 ? W->co.wait_ms :
			    TLS_HANDSHAKE_MS);
			W->src[i].cfg.ws = &W->src[i].ws;
		}
	}
	if (opts_check_tls(&W->co, 0, tls, err, sizeof(err)) == -1 ||
	    opts_check_ws(&W->co, 0, ws, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	if (tls && (W->tls = tls_ctx_new(&W->co.tls, 0, W->co.wait_ms, err,
	    sizeof(err))) == NULL)
		fatal("%s", err);
	for (i = 0; i < W->n; i++)
		if (W->src[i].a.tls) {
			W->src[i].cfg.tls = W->tls;
			W->src[i].cfg.tls_host = W->src[i].a.kind == ADDR_TCP ?
			    W->src[i].a.host : NULL;
		}
}

/* What is left for stdout goes, for at most the grace period. */
static void
drain(struct wall *W)
{
	(void)conn_drain(W->out, &W->obuf, now_ms() + GRACE_MS);
}

static int
wall_exec(const struct cmd *cmd, int argc, char **argv)
{
	static struct wall	 W_;
	struct wall		*W = &W_;
	const char		*cs;
	char			 err[256];
	int			 n, i;

	n = cmd_parse(cmd, argc, argv, wall_opt, W, &W->co);
	argc -= n;
	argv += n;
	if (argc == 0)
		usage_error(cmd, "missing ADDRESS");
	if (W->interval == 0)
		W->interval = 1000;
	if (W->co.wait_ms == 0)
		W->co.wait_ms = 1000;
	if ((W->src = calloc(argc, sizeof(*W->src))) == NULL)
		fatal("%s", strerror(errno));
	W->n = argc;
	for (i = 0; i < argc; i++)
		src_parse(cmd, W, &W->src[i], argv[i]);
	wall_tls(cmd, W);

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	W->utf8 = strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0;
	W->tty = isatty(1);
	/* A header and a row at most (see row_now): cells, escapes, and
	 * padding up to the widest terminal. */
	W->obuf.cap = 2 * ((size_t)W->n * (SHOW_MAX + 16) + USHRT_MAX) + 64;
	if ((W->out = conn_new(1, "stdout")) == NULL)
		fatal("%s", strerror(errno));
	if ((W->loop = loop_new(loop_pick(argc + 8), err,
	    sizeof(err))) == NULL)
		fatal("%s", err);
	if (loop_signals(W->loop, cmd_stop_on_signal, W) == -1 ||
	    loop_add(W->loop, 1, on_stdout, W) == -1)
		fatal("event loop: %s", strerror(errno));
	term_wall = W;
	atexit(term_restore);
	timer_init(&W->row, on_row);
	W->due = now_ms() + W->interval;
	timer_at(W->loop, &W->row, W->due);
	for (i = 0; i < W->n; i++)
		src_connect(W, &W->src[i]);
	if (loop_run(W->loop) == -1)
		fatal("event loop: %s", strerror(errno));
	drain(W);
	term_restore();
	for (i = 0; i < W->n; i++) {
		src_close(W, &W->src[i]);
		sock_target_free(&W->src[i].t);
	}
	free(W->src);
	tls_ctx_free(W->tls);
	buf_free(&W->obuf);
	conn_free(W->out);
	loop_free(W->loop);
	return W->status;
}

const struct cmd cmd_wall = {
	.name = "wall",
	.args = "[options] [NAME=]ADDRESS...",
	.summary = "a table of the latest message of several servers",
	.opts = wall_opts,
	.note = "(-w DUR: also the pause before a retry; 1s by default)",
	.flags = GROUP_DELIM | GROUP_CLIENT | GROUP_IDLE | CMD_MANY | CMD_NAMED,
	.serves = 0,
	.dials = KIND_STREAM | KIND_TLS | KIND_WS,
	.exec = wall_exec
};
