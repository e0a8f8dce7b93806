/* Unit tests for filters/lib/archive: write in memory, read back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "unit.h"

static void
emit_buf(void *ctx, const void *p, size_t n)
{
	buf_add(ctx, p, n);
}

/* Compress n records "{"i":K}" with the given frame size and threads. */
static void
build(struct buf *out, int n, size_t frame_size, int threads, int dict)
{
	struct archive_opts o = archive_defaults;
	struct archive_writer *w;
	char rec[64];
	int i, len;

	o.frame_size = frame_size;
	o.threads = threads;
	o.dict = dict;
	buf_reset(out);
	w = archive_writer_new(&o, emit_buf, out);
	for (i = 1; i <= n; i++) {
		len = snprintf(rec, sizeof rec, "{\"i\":%d,\"t\":\"text %d\"}",
		    i, i % 7);
		archive_writer_add(w, rec, (size_t)len, 0);
	}
	archive_writer_finish(w);
	archive_writer_free(w);
}

/* A pipe that hands out 1000 bytes at a time. */
struct pipe {
	const struct buf *b;
	size_t		  off;
};

static long
pipe_read(void *ctx, void *p, size_t n)
{
	struct pipe *q = ctx;
	size_t k = q->b->len - q->off;

	if (k > n)
		k = n;
	if (k > 1000)
		k = 1000;
	memcpy(p, q->b->data + q->off, k);
	q->off += k;
	return (long)k;
}

static uint32_t
le32(const struct buf *b, size_t off)
{
	const unsigned char *p = (const unsigned char *)b->data + off;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int
open_mem(struct archive *a, struct archive_mem *m, const struct buf *b,
    struct archive_err *e)
{
	m->p = (const unsigned char *)b->data;
	m->n = b->len;
	return archive_open(a, archive_mem_pread, m, b->len, e);
}

int
main(void)
{
	struct buf a1 = BUF_INIT, a2 = BUF_INIT, got = BUF_INIT;
	struct archive a;
	struct archive_mem m;
	struct archive_err e;
	int rc;

	/* The empty archive: the index and the seek table, nothing else. */
	build(&a1, 0, 1024, 1, 0);
	CHECK(a1.len == 8 + 44 + 8 + 12 * 1 + 9, "empty archive size %zu",
	    a1.len);
	CHECK(le32(&a1, 0) == ARCHIVE_INDEX_MAGIC, "empty: index first");
	CHECK(memcmp(a1.data + 8, "TGRX\1", 5) == 0, "empty: index magic");
	CHECK(le32(&a1, 52) == ARCHIVE_SEEK_MAGIC, "empty: seek table");
	CHECK(le32(&a1, a1.len - 4) == ARCHIVE_SEEKABLE_MAGIC,
	    "empty: seekable magic last");
	CHECK((unsigned char)a1.data[a1.len - 5] == 0x80, "checksum flag");
	rc = open_mem(&a, &m, &a1, &e);
	CHECK(rc == 0 && a.records == 0 && a.ndata == 0, "empty: opens");
	archive_close(&a);

	/* Frames cut at records: 1000 records of ~20 bytes, 1 KiB frames. */
	build(&a1, 1000, 1024, 1, 0);
	rc = open_mem(&a, &m, &a1, &e);
	CHECK(rc == 0 && a.records == 1000, "1000 records: opens (%s)", e.msg);
	CHECK(a.ndata > 10 && a.f[0].dsize <= 1024 && a.data[1]->first ==
	    a.data[0]->records + 1, "frames of at most 1 KiB, numbered");
	CHECK(le32(&a1, 0) == 0xFD2FB528, "first frame is a zstd frame");
	buf_reset(&got);
	rc = archive_extract(&a, 500, 500, emit_buf, &got, &e);
	CHECK(rc == 0 && BYTES_EQ(got.data, got.len,
	    "{\"i\":500,\"t\":\"text 3\"}\n"), "extract record 500");
	buf_reset(&got);
	rc = archive_extract(&a, 1, 1000, emit_buf, &got, &e);
	CHECK(rc == 0 && got.len == a.dbytes, "extract all");
	rc = archive_extract(&a, 999, 1001, emit_buf, &got, &e);
	CHECK(rc == -1 && e.status == 64, "extract past the end: status 64");
	archive_close(&a);

	/* Threads do not change a byte. */
	build(&a2, 1000, 1024, 3, 0);
	CHECK(a1.len == a2.len && memcmp(a1.data, a2.data, a1.len) == 0,
	    "-T 3 output identical to -T 1");

	/* A flipped bit in a data frame: open succeeds, decoding fails. */
	a2.data[20] ^= 4;
	rc = open_mem(&a, &m, &a2, &e);
	CHECK(rc == 0, "flipped data bit: tail still good");
	rc = archive_decode_all(&a, NULL, NULL, &e);
	CHECK(rc == -1 && e.status == 65, "flipped data bit: detected (%s)",
	    e.msg);
	archive_close(&a);
	a2.data[20] ^= 4;
	/* In the tail: open fails. */
	a2.data[a2.len - 20] ^= 1;
	rc = open_mem(&a, &m, &a2, &e);
	CHECK(rc == -1 && e.status == 65, "flipped seek table bit: %s", e.msg);
	archive_close(&a);
	/* Cut at the start of the index: no seek table. */
	rc = open_mem(&a, &m, &a1, &e);
	buf_setlen(&a2, (size_t)a.f[a.nf - 1].offset);
	archive_close(&a);
	rc = open_mem(&a, &m, &a2, &e);
	CHECK(rc == -1 && strstr(e.msg, "truncated") != NULL,
	    "cut at a frame boundary: %s", e.msg);
	archive_close(&a);

	/* A dictionary: its frame comes first, records still come back. */
	build(&a1, 3000, 4096, 2, 1);
	CHECK(le32(&a1, 0) == ARCHIVE_DICT_MAGIC, "dictionary frame first");
	rc = open_mem(&a, &m, &a1, &e);
	CHECK(rc == 0 && (a.flags & ARCHIVE_FLAG_DICT) && a.dict.len > 0,
	    "dictionary archive opens (%s)", e.msg);
	buf_reset(&got);
	rc = archive_extract(&a, 2000, 2001, emit_buf, &got, &e);
	CHECK(rc == 0 && BYTES_EQ(got.data, got.len,
	    "{\"i\":2000,\"t\":\"text 5\"}\n{\"i\":2001,\"t\":\"text 6\"}\n"),
	    "dictionary: extract 2000-2001");
	archive_close(&a);

	/* As a stream: all records, and a cut caught at the end. */
	{
		struct pipe q = { &a1, 0 };

		buf_reset(&got);
		rc = archive_decode_stream(pipe_read, &q, emit_buf, &got, &a,
		    &e);
		CHECK(rc == 0 && a.records == 3000 && got.len == a.dbytes,
		    "stream: 3000 records (%s)", e.msg);
		archive_close(&a);
		a1.len -= 30;
		q.off = 0;
		rc = archive_decode_stream(pipe_read, &q, NULL, NULL, &a, &e);
		CHECK(rc == -1 && e.status == 65, "stream: cut: %s", e.msg);
		archive_close(&a);
	}

	/* Garbage is refused cleanly. */
	buf_reset(&a2);
	buf_addstr(&a2, "hello, world, this is not an archive at all");
	rc = open_mem(&a, &m, &a2, &e);
	CHECK(rc == -1 && e.status == 65, "garbage: %s", e.msg);
	archive_close(&a);

	buf_release(&a1);
	buf_release(&a2);
	buf_release(&got);
	return unit_status();
}
