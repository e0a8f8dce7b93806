/* split: find the posts of a web-preview dump; see split.h. */
#include <string.h>

#include "json.h"
#include "split.h"
#include "utf8.h"
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
	s->source_len = strlen(o->source);
	buf_init(&s->from);
	buf_init(&s->text);
}

void
split_release(struct split *s)
{
	buf_release(&s->from);
	buf_release(&s->text);
}

void
split_source(struct split *s, const char *source)
{
	s->o.source = source;
	s->source_len = strlen(source);
}

static int
is(const char *p, size_t n, const char *marker, size_t len)
{
	return len == n && memcmp(p, marker, n) == 0;
}

static void
emit(struct split *s, const char *media, struct buf *out)
{
	s->posts++;
	buf_printf(out, "{\"id\":%llu,\"source\":", (unsigned long long)++s->id);
	json_add_string(out, s->o.source, s->source_len);
	buf_addstr(out, ",\"forwarded_from\":");
	if (s->has_from)
		json_add_string(out, s->from.data, s->from.len);
	else
		buf_addstr(out, "null");
	buf_addstr(out, ",\"media\":");
	if (media != NULL) {
		buf_addch(out, '"');
		buf_addstr(out, media);
		buf_addch(out, '"');
	} else
		buf_addstr(out, "null");
	buf_addstr(out, ",\"text\":\"");
	buf_add(out, s->text.data, s->text.len);
	buf_add(out, "\"}\n", 3);
}

static void
post_end(struct split *s, struct buf *out)
{
	if (s->open)
		emit(s, s->media, out);
	s->open = s->has_text = s->has_from = 0;
	s->media = NULL;
	buf_reset(&s->from);
	buf_reset(&s->text);
}

static void
post_open(struct split *s)
{
	s->open = 1;
}

/* Add a line to the post's text, which is kept escaped as JSON. */
static int
add_text(struct split *s, const char *p, size_t n, size_t *bad)
{
	size_t len = s->text.len;

	if (s->has_text)
		buf_add(&s->text, "\\n", 2);
	if (json_escape(&s->text, p, n, bad) != 0) {
		buf_setlen(&s->text, len);
		return -1;
	}
	post_open(s);
	s->has_text = 1;
	s->lines++;
	return 0;
}

/* The marker held back was not followed by the chrome: it is text. */
static void
pending_to_text(struct split *s)
{
	const char *m = s->pending == PEND_PLACEHOLDER ? s->o.placeholder :
	    s->o.too_big;
	size_t bad;

	if (s->pending != PEND_NONE && add_text(s, m, strlen(m), &bad) != 0)
		die(EX_SOFTWARE, "internal error: a marker is not UTF-8");
	s->pending = PEND_NONE;
}

int
split_line(struct split *s, const char *p, size_t n, struct buf *out,
    size_t *bad)
{
	size_t k;

	if (s->pending != PEND_NONE) {
		if (is(p, n, s->o.chrome, s->chrome_len)) {
			if (s->pending == PEND_PLACEHOLDER) {
				post_end(s, out);
				buf_reset(&s->text);
				emit(s, "unavailable", out);
			} else {
				post_open(s);
				s->media = "too_big";
			}
			s->pending = PEND_NONE;
			return 0;
		}
		pending_to_text(s);
	}
	if (n >= s->header_len && memcmp(p, s->o.header, s->header_len) == 0) {
		k = utf8_check(p, n);
		if (k != n) {
			*bad = k;
			return -1;
		}
		post_end(s, out);
		post_open(s);
		buf_add(&s->from, p + s->header_len, n - s->header_len);
		s->has_from = 1;
	} else if (is(p, n, s->o.placeholder, s->placeholder_len))
		s->pending = PEND_PLACEHOLDER;
	else if (!s->has_text && s->media == NULL &&
	    is(p, n, s->o.too_big, s->too_big_len))
		s->pending = PEND_TOO_BIG;
	else
		return add_text(s, p, n, bad);
	return 0;
}

void
split_finish(struct split *s, struct buf *out)
{
	pending_to_text(s);
	post_end(s, out);
	s->id = 0;
}
