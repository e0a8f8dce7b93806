/*
 * record: JSON Lines records in and out.
 *
 * lines_* reads the named files (or standard input) in large blocks and
 * hands out lines of any length, with their file name and line number; it
 * drops a UTF-8 BOM at the start of each file and the CR of a CRLF, and
 * keeps the raw bytes so a rejected line can be written back verbatim.
 *
 * record_* parses a line once: it checks the whole line is one RFC 8259
 * object and locates its top-level members.  A filter reads members, sets
 * (replaces or adds) the few it owns, and record_write splices the new
 * values into the original bytes: every other byte passes through
 * unchanged, in order.  When a key appears twice the last one is read and
 * replaced, as in jq; the earlier ones pass through.
 *
 * recin_* ties the two together with the bad-input rule every filter
 * keeps: a bad line stops the program with exit 65 naming file:line:column,
 * or, with --rejects FILE, is written there verbatim and skipped.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "util.h"

struct line {
	char		*p;		/* the line, without CR LF or BOM */
	size_t		 len;
	char		*raw;		/* the line as read, without its LF */
	size_t		 rawlen;
	const char	*file;		/* for messages: "<stdin>" or the path */
	const char	*path;		/* as named: "-" or the path */
	uint64_t	 no;		/* 1-based line number in file */
};

struct lines {
	char		**files;	/* NULL-terminated; "-" is stdin */
	const char	*file;
	const char	*path;
	int		 fd;
	int		 eof;
	int		 status;	/* 66 if a file could not be opened */
	uint64_t	 no;
	struct buf	 b;
	size_t		 pos;		/* start of the next line in b */
	size_t		 scanned;	/* b.data[pos..scanned) has no LF */
	uint64_t	 bytes;		/* bytes read so far */
	char		*map;		/* a regular file, mapsize bytes, */
	size_t		 mapsize, maplen; /* maplen of them up to its last LF */
	size_t		 mappos;
	size_t		 mapdrop;	/* map[0..mapdrop) let go */
};

/* files: argv after options (NULL or empty for stdin). */
void	lines_open(struct lines *, char **files);
/* 1 and *l set, or 0 at the end of all input. */
int	lines_next(struct lines *, struct line *l);
/*
 * For a caller that finds where a line ends itself, in a pass over its
 * bytes it makes anyway: the bytes at hand from the next line on, at *p,
 * or 0 when lines_next must hand out the next line (the first of a file,
 * with its BOM, or a line not yet read).
 */
size_t	lines_peek(struct lines *, const char **p);
/*
 * Pass over the next lines, the first n bytes of what lines_peek gave,
 * ending at a LF.
 */
void	lines_skip(struct lines *, size_t n, size_t lines);
void	lines_close(struct lines *);

struct field {
	const char	*key;		/* the key's body, between its quotes */
	size_t		 keylen;
	const char	*val;		/* the value's JSON text */
	size_t		 vallen;
	enum json_type	 type;
	int		 key_escaped, val_escaped;
};

struct edit {
	char		*key;		/* decoded UTF-8 key, NUL-terminated */
	size_t		 keylen;
	size_t		 field;		/* index into fields, or SIZE_MAX: new */
	size_t		 off, len;	/* its JSON text in vals: the value,
					 * or "key":value for a new member */
};

struct record {
	const struct line *line;
	const char	*p;		/* the object: line->p, line->len */
	size_t		 len;
	size_t		 close;		/* offset of the closing '}' */
	struct field	*f;
	size_t		 nf, capf;
	uint64_t	 keys;		/* a bit for each key's length
					 * (see key_bit) */
	struct edit	*e;
	size_t		 ne, cape;
	struct buf	 vals;		/* JSON text of the edits' values */
	struct buf	 tmp;		/* decoded strings, rendering */
	struct buf	 keytmp;	/* decoded keys */
	struct json_known known;	/* the line's UTF-8 and specials */
};

void	record_init(struct record *);
void	record_release(struct record *);
/* Parse l as one object; 0, or -1 with *e set. */
int	record_parse(struct record *, const struct line *l,
	    struct json_err *e);
/*
 * Whether p[0..n) is a record, exactly when record_parse would accept it,
 * without locating the members: for checking lines in bulk.  Thread-safe.
 */
int	record_valid(const char *p, size_t n);
/* Whether p[0..n) is only whitespace: a blank line, not a record. */
int	record_blank(const char *p, size_t n);
/*
 * The bits json_known kept of the line's '"', '\\' and control bytes (bit
 * i of word i / 32 for r->p[i]), or NULL when the parse found none (no
 * AVX2, a long line): for splitting a string value again without reading
 * its bytes.
 */
static inline const uint32_t *
record_specials(const struct record *r)
{
	return r->known.masked ? r->known.mask : NULL;
}
/* The last member named key, or NULL. */
const struct field *record_get(struct record *, const char *key);
/*
 * The decoded value of a string member, in *s and *n (into the line when
 * it has no escapes, else into scratch owned by the record, valid until
 * the next call).  0, or -1 if it holds an escaped lone surrogate.
 */
int	record_string(struct record *, const struct field *, const char **s,
	    size_t *n);

/*
 * Setting a member: record_edit returns a buffer to append the value's JSON
 * text to (json_add_string, digits, '[' ... ']'); the next record_edit or
 * record_write takes it.  The value replaces the last member named key, or
 * is added at the end of the object.  key is not copied: it must live until
 * the record is written (a literal or an option's argument).
 */
struct buf *record_edit(struct record *, const char *key);
void	record_set_string(struct record *, const char *key, const char *s,
	    size_t n);
void	record_set_int(struct record *, const char *key, long long v);
void	record_set_null(struct record *, const char *key);

/* Write the record, with its edits spliced in, and a LF. */
void	record_write(struct record *, struct out *);
/* Append the same to a buffer. */
void	record_render(struct record *, struct buf *);

struct recin {
	struct lines	 lines;
	struct line	 line;
	struct out	*rejects;	/* NULL: bad input is fatal */
	uint64_t	 records, blank, rejected;
};

void	recin_open(struct recin *, char **files, struct out *rejects);
/* 1 with the next good record parsed into r, or 0 at the end. */
int	recin_next(struct recin *, struct record *r);
/*
 * A filter found the current record bad for its own reasons: write it to
 * the rejects file and return, or die 65 with "file:line: what".
 */
void	recin_reject(struct recin *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Close input; returns the input status (0, or 66). */
int	recin_close(struct recin *);

/* Emit one raw line (verbatim) and a LF to a rejects file. */
void	reject_line(struct out *, const struct line *);
/*
 * A bad line: to rejects when there is one, or fatal, exit 65 with
 * "file:line:col: msg" ("file:line: msg" when col is 0).
 */
void	line_refuse(struct out *rejects, const struct line *l, size_t col,
	    const char *msg);
/* The warning at the end of a run that wrote n bad lines to rejects. */
void	rejects_done(const struct out *rejects, uint64_t n);

#endif
