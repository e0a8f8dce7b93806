/* normalise: Unicode clean-up and ICU normalisation; see normalise.h. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ucasemap.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "normalise.h"
#include "utf8.h"
#include "util.h"

/* Per-code-point flags; each is set only when its step is on. */
#define F_LINE		0x01	/* a line end other than LF */
#define F_INVIS		0x02	/* invisible: removed */
#define F_SPACE		0x04	/* a space other than U+0020: mapped */
#define F_NORM		0x08	/* not an inert starter for the form */
#define F_EMOJI		0x10	/* may be part of an emoji */
#define F_FOLD		0x20	/* changed by case folding */
#define F_SP		0x40	/* U+0020 (positional rules) */
#define F_NL		0x80	/* LF (positional rules) */

#define CHAR_FLAGS	(F_LINE | F_INVIS | F_SPACE)
/* The pages classified at once: U+0000..U+07FF, every one- and two-byte
 * character. */
#define LOW_PAGES	8
/* The characters of t->low: the BMP, every one to three-byte one. */
#define LOW_CHARS	0x10000
/* ICU takes int32_t lengths: text is handed to it in pieces this big. */
#define ICU_CHUNK	(1 << 26)

/* The free space of out as ICU's capacity type. */
static int32_t
room(const struct buf *out)
{
	size_t n = out->cap - out->len - 1;

	return n > INT32_MAX ? INT32_MAX : (int32_t)n;
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* The high bit of each byte of w (all ASCII) that equals b. */
static inline uint64_t
bytes_eq(uint64_t w, unsigned char b)
{
	uint64_t x = w ^ (ONES * b);

	return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/* The high bit of each byte of w (all ASCII) below b (b <= 0x80). */
static inline uint64_t
bytes_lt(uint64_t w, unsigned char b)
{
	return ~(w + ONES * (unsigned char)(0x80 - b)) & HIGHS;
}

/* The high bit of each byte of w that equals b, w and b ASCII. */
static inline uint64_t
ascii_eq(uint64_t w, unsigned char b)
{
	return ~((w ^ (ONES * b)) + ONES * 0x7F) & HIGHS;
}

/* Skip whole words of printable ASCII, spaces and LFs. */
static inline const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if ((w & HIGHS) || (bytes_lt(w, 0x20) & ~bytes_eq(w, '\n')) ||
		    bytes_eq(w, 0x7F))
			break;
		p += 8;
	}
	return p;
}

/* Skip whole words of ASCII. */
static inline const unsigned char *
skip_ascii(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if (w & HIGHS)
			break;
		p += 8;
	}
	return p;
}

/* Skip whole words of ASCII without capital letters. */
static inline const unsigned char *
skip_ascii_lower(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if ((w & HIGHS) || (bytes_lt(w, 'Z' + 1) & ~bytes_lt(w, 'A')))
			break;
		p += 8;
	}
	return p;
}

static const char replacement[] = "\xEF\xBF\xBD";

const struct normalise_opts normalise_defaults = {
	NORM_NFC, 1, 1, 1, 0, 0, 0
};

static const char *const form_names[] = {
	"none", "nfc", "nfd", "nfkc", "nfkd", "nfkc_cf"
};

int
normalise_form_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof form_names / sizeof form_names[0]; i++)
		if (strcmp(s, form_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
normalise_form_name(enum normalise_form f)
{
	return form_names[f];
}

static void
icu_check(UErrorCode err, const char *what)
{
	if (U_FAILURE(err))
		die(EX_SOFTWARE, "icu: %s: %s", what, u_errorName(err));
}

/* The flags of one code point, from ICU's properties. */
static uint8_t
classify(const struct normalise *t, UChar32 c)
{
	const struct normalise_opts *o = &t->o;
	UErrorCode err = U_ZERO_ERROR;
	int8_t gc;
	UChar u[2], f[8];
	int32_t len = 0, flen;
	uint8_t fl = 0;

	if (c >= 0xD800 && c <= 0xDFFF)
		return 0;
	gc = (int8_t)u_charType(c);
	U16_APPEND_UNSAFE(u, len, c);
	if (o->lines && (c == '\r' || c == 0x85 || c == 0x2028 ||
	    c == 0x2029))
		fl |= F_LINE;
	if (o->invisible) {
		if (gc == U_CONTROL_CHAR && !(c >= '\t' && c <= '\r') &&
		    c != 0x85)
			fl |= F_INVIS;
		if (gc == U_FORMAT_CHAR &&
		    u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) &&
		    c != 0x200C && c != 0x200D && !(c >= 0xE0020 && c <= 0xE007F))
			fl |= F_INVIS;
	}
	if (o->spaces) {
		if ((gc == U_SPACE_SEPARATOR && c != ' ') || c == '\t' ||
		    c == '\v' || c == '\f')
			fl |= F_SPACE;
		if (c == ' ')
			fl |= F_SP;
		if (c == '\n')
			fl |= F_NL;
	}
	if (t->norm != NULL) {
		const UNormalizer2 *n = t->norm;

		if (unorm2_quickCheck(n, u, len, &err) != UNORM_YES ||
		    u_getCombiningClass(c) != 0 ||
		    !unorm2_hasBoundaryBefore(n, c))
			fl |= F_NORM;
		icu_check(err, "quick check");
	}
	if (o->strip_emoji && c >= 0x80 &&
	    (u_hasBinaryProperty(c, UCHAR_EMOJI) ||
	    u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION) ||
	    u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
	    u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR) ||
	    c == 0xFE0F || c == 0x20E3))
		fl |= F_EMOJI;
	if (o->casefold) {
		flen = u_strFoldCase(f, 8, u, len, U_FOLD_CASE_DEFAULT, &err);
		icu_check(err, "case folding");
		if (flen != len || memcmp(f, u, (size_t)len * sizeof *u) != 0)
			fl |= F_FOLD;
	}
	return fl;
}

static void
fill_page(struct normalise *t, uint32_t pg)
{
	uint8_t *p = t->low + (pg << 8);
	uint32_t i;

	for (i = 0; i < 256; i++)
		p[i] = classify(t, (UChar32)(pg << 8 | i));
}

/*
 * Above U+07FF a character is classified when first met: text uses few
 * of them (CJK, emoji).  F_UNKNOWN, a combination no code point has,
 * marks those not met yet.  The BMP is one table, so that Chinese costs
 * one look-up a character; the planes above, pages allocated when met.
 */
#define F_UNKNOWN	(F_SP | F_NL)

static inline uint8_t
flags_of(struct normalise *t, uint32_t c)
{
	uint8_t *p;

	if (c < LOW_CHARS)
		p = t->low + c;
	else {
		if ((p = t->page[(c - LOW_CHARS) >> 8]) == NULL) {
			p = t->page[(c - LOW_CHARS) >> 8] = xmalloc(256);
			memset(p, F_UNKNOWN, 256);
		}
		p += c & 0xFF;
	}
	if (*p == F_UNKNOWN)
		*p = classify(t, (UChar32)c);
	return *p;
}

/*
 * Skip whole words of two-byte characters without a flag in mask.  Each
 * 16 bits of w are two bytes as they lie in memory, whatever the byte
 * order, so t->pair tells at once whether they are one such character.
 */
static inline const unsigned char *
skip_two_byte(const struct normalise *t, const unsigned char *p,
    const unsigned char *end, uint8_t mask)
{
	uint64_t w;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if ((t->pair[(uint16_t)w] | t->pair[(uint16_t)(w >> 16)] |
		    t->pair[(uint16_t)(w >> 32)] | t->pair[(uint16_t)(w >> 48)]) &
		    mask)
			break;
		p += 8;
	}
	return p;
}

/*
 * Skip three-byte characters without a flag in mask (CJK), decoded
 * inline: those of the leads E1..EC, EE and EF, whose second byte may be
 * any continuation byte.  Each goes the vector paths one call at a time
 * otherwise, and the scalar ones through utf8_valid_len.  A fast path
 * (t->vec), so that the unit tests compare it with the scalar code.
 */
static inline const unsigned char *
skip_three_byte(struct normalise *t, const unsigned char *p,
    const unsigned char *end, uint8_t mask)
{
	uint16_t cont;

	while (end - p >= 3 && *p >= 0xE1 && *p < 0xF0 && *p != 0xED) {
		/* both continuation bytes at once, whatever the byte order */
		memcpy(&cont, p + 1, 2);
		if ((cont & 0xC0C0) != 0x8080 ||
		    (flags_of(t, (uint32_t)(p[0] & 0x0F) << 12 |
		    (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F)) & mask))
			break;
		p += 3;
	}
	return p;
}

/*
 * For each lead byte C2..DF (by its low five bits), the longest run of
 * lead bytes around it whose 64 characters have no flag in mask: its
 * first lead byte and length, 0 when the lead's own characters have one.
 */
static void
lead_ranges(const struct normalise *t, uint8_t mask, struct leads *l)
{
	int clean[32], i, j, a, b;

	for (i = 0; i < 32; i++) {
		clean[i] = i >= 2;
		for (j = 0; j < 64 && clean[i]; j++)
			if (t->low[i << 6 | j] & mask)
				clean[i] = 0;
	}
	for (i = 0; i < 32; i++) {
		l->first[i] = 0xC0;
		l->n[i] = 0;
		if (!clean[i])
			continue;
		for (a = i; a > 0 && clean[a - 1]; a--)
			continue;
		for (b = i; b < 31 && clean[b + 1]; b++)
			continue;
		l->first[i] = (unsigned char)(0xC0 + a);
		l->n[i] = (unsigned char)(b - a + 1);
	}
}

void
normalise_init(struct normalise *t, const struct normalise_opts *o)
{
	UErrorCode err = U_ZERO_ERROR;
	uint8_t *p0;
	uint32_t pg;
	uint16_t pair;
	unsigned char utf8[2];
	int i, upper_only;

	memset(t, 0, sizeof *t);
	t->o = *o;
	switch (o->form) {
	case NORM_NONE: break;
	case NORM_NFC: t->norm = unorm2_getNFCInstance(&err); break;
	case NORM_NFD: t->norm = unorm2_getNFDInstance(&err); break;
	case NORM_NFKC: t->norm = unorm2_getNFKCInstance(&err); break;
	case NORM_NFKD: t->norm = unorm2_getNFKDInstance(&err); break;
	case NORM_NFKC_CF:
		t->norm = unorm2_getNFKCCasefoldInstance(&err);
		break;
	}
	icu_check(err, "normaliser");
	if (o->casefold) {
		t->casemap = ucasemap_open("", U_FOLD_CASE_DEFAULT, &err);
		icu_check(err, "case map");
	}
	if (o->strip_emoji) {
		t->brk = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &err);
		icu_check(err, "break iterator");
	}
	t->mask = CHAR_FLAGS | F_NORM | F_EMOJI | F_FOLD;
	t->low = xmalloc(LOW_CHARS);
	memset(t->low + (LOW_PAGES << 8), F_UNKNOWN,
	    LOW_CHARS - (LOW_PAGES << 8));
	for (pg = 0; pg < LOW_PAGES; pg++)
		fill_page(t, pg);
	p0 = t->low;
	t->pair = xmalloc(1 << 16);
	memset(t->pair, 0xFF, 1 << 16);
	for (i = 0x80; i < 0x800; i++) {
		utf8[0] = (unsigned char)(0xC0 | i >> 6);
		utf8[1] = (unsigned char)(0x80 | (i & 0x3F));
		memcpy(&pair, utf8, 2);
		t->pair[pair] = t->low[i];
	}
	lead_ranges(t, t->mask, &t->clean);
	lead_ranges(t, CHAR_FLAGS, &t->chars);
	lead_ranges(t, F_NORM, &t->inert);
	t->swar = o->spaces;
	t->ascii_inert = 1;
	upper_only = 1;
	for (i = 0; i < 128 && t->norm != NULL; i++) {
		UChar u = (UChar)i, m[4];
		int32_t len;

		len = unorm2_normalize(t->norm, &u, 1, m, 4, &err);
		icu_check(err, "normalisation");
		if (len == 1 && m[0] < 0x80 && m[0] != u)
			t->ascii_map[i] = (char)m[0];
	}
	for (i = 0; i < 128; i++) {
		if (i > ' ' && i < 0x7F && p0[i] != 0)
			t->swar = 0;
		if (p0[i] & F_NORM)
			t->ascii_inert = 0;
		if ((p0[i] & F_NORM) && !(i >= 'A' && i <= 'Z'))
			upper_only = 0;
	}
	t->ascii_upper = !t->ascii_inert && upper_only;
	t->vec = 1;
	t->avx2 = cpu_avx2();	/* the 32-byte paths, skip32 below */
	t->regions = 1;
	buf_init(&t->a);
	buf_init(&t->b);
	buf_init(&t->c);
	buf_init(&t->res);
}

void
normalise_release(struct normalise *t)
{
	size_t i;

	for (i = 0; i < sizeof t->page / sizeof t->page[0]; i++)
		free(t->page[i]);
	free(t->low);
	free(t->pair);
	if (t->casemap != NULL)
		ucasemap_close(t->casemap);
	if (t->brk != NULL)
		ubrk_close(t->brk);
	free(t->u16in);
	free(t->u16out);
	buf_release(&t->a);
	buf_release(&t->b);
	buf_release(&t->c);
	buf_release(&t->res);
	memset(t, 0, sizeof *t);
}

/*
 * The flags of the character at p and its length in *k, valid UTF-8
 * assumed; two-byte characters are decoded inline.
 */
static inline uint8_t
flags_at(struct normalise *t, const unsigned char *p,
    const unsigned char *end, size_t *k)
{
	if (*p < 0x80) {
		*k = 1;
		return t->low[*p];
	}
	if (*p < 0xE0) {
		*k = 2;
		return t->low[(*p & 0x1F) << 6 | (p[1] & 0x3F)];
	}
	*k = utf8_valid_len(p, end);
	return flags_of(t, utf8_decode(p, *k));
}

/* The length of the maximal subpart of an ill-formed sequence at p. */
static size_t
invalid_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c < 0xC2 || c > 0xF4)
		return 1;
	n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (end - p < 2 || p[1] < lo || p[1] > hi)
		return 1;
	for (i = 2; i < n && p + i < end && (p[i] & 0xC0) == 0x80; i++)
		continue;
	return i;
}

/*
 * GCC's vector extension (clang has it too): SSE2 on x86-64, NEON on ARM,
 * plain code elsewhere.  A comparison sets a lane to 0 or -1; arithmetic
 * is done unsigned, where it wraps.
 */
typedef signed char v16 __attribute__((vector_size(16)));
typedef unsigned char uv16 __attribute__((vector_size(16)));

/* The lanes of v (as unsigned) in [lo, lo + len), len >= 1: two steps. */
#define IN_RANGE16(v, lo, len)						\
	((v16)((uv16)(v) - (unsigned char)((lo) + 0x80)) <			\
	    (signed char)((len) - 0x80))

/* The index of the first lane of m (each 0 or -1) that is set, or 16. */
static inline size_t
first_lane(v16 m)
{
	uint64_t h[2];

	memcpy(h, &m, 16);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	if (h[0] != 0)
		return (size_t)__builtin_clzll(h[0]) >> 3;
	return h[1] != 0 ? 8 + ((size_t)__builtin_clzll(h[1]) >> 3) : 16;
#else
	if (h[0] != 0)
		return (size_t)__builtin_ctzll(h[0]) >> 3;
	return h[1] != 0 ? 8 + ((size_t)__builtin_ctzll(h[1]) >> 3) : 16;
#endif
}

/* What skip16 lets through besides the two-byte characters of its leads. */
#define S16_ASCII	1	/* any ASCII, not only printable, space, LF */
#define S16_SINGLE	2	/* but no space or LF after another */
#define S16_VALID	4	/* the text is valid UTF-8: no need to check
				 * that continuation bytes follow leads */

/*
 * Skip 16 bytes at a time while they are ASCII as how allows and two-byte
 * characters whose lead byte is one of the nlead from lead (nlead may be
 * 0).  Unless how is S16_ASCII | S16_VALID, the tests of a byte look at
 * the byte before too: p must be past the start of the text.  p must be
 * at a character boundary; returns the first byte that fails, or the
 * lead byte just before it.
 */
static inline const unsigned char *
skip16(const unsigned char *p, const unsigned char *end, unsigned char lead,
    unsigned char nlead, int how)
{
	v16 v, pv, ws, cont, ok, bad;
	size_t i;

	while (end - p >= 16) {
		memcpy(&v, p, 16);
		cont = v < -0x40;
		ws = (v == ' ') | (v == '\n');
		ok = cont | IN_RANGE16(v, lead, nlead);
		if (how & S16_ASCII)
			ok |= v >= 0;
		else
			ok |= IN_RANGE16(v, 0x21, 0x7F - 0x21) | ws;
		bad = ~ok;
		if ((how & (S16_SINGLE | S16_VALID)) != S16_VALID)
			memcpy(&pv, p - 1, 16);
		/* a continuation byte exactly after a lead; no two spaces */
		if (!(how & S16_VALID))
			bad |= cont ^ IN_RANGE16(pv, lead, nlead);
		if (how & S16_SINGLE)
			bad |= ws & ((pv == ' ') | (pv == '\n'));
		if ((i = first_lane(bad)) < 16)	/* not after a lead */
			return i > 0 && p[i - 1] >= 0xC0 ? p + i - 1 : p + i;
		p += p[15] >= 0xC0 ? 15 : 16;	/* stop on a boundary */
	}
	return p;
}

/*
 * With AVX2 (x86-64, checked at run time: t->avx2), the 16-byte loops
 * first go 32 bytes at a time, testing each byte exactly as they do, and
 * leave them the last 16 to 31 bytes.  The callers cannot be compiled for
 * AVX2, so each loop is a function of its own; GCC 12 leaves the upper
 * halves dirty on some paths, and the SSE code after would pay for it.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* The bytes of v (as unsigned) in [lo, lo + len), as IN_RANGE16. */
#define IN_RANGE32(v, lo, len) _mm256_cmpgt_epi8(			\
	_mm256_set1_epi8((char)((len) - 0x80)),				\
	_mm256_sub_epi8((v), _mm256_set1_epi8((char)((lo) + 0x80))))

/* skip16 32 bytes at a time, for how a constant once inlined. */
__attribute__((target("avx2"))) static inline const unsigned char *
skip32(const unsigned char *p, const unsigned char *end, unsigned char lead,
    unsigned char nlead, int how)
{
	const __m256i sp = _mm256_set1_epi8(' '), lf = _mm256_set1_epi8('\n');
	__m256i v, pv, ws, cont, ok;
	uint32_t m;

	while (end - p >= 32) {
		v = _mm256_loadu_si256((const __m256i *)p);
		cont = _mm256_cmpgt_epi8(_mm256_set1_epi8(-0x40), v);
		ws = _mm256_or_si256(_mm256_cmpeq_epi8(v, sp),
		    _mm256_cmpeq_epi8(v, lf));
		ok = _mm256_or_si256(cont, IN_RANGE32(v, lead, nlead));
		if (how & S16_ASCII)
			ok = _mm256_or_si256(ok, _mm256_cmpgt_epi8(v,
			    _mm256_set1_epi8(-1)));
		else
			ok = _mm256_or_si256(ok, _mm256_or_si256(ws,
			    IN_RANGE32(v, 0x21, 0x7F - 0x21)));
		/* ok less what fails for the byte before: one op each */
		if ((how & (S16_SINGLE | S16_VALID)) != S16_VALID)
			pv = _mm256_loadu_si256((const __m256i *)(p - 1));
		if (!(how & S16_VALID))
			ok = _mm256_andnot_si256(_mm256_xor_si256(cont,
			    IN_RANGE32(pv, lead, nlead)), ok);
		if (how & S16_SINGLE)
			ok = _mm256_andnot_si256(_mm256_and_si256(ws,
			    _mm256_or_si256(_mm256_cmpeq_epi8(pv, sp),
			    _mm256_cmpeq_epi8(pv, lf))), ok);
		if ((m = ~(uint32_t)_mm256_movemask_epi8(ok)) != 0) {
			m = (uint32_t)__builtin_ctz(m);
			p += m > 0 && p[m - 1] >= 0xC0 ? m - 1 : m;
			break;
		}
		/*
		 * Where the text is valid a block may start inside a
		 * character (its continuation bytes pass), and no byte that
		 * fails is one: only the end needs taking back to a
		 * boundary, below.
		 */
		p += (how & S16_VALID) || p[31] < 0xC0 ? 32 : 31;
	}
	if (how & S16_VALID)
		while (p < end && (*p & 0xC0) == 0x80)
			p--;
	_mm256_zeroupper();
	return p;
}

__attribute__((target("avx2"))) static const unsigned char *
skip32_single(const unsigned char *p, const unsigned char *end,
    unsigned char lead, unsigned char nlead)
{
	return skip32(p, end, lead, nlead, S16_SINGLE);
}

__attribute__((target("avx2"))) static const unsigned char *
skip32_single_valid(const unsigned char *p, const unsigned char *end,
    unsigned char lead, unsigned char nlead)
{
	return skip32(p, end, lead, nlead, S16_SINGLE | S16_VALID);
}

__attribute__((target("avx2"))) static const unsigned char *
skip32_chars(const unsigned char *p, const unsigned char *end,
    unsigned char lead, unsigned char nlead)
{
	return skip32(p, end, lead, nlead, 0);
}

__attribute__((target("avx2"))) static const unsigned char *
skip32_valid_ascii(const unsigned char *p, const unsigned char *end,
    unsigned char lead, unsigned char nlead)
{
	return skip32(p, end, lead, nlead, S16_ASCII | S16_VALID);
}

/* skip_spaced16 32 bytes at a time. */
__attribute__((target("avx2"))) static const char *
skip_spaced32(const char *p, const char *end)
{
	const __m256i sp = _mm256_set1_epi8(' '), lf = _mm256_set1_epi8('\n');
	__m256i v, pv;
	uint32_t m;

	while (end - p >= 32) {
		v = _mm256_loadu_si256((const __m256i *)p);
		pv = _mm256_loadu_si256((const __m256i *)(p - 1));
		m = (uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
		    _mm256_or_si256(_mm256_cmpeq_epi8(v, sp),
		    _mm256_cmpeq_epi8(v, lf)),
		    _mm256_or_si256(_mm256_cmpeq_epi8(pv, sp),
		    _mm256_cmpeq_epi8(pv, lf))));
		if (m != 0) {
			p += __builtin_ctz(m);
			break;
		}
		p += 32;
	}
	_mm256_zeroupper();
	return p;
}
#else
#define skip32_single(p, end, lead, nlead)	(p)
#define skip32_single_valid(p, end, lead, nlead)	(p)
#define skip32_chars(p, end, lead, nlead)	(p)
#define skip32_valid_ascii(p, end, lead, nlead)	(p)
#define skip_spaced32(p, end)			(p)
#endif

/* skip16, 32 bytes at a time first where t->avx2. */
static inline const unsigned char *
skip_vec(const struct normalise *t, const unsigned char *p,
    const unsigned char *end, unsigned char lead, unsigned char nlead,
    int how)
{
	if (t->avx2 && end - p >= 32) {
		if (how == S16_SINGLE)
			p = skip32_single(p, end, lead, nlead);
		else if (how == (S16_SINGLE | S16_VALID))
			p = skip32_single_valid(p, end, lead, nlead);
		else if (how == 0)
			p = skip32_chars(p, end, lead, nlead);
		else
			p = skip32_valid_ascii(p, end, lead, nlead);
		if (end - p >= 32)	/* at a byte that fails */
			return p;
	}
	return skip16(p, end, lead, nlead, how);
}

/*
 * The offset of the first byte that steps 1 to 7 would change or that
 * decides they change something (n when the text is clean).  Everything
 * before it is valid UTF-8 without a flagged character, runs of spaces or
 * a leading space.
 */
static size_t
clean_len(struct normalise *t, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint64_t w, ws;
	uint8_t f, mask = t->mask;
	uint16_t pair;
	size_t k;
	unsigned char lead = 0xC0, nlead = 0;	/* for skip16 */
	int prev = 1;	/* the last byte was a space or LF */
	int vec = t->vec && t->swar;	/* printable ASCII is clean */

	while (p < end) {
		/*
		 * Sixteen bytes at a time through ASCII and the two-byte
		 * characters of the lead bytes around the last one seen.
		 */
		if (vec && p > (const unsigned char *)s && end - p >= 16) {
			if (t->valid)
				p = skip_vec(t, p, end, lead, nlead,
				    S16_SINGLE | S16_VALID);
			else
				p = skip_vec(t, p, end, lead, nlead,
				    S16_SINGLE);
			prev = p[-1] == ' ' || p[-1] == '\n';
			if (p == end)
				break;
		}
		if (*p < 0x80) {
			if ((f = t->low[*p]) != 0) {
				if ((f & mask) || prev)
					goto out;
				prev = 1;
				p++;
				continue;
			}
			prev = 0;
			p++;
			/*
			 * Then, where the vector path cannot go, eight bytes
			 * at a time while they are printable ASCII (no byte
			 * of w + ONES reaches 0x80), spaces and LFs, none
			 * after another.  The tests need ASCII but are
			 * cheaper in one go, and any other byte fails.
			 */
			while (t->swar && end - p >= 8 &&
			    !(vec && end - p >= 16)) {
				w = get_le64(p);
				ws = ascii_eq(w, ' ') | ascii_eq(w, '\n');
				if (((w | (w + ONES)) & HIGHS) |
				    (bytes_lt(w, 0x21) & ~ws) |
				    (ws & ((ws << 8) | (uint64_t)prev << 7)))
					break;
				prev = (int)(ws >> 63);
				p += 8;
			}
			continue;
		}
		prev = 0;
		if (vec && *p >= 0xC2 && *p < 0xE0 && t->clean.n[*p & 0x1F]) {
			/* a clean lead: the vector path takes it */
			lead = t->clean.first[*p & 0x1F];
			nlead = t->clean.n[*p & 0x1F];
			if (end - p < 2 || (p[1] & 0xC0) != 0x80)
				goto out;
			p += 2;
			continue;
		}
		/*
		 * A run of other characters, and of the single spaces between
		 * its words (Cyrillic, say); two-byte ones decoded inline,
		 * tried only at a two-byte lead: at an emoji or Chinese they
		 * would fail at once, at a cost.
		 */
		for (;;) {
			if (p < end && *p >= 0xC2 && *p < 0xE0) {
				if (vec && t->clean.n[*p & 0x1F])
					break;
				p = skip_two_byte(t, p, end, mask);
				while (end - p >= 2) {
					memcpy(&pair, p, 2);
					if (t->pair[pair] & mask)
						break;
					p += 2;
				}
			}
			if (p == end)
				break;
			if (*p < 0x80) {
				if (*p != ' ' || end - p < 2 || p[1] < 0x80)
					break;
				p++;
				continue;
			}
			if ((k = utf8_valid_len(p, end)) == 0 ||
			    (flags_of(t, utf8_decode(p, k)) & mask))
				goto out;
			p += k;
			if (k == 3 && t->vec)
				p = skip_three_byte(t, p, end, mask);
		}
	}
	if (prev && n > 0 && t->o.spaces)
		p--;	/* a space or LF at the end */
out:
	return (size_t)(p - (const unsigned char *)s);
}

int
normalise_is_clean(struct normalise *t, const char *s, size_t n)
{
	return clean_len(t, s, n) == n;
}

/* Output goes to a buffer that holds neither input. */
static struct buf *
other_buf(struct normalise *t, const char *x, const char *y)
{
	if (t->a.data != x && t->a.data != y)
		return &t->a;
	if (t->b.data != x && t->b.data != y)
		return &t->b;
	return &t->c;
}

/*
 * Steps 1 to 3.  Each step returns 0 when nothing changed (out untouched)
 * or 1 with the result in out.  Steps 1 to 3, 6 and 7 start looking at
 * s[from]: normalise_text knows that they change nothing before.
 */
static int
step_chars(struct normalise *t, const char *s, size_t n, size_t from,
    struct buf *out, size_t *bad)
{
	const unsigned char *run = (const unsigned char *)s, *p = run + from,
	    *end = run + n;
	uint8_t f;
	size_t k;
	unsigned char lead = 0xC0, nlead = 0;	/* for skip16 */
	int changed = 0, vec = t->vec;

	while (p < end) {
		/*
		 * Sixteen bytes at a time, unless the last two-byte letter
		 * had a lead byte with a flagged character (Arabic, say).
		 */
		if (vec && p > (const unsigned char *)s && end - p >= 16) {
			p = skip_vec(t, p, end, lead, nlead, 0);
			if (p == end)
				break;
		}
		if (*p < 0x80) {
			if ((f = t->low[*p] & CHAR_FLAGS) == 0) {
				p = skip_plain(p + 1, end);
				continue;
			}
			k = 1;
		} else if (*p >= 0xC2 && *p < 0xE0 && end - p >= 2 &&
		    (p[1] & 0xC0) == 0x80) {
			k = 2;
			if ((f = t->low[(*p & 0x1F) << 6 | (p[1] & 0x3F)] &
			    CHAR_FLAGS) == 0) {
				lead = t->chars.first[*p & 0x1F];
				nlead = t->chars.n[*p & 0x1F];
				vec = t->vec && nlead != 0;
				p = skip_two_byte(t, p + 2, end, CHAR_FLAGS);
				continue;
			}
		} else if ((k = utf8_valid_len(p, end)) == 0) {
			if (t->o.strict) {
				*bad = (size_t)(p - (const unsigned char *)s);
				return -1;
			}
			f = 0;
		} else if ((f = flags_of(t, utf8_decode(p, k)) &
		    CHAR_FLAGS) == 0) {
			p += k;
			if (k == 3 && t->vec)
				p = skip_three_byte(t, p, end, CHAR_FLAGS);
			continue;
		}
		if (!changed) {
			buf_reset(out);
			buf_grow(out, n);
			changed = 1;
		}
		buf_add(out, run, (size_t)(p - run));
		if (k == 0) {
			buf_add(out, replacement, 3);
			t->replaced++;
			p += invalid_len(p, end);
		} else if (f & F_LINE) {
			buf_addch(out, '\n');
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			p += k;
		} else if (f & F_INVIS)
			p += k;
		else {
			buf_addch(out, ' ');
			p += k;
		}
		run = p;
	}
	if (changed)
		buf_add(out, run, (size_t)(p - run));
	return changed;
}

/* Whether the grapheme cluster s[0..n) is an emoji; see the man page. */
static int
emoji_cluster(const unsigned char *s, size_t n)
{
	const unsigned char *p = s, *end = s + n;
	size_t k = utf8_valid_len(p, end);
	UChar32 c = (UChar32)utf8_decode(p, k), d;

	if (u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION) ||
	    (c >= 0x10000 && u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC)))
		return 1;
	if (!u_hasBinaryProperty(c, UCHAR_EMOJI))
		return 0;
	for (p += k; p < end; p += k) {
		k = utf8_valid_len(p, end);
		d = (UChar32)utf8_decode(p, k);
		if (d == 0xFE0F || d == 0x20E3)
			return 1;
	}
	return 0;
}

/*
 * A grapheme cluster boundary is certain before s[i] when s[i - 1] is a
 * LF, or s[i] is ASCII: of UAX #29's rules only CR x LF and Prepend x
 * join anything to an ASCII character, and neither makes an emoji (a
 * Prepend character before a keycap loses it to the keycap here).
 */
static inline int
sure_boundary(const unsigned char *s, size_t i)
{
	return s[i - 1] == '\n' || (s[i] < 0x80 && s[i - 1] != '\r');
}

/*
 * Step 4, --strip-emoji.  ICU's break iterator runs only over the stretches
 * between sure boundaries that hold a possible emoji character.
 */
static int
step_emoji(struct normalise *t, const char *s, size_t n, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	UErrorCode err = U_ZERO_ERROR;
	UText *ut = NULL;
	size_t i = 0, k, ws, we, run = 0, done = 0;
	int32_t a, b;
	int changed = 0;

	while (i < n) {
		if (u[i] < 0x80) {
			i = (size_t)(skip_ascii(u + i + 1, u + n) - u);
			continue;
		}
		k = utf8_valid_len(u + i, u + n);
		if (!(flags_of(t, utf8_decode(u + i, k)) & F_EMOJI)) {
			i += k;
			continue;
		}
		for (ws = i; ws > done && !sure_boundary(u, ws); ws--)
			continue;
		for (we = i + k; we < n && !sure_boundary(u, we); we++)
			continue;
		if (we - ws > INT32_MAX)
			die(EX_DATAERR, "a paragraph of %zu bytes is too long "
			    "for --strip-emoji", we - ws);
		ut = utext_openUTF8(ut, s + ws, (int64_t)(we - ws), &err);
		icu_check(err, "utext");
		ubrk_setUText(t->brk, ut, &err);
		icu_check(err, "break iterator");
		for (a = ubrk_first(t->brk); (b = ubrk_next(t->brk)) !=
		    UBRK_DONE; a = b) {
			k = u[ws + (size_t)a] < 0x80 ? 1 :
			    utf8_valid_len(u + ws + a, u + we);
			if ((k == 1 && b - a == 1) || (k > 1 &&
			    !(flags_of(t, utf8_decode(u + ws + a, k)) & F_EMOJI)) ||
			    !emoji_cluster(u + ws + a, (size_t)(b - a)))
				continue;
			if (!changed) {
				buf_reset(out);
				buf_grow(out, n);
				changed = 1;
			}
			buf_add(out, s + run, ws + (size_t)a - run);
			run = ws + (size_t)b;
		}
		i = done = we;
	}
	if (ut != NULL)
		utext_close(ut);
	if (changed)
		buf_add(out, s + run, n - run);
	return changed;
}

static int
step_fold(struct normalise *t, const char *s, size_t n, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	UErrorCode err;
	size_t k, off, chunk;
	int32_t len;

	for (; p < end; p += k) {
		k = *p < 0x80 ? 1 : utf8_valid_len(p, end);
		if (flags_of(t, utf8_decode(p, k)) & F_FOLD)
			break;
	}
	if (p == end)
		return 0;
	buf_reset(out);
	for (off = 0; off < n; off += chunk) {
		chunk = n - off;
		if (chunk > ICU_CHUNK) {
			chunk = ICU_CHUNK;
			while ((s[off + chunk] & 0xC0) == 0x80)
				chunk--;
		}
		for (;;) {
			err = U_ZERO_ERROR;
			buf_grow(out, chunk * 3 + 16);
			len = ucasemap_utf8FoldCase(t->casemap,
			    out->data + out->len,
			    room(out), s + off,
			    (int32_t)chunk, &err);
			if (err != U_BUFFER_OVERFLOW_ERROR)
				break;
			buf_grow(out, (size_t)len + 1);
		}
		icu_check(err, "case folding");
		buf_setlen(out, out->len + (size_t)len);
	}
	return 1;
}

static UChar *
u16_reserve(UChar *p, size_t *cap, size_t n)
{
	if (n <= *cap)
		return p;
	if (n > INT32_MAX / 4)
		die(EX_DATAERR, "a run of %zu combining characters is too "
		    "long to normalise", n);
	*cap = n + n / 2 + 64;
	return xrealloc(p, *cap, sizeof *p);
}

/*
 * The usual segment: an ASCII letter that is an inert starter (which has
 * no decomposition) and one character after it, a mark ("e" U+0301).
 * When that has no decomposition either, the form composes the two, if
 * they have a composite and the form composes at all, or leaves them as
 * they are: what ICU would do, without the conversions to and from
 * UTF-16.  Whether it applied.  A fast path (t->vec), so that the unit
 * tests compare it with ICU's way.
 */
static int
norm_pair(struct normalise *t, const char *s, size_t n, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	UErrorCode err = U_ZERO_ERROR;
	UChar d[4];
	UChar32 m, c = -1;
	unsigned char u8[4];

	if (!t->vec || n < 2 || u[0] >= 0x80 || (t->low[u[0]] & F_NORM) ||
	    utf8_valid_len(u + 1, u + n) != n - 1)
		return 0;
	m = (UChar32)utf8_decode(u + 1, n - 1);
	/* Negative, without an error, when m has no decomposition. */
	if (unorm2_getDecomposition(t->norm, m, d, 4, &err) >= 0)
		return 0;
	if (t->o.form != NORM_NFD && t->o.form != NORM_NFKD)
		c = unorm2_composePair(t->norm, u[0], m);
	if (c < 0)
		buf_add(out, s, n);
	else
		buf_add(out, u8, utf8_encode(u8, (uint32_t)c));
	return 1;
}

/* Append the normalised form of the segment s[0..n) to out. */
static void
norm_segment(struct normalise *t, const char *s, size_t n, struct buf *out)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t len16, olen16, len8;

	if (norm_pair(t, s, n, out))
		return;

	t->u16in = u16_reserve(t->u16in, &t->u16incap, n);
	t->u16out = u16_reserve(t->u16out, &t->u16outcap, n + 16);
	u_strFromUTF8(t->u16in, (int32_t)t->u16incap, &len16, s, (int32_t)n,
	    &err);
	icu_check(err, "utf-8 to utf-16");
	for (;;) {
		olen16 = unorm2_normalize(t->norm, t->u16in, len16,
		    t->u16out, (int32_t)t->u16outcap, &err);
		if (err != U_BUFFER_OVERFLOW_ERROR)
			break;
		err = U_ZERO_ERROR;
		t->u16out = u16_reserve(t->u16out, &t->u16outcap,
		    (size_t)olen16);
	}
	icu_check(err, "normalisation");
	buf_grow(out, (size_t)olen16 * 3);
	u_strToUTF8(out->data + out->len, room(out),
	    &len8, t->u16out, olen16, &err);
	icu_check(err, "utf-16 to utf-8");
	buf_setlen(out, out->len + (size_t)len8);
}


static int
step_norm(struct normalise *t, const char *s, size_t n, size_t from,
    struct buf *out)
{
	const unsigned char *base = (const unsigned char *)s, *p = base + from,
	    *end = base + n, *floor = base, *run = base, *start, *q;
	size_t k, before;
	unsigned char lead = 0xC0, nlead = 0;	/* for skip16 */
	int changed = 0, begun = 0, vec = t->vec && t->ascii_inert;

	if (t->norm == NULL)
		return 0;
	while (p < end) {
		/* as in step_chars */
		if (vec && end - p >= 16) {
			p = skip_vec(t, p, end, lead, nlead,
			    S16_ASCII | S16_VALID);
			if (p == end)
				break;
		}
		if (!(flags_at(t, p, end, &k) & F_NORM)) {
			if (k == 2) {
				lead = t->inert.first[*p & 0x1F];
				nlead = t->inert.n[*p & 0x1F];
				vec = t->vec && t->ascii_inert && nlead != 0;
			}
			p += k;
			if (k == 1 && t->ascii_inert)
				p = skip_ascii(p, end);
			else if (k == 1 && t->ascii_upper)
				p = skip_ascii_lower(p, end);
			else if (k == 2)
				p = skip_two_byte(t, p, end, F_NORM);
			else if (k == 3 && t->vec)
				p = skip_three_byte(t, p, end, F_NORM);
			continue;
		}
		/*
		 * An ASCII character that the form maps to another (NFKC_CF
		 * lowercases), before another ASCII one, needs no ICU call.
		 */
		if (k == 1 && t->ascii_map[*p] != 0 &&
		    (p + 1 == end || p[1] < 0x80)) {
			if (!begun) {
				buf_reset(out);
				buf_grow(out, n);
				begun = 1;
			}
			buf_add(out, run, (size_t)(p - run));
			buf_addch(out, t->ascii_map[*p]);
			changed = 1;
			run = floor = ++p;
			continue;
		}
		/*
		 * The previous character is an inert starter: normalisation
		 * cannot reach across the boundary before it.
		 */
		start = p;
		if (p > floor)
			for (start = p - 1; start > floor &&
			    (*start & 0xC0) == 0x80; start--)
				continue;
		for (q = p + k; q < end; q += k)
			if (!(flags_at(t, q, end, &k) & F_NORM))
				break;
		if (!begun) {
			buf_reset(out);
			buf_grow(out, n);
			begun = 1;
		}
		buf_add(out, run, (size_t)(start - run));
		before = out->len;
		norm_segment(t, (const char *)start, (size_t)(q - start), out);
		if (out->len - before != (size_t)(q - start) ||
		    memcmp(out->data + before, start, (size_t)(q - start)) != 0)
			changed = 1;
		run = floor = p = q;
	}
	if (!changed)
		return 0;
	buf_add(out, run, (size_t)(end - run));
	return 1;
}

/*
 * Step 7: collapse spaces, trim paragraphs, drop empty ones.  The result
 * is the text less some of its spaces and LFs: of each run of them
 * between two other characters one byte stays (a LF if the run has one,
 * else a space); runs at the start or the end go.  Only runs longer than
 * one byte, or at an end, need work: words without one are skipped eight
 * bytes at a time.
 */
#define IS_WS(c)	((c) == ' ' || (c) == '\n')

/*
 * Skip 16 bytes at a time while no space or LF follows another; p must
 * be past the start of the text.
 */
static inline const char *
skip_spaced16(const char *p, const char *end)
{
	v16 v, pv, m;
	size_t i;

	while (end - p >= 16) {
		memcpy(&v, p, 16);
		memcpy(&pv, p - 1, 16);
		m = ((v == ' ') | (v == '\n')) & ((pv == ' ') | (pv == '\n'));
		if ((i = first_lane(m)) < 16)
			return p + i;
		p += 16;
	}
	return p;
}

static int
step_spaces(const struct normalise *t, const char *s, size_t n, size_t from,
    struct buf *out)
{
	const char *p = s + from, *end = s + n, *run = s, *a, *b;
	uint64_t w, m;
	int prev = from == 0 || IS_WS(p[-1]), changed = 0;

	for (;;) {
		if (t->vec && p > s && end - p >= 16) {
			if (t->avx2 && end - p >= 32)
				p = skip_spaced32(p, end);
			p = skip_spaced16(p, end);
			prev = IS_WS(p[-1]);
		}
		while (end - p >= 8) {
			memcpy(&w, p, 8);
			m = bytes_eq(w, ' ') | bytes_eq(w, '\n');
			if (m & ((m << 8) | (uint64_t)prev << 7))
				break;
			prev = (int)(m >> 63);
			p += 8;
		}
		if (p == end)
			break;
		if (!IS_WS(*p) || !prev) {
			prev = IS_WS(*p);
			p++;
			continue;
		}
		/* A run to change: from a (after the last character) to b. */
		for (a = p; a > run && IS_WS(a[-1]); a--)
			continue;
		for (b = p; b < end && IS_WS(*b); b++)
			continue;
		if (!changed) {
			buf_reset(out);
			buf_grow(out, n);
			changed = 1;
		}
		buf_add(out, run, (size_t)(a - run));
		if (a != s && b != end)
			buf_addch(out, memchr(a, '\n', (size_t)(b - a)) != NULL ?
			    '\n' : ' ');
		run = p = b;
		prev = 0;
	}
	if (n > 0 && prev && run < end) {
		/* One space or LF at the end. */
		if (!changed) {
			buf_reset(out);
			buf_grow(out, n);
			changed = 1;
		}
		buf_add(out, run, (size_t)(end - 1 - run));
		run = end;
	}
	if (changed)
		buf_add(out, run, (size_t)(end - run));
	return changed;
}

/* Run step fn on *cur, moving *cur to its output if it changed. */
#define STEP(call, outbuf) do {						\
	struct buf *ob_ = (outbuf);					\
	if ((call) == 1) {						\
		cur = ob_->data;					\
		curn = ob_->len;					\
		changed = 1;						\
	}								\
} while (0)

/*
 * Whether the character at p is quiet: valid, without a flag, and not a
 * space or LF; its length in *k (1 for a byte that starts no character).
 */
static int
quiet_at(struct normalise *t, const unsigned char *p,
    const unsigned char *end, size_t *k)
{
	if ((*k = utf8_valid_len(p, end)) == 0) {
		*k = 1;
		return 0;
	}
	return flags_of(t, utf8_decode(p, *k)) == 0;
}

/*
 * Between two quiet characters every step is local: steps 1 to 3 map
 * characters one by one, a quiet character is no part of a normalisation
 * segment but its start, and no run of spaces reaches across.  So a text
 * is cleaned region by region, each from such a place before an unclean
 * character to the next such place after it; the clean text between them
 * is copied.  The region starts at or after pos, which is such a place
 * or 0.
 */
static size_t
region_start(struct normalise *t, const char *s, size_t pos, size_t from)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t x = from, y, k;
	int q = 0, qy;	/* the characters at x and at y are quiet */

	while (x > pos) {
		for (y = x - 1; y > pos && (u[y] & 0xC0) == 0x80; y--)
			continue;
		qy = quiet_at(t, u + y, u + x, &k);
		if (q && qy)
			break;
		q = qy;
		x = y;
	}
	return x;
}

static size_t
region_end(struct normalise *t, const char *s, size_t n, size_t from)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t x = from, k;
	int q, qprev = 0;

	while (x < n) {
		q = quiet_at(t, u + x, u + n, &k);
		if (q && qprev)
			break;
		qprev = q;
		x += k;
	}
	return x;
}

/*
 * Steps 1 to 3, 6 and 7 on the region s[0..n), clean before from, appended
 * to res; whether they changed it, or -1 as step_chars.
 */
static int
clean_region(struct normalise *t, const char *s, size_t n, size_t from,
    struct buf *res, size_t *bad)
{
	const char *cur = s;
	size_t curn = n;
	struct buf *o;
	int changed = 0, r;

	o = other_buf(t, cur, NULL);
	if ((r = step_chars(t, cur, curn, from, o, bad)) < 0)
		return -1;
	STEP(r, o);
	o = other_buf(t, cur, NULL);
	STEP(step_norm(t, cur, curn, from, o), o);
	if (t->o.spaces) {
		o = other_buf(t, cur, NULL);
		STEP(step_spaces(t, cur, curn, from, o), o);
	}
	buf_add(res, cur, curn);
	return changed && (curn != n || memcmp(cur, s, n) != 0);
}

/*
 * Without steps 4 and 5: the regions around the unclean characters, the
 * first one at s[from].
 */
static int
normalise_regions(struct normalise *t, const char *s, size_t n, size_t from,
    const char **outp, size_t *outn, size_t *bad)
{
	struct buf *res = &t->res;
	size_t pos = 0, a, b;
	int changed = 0, r;

	buf_reset(res);
	buf_grow(res, n);
	do {
		a = region_start(t, s, pos, from);
		b = region_end(t, s, n, from);
		buf_add(res, s + pos, a - pos);
		if ((r = clean_region(t, s + a, b - a, from - a, res,
		    bad)) < 0) {
			*bad += a;
			return -1;
		}
		changed |= r;
		pos = b;
		from = b + clean_len(t, s + b, n - b);
	} while (from < n);
	if (!changed)
		return 0;
	buf_add(res, s + pos, n - pos);
	*outp = res->data;
	*outn = res->len;
	return 1;
}

int
normalise_text(struct normalise *t, const char *s, size_t n,
    const char **outp, size_t *outn, size_t *bad)
{
	const char *cur = s, *prev;
	size_t curn = n, prevn, from;
	struct buf *o;
	int changed = 0, r, i;

	*outp = s;
	*outn = n;
	if ((from = clean_len(t, s, n)) == n)
		return 0;
	if (t->regions && !t->o.strip_emoji && !t->o.casefold)
		return normalise_regions(t, s, n, from, outp, outn, bad);
	/*
	 * The steps but step 4 change nothing before the first unclean
	 * character (the one before it, which it may compose with, step 6
	 * finds by itself); removing an emoji cluster may reach back.
	 */
	if (t->o.strip_emoji)
		from = 0;
	o = other_buf(t, cur, NULL);
	if ((r = step_chars(t, cur, curn, from, o, bad)) < 0)
		return -1;
	STEP(r, o);
	if (t->o.strip_emoji) {
		o = other_buf(t, cur, NULL);
		STEP(step_emoji(t, cur, curn, o), o);
	}
	if (t->o.casefold) {
		/*
		 * Normalising can undo folding (U+0390 folds to three
		 * characters that NFC composes again): fold and normalise
		 * until nothing changes, which takes at most a few rounds.
		 */
		for (i = 0; i < 4; i++) {
			prev = cur;
			prevn = curn;
			o = other_buf(t, cur, NULL);
			STEP(step_fold(t, cur, curn, o), o);
			o = other_buf(t, cur, prev);
			STEP(step_norm(t, cur, curn, from, o), o);
			if (curn == prevn && memcmp(cur, prev, curn) == 0)
				break;
			/*
			 * The text before from is as it came but for the
			 * character step_norm went back to, which may have
			 * taken the marks after it in: the next round goes on
			 * from a character's start at or before from.
			 */
			if (from > curn)
				from = curn;
			while (from > 0 && ((unsigned char)cur[from] & 0xC0) ==
			    0x80)
				from--;
		}
	} else {
		o = other_buf(t, cur, NULL);
		STEP(step_norm(t, cur, curn, from, o), o);
	}
	if (t->o.strip_emoji) {
		/*
		 * Normalising and folding can change the clusters: NFKC_CF
		 * drops the selector and ZWJ in "✍" U+FE0D U+200D "👧", NFKD
		 * turns "‼" U+200D "👩" into "!!" U+200D "👩", and in both a
		 * cluster that was not an emoji leaves one that is.  Strip
		 * again, or a second run would (found by the fuzzer's
		 * idempotence oracle).
		 */
		o = other_buf(t, cur, NULL);
		STEP(step_emoji(t, cur, curn, o), o);
	}
	if (t->o.spaces) {
		o = other_buf(t, cur, NULL);
		STEP(step_spaces(t, cur, curn, from, o), o);
	}
	if (!changed || (curn == n && memcmp(cur, s, n) == 0))
		return 0;
	*outp = cur;
	*outn = curn;
	return 1;
}
