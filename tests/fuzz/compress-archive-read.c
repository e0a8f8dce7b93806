/*
 * Fuzz the archive reader: any bytes give a clean error or records that
 * agree however they are read (all at once, by --extract ranges, or as a
 * stream from a pipe).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"

static void
emit_buf(void *ctx, const void *p, size_t n)
{
	buf_add(ctx, p, n);
}

/* Hand out the bytes in uneven pieces, as a pipe would. */
struct piece {
	const uint8_t	*p;
	size_t		 n, off, step;
};

static long
read_piece(void *ctx, void *p, size_t n)
{
	struct piece *r = ctx;
	size_t k = r->n - r->off;

	if (k > n)
		k = n;
	if (k > r->step)
		k = r->step;
	memcpy(p, r->p + r->off, k);
	r->off += k;
	r->step = r->step * 7 % 1031 + 1;
	return (long)k;
}

/* The stream reader agrees with the seekable one: "all" or a failure. */
static void
check_stream(const uint8_t *data, size_t size, int ok, const struct buf *all)
{
	struct piece r = { data, size, 0, 1 + size % 97 };
	struct archive s;
	struct archive_err e;
	struct buf got = BUF_INIT;
	int rc;

	rc = archive_decode_stream(read_piece, &r, emit_buf, &got, &s, &e);
	if (rc != 0 && e.status != 65)
		abort();
	if ((rc == 0) != ok)
		abort();
	if (ok && (got.len != all->len || memcmp(got.data, all->data,
	    all->len) != 0))
		abort();
	archive_close(&s);
	buf_release(&got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct archive a;
	struct archive_mem m = { data, size };
	struct archive_err e;
	struct buf all = BUF_INIT, part = BUF_INIT;
	uint64_t mid;

	if (archive_open(&a, archive_mem_pread, &m, size, &e) != 0) {
		if (e.status != 65 || e.msg[0] == '\0')
			abort();
		archive_close(&a);
		check_stream(data, size, 0, &all);
		return 0;
	}
	if (archive_decode_all(&a, emit_buf, &all, &e) == 0) {
		check_stream(data, size, 1, &all);
		if (all.len != a.dbytes)
			abort();
		if (a.records > 0) {
			mid = (a.records + 1) / 2;
			if (archive_extract(&a, 1, mid, emit_buf, &part,
			    &e) != 0)
				abort();
			if (mid < a.records && archive_extract(&a, mid + 1,
			    a.records, emit_buf, &part, &e) != 0)
				abort();
			if (part.len != all.len ||
			    memcmp(part.data, all.data, all.len) != 0)
				abort();
		}
	} else if (e.status != 65)
		abort();
	else
		check_stream(data, size, 0, &all);
	archive_close(&a);
	buf_release(&all);
	buf_release(&part);
	return 0;
}
