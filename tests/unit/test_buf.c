/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * buf: a bounded buffer that holds memory only while data waits.  What
 * goes in comes out in order, never more than the cap, and an emptied
 * buffer lets its memory go.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void
empty_holds_nothing(void **state)
{
	struct buf	b = { 0 };

	(void)state;
	assert_int_equal(buf_room(&b), BUF_CAP);
	assert_int_equal(buf_append(&b, "", 0), 0);
	assert_null(b.data);
	buf_free(&b);
}

static void
append_then_consume_in_order(void **state)
{
	struct buf	b = { 0 };

	(void)state;
	assert_int_equal(buf_append(&b, "hello ", 6), 0);
	assert_int_equal(buf_append(&b, "world", 5), 0);
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.data + b.off, "hello world", 11);
	buf_consume(&b, 6);
	assert_memory_equal(b.data + b.off, "world", 5);
	assert_int_equal(buf_room(&b), BUF_CAP - 5);
	buf_consume(&b, 5);
	/* Emptied: the memory goes. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
never_past_the_cap(void **state)
{
	struct buf	 b = { .cap = 16 };
	char		 big[17];

	(void)state;
	memset(big, 'x', sizeof(big));
	/* All or nothing: 17 bytes do not fit in 16. */
	assert_int_equal(buf_append(&b, big, 17), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, big, 16), 0);
	assert_int_equal(buf_room(&b), 0);
	assert_int_equal(buf_append(&b, "y", 1), -1);
	assert_int_equal(b.len, 16);
	buf_free(&b);
}

/* Data that has moved to the end slides down to make room. */
static void
consumed_room_is_reused(void **state)
{
	struct buf	b = { .cap = 8 };

	(void)state;
	assert_int_equal(buf_append(&b, "abcdef", 6), 0);
	buf_consume(&b, 4);
	assert_int_equal(buf_room(&b), 6);
	assert_int_equal(buf_append(&b, "ghijkl", 6), 0);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data + b.off, "efghijkl", 8);
	buf_free(&b);
}

/* buf_reserve: a reader always finds room at the tail when any is left. */
static void
reserve_makes_tail_room(void **state)
{
	struct buf	b = { .cap = 8 };

	(void)state;
	assert_int_equal(buf_reserve(&b), 0);
	assert_non_null(b.data);
	assert_int_equal(b.off, 0);
	memcpy(b.data, "12345678", 8);
	b.len = 8;
	buf_consume(&b, 5);
	assert_int_equal(b.off + b.len, 8);	/* the tail is full */
	assert_int_equal(buf_reserve(&b), 0);
	assert_int_equal(b.off, 0);
	assert_memory_equal(b.data, "678", 3);
	buf_free(&b);
}

/* Many rounds of random sizes: the bytes out are the bytes in. */
static void
random_rounds_keep_order(void **state)
{
	struct buf	 b = { .cap = 1000 };
	unsigned char	 in[1000];
	uint32_t	 next_in = 0, next_out = 0, seed = 7;
	size_t		 n, i, k;

	(void)state;
	for (k = 0; k < 20000; k++) {
		seed = seed * 1103515245 + 12345;
		n = (seed >> 16) % 300;
		if (n <= buf_room(&b)) {
			for (i = 0; i < n; i++)
				in[i] = (unsigned char)(next_in++ * 7);
			assert_int_equal(buf_append(&b, in, n), 0);
		} else
			assert_int_equal(buf_append(&b, in, n), -1);
		n = (seed >> 8) % 280;
		if (n > b.len)
			n = b.len;
		for (i = 0; i < n; i++)
			assert_int_equal((unsigned char)b.data[b.off + i],
			    (unsigned char)(next_out++ * 7));
		buf_consume(&b, n);
	}
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(empty_holds_nothing),
		cmocka_unit_test(append_then_consume_in_order),
		cmocka_unit_test(never_past_the_cap),
		cmocka_unit_test(consumed_room_is_reused),
		cmocka_unit_test(reserve_makes_tail_room),
		cmocka_unit_test(random_rounds_keep_order),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
