/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * FTP path resolution and confinement: a virtual path is resolved
 * against the working directory into a clean absolute path that never
 * climbs above "/", and opening it never leaves the root directory,
 * whether openat2 does the walk or the fallback does.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ftp/ftp.h"

static const struct {
	const char	*cwd, *arg, *want;
} cases[] = {
	{ "/", "a", "/a" },
	{ "/", "/a/b", "/a/b" },
	{ "/d", "a", "/d/a" },
	{ "/d", "/a", "/a" },
	{ "/d", "..", "/" },
	{ "/d", "../..", "/" },
	{ "/", "../../etc/passwd", "/etc/passwd" },
	{ "/d/e", "../f", "/d/f" },
	{ "/d", "./a/./b/", "/d/a/b" },
	{ "/d", "a//b", "/d/a/b" },
	{ "/", "", "/" },
	{ "/d", "", "/d" },
	{ "/", "sub dir/été", "/sub dir/été" },
	{ "/", "a/../../..", "/" },
};

static void
resolves(void **state)
{
	char	out[FTP_PATH_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ftp_path_resolve(cases[i].cwd, cases[i].arg,
		    out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].want);
	}
}

/* Never cut short: a result that does not fit is an error. */
static void
too_long_is_refused(void **state)
{
	char	out[8];

	(void)state;
	assert_int_equal(ftp_path_resolve("/", "abc", out, sizeof(out)), 0);
	assert_int_equal(ftp_path_resolve("/", "abcdefgh", out,
	    sizeof(out)), -1);
	assert_int_equal(ftp_path_resolve("/abcd", "efgh", out,
	    sizeof(out)), -1);
}

static char	root[64], outside[64];

/* A root with a file, a directory, and links inside and out. */
static int
make_tree(void **state)
{
	char	p[256];
	int	fd;

	(void)state;
	strcpy(root, "/tmp/sockit-unit-XXXXXX");
	strcpy(outside, "/tmp/sockit-out-XXXXXX");
	if (mkdtemp(root) == NULL || mkdtemp(outside) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/secret", outside);
	if ((fd = open(p, O_CREAT | O_WRONLY, 0600)) == -1)
		return -1;
	close(fd);
	snprintf(p, sizeof(p), "%s/file", root);
	if ((fd = open(p, O_CREAT | O_WRONLY, 0600)) == -1)
		return -1;
	close(fd);
	snprintf(p, sizeof(p), "%s/dir", root);
	if (mkdir(p, 0700) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/out", root);
	if (symlink(outside, p) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/abs", root);
	if (symlink("/etc/passwd", p) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/dir/up", root);
	if (symlink("../../", p) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/in", root);
	return symlink("dir", p);
}

static int
remove_tree(void **state)
{
	char	cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, outside);
	return system(cmd) == 0 ? 0 : -1;
}

/* inner: a link that stays inside is followed (openat2), or not. */
static void
confined(int inner)
{
	static const char *const in[] = { "/file", "/dir", "/in" };
	static const char *const out[] = { "/out/secret", "/abs",
	    "/dir/up/etc/passwd", "/out" };
	int	rootfd, fd;
	size_t	i;

	assert_int_not_equal(rootfd = open(root, O_RDONLY | O_DIRECTORY), -1);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		fd = ftp_path_open(rootfd, in[i], O_RDONLY, 0);
		if (!inner && strcmp(in[i], "/in") == 0) {
			assert_int_equal(fd, -1);
			continue;
		}
		assert_int_not_equal(fd, -1);
		close(fd);
	}
	for (i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		errno = 0;
		assert_int_equal(ftp_path_open(rootfd, out[i], O_RDONLY, 0),
		    -1);
		assert_int_not_equal(errno, 0);
	}
	close(rootfd);
}

static void
confined_openat2(void **state)
{
	(void)state;
	unsetenv("SOCKIT_FTP_NO_OPENAT2");
	ftp_path_init();
	confined(1);
}

/*
 * The walk used where the kernel lacks openat2 holds as well; it
 * follows no symbolic link at all (sockit-ftp(1) says so).
 */
static void
confined_fallback(void **state)
{
	(void)state;
	setenv("SOCKIT_FTP_NO_OPENAT2", "1", 1);
	ftp_path_init();
	confined(0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(resolves),
		cmocka_unit_test(too_long_is_refused),
		cmocka_unit_test_setup_teardown(confined_openat2, make_tree,
		    remove_tree),
		cmocka_unit_test_setup_teardown(confined_fallback, make_tree,
		    remove_tree),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
