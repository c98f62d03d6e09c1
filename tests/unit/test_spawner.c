/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * spawn_start with a set-up step (the fork path, which exec --pty
 * takes): the step runs in the child before the exec, a failed step is
 * reported by the child's fail hook and exit 127, and the child starts
 * clean: signals at their defaults and unblocked, only 0, 1 and 2 open.
 * Without a step, the same clean start; where spawn_start does not wait
 * for the exec (a clone sharing our memory), an exec failure is told by
 * spawn_reaped, and the child ran on copies of argv and envp, so the
 * caller may rewrite them at once; where it waits, the failure is
 * spawn_start's error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "spawner.h"

extern char	**environ;

static int
say_set(void *arg)
{
	(void)arg;
	return write(1, "set\n", 4) == 4 ? 0 : -1;
}

static int
refuse(void *arg)
{
	(void)arg;
	errno = EPERM;
	return -1;
}

static void
report(int err, void *arg)
{
	char	line[32];
	int	n;

	(void)arg;
	n = snprintf(line, sizeof(line), "fail %d\n", err);
	(void)write(1, line, n);
}

static int	reaped_err;	/* spawn_reaped's word on the last run */

/* Run argv on one end of a socketpair; what it wrote, and its status. */
static int
run(char *const argv[], int (*setup)(void *), char *out, size_t len,
    int *status)
{
	struct spawn	sp;
	size_t		got = 0;
	ssize_t		n;
	pid_t		pid;
	int		sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	memset(&sp, 0, sizeof(sp));
	sp.path = argv[0];
	sp.argv = argv;
	sp.envp = environ;
	sp.in = sp.out = sv[1];
	sp.setup = setup;
	sp.fail = report;
	pid = spawn_start(&sp);
	close(sv[1]);
	if (pid == -1) {
		close(sv[0]);
		return -1;
	}
	while (got < len - 1 && (n = read(sv[0], out + got,
	    len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(sv[0]);
	assert_int_equal(waitpid(pid, status, 0), pid);
	reaped_err = spawn_reaped(pid);
	return 0;
}

static void
setup_runs_first(void **state)
{
	char *const	argv[] = { "/bin/sh", "-c", "echo ran", NULL };
	char		out[64];
	int		st;

	(void)state;
	assert_int_equal(run(argv, say_set, out, sizeof(out), &st), 0);
	assert_string_equal(out, "set\nran\n");
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
setup_failure_reported(void **state)
{
	char *const	argv[] = { "/bin/sh", "-c", "echo ran", NULL };
	char		out[64], want[32];
	int		st;

	(void)state;
	assert_int_equal(run(argv, refuse, out, sizeof(out), &st), 0);
	snprintf(want, sizeof(want), "fail %d\n", EPERM);
	assert_string_equal(out, want);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 127);
}

static void
exec_failure_reported(void **state)
{
	char *const	argv[] = { "/nonexistent/prog", NULL };
	char		out[64], want[32];
	int		st;

	(void)state;
	/* Forked: the child says so.  posix_spawn: spawn_start does. */
	assert_int_equal(run(argv, say_set, out, sizeof(out), &st), 0);
	snprintf(want, sizeof(want), "set\nfail %d\n", ENOENT);
	assert_string_equal(out, want);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	assert_int_equal(reaped_err, 0);	/* the fail hook's case */
	if (spawn_waits()) {
		assert_int_equal(run(argv, NULL, out, sizeof(out), &st), -1);
		assert_int_equal(errno, ENOENT);
		return;
	}
	assert_int_equal(run(argv, NULL, out, sizeof(out), &st), 0);
	assert_string_equal(out, "");
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	assert_int_equal(reaped_err, ENOENT);
}

/*
 * Forty children started back to back from one argv and envp that are
 * rewritten as soon as spawn_start returns, as exec does for its next
 * client: each must see its own values.  Read only once all are
 * started, so that most are still before their exec when the arrays
 * change.
 */
static void
copies_are_the_childs(void **state)
{
	char		 arg[16], var[16], out[32], want[32];
	char		*argv[] = { "/bin/sh", "-c", "printf '%s %s' \"$0\" \"$N\"",
	    arg, NULL };
	char		*envp[] = { var, NULL };
	struct spawn	 sp;
	pid_t		 pid[40];
	ssize_t		 n;
	int		 sv[40][2], i, st;

	(void)state;
	for (i = 0; i < 40; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM |
		    SOCK_CLOEXEC, 0, sv[i]), 0);
		snprintf(arg, sizeof(arg), "a%d", i);
		snprintf(var, sizeof(var), "N=%d", i);
		memset(&sp, 0, sizeof(sp));
		sp.path = argv[0];
		sp.argv = argv;
		sp.envp = envp;
		sp.in = sp.out = sv[i][1];
		pid[i] = spawn_start(&sp);
		assert_true(pid[i] > 0);
		close(sv[i][1]);
		memset(arg, 'x', sizeof(arg) - 1);
		memset(var, 'y', sizeof(var) - 1);
	}
	for (i = 0; i < 40; i++) {
		n = read(sv[i][0], out, sizeof(out) - 1);
		out[n > 0 ? n : 0] = '\0';
		snprintf(want, sizeof(want), "a%d %d", i, i);
		assert_string_equal(out, want);
		close(sv[i][0]);
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_int_equal(spawn_reaped(pid[i]), 0);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}

static void
child_starts_clean(void **state)
{
	/* grep reads its own status: a shell may block signals while it waits. */
	char *const	sigs[] = { "/bin/grep", "-E", "^Sig(Ign|Blk)",
	    "/proc/self/status", NULL };
	char *const	fds[] = { "/bin/sh", "-c",
	    "test -e /proc/$$/fd/9 && echo fd9 open; :", NULL };
	char		out[128], more[32], plain[128], plainfd[32];
	sigset_t	usr2, old;
	int		st, extra;

	(void)state;
	signal(SIGUSR1, SIG_IGN);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, &old);
	extra = dup2(2, 9);	/* not close-on-exec: must not leak */
	assert_int_equal(run(sigs, say_set, out, sizeof(out), &st), 0);
	assert_int_equal(run(fds, say_set, more, sizeof(more), &st), 0);
	assert_int_equal(run(sigs, NULL, plain, sizeof(plain), &st), 0);
	assert_int_equal(run(fds, NULL, plainfd, sizeof(plainfd), &st), 0);
	close(extra);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	assert_string_equal(out, "set\nSigBlk:\t0000000000000000\n"
	    "SigIgn:\t0000000000000000\n");
	assert_string_equal(more, "set\n");
	assert_string_equal(plain, "SigBlk:\t0000000000000000\n"
	    "SigIgn:\t0000000000000000\n");
	assert_string_equal(plainfd, "");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(setup_runs_first),
		cmocka_unit_test(setup_failure_reported),
		cmocka_unit_test(exec_failure_reported),
		cmocka_unit_test(copies_are_the_childs),
		cmocka_unit_test(child_starts_clean),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
