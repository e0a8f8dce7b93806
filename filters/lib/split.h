/*
 * split: the transform of split-posts.  Fed the lines of a raw web-preview
 * dump one at a time, it finds the post boundaries and the UI chrome and
 * appends one JSON record per post to an output buffer, the text of a post
 * as its lines come.
 *
 * A post starts at a line beginning with the header prefix ("Forwarded
 * from "; the rest of the line is forwarded_from), or is a placeholder:
 * the placeholder line followed by the chrome line (media "unavailable",
 * empty text).  The too-big line followed by the chrome line, before any
 * text of a post, sets media "too_big".  Those lines are dropped; every
 * other line goes, unchanged, into exactly one post's text.  Lines before
 * the first boundary form a post of their own.
 */
#ifndef SPLIT_H
#define SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct out;

struct split_opts {
	const char	*header;	/* prefix of a post's first line */
	const char	*placeholder;	/* a post not shown in the preview */
	const char	*too_big;	/* a post whose media is not shown */
	const char	*chrome;	/* the button line after those two */
	const char	*source;	/* the source field */
};

extern const struct split_opts split_defaults;

enum split_pending { PEND_NONE, PEND_PLACEHOLDER, PEND_TOO_BIG };

struct split {
	struct split_opts	 o;
	size_t			 header_len, placeholder_len;
	size_t			 too_big_len, chrome_len;
	uint64_t		 id;		/* posts emitted so far */
	int			 open;		/* a post is being collected */
	int			 has_text;	/* it has at least one line */
	size_t			 head_at;	/* then its record, in out */
	const char		*media;		/* NULL, "too_big" */
	struct buf		 source_json;	/* the source, as JSON */
	struct buf		 from;		/* forwarded_from, escaped */
	struct buf		 next_from;	/* the next, until valid */
	int			 has_from;
	enum split_pending	 pending;	/* marker awaiting the chrome */
	uint64_t		 lines;		/* lines of text kept */
	uint64_t		 posts;		/* records emitted in all */
};

void	split_init(struct split *, const struct split_opts *);
void	split_release(struct split *);
/* Set the source of the posts to come (split-posts: per input file). */
void	split_source(struct split *, const char *source);
/*
 * Feed one line (no LF); records go to out (see split_flush).  Returns 0, or -1
 * when the line is not valid UTF-8 (*bad: the offset of the first bad
 * byte), leaving it out.  The markers must be valid UTF-8.
 */
int	split_line(struct split *, const char *p, size_t n, struct buf *out,
	    size_t *bad);
/*
 * The fast way for most lines: the lines in p[0..n), from the first on,
 * are fed as by split_line while they are text of a post, valid UTF-8 and
 * not ending in CR: each is found in the pass that escapes it.  Returns
 * the bytes of those lines, their LFs included, with *lines their number;
 * 0 when the next line is to go to split_line.
 */
size_t	split_text(struct split *, const char *p, size_t n, struct buf *out,
	    size_t *lines);
/*
 * A post's record is written to out as its lines come, so out ends with
 * the record being written.  This writes the records before it to o, when
 * they are n bytes or more, and leaves that one.  Returns the bytes
 * written.
 */
size_t	split_flush(struct split *, struct buf *out, struct out *o, size_t n);
/* End of an input: emit what is pending; ids start again at 1. */
void	split_finish(struct split *, struct buf *out);

#endif
