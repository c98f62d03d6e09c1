/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "util.h"
#include "workers.h"

/* A worker that lives less than this is restarted only after it. */
#define RESTART_MS	1000

struct workers;

struct slot {
	struct workers	*W;
	int		 i;
	pid_t		 pid;		/* -1: not running */
	int64_t		 started;
	struct timer	 later;		/* a delayed restart */
};

struct workers {
	struct server	*s;
	struct loop	*loop;		/* the parent's */
	int		 n;
	int		 stopping;
	int		 child;		/* this process is a worker now */
	struct slot	 slot[WORKERS_MAX];
};

static int
alive(const struct workers *W)
{
	int	i, k = 0;

	for (i = 0; i < W->n; i++)
		k += W->slot[i].pid != -1;
	return k;
}

/* Fork worker i.  In the child: 1 (and W->child set); else 0 or -1. */
static int
spawn(struct workers *W, int i)
{
	struct sigaction	sa;
	pid_t			pid;

	if ((pid = fork()) == -1) {
		log_err("worker %d: fork: %s", i, strerror(errno));
		return -1;
	}
	if (pid > 0) {
		W->slot[i].pid = pid;
		W->slot[i].started = now_ms();
		log_v(1, "worker %d: pid %ld", i, (long)pid);
		return 0;
	}
	W->child = 1;
	W->s->worker = i;
	W->s->counts[i] = 0;
	/* The parent removes the socket file; SIGCHLD is the command's. */
	W->s->lis.path[0] = '\0';
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	if (W->s->co->ready_fd != -1)
		close(W->s->co->ready_fd);
	return 1;
}

static void
restart_later(struct loop *l, struct timer *t)
{
	struct slot	*sl = container_of(t, struct slot, later);

	/* In the new worker, leave the parent's loop for its own. */
	if (!sl->W->stopping && spawn(sl->W, sl->i) == 1)
		loop_stop(l);
}

/* A worker ended: restart it, unless all are stopping. */
static void
ended(struct workers *W, int i, int status)
{
	struct slot	*sl = &W->slot[i];

	sl->pid = -1;
	W->s->counts[i] = 0;
	if (W->stopping) {
		if (alive(W) == 0)
			loop_stop(W->loop);
		return;
	}
	if (WIFSIGNALED(status))
		log_err("worker %d: killed by %s: restarting", i,
		    strsignal(WTERMSIG(status)));
	else
		log_err("worker %d: exited %d: restarting", i,
		    WEXITSTATUS(status));
	if (now_ms() - sl->started < RESTART_MS)
		timer_at(W->loop, &sl->later, sl->started + RESTART_MS);
	else if (spawn(W, i) == 1)
		loop_stop(W->loop);
}

static void
on_child(struct loop *l, int signo, void *arg)
{
	struct workers	*W = arg;
	pid_t		 pid;
	int		 status, i;

	(void)l;
	(void)signo;
	while (!W->child && (pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < W->n; i++)
			if (W->slot[i].pid == pid) {
				ended(W, i, status);
				break;
			}
}

static void
tell_all(struct workers *W, int signo)
{
	int	i;

	for (i = 0; i < W->n; i++)
		if (W->slot[i].pid != -1)
			kill(W->slot[i].pid, signo);
}

static void
on_stop(struct loop *l, int signo, void *arg)
{
	struct workers	*W = arg;

	if (W->child)
		return;
	log_v(1, "%s: stopping the workers", strsignal(signo));
	/* Asked twice: no more waiting for their clients. */
	tell_all(W, W->stopping ? SIGKILL : SIGTERM);
	W->stopping = 1;
	if (alive(W) == 0)
		loop_stop(l);
}

static void
on_usr1(struct loop *l, int signo, void *arg)
{
	struct workers	*W = arg;

	(void)l;
	if (!W->child)
		tell_all(W, signo);
}

/* In a new worker: the parent's loop goes, the server gets its own. */
static int
become_worker(struct workers *W, char *err, size_t errlen)
{
	loop_free(W->loop);
	W->loop = NULL;
	return server_new_loop(W->s, err, errlen);
}

static int
setup(struct workers *W, struct server *s, int n, char *err, size_t errlen)
{
	int	i;

	W->s = s;
	W->n = n;
	s->nworkers = n;
	s->counts = mmap(NULL, n * sizeof(*s->counts), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->counts == MAP_FAILED) {
		s->counts = NULL;
		snprintf(err, errlen, "--workers: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		W->slot[i].W = W;
		W->slot[i].i = i;
		W->slot[i].pid = -1;
		timer_init(&W->slot[i].later, restart_later);
	}
	if ((W->loop = loop_new(LOOP_SELECT, err, errlen)) == NULL)
		return -1;
	if (loop_signals(W->loop, on_stop, W) == -1 ||
	    loop_children(W->loop, on_child, W) == -1 ||
	    loop_reload(W->loop, on_usr1, W) == -1) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
workers_run(struct server *s, int n, char *err, size_t errlen)
{
	/* The parent's state lives as long as the process. */
	static struct workers	 W_;
	struct workers		*W = &W_;
	int			 i, r;

	if (setup(W, s, n, err, errlen) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((r = spawn(W, i)) == 1)
			return become_worker(W, err, errlen);
		if (r == -1) {
			snprintf(err, errlen, "--workers: fork: %s",
			    strerror(errno));
			break;
		}
	}
	if (i == n && server_ready(s, err, errlen) == 0)
		err[0] = '\0';
	else
		on_stop(W->loop, SIGTERM, W);
	if (alive(W) > 0 && loop_run(W->loop) == -1 && err[0] == '\0')
		snprintf(err, errlen, "event loop: %s", strerror(errno));
	if (W->child)
		return become_worker(W, err, errlen);
	loop_free(W->loop);
	return err[0] == '\0' ? 1 : -1;
}
