/*
 * buf: a growable byte buffer, after git's strbuf.
 *
 * Invariants: after buf_init (or BUF_INIT) `data` is never NULL and
 * data[len] == '\0'; `len` is authoritative (the bytes may hold NULs);
 * cap > len.  Growth is checked for overflow and dies with exit 70 on
 * exhaustion, so callers never test for allocation failure.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void	buf_init(struct buf *);
void	buf_release(struct buf *);
void	buf_grow_room(struct buf *, size_t extra);
void	buf_add(struct buf *, const void *, size_t);
void	buf_addstr(struct buf *, const char *);
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*buf_detach(struct buf *, size_t *lenp);

/*
 * Make room for extra more bytes and the NUL.  Most calls find the room
 * there: that check is inline, the growing is not.
 */
static inline void
buf_grow(struct buf *b, size_t extra)
{
	if (extra >= b->cap - b->len)	/* cap 0 (len 0) always grows */
		buf_grow_room(b, extra);
}

static inline void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

static inline void
buf_addch(struct buf *b, int c)
{
	if (b->len + 1 >= b->cap)
		buf_grow_room(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}

/* Set len after writing into the space buf_grow reserved. */
static inline void
buf_setlen(struct buf *b, size_t len)
{
	b->len = len;
	b->data[len] = '\0';
}

#endif
