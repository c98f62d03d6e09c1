/*
 * A readiness loop: file events, a few timers, signals through a
 * self-pipe.  Backends (select, epoll) sit behind struct loop_ops.
 */
#ifndef SOCKIT_LOOP_H
#define SOCKIT_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2

#define LOOP_TIMERS	4

struct loop;
typedef void	loop_io_fn(struct loop *, int fd, int events, void *arg);
typedef void	loop_timer_fn(struct loop *, void *arg);
typedef void	loop_signal_fn(struct loop *, int signo, void *arg);

enum loop_backend {
	LOOP_SELECT,
	LOOP_EPOLL
};

struct loop_fd {
	loop_io_fn	*fn;
	void		*arg;
	int		 mask;		/* interest asked for */
	int		 added;		/* known to the backend */
	int		 always;	/* epoll refuses it: always ready */
};

struct loop_fired {
	int	fd;
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
	void			*be;		/* backend state */
	struct loop_fd		*fds;		/* indexed by fd */
	int			 nfds;		/* slots in fds */
	struct loop_fired	*fired;
	int			 nfired_max;
	int			 stop;
	int			 nalways;	/* always-ready fds with interest */
	struct {
		int64_t		 when;		/* monotonic ms; 0 = off */
		loop_timer_fn	*fn;
		void		*arg;
	} timers[LOOP_TIMERS];
	int			 sigpipe[2];
	loop_signal_fn		*sigfn;
	void			*sigarg;
};

extern const struct loop_ops	loop_select_ops, loop_epoll_ops;

/* The highest fd + 1 a backend can watch. */
int	loop_fd_limit(enum loop_backend);

struct loop	*loop_new(enum loop_backend, char *err, size_t errlen);
void	loop_free(struct loop *);
/* Register fd with no interest yet; -1 (errno EMFILE) when out of reach. */
int	loop_add(struct loop *, int fd, loop_io_fn *, void *arg);
void	loop_set(struct loop *, int fd, int mask);
void	loop_del(struct loop *, int fd);
/* Arm timer slot at monotonic time `when` (ms); 0 disarms. */
void	loop_timer(struct loop *, int slot, int64_t when, loop_timer_fn *,
	    void *arg);
/* SIGINT, SIGTERM, SIGHUP to fn; SIGPIPE ignored. */
int	loop_signals(struct loop *, loop_signal_fn *, void *arg);
/* The last signal passed to a loop_signal_fn; 0 if none. */
int	loop_last_signal(void);
int	loop_run(struct loop *);
void	loop_stop(struct loop *);

#endif
