/*
 * Fuzz target: the record layer.  Any bytes, split into lines, must parse
 * or be refused cleanly, the same with and without the AVX2 paths; a
 * parsed record must render byte for byte as it came, and with an edit
 * must still be a valid record whose other members are unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record r, again;
	struct buf out = BUF_INIT, copy = BUF_INIT;
	struct json_err e, e0;
	struct line l, l2;
	const struct field *f;
	const char *s;
	size_t n;
	int valid, bad;

	buf_add(&copy, data, size);
	l.p = l.raw = copy.data;
	l.len = l.rawlen = copy.len;
	l.file = l.path = "fuzz";
	l.no = 1;
	record_init(&r);
	record_init(&again);
	if (record_valid(copy.data, copy.len) != (record_parse(&r, &l,
	    &e) == 0))
		abort();
	/* With and without AVX2: the same verdict, error and position. */
	json_simd(0);
	valid = record_valid(copy.data, copy.len);
	bad = record_parse(&r, &l, &e0);
	json_simd(1);
	if (record_valid(copy.data, copy.len) != valid ||
	    record_parse(&r, &l, &e) != bad || (bad != 0 && (e.at != e0.at ||
	    strcmp(e.msg, e0.msg) != 0)))
		abort();
	if (record_parse(&r, &l, &e) == 0) {
		record_render(&r, &out);
		if (out.len != size + 1 || memcmp(out.data, data, size) != 0)
			abort();
		if ((f = record_get(&r, "text")) != NULL &&
		    f->type == JSON_STRING &&
		    record_string(&r, f, &s, &n) == 0) {
			/* Replace text with itself: decode, escape, parse. */
			struct buf v = BUF_INIT;

			buf_add(&v, s, n);
			record_set_string(&r, "text", v.data, v.len);
			record_set_int(&r, "zz", 1);
			buf_reset(&out);
			record_render(&r, &out);
			l2 = l;
			l2.p = l2.raw = out.data;
			l2.len = l2.rawlen = out.len - 1;
			if (record_parse(&again, &l2, &e) != 0 ||
			    again.nf != r.nf + (record_get(&r, "zz") ? 0 : 1))
				abort();
			f = record_get(&again, "text");
			if (f == NULL || record_string(&again, f, &s, &n) != 0 ||
			    n != v.len || memcmp(s, v.data, n) != 0)
				abort();
			buf_release(&v);
		}
	}
	record_release(&r);
	record_release(&again);
	buf_release(&out);
	buf_release(&copy);
	return 0;
}
