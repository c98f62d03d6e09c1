/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * A readiness loop: file events, timers, signals through a self-pipe.
 * Backends (select, epoll) sit behind struct loop_ops.
 */
#ifndef SOCKIT_LOOP_H
#define SOCKIT_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2

/* The struct that holds member m at p: callbacks get the member. */
#define container_of(p, type, m) \
	((type *)(void *)((char *)(p) - offsetof(type, m)))

struct loop;
struct timer;
typedef void	loop_io_fn(struct loop *, int fd, int events, void *arg);
typedef void	loop_timer_fn(struct loop *, struct timer *);
typedef void	loop_signal_fn(struct loop *, int signo, void *arg);

enum loop_backend {
	LOOP_SELECT,
	LOOP_EPOLL
};

/*
 * A timer is a handle its owner embeds (a client's idle timer, a
 * connect deadline) and arms as often as it likes; the loop keeps the
 * armed ones in a heap.  The callback finds its owner with container_of.
 */
struct timer {
	int64_t		 when;		/* monotonic ms */
	loop_timer_fn	*fn;
	int		 slot;		/* heap index + 1; 0 = not armed */
};

struct loop_fd {
	loop_io_fn	*fn;
	void		*arg;
	int		 mask;		/* interest asked for */
	int		 fired;		/* index + 1 in this turn's fired */
};

struct loop_fired {
	int	fd;			/* -1: dropped by loop_del */
	int	events;
};

struct loop_ops {
	const char	*name;
	int	(*init)(struct loop *);
	void	(*free)(struct loop *);
	/* Make the backend watch mask (0 = nothing) on fd. */
	int	(*update)(struct loop *, int fd, int mask);
	/* Wait; fill l->fired, return how many, -1 on error. */
	int	(*wait)(struct loop *, int64_t timeout_ms);
};

struct loop {
	const struct loop_ops	*ops;
	enum loop_backend	 backend;
	void			*be;		/* backend state */
	struct loop_fd		*fds;		/* indexed by fd */
	int			 nfds;		/* slots in fds */
	struct loop_fired	*fired;
	int			 nfired_max;
	int			 stop;
	struct timer		**heap;		/* armed timers, soonest first */
	int			 nheap, heapcap;
	int			 sigpipe[2];
	loop_signal_fn		*sigfn;
	void			*sigarg;
	loop_signal_fn		*chldfn;	/* SIGCHLD, if asked for */
	void			*chldarg;
	loop_signal_fn		*usr1fn;	/* SIGUSR1, if asked for */
	void			*usr1arg;
};

extern const struct loop_ops	loop_select_ops, loop_epoll_ops;

/* The highest fd + 1 a backend can watch. */
int	loop_fd_limit(enum loop_backend);
/*
 * select() unless the next nfds descriptors would not all fit it (a
 * process that inherited many descriptors): then epoll.
 */
enum loop_backend	loop_pick(long long nfds);

struct loop	*loop_new(enum loop_backend, char *err, size_t errlen);
void	loop_free(struct loop *);
/*
 * Register fd with no interest yet; -1 with errno EMFILE when the
 * backend cannot watch it (past FD_SETSIZE for select).
 */
int	loop_add(struct loop *, int fd, loop_io_fn *, void *arg);
void	loop_set(struct loop *, int fd, int mask);
/* Forget fd, and any event of this turn not yet delivered for it. */
void	loop_del(struct loop *, int fd);

void	timer_init(struct timer *, loop_timer_fn *);
/* Arm (or move) t to fire at monotonic time when (ms). */
int	timer_at(struct loop *, struct timer *, int64_t when);
void	timer_stop(struct loop *, struct timer *);
#define timer_armed(t)	((t)->slot != 0)

/* SIGINT, SIGTERM, SIGHUP to fn; SIGPIPE ignored. */
int	loop_signals(struct loop *, loop_signal_fn *, void *arg);
/*
 * After loop_signals: SIGCHLD to fn as well (children ended: reap
 * them), apart from the stop signals.
 */
int	loop_children(struct loop *, loop_signal_fn *fn, void *arg);
/*
 * After loop_signals: SIGUSR1 (reload) to fn, apart from the stop
 * signals; a process that asks for it is no longer killed by it.
 */
int	loop_reload(struct loop *, loop_signal_fn *fn, void *arg);
/* The last signal delivered to a loop's callback; 0 if none. */
int	loop_last_signal(void);
int	loop_run(struct loop *);
void	loop_stop(struct loop *);

#endif
