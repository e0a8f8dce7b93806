/*
 * Fuzz target for dedupe-paragraphs' transform: folding any bytes never
 * crashes, the fast key equals the slow (whole-paragraph ICU) key, equal
 * inputs give equal keys whatever the cache held before, a key prefix is
 * one, and dedupe_text keeps the first copy of every paragraph and, in
 * record scope, removes as a repeat exactly those an earlier one has the
 * key of.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct para_fold fold;
static struct dedupe rec, stream;
static int ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	struct dedupe_opts o;
	size_t i;

	if (!ready) {
		para_fold_init(&fold);
		memset(&o, 0, sizeof o);
		o.part_n = 1;
		dedupe_init(&rec, &o);
		o.scope = DEDUPE_STREAM;
		o.origins = 1;
		dedupe_init(&stream, &o);
		ready = 1;
	}
	para_key(&fold, (const char *)data, size, &a);
	para_key_slow(&fold, (const char *)data, size, &b);
	para_key(&fold, (const char *)data, size, &c);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	if (a.len != c.len || memcmp(a.data, c.data, a.len) != 0)
		abort();
	/* A prefix of the key: as long as asked, or the key whole. */
	buf_reset(&c);
	if (para_key_prefix(&fold, (const char *)data, size, &c, size % 40) ?
	    c.len != a.len : c.len < size % 40 || c.len > a.len)
		abort();
	if (memcmp(a.data, c.data, c.len) != 0)
		abort();

	/* The first occurrence of a fingerprint is never removed. */
	dedupe_text(&rec, (const char *)data, size, 0, 1);
	if (rec.npara > 0 && rec.para[0].fate != PARA_KEPT)
		abort();
	for (i = 0; i < rec.npara; i++)
		if (rec.para[i].fate == PARA_REPEAT &&
		    rec.para[i].first.para > i)
			abort();
	/*
	 * Record scope keys whole only paragraphs whose prefix may match:
	 * still, one repeats exactly when an earlier one has its key (a
	 * cut-short copy aside).  Quadratic: small texts only.
	 */
	for (i = 0; i < rec.npara && rec.npara <= 64; i++) {
		const struct para *p = &rec.para[i];
		size_t j, first = SIZE_MAX;

		if (p->fate == PARA_TRUNCATED || p->len == 0)
			continue;
		buf_reset(&a);
		para_key(&fold, (const char *)data + p->off, p->len, &a);
		for (j = 0; j < i && first == SIZE_MAX; j++) {
			const struct para *q = &rec.para[j];

			buf_reset(&b);
			para_key(&fold, (const char *)data + q->off, q->len, &b);
			if (q->len > 0 && a.len == b.len && (a.len > 0 ?
			    memcmp(a.data, b.data, a.len) == 0 :
			    q->len == p->len && memcmp(data + q->off,
			    data + p->off, p->len) == 0))
				first = j;
		}
		if ((p->fate == PARA_REPEAT) != (first != SIZE_MAX) ||
		    (first != SIZE_MAX && p->first.para != first + 1))
			abort();
	}
	dedupe_text(&stream, (const char *)data, size, 0, 2);
	dedupe_text(&rec, (const char *)data, size, 1, 3);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	return 0;
}
