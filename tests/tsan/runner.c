/* runner.c -- the test runner behind tests/tsan/criterion/criterion.h:
 * every registered test in a forked child, a PASS/FAIL line each, and a
 * closing "tsan: N passed, N failed" line.  See that header for why. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 256

static const struct shim_test *tests[MAX_TESTS];
static int n_tests;
static int failed_expect;       /* in the child: a cr_expect failed */

void shim_register(const struct shim_test *t)
{
	if (n_tests == MAX_TESTS) {
		fprintf(stderr, "tsan runner: more than %d tests\n", MAX_TESTS);
		exit(2);
	}
	tests[n_tests++] = t;
}

void shim_fail(int fatal, const char *file, int line, const char *what, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: failed: %s: ", file, line, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (fatal)
		exit(1);
	failed_expect = 1;
}

void shim_skip(const char *fmt, ...)
{
	va_list ap;
	fputs("skipped: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(0);
}

int main(void)
{
	int failed = 0;
	for (int i = 0; i < n_tests; i++) {
		const struct shim_test *t = tests[i];
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			perror("tsan runner: fork");
			return 2;
		}
		if (pid == 0) {
			alarm(t->timeout ? (unsigned)t->timeout : 600);
			t->fn();
			exit(failed_expect);
		}
		int st;
		if (waitpid(pid, &st, 0) < 0) {
			perror("tsan runner: waitpid");
			return 2;
		}
		int ok = t->signal ? (WIFSIGNALED(st) && WTERMSIG(st) == t->signal)
				   : (WIFEXITED(st) && WEXITSTATUS(st) == 0);
		fprintf(stderr, "[%s] %s::%s\n", ok ? "PASS" : "FAIL", t->suite, t->name);
		failed += !ok;
	}
	printf("tsan: %d passed, %d failed\n", n_tests - failed, failed);
	return failed != 0;
}
