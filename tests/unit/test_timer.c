/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The loop's timer heap: armed timers fire soonest first, each once;
 * a stopped timer never fires; a moved one fires at its new time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "loop.h"
#include "util.h"

#define N	500

struct probe {
	struct timer	 t;
	int64_t		 due;
	int		 fired;
};

static struct probe	probes[N];
static int64_t		fired_at[N];
static int		nfired, nwant;

static void
fire(struct loop *l, struct timer *t)
{
	struct probe	*p = container_of(t, struct probe, t);

	p->fired++;
	fired_at[nfired++] = p->due;
	if (nfired == nwant)
		loop_stop(l);
}

static struct loop *
new_loop(void)
{
	char		 err[256];
	struct loop	*l = loop_new(LOOP_SELECT, err, sizeof(err));

	if (l == NULL)
		fail_msg("loop_new: %s", err);
	memset(probes, 0, sizeof(probes));
	nfired = 0;
	return l;
}

/* Every timer is already due: they fire in the order of their times. */
static void
soonest_first(void **state)
{
	struct loop	*l = new_loop();
	int64_t		 base = now_ms() - 10 * N;
	uint32_t	 seed = 1;
	int		 i;

	(void)state;
	for (i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		timer_init(&probes[i].t, fire);
		probes[i].due = base + (seed >> 8) % (5 * N);
		assert_int_equal(timer_at(l, &probes[i].t, probes[i].due), 0);
	}
	nwant = N;
	assert_int_equal(loop_run(l), 0);
	for (i = 1; i < N; i++)
		assert_true(fired_at[i - 1] <= fired_at[i]);
	for (i = 0; i < N; i++) {
		assert_int_equal(probes[i].fired, 1);
		assert_false(timer_armed(&probes[i].t));
	}
	loop_free(l);
}

/* Stopped timers never fire; moved ones fire once, at the new time. */
static void
stop_and_move(void **state)
{
	struct loop	*l = new_loop();
	int64_t		 base = now_ms() - 10 * N;
	int		 i, want = 0;

	(void)state;
	for (i = 0; i < N; i++) {
		timer_init(&probes[i].t, fire);
		probes[i].due = base + (i * 37) % N;
		assert_int_equal(timer_at(l, &probes[i].t, probes[i].due), 0);
	}
	for (i = 0; i < N; i++) {
		if (i % 3 == 0)
			timer_stop(l, &probes[i].t);
		else if (i % 3 == 1) {
			probes[i].due = base - i;	/* moved earlier */
			assert_int_equal(timer_at(l, &probes[i].t,
			    probes[i].due), 0);
		}
		if (i % 3 != 0)
			want++;
	}
	/* Stopping twice, or a timer never armed, is harmless. */
	timer_stop(l, &probes[0].t);
	nwant = want;
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(nfired, want);
	for (i = 1; i < nfired; i++)
		assert_true(fired_at[i - 1] <= fired_at[i]);
	for (i = 0; i < N; i++)
		assert_int_equal(probes[i].fired, i % 3 == 0 ? 0 : 1);
	loop_free(l);
}

/* A timer in the future waits: one due now fires first. */
static void
future_waits(void **state)
{
	struct loop	*l = new_loop();
	int64_t		 now = now_ms();

	(void)state;
	timer_init(&probes[0].t, fire);
	timer_init(&probes[1].t, fire);
	probes[0].due = now + 50;
	probes[1].due = now - 1;
	assert_int_equal(timer_at(l, &probes[0].t, probes[0].due), 0);
	assert_int_equal(timer_at(l, &probes[1].t, probes[1].due), 0);
	nwant = 2;
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fired_at[0], now - 1);
	assert_int_equal(fired_at[1], now + 50);
	assert_true(now_ms() >= now + 50);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(soonest_first),
		cmocka_unit_test(stop_and_move),
		cmocka_unit_test(future_waits),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
