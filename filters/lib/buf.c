/* buf: growable byte buffer; see buf.h for the invariants. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "util.h"

char buf_empty[1];

void
buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

void
buf_grow_room(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		die(EX_SOFTWARE, "out of memory: buffer size overflows");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->cap ? b->data : NULL, cap);
	if (p == NULL)
		die(EX_SOFTWARE, "out of memory (%zu bytes)", cap);
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	buf_setlen(b, b->len + n);
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		die(EX_SOFTWARE, "vsnprintf failed");
	if ((size_t)n >= b->cap - b->len || !b->cap) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	buf_setlen(b, b->len + (size_t)n);
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char *p;

	if (!b->cap)
		buf_grow(b, 0);
	p = b->data;
	if (lenp)
		*lenp = b->len;
	buf_init(b);
	return p;
}
