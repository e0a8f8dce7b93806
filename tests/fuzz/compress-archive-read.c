/*
 * Fuzz the archive reader: any bytes give a clean error or records that
 * agree however they are read (all at once, or by --extract ranges).
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
		return 0;
	}
	if (archive_decode_all(&a, emit_buf, &all, &e) == 0) {
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
	archive_close(&a);
	buf_release(&all);
	buf_release(&part);
	return 0;
}
