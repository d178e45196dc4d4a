/* backend.c -- the real engine thread behind struct backend. */
#include "backend.h"

static int th_send(void *ctx, const struct eng_cmd *cmd)
{
	return eng_thread_send(ctx, cmd);
}

static int th_poll(void *ctx, struct eng_evt *out)
{
	return eng_thread_poll(ctx, out);
}

static int th_fd(void *ctx)
{
	return eng_thread_fd(ctx);
}

static void th_stop(void *ctx)
{
	eng_thread_stop(ctx);
}

int backend_thread(struct backend *b, char *err, size_t errlen)
{
	struct eng_thread *t = eng_thread_start(err, errlen);

	if (!t)
		return -1;
	*b = (struct backend){
		.ctx = t, .send = th_send, .poll = th_poll, .fd = th_fd,
		.stop = th_stop,
	};
	return 0;
}
