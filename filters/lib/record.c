/* record: JSON Lines in and out, fields spliced; see record.h. */
#define _GNU_SOURCE	/* memrchr */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

#define READ_SIZE	(256 * 1024)
/* Mapped pages read are let go in steps of this (a multiple of pages). */
#define MAP_DROP	(1 << 20)
#define PENDING		SIZE_MAX

static char *stdin_only[] = { "-", NULL };

void
lines_open(struct lines *l, char **files)
{
	memset(l, 0, sizeof *l);
	l->files = files != NULL && *files != NULL ? files : stdin_only;
	l->fd = -1;
	buf_init(&l->b);
}

static void lines_map(struct lines *);

static int
lines_open_next(struct lines *l)
{
	const char *name;

	while ((name = *l->files) != NULL) {
		l->files++;
		l->path = name;
		if (strcmp(name, "-") == 0) {
			l->fd = STDIN_FILENO;
			l->file = "<stdin>";
		} else if ((l->fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
			warnmsg("cannot open '%s':", name);
			status_set(&l->status, EX_NOINPUT);
			continue;
		} else
			l->file = name;
		l->no = 0;
		l->eof = 0;
		l->pos = l->scanned = 0;
		buf_reset(&l->b);
		lines_map(l);
		return 1;
	}
	return 0;
}

/*
 * A regular file read from its start is mapped, not read: its lines up to
 * the last LF are handed out from the mapping, without the copy read()
 * makes.  What comes after (a last line without LF, or lines added since)
 * is then read as from a pipe, from where the mapping ends.  Anything
 * else, or a mapping that fails, is simply read.
 */
static void
lines_map(struct lines *l)
{
	struct stat st;
	char *m, *last;

	if (fstat(l->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > SIZE_MAX ||
	    lseek(l->fd, 0, SEEK_CUR) != 0)
		return;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
	    l->fd, 0);
	if (m == MAP_FAILED)
		return;
	sigbus_catch(l->file, m, (size_t)st.st_size);
	if ((last = memrchr(m, '\n', (size_t)st.st_size)) == NULL ||
	    lseek(l->fd, last + 1 - m, SEEK_SET) < 0) {
		munmap(m, (size_t)st.st_size);
		lseek(l->fd, 0, SEEK_SET);
		return;
	}
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	l->map = m;
	l->mapsize = (size_t)st.st_size;
	l->maplen = (size_t)(last + 1 - m);
	l->mappos = l->mapdrop = 0;
	l->bytes += l->maplen;
}

static void
lines_unmap(struct lines *l)
{
	if (l->map != NULL)
		munmap(l->map, l->mapsize);
	l->map = NULL;
}

static void
lines_end_file(struct lines *l)
{
	lines_unmap(l);
	if (l->fd != STDIN_FILENO)
		close(l->fd);
	l->fd = -1;
}

/* Hand out the line p[0..q), q at its LF or at the end of the input. */
static int
line_out(struct lines *l, struct line *out, char *p, char *q)
{
	out->raw = p;
	out->rawlen = (size_t)(q - p);
	out->file = l->file;
	out->path = l->path;
	out->no = ++l->no;
	if (out->no == 1 && out->rawlen >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	out->p = p;
	out->len = (size_t)(q - p);
	if (out->len > 0 && p[out->len - 1] == '\r')
		out->len--;
	return 1;
}

/*
 * The pages before the next line are done with: let them go, so that they
 * do not count as the program's memory (they stay cached).
 */
static void
map_drop(struct lines *l)
{
	size_t k;

	if (l->mappos - l->mapdrop >= 2 * MAP_DROP) {
		k = l->mappos / MAP_DROP * MAP_DROP;
		(void)madvise(l->map + l->mapdrop, k - l->mapdrop,
		    MADV_DONTNEED);
		l->mapdrop = k;
	}
}

int
lines_next(struct lines *l, struct line *out)
{
	struct buf *b = &l->b;
	char *p, *q;
	ssize_t n;

	for (;;) {
		if (l->fd < 0 && !lines_open_next(l))
			return 0;
		if (l->map != NULL) {
			if (l->mappos < l->maplen) {
				map_drop(l);
				p = l->map + l->mappos;
				q = memchr(p, '\n', l->maplen - l->mappos);
				l->mappos = (size_t)(q + 1 - l->map);
				return line_out(l, out, p, q);
			}
			lines_unmap(l);
		}
		q = memchr(b->data + l->scanned, '\n', b->len - l->scanned);
		if (q != NULL)
			break;
		if (l->eof) {
			if (l->pos < b->len) {
				q = b->data + b->len;
				break;
			}
			lines_end_file(l);
			continue;
		}
		if (l->pos > 0) {
			memmove(b->data, b->data + l->pos, b->len - l->pos);
			buf_setlen(b, b->len - l->pos);
			l->pos = 0;
		}
		l->scanned = b->len;
		buf_grow(b, READ_SIZE);
		n = read(l->fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die(EX_IOERR, "read error on '%s':", l->file);
		}
		if (n == 0)
			l->eof = 1;
		else {
			buf_setlen(b, b->len + (size_t)n);
			l->bytes += (uint64_t)n;
		}
	}
	p = b->data + l->pos;
	l->pos = (size_t)(q - b->data) + (q < b->data + b->len);
	l->scanned = l->pos;
	return line_out(l, out, p, q);
}

size_t
lines_peek(struct lines *l, const char **p)
{
	if (l->fd < 0 || l->no == 0)
		return 0;
	if (l->map != NULL) {
		if (l->mappos == l->maplen)
			return 0;
		map_drop(l);
		*p = l->map + l->mappos;
		return l->maplen - l->mappos;
	}
	*p = l->b.data + l->pos;
	return l->b.len - l->pos;
}

void
lines_skip(struct lines *l, size_t n, size_t lines)
{
	l->no += lines;
	if (l->map != NULL)
		l->mappos += n;
	else
		l->pos = l->scanned = l->pos + n;
}

void
lines_close(struct lines *l)
{
	if (l->fd >= 0)
		lines_end_file(l);
	buf_release(&l->b);
}

void
record_init(struct record *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->vals);
	buf_init(&r->tmp);
	buf_init(&r->keytmp);
}

void
record_release(struct record *r)
{
	free(r->f);
	free(r->e);
	buf_release(&r->vals);
	buf_release(&r->tmp);
	buf_release(&r->keytmp);
	record_init(r);
}

static int
parse_fail(struct json_err *e, const char *at, const char *msg)
{
	e->at = at;
	e->msg = msg;
	return -1;
}

/*
 * The bit of a record's keys a key of klen bytes sets: most lookups are
 * of members a record does not have (those a filter adds), and the bits
 * tell most of them, by length alone, without a look at the members.
 */
static inline uint64_t
key_bit(size_t klen)
{
	return (uint64_t)1 << (klen & 63);
}

int
record_parse(struct record *r, const struct line *l, struct json_err *e)
{
	const char *p = l->p, *end = l->p + l->len, *k, *v;
	enum json_type t;
	struct field *f;
	const struct json_known *known;
	int kesc, vesc;

	known = json_known(&r->known, l->p, l->len) ? &r->known : NULL;
	r->line = l;
	r->p = l->p;
	r->len = l->len;
	r->nf = r->ne = 0;
	r->keys = 0;
	buf_reset(&r->vals);
	p = json_skip_ws(p, end);
	if (p == end || *p != '{') {
		if ((v = json_scan_value(p, end, known, &t, &vesc, e)) == NULL)
			return -1;
		if ((v = json_skip_ws(v, end)) != end)
			return parse_fail(e, v, "trailing characters after "
			    "the value");
		return parse_fail(e, p, "record is not a JSON object");
	}
	p = json_skip_ws(p + 1, end);
	if (p < end && *p == '}')
		goto close;
	for (;;) {
		if (p == end || *p != '"')
			return parse_fail(e, p, "object key (a string) expected");
		k = p;
		if ((p = json_scan_string(p, end, known, &kesc, e)) == NULL)
			return -1;
		if (r->nf == r->capf) {
			r->capf = r->capf ? r->capf * 2 : 16;
			r->f = xrealloc(r->f, r->capf, sizeof *r->f);
		}
		f = &r->f[r->nf];
		f->key = k + 1;
		f->keylen = (size_t)(p - k - 2);
		f->key_escaped = kesc;
		/* an escaped key could be any length once decoded */
		r->keys |= key_bit(f->keylen) | (0 - (uint64_t)kesc);
		p = json_skip_ws(p, end);
		if (p == end || *p != ':')
			return parse_fail(e, p, "':' expected after object key");
		v = p = json_skip_ws(p + 1, end);
		if ((p = json_scan_value(p, end, known, &t, &vesc, e)) == NULL)
			return -1;
		f->val = v;
		f->vallen = (size_t)(p - v);
		f->type = t;
		f->val_escaped = vesc;
		r->nf++;
		p = json_skip_ws(p, end);
		if (p < end && *p == ',') {
			p = json_skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			break;
		return parse_fail(e, p, "',' or '}' expected");
	}
close:
	r->close = (size_t)(p - r->p);
	p = json_skip_ws(p + 1, end);
	if (p != end)
		return parse_fail(e, p, "trailing characters after the record");
	return 0;
}

int
record_valid(const char *p, size_t n)
{
	const char *end = p + n;
	struct json_known known;
	struct json_err e;
	enum json_type t;
	int esc;

	p = json_skip_ws(p, end);
	if (p == end || *p != '{' || (p = json_scan_value(p, end,
	    json_known(&known, p, (size_t)(end - p)) ? &known : NULL, &t,
	    &esc, &e)) == NULL)
		return 0;
	return json_skip_ws(p, end) == end;
}

int
record_blank(const char *p, size_t n)
{
	return json_skip_ws(p, p + n) == p + n;
}

/* An escaped key, decoded, is key[0..klen). */
__attribute__((noinline)) static int
escaped_key_equal(struct record *r, const struct field *f, const char *key,
    size_t klen)
{
	size_t bad;

	buf_reset(&r->keytmp);
	if (json_decode_string(f->key, f->keylen, &r->keytmp, &bad) != 0)
		return 0;
	return r->keytmp.len == klen &&
	    memcmp(r->keytmp.data, key, klen) == 0;
}

/* The last member named key[0..klen), or NULL: the long way. */
static inline const struct field *
field_scan(struct record *r, const char *key, size_t klen)
{
	const struct field *f;
	size_t i;

	for (i = r->nf; i-- > 0;) {
		f = &r->f[i];
		/* the first bytes tell most keys apart, without memcmp */
		if (f->key_escaped) {
			if (escaped_key_equal(r, f, key, klen))
				return f;
		} else if (f->keylen == klen && (klen == 0 ||
		    (f->key[0] == key[0] && memcmp(f->key, key, klen) == 0)))
			return f;
	}
	return NULL;
}

/* The same, a missing member mostly told by its bit. */
static inline const struct field *
field_find(struct record *r, const char *key, size_t klen)
{
	if (!(r->keys & key_bit(klen)))
		return NULL;
	return field_scan(r, key, klen);
}

const struct field *
record_get(struct record *r, const char *key)
{
	return field_find(r, key, strlen(key));
}

int
record_string(struct record *r, const struct field *f, const char **s,
    size_t *n)
{
	size_t bad;

	if (!f->val_escaped) {
		*s = f->val + 1;
		*n = f->vallen - 2;
		return 0;
	}
	buf_reset(&r->tmp);
	if (json_decode_string(f->val + 1, f->vallen - 2, &r->tmp, &bad) != 0)
		return -1;
	*s = r->tmp.data;
	*n = r->tmp.len;
	return 0;
}

static void
edit_close_pending(struct record *r)
{
	if (r->ne > 0 && r->e[r->ne - 1].len == PENDING)
		r->e[r->ne - 1].len = r->vals.len - r->e[r->ne - 1].off;
}

struct buf *
record_edit(struct record *r, const char *key)
{
	const struct field *f;
	struct edit *e;
	size_t i, klen = strlen(key);

	edit_close_pending(r);
	for (i = 0; i < r->ne; i++)
		if (r->e[i].keylen == klen && r->e[i].key[0] == key[0] &&
		    memcmp(r->e[i].key, key, klen) == 0) {
			memmove(&r->e[i], &r->e[i + 1],
			    (r->ne - i - 1) * sizeof *r->e);
			r->ne--;
			break;
		}
	if (r->ne == r->cape) {
		r->cape = r->cape ? r->cape * 2 : 8;
		r->e = xrealloc(r->e, r->cape, sizeof *r->e);
	}
	e = &r->e[r->ne++];
	e->key = (char *)key;
	e->keylen = klen;
	f = field_find(r, key, klen);
	e->field = f != NULL ? (size_t)(f - r->f) : SIZE_MAX;
	e->off = r->vals.len;
	e->len = PENDING;
	/* a member added: its key goes first, to be written with it */
	if (f == NULL) {
		json_add_string(&r->vals, key, klen);
		buf_addch(&r->vals, ':');
	}
	return &r->vals;
}

void
record_set_string(struct record *r, const char *key, const char *s, size_t n)
{
	json_add_string(record_edit(r, key), s, n);
}

void
record_set_int(struct record *r, const char *key, long long v)
{
	buf_printf(record_edit(r, key), "%lld", v);
}

void
record_set_null(struct record *r, const char *key)
{
	buf_add(record_edit(r, key), "null", 4);
}

/* Append the edits of members r does not have, each after a comma. */
static void
render_added(struct record *r, struct buf *out)
{
	const struct edit *e;
	size_t j;
	int comma = r->nf > 0;

	for (j = 0; j < r->ne; j++) {
		e = &r->e[j];
		if (e->field != SIZE_MAX)
			continue;
		/* the comma and the member (key and value): one room check */
		buf_grow(out, e->len + 1);
		if (comma)
			out->data[out->len++] = ',';
		comma = 1;
		memcpy(out->data + out->len, r->vals.data + e->off, e->len);
		buf_setlen(out, out->len + e->len);
	}
}

void
record_render(struct record *r, struct buf *out)
{
	const struct field *f;
	size_t i, j, cursor = 0;

	edit_close_pending(r);
	for (i = 0; i < r->nf; i++)
		for (j = 0; j < r->ne; j++) {
			if (r->e[j].field != i)
				continue;
			f = &r->f[i];
			buf_add(out, r->p + cursor, (size_t)(f->val - r->p) -
			    cursor);
			buf_add(out, r->vals.data + r->e[j].off, r->e[j].len);
			cursor = (size_t)(f->val - r->p) + f->vallen;
		}
	buf_add(out, r->p + cursor, r->close - cursor);
	render_added(r, out);
	buf_add(out, r->p + r->close, r->len - r->close);
	buf_addch(out, '\n');
}

void
record_write(struct record *r, struct out *o)
{
	size_t j;

	for (j = 0; j < r->ne && r->e[j].field == SIZE_MAX; j++)
		;
	if (j < r->ne) {
		/* Members replaced in the middle: render it whole. */
		buf_reset(&r->tmp);
		record_render(r, &r->tmp);
		out_write(o, r->tmp.data, r->tmp.len);
		return;
	}
	/* Nothing replaced (or nothing edited): the record's own bytes, the
	 * new members, its closing brace. */
	edit_close_pending(r);
	out_write(o, r->p, r->close);
	buf_reset(&r->tmp);
	render_added(r, &r->tmp);
	out_write(o, r->tmp.data, r->tmp.len);
	out_write(o, r->p + r->close, r->len - r->close);
	out_putc(o, '\n');
}

void
recin_open(struct recin *in, char **files, struct out *rejects)
{
	memset(in, 0, sizeof *in);
	lines_open(&in->lines, files);
	in->rejects = rejects;
}

int
recin_next(struct recin *in, struct record *r)
{
	struct json_err e;
	size_t col;

	while (lines_next(&in->lines, &in->line)) {
		if (record_blank(in->line.p, in->line.len)) {
			in->blank++;
			continue;
		}
		if (record_parse(r, &in->line, &e) == 0) {
			in->records++;
			return 1;
		}
		col = (size_t)(e.at - in->line.raw) + 1;
		line_refuse(in->rejects, &in->line, col, e.msg);
		in->rejected++;
	}
	return 0;
}

void
recin_reject(struct recin *in, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	line_refuse(in->rejects, &in->line, 0, msg);
	in->rejected++;
}

int
recin_close(struct recin *in)
{
	int status = in->lines.status;

	lines_close(&in->lines);
	rejects_done(in->rejects, in->rejected);
	return status;
}

void
reject_line(struct out *o, const struct line *l)
{
	out_write(o, l->raw, l->rawlen);
	out_putc(o, '\n');
}

void
line_refuse(struct out *rejects, const struct line *l, size_t col,
    const char *msg)
{
	if (rejects != NULL)
		reject_line(rejects, l);
	else if (col > 0)
		die(EX_DATAERR, "%s:%llu:%zu: %s", l->file,
		    (unsigned long long)l->no, col, msg);
	else
		die(EX_DATAERR, "%s:%llu: %s", l->file,
		    (unsigned long long)l->no, msg);
}

void
rejects_done(const struct out *rejects, uint64_t n)
{
	if (n > 0 && verbosity > 0)
		warnmsg("%llu bad lines written to '%s'",
		    (unsigned long long)n, rejects->name);
}
