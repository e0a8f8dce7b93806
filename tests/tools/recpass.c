/*
 * recpass [--rejects FILE] [FILE...]: read records with the record layer
 * and write them back unchanged.  The benchmark of the record layer, and a
 * way for tests to drive recin_* and record_write as a filter does.
 */
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
	int status;

	prog_init("recpass");
	if (argc > 2 && strcmp(argv[1], "--rejects") == 0) {
		out_open(&rejects, argv[2]);
		rej = &rejects;
		argv += 2;
	}
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
