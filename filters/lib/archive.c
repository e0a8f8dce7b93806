/* archive: a seekable zstd archive of records; see archive.h. */
#define ZSTD_STATIC_LINKING_ONLY
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>
#include <zdict.h>
#include <zstd.h>

#include "archive.h"
#include "util.h"

#define INDEX_HEAD	36		/* index payload before the entries */
#define INDEX_ENTRY	16
#define SEEK_ENTRY	12
#define SEEK_FOOTER	9
#define SKIP_HEAD	8		/* skippable magic and size */
#define CHECKSUM_FLAG	0x80
#define RESERVED_BITS	0x7C
/* Records kept for training before the dictionary is built. */
#define DICT_SAMPLE_MAX	(4 * 1024 * 1024)
/* Samples for training: records this long, this much in all. */
#define TRAIN_MIN	16
#define TRAIN_TOTAL_MIN	(8 * 1024)
/* The largest dictionary frame a stream may announce. */
#define DICT_FRAME_MAX	(16 * 1024 * 1024)
/* A zstd block of 4 bytes (RLE) yields at most 128 KiB. */
#define MAX_RATIO	32768

const struct archive_opts archive_defaults = {
	.level = 3, .threads = 1, .frame_size = ARCHIVE_FRAME_DEFAULT,
	.dict_size = 112640
};

/* The seek table checksum of a frame holding no data. */
static uint32_t
empty_checksum(void)
{
	return (uint32_t)XXH64(NULL, 0, 0);
}

/* Writer */

enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct job {
	struct buf	 in, out;
	uint64_t	*tag;		/* of each record */
	uint32_t	*len;		/* of each record, without its LF */
	size_t		 nrec, captag;
	uint32_t	 chash;		/* of the compressed bytes */
	enum job_state	 state;
	int		 refused;	/* holds a bad record; not compressed */
	const char	*err;
};

struct archive_writer {
	struct archive_opts o;
	archive_emit_fn	 emit;
	void		*ctx;

	pthread_mutex_t	 mu;
	pthread_cond_t	 work, done;
	pthread_t	*tid;
	int		 nthreads, quit;
	int		 check_late;	/* records checked in the workers */
	struct job	*jobs;
	size_t		 njobs;
	size_t		*queue, qhead, qlen;
	size_t		 fill, oldest, inflight;

	ZSTD_CDict	*cdict;
	ZSTD_CCtx	*cc;		/* the calling thread's, on demand */
	struct buf	 dict;
	int		 training;
	struct buf	 sample;
	size_t		*ssize;
	uint64_t	*stag;
	size_t		 nsample, capsample;
	const char	*dict_err;

	struct archive_frame *f;
	size_t		 nf, capf;
	uint64_t	 records, bytes_in, offset;
	int		 flags;
};

static void
lock(struct archive_writer *w)
{
	pthread_mutex_lock(&w->mu);
}

static void
unlock(struct archive_writer *w)
{
	pthread_mutex_unlock(&w->mu);
}

static ZSTD_CCtx *
new_cctx(const struct archive_writer *w)
{
	ZSTD_CCtx *cc;

	if ((cc = ZSTD_createCCtx()) == NULL)
		die(EX_SOFTWARE, "out of memory (zstd context)");
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, w->o.level);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1);
	return cc;
}

/* Whether check keeps every record of j. */
static int
check_job(const struct archive_writer *w, const struct job *j)
{
	const char *p = j->in.data;
	size_t i;

	for (i = 0; i < j->nrec; p += j->len[i++] + 1)
		if (!w->o.check(p, j->len[i]))
			return 0;
	return 1;
}

/*
 * On the calling thread: hand j's refused records to refuse, in order,
 * and keep the others.
 */
static void
drop_refused(struct archive_writer *w, struct job *j)
{
	struct buf kept = BUF_INIT;
	const char *p = j->in.data;
	size_t i, n = 0;

	for (i = 0; i < j->nrec; p += j->len[i++] + 1) {
		if (w->o.check(p, j->len[i])) {
			buf_add(&kept, p, j->len[i] + 1);
			n++;
		} else
			w->o.refuse(w->o.refuse_ctx, p, j->len[i], j->tag[i]);
	}
	buf_release(&j->in);
	j->in = kept;
	j->nrec = n;
}

static void
compress_job(struct archive_writer *w, ZSTD_CCtx *cc, struct job *j)
{
	size_t bound = ZSTD_compressBound(j->in.len), r;

	buf_reset(&j->out);
	buf_grow(&j->out, bound);
	if (w->cdict != NULL)
		ZSTD_CCtx_refCDict(cc, w->cdict);
	r = ZSTD_compress2(cc, j->out.data, bound, j->in.data, j->in.len);
	if (ZSTD_isError(r)) {
		j->err = ZSTD_getErrorName(r);
		return;
	}
	buf_setlen(&j->out, r);
	j->chash = (uint32_t)XXH64(j->out.data, r, 0);
}

static void *
worker(void *arg)
{
	struct archive_writer *w = arg;
	ZSTD_CCtx *cc;
	struct job *j;

	cc = new_cctx(w);
	lock(w);
	for (;;) {
		while (w->qlen == 0 && !w->quit)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->qlen == 0)
			break;
		j = &w->jobs[w->queue[w->qhead]];
		w->qhead = (w->qhead + 1) % w->njobs;
		w->qlen--;
		j->state = JOB_RUNNING;
		unlock(w);
		if (w->check_late && !check_job(w, j))
			j->refused = 1;
		else
			compress_job(w, cc, j);
		lock(w);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&w->done);
	}
	unlock(w);
	ZSTD_freeCCtx(cc);
	return NULL;
}

static void
frame_add(struct archive_writer *w, enum archive_frame_kind kind,
    uint32_t csize, uint32_t dsize, uint32_t checksum, uint64_t first,
    uint32_t nrec)
{
	struct archive_frame *f;

	if (w->nf == w->capf) {
		w->capf = w->capf ? w->capf * 2 : 64;
		w->f = xrealloc(w->f, w->capf, sizeof *w->f);
	}
	f = &w->f[w->nf++];
	f->offset = w->offset;
	f->csize = csize;
	f->dsize = dsize;
	f->checksum = checksum;
	f->first = first;
	f->records = nrec;
	f->kind = kind;
	w->offset += csize;
}

/* Write the oldest job in flight, waiting for it. */
static void
write_oldest(struct archive_writer *w)
{
	struct job *j = &w->jobs[w->oldest];

	lock(w);
	while (j->state != JOB_DONE)
		pthread_cond_wait(&w->done, &w->mu);
	unlock(w);
	if (j->refused) {
		drop_refused(w, j);
		if (j->nrec > 0) {
			if (w->cc == NULL)
				w->cc = new_cctx(w);
			compress_job(w, w->cc, j);
		}
	}
	if (j->err != NULL)
		die(EX_SOFTWARE, "zstd compression failed: %s", j->err);
	if (j->out.len > ARCHIVE_FRAME_MAX)
		die(EX_SOFTWARE, "a compressed frame exceeds 4 GiB");
	if (j->nrec > 0) {
		w->emit(w->ctx, j->out.data, j->out.len);
		frame_add(w, FRAME_DATA, (uint32_t)j->out.len,
		    (uint32_t)j->in.len, get_le32((unsigned char *)j->out.data +
		    j->out.len - 4), w->records + 1, (uint32_t)j->nrec);
		w->f[w->nf - 1].chash = j->chash;
		w->records += j->nrec;
	}
	buf_reset(&j->in);
	j->nrec = 0;
	j->refused = 0;
	j->state = JOB_FREE;
	w->oldest = (w->oldest + 1) % w->njobs;
	w->inflight--;
}

static void
submit(struct archive_writer *w)
{
	struct job *j = &w->jobs[w->fill];

	lock(w);
	j->state = JOB_QUEUED;
	w->queue[(w->qhead + w->qlen) % w->njobs] = w->fill;
	w->qlen++;
	pthread_cond_signal(&w->work);
	unlock(w);
	w->inflight++;
	w->fill = (w->fill + 1) % w->njobs;
	if (w->jobs[w->fill].state != JOB_FREE)
		write_oldest(w);
}

static void
emit_skippable(struct archive_writer *w, unsigned magic, const void *p,
    size_t n, struct buf *frame)
{
	size_t r;

	buf_reset(frame);
	buf_grow(frame, n + SKIP_HEAD);
	r = ZSTD_writeSkippableFrame(frame->data, n + SKIP_HEAD, p, n,
	    magic - ZSTD_MAGIC_SKIPPABLE_START);
	if (ZSTD_isError(r))
		die(EX_SOFTWARE, "zstd skippable frame: %s",
		    ZSTD_getErrorName(r));
	buf_setlen(frame, r);
	w->emit(w->ctx, frame->data, frame->len);
}

static void add_record(struct archive_writer *, const char *, size_t,
    uint64_t);

/* Train a dictionary on the records kept so far, then compress them. */
static void
train(struct archive_writer *w)
{
	struct buf *dict = &w->dict, frame = BUF_INIT, set = BUF_INIT;
	size_t i, off, r, nset = 0, *sizes;

	w->training = 0;
	/*
	 * libzstd 1.5.4's trainer reads out of bounds on tiny samples (found
	 * by tests/fuzz/compress-archive-roundtrip): train on the records of
	 * at least TRAIN_MIN bytes only.
	 */
	sizes = xcalloc(w->nsample, sizeof *sizes);
	for (i = off = 0; i < w->nsample; off += w->ssize[i++])
		if (w->ssize[i] >= TRAIN_MIN) {
			buf_add(&set, w->sample.data + off, w->ssize[i]);
			sizes[nset++] = w->ssize[i];
		}
	buf_grow(dict, w->o.dict_size);
	r = 0;
	if (set.len >= TRAIN_TOTAL_MIN)
		r = ZDICT_trainFromBuffer(dict->data, w->o.dict_size, set.data,
		    sizes, (unsigned)nset);
	free(sizes);
	buf_release(&set);
	if (r == 0)
		w->dict_err = "too few records";
	else if (ZDICT_isError(r))
		w->dict_err = ZDICT_getErrorName(r);
	else {
		buf_setlen(dict, r);
		w->cdict = ZSTD_createCDict(dict->data, r, w->o.level);
		if (w->cdict == NULL)
			die(EX_SOFTWARE, "out of memory (zstd dictionary)");
		w->flags |= ARCHIVE_FLAG_DICT;
		emit_skippable(w, ARCHIVE_DICT_MAGIC, dict->data, r, &frame);
		frame_add(w, FRAME_DICT, (uint32_t)frame.len, 0,
		    empty_checksum(), 0, 0);
	}
	for (i = off = 0; i < w->nsample; off += w->ssize[i++])
		add_record(w, w->sample.data + off, w->ssize[i] - 1,
		    w->stag[i]);
	buf_release(&w->sample);
	buf_release(&frame);
	free(w->ssize);
	free(w->stag);
	w->ssize = NULL;
	w->stag = NULL;
	w->nsample = 0;
}

struct archive_writer *
archive_writer_new(const struct archive_opts *o, archive_emit_fn emit,
    void *ctx)
{
	struct archive_writer *w = xcalloc(1, sizeof *w);
	size_t i;
	int t;

	w->o = *o;
	if (w->o.threads < 1)
		w->o.threads = 1;
	if (w->o.frame_size < 1)
		w->o.frame_size = 1;
	w->emit = emit;
	w->ctx = ctx;
	w->flags = o->raw ? ARCHIVE_FLAG_RAW : 0;
	w->training = o->dict;
	buf_init(&w->sample);
	buf_init(&w->dict);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	w->nthreads = w->o.threads;
	/*
	 * One worker compresses while the calling thread reads and checks;
	 * more share the checking too, or the calling thread holds them up.
	 */
	w->check_late = w->o.check != NULL && w->nthreads > 1 &&
	    !w->o.keep_going;
	/*
	 * A job per worker, one filling, and as many done and waiting to be
	 * written: each job's buffers are a frame and its compressed copy,
	 * and more would only cost memory and page faults.
	 */
	w->njobs = (size_t)w->nthreads * 2 + 2;
	w->jobs = xcalloc(w->njobs, sizeof *w->jobs);
	w->queue = xcalloc(w->njobs, sizeof *w->queue);
	for (i = 0; i < w->njobs; i++) {
		buf_init(&w->jobs[i].in);
		buf_init(&w->jobs[i].out);
	}
	w->tid = xcalloc((size_t)w->nthreads, sizeof *w->tid);
	for (t = 0; t < w->nthreads; t++)
		if ((errno = pthread_create(&w->tid[t], NULL, worker, w)) != 0)
			die(EX_OSERR, "cannot start a thread:");
	return w;
}

/* Write every record added so far. */
static void
drain(struct archive_writer *w)
{
	if (w->jobs[w->fill].in.len > 0)
		submit(w);
	while (w->inflight > 0)
		write_oldest(w);
}

/* Add a record shorter than ARCHIVE_FRAME_MAX (archive_writer_add checks). */
static void
add_record(struct archive_writer *w, const char *p, size_t n, uint64_t tag)
{
	struct job *j;

	if (w->o.check != NULL && !w->check_late && !w->o.check(p, n)) {
		w->o.refuse(w->o.refuse_ctx, p, n, tag);
		return;
	}
	j = &w->jobs[w->fill];
	if (j->in.len > 0 && (j->in.len + n + 1 > w->o.frame_size ||
	    j->in.len + n + 1 > ARCHIVE_FRAME_MAX)) {
		submit(w);
		j = &w->jobs[w->fill];
	}
	if (j->in.len == 0)
		j->err = NULL;
	buf_grow(&j->in, n + 1);
	memcpy(j->in.data + j->in.len, p, n);
	j->in.data[j->in.len + n] = '\n';
	buf_setlen(&j->in, j->in.len + n + 1);
	if (j->nrec == j->captag) {
		j->captag = j->captag ? j->captag * 2 : 1024;
		j->tag = xrealloc(j->tag, j->captag, sizeof *j->tag);
		j->len = xrealloc(j->len, j->captag, sizeof *j->len);
	}
	j->len[j->nrec] = (uint32_t)n;
	j->tag[j->nrec++] = tag;
}

int
archive_writer_add(struct archive_writer *w, const char *p, size_t n,
    uint64_t tag)
{
	if (n >= ARCHIVE_FRAME_MAX) {
		if (w->training)
			train(w);
		drain(w);
		return -1;
	}
	w->bytes_in += n + 1;
	if (w->training) {
		if (w->sample.len + n + 1 <= DICT_SAMPLE_MAX) {
			if (w->nsample == w->capsample) {
				w->capsample = w->capsample ?
				    w->capsample * 2 : 1024;
				w->ssize = xrealloc(w->ssize, w->capsample,
				    sizeof *w->ssize);
				w->stag = xrealloc(w->stag, w->capsample,
				    sizeof *w->stag);
			}
			w->stag[w->nsample] = tag;
			w->ssize[w->nsample++] = n + 1;
			buf_add(&w->sample, p, n);
			buf_addch(&w->sample, '\n');
			return 0;
		}
		train(w);
	}
	add_record(w, p, n, tag);
	return 0;
}

static void
write_tail(struct archive_writer *w)
{
	struct buf idx = BUF_INIT, seek = BUF_INIT, frame = BUF_INIT,
	    table = BUF_INIT;
	unsigned char *p;
	uint64_t ndata = 0;
	uint32_t isize;
	size_t i, nseek;

	for (i = 0; i < w->nf; i++)
		ndata += w->f[i].kind == FRAME_DATA;
	isize = (uint32_t)(INDEX_HEAD + INDEX_ENTRY * ndata + 8);
	frame_add(w, FRAME_INDEX, SKIP_HEAD + isize, 0, empty_checksum(), 0, 0);

	/* The seek table first: the index holds its hash. */
	nseek = w->nf;
	buf_grow(&seek, SEEK_ENTRY * nseek + SEEK_FOOTER);
	p = (unsigned char *)seek.data;
	for (i = 0; i < nseek; i++, p += SEEK_ENTRY) {
		put_le32(p, w->f[i].csize);
		put_le32(p + 4, w->f[i].dsize);
		put_le32(p + 8, w->f[i].checksum);
	}
	put_le32(p, (uint32_t)nseek);
	p[4] = CHECKSUM_FLAG;
	put_le32(p + 5, ARCHIVE_SEEKABLE_MAGIC);
	buf_setlen(&seek, SEEK_ENTRY * nseek + SEEK_FOOTER);
	buf_grow(&table, seek.len + SKIP_HEAD);
	put_le32((unsigned char *)table.data, ARCHIVE_SEEK_MAGIC);
	put_le32((unsigned char *)table.data + 4, (uint32_t)seek.len);
	memcpy(table.data + SKIP_HEAD, seek.data, seek.len);
	buf_setlen(&table, seek.len + SKIP_HEAD);

	buf_grow(&idx, isize);
	p = (unsigned char *)idx.data;
	memcpy(p, "TGRX", 4);
	p[4] = ARCHIVE_VERSION;
	p[5] = (unsigned char)w->flags;
	p[6] = p[7] = 0;
	put_le32(p + 8, (uint32_t)ndata);
	put_le64(p + 12, w->records);
	put_le64(p + 20, w->flags & ARCHIVE_FLAG_DICT ?
	    XXH64(w->dict.data, w->dict.len, 0) : 0);
	put_le64(p + 28, XXH64(table.data, table.len, 0));
	p += INDEX_HEAD;
	for (i = 0; i < w->nf; i++) {
		if (w->f[i].kind != FRAME_DATA)
			continue;
		put_le64(p, w->f[i].first);
		put_le32(p + 8, w->f[i].records);
		put_le32(p + 12, w->f[i].chash);
		p += INDEX_ENTRY;
	}
	put_le64(p, XXH64(idx.data, isize - 8, 0));
	buf_setlen(&idx, isize);
	emit_skippable(w, ARCHIVE_INDEX_MAGIC, idx.data, idx.len, &frame);
	/*
	 * ZSTD_writeSkippableFrame writes the same bytes as table; the
	 * seek table goes out through it too, for symmetry.
	 */
	emit_skippable(w, ARCHIVE_SEEK_MAGIC, seek.data, seek.len, &frame);
	if (frame.len != table.len || memcmp(frame.data, table.data,
	    table.len) != 0)
		die(EX_SOFTWARE, "seek table frame mismatch");
	buf_release(&idx);
	buf_release(&seek);
	buf_release(&frame);
	buf_release(&table);
}

void
archive_writer_finish(struct archive_writer *w)
{
	int t;

	if (w->training)
		train(w);
	drain(w);
	lock(w);
	w->quit = 1;
	pthread_cond_broadcast(&w->work);
	unlock(w);
	for (t = 0; t < w->nthreads; t++)
		pthread_join(w->tid[t], NULL);
	w->nthreads = 0;
	write_tail(w);
}

void
archive_writer_free(struct archive_writer *w)
{
	size_t i;

	if (w == NULL)
		return;
	if (w->nthreads > 0) {
		lock(w);
		w->quit = 1;
		pthread_cond_broadcast(&w->work);
		unlock(w);
		for (i = 0; i < (size_t)w->nthreads; i++)
			pthread_join(w->tid[i], NULL);
	}
	for (i = 0; i < w->njobs; i++) {
		buf_release(&w->jobs[i].in);
		buf_release(&w->jobs[i].out);
		free(w->jobs[i].tag);
		free(w->jobs[i].len);
	}
	ZSTD_freeCCtx(w->cc);
	free(w->jobs);
	free(w->queue);
	free(w->tid);
	free(w->f);
	free(w->ssize);
	free(w->stag);
	buf_release(&w->sample);
	buf_release(&w->dict);
	ZSTD_freeCDict(w->cdict);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->done);
	free(w);
}

void
archive_writer_stats(const struct archive_writer *w, uint64_t *records,
    uint64_t *frames, uint64_t *bytes_in, uint64_t *bytes_out,
    int *dict_used)
{
	size_t i;

	*records = w->records;
	*frames = 0;
	for (i = 0; i < w->nf; i++)
		*frames += w->f[i].kind == FRAME_DATA;
	*bytes_in = w->bytes_in;
	*bytes_out = w->offset + SKIP_HEAD + SEEK_ENTRY * w->nf + SEEK_FOOTER;
	*dict_used = (w->flags & ARCHIVE_FLAG_DICT) != 0;
}

const char *
archive_writer_dict_error(const struct archive_writer *w)
{
	return w->dict_err;
}

/* Reader */

static int
fail(struct archive_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct archive_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static int
read_at(struct archive *a, void *p, size_t n, uint64_t off,
    struct archive_err *e)
{
	if (off > a->size || n > a->size - off)
		return fail(e, EX_DATAERR, "truncated archive: %zu bytes at "
		    "offset %" PRIu64 " are past its end", n, off);
	if (a->pread(a->ctx, p, n, off) != 0)
		return fail(e, EX_IOERR, "read error at offset %" PRIu64 ": %s",
		    off, strerror(errno));
	return 0;
}

int
archive_mem_pread(void *ctx, void *p, size_t n, uint64_t off)
{
	struct archive_mem *m = ctx;

	if (off > m->n || n > m->n - off) {
		errno = EIO;
		return -1;
	}
	memcpy(p, m->p + off, n);
	return 0;
}

/* Why there is no footer: a cut archive, or something else entirely. */
static int
no_footer(struct archive *a, struct archive_err *e)
{
	unsigned char m[4];
	uint32_t magic;

	if (a->size >= 4 && read_at(a, m, 4, 0, e) == 0) {
		magic = get_le32(m);
		if (magic == ZSTD_MAGICNUMBER ||
		    (magic & ZSTD_MAGIC_SKIPPABLE_MASK) ==
		    ZSTD_MAGIC_SKIPPABLE_START)
			return fail(e, EX_DATAERR, "truncated archive: no seek "
			    "table at the end");
	} else if (a->size == 0)
		return fail(e, EX_DATAERR, "not an archive: empty file");
	return fail(e, EX_DATAERR, "not a compress-archive archive (no zstd "
	    "seek table at the end)");
}

static int
read_index(struct archive *a, const unsigned char *table, size_t tablen,
    uint32_t nseek, struct archive_err *e)
{
	struct archive_frame *ix = &a->f[a->nf - 1], *f;
	unsigned char *p, *p2;
	struct buf b = BUF_INIT;
	uint64_t next = 1, ndata;
	uint32_t i, k;
	int r = -1;

	if (ix->csize < SKIP_HEAD + INDEX_HEAD + 8 || ix->dsize != 0) {
		fail(e, EX_DATAERR, "no record index before the seek table "
		    "(not a compress-archive archive, or corrupt)");
		goto out;
	}
	buf_grow(&b, ix->csize);
	if (read_at(a, b.data, ix->csize, ix->offset, e) != 0)
		goto out;
	p = (unsigned char *)b.data;
	if (get_le32(p) != ARCHIVE_INDEX_MAGIC || get_le32(p + 4) !=
	    ix->csize - SKIP_HEAD || memcmp(p + 8, "TGRX", 4) != 0) {
		fail(e, EX_DATAERR, "record index at offset %" PRIu64
		    ": bad magic or size (not a compress-archive archive, or "
		    "corrupt)", ix->offset);
		goto out;
	}
	p += SKIP_HEAD;
	if (XXH64(p, ix->csize - SKIP_HEAD - 8, 0) !=
	    get_le64(p + ix->csize - SKIP_HEAD - 8)) {
		fail(e, EX_DATAERR, "record index at offset %" PRIu64
		    ": checksum mismatch (corrupt)", ix->offset);
		goto out;
	}
	if (p[4] != ARCHIVE_VERSION) {
		fail(e, EX_DATAERR, "record index version %u is not supported",
		    p[4]);
		goto out;
	}
	ndata = get_le32(p + 8);
	if ((p[5] & ~(ARCHIVE_FLAG_RAW | ARCHIVE_FLAG_DICT)) != 0 ||
	    p[6] != 0 || p[7] != 0 || ix->csize != SKIP_HEAD + INDEX_HEAD +
	    INDEX_ENTRY * ndata + 8) {
		fail(e, EX_DATAERR, "record index: bad flags or size");
		goto out;
	}
	if (XXH64(table, tablen, 0) != get_le64(p + 28)) {
		fail(e, EX_DATAERR, "seek table does not match the record "
		    "index (corrupt)");
		goto out;
	}
	a->flags = p[5];
	a->records = get_le64(p + 12);
	if ((uint64_t)nseek != ndata + 1 + ((a->flags & ARCHIVE_FLAG_DICT) ?
	    1 : 0)) {
		fail(e, EX_DATAERR, "record index lists %" PRIu64 " data "
		    "frames, the seek table %u frames", ndata, nseek);
		goto out;
	}
	a->ndata = (uint32_t)ndata;
	a->data = xcalloc(ndata, sizeof *a->data);
	k = (a->flags & ARCHIVE_FLAG_DICT) ? 1 : 0;
	if (k && (a->f[0].dsize != 0 || a->f[0].checksum != empty_checksum())) {
		fail(e, EX_DATAERR, "seek table: bad dictionary entry");
		goto out;
	}
	if (k)
		a->f[0].kind = FRAME_DICT;
	if (ix->checksum != empty_checksum()) {
		fail(e, EX_DATAERR, "seek table: bad record index entry");
		goto out;
	}
	for (i = 0; i < a->ndata; i++) {
		f = &a->f[k + i];
		f->kind = FRAME_DATA;
		f->first = get_le64(p + INDEX_HEAD + INDEX_ENTRY * i);
		f->records = get_le32(p + INDEX_HEAD + INDEX_ENTRY * i + 8);
		f->chash = get_le32(p + INDEX_HEAD + INDEX_ENTRY * i + 12);
		if (f->first != next || f->records == 0 ||
		    f->records > f->dsize || f->dsize == 0) {
			fail(e, EX_DATAERR, "record index: frame %u: bad "
			    "record numbers", k + i + 1);
			goto out;
		}
		next += f->records;
		a->dbytes += f->dsize;
		a->data[i] = f;
	}
	if (next - 1 != a->records) {
		fail(e, EX_DATAERR, "record index: %" PRIu64 " records, "
		    "frames hold %" PRIu64, a->records, next - 1);
		goto out;
	}
	if (k) {
		/* The dictionary's hash is in the index. */
		f = &a->f[0];
		buf_reset(&b);
		if (f->csize < SKIP_HEAD) {
			fail(e, EX_DATAERR, "dictionary frame: bad size");
			goto out;
		}
		buf_grow(&a->dict, f->csize);
		if (read_at(a, a->dict.data, f->csize, 0, e) != 0)
			goto out;
		p2 = (unsigned char *)a->dict.data;
		if (get_le32(p2) != ARCHIVE_DICT_MAGIC ||
		    get_le32(p2 + 4) != f->csize - SKIP_HEAD) {
			fail(e, EX_DATAERR, "the dictionary frame is missing "
			    "or corrupt");
			goto out;
		}
		memmove(a->dict.data, a->dict.data + SKIP_HEAD,
		    f->csize - SKIP_HEAD);
		buf_setlen(&a->dict, f->csize - SKIP_HEAD);
		if (XXH64(a->dict.data, a->dict.len, 0) != get_le64(p + 20)) {
			fail(e, EX_DATAERR, "wrong dictionary: its checksum "
			    "does not match the record index");
			goto out;
		}
		a->ddict = ZSTD_createDDict(a->dict.data, a->dict.len);
		if (a->ddict == NULL) {
			fail(e, EX_DATAERR, "the dictionary is not valid");
			goto out;
		}
	} else if (get_le64(p + 20) != 0) {
		fail(e, EX_DATAERR, "record index: dictionary checksum "
		    "without a dictionary");
		goto out;
	}
	r = 0;
out:
	buf_release(&b);
	return r;
}

int
archive_open(struct archive *a, archive_pread_fn pr, void *ctx,
    uint64_t size, struct archive_err *e)
{
	unsigned char foot[SEEK_FOOTER], *p;
	struct buf table = BUF_INIT;
	uint64_t tsize, off = 0;
	uint32_t nseek, i;
	int r = -1;

	memset(a, 0, sizeof *a);
	buf_init(&a->dict);
	buf_init(&a->cbuf);
	buf_init(&a->dbuf);
	a->pread = pr;
	a->ctx = ctx;
	a->size = size;
	e->status = 0;
	e->msg[0] = '\0';
	if (size < SKIP_HEAD + SEEK_FOOTER)
		return no_footer(a, e);
	if (read_at(a, foot, SEEK_FOOTER, size - SEEK_FOOTER, e) != 0)
		return -1;
	if (get_le32(foot + 5) != ARCHIVE_SEEKABLE_MAGIC)
		return no_footer(a, e);
	if ((foot[4] & CHECKSUM_FLAG) == 0)
		return fail(e, EX_DATAERR, "seek table without checksums "
		    "(not written by compress-archive)");
	if ((foot[4] & RESERVED_BITS) != 0)
		return fail(e, EX_DATAERR, "seek table: reserved bits set "
		    "(corrupt)");
	nseek = get_le32(foot);
	tsize = SKIP_HEAD + (uint64_t)SEEK_ENTRY * nseek + SEEK_FOOTER;
	if (nseek == 0 || tsize > size)
		return fail(e, EX_DATAERR, "seek table: %u frames do not fit "
		    "in the file (corrupt or truncated)", nseek);
	buf_grow(&table, (size_t)tsize);
	p = (unsigned char *)table.data;
	if (read_at(a, p, (size_t)tsize, size - tsize, e) != 0)
		goto out;
	if (get_le32(p) != ARCHIVE_SEEK_MAGIC || get_le32(p + 4) != tsize -
	    SKIP_HEAD) {
		fail(e, EX_DATAERR, "seek table: bad magic or size (corrupt "
		    "or truncated)");
		goto out;
	}
	a->f = xcalloc(nseek, sizeof *a->f);
	a->nf = nseek;
	for (i = 0; i < nseek; i++) {
		a->f[i].offset = off;
		a->f[i].csize = get_le32(p + SKIP_HEAD + SEEK_ENTRY * i);
		a->f[i].dsize = get_le32(p + SKIP_HEAD + SEEK_ENTRY * i + 4);
		a->f[i].checksum = get_le32(p + SKIP_HEAD + SEEK_ENTRY * i + 8);
		a->f[i].kind = FRAME_INDEX;
		off += a->f[i].csize;
		if (off > size - tsize)
			break;
	}
	if (off != size - tsize) {
		fail(e, EX_DATAERR, "seek table: frame sizes do not add up to "
		    "the file size (truncated or corrupt)");
		goto out;
	}
	r = read_index(a, p, (size_t)tsize, nseek, e);
	if (r == 0 && (a->dctx = ZSTD_createDCtx()) == NULL)
		die(EX_SOFTWARE, "out of memory (zstd context)");
out:
	buf_release(&table);
	return r;
}

static size_t
count_lines(const char *p, size_t n)
{
	const char *end = p + n, *q;
	size_t c = 0;

	while ((q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c++;
		p = q + 1;
	}
	return c;
}

/* Read, check and decompress one data frame into a->dbuf. */
static int
decode_frame(struct archive *a, struct archive_frame *f,
    struct archive_err *e)
{
	ZSTD_frameHeader fh;
	unsigned char *p;
	unsigned want;
	size_t r;
	uint32_t no = (uint32_t)(f - a->f) + 1;

	if ((uint64_t)f->dsize > (uint64_t)f->csize * MAX_RATIO)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "sizes in the seek table are impossible (corrupt)", no,
		    f->offset);
	buf_reset(&a->cbuf);
	buf_grow(&a->cbuf, f->csize);
	p = (unsigned char *)a->cbuf.data;
	if (read_at(a, p, f->csize, f->offset, e) != 0)
		return -1;
	if ((uint32_t)XXH64(p, f->csize, 0) != f->chash)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "its bytes do not match the record index (corrupt)", no,
		    f->offset);
	if (f->csize < 4 || get_le32(p) != ZSTD_MAGICNUMBER)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "not a zstd frame (corrupt)", no, f->offset);
	if (ZSTD_getFrameHeader(&fh, p, f->csize) != 0)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "bad frame header (corrupt)", no, f->offset);
	if (fh.frameContentSize != f->dsize || !fh.checksumFlag)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "header does not match the seek table (corrupt)", no,
		    f->offset);
	want = a->ddict != NULL ? ZSTD_getDictID_fromDDict(a->ddict) : 0;
	if (fh.dictID != want) {
		if (want == 0)
			return fail(e, EX_DATAERR, "frame %u at offset %"
			    PRIu64 ": needs dictionary %u, and the archive "
			    "has none (missing dictionary)", no, f->offset,
			    fh.dictID);
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "needs dictionary %u, the archive's is %u (wrong "
		    "dictionary)", no, f->offset, fh.dictID, want);
	}
	if (ZSTD_findFrameCompressedSize(p, f->csize) != f->csize)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "its size does not match the seek table (corrupt)", no,
		    f->offset);
	if (get_le32(p + f->csize - 4) != f->checksum)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "checksum does not match the seek table (corrupt)", no,
		    f->offset);
	buf_reset(&a->dbuf);
	buf_grow(&a->dbuf, f->dsize);
	r = ZSTD_decompress_usingDDict(a->dctx, a->dbuf.data, f->dsize, p,
	    f->csize, a->ddict);
	if (ZSTD_isError(r))
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "%s (corrupt)", no, f->offset, ZSTD_getErrorName(r));
	if (r != f->dsize)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "%zu bytes instead of %u (corrupt)", no, f->offset, r,
		    f->dsize);
	buf_setlen(&a->dbuf, r);
	/* 0 records: a frame read from a stream, to be counted. */
	if (f->records == 0 && a->dbuf.data[r - 1] == '\n')
		f->records = (uint32_t)count_lines(a->dbuf.data, r);
	if (a->dbuf.data[r - 1] != '\n' ||
	    count_lines(a->dbuf.data, r) != f->records)
		return fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
		    "holds other records than the index says (corrupt)", no,
		    f->offset);
	return 0;
}

int
archive_extract(struct archive *a, uint64_t first, uint64_t last,
    archive_emit_fn emit, void *ctx, struct archive_err *e)
{
	struct archive_frame *f;
	const char *p, *end, *q;
	uint32_t lo = 0, hi, mid, i;
	uint64_t n;

	if (first < 1 || first > last || last > a->records)
		return fail(e, EX_USAGE, "records %" PRIu64 "-%" PRIu64
		    " requested, the archive holds %" PRIu64, first, last,
		    a->records);
	hi = a->ndata;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (a->data[mid]->first <= first)
			lo = mid;
		else
			hi = mid;
	}
	for (i = lo; i < a->ndata && a->data[i]->first <= last; i++) {
		f = a->data[i];
		if (decode_frame(a, f, e) != 0)
			return -1;
		p = a->dbuf.data;
		end = p + a->dbuf.len;
		for (n = f->first; n < first; n++)
			p = (const char *)memchr(p, '\n',
			    (size_t)(end - p)) + 1;
		if (last < f->first + f->records - 1) {
			q = p;
			for (; n <= last; n++)
				q = (const char *)memchr(q, '\n',
				    (size_t)(end - q)) + 1;
			end = q;
		}
		if (emit != NULL)
			emit(ctx, p, (size_t)(end - p));
	}
	return 0;
}

int
archive_decode_all(struct archive *a, archive_emit_fn emit, void *ctx,
    struct archive_err *e)
{
	uint32_t i;

	for (i = 0; i < a->ndata; i++) {
		if (decode_frame(a, a->data[i], e) != 0)
			return -1;
		if (emit != NULL)
			emit(ctx, a->dbuf.data, a->dbuf.len);
	}
	return 0;
}

void
archive_close(struct archive *a)
{
	free(a->f);
	free(a->data);
	buf_release(&a->dict);
	buf_release(&a->cbuf);
	buf_release(&a->dbuf);
	ZSTD_freeDDict(a->ddict);
	ZSTD_freeDCtx(a->dctx);
	memset(a, 0, sizeof *a);
}

/* Streaming: an archive read once, front to back, from a pipe. */

struct stream {
	archive_read_fn	 rd;
	void		*ctx;
	struct buf	 b;
	size_t		 pos;		/* the current frame in b */
	int		 eof;
	uint64_t	 off;		/* its offset in the archive */
	struct buf	 dict, tail;	/* the frames archive_open reads */
	uint64_t	 tail_off;
};

/* Make n bytes available at pos: 0, 1 if the input ends first, or -1. */
static int
ensure(struct stream *s, size_t n, struct archive_err *e)
{
	long r;

	while (s->b.len - s->pos < n) {
		if (s->eof)
			return 1;
		if (s->pos > 0) {
			memmove(s->b.data, s->b.data + s->pos,
			    s->b.len - s->pos);
			buf_setlen(&s->b, s->b.len - s->pos);
			s->pos = 0;
		}
		buf_grow(&s->b, n > s->b.len ? n - s->b.len + 65536 : 65536);
		r = s->rd(s->ctx, s->b.data + s->b.len,
		    s->b.cap - s->b.len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return fail(e, EX_IOERR, "read error at offset %"
			    PRIu64 ": %s", s->off + s->b.len, strerror(errno));
		}
		if (r == 0)
			s->eof = 1;
		else
			buf_setlen(&s->b, s->b.len + (size_t)r);
	}
	return 0;
}

static int
stream_pread(void *ctx, void *p, size_t n, uint64_t off)
{
	struct stream *s = ctx;
	size_t have = s->b.len - s->pos;

	if (off <= s->dict.len && n <= s->dict.len - off) {
		memcpy(p, s->dict.data + off, n);
		return 0;
	}
	if (off >= s->tail_off && off - s->tail_off <= s->tail.len &&
	    n <= s->tail.len - (off - s->tail_off)) {
		memcpy(p, s->tail.data + (off - s->tail_off), n);
		return 0;
	}
	if (off >= s->off && off - s->off <= have &&
	    n <= have - (off - s->off)) {
		memcpy(p, s->b.data + s->pos + (off - s->off), n);
		return 0;
	}
	errno = EIO;
	return -1;
}

static int
truncated(struct stream *s, struct archive_err *e, int rc)
{
	if (rc < 0)
		return -1;
	return fail(e, EX_DATAERR, "truncated archive: the frame at offset %"
	    PRIu64 " is cut short", s->off);
}

/* The size of the zstd frame at pos, walking its blocks. */
static int
zstd_frame_size(struct stream *s, size_t *csize, struct archive_err *e)
{
	ZSTD_frameHeader fh;
	const unsigned char *p;
	size_t n, avail;
	uint32_t bh;
	int rc;

	if ((rc = ensure(s, ZSTD_FRAMEHEADERSIZE_MAX, e)) < 0)
		return -1;
	avail = s->b.len - s->pos;
	p = (const unsigned char *)s->b.data + s->pos;
	n = ZSTD_getFrameHeader(&fh, p, avail);
	if (n != 0 && !ZSTD_isError(n))
		return truncated(s, e, 1);
	if (n != 0 || fh.frameType != ZSTD_frame)
		return fail(e, EX_DATAERR, "frame at offset %" PRIu64 ": bad "
		    "frame header (corrupt)", s->off);
	n = fh.headerSize;
	for (;;) {
		if ((rc = ensure(s, n + 3, e)) != 0)
			return truncated(s, e, rc);
		p = (const unsigned char *)s->b.data + s->pos + n;
		bh = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16;
		if ((bh >> 1 & 3) == 3 || bh >> 3 > 128 * 1024)
			return fail(e, EX_DATAERR, "frame at offset %" PRIu64
			    ": bad block header (corrupt)", s->off);
		n += 3 + ((bh >> 1 & 3) == 1 ? 1 : bh >> 3);
		if (bh & 1)
			break;
		if (n > ARCHIVE_FRAME_MAX)
			return fail(e, EX_DATAERR, "frame at offset %" PRIu64
			    ": larger than 4 GiB (corrupt)", s->off);
	}
	n += fh.checksumFlag ? 4 : 0;
	if ((rc = ensure(s, n, e)) != 0)
		return truncated(s, e, rc);
	*csize = n;
	return 0;
}

static void
seen_add(struct archive_frame **f, uint32_t *n, const struct archive_frame *x)
{
	if (*n == 0 || (*n & (*n - 1)) == 0)
		*f = xrealloc(*f, *n ? (size_t)*n * 2 : 16, sizeof **f);
	(*f)[(*n)++] = *x;
}

/* One frame at s->off: check it, decode it, note it in f. */
static int
stream_frame(struct stream *s, struct archive *w, struct archive_frame *f,
    uint32_t nseen, uint32_t ndata, int *tail, size_t *csize,
    archive_emit_fn emit, void *ectx, struct archive_err *e)
{
	const unsigned char *p = (const unsigned char *)s->b.data + s->pos;
	uint32_t magic = get_le32(p);
	unsigned long long cs;
	int rc;

	memset(f, 0, sizeof *f);
	f->offset = s->off;
	if (magic == ZSTD_MAGICNUMBER && *tail == 0) {
		if (zstd_frame_size(s, csize, e) != 0)
			return -1;
		p = (const unsigned char *)s->b.data + s->pos;
		cs = ZSTD_getFrameContentSize(p, *csize);
		if (cs == 0 || cs > ARCHIVE_FRAME_MAX || *csize < 4)
			return fail(e, EX_DATAERR, "frame at offset %" PRIu64
			    ": no content size (not written by "
			    "compress-archive, or corrupt)", s->off);
		f->kind = FRAME_DATA;
		f->csize = (uint32_t)*csize;
		f->dsize = (uint32_t)cs;
		f->checksum = get_le32(p + *csize - 4);
		f->chash = (uint32_t)XXH64(p, *csize, 0);
		if (decode_frame(w, f, e) != 0)
			return -1;
		if (emit != NULL)
			emit(ectx, w->dbuf.data, w->dbuf.len);
		return 0;
	}
	if ((magic & ZSTD_MAGIC_SKIPPABLE_MASK) != ZSTD_MAGIC_SKIPPABLE_START)
		return fail(e, EX_DATAERR, s->off == 0 ? "not a compress-archive "
		    "archive (bad magic at offset %" PRIu64 ")" : "frame at "
		    "offset %" PRIu64 ": bad magic (corrupt)", s->off);
	if (!(magic == ARCHIVE_DICT_MAGIC && s->off == 0) &&
	    !(magic == ARCHIVE_INDEX_MAGIC && *tail == 0) &&
	    !(magic == ARCHIVE_SEEK_MAGIC && *tail == 1))
		return fail(e, EX_DATAERR, "unexpected skippable frame at "
		    "offset %" PRIu64 " (corrupt)", s->off);
	if ((rc = ensure(s, SKIP_HEAD, e)) != 0)
		return truncated(s, e, rc);
	p = (const unsigned char *)s->b.data + s->pos;
	*csize = SKIP_HEAD + (size_t)get_le32(p + 4);
	/* Sizes known before reading: a bad one must not cost 4 GiB. */
	if ((magic == ARCHIVE_DICT_MAGIC && s->off == 0 &&
	    *csize > DICT_FRAME_MAX) ||
	    (magic == ARCHIVE_INDEX_MAGIC && *tail == 0 && *csize !=
	    SKIP_HEAD + INDEX_HEAD + INDEX_ENTRY * (size_t)ndata + 8) ||
	    (magic == ARCHIVE_SEEK_MAGIC && *tail == 1 && *csize !=
	    SKIP_HEAD + SEEK_ENTRY * (size_t)nseen + SEEK_FOOTER))
		return fail(e, EX_DATAERR, "skippable frame at offset %"
		    PRIu64 ": wrong size (corrupt)", s->off);
	if ((rc = ensure(s, *csize, e)) != 0)
		return truncated(s, e, rc);
	p = (const unsigned char *)s->b.data + s->pos;
	f->csize = (uint32_t)*csize;
	if (magic == ARCHIVE_DICT_MAGIC && s->off == 0) {
		f->kind = FRAME_DICT;
		buf_add(&s->dict, p, *csize);
		w->ddict = ZSTD_createDDict(p + SKIP_HEAD, *csize - SKIP_HEAD);
		if (w->ddict == NULL)
			return fail(e, EX_DATAERR, "the dictionary is not "
			    "valid");
	} else if (magic == ARCHIVE_INDEX_MAGIC && *tail == 0) {
		f->kind = FRAME_INDEX;
		s->tail_off = s->off;
		buf_add(&s->tail, p, *csize);
		*tail = 1;
	} else if (magic == ARCHIVE_SEEK_MAGIC && *tail == 1) {
		buf_add(&s->tail, p, *csize);
		*tail = 2;
	} else
		return fail(e, EX_DATAERR, "unexpected skippable frame at "
		    "offset %" PRIu64 " (corrupt)", s->off);
	return 0;
}

int
archive_decode_stream(archive_read_fn rd, void *rctx, archive_emit_fn emit,
    void *ectx, struct archive *a, struct archive_err *e)
{
	struct stream s;
	struct archive w;
	struct archive_frame *seen = NULL, f;
	uint32_t nseen = 0, ndata = 0, i;
	size_t csize = 0;
	int rc, r = -1, tail = 0;

	memset(&s, 0, sizeof s);
	s.rd = rd;
	s.ctx = rctx;
	buf_init(&s.b);
	buf_init(&s.dict);
	buf_init(&s.tail);
	/* A work archive for decode_frame: its reads come from the stream. */
	memset(&w, 0, sizeof w);
	buf_init(&w.dict);
	buf_init(&w.cbuf);
	buf_init(&w.dbuf);
	w.pread = stream_pread;
	w.ctx = &s;
	w.size = UINT64_MAX;
	memset(a, 0, sizeof *a);
	buf_init(&a->dict);
	buf_init(&a->cbuf);
	buf_init(&a->dbuf);
	if ((w.dctx = ZSTD_createDCtx()) == NULL)
		die(EX_SOFTWARE, "out of memory (zstd context)");
	for (;;) {
		if ((rc = ensure(&s, 1, e)) < 0)
			goto out;
		if (tail == 2) {
			if (rc == 0) {
				fail(e, EX_DATAERR, "data after the seek "
				    "table at offset %" PRIu64, s.off);
				goto out;
			}
			break;
		}
		if (rc > 0) {
			if (s.off == 0)
				fail(e, EX_DATAERR, "not an archive: empty "
				    "input");
			else
				fail(e, EX_DATAERR, "truncated archive: no "
				    "seek table at the end");
			goto out;
		}
		if ((rc = ensure(&s, 4, e)) != 0) {
			truncated(&s, e, rc);
			goto out;
		}
		if (stream_frame(&s, &w, &f, nseen, ndata, &tail, &csize,
		    emit, ectx, e) != 0)
			goto out;
		if (tail != 2)
			seen_add(&seen, &nseen, &f);
		ndata += f.kind == FRAME_DATA && tail == 0;
		s.pos += csize;
		s.off += csize;
	}
	/*
	 * The tail now proves what was read.  It may only point at the
	 * frames kept (dictionary, index, seek table): a read elsewhere
	 * fails as an I/O error, and means a corrupt tail.
	 */
	if (archive_open(a, stream_pread, &s, s.off, e) != 0) {
		if (e->status == EX_IOERR)
			fail(e, EX_DATAERR, "seek table: does not describe the "
			    "frames read (corrupt)");
		goto out;
	}
	if (a->nf != nseen) {
		fail(e, EX_DATAERR, "the seek table lists %u frames, the "
		    "archive holds %u", a->nf, nseen);
		goto out;
	}
	for (i = 0; i < nseen; i++)
		if (a->f[i].kind != seen[i].kind || a->f[i].offset !=
		    seen[i].offset || a->f[i].csize != seen[i].csize ||
		    (seen[i].kind == FRAME_DATA && (a->f[i].dsize !=
		    seen[i].dsize || a->f[i].checksum != seen[i].checksum ||
		    a->f[i].chash != seen[i].chash || a->f[i].records !=
		    seen[i].records))) {
			fail(e, EX_DATAERR, "frame %u at offset %" PRIu64 ": "
			    "does not match the seek table and record index "
			    "(corrupt)", i + 1, seen[i].offset);
			goto out;
		}
	r = 0;
out:
	free(seen);
	archive_close(&w);
	buf_release(&s.b);
	buf_release(&s.dict);
	buf_release(&s.tail);
	/* Only the counts in *a stay valid: the stream is gone. */
	a->pread = NULL;
	a->ctx = NULL;
	return r;
}
