/*
 * normalise: the transform of normalise-unicode.  normalise_text turns one
 * string into its clean form, in this order:
 *
 *  1. bytes that are not UTF-8 become U+FFFD, one for each maximal subpart
 *     of an ill-formed sequence (Unicode's recommended practice), counted;
 *     with strict they are an error instead;
 *  2. line ends CR LF, CR, U+0085, U+2028 and U+2029 become LF (lines);
 *  3. invisible characters are removed: controls other than tab, LF, VT,
 *     FF, CR and U+0085, and the default-ignorable format characters (Cf)
 *     except ZWNJ, ZWJ and the tag characters U+E0020..U+E007F; variation
 *     selectors are not format characters and stay (invisible);
 *     tab, VT, FF and every space separator (Zs) become U+0020 (spaces);
 *  4. with strip_emoji, grapheme clusters that are emoji are removed;
 *  5. with casefold, full Unicode case folding;
 *  6. normalisation to the form (NFC by default);
 *  7. runs of spaces collapse to one, each paragraph (line) is trimmed,
 *     empty paragraphs are removed (spaces).
 *
 * Removal happens before normalisation so that removing a character never
 * leaves text that is no longer normalised (e + soft hyphen + U+0301);
 * the space clean-up comes last because NFKC can make spaces.  The result
 * is idempotent.
 *
 * The fast path: one scan tells whether the text is already clean, using a
 * per-code-point table built from ICU (up to U+07FF at once, the rest one
 * code point at a time when first met), sixteen bytes at a time (32 where
 * the processor has AVX2) through ASCII and the two-byte letters of clean
 * lead bytes, eight at a time through other two-byte letters; clean text
 * is never copied or converted.
 * Text that is not clean goes through the steps, from the first character
 * the scan found unclean; without steps 4 and 5, only the regions around
 * the unclean characters do, and the scan goes on after each (clean text
 * between them is copied).  Normalisation converts to UTF-16 only the
 * segments around characters that are not "normalisation-inert starters"
 * (quick check Yes and canonical combining class 0 for the form).
 */
#ifndef NORMALISE_H
#define NORMALISE_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/utypes.h>

#include "buf.h"

enum normalise_form {
	NORM_NONE, NORM_NFC, NORM_NFD, NORM_NFKC, NORM_NFKD, NORM_NFKC_CF
};

struct normalise_opts {
	enum normalise_form form;
	int	lines;		/* step 2 */
	int	spaces;		/* steps 3 (mapping) and 7 */
	int	invisible;	/* step 3 (removal) */
	int	strip_emoji;	/* step 4 */
	int	casefold;	/* step 5 */
	int	strict;		/* invalid UTF-8 is an error, not U+FFFD */
};

extern const struct normalise_opts normalise_defaults;

struct normalise {
	struct normalise_opts	 o;
	const void		*norm;		/* UNormalizer2 *, or NULL */
	void			*casemap;	/* UCaseMap * */
	void			*brk;		/* UBreakIterator * */
	uint8_t			*low;		/* flags of U+0000..U+FFFF:
						 * U+0800 on filled lazily */
	uint8_t			*pair;		/* the same by the two bytes of
						 * U+0080..U+07FF as a uint16_t;
						 * 0xFF when not one character */
	uint8_t			 mask;		/* flags that make text unclean */
	int			 swar;		/* printable ASCII is clean */
	int			 vec;		/* the 16-byte paths are on
						 * (tests turn them off) */
	int			 avx2;		/* and 32 bytes at a time,
						 * where the processor can */
	int			 valid;		/* the caller's texts are valid
						 * UTF-8: fewer checks (0 by
						 * default) */
	int			 regions;	/* unclean text is cleaned
						 * region by region (tests
						 * turn it off) */
	struct leads {		/* by a lead byte's low five bits: the */
		unsigned char	 first[32];	/* run of leads around it */
		unsigned char	 n[32];		/* without a flag, or 0 */
	}			 clean, chars, inert;	/* t->mask, steps 1-3, 6 */
	int			 ascii_inert;	/* no ASCII is F_NORM */
	int			 ascii_upper;	/* only A-Z are F_NORM */
	char			 ascii_map[128]; /* what the form maps it to */
	uint8_t			*page[0x1000];	/* the same above U+FFFF */
	struct buf		 a, b, c;	/* step outputs */
	struct buf		 res;		/* the regions' result */
	UChar			*u16in, *u16out;	/* a segment in UTF-16 */
	size_t			 u16incap, u16outcap;
	uint64_t		 replaced;	/* U+FFFD substitutions */
};

/* Parse "nfc", "nfd", "nfkc", "nfkd", "nfkc_cf" or "none"; -1 if unknown. */
int	normalise_form_parse(const char *);
const char *normalise_form_name(enum normalise_form);

void	normalise_init(struct normalise *, const struct normalise_opts *);
void	normalise_release(struct normalise *);

/*
 * Clean s[0..n).  Returns 0 when the text is already clean (*outp == s,
 * *outn == n), 1 when it changed (*outp points into the normaliser's own
 * buffer, valid until the next call), or -1 in strict mode when s holds
 * bytes that are not UTF-8, with *bad their offset.
 */
int	normalise_text(struct normalise *, const char *s, size_t n,
	    const char **outp, size_t *outn, size_t *bad);

/* Whether s[0..n) is already clean (step 1 to 7 would change nothing). */
int	normalise_is_clean(struct normalise *, const char *s, size_t n);

#endif
