/*
 * recpass [-q] [--rejects FILE] [FILE...]: read records with the record layer
 * and write them back unchanged.  The benchmark of the record layer, and a
 * way for tests to drive recin_* and record_write as a filter does.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "util.h"

int
main(int argc, char *argv[])
{
	struct out out, rejects, *rej = NULL;
	struct recin in;
	struct record r;
	static const struct option longopts[] = {
		{ "rejects", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int c, status;

	prog_init("recpass");
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1)
		switch (c) {
		case 'q':
			verbosity = 0;
			break;
		case 'r':
			out_open(&rejects, optarg);
			rej = &rejects;
			break;
		default:
			return EX_USAGE;
		}
	argv += optind - 1;
	out_init_fd(&out, 1, "<stdout>");
	record_init(&r);
	recin_open(&in, argv + 1, rej);
	while (recin_next(&in, &r))
		record_write(&r, &out);
	status = recin_close(&in);
	record_release(&r);
	if (rej != NULL)
		out_close(rej);
	out_close(&out);
	return status;
}
