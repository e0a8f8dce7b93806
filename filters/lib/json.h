/*
 * json: a small validating scanner for RFC 8259 JSON, and string escaping.
 *
 * The scanner never builds a tree: it checks a value and tells where it
 * ends, so callers can locate members and pass every other byte through
 * untouched.  It is iterative (nesting depth costs one byte a level, no
 * recursion) and accepts exactly the RFC 8259 grammar over RFC 3629 UTF-8;
 * escaped lone surrogates are grammatical and accepted, but
 * json_decode_string refuses to turn them into (invalid) UTF-8.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

enum json_type {
	JSON_NULL = 1, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT
};

struct json_err {
	const char	*at;	/* where the error was found */
	const char	*msg;	/* lowercase, no full stop */
};

static inline const char *
json_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/*
 * A line known to be valid UTF-8 (json_known).  Where AVX2 found that
 * out and the line is at most JSON_KNOWN_MAX bytes, the same pass kept a
 * bit for each '"', '\\' and control byte, and one for the end: the
 * scanners then find where a string stops from these bits, without
 * reading its bytes again.
 */
#define JSON_KNOWN_MAX	(64 * 1024)
struct json_known {
	const char	*p;		/* the line */
	int		 masked;	/* mask is set (0 when json_known
					 * kept none) */
	uint32_t	 mask[JSON_KNOWN_MAX / 32 + 1];	/* bit i: p[i] */
};

/*
 * Whether p[0..n) is known to be valid UTF-8, filling *k if so: checked
 * 32 bytes at a time where AVX2 is on (json_simd), else 0, as for text
 * that is not.
 */
int	json_known(struct json_known *k, const char *p, size_t n);

/*
 * Scan the value at p (no leading whitespace).  Returns its end, or NULL
 * with *e set.  *escaped tells whether a string value holds escapes.
 * k: NULL, or the line holding p..end, known to be valid UTF-8
 * (json_known), so strings need checking for quotes, escapes and controls
 * only; the results are the same, found faster.
 */
const char	*json_scan_value(const char *p, const char *end,
		    const struct json_known *k, enum json_type *type,
		    int *escaped, struct json_err *e);
/* Scan the string whose opening quote is at p. */
const char	*json_scan_string(const char *p, const char *end,
		    const struct json_known *k, int *escaped,
		    struct json_err *e);

/*
 * Append the decoded UTF-8 of the string body s[0..n) (between the quotes,
 * already scanned) to out.  Returns 0, or -1 when it holds an escaped lone
 * surrogate, with *bad its offset in s.
 */
int	json_decode_string(const char *s, size_t n, struct buf *out,
	    size_t *bad);

/*
 * Append s[0..n) escaped as the body of a JSON string (no quotes): '"',
 * '\', control characters, U+2028 and U+2029 are escaped, all else is
 * copied.  Returns 0, or -1 if s is not valid UTF-8, with *bad the offset
 * of the first invalid byte and out as it was.
 */
int	json_escape(struct buf *out, const char *s, size_t n, size_t *bad);
/* The same with the quotes, for s known to be valid UTF-8. */
void	json_add_string(struct buf *out, const char *s, size_t n);

/* s[0..n) between quotes as it is: for s known to need no escape. */
static inline void
json_add_plain(struct buf *out, const char *s, size_t n)
{
	char *d;

	if (out->cap - out->len < n + 3)
		buf_grow(out, n + 2);
	d = out->data + out->len;
	d[0] = '"';
	memcpy(d + 1, s, n);
	d[n + 1] = '"';
	buf_setlen(out, out->len + n + 2);
}

/*
 * json_escape for the line at s, up to the first LF in s[0..n), found in the
 * pass that escapes it where the line is plain text.  Returns the line's
 * length, or SIZE_MAX with out as it was when there is no LF, when the
 * line ends in CR (a line reader drops it) or is not valid UTF-8: the
 * caller then finds the line and escapes it the usual way.
 */
size_t	json_escape_line(struct buf *out, const char *s, size_t n);

/*
 * Whether to scan and escape long strings with AVX2 where the processor
 * has it (the default): the results are the same either way.  Returns
 * whether it is on.
 */
int	json_simd(int on);

/*
 * json_add_string for s valid UTF-8 by construction (a transform's
 * output): where AVX2 is on, a long s is escaped without checking its
 * UTF-8 again, else it is json_add_string.  The same output.
 */
void	json_add_valid_string(struct buf *out, const char *s, size_t n);

#endif
