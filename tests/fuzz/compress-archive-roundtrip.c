/*
 * Fuzz the archive writer and reader together: the input's lines, written
 * with a frame size and thread count taken from its first bytes, come
 * back byte for byte, whole and by ranges, and as the same bytes for one
 * thread or two.
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

static void
write_archive(struct buf *out, const uint8_t *p, size_t n, size_t fs,
    int threads, int dict)
{
	struct archive_opts o = archive_defaults;
	struct archive_writer *w;
	const uint8_t *q, *end = p + n;

	o.frame_size = fs;
	o.threads = threads;
	o.dict = dict;
	w = archive_writer_new(&o, emit_buf, out);
	while (p < end) {
		q = memchr(p, '\n', (size_t)(end - p));
		if (q == NULL)
			q = end;
		archive_writer_add(w, (const char *)p, (size_t)(q - p), 0);
		p = q + 1;
	}
	archive_writer_finish(w);
	archive_writer_free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a1 = BUF_INIT, a2 = BUF_INIT, want = BUF_INIT,
	    got = BUF_INIT;
	struct archive a;
	struct archive_mem m;
	struct archive_err e;
	size_t fs;
	uint64_t k;
	int dict;

	if (size < 2)
		return 0;
	fs = 1 + (size_t)data[0] * 3;
	dict = data[1] & 1;
	data += 2;
	size -= 2;
	buf_add(&want, data, size);
	if (size > 0 && data[size - 1] != '\n')
		buf_addch(&want, '\n');
	write_archive(&a1, data, size, fs, 1, dict);
	write_archive(&a2, data, size, fs, 2, dict);
	if (a1.len != a2.len || memcmp(a1.data, a2.data, a1.len) != 0)
		abort();
	m.p = (const unsigned char *)a1.data;
	m.n = a1.len;
	if (archive_open(&a, archive_mem_pread, &m, a1.len, &e) != 0)
		abort();
	if (archive_decode_all(&a, emit_buf, &got, &e) != 0 ||
	    got.len != want.len || memcmp(got.data, want.data, want.len) != 0)
		abort();
	buf_reset(&got);
	for (k = 1; k <= a.records; k += 3)
		if (archive_extract(&a, k, k + 2 <= a.records ? k + 2 :
		    a.records, emit_buf, &got, &e) != 0)
			abort();
	if (got.len != want.len || memcmp(got.data, want.data, want.len) != 0)
		abort();
	archive_close(&a);
	buf_release(&a1);
	buf_release(&a2);
	buf_release(&want);
	buf_release(&got);
	return 0;
}
