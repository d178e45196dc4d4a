/* test_cli_scale.c -- Ctrl-C in the headless commands: SIGINT during a load
 * (of a ratings file big enough, testfeed.h, that the signal sent once the
 * loader has it open lands mid-load) or during training ends the command with status 130
 * and a message, not with the signal. */
#include <criterion/criterion.h>
#include <sys/stat.h>

#include "testfeed.h"
#include "testcli.h"

#define WAIT_S 60.0

/* Start `collabtui ARGS` (shell words) in dir, as cli_run does, with
 * stdout and stderr into dir/.out and dir/.err; its pid. */
static pid_t spawn(const char *dir, const char *args)
{
	const char *bin = getenv("COLLABTUI_BIN");
	char cmd[2048];

	cr_assert(bin && *bin, "COLLABTUI_BIN is not set (the path of the collabtui binary)");
	snprintf(cmd, sizeof cmd, "cd '%s' && XDG_CONFIG_HOME='%s' XDG_DATA_HOME='%s' "
		 "exec '%s' %s >.out 2>.err </dev/null", dir, dir, dir, bin, args);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* the test's own SIGPIPE setting is not the child's */
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int exit_status(pid_t pid)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "collabtui did not exit but died of signal %d",
		  WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return WEXITSTATUS(st);
}

Test(cli_scale, sigint_cancels_a_load_with_130, .timeout = 120)
{
	char dir[512], path[700], err[8192];

	testenv_tmpdir(dir, sizeof dir);
	feed_make(path, sizeof path, dir);
	pid_t pid = spawn(dir, "summary --data ratings.csv");
	/* the loader has the file open: the handler is in place, and the
	 * rest of the file takes a while yet */
	feed_wait_open(pid, path, WAIT_S);
	cr_assert_eq(kill(pid, SIGINT), 0);
	cr_assert_eq(exit_status(pid), 130);
	snprintf(path, sizeof path, "%s/.err", dir);
	cli_slurp(path, err, sizeof err);
	cr_assert_str_eq(err, "collabtui: interrupted: loading cancelled\n",
			 "no progress line when stderr is not a terminal");
	testenv_rmdir(dir);
}

Test(cli_scale, sigint_stops_training_with_130, .timeout = 120)
{
	struct cli_result r;
	char dir[512], path[700], out[4096], err[8192];

	testenv_tmpdir(dir, sizeof dir);
	cli_run(&r, dir, "synth --ratings 200000 --users 2000 --items 1000 --seed 5 --out data");
	cr_assert_eq(r.status, 0, "synth: %s", r.err);
	pid_t pid = spawn(dir, "train --trainer fast --epochs 100000 --data data");
	/* an epoch's row is on stdout: training runs */
	snprintf(path, sizeof path, "%s/.out", dir);
	for (double t = 0; cli_slurp(path, out, sizeof out), !strstr(out, "00:0"); t += 0.02) {
		cr_assert_lt(t, WAIT_S, "no epoch row; stdout: %s", out);
		usleep(20000);
	}
	cr_assert_eq(kill(pid, SIGINT), 0);
	cr_assert_eq(exit_status(pid), 130);
	snprintf(path, sizeof path, "%s/.err", dir);
	cli_slurp(path, err, sizeof err);
	cr_assert(strstr(err, "collabtui: interrupted: training stopped"), "stderr: %s", err);
	/* dir holds data/ and the run history's collabtui/: not flat */
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* `summary --threads 1` parses a ratings file of 8 MiB or more on one
 * thread, the default on two: the same summary, to the byte; a count
 * outside 1..256 is refused as for the trainers. */
Test(cli_scale, summary_the_same_on_one_and_two_parse_threads, .timeout = 120)
{
	struct cli_result r;
	char dir[512], two[sizeof r.out];

	testenv_tmpdir(dir, sizeof dir);
	cli_run(&r, dir, "synth --ratings 500000 --users 3000 --items 2000 --seed 5 --out data");
	cr_assert_eq(r.status, 0, "synth: %s", r.err);
	char path[700];
	struct stat st;
	snprintf(path, sizeof path, "%s/data/ratings.csv", dir);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_gt(st.st_size, 8 << 20, "too small for two threads: %lld", (long long)st.st_size);
	cli_run(&r, dir, "summary --data data/ratings.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "ratings       500000\n"), "%s", r.out);
	snprintf(two, sizeof two, "%s", r.out);
	cli_run(&r, dir, "summary --threads 1 --data data/ratings.csv");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, two);
	cli_run(&r, dir, "summary --threads 2 --data data/ratings.csv");
	cr_assert_str_eq(r.out, two);
	cli_run(&r, dir, "summary --threads 0 --data data/ratings.csv");
	cr_assert_eq(r.status, 2, "%s", r.err);
	cr_assert(strstr(r.err, "threads must be between 1 and 256"), "%s", r.err);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}
