/* testcli.h -- run the collabtui binary ($COLLABTUI_BIN) as a user would
 * and capture its exit status, stdout and stderr. */
#ifndef COLLABTUI_TESTCLI_H
#define COLLABTUI_TESTCLI_H

#include <stdarg.h>
#include <sys/wait.h>

#include "testenv.h"

struct cli_result {
	int status;             /* exit status */
	char out[32768];        /* stdout */
	char err[8192];         /* stderr */
};

static inline void cli_slurp(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t got = f ? fread(buf, 1, n - 1, f) : 0;
	buf[got] = '\0';
	if (f)
		fclose(f);
}

/* Run `collabtui ARGS` (ARGS is shell text) with dir as the working
 * directory and as XDG_CONFIG_HOME and XDG_DATA_HOME, so a developer's own
 * config.yaml stays out and the run history goes to dir; stdin is /dev/null.  dir NULL: a fresh scratch directory, removed
 * afterwards. */
__attribute__((format(printf, 3, 4)))
static inline void cli_run(struct cli_result *r, const char *dir, const char *fmt, ...)
{
	const char *bin = getenv("COLLABTUI_BIN");
	cr_assert(bin && *bin, "COLLABTUI_BIN is not set (the path of the collabtui binary)");
	char args[2048], scratch[512], cmd[4096], p[700];
	const char *d = dir ? dir : testenv_tmpdir(scratch, sizeof scratch);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && XDG_CONFIG_HOME='%s' XDG_DATA_HOME='%s' '%s' %s >.cli-out 2>.cli-err </dev/null",
		 d, d, d, bin, args);
	int st = system(cmd);
	cr_assert(WIFEXITED(st), "collabtui did not exit normally: %s", cmd);
	r->status = WEXITSTATUS(st);
	snprintf(p, sizeof p, "%s/.cli-out", d);
	cli_slurp(p, r->out, sizeof r->out);
	snprintf(p, sizeof p, "%s/.cli-err", d);
	cli_slurp(p, r->err, sizeof r->err);
	if (!dir)
		testenv_rmdir(d);
}

#endif
