/*
 * archive: records in a seekable zstd archive that plain zstd reads.
 *
 * Layout (facebook/zstd contrib/seekable_format, all numbers little
 * endian):
 *
 *   [dictionary]  skippable frame 0x184D2A5C holding a zstd dictionary
 *                 (only with --dict)
 *   data frames   independent zstd frames, each with its content size and
 *                 XXH64 checksum, cut only at record boundaries
 *   record index  skippable frame 0x184D2A5D, our own (see below)
 *   seek table    skippable frame 0x184D2A5E, entries with checksums,
 *                 footer ending in 0x8F92EAB1
 *
 * Every frame, skippable ones included, has a seek table entry; skippable
 * frames have decompressed size 0 and the checksum of no data.  The record
 * index payload is
 *
 *   0   "TGRX"  4   version (1)  5  flags (1 raw, 2 dictionary)  6  0 (2)
 *   8   data frames n (4)   12  records (8)   20  XXH64 of the dictionary
 *   28  XXH64 of the whole seek table frame   36  n x { first record (8),
 *   records (4), low 32 bits of the XXH64 of the frame's compressed bytes
 *   (4) }   36+16n  XXH64 of the 36+16n bytes before it
 *
 * so one read of the tail proves the seek table and the index intact, and
 * every data frame read is checked against both: its content against
 * zstd's checksum, its bytes against the index (zstd streams have bits
 * whose flip changes nothing decoded; a changed archive still fails -t).
 *
 * A record is one line: the writer takes it without its LF and stores it
 * with one; a frame holds whole lines only.  The writer compresses frames
 * in worker threads and writes them in order: the bytes do not depend on
 * the number of threads.  The reader never trusts a size before checking
 * it against the file, so any bytes give a clean error or correct records.
 */
#ifndef ARCHIVE_H
#define ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define ARCHIVE_DICT_MAGIC	0x184D2A5CU
#define ARCHIVE_INDEX_MAGIC	0x184D2A5DU
#define ARCHIVE_SEEK_MAGIC	0x184D2A5EU
#define ARCHIVE_SEEKABLE_MAGIC	0x8F92EAB1U
#define ARCHIVE_VERSION		1
#define ARCHIVE_FLAG_RAW	1
#define ARCHIVE_FLAG_DICT	2
/* A frame's content is at most this (the seek table's 32-bit field). */
#define ARCHIVE_FRAME_MAX	0xFFFFFFFFU
#define ARCHIVE_FRAME_DEFAULT	(1024 * 1024)

/* Where output goes: out_write for a program, buf_add for a test. */
typedef void	(*archive_emit_fn)(void *ctx, const void *p, size_t n);

struct archive_opts {
	int	 level;		/* 1-19 */
	int	 threads;	/* compression workers, >= 1 */
	size_t	 frame_size;	/* cut a frame before it grows past this */
	int	 raw;		/* lines are not records (a flag only) */
	int	 dict;		/* train and use a dictionary */
	size_t	 dict_size;
	/*
	 * check, if set, says whether to keep a record; refuse gets the
	 * records it refuses, in input order, each with the tag it was added
	 * with, and they are left out of the archive.  With one thread the
	 * records are checked as they are added; with more, in the worker
	 * threads before their frame is compressed, and a frame holding a
	 * refused record is checked again on the calling thread when its
	 * turn to be written comes.  keep_going: refuse returns and the
	 * archive goes on (--rejects); then records are checked as they are
	 * added whatever the threads, as only that cuts the frames where
	 * one thread does.
	 */
	int	(*check)(const char *p, size_t n);
	void	(*refuse)(void *ctx, const char *p, size_t n, uint64_t tag);
	void	*refuse_ctx;
	int	 keep_going;
};

extern const struct archive_opts archive_defaults;

struct archive_writer;

struct archive_writer *archive_writer_new(const struct archive_opts *,
	    archive_emit_fn, void *ctx);
/*
 * Add one record (a line without its LF) with a tag for refuse.  -1 if it
 * is too large for a frame, after writing every record added before it.
 */
int	archive_writer_add(struct archive_writer *, const char *p, size_t n,
	    uint64_t tag);
/* Write the remaining frames, the index and the seek table. */
void	archive_writer_finish(struct archive_writer *);
void	archive_writer_free(struct archive_writer *);
/* Counts for -v; valid after finish. */
void	archive_writer_stats(const struct archive_writer *, uint64_t *records,
	    uint64_t *frames, uint64_t *bytes_in, uint64_t *bytes_out,
	    int *dict_used);
/* Why the dictionary was not used, or NULL. */
const char *archive_writer_dict_error(const struct archive_writer *);

/* A failure while reading: status 65 (bad archive) or 74 (read error). */
struct archive_err {
	int	 status;
	char	 msg[256];
};

/* Read n bytes at off into p: 0, or -1 with errno set. */
typedef int	(*archive_pread_fn)(void *ctx, void *p, size_t n, uint64_t off);

enum archive_frame_kind { FRAME_DICT, FRAME_DATA, FRAME_INDEX };

struct archive_frame {
	uint64_t	offset;
	uint32_t	csize, dsize, checksum;
	uint32_t	chash;		/* of the compressed bytes (data) */
	uint64_t	first;		/* first record, 1-based (data) */
	uint32_t	records;
	enum archive_frame_kind kind;
};

struct archive {
	archive_pread_fn pread;
	void		*ctx;
	uint64_t	 size;		/* of the whole archive */
	struct archive_frame *f;	/* every frame, seek table excluded */
	uint32_t	 nf;
	struct archive_frame **data;	/* the data frames, in order */
	uint32_t	 ndata;
	uint64_t	 records, dbytes;
	int		 flags;
	struct buf	 dict;
	void		*dctx, *ddict;
	struct buf	 cbuf, dbuf;	/* a frame compressed, decompressed */
};

/* Check the tail (footer, seek table, index, dictionary); 0, or -1. */
int	archive_open(struct archive *, archive_pread_fn, void *ctx,
	    uint64_t size, struct archive_err *);
/*
 * Write records first..last (1-based, inclusive, within 1..records),
 * decoding and checking only the frames that hold them.  emit may be NULL
 * (a test).  0, or -1.
 */
int	archive_extract(struct archive *, uint64_t first, uint64_t last,
	    archive_emit_fn, void *ctx, struct archive_err *);
/* Decode and check every frame, writing all records. */
int	archive_decode_all(struct archive *, archive_emit_fn, void *ctx,
	    struct archive_err *);
void	archive_close(struct archive *);

/* Read up to n bytes: the count, 0 at the end, or -1 with errno set. */
typedef long	(*archive_read_fn)(void *ctx, void *p, size_t n);
/*
 * Decode an archive read once from front to back (a pipe): every frame is
 * checked as it comes and written, and at the end the tail must prove
 * them all, so a cut or corrupt archive fails after its good records.  On
 * success *a holds the counts (records, frames, sizes), to archive_close.
 */
int	archive_decode_stream(archive_read_fn, void *rctx, archive_emit_fn,
	    void *ectx, struct archive *a, struct archive_err *);

/* An archive in memory: ctx for archive_open is a struct archive_mem. */
struct archive_mem {
	const unsigned char *p;
	size_t		 n;
};
int	archive_mem_pread(void *ctx, void *p, size_t n, uint64_t off);

#endif
