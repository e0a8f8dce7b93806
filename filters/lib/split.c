/* split: find the posts of a web-preview dump; see split.h. */
#include <string.h>

#include "json.h"
#include "split.h"
#include "util.h"

const struct split_opts split_defaults = {
	.header = "Forwarded from ",
	.placeholder = "Please open Telegram to view this post",
	.too_big = "Media is too big",
	.chrome = "VIEW IN TELEGRAM",
	.source = "-",
};

void
split_init(struct split *s, const struct split_opts *o)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	s->header_len = strlen(o->header);
	s->placeholder_len = strlen(o->placeholder);
	s->too_big_len = strlen(o->too_big);
	s->chrome_len = strlen(o->chrome);
	buf_init(&s->source_json);
	buf_init(&s->from);
	buf_init(&s->next_from);
	split_source(s, o->source);
}

void
split_release(struct split *s)
{
	buf_release(&s->source_json);
	buf_release(&s->from);
	buf_release(&s->next_from);
}

/* Escaped here once, not once a record. */
void
split_source(struct split *s, const char *source)
{
	s->o.source = source;
	buf_reset(&s->source_json);
	json_add_string(&s->source_json, source, strlen(source));
}

static int
is(const char *p, size_t n, const char *marker, size_t len)
{
	return len == n && memcmp(p, marker, n) == 0;
}

/* Append n bytes at d; returns the end. */
static inline char *
put(char *d, const void *p, size_t n)
{
	memcpy(d, p, n);
	return d + n;
}

#define PUT_LIT(d, lit)	put((d), (lit), sizeof(lit) - 1)
#define U64_DIGITS	20

/* The decimal digits of v at d: snprintf costs more than the record. */
static char *
put_u64(char *d, uint64_t v)
{
	char digits[U64_DIGITS], *p = digits + sizeof digits;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return put(d, p, (size_t)(digits + sizeof digits - p));
}

/*
 * A record up to its text, written in place after one buf_grow: its parts
 * are few and their lengths known.  The text follows, written straight
 * into out line by line, and then rec_end: a record is counted (its id
 * taken) there, so that a head written for a line found bad is simply cut
 * off again.
 */
static void
rec_head(struct split *s, const char *media, struct buf *out)
{
	size_t media_len = media != NULL ? strlen(media) : 0;
	char *d;

	/* At most: every part null or quoted, and the widest id. */
	buf_grow(out, sizeof("{\"id\":,\"source\":,\"forwarded_from\":null"
	    ",\"media\":null,\"text\":\"") + U64_DIGITS +
	    s->source_json.len + 2 + s->from.len + 2 + media_len);
	d = out->data + out->len;
	d = PUT_LIT(d, "{\"id\":");
	d = put_u64(d, s->id + 1);
	d = PUT_LIT(d, ",\"source\":");
	d = put(d, s->source_json.data, s->source_json.len);
	d = PUT_LIT(d, ",\"forwarded_from\":");
	if (s->has_from) {
		*d++ = '"';
		d = put(d, s->from.data, s->from.len);
		*d++ = '"';
	} else
		d = PUT_LIT(d, "null");
	d = PUT_LIT(d, ",\"media\":");
	if (media != NULL) {
		*d++ = '"';
		d = put(d, media, media_len);
		*d++ = '"';
	} else
		d = PUT_LIT(d, "null");
	d = PUT_LIT(d, ",\"text\":\"");
	buf_setlen(out, (size_t)(d - out->data));
}

static void
rec_end(struct split *s, struct buf *out)
{
	s->id++;
	s->posts++;
	buf_add(out, "\"}\n", 3);
}

/* A record with no text. */
static void
emit(struct split *s, const char *media, struct buf *out)
{
	rec_head(s, media, out);
	rec_end(s, out);
}

static void
post_end(struct split *s, struct buf *out)
{
	if (s->has_text)
		rec_end(s, out);
	else if (s->open)
		emit(s, s->media, out);
	s->open = s->has_text = s->has_from = 0;
	s->media = NULL;
	buf_reset(&s->from);
}

static void
post_open(struct split *s)
{
	s->open = 1;
}

/*
 * Before a line of the post's text: the record's head, or the LF after
 * the line before.  Returns the length of out to go back to.  Inline in
 * split_text's loop, where a call a line is felt.
 */
__attribute__((always_inline)) static inline size_t
text_begin(struct split *s, struct buf *out)
{
	size_t len = out->len;

	if (!s->has_text) {
		s->head_at = len;
		rec_head(s, s->media, out);
	} else {
		if (len + 2 >= out->cap)
			buf_grow(out, 2);
		memcpy(out->data + len, "\\n", 2);
		buf_setlen(out, len + 2);
	}
	return len;
}

/* After it. */
static void
text_end(struct split *s)
{
	post_open(s);
	s->has_text = 1;
	s->lines++;
}

/* Add a line to the post's text, escaped as JSON. */
static int
add_text(struct split *s, const char *p, size_t n, struct buf *out,
    size_t *bad)
{
	size_t len = text_begin(s, out);

	if (json_escape(out, p, n, bad) != 0) {
		buf_setlen(out, len);
		return -1;
	}
	text_end(s);
	return 0;
}

size_t
split_text(struct split *s, const char *p, size_t n, struct buf *out,
    size_t *lines)
{
	const char *q = p, *end = p + n;
	const char h = *s->o.header, pl = *s->o.placeholder;
	const char tb = *s->o.too_big;
	size_t len, at;

	*lines = 0;
	if (s->pending != PEND_NONE)
		return 0;
	/* A marker starts with its first byte: those lines go the long way. */
	while (q < end && *q != h && *q != pl && *q != tb) {
		at = text_begin(s, out);
		if ((len = json_escape_line(out, q, (size_t)(end - q))) ==
		    SIZE_MAX) {
			buf_setlen(out, at);
			break;
		}
		text_end(s);
		q += len + 1;
		++*lines;
	}
	return (size_t)(q - p);
}

size_t
split_flush(struct split *s, struct buf *out, struct out *o, size_t n)
{
	size_t done = s->has_text ? s->head_at : out->len;

	if (done < n)
		return 0;
	out_write(o, out->data, done);
	memmove(out->data, out->data + done, out->len - done);
	buf_setlen(out, out->len - done);
	s->head_at = 0;
	return done;
}

/* The marker held back was not followed by the chrome: it is text. */
static void
pending_to_text(struct split *s, struct buf *out)
{
	const char *m = s->pending == PEND_PLACEHOLDER ? s->o.placeholder :
	    s->o.too_big;
	size_t bad;

	if (s->pending != PEND_NONE && add_text(s, m, strlen(m), out, &bad) != 0)
		die(EX_SOFTWARE, "internal error: a marker is not UTF-8");
	s->pending = PEND_NONE;
}

int
split_line(struct split *s, const char *p, size_t n, struct buf *out,
    size_t *bad)
{
	struct buf from;

	if (s->pending != PEND_NONE) {
		if (is(p, n, s->o.chrome, s->chrome_len)) {
			if (s->pending == PEND_PLACEHOLDER) {
				post_end(s, out);
				emit(s, "unavailable", out);
			} else {
				post_open(s);
				s->media = "too_big";
			}
			s->pending = PEND_NONE;
			return 0;
		}
		pending_to_text(s, out);
	}
	/* The first byte alone turns most lines away, without a call. */
	if (n >= s->header_len && p[0] == s->o.header[0] &&
	    memcmp(p, s->o.header, s->header_len) == 0) {
		/*
		 * The header is valid UTF-8, so the line is when the rest
		 * is, and its first bad byte is the rest's.  Escaped now,
		 * once, into a spare until the line is known good.
		 */
		buf_reset(&s->next_from);
		if (json_escape(&s->next_from, p + s->header_len,
		    n - s->header_len, bad) != 0) {
			*bad += s->header_len;
			return -1;
		}
		post_end(s, out);
		post_open(s);
		from = s->from;
		s->from = s->next_from;
		s->next_from = from;
		s->has_from = 1;
	} else if (is(p, n, s->o.placeholder, s->placeholder_len))
		s->pending = PEND_PLACEHOLDER;
	else if (!s->has_text && s->media == NULL &&
	    is(p, n, s->o.too_big, s->too_big_len))
		s->pending = PEND_TOO_BIG;
	else
		return add_text(s, p, n, out, bad);
	return 0;
}

void
split_finish(struct split *s, struct buf *out)
{
	pending_to_text(s, out);
	post_end(s, out);
	s->id = 0;
}
