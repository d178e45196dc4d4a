/* cmd_summary.c -- `collabtui summary`: load the dataset and print its
 * summary (sizes, density, the rating histogram, the most-rated movies). */
#include <stdio.h>

#include "driver.h"

static void print_summary(FILE *out, const struct eng_summary *s)
{
	fprintf(out, "dataset       %s (%s)\n", s->name, s->format);
	fprintf(out, "users         %u\n", s->n_users);
	fprintf(out, "items         %u\n", s->n_items);
	fprintf(out, "ratings       %llu\n", (unsigned long long)s->n_ratings);
	fprintf(out, "density       %.2f%%\n", 100.0 * s->density);
	fprintf(out, "mean rating   %.3f\n", s->mean);
	fprintf(out, "per user      min %u  median %u  max %u\n", s->user_min,
		s->user_median, s->user_max);
	fprintf(out, "per item      min %u  median %u  max %u\n", s->item_min,
		s->item_median, s->item_max);
	fprintf(out, "histogram\n");
	uint64_t top = 1;
	for (int i = 0; i < s->n_bins; i++)
		if (s->bin_count[i] > top)
			top = s->bin_count[i];
	for (int i = 0; i < s->n_bins; i++) {
		int bar = (int)(40.0 * (double)s->bin_count[i] / (double)top + 0.5);
		fprintf(out, "  %4.1f %8llu  %.*s\n", s->bin_lo[i],
			(unsigned long long)s->bin_count[i], bar,
			"########################################");
	}
	fprintf(out, "most rated\n");
	for (int i = 0; i < s->n_top; i++)
		fprintf(out, "  %6u  %s\n", s->top_count[i], s->top_title[i]);
}

static int report(struct cli_session *s)
{
	print_summary(stdout, s->summary);
	return EXIT_OK;
}

static int run(const struct opts *o)
{
	return cli_drive(o, &(struct cli_job){ .work = CLI_LOAD_ONLY, .report = report });
}

const struct cmd_entry cmd_summary = {
	.name = "summary",
	.id = CMD_SUMMARY,
	.summary = "print the dataset summary",
	.run = run,
};
