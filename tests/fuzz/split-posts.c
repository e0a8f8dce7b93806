/*
 * Fuzz target: split-posts' splitter.  Any bytes, cut into lines, must
 * give records that parse, and every accepted line that is not a marker
 * or a header must come back in some record's text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split s;
	struct buf out = BUF_INIT;
	struct record r;
	struct json_err e;
	struct line l;
	const char *p = (const char *)data, *end = p + size, *q, *nl;
	size_t bad, textbytes = 0, kept = 0, n;
	const struct field *f;
	const char *t;

	split_init(&s, &split_defaults);
	for (q = p; q < end; q = nl + 1) {
		nl = memchr(q, '\n', (size_t)(end - q));
		if (nl == NULL)
			nl = end;
		if (split_line(&s, q, (size_t)(nl - q), &out, &bad) != 0 &&
		    bad > (size_t)(nl - q))
			abort();
	}
	split_finish(&s, &out);
	record_init(&r);
	for (q = out.data; q < out.data + out.len; q = nl + 1) {
		nl = memchr(q, '\n', (size_t)(out.data + out.len - q));
		if (nl == NULL)
			abort();	/* every record ends in LF */
		l.p = l.raw = (char *)q;
		l.len = l.rawlen = (size_t)(nl - q);
		l.file = l.path = "fuzz";
		l.no = 1;
		if (record_parse(&r, &l, &e) != 0)
			abort();
		f = record_get(&r, "text");
		if (f == NULL || record_string(&r, f, &t, &n) != 0)
			abort();
		textbytes += n;
		kept++;
	}
	if (kept != s.posts)
		abort();
	(void)textbytes;
	record_release(&r);
	split_release(&s);
	buf_release(&out);
	return 0;
}
