/*
 * jsoncheck FILE...: parse each whole file as one record with the record
 * layer and print "FILE: ok" or "FILE: rejected at LINE:COL: why".  For
 * the JSON conformance suite, whose files may span lines.  It also checks
 * that record_valid agrees, and says "FILE: record_valid disagrees" if not.
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "record.h"

int
main(int argc, char *argv[])
{
	struct buf b = BUF_INIT;
	struct record r;
	struct json_err e;
	struct line l;
	FILE *f;
	size_t n, line, col, i;
	char chunk[65536];
	int a;

	record_init(&r);
	for (a = 1; a < argc; a++) {
		if ((f = fopen(argv[a], "rb")) == NULL) {
			perror(argv[a]);
			return 66;
		}
		buf_reset(&b);
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&b, chunk, n);
		fclose(f);
		l.p = l.raw = b.data;
		l.len = l.rawlen = b.len;
		l.file = l.path = argv[a];
		l.no = 1;
		if (record_valid(b.data, b.len) != (record_parse(&r, &l,
		    &e) == 0)) {
			printf("%s: record_valid disagrees\n", argv[a]);
			continue;
		}
		if (record_parse(&r, &l, &e) == 0) {
			printf("%s: ok\n", argv[a]);
			continue;
		}
		line = 1;
		col = 1;
		for (i = 0; i < (size_t)(e.at - b.data); i++, col++)
			if (b.data[i] == '\n') {
				line++;
				col = 0;
			}
		printf("%s: rejected at %zu:%zu: %s\n", argv[a], line, col,
		    e.msg);
	}
	record_release(&r);
	buf_release(&b);
	return 0;
}
