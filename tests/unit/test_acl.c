/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Access lists: ranges merge, a lookup finds the range an address is
 * in among many, IPv4 and IPv6 keep apart; counts per address take
 * IPv6 by its /64 and free an address once its last client leaves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "acl.h"

static struct ipkey
key(const char *s)
{
	struct sockaddr_in6	s6;
	struct sockaddr_in	s4;
	struct ipkey		k;

	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, s, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		assert_int_equal(ipkey_from_sa((void *)&s4, &k), 0);
	} else {
		assert_int_equal(inet_pton(AF_INET6, s, &s6.sin6_addr), 1);
		s6.sin6_family = AF_INET6;
		assert_int_equal(ipkey_from_sa((void *)&s6, &k), 0);
	}
	return k;
}

static int
in(const struct acl *a, const char *s)
{
	struct ipkey	k = key(s);

	return acl_match(a, &k);
}

static void
test_ranges(void **state)
{
	struct acl	 a;
	const char	*why;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(acl_add(&a, "10.0.0.0/8", &why), 0);
	assert_int_equal(acl_add(&a, "10.1.0.0/16", &why), 0);
	assert_int_equal(acl_add(&a, "11.0.0.0/8", &why), 0);
	assert_int_equal(acl_add(&a, "192.168.1.77", &why), 0);
	assert_int_equal(acl_add(&a, "2001:db8::/32", &why), 0);
	acl_finish(&a);
	assert_int_equal(a.n, 3);	/* 10/8, 10.1/16 and 11/8 are one */
	assert_true(in(&a, "10.255.255.255"));
	assert_true(in(&a, "11.0.0.0"));
	assert_false(in(&a, "12.0.0.0"));
	assert_false(in(&a, "9.255.255.255"));
	assert_true(in(&a, "192.168.1.77"));
	assert_false(in(&a, "192.168.1.78"));
	assert_true(in(&a, "2001:db8:ffff::1"));
	assert_false(in(&a, "2001:db9::"));
	assert_false(in(&a, "::a00:1"));	/* not ::ffff:10.0.0.1 */
	assert_true(in(&a, "::ffff:10.0.0.1"));
	acl_free(&a);
}

static void
test_everything(void **state)
{
	struct acl	 a;
	const char	*why;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(acl_add(&a, "::/0", &why), 0);
	assert_int_equal(acl_add(&a, "ffff::/16", &why), 0);
	acl_finish(&a);
	assert_int_equal(a.n, 1);
	assert_true(in(&a, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_true(in(&a, "1.2.3.4"));
	acl_free(&a);
}

/* 10,000 rules, every other /24 of 10/8: each found, each gap not. */
static void
test_many(void **state)
{
	struct acl	 a;
	const char	*why;
	char		 s[32];
	int		 i;

	(void)state;
	memset(&a, 0, sizeof(a));
	for (i = 9999; i >= 0; i--) {
		snprintf(s, sizeof(s), "10.%d.%d.0/24", i * 2 / 256,
		    i * 2 % 256);
		assert_int_equal(acl_add(&a, s, &why), 0);
	}
	acl_finish(&a);
	assert_int_equal(a.n, 10000);
	for (i = 0; i < 10000; i++) {
		snprintf(s, sizeof(s), "10.%d.%d.9", i * 2 / 256, i * 2 % 256);
		assert_true(in(&a, s));
		snprintf(s, sizeof(s), "10.%d.%d.9", (i * 2 + 1) / 256,
		    (i * 2 + 1) % 256);
		assert_false(in(&a, s));
	}
	acl_free(&a);
}

static void
test_bad(void **state)
{
	struct acl	 a;
	const char	*why;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(acl_add(&a, "10.0.0.0/33", &why), -1);
	assert_int_equal(acl_add(&a, "::/129", &why), -1);
	assert_int_equal(acl_add(&a, "10.0.0.0/x", &why), -1);
	assert_int_equal(acl_add(&a, "example.com", &why), -1);
	assert_int_equal(acl_add(&a, "", &why), -1);
	assert_int_equal(a.n, 0);
	acl_free(&a);
}

static void
test_count(void **state)
{
	struct ipcount	 t;
	struct ipnode	*n1, *n2, *n3, *n4;
	struct ipkey	 a = key("2001:db8:1:2::1"), b = key("2001:db8:1:2::99"),
			 c = key("2001:db8:1:3::1"), d = key("10.0.0.1"),
			 e = key("10.0.0.2");

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(ipcount_take(&t, &a, 2, &n1), 0);
	assert_int_equal(ipcount_take(&t, &b, 2, &n2), 0);	/* same /64 */
	assert_int_equal(ipcount_take(&t, &b, 2, &n3), -1);
	assert_int_equal(ipcount_take(&t, &c, 2, &n3), 0);	/* another */
	assert_int_equal(ipcount_take(&t, &d, 1, &n4), 0);
	assert_int_equal(ipcount_take(&t, &d, 1, &n4), -1);
	assert_int_equal(ipcount_take(&t, &e, 1, &n4), 0);	/* IPv4: /32 */
	ipcount_give(&t, n1);
	assert_int_equal(ipcount_take(&t, &a, 2, &n1), 0);
	ipcount_give(&t, n1);
	ipcount_give(&t, n2);
	ipcount_give(&t, n3);
	ipcount_give(&t, n4);
	assert_int_equal(t.n, 1);	/* 10.0.0.1 still has its client */
	ipcount_free(&t);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_everything),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_count),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
