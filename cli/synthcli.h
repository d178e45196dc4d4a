/* synthcli.h -- `collabtui synth`: the synthetic dataset generator
 * (engine/synth.h) behind the command line. */
#ifndef COLLABTUI_SYNTHCLI_H
#define COLLABTUI_SYNTHCLI_H

#include "opts.h"

/* Write the dataset o asks for into o->out and print one line saying what
 * was written.  Returns the process exit status (headless.h's EXIT_*). */
int synthcli_run(const struct opts *o);

#endif
