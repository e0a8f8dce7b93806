/* json: validating scanner and string escaping; see json.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "util.h"

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * The bytes of w (little-endian) that are '"', '\\' or below 0x20, as
 * their high bits.  The lowest bit set is exact (a borrow can only
 * mark bytes above a true one), so ctz finds the first such byte.
 */
static inline uint64_t
ascii_special(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), s = w ^ (ONES * '\\');

	return (((q - ONES) & ~q) | ((s - ONES) & ~s) |
	    ((w - ONES * 0x20) & ~w)) & HIGHS;
}

/* The same, and the bytes above 0x7F. */
static inline uint64_t
str_special(uint64_t w)
{
	return ascii_special(w) | (w & HIGHS);
}

/*
 * Whether the 16 bytes at p are all plain ASCII string text: none is '"',
 * '\\', a control or above 0x7F (negative as a signed char).  GCC's
 * vector extension: SSE2 on x86-64, NEON on ARM, plain code elsewhere.
 */
typedef signed char v16 __attribute__((vector_size(16)));

static inline int
plain16(const unsigned char *p)
{
	v16 v, bad;
	uint64_t h[2];

	memcpy(&v, p, 16);
	bad = (v == '"') | (v == '\\') | (v < 0x20);
	memcpy(h, &bad, 16);
	return (h[0] | h[1]) == 0;
}

/* How many plain bytes w starts with, given its mask m != 0. */
static inline size_t
plain_prefix(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) >> 3;
}

/*
 * Whether p (before end) starts U+2028 or U+2029 (E2 80 A8, E2 80 A9):
 * JSON strings may hold them, JavaScript's may not, so the escapers write
 * \u2028 and \u2029.
 */
static inline int
line_sep(const unsigned char *p, const unsigned char *end)
{
	return p[0] == 0xE2 && end - p >= 3 && p[1] == 0x80 &&
	    (p[2] == 0xA8 || p[2] == 0xA9);
}

/* The line_sep at p, escaped to d; returns where d goes on. */
static inline char *
escape_sep(char *d, const unsigned char *p)
{
	memcpy(d, p[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
	return d + 6;
}

/*
 * With AVX2 (x86-64, checked at run time), long strings are scanned and
 * copied 32 bytes at a time: text_avx2 tells how many bytes at p are
 * plain string text, that is valid UTF-8 without '"', '\\' or controls
 * (nor U+2028 or U+2029 when escaping), ending at a character boundary.
 * It may stop early; the byte by byte code below takes over from there,
 * so it alone decides what is an error and where.  json_simd(0) turns it off
 * (the unit tests compare both ways).
 *
 * UTF-8 is checked by the lookup method of Keiser and Lemire ("Validating
 * UTF-8 in less than one instruction per byte", 2021): each byte's high
 * nibble, its predecessor's high and low nibbles each look up a set of the
 * errors they allow; a pair is wrong when all three share one.  The error
 * bits:
 */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define E_SHORT		0x01	/* a lead not followed by a continuation */
#define E_LONG		0x02	/* a continuation after ASCII */
#define E_OVER3		0x04	/* E0 80-9F: overlong */
#define E_BIG		0x08	/* F4 90-BF, F5-FF 90-BF: above U+10FFFF */
#define E_SURR		0x10	/* ED A0-BF: a surrogate */
#define E_OVER2		0x20	/* C0, C1 and a continuation: overlong */
#define E_BIG80		0x40	/* F5-FF 80-8F; also F0 80-8F: overlong */
#define E_CONT2		0x80	/* two continuations: wrong unless wanted */
#define E_CARRY		(E_SHORT | E_LONG | E_CONT2)

static int simd;

int
json_simd(int on)
{
	return simd = on && cpu_avx2();
}

/* On by default, before main and any thread. */
__attribute__((constructor)) static void
simd_init(void)
{
	json_simd(1);
}

/*
 * The three lookups, by the high nibble of a byte's predecessor, the low
 * nibble of its predecessor, and its own high nibble.
 */
static const unsigned char hi1_tab[16] = {
	/* 0-7: ASCII */
	E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG,
	/* 8-B: continuations */
	E_CONT2, E_CONT2, E_CONT2, E_CONT2,
	/* C, D, E, F: leads */
	E_SHORT | E_OVER2, E_SHORT, E_SHORT | E_OVER3 | E_SURR,
	E_SHORT | E_BIG | E_BIG80
};
static const unsigned char lo1_tab[16] = {
	E_CARRY | E_OVER2 | E_OVER3 | E_BIG80,	/* C0, E0, F0 */
	E_CARRY | E_OVER2,			/* C1 */
	E_CARRY, E_CARRY,
	E_CARRY | E_BIG,			/* F4 */
	E_CARRY | E_BIG | E_BIG80, E_CARRY | E_BIG | E_BIG80,
	E_CARRY | E_BIG | E_BIG80, E_CARRY | E_BIG | E_BIG80,
	E_CARRY | E_BIG | E_BIG80, E_CARRY | E_BIG | E_BIG80,
	E_CARRY | E_BIG | E_BIG80, E_CARRY | E_BIG | E_BIG80,
	E_CARRY | E_BIG | E_BIG80 | E_SURR,	/* ED */
	E_CARRY | E_BIG | E_BIG80, E_CARRY | E_BIG | E_BIG80
};
static const unsigned char hi2_tab[16] = {
	E_SHORT, E_SHORT, E_SHORT, E_SHORT, E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	/* 80-8F, 90-9F, A0-BF */
	E_LONG | E_OVER2 | E_CONT2 | E_OVER3 | E_BIG80,
	E_LONG | E_OVER2 | E_CONT2 | E_OVER3 | E_BIG,
	E_LONG | E_OVER2 | E_CONT2 | E_SURR | E_BIG,
	E_LONG | E_OVER2 | E_CONT2 | E_SURR | E_BIG,
	E_SHORT, E_SHORT, E_SHORT, E_SHORT
};

/* A 16-byte table in both halves, for _mm256_shuffle_epi8. */
#define TAB(t) \
	_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(t)))

/* v moved n bytes toward the end, the bytes of prev coming in below. */
#define PREV(v, prev, n) _mm256_alignr_epi8((v), \
	_mm256_permute2x128_si256((prev), (v), 0x21), 16 - (n))

/* How many of the last bytes of p[0..i) start a character not yet ended. */
static inline size_t
unfinished(const unsigned char *p, size_t i)
{
	if (i >= 1 && p[i - 1] >= 0xC0)
		return 1;
	if (i >= 2 && p[i - 2] >= 0xE0)
		return 2;
	if (i >= 3 && p[i - 3] >= 0xF0)
		return 3;
	return 0;
}

/* Whether c ends a two-byte escape (all but \u). */
static inline int
short_escape(unsigned char c)
{
	return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' ||
	    c == 'n' || c == 'r' || c == 't';
}

/* The three tables, loaded once by each caller of utf8_errors. */
#define UTF8_TABLES \
	const __m256i hi1 = TAB(hi1_tab), lo1 = TAB(lo1_tab); \
	const __m256i hi2 = TAB(hi2_tab)

/*
 * The UTF-8 errors of the 32 bytes v after prev: nonzero bytes where a
 * character is wrong.
 */
__attribute__((target("avx2"))) static inline __m256i
utf8_errors(__m256i v, __m256i prev, __m256i hi1, __m256i lo1, __m256i hi2)
{
	const __m256i nib = _mm256_set1_epi8(0x0F);
	__m256i p1 = PREV(v, prev, 1), p2 = PREV(v, prev, 2);
	__m256i p3 = PREV(v, prev, 3), sc, must;

	sc = _mm256_and_si256(_mm256_and_si256(
	    _mm256_shuffle_epi8(hi1,
	    _mm256_and_si256(_mm256_srli_epi16(p1, 4), nib)),
	    _mm256_shuffle_epi8(lo1, _mm256_and_si256(p1, nib))),
	    _mm256_shuffle_epi8(hi2,
	    _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
	/* Third and fourth bytes must be continuations: E_CONT2 is right
	 * there and wrong missing. */
	must = _mm256_and_si256(_mm256_or_si256(
	    _mm256_subs_epu8(p2, _mm256_set1_epi8((char)(0xE0 - 0x80))),
	    _mm256_subs_epu8(p3, _mm256_set1_epi8((char)(0xF0 - 0x80)))),
	    _mm256_set1_epi8((char)0x80));
	return _mm256_xor_si256(must, sc);
}

/*
 * Bytes that may not end the text before a block: a lead wanting more
 * bytes, in the last three places.
 */
#define LEADS_LAST _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, \
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, \
	-1, -1, -1, -1, -1, (char)(0xF0 - 1), (char)(0xE0 - 1), \
	(char)(0xC0 - 1))

/* Nonzero where v's last three bytes leave a character unfinished. */
__attribute__((target("avx2"))) static inline __m256i
cut_short(__m256i v)
{
	return _mm256_subs_epu8(v, LEADS_LAST);
}

/* The bytes of v that are '"', '\\' or controls, as a bit mask. */
__attribute__((target("avx2"))) static inline uint32_t
specials(__m256i v)
{
	return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
	    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
	    _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1F)), v)));
}

/* Shuffle controls: from byte k on, k bytes down, zeros after. */
static const unsigned char shift_tab[32] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80
};

/*
 * The len (< 32) bytes at p and NULs after them, which are controls to the
 * caller's special mask (so it masks them off) and ASCII to the UTF-8
 * check (so a character cut short at the end shows at the first).  From
 * 16 bytes on, two loads and a shuffle; below, a copy.
 */
__attribute__((target("avx2"))) static inline __m256i
load_short(const unsigned char *p, size_t len)
{
	unsigned char tail[32];
	__m128i hi;

	if (len >= 16) {
		hi = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)
		    (p + len - 16)), _mm_loadu_si128((const __m128i *)
		    (shift_tab + 32 - len)));
		return _mm256_inserti128_si256(_mm256_castsi128_si256(
		    _mm_loadu_si128((const __m128i *)p)), hi, 1);
	}
	memset(tail, 0, sizeof tail);
	memcpy(tail, p, len);
	return _mm256_loadu_si256((const __m256i *)tail);
}

/*
 * d: json_escape's view, storing each block it looks at to d at the same
 * offset (d has room for n + 32 bytes: stores reach past where it stops,
 * which the caller writes over); NULL: the scanner's, which also steps
 * over the two-byte escapes, setting *escaped.
 *
 * Full blocks are loaded from p.  The last bytes, when at least three
 * bytes precede them in a 32-byte block ending at n, are loaded as that
 * block, the bytes done before masked off (their predecessors are in the
 * block, so prev is not needed; the end has no byte after it to show a
 * character cut short, so that is checked apart); otherwise by load_short.
 */
__attribute__((target("avx2"))) static size_t
text_avx2(const unsigned char *p, size_t n, unsigned char *d, int *escaped)
{
	UTF8_TABLES;
	const __m256i e2 = _mm256_set1_epi8((char)0xE2);
	const __m256i zero = _mm256_setzero_si256();
	__m256i v, prev = zero, err;
	uint32_t sp, bad, m, in, chk;
	size_t i = 0, at, s, len;

	while ((len = n - i) > 0) {
		/*
		 * Blocks with more after them, while each is plain text: no
		 * special, no E2 when escaping, good UTF-8.  The first that
		 * is not is looked at again by the steps below.
		 */
		for (; len > 32; len -= 32) {
			v = _mm256_loadu_si256((const __m256i *)(p + i));
			if (d != NULL)
				_mm256_storeu_si256((__m256i *)(d + i), v);
			if (specials(v) != 0)
				break;
			if (_mm256_movemask_epi8(v) == 0)
				err = cut_short(prev);
			else if (d != NULL && _mm256_movemask_epi8(
			    _mm256_cmpeq_epi8(v, e2)) != 0)
				break;
			else
				err = utf8_errors(v, prev, hi1, lo1, hi2);
			if (!_mm256_testz_si256(err, err))
				break;
			prev = v;
			i += 32;
		}
		if (len >= 32) {
			at = i;
			v = _mm256_loadu_si256((const __m256i *)(p + i));
			in = chk = UINT32_MAX;
		} else if (n >= 32 && len <= 29) {
			at = n - 32;
			v = _mm256_loadu_si256((const __m256i *)(p + at));
			in = chk = UINT32_MAX << (32 - len);
			prev = zero;
		} else {
			at = i;
			v = load_short(p + i, len);
			in = (1u << len) - 1;
			/* Up to the first NUL after the end. */
			chk = in << 1 | 1;
		}
		if (d != NULL)
			_mm256_storeu_si256((__m256i *)(d + at), v);
		sp = in & specials(v);
		if (_mm256_movemask_epi8(v) == 0) {
			/* ASCII: nothing to check but the specials, and a
			 * character left unfinished before. */
			if (!_mm256_testz_si256(cut_short(prev),
			    cut_short(prev)))
				break;
		} else {
			if (d != NULL)
				/* E2 80 A8 and E2 80 A9: stop at the E2. */
				for (m = in & (uint32_t)_mm256_movemask_epi8(
				    _mm256_cmpeq_epi8(v, e2)); m != 0;
				    m &= m - 1) {
					s = at + (size_t)__builtin_ctz(m);
					/* line_sep, less the E2 the compare found */
					if (n - s >= 3 && p[s + 1] == 0x80 &&
					    (p[s + 2] == 0xA8 ||
					    p[s + 2] == 0xA9)) {
						sp |= 1u << (s - at);
						break;
					}
				}
			err = utf8_errors(v, prev, hi1, lo1, hi2);
			bad = chk & ~(uint32_t)_mm256_movemask_epi8(
			    _mm256_cmpeq_epi8(err, zero));
			/* Good up to a special, which ends any character
			 * before it or is itself marked bad. */
			if (bad != 0 && (sp == 0 || (bad & (uint32_t)((2ull <<
			    __builtin_ctz(sp)) - 1)) != 0))
				break;
		}
		if (sp != 0) {
			i = at + (size_t)__builtin_ctz(sp);
			if (d != NULL || p[i] != '\\' || n - i < 2 ||
			    !short_escape(p[i + 1]))
				goto out;
			/* An escape: go on after it, from plain ASCII. */
			*escaped = 1;
			i += 2;
			prev = zero;
			continue;
		}
		if (len <= 32) {
			/* The end, unless a character is cut short there. */
			i = n;
			if (_mm256_testz_si256(cut_short(v), cut_short(v)))
				goto out;
			break;
		}
		prev = v;
		i += 32;
	}
	i -= unfinished(p, i);
out:
	/* GCC 12 leaves the upper halves dirty on some paths: the SSE code
	 * after would pay for it. */
	_mm256_zeroupper();
	return i;
}

/*
 * Plain text at p, copied to d unless d is NULL: 0 unless AVX2 is on and
 * there are 16 bytes or more.
 */
static inline size_t
text_fast(const unsigned char *p, const unsigned char *end, char *d,
    int *escaped)
{
	if (end - p < 16 || !simd)
		return 0;
	return text_avx2(p, (size_t)(end - p), (unsigned char *)d, escaped);
}

/*
 * Whether p[0..n) is all valid UTF-8, in one pass with no stop at quotes
 * or escapes.  Blocks of ASCII only check that no character before them
 * is left unfinished.  With mask, the same pass keeps each block's
 * specials, and a bit for the end after the last.
 */
__attribute__((target("avx2"), always_inline)) static inline int
utf8_pass(const unsigned char *p, size_t n, uint32_t *mask)
{
	UTF8_TABLES;
	__m256i v, prev = _mm256_setzero_si256(), err = prev;
	size_t i;
	int ok;

	for (i = 0; n - i >= 32; i += 32) {
		v = _mm256_loadu_si256((const __m256i *)(p + i));
		if (mask != NULL)
			mask[i / 32] = specials(v);
		err = _mm256_or_si256(err, _mm256_movemask_epi8(v) == 0 ?
		    cut_short(prev) : utf8_errors(v, prev, hi1, lo1, hi2));
		prev = v;
	}
	/* The last bytes and NULs after them: a character cut short at the
	 * end shows at the first NUL. */
	v = load_short(p + i, n - i);
	if (mask != NULL)
		mask[i / 32] = (specials(v) & ((1u << (n - i)) - 1)) |
		    1u << (n - i);
	err = _mm256_or_si256(err, utf8_errors(v, prev, hi1, lo1, hi2));
	ok = _mm256_testz_si256(err, err);
	_mm256_zeroupper();
	return ok;
}

__attribute__((target("avx2"))) static int
utf8_avx2(const unsigned char *p, size_t n)
{
	return utf8_pass(p, n, NULL);
}

__attribute__((target("avx2"))) static int
known_avx2(const unsigned char *p, size_t n, uint32_t *mask)
{
	return utf8_pass(p, n, mask);
}

/* Where in p[0..n) the first '"', '\\' or control is, or n. */
__attribute__((target("avx2"))) static size_t
special_avx2(const unsigned char *p, size_t n)
{
	uint32_t m;
	size_t i;

	for (i = 0;; i += 32) {
		if (n - i >= 32)
			m = specials(_mm256_loadu_si256((const __m256i *)
			    (p + i)));
		else	/* the NULs after the end are controls: off */
			m = specials(load_short(p + i, n - i)) &
			    ((1u << (n - i)) - 1);
		if (m != 0 || n - i <= 32)
			break;
	}
	_mm256_zeroupper();
	return m != 0 ? i + (size_t)__builtin_ctz(m) : n;
}

int
json_known(struct json_known *k, const char *p, size_t n)
{
	k->masked = 0;
	if (!simd)
		return 0;
	k->p = p;
	if ((k->masked = n <= JSON_KNOWN_MAX))
		return known_avx2((const unsigned char *)p, n, k->mask);
	return utf8_avx2((const unsigned char *)p, n);
}

/* Where the first '"', '\\' or control at p is, or NULL without AVX2. */
static inline const unsigned char *
special_fast(const unsigned char *p, const unsigned char *end)
{
	return simd ? p + special_avx2(p, (size_t)(end - p)) : NULL;
}
#else
int
json_simd(int on)
{
	(void)on;
	return 0;
}

static inline size_t
text_fast(const unsigned char *p, const unsigned char *end, char *d,
    int *escaped)
{
	(void)p;
	(void)end;
	(void)d;
	(void)escaped;
	return 0;
}

int
json_known(struct json_known *k, const char *p, size_t n)
{
	k->masked = 0;
	(void)p;
	(void)n;
	return 0;
}

static inline const unsigned char *
special_fast(const unsigned char *p, const unsigned char *end)
{
	(void)p;
	(void)end;
	return NULL;
}
#endif

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *
fail(struct json_err *e, const char *at, const char *msg)
{
	e->at = at;
	e->msg = msg;
	return NULL;
}

/*
 * The text at u up to a '"', '\\' or control, or end, from the bits of the
 * line k knows (k->masked).  They end with one for the line's end, which
 * stops the search.
 */
static inline const unsigned char *
skip_masked(const struct json_known *k, const unsigned char *u,
    const unsigned char *end)
{
	const unsigned char *q, *base = (const unsigned char *)k->p;
	const uint32_t *w;
	uint32_t bits;
	size_t i;

	i = (size_t)(u - base);
	w = k->mask + i / 32;
	if ((bits = *w >> (i % 32)) != 0)
		q = u + __builtin_ctz(bits);
	else {
		while ((bits = *++w) == 0)
			;
		q = base + (size_t)(w - k->mask) * 32 + __builtin_ctz(bits);
	}
	return q < end ? q : end;
}

/* The same in any line k knows to be valid UTF-8. */
static inline const unsigned char *
skip_known(const struct json_known *k, const unsigned char *u,
    const unsigned char *end)
{
	const unsigned char *q;
	uint64_t m;

	if (k->masked)
		return skip_masked(k, u, end);
	if ((q = special_fast(u, end)) != NULL)
		return q;
	for (; end - u >= 8; u += 8)
		if ((m = ascii_special(get_le64(u))) != 0)
			return u + plain_prefix(m);
	while (u < end && *u != '"' && *u != '\\' && *u >= 0x20)
		u++;
	return u;
}

/* After the escape at u, or NULL with *e set. */
static inline const unsigned char *
escape_end(const unsigned char *u, const unsigned char *end,
    struct json_err *e)
{
	int i;

	if (end - u < 2) {
		fail(e, (const char *)end, "unterminated string");
		return NULL;
	}
	if (short_escape(u[1]))
		return u + 2;
	if (u[1] != 'u') {
		fail(e, (const char *)u, "bad escape in string");
		return NULL;
	}
	for (i = 2; i < 6; i++)
		if (u + i >= end || hexval(u[i]) < 0) {
			fail(e, (const char *)u, "bad \\u escape in string");
			return NULL;
		}
	return u + 6;
}

/* json_scan_string's body from u, in a line k knows to be UTF-8. */
static const char *
scan_known(const struct json_known *k, const unsigned char *u,
    const unsigned char *end, int *escaped, struct json_err *e)
{
	for (;;) {
		u = skip_known(k, u, end);
		if (u == end)
			return fail(e, (const char *)end,
			    "unterminated string");
		if (*u == '"')
			return (const char *)u + 1;
		if (*u != '\\')
			return fail(e, (const char *)u,
			    "control character in string");
		*escaped = 1;
		if ((u = escape_end(u, end, e)) == NULL)
			return NULL;
	}
}

/* json_scan_string's body from u, checking the UTF-8 too. */
static const char *
scan_plain(const unsigned char *u, const char *end, int *escaped,
    struct json_err *e)
{
	const unsigned char *uend = (const unsigned char *)end;
	uint64_t w, m;
	size_t len;

	for (;;) {
		u += text_fast(u, uend, NULL, escaped);
		while (uend - u >= 16 && plain16(u))
			u += 16;
		while (uend - u >= 8) {
			w = get_le64(u);
			if ((m = str_special(w)) != 0) {
				u += plain_prefix(m);
				break;
			}
			u += 8;
		}
		if (u == uend)
			return fail(e, end, "unterminated string");
		if (*u == '"')
			return (const char *)u + 1;
		if (*u == '\\') {
			*escaped = 1;
			if ((u = escape_end(u, uend, e)) == NULL)
				return NULL;
		} else if (*u < 0x20)
			return fail(e, (const char *)u,
			    "control character in string");
		else if (*u < 0x80)
			u++;
		else {
			/* A run of non-ASCII text and its spaces, as in
			 * json_escape. */
			do {
				while (uend - u >= 8) {
					w = get_le64(u);
					if (!utf8_two_byte_run(w))
						break;
					u += 8;
				}
				while (uend - u >= 2 && *u >= 0xC2 &&
				    *u < 0xE0 && (u[1] & 0xC0) == 0x80)
					u += 2;
				if (u == uend)
					break;
				if (*u == ' ')
					len = 1;
				else if (*u < 0x80)
					break;
				else if ((len = utf8_valid_len(u, uend)) == 0)
					return fail(e, (const char *)u,
					    "invalid UTF-8");
				u += len;
			} while (u < uend && (*u >= 0x80 || *u == ' '));
		}
	}
}

static inline const char *
scan_string(const char *p, const char *end, const struct json_known *k,
    int *escaped, struct json_err *e)
{
	const unsigned char *u = (const unsigned char *)p + 1;

	*escaped = 0;
	if (k != NULL && k->masked) {
		/*
		 * Most strings hold no escape: their first stop, found here
		 * without a call, is their closing quote.  Any other stop is
		 * found again by scan_known.
		 */
		u = skip_masked(k, u, (const unsigned char *)end);
		if (u < (const unsigned char *)end && *u == '"')
			return (const char *)u + 1;
	}
	if (k != NULL)
		return scan_known(k, u, (const unsigned char *)end, escaped,
		    e);
	return scan_plain(u, end, escaped, e);
}

const char *
json_scan_string(const char *p, const char *end, const struct json_known *k,
    int *escaped, struct json_err *e)
{
	return scan_string(p, end, k, escaped, e);
}

static const char *
scan_number(const char *p, const char *end, struct json_err *e)
{
	if (p < end && *p == '-')
		p++;
	if (p == end || *p < '0' || *p > '9')
		return fail(e, p, "bad number");
	if (*p == '0')
		p++;
	else
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p < end && *p == '.') {
		p++;
		if (p == end || *p < '0' || *p > '9')
			return fail(e, p, "bad number: digit expected");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return fail(e, p, "bad number: digit expected");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

const char *
json_scan_value(const char *p, const char *end, const struct json_known *k,
    enum json_type *type, int *escaped, struct json_err *e)
{
	char small[256], *stack = small;
	size_t depth = 0, cap = sizeof small;
	const char *ret = NULL;
	int esc = 0;

	*escaped = 0;
	*type = 0;
value:
	if (p == end) {
		fail(e, p, "unexpected end of input: value expected");
		goto out;
	}
	if (depth == 0)
		switch (*p) {
		case '{': *type = JSON_OBJECT; break;
		case '[': *type = JSON_ARRAY; break;
		case '"': *type = JSON_STRING; break;
		case 't': *type = JSON_TRUE; break;
		case 'f': *type = JSON_FALSE; break;
		case 'n': *type = JSON_NULL; break;
		default: *type = JSON_NUMBER; break;
		}
	switch (*p) {
	case '{':
	case '[':
		if (depth == cap) {
			char *n = xmalloc(cap * 2);

			memcpy(n, stack, cap);
			if (stack != small)
				free(stack);
			stack = n;
			cap *= 2;
		}
		stack[depth++] = *p;
		p = json_skip_ws(p + 1, end);
		if (p < end && *p == (stack[depth - 1] == '{' ? '}' : ']')) {
			p++;
			depth--;
			goto after;
		}
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	case '"':
		if ((p = scan_string(p, end, k, &esc, e)) == NULL)
			goto out;
		if (depth == 0)
			*escaped = esc;
		goto after;
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4) != 0) {
			fail(e, p, "bad literal");
			goto out;
		}
		p += 4;
		goto after;
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5) != 0) {
			fail(e, p, "bad literal");
			goto out;
		}
		p += 5;
		goto after;
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4) != 0) {
			fail(e, p, "bad literal");
			goto out;
		}
		p += 4;
		goto after;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		if ((p = scan_number(p, end, e)) == NULL)
			goto out;
		goto after;
	default:
		fail(e, p, "unexpected character: value expected");
		goto out;
	}
key:
	if (p == end || *p != '"') {
		fail(e, p, "object key (a string) expected");
		goto out;
	}
	if ((p = scan_string(p, end, k, &esc, e)) == NULL)
		goto out;
	p = json_skip_ws(p, end);
	if (p == end || *p != ':') {
		fail(e, p, "':' expected after object key");
		goto out;
	}
	p = json_skip_ws(p + 1, end);
	goto value;
after:
	if (depth == 0) {
		ret = p;
		goto out;
	}
	p = json_skip_ws(p, end);
	if (p < end && *p == ',') {
		p = json_skip_ws(p + 1, end);
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	}
	if (p < end && *p == (stack[depth - 1] == '{' ? '}' : ']')) {
		p++;
		depth--;
		goto after;
	}
	fail(e, p, stack[depth - 1] == '{' ? "',' or '}' expected" :
	    "',' or ']' expected");
out:
	if (stack != small)
		free(stack);
	return ret;
}

/*
 * The escape at q, decoded to *d (at most as long as the escape); where
 * the text goes on, or NULL at a lone surrogate.
 */
static inline const char *
unescape(const char *q, const char *end, char **d)
{
	const char *p = q + 2;
	uint32_t cp, lo;

	switch (q[1]) {
	case 'b': *(*d)++ = '\b'; return p;
	case 'f': *(*d)++ = '\f'; return p;
	case 'n': *(*d)++ = '\n'; return p;
	case 'r': *(*d)++ = '\r'; return p;
	case 't': *(*d)++ = '\t'; return p;
	case 'u': break;
	default: *(*d)++ = q[1]; return p;
	}
	cp = (uint32_t)(hexval(q[2]) << 12 | hexval(q[3]) << 8 |
	    hexval(q[4]) << 4 | hexval(q[5]));
	p = q + 6;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return NULL;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
			return NULL;
		lo = (uint32_t)(hexval(p[2]) << 12 | hexval(p[3]) << 8 |
		    hexval(p[4]) << 4 | hexval(p[5]));
		if (lo < 0xDC00 || lo > 0xDFFF)
			return NULL;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p += 6;
	}
	*d += utf8_encode((unsigned char *)*d, cp);
	return p;
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * json_decode_string's loop with AVX2: each block of 32 bytes (or the
 * last ones and NULs) is stored whole, then the output goes on from its
 * first backslash, if any.  Returns where it stopped: end, or the lone
 * surrogate's escape.
 */
__attribute__((target("avx2"))) static const char *
decode_avx2(const char *p, const char *end, char **dp)
{
	const __m256i bs = _mm256_set1_epi8('\\');
	char *d = *dp;
	const char *q;
	__m256i v;
	uint32_t m;
	size_t len, k;

	for (;;) {
		for (;; p += 32, d += 32) {
			len = (size_t)(end - p);
			v = len < 32 ? load_short((const unsigned char *)p,
			    len) : _mm256_loadu_si256((const __m256i *)p);
			_mm256_storeu_si256((__m256i *)d, v);
			m = (uint32_t)_mm256_movemask_epi8(
			    _mm256_cmpeq_epi8(v, bs));
			if (m != 0 || len < 32)
				break;
		}
		k = m != 0 ? (size_t)__builtin_ctz(m) : len;
		p += k;
		d += k;
		if (m == 0 || (q = unescape(p, end, &d)) == NULL)
			break;
		p = q;
	}
	_mm256_zeroupper();
	*dp = d;
	return p;
}
#endif

/*
 * Decoding never lengthens: every escape is at least as long as what it
 * stands for.  So one room check, then straight stores, which with AVX2
 * are whole blocks of 32 bytes: the room has that much more.
 */
#define DECODE_ROOM	32

int
json_decode_string(const char *s, size_t n, struct buf *out, size_t *bad)
{
	const char *p = s, *end = s + n, *q;
	char *d;

	buf_grow(out, n + DECODE_ROOM);
	d = out->data + out->len;
#if defined(__x86_64__) && defined(__GNUC__)
	if (simd) {
		if ((p = decode_avx2(p, end, &d)) < end)
			goto lone;
		buf_setlen(out, (size_t)(d - out->data));
		return 0;
	}
#endif
	while (p < end) {
		if ((q = memchr(p, '\\', (size_t)(end - p))) == NULL) {
			memcpy(d, p, (size_t)(end - p));
			d += end - p;
			break;
		}
		memcpy(d, p, (size_t)(q - p));
		d += q - p;
		if ((p = unescape(q, end, &d)) == NULL) {
			p = q;
			goto lone;
		}
	}
	buf_setlen(out, (size_t)(d - out->data));
	return 0;
lone:
	*bad = (size_t)(p - s);
	buf_setlen(out, (size_t)(d - out->data));
	return -1;
}

/*
 * The byte c to d, escaped if it is '"', '\\' or a control (at most six
 * bytes), else as it is; returns where d goes on.
 */
static inline char *
escape_ascii(char *d, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '"': memcpy(d, "\\\"", 2); return d + 2;
	case '\\': memcpy(d, "\\\\", 2); return d + 2;
	case '\b': memcpy(d, "\\b", 2); return d + 2;
	case '\f': memcpy(d, "\\f", 2); return d + 2;
	case '\n': memcpy(d, "\\n", 2); return d + 2;
	case '\r': memcpy(d, "\\r", 2); return d + 2;
	case '\t': memcpy(d, "\\t", 2); return d + 2;
	}
	if (c >= 0x20) {
		*d = (char)c;
		return d + 1;
	}
	memcpy(d, "\\u00", 4);
	d[4] = hex[c >> 4];
	d[5] = hex[c & 15];
	return d + 6;
}

/* What json_escape keeps free past the rest of its input; see there. */
#define ROOM	32

int
json_escape(struct buf *out, const char *s, size_t n, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t start = out->len, k;
	char *d, *dend;
	uint64_t w, m;

	buf_grow(out, n + ROOM);
	d = out->data + out->len;
	dend = out->data + out->cap - 1;
	while (p < end) {
		/*
		 * Room for the rest as it is and for the widest store after:
		 * text_fast's 32-byte blocks, which may reach 31 bytes past
		 * the rest; 16 bytes stored at once, or 8 and then a \u00XX
		 * after the plain prefix of those 8.
		 */
		if ((size_t)(dend - d) < (size_t)(end - p) + ROOM) {
			out->len = (size_t)(d - out->data);
			buf_grow(out, (size_t)(end - p) + ROOM);
			d = out->data + out->len;
			dend = out->data + out->cap - 1;
		}
		if ((k = text_fast(p, end, d, NULL)) > 0) {
			d += k;
			p += k;
			if (p == end)
				break;
		}
		if (end - p >= 16 && plain16(p)) {
			memcpy(d, p, 16);
			d += 16;
			p += 16;
			continue;
		}
		if (end - p >= 8) {
			w = get_le64(p);
			memcpy(d, p, 8);
			if ((m = str_special(w)) == 0) {
				d += 8;
				p += 8;
				continue;
			}
			k = plain_prefix(m);
			d += k;
			p += k;
		}
		if (*p >= 0x80) {
			/*
			 * Stay here through a run of non-ASCII text and the
			 * spaces between its words (Cyrillic, say), where
			 * each step of the 8-byte path would stop at once.
			 */
			do {
				if (end - p >= 8) {
					w = get_le64(p);
					if (utf8_two_byte_run(w)) {
						memcpy(d, p, 8);
						d += 8;
						p += 8;
						continue;
					}
				}
				if (*p == ' ') {
					*d++ = ' ';
					p++;
					continue;
				}
				if (*p >= 0xC2 && *p < 0xE0 && end - p >= 2 &&
				    (p[1] & 0xC0) == 0x80) {
					d[0] = (char)p[0];
					d[1] = (char)p[1];
					d += 2;
					p += 2;
					continue;
				}
				if ((k = utf8_valid_len(p, end)) == 0) {
					*bad = (size_t)(p -
					    (const unsigned char *)s);
					buf_setlen(out, start);
					return -1;
				}
				if (k == 3 && line_sep(p, end))
					d = escape_sep(d, p);
				else {
					/* k is 3 or 4 here; d has room. */
					d[0] = (char)p[0];
					d[1] = (char)p[1];
					d[2] = (char)p[2];
					if (k == 4)
						d[3] = (char)p[3];
					d += k;
				}
				p += k;
			} while (p < end && (*p >= 0x80 || *p == ' ') &&
			    dend - d >= 16);
			continue;
		}
		d = escape_ascii(d, *p++);
	}
	buf_setlen(out, (size_t)(d - out->data));
	return 0;
}

/*
 * Whether s[0..n) needs no escaping and is plain ASCII, by words: the
 * last one may overlap the one before, which is checked again.
 */
static inline int
plain_ascii(const unsigned char *s, size_t n)
{
	uint64_t w;
	size_t i;

	if (n >= 8) {
		for (i = 0; n - i > 8; i += 8)
			if (str_special(get_le64(s + i)) != 0)
				return 0;
		w = get_le64(s + n - 8);
	} else if (n >= 4)
		w = get_le32(s) | (uint64_t)get_le32(s + n - 4) << 32;
	else {
		for (i = 0; i < n; i++)
			if (s[i] < 0x20 || s[i] >= 0x80 || s[i] == '"' ||
			    s[i] == '\\')
				return 0;
		return 1;
	}
	return str_special(w) == 0;
}

/* Plain ASCII up to this long is copied without json_escape. */
#define SHORT_PLAIN	64

/* Apart, so the plain path above saves no registers for it. */
__attribute__((noinline)) static void
add_escaped(struct buf *out, const char *s, size_t n)
{
	size_t bad;

	buf_addch(out, '"');
	if (json_escape(out, s, n, &bad) != 0)
		die(EX_SOFTWARE, "internal error: invalid UTF-8 at byte %zu "
		    "of a string to escape", bad);
	buf_addch(out, '"');
}

void
json_add_string(struct buf *out, const char *s, size_t n)
{
	/*
	 * Keys and entity values are mostly short plain ASCII, for which
	 * json_escape's set-up costs more than the copy: one room check,
	 * the quotes and the bytes.
	 */
	if (n > SHORT_PLAIN || !plain_ascii((const unsigned char *)s, n))
		add_escaped(out, s, n);
	else
		json_add_plain(out, s, n);
}

/* How far json_escape_line looks for the LF in one go. */
#define LINE_WINDOW	4096

/*
 * The rest of the line at s, from p, where text_fast stopped before its
 * LF.  Apart, so the plain path saves no registers for it.
 */
__attribute__((noinline)) static size_t
escape_line_rest(struct buf *out, const char *s, const char *p,
    const char *end, size_t start)
{
	const char *lf;
	size_t bad;

	if ((lf = memchr(p, '\n', (size_t)(end - p))) == NULL ||
	    (lf > s && lf[-1] == '\r') ||
	    json_escape(out, p, (size_t)(lf - p), &bad) != 0) {
		buf_setlen(out, start);
		return SIZE_MAX;
	}
	return (size_t)(lf - s);
}

size_t
json_escape_line(struct buf *out, const char *s, size_t n)
{
	const char *p;
	size_t start = out->len, w = n < LINE_WINDOW ? n : LINE_WINDOW;

	/*
	 * text_fast stops at the first special, which is the LF when the
	 * line is plain text: then the line is found and copied at once.
	 * Otherwise memchr finds the LF from where it stopped and
	 * json_escape does the rest.
	 */
	buf_grow(out, w + ROOM);
	p = s + text_fast((const unsigned char *)s, (const unsigned char *)s +
	    w, out->data + start, NULL);
	buf_setlen(out, start + (size_t)(p - s));
	if (p < s + n && *p == '\n')
		return (size_t)(p - s);
	return escape_line_rest(out, s, p, s + n, start);
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * json_add_valid_string's loop with AVX2: each block of 32 bytes (or the
 * last ones and NULs) is stored whole, then the output goes on from its
 * first byte to escape, if any.  d has room for the rest of the text and
 * ROOM, which plain blocks keep; it stops at end, or after an escape that
 * leaves less: the caller grows d.  Returns where it stopped.
 */
__attribute__((target("avx2"))) static const unsigned char *
escape_avx2(const unsigned char *p, const unsigned char *end, char **dp,
    const char *dend)
{
	const __m256i e2 = _mm256_set1_epi8((char)0xE2);
	char *d = *dp;
	__m256i v;
	uint32_t m;
	size_t len;

	while ((len = (size_t)(end - p)) > 0) {
		v = len < 32 ? load_short(p, len) :
		    _mm256_loadu_si256((const __m256i *)p);
		_mm256_storeu_si256((__m256i *)d, v);
		m = specials(v) | (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, e2));
		if (len < 32)	/* the NULs after the end are controls */
			m &= (1u << len) - 1;
		if (m == 0) {
			len = len < 32 ? len : 32;
			p += len;
			d += len;
			continue;
		}
		len = (size_t)__builtin_ctz(m);
		p += len;
		d += len;
		if (line_sep(p, end)) {
			d = escape_sep(d, p);
			p += 3;
		} else	/* a byte to escape, or the E2 of another character */
			d = escape_ascii(d, *p++);
		if ((size_t)(dend - d) < (size_t)(end - p) + ROOM)
			break;
	}
	_mm256_zeroupper();
	*dp = d;
	return p;
}

void
json_add_valid_string(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *d;

	if (!simd || n <= SHORT_PLAIN) {
		json_add_string(out, s, n);
		return;
	}
	buf_addch(out, '"');
	while (p < end) {
		buf_grow(out, (size_t)(end - p) + ROOM);
		d = out->data + out->len;
		p = escape_avx2(p, end, &d, out->data + out->cap - 1);
		buf_setlen(out, (size_t)(d - out->data));
	}
	buf_addch(out, '"');
}
#else
void
json_add_valid_string(struct buf *out, const char *s, size_t n)
{
	json_add_string(out, s, n);
}
#endif
