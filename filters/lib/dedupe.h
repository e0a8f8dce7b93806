/*
 * dedupe: the transform of dedupe-paragraphs.
 *
 * para_key folds a paragraph to its key (folding version DEDUPE_FOLD_VERSION):
 * ICU NFKC_Casefold, then only the code points of General_Category L*, M*
 * and N* are kept.  The fast path folds blocks of sixteen bytes in place
 * where it can (ASCII, letters that fold to themselves, two-byte sequences
 * looked up), else works per code point from a lazily filled table, and
 * hands a segment to ICU only when a code point has no normalisation
 * boundary before it and is not one that folds to nothing at the segment's
 * end; para_key_slow normalises the whole paragraph and is the reference
 * the fast path must equal.
 *
 * fpset is a set of 128-bit fingerprints: open addressing with linear
 * probing, split into 2^subbits subtables (chosen by the low bits of `lo`,
 * home slot by the top bits of `lo`) that each double on their own, so
 * growing never holds two copies of the whole set.  A slot is 16 bytes; the
 * all-zero fingerprint marks an empty slot and is never produced.
 *
 * dedupe_text decides, for each paragraph (line) of one text, whether it is
 * kept or removed, and why; the caller rebuilds the text.  In record scope
 * it folds whole and fingerprints only the paragraphs whose key prefix
 * another's may match.  Invariants: the first occurrence is always kept;
 * the result depends only on the input order, never on buffer or table
 * sizes.
 */
#ifndef DEDUPE_H
#define DEDUPE_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/unorm2.h>
#include <unicode/utypes.h>

#include "buf.h"

#define DEDUPE_FOLD_VERSION	1
#define DEDUPE_STATE_VERSION	1
#define DEDUPE_STATE_MAGIC	"tgpdedup"
#define DEDUPE_STATE_HEADER	64
#define DEDUPE_NO_ID		INT64_MIN

/* Seeds: a folded key and exact bytes never share a fingerprint. */
#define SEED_FOLDED	0
#define SEED_EXACT	1

struct fp {
	uint64_t	lo, hi;
};

struct fp_origin {
	int64_t		id;		/* record id, or DEDUPE_NO_ID */
	uint32_t	para;		/* 1-based; 0: from a state file */
};

struct para_fold {
	const UNormalizer2 *nfkc_cf;
	uint64_t	*cp;		/* per code point entry, 0: not yet */
	struct buf	 arena;		/* UTF-8 of the entries */
	UChar		*u16, *u16n;	/* slow path scratch */
	size_t		 u16cap, u16ncap;
	unsigned char	 unicode[4];	/* ICU's Unicode version */
	unsigned char	 pack[512][8];	/* byte indices, by kept bytes */
	int		 vec;		/* 16-byte shuffles (tests turn
					 * them off) */
};

void	para_fold_init(struct para_fold *);
void	para_fold_release(struct para_fold *);
/* Append the folded key of p[0..n) to out (invalid UTF-8 folds away). */
void	para_key(struct para_fold *, const char *p, size_t n, struct buf *out);
void	para_key_slow(struct para_fold *, const char *p, size_t n,
	    struct buf *out);
/*
 * Append a prefix of the key of p[0..n), folding only until want bytes
 * are settled: at least want of them, or the whole key, which the return
 * value (1) tells.
 */
int	para_key_prefix(struct para_fold *, const char *p, size_t n,
	    struct buf *out, size_t want);

struct fpsub {
	struct fp		*slot;
	struct fp_origin	*org;
	size_t			 mask;		/* capacity - 1 */
	unsigned		 shift;		/* 64 - log2(capacity) */
	size_t			 count, limit;
	size_t			 alloc;		/* slots allocated */
};

struct fpset {
	struct fpsub	*sub;
	unsigned	 subbits;
	int		 origins;	/* keep an origin per fingerprint */
	size_t		 count;
};

void	fpset_init(struct fpset *, unsigned subbits, int origins);
void	fpset_release(struct fpset *);
/* Empty the set, sized for about n fingerprints (single subtable). */
void	fpset_reset(struct fpset *, size_t n);
/*
 * Insert fp: returns 1 if it was new, or 0 if it was there, with its
 * origin copied to *found when the set keeps origins.
 */
int	fpset_insert(struct fpset *, struct fp fp, const struct fp_origin *o,
	    struct fp_origin *found);
int	fpset_contains(const struct fpset *, struct fp fp);
/* Start loading the slot where fp would be. */
void	fpset_prefetch(const struct fpset *, struct fp fp);
/* All fingerprints, sorted by (hi, lo); returns the count. */
size_t	fpset_sorted(const struct fpset *, struct fp **out);
/* Bytes held by the slots, for the -v summary. */
size_t	fpset_bytes(const struct fpset *);

struct fp	fp_of(const void *p, size_t n, uint64_t seed);
/* Partition K of N that owns fp: (hi * N) >> 64. */
static inline uint32_t
fp_partition(struct fp fp, uint32_t n)
{
	return (uint32_t)(((unsigned __int128)fp.hi * n) >> 64);
}

enum dedupe_key { DEDUPE_FOLDED, DEDUPE_EXACT };
enum dedupe_scope { DEDUPE_RECORD, DEDUPE_STREAM };
enum para_fate {
	PARA_KEPT,		/* first occurrence, or never removable */
	PARA_FOREIGN,		/* owned by another partition: untouched */
	PARA_REPEAT,		/* its fingerprint was seen before */
	PARA_TRUNCATED		/* cut-short copy of an earlier paragraph */
};

struct dedupe_opts {
	enum dedupe_key		key;
	enum dedupe_scope	scope;
	uint64_t		min_chars;
	uint32_t		part_k, part_n;	/* 0/1: not partitioned */
	int			origins;	/* track origins (--explain) */
};

struct para {
	size_t			off, len;	/* in the text */
	size_t			koff, klen;	/* key in keys (or text) */
	size_t			copy;		/* same bytes as, or SIZE_MAX */
	struct fp		fp;		/* when keyed */
	int			keyed;		/* whole key and fp */
	int			whole;		/* the key, not a prefix */
	int			decide;		/* ours to decide */
	enum para_fate		fate;
	struct fp_origin	first;		/* what it repeats */
};

struct dedupe {
	struct dedupe_opts	 o;
	struct para_fold	 fold;
	struct fpset		 seen;		/* stream scope */
	struct fpset		 rec;		/* record scope */
	struct para		*para;
	size_t			 npara, cappara;
	struct buf		 keys;
	uint32_t		*rawtab;	/* same_bytes: para + 1 */
	size_t			 rawcap, rawalloc;
	const char		*text;
	uint64_t		 paras, removed, loaded;
};

void	dedupe_init(struct dedupe *, const struct dedupe_opts *);
void	dedupe_release(struct dedupe *);
/* What dedupe_text returns for json_nl text with escapes but \n. */
#define DEDUPE_OTHER_ESCAPES	SIZE_MAX
/*
 * Decide the fate of every paragraph of text[0..n); the paragraphs land
 * in d->para[0..d->npara).  Returns the number removed.  json_nl: text is
 * the body of a JSON string whose escapes \n separate the paragraphs (so
 * each paragraph's bytes are its decoded bytes); if it holds any other
 * escape, dedupe_text changes nothing and returns DEDUPE_OTHER_ESCAPES,
 * for the caller to decode the text and call again.  Found while
 * splitting, so the text is not scanned for them twice.
 */
size_t	dedupe_text(struct dedupe *, const char *text, size_t n, int json_nl,
	    int64_t id);
/*
 * dedupe_text of json_nl text whose backslashes are among the bits set in
 * bits (bit at + i of word (at + i) / 32 for text[i]), as is text[n] (a
 * JSON string's closing quote), as json_known keeps them: the paragraphs
 * are found from the bits.
 */
size_t	dedupe_text_bits(struct dedupe *, const char *text, size_t n,
	    const uint32_t *bits, size_t at, int64_t id);
/* Append the paragraphs not flagged in removed[], joined by LF (or \n). */
void	dedupe_join(const char *text, const struct para *, size_t npara,
	    const unsigned char *removed, int json_nl, struct buf *out);

/*
 * State files: a 64-byte header (magic, format version, folding version,
 * Unicode version, key kind, partition, count, checksums) then the
 * fingerprints sorted.  dedupe_state_load returns 0, 1 if path does not
 * exist, or dies (65 corrupt or mismatched, 66 unreadable).
 */
int	dedupe_state_load(struct dedupe *, const char *path);
/* Write the set to path atomically, or die 73/74. */
void	dedupe_state_save(struct dedupe *, const char *path);

#endif
