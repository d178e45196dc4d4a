/* criterion.h -- a small stand-in for Criterion's test macros, used only by
 * the ThreadSanitizer build (make check's tsan-test).
 *
 * Criterion 2.4's runner cannot start under -fsanitize=thread: its boxfort
 * arena is mapped at a fixed address outside TSan's application ranges
 * (Snaipe/Criterion#274), so even an empty suite dies before main.  The
 * TSan build therefore compiles the same test files against this header
 * and tests/tsan/runner.c, which, like Criterion, runs each test in a
 * forked child.  Only the macros those files use are provided.
 */
#ifndef COLLABTUI_TSAN_CRITERION_H
#define COLLABTUI_TSAN_CRITERION_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shim_test {
	const char *suite, *name;
	void (*fn)(void);
	int signal;             /* .signal: the test must die of this signal */
	int timeout;            /* .timeout: seconds (default 600) */
};

void shim_register(const struct shim_test *t);
void shim_fail(int fatal, const char *file, int line, const char *what,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void shim_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define Test(suite, name, ...)                                                  \
	static void suite##_##name(void);                                       \
	static const struct shim_test shim_t_##suite##_##name =                 \
		{ #suite, #name, suite##_##name, __VA_ARGS__ };                 \
	__attribute__((constructor)) static void shim_r_##suite##_##name(void) \
	{                                                                       \
		shim_register(&shim_t_##suite##_##name);                        \
	}                                                                       \
	static void suite##_##name(void)

#define SHIM_CHECK(fatal, cond, ...)                                            \
	do {                                                                    \
		if (!(cond))                                                    \
			shim_fail(fatal, __FILE__, __LINE__, #cond, "" __VA_ARGS__); \
	} while (0)

#define cr_assert(c, ...)              SHIM_CHECK(1, c, __VA_ARGS__)
#define cr_expect(c, ...)              SHIM_CHECK(0, c, __VA_ARGS__)
#define cr_assert_not(c, ...)          SHIM_CHECK(1, !(c), __VA_ARGS__)
#define cr_expect_not(c, ...)          SHIM_CHECK(0, !(c), __VA_ARGS__)
#define cr_assert_eq(a, b, ...)        SHIM_CHECK(1, (a) == (b), __VA_ARGS__)
#define cr_expect_eq(a, b, ...)        SHIM_CHECK(0, (a) == (b), __VA_ARGS__)
#define cr_assert_neq(a, b, ...)       SHIM_CHECK(1, (a) != (b), __VA_ARGS__)
#define cr_expect_neq(a, b, ...)       SHIM_CHECK(0, (a) != (b), __VA_ARGS__)
#define cr_assert_lt(a, b, ...)        SHIM_CHECK(1, (a) < (b), __VA_ARGS__)
#define cr_expect_lt(a, b, ...)        SHIM_CHECK(0, (a) < (b), __VA_ARGS__)
#define cr_assert_leq(a, b, ...)       SHIM_CHECK(1, (a) <= (b), __VA_ARGS__)
#define cr_expect_leq(a, b, ...)       SHIM_CHECK(0, (a) <= (b), __VA_ARGS__)
#define cr_assert_gt(a, b, ...)        SHIM_CHECK(1, (a) > (b), __VA_ARGS__)
#define cr_expect_gt(a, b, ...)        SHIM_CHECK(0, (a) > (b), __VA_ARGS__)
#define cr_assert_geq(a, b, ...)       SHIM_CHECK(1, (a) >= (b), __VA_ARGS__)
#define cr_expect_geq(a, b, ...)       SHIM_CHECK(0, (a) >= (b), __VA_ARGS__)
#define cr_assert_null(p, ...)         SHIM_CHECK(1, (p) == NULL, __VA_ARGS__)
#define cr_expect_null(p, ...)         SHIM_CHECK(0, (p) == NULL, __VA_ARGS__)
#define cr_assert_not_null(p, ...)     SHIM_CHECK(1, (p) != NULL, __VA_ARGS__)
#define cr_expect_not_null(p, ...)     SHIM_CHECK(0, (p) != NULL, __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)    SHIM_CHECK(1, strcmp((a), (b)) == 0, __VA_ARGS__)
#define cr_assert_fail(...)            shim_fail(1, __FILE__, __LINE__, "fail", "" __VA_ARGS__)
#define cr_skip_test(...)              shim_skip("" __VA_ARGS__)
#define cr_log_info(...)               (fprintf(stderr, "[info] " __VA_ARGS__), fputc('\n', stderr))

#endif
