/* dedupe: paragraph keys, fingerprint sets, state files; see dedupe.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/uversion.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define PACK_RUNS		/* pack_runs, chosen at run time */
#include <immintrin.h>
#endif

#include "dedupe.h"
#include "utf8.h"
#include "util.h"

/*
 * A code point's entry: E_DONE once computed; E_BB when it has a
 * normalisation boundary before it and its folded form is cached: E_LEN(e)
 * bytes, in the low 32 bits themselves when E_INLINE (up to 4 bytes, as
 * memcpy put them there), else at arena offset E_OFF(e).  Without E_BB the
 * code point goes to the slow path with the segment it belongs to, unless
 * E_VANISH: NFKC_Casefold maps it to nothing (variation selectors,
 * joiners, soft hyphens).
 */
#define E_DONE		((uint64_t)1 << 63)
#define E_BB		((uint64_t)1 << 62)
#define E_INLINE	((uint64_t)1 << 61)
#define E_VANISH	((uint64_t)1 << 60)
#define E_LEN(e)	((size_t)((e) >> 32) & 0x3F)
#define E_OFF(e)	((size_t)(uint32_t)(e))
#define E_MAXLEN	0x3F
#define E_MAXOFF	0xFFFFFFFFu
#define ONES		0x0101010101010101u
#define HI		0x8080808080808080u
#define BITS		0x8040201008040201u
#define KEEP_MASK	(U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)

/* ASCII folds to itself lower-cased, letters and digits only. */
static const unsigned char ascii_fold[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
};

/*
 * Blocks copy these two-byte letters as they are, found by vector
 * compares: a lead byte and a range of continuation bytes.  Each folds to
 * itself, with a boundary before (para_fold_init checks).  Russian and
 * Arabic channels' text is mostly these.
 */
static const struct same_fold {
	unsigned char	lead, lo, hi;
} same_fold[] = {
	{ 0xD0, 0xB0, 0xBF },		/* U+0430-043F Cyrillic small a-pe */
	{ 0xD1, 0x80, 0x9F },		/* U+0440-045F small er-dzhe */
	{ 0xD8, 0xA0, 0xBF },		/* U+0620-063F Arabic letters */
	{ 0xD9, 0x80, 0x8A },		/* U+0640-064A tatweel, letters */
};
#define NSAME_FOLD	(sizeof same_fold / sizeof same_fold[0])
_Static_assert(NSAME_FOLD == 4, "same16 tests each of same_fold");

static uint64_t	fold_entry(struct para_fold *, uint32_t);

static void
icu_check(UErrorCode err, const char *what)
{
	if (U_FAILURE(err))
		die(EX_SOFTWARE, "icu: %s: %s", what, u_errorName(err));
}

void
para_fold_init(struct para_fold *f)
{
	UErrorCode err = U_ZERO_ERROR;
	UVersionInfo uv;
	UChar32 c;
	unsigned char u[2];
	uint64_t e;
	uint32_t v;
	unsigned b;
	size_t i, k;

	memset(f, 0, sizeof *f);
	f->nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
	icu_check(err, "cannot load NFKC_Casefold");
	/* The fast path takes every ASCII byte as a segment start. */
	for (c = 0; c < 0x80; c++)
		if (!unorm2_hasBoundaryBefore(f->nfkc_cf, c))
			die(EX_SOFTWARE, "icu: U+%04X has no boundary before",
			    (unsigned)c);
	f->cp = xcalloc(0x110000, sizeof *f->cp);
	buf_init(&f->arena);
	for (i = 0; i < NSAME_FOLD; i++)
		for (b = same_fold[i].lo; b <= same_fold[i].hi; b++) {
			u[0] = same_fold[i].lead;
			u[1] = (unsigned char)b;
			e = fold_entry(f, utf8_decode(u, 2));
			v = (uint32_t)e;
			if ((e & (E_BB | E_INLINE)) != (E_BB | E_INLINE) ||
			    E_LEN(e) != 2 || memcmp(&v, u, 2) != 0)
				die(EX_SOFTWARE, "icu: U+%04X does not fold to "
				    "itself", (unsigned)utf8_decode(u, 2));
		}
	u_getUnicodeVersion(uv);
	memcpy(f->unicode, uv, sizeof f->unicode);
	/* pack[m], pack[256 + m]: where the kept bytes of a half come from. */
	for (b = 0; b < 256; b++)
		for (i = 0, k = 0; i < 8; i++)
			if (b & 1u << i) {
				f->pack[b][k] = (unsigned char)i;
				f->pack[256 + b][k++] = (unsigned char)(8 + i);
			}
#ifdef PACK_RUNS
	f->vec = __builtin_cpu_supports("ssse3") &&
	    __builtin_cpu_supports("popcnt");
#endif
}

void
para_fold_release(struct para_fold *f)
{
	free(f->cp);
	free(f->u16);
	free(f->u16n);
	buf_release(&f->arena);
	memset(f, 0, sizeof *f);
}

/* NFKC_Casefold p[0..n) with ICU, keep L, M and N, append UTF-8 to out. */
static void
fold_segment(struct para_fold *f, const char *p, size_t n, struct buf *out)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t len, nlen, i;
	UChar32 c;
	unsigned char *d;

	if (n > INT32_MAX / 2)
		die(EX_SOFTWARE, "paragraph of %zu bytes is too long to fold",
		    n);
	if (n + 1 > f->u16cap) {
		f->u16cap = n + 1 > 256 ? n + 1 : 256;
		f->u16 = xrealloc(f->u16, f->u16cap, sizeof *f->u16);
	}
	u_strFromUTF8WithSub(f->u16, (int32_t)f->u16cap, &len, p, (int32_t)n,
	    0xFFFD, NULL, &err);
	icu_check(err, "cannot convert UTF-8");
	for (;;) {
		err = U_ZERO_ERROR;
		nlen = unorm2_normalize(f->nfkc_cf, f->u16, len, f->u16n,
		    (int32_t)f->u16ncap, &err);
		if (err != U_BUFFER_OVERFLOW_ERROR)
			break;
		f->u16ncap = (size_t)nlen + 16;
		f->u16n = xrealloc(f->u16n, f->u16ncap, sizeof *f->u16n);
	}
	icu_check(err, "cannot normalise");
	/* Each UTF-16 unit becomes at most 3 bytes of UTF-8. */
	buf_grow(out, (size_t)nlen * 3 + 1);
	d = (unsigned char *)out->data;
	for (i = 0; i < nlen;) {
		U16_NEXT(f->u16n, i, nlen, c);
		if (U_GET_GC_MASK(c) & KEEP_MASK)
			out->len += utf8_encode(d + out->len, (uint32_t)c);
	}
	buf_setlen(out, out->len);
}

static uint64_t
fold_entry(struct para_fold *f, uint32_t cp)
{
	UErrorCode err = U_ZERO_ERROR;
	unsigned char u[4];
	struct buf tmp = BUF_INIT;
	uint64_t e = E_DONE;
	uint32_t v = 0;
	size_t n;
	UChar raw[1];

	n = utf8_encode(u, cp);
	fold_segment(f, (const char *)u, n, &tmp);
	if (!unorm2_hasBoundaryBefore(f->nfkc_cf, (UChar32)cp)) {
		if (unorm2_getRawDecomposition(f->nfkc_cf, (UChar32)cp, raw, 1,
		    &err) == 0 && U_SUCCESS(err))
			e |= E_VANISH;
	} else if (tmp.len <= 4) {
		memcpy(&v, tmp.data, tmp.len);
		e |= E_BB | E_INLINE | (uint64_t)tmp.len << 32 | v;
	} else if (tmp.len <= E_MAXLEN &&
	    f->arena.len + tmp.len <= E_MAXOFF) {
		e |= E_BB | (uint64_t)tmp.len << 32 | f->arena.len;
		buf_add(&f->arena, tmp.data, tmp.len);
	}
	buf_release(&tmp);
	f->cp[cp] = e;
	return e;
}

/* The code point at p (invalid bytes are U+FFFD, one byte each). */
static inline __attribute__((always_inline)) uint32_t
next_cp(const unsigned char *p, const unsigned char *end, size_t *len)
{
	size_t n;
	unsigned c = p[0];

	/*
	 * The three-byte sequences whose second byte may be any continuation
	 * (all but E0 and ED: CJK, dashes, most symbols) and four-byte F0
	 * 90-BF (emoji): tested at once, without utf8_valid_len's loop.
	 */
	if (c >= 0xE1 && c <= 0xEF && c != 0xED && end - p >= 3 &&
	    ((p[1] ^ 0x80) | (p[2] ^ 0x80)) < 0x40) {
		*len = 3;
		return (uint32_t)(c & 0x0F) << 12 |
		    (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	}
	if (c == 0xF0 && end - p >= 4 && p[1] >= 0x90 && p[1] <= 0xBF &&
	    ((p[2] ^ 0x80) | (p[3] ^ 0x80)) < 0x40) {
		*len = 4;
		return (uint32_t)(p[1] & 0x3F) << 12 |
		    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	}
	n = utf8_valid_len(p, end);

	if (n == 0) {
		*len = 1;
		return 0xFFFD;
	}
	*len = n;
	return utf8_decode(p, n);
}

/*
 * Sixteen bytes as a vector: GCC's vector extension (clang has it too),
 * SSE2 on x86-64, NEON on ARM, plain code elsewhere.
 */
typedef unsigned char u8x16 __attribute__((vector_size(16)));

/* Bit i set when byte i of c (each byte 0 or 0xFF) is set. */
static inline unsigned
mask16(u8x16 c)
{
#ifdef __SSE2__
	/* One instruction where there is one (all of x86-64). */
	return (unsigned)_mm_movemask_epi8((__m128i)c);
#else
	uint64_t h[2];

	memcpy(h, &c, 16);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	h[0] = __builtin_bswap64(h[0]);
	h[1] = __builtin_bswap64(h[1]);
#endif
	/* Byte j keeps bit j alone; the multiply adds the eight up. */
	return (unsigned)((h[0] & BITS) * ONES >> 56 |
	    (h[1] & BITS) * ONES >> 56 << 8);
#endif
}

/* Byte i is 0xFF when the letters of r start there; v1: v one byte on. */
static inline u8x16
same_fold16(u8x16 v, u8x16 v1, const struct same_fold *r)
{
	return (u8x16)(v == r->lead) &
	    (u8x16)((u8x16)(v1 - r->lo) <= (unsigned char)(r->hi - r->lo));
}

/* Byte i is 0xFF when one of same_fold starts there (unrolled by hand). */
static inline u8x16
same16(u8x16 v, u8x16 v1)
{
	return same_fold16(v, v1, &same_fold[0]) |
	    same_fold16(v, v1, &same_fold[1]) |
	    same_fold16(v, v1, &same_fold[2]) |
	    same_fold16(v, v1, &same_fold[3]);
}

/* Byte i is 0xFF when byte i is ASCII and a letter or a digit. */
static inline u8x16
alnum16(u8x16 v)
{
	u8x16 l = v | 0x20;

	return (u8x16)((u8x16)(l - 'a') < 26) |
	    (u8x16)((u8x16)(v - '0') < 10);
}

/*
 * Copy the bytes of low flagged in keep to d + o, by runs: each run goes
 * by one 16-byte copy, so low needs 16 readable bytes past its 16 and d
 * needs 16 bytes of room past the end.  Returns the new o.
 */
static inline size_t
copy_runs(const unsigned char *low, unsigned keep, unsigned char *d, size_t o)
{
	unsigned i, t;

	while (keep != 0) {
		/* t: keep with its lowest run of ones carried away. */
		i = (unsigned)__builtin_ctz(keep);
		t = keep + (keep & -keep);
		memcpy(d + o, low + i, 16);
		o += (unsigned)__builtin_ctz(t) - i;
		keep &= t;
	}
	return o;
}

#ifdef PACK_RUNS
/*
 * copy_runs by one shuffle, where the processor has SSSE3 (pshufb) and
 * POPCNT (checked at run time: f->vec): each half of the block packs its
 * kept bytes by f->pack, and the high half goes right after the low
 * half's.  Same room as copy_runs; some 17 instructions a block where
 * copy_runs takes 17 a run (of which text has two or three a block).  Not
 * AVX2: with it, GCC's code for the blocks' compares grows.
 */
__attribute__((target("ssse3,popcnt"))) static inline size_t
pack_runs(const unsigned char (*pack)[8], const unsigned char *low,
    unsigned keep, unsigned char *d, size_t o)
{
	__m128i idx, r;
	unsigned lo = keep & 0xFF, hi = keep >> 8;

	idx = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)pack[lo]),
	    _mm_loadl_epi64((const __m128i *)pack[256 + hi]));
	r = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)low), idx);
	_mm_storel_epi64((__m128i *)(d + o), r);
	o += (size_t)__builtin_popcount(lo);
	_mm_storeh_pd((double *)(d + o), _mm_castsi128_pd(r));
	return o + (size_t)__builtin_popcount(hi);
}
#endif

/* The kept bytes of low to d + o, by pack_runs where vec says. */
static inline __attribute__((always_inline)) size_t
keep_bytes(const unsigned char (*pack)[8], int vec, const unsigned char *low,
    unsigned keep, unsigned char *d, size_t o)
{
#ifdef PACK_RUNS
	if (vec)
		return pack_runs(pack, low, keep, d, o);
#else
	(void)pack;
	(void)vec;
#endif
	return copy_runs(low, keep, d, o);
}

/*
 * Fold the block of 16 bytes at p (17 readable) to d + *o, as far as it
 * holds only ASCII and two-byte sequences whose entries are inline, have
 * a boundary before and fold to 0 or 2 bytes: those fold in place, so
 * that the key is the block with bytes left out, copied by runs.  Returns
 * the bytes folded, 0 when the first is something else; *last: the bytes
 * of the last code point, *lastout: the bytes it folded to.
 */
static inline __attribute__((always_inline)) size_t
fold_block(const uint64_t *tab, const unsigned char (*pack)[8], int vec,
    const unsigned char *p, unsigned char *low, unsigned char *d, size_t *o,
    size_t *last, size_t *lastout)
{
	u8x16 v, v1, same;
	uint64_t h[2], e;
	unsigned keep, high, lead, pair, rest, i;
	size_t n;
	uint32_t u;

	memcpy(&v, p, 16);
	memcpy(h, p, 16);
	if (((h[0] | h[1]) & HI) == 0) {
		/* All ASCII: digits have bit 5 set already. */
		keep = mask16(alnum16(v));
		v |= 0x20;
		memcpy(low, &v, 16);
		*o = keep_bytes(pack, vec, low, keep, d, *o);
		*last = 1;
		*lastout = keep >> 15;
		return 16;
	}
	/* What starts with a longer sequence is not for blocks: say so early. */
	if (p[0] >= 0xE0)
		return 0;
	memcpy(&v1, p + 1, 16);
	same = same16(v, v1);
	high = mask16((u8x16)(v >= 0x80));
	/* Letters and digits are ASCII, the leads of same_fold are not. */
	keep = mask16(alnum16(v) | same);
	lead = keep & high;
	pair = (lead | lead << 1) & 0xFFFF;
	keep |= pair;
	rest = high & ~pair;
	/* Lower-case the ASCII bytes alone. */
	v |= (u8x16)(v < 0x80) & 0x20;
	memcpy(low, &v, 16);
	/* A letter at the last byte ends in the next block. */
	n = 16 - (lead >> 15);
	/* Other two-byte sequences by their entries. */
	while (rest != 0) {
		i = (unsigned)__builtin_ctz(rest);
		if (i + 1 >= n || p[i] < 0xC2 || p[i] >= 0xE0 ||
		    (p[i + 1] & 0xC0) != 0x80) {
			n = i < n ? i : n;
			break;
		}
		e = tab[((uint32_t)p[i] << 6) + p[i + 1] - 0x3080];
		if ((e & (E_BB | E_INLINE)) != (E_BB | E_INLINE) ||
		    (E_LEN(e) != 2 && E_LEN(e) != 0)) {
			n = i;
			break;
		}
		if (E_LEN(e) == 2) {
			u = (uint32_t)e;
			memcpy(low + i, &u, 2);
			keep |= 3u << i;
		}
		rest &= ~(3u << i);
	}
	if (n == 0)
		return 0;
	keep &= (1u << n) - 1;
	*o = keep_bytes(pack, vec, low, keep, d, *o);
	*last = 1 + (high >> (n - 1) & 1);
	*lastout = *last * (keep >> (n - 1));
	return n;
}

/*
 * A segment starts at a code point with a normalisation boundary before
 * it (ICU's hasBoundaryBefore): NFKC_Casefold of a string is the
 * concatenation of that of its segments.  A one-code-point segment comes
 * from the table; a longer one (a base and combining marks, Hangul jamo)
 * goes to ICU whole.  The filter (L, M, N) works per code point, so it
 * commutes with the split.  Blocks of sixteen bytes fold where they can;
 * code points one at a time where they cannot, and through runs of three-
 * and four-byte sequences (CJK, emoji), which blocks never take.
 */
static inline __attribute__((always_inline)) int
fold_key_body(struct para_fold *f, const char *s, size_t n, struct buf *out,
    size_t want, int vec)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *seg = p, *q;
	const uint64_t *tab = f->cp;
	size_t o, start, segout, bwant, len, l2, cap, k, last, lastout;
	unsigned char *d, c, low[32];
	uint64_t e, vanish;
	uint32_t cp, v;

	/*
	 * Locals, not f-> and out->: stores through d may alias anything,
	 * which would make the compiler reload them after every byte.
	 */
	/*
	 * Room for twice the input left: an inline entry (at most 4 bytes)
	 * never more than doubles its code point; longer ones check.
	 */
	buf_grow(out, 2 * n + E_MAXLEN + 1);
	o = segout = start = out->len;
	/* Blocks leave at most 2 bytes unsettled: past want by as many. */
	bwant = want < SIZE_MAX - 2 ? want + 2 : SIZE_MAX;
	d = (unsigned char *)out->data;
	cap = out->cap;
	/* The run copies read past the block: zeros, never uninitialised. */
	memset(low + 16, 0, 16);
	while (p < end) {
		/* Blocks while they fold (they read a byte past their 16). */
		last = 0;
		while (end - p > 16 && o - start < bwant && (k = fold_block(tab,
		    f->pack, vec, p, low, d, &o, &last, &lastout)) > 0)
			p += k;
		if (last != 0) {
			seg = p - last;
			segout = o - lastout;
		}
		if (segout - start >= want)
			break;
		do {
			if (*p < 0x80) {
				/* A run of ASCII: a paragraph's last bytes. */
				do {
					c = ascii_fold[*p++];
					d[o] = c;
					o += c != 0;
				} while (p < end && *p < 0x80);
				seg = p - 1;
				segout = o - (c != 0);
				continue;
			}
			cp = next_cp(p, end, &len);
			if ((e = tab[cp]) == 0)
				e = fold_entry(f, cp);
			if (e & E_BB) {
				seg = p;
				segout = o;
				if (e & E_INLINE) {
					/* At most twice its bytes: room kept. */
					v = (uint32_t)e;
					memcpy(d + o, &v, 4);
				} else {
					if (cap - o < 2 * (size_t)(end - p) +
					    2 * E_MAXLEN) {
						out->len = o;
						buf_grow(out, 2 * (size_t)(end -
						    p) + 2 * E_MAXLEN);
						d = (unsigned char *)out->data;
						cap = out->cap;
					}
					memcpy(d + o, f->arena.data + E_OFF(e),
					    E_LEN(e));
				}
				o += E_LEN(e);
				p += len;
				continue;
			}
			vanish = e & E_VANISH;
			for (q = p + len; q < end && *q >= 0x80; q += l2) {
				cp = next_cp(q, end, &l2);
				if ((e = tab[cp]) == 0)
					e = fold_entry(f, cp);
				if (e & E_BB)
					break;
				vanish &= e;
			}
			/*
			 * Code points mapped to nothing at the end of a
			 * segment (an emoji's variation selector, a joiner
			 * between emoji) leave it folding as it did without
			 * them: no need for ICU.
			 */
			if (vanish) {
				p = q;
				continue;
			}
			buf_setlen(out, segout);
			fold_segment(f, (const char *)seg, (size_t)(q - seg),
			    out);
			buf_grow(out, 2 * (size_t)(end - q) + E_MAXLEN + 1);
			d = (unsigned char *)out->data;
			cap = out->cap;
			o = segout = out->len;
			p = seg = q;
			/* Runs of CJK would otherwise go on past want. */
		} while (p < end && (end - p <= 16 || *p >= 0xE0) &&
		    segout - start < want);
	}
	/* Stopped short: the last segment may yet grow. */
	if (p < end)
		o = segout;
	buf_setlen(out, o);
	return p == end;
}

static int
fold_key_plain(struct para_fold *f, const char *s, size_t n, struct buf *out,
    size_t want)
{
	return fold_key_body(f, s, n, out, want, 0);
}

#ifdef PACK_RUNS
__attribute__((target("ssse3,popcnt"))) static int
fold_key_vec(struct para_fold *f, const char *s, size_t n, struct buf *out,
    size_t want)
{
	return fold_key_body(f, s, n, out, want, 1);
}
#endif

static int
fold_key(struct para_fold *f, const char *s, size_t n, struct buf *out,
    size_t want)
{
#ifdef PACK_RUNS
	if (f->vec)
		return fold_key_vec(f, s, n, out, want);
#endif
	return fold_key_plain(f, s, n, out, want);
}

void
para_key(struct para_fold *f, const char *s, size_t n, struct buf *out)
{
	fold_key(f, s, n, out, SIZE_MAX);
}

int
para_key_prefix(struct para_fold *f, const char *s, size_t n,
    struct buf *out, size_t want)
{
	return fold_key(f, s, n, out, want);
}

void
para_key_slow(struct para_fold *f, const char *p, size_t n, struct buf *out)
{
	fold_segment(f, p, n, out);
}

struct fp
fp_of(const void *p, size_t n, uint64_t seed)
{
	XXH128_hash_t h = XXH3_128bits_withSeed(p, n, seed);
	struct fp fp = { h.low64, h.high64 };

	if ((fp.lo | fp.hi) == 0)
		fp.lo = 1;
	return fp;
}

#define SUB_MIN_BITS	4

static void
sub_alloc(struct fpsub *s, unsigned bits, int origins)
{
	size_t cap = (size_t)1 << bits;

	s->slot = xcalloc(cap, sizeof *s->slot);
	s->org = origins ? xcalloc(cap, sizeof *s->org) : NULL;
	s->alloc = cap;
	s->mask = cap - 1;
	s->shift = 64 - bits;
	s->count = 0;
	s->limit = cap / 4 * 3;
}

void
fpset_init(struct fpset *set, unsigned subbits, int origins)
{
	size_t i, n = (size_t)1 << subbits;

	memset(set, 0, sizeof *set);
	set->subbits = subbits;
	set->origins = origins;
	set->sub = xcalloc(n, sizeof *set->sub);
	for (i = 0; i < n; i++)
		sub_alloc(&set->sub[i], SUB_MIN_BITS, origins);
}

void
fpset_release(struct fpset *set)
{
	size_t i, n = (size_t)1 << set->subbits;

	for (i = 0; set->sub != NULL && i < n; i++) {
		free(set->sub[i].slot);
		free(set->sub[i].org);
	}
	free(set->sub);
	memset(set, 0, sizeof *set);
}

void
fpset_reset(struct fpset *set, size_t n)
{
	struct fpsub *s = &set->sub[0];
	unsigned bits = SUB_MIN_BITS;

	while (((size_t)1 << bits) / 4 * 3 < n && bits < 62)
		bits++;
	if (((size_t)1 << bits) > s->alloc) {
		free(s->slot);
		free(s->org);
		sub_alloc(s, bits, set->origins);
	} else {
		s->mask = ((size_t)1 << bits) - 1;
		s->shift = 64 - bits;
		s->limit = ((size_t)1 << bits) / 4 * 3;
		s->count = 0;
		memset(s->slot, 0, ((size_t)1 << bits) * sizeof *s->slot);
	}
	set->count = 0;
}

static inline size_t
sub_probe(const struct fpsub *s, struct fp fp, int *found)
{
	size_t i = (size_t)(fp.lo >> s->shift);
	const struct fp *x;

	for (;; i = (i + 1) & s->mask) {
		x = &s->slot[i];
		if (x->lo == fp.lo && x->hi == fp.hi) {
			*found = 1;
			return i;
		}
		if ((x->lo | x->hi) == 0) {
			*found = 0;
			return i;
		}
	}
}

static void
sub_grow(struct fpsub *s, int origins)
{
	struct fpsub old = *s;
	size_t i, j;
	int found;

	sub_alloc(s, 64 - old.shift + 1, origins);
	for (i = 0; i <= old.mask; i++) {
		if ((old.slot[i].lo | old.slot[i].hi) == 0)
			continue;
		j = sub_probe(s, old.slot[i], &found);
		s->slot[j] = old.slot[i];
		if (origins)
			s->org[j] = old.org[i];
	}
	s->count = old.count;
	free(old.slot);
	free(old.org);
}

int
fpset_insert(struct fpset *set, struct fp fp, const struct fp_origin *o,
    struct fp_origin *found)
{
	struct fpsub *s = &set->sub[fp.lo & (((uint64_t)1 << set->subbits) -
	    1)];
	size_t i;
	int hit;

	if (s->count >= s->limit)
		sub_grow(s, set->origins);
	i = sub_probe(s, fp, &hit);
	if (hit) {
		if (found != NULL) {
			if (set->origins)
				*found = s->org[i];
			else {
				found->id = DEDUPE_NO_ID;
				found->para = 0;
			}
		}
		return 0;
	}
	s->slot[i] = fp;
	if (set->origins)
		s->org[i] = *o;
	s->count++;
	set->count++;
	return 1;
}

void
fpset_prefetch(const struct fpset *set, struct fp fp)
{
	const struct fpsub *s = &set->sub[fp.lo &
	    (((uint64_t)1 << set->subbits) - 1)];

	__builtin_prefetch(&s->slot[fp.lo >> s->shift]);
}

int
fpset_contains(const struct fpset *set, struct fp fp)
{
	const struct fpsub *s = &set->sub[fp.lo &
	    (((uint64_t)1 << set->subbits) - 1)];
	int hit;

	sub_probe(s, fp, &hit);
	return hit;
}

static int
fp_cmp(const void *a, const void *b)
{
	const struct fp *x = a, *y = b;

	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

size_t
fpset_sorted(const struct fpset *set, struct fp **out)
{
	size_t i, j, k = 0, n = (size_t)1 << set->subbits;
	struct fp *v;

	v = xmalloc(set->count > 0 ? set->count * sizeof *v : 1);
	for (i = 0; i < n; i++)
		for (j = 0; j <= set->sub[i].mask; j++)
			if ((set->sub[i].slot[j].lo | set->sub[i].slot[j].hi) != 0)
				v[k++] = set->sub[i].slot[j];
	qsort(v, k, sizeof *v, fp_cmp);
	*out = v;
	return k;
}

size_t
fpset_bytes(const struct fpset *set)
{
	size_t i, n = (size_t)1 << set->subbits, b = 0;

	for (i = 0; i < n; i++)
		b += set->sub[i].alloc * (sizeof(struct fp) +
		    (set->origins ? sizeof(struct fp_origin) : 0));
	return b;
}

/* Subtables of the stream set: growth copies 1/256 of it at a time. */
#define STREAM_SUBBITS	8

void
dedupe_init(struct dedupe *d, const struct dedupe_opts *o)
{
	memset(d, 0, sizeof *d);
	d->o = *o;
	if (d->o.part_n == 0) {
		d->o.part_k = 0;
		d->o.part_n = 1;
	}
	if (d->o.key == DEDUPE_FOLDED)
		para_fold_init(&d->fold);
	if (d->o.scope == DEDUPE_STREAM)
		fpset_init(&d->seen, STREAM_SUBBITS, d->o.origins);
	fpset_init(&d->rec, 0, 1);
	buf_init(&d->keys);
}

void
dedupe_release(struct dedupe *d)
{
	if (d->o.key == DEDUPE_FOLDED)
		para_fold_release(&d->fold);
	if (d->o.scope == DEDUPE_STREAM)
		fpset_release(&d->seen);
	fpset_release(&d->rec);
	free(d->para);
	free(d->rawtab);
	buf_release(&d->keys);
}

static int
ends_in_ellipsis(const char *p, size_t n, size_t *ell)
{
	if (n >= 3 && memcmp(p + n - 3, "\xe2\x80\xa6", 3) == 0) {
		*ell = 3;
		return 1;
	}
	if (n >= 3 && memcmp(p + n - 3, "...", 3) == 0) {
		*ell = 3;
		return 1;
	}
	return 0;
}

static uint64_t
count_chars(const char *p, size_t n)
{
	uint64_t c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	return c;
}

/*
 * A hash of s[0..n) by its first and last (up to) eight bytes and n, for
 * the tables of a record where memcmp decides: XXH3 cost more than the
 * rest of a look-up, and a weak hash costs probes, never a decision.
 */
static inline uint64_t
ends_hash(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t a, b, h;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		a = x;
		b = y;
	} else {
		a = n > 0 ? (uint64_t)u[0] | (uint64_t)u[n / 2] << 8 |
		    (uint64_t)u[n - 1] << 16 : 0;
		b = 0;
	}
	/* Each product's high bits, which the callers use, hang on all of
	 * its factor's bits. */
	h = a * 0x9E3779B97F4A7C15u + (b ^ n) * 0xC2B2AE3D27D4EB4Fu;
	return h ^ h >> 29;
}

/* Probes same_bytes makes before it gives up (the copy is folded). */
#define SAME_BYTES_PROBES	16

/*
 * The earlier paragraph of the record with the same bytes as paragraph i,
 * or SIZE_MAX; paragraph i joins the table.  The table (indices + 1 by a
 * 64-bit hash) is cleared by dedupe_text for every record.  memcmp
 * decides, so the hash needs only the length and the first and last
 * bytes (ends_hash): hashing every byte cost as much as folding them.
 * Texts made to collide cannot make it quadratic: a long probe gives up.
 */
static size_t
same_bytes(struct dedupe *d, const char *text, size_t i)
{
	const struct para *pa = &d->para[i], *q;
	const char *s = text + pa->off;
	size_t k, probes;

	k = (size_t)(ends_hash(s, pa->len) >> 40) & (d->rawcap - 1);
	for (probes = 0; d->rawtab[k] != 0; k = (k + 1) & (d->rawcap - 1)) {
		q = &d->para[d->rawtab[k] - 1];
		if (q->len == pa->len && memcmp(text + q->off, s, pa->len) == 0)
			return d->rawtab[k] - 1;
		if (++probes == SAME_BYTES_PROBES)
			return SIZE_MAX;
	}
	d->rawtab[k] = (uint32_t)(i + 1);
	return SIZE_MAX;
}

/*
 * In record scope a paragraph's key only meets the other keys of its
 * record, and most paragraphs have no fellow there but their byte copies:
 * a prefix of SIG_BYTES key bytes tells them apart.  Only paragraphs whose
 * prefix another shares, or which a cut-short copy may be a prefix of, are
 * folded whole and fingerprinted (say "keyed").
 */
#define SIG_BYTES	24
#define SIG_PROBES	16

/* The key of paragraph i whole, and its fingerprint. */
static void
key_para(struct dedupe *d, const char *text, size_t i, int lazy)
{
	struct para *pa = &d->para[i];
	const char *s = text + pa->off;

	if (pa->copy != SIZE_MAX) {
		/* A doubled copy: folded once, with its first. */
		pa->koff = d->para[pa->copy].koff;
		pa->klen = d->para[pa->copy].klen;
		pa->fp = d->para[pa->copy].fp;
		return;
	}
	if (!lazy || !pa->whole) {
		pa->koff = d->keys.len;
		para_key(&d->fold, s, pa->len, &d->keys);
		pa->klen = d->keys.len - pa->koff;
	}
	if (pa->klen > 0)
		pa->fp = fp_of(d->keys.data + pa->koff, pa->klen, SEED_FOLDED);
	else
		pa->fp = fp_of(s, pa->len, SEED_EXACT);
}

/*
 * Flag for keying the paragraphs (not copies) of the record whose key
 * prefix another's equals (a probe limit keys the rest of a long chain),
 * then those ending in an ellipsis and the earlier ones whose prefix
 * agrees with theirs.  Flagging too many costs time, never a decision.
 */
static void
flag_keyed(struct dedupe *d, const char *text)
{
	const char *kb = d->keys.data;
	struct para *pa, *q;
	size_t i, j, k, l, probes, ell;
	int cut = 0;

	memset(d->rawtab, 0, d->rawcap * sizeof *d->rawtab);
	for (i = 0; i < d->npara; i++) {
		pa = &d->para[i];
		if (pa->len == 0 || pa->copy != SIZE_MAX)
			continue;
		cut |= ends_in_ellipsis(text + pa->off, pa->len, &ell);
		l = pa->klen < SIG_BYTES ? pa->klen : SIG_BYTES;
		k = (size_t)(ends_hash(kb + pa->koff, l) >> 40) &
		    (d->rawcap - 1);
		for (probes = 0;; k = (k + 1) & (d->rawcap - 1)) {
			if (d->rawtab[k] == 0) {
				d->rawtab[k] = (uint32_t)(i + 1);
				break;
			}
			q = &d->para[d->rawtab[k] - 1];
			if ((q->klen < SIG_BYTES ? q->klen : SIG_BYTES) == l &&
			    memcmp(kb + q->koff, kb + pa->koff, l) == 0) {
				q->keyed = pa->keyed = 1;
				break;
			}
			if (++probes == SIG_PROBES) {
				pa->keyed = 1;
				break;
			}
		}
	}
	/* Most records have no paragraph cut short: no second pass. */
	for (i = 0; cut && i < d->npara; i++) {
		pa = &d->para[i];
		if (pa->len == 0 || pa->copy != SIZE_MAX ||
		    !ends_in_ellipsis(text + pa->off, pa->len, &ell))
			continue;
		pa->keyed = 1;
		for (j = 0; j < i; j++) {
			q = &d->para[j];
			if (q->len == 0)
				continue;
			if (q->copy != SIZE_MAX)
				q = &d->para[q->copy];
			/* A whole key shorter than a prefix: no prefix of it. */
			if (q->whole && q->klen < pa->klen)
				continue;
			l = q->klen < pa->klen ? q->klen : pa->klen;
			if (memcmp(kb + q->koff, kb + pa->koff, l) == 0)
				q->keyed = 1;
		}
	}
}

/* Room for one more paragraph, which it returns. */
static inline struct para *
para_add(struct dedupe *d, size_t off, size_t len)
{
	struct para *pa;

	if (d->npara == d->cappara) {
		d->cappara = d->cappara ? d->cappara * 2 : 64;
		d->para = xrealloc(d->para, d->cappara, sizeof *d->para);
	}
	pa = &d->para[d->npara++];
	pa->off = off;
	pa->len = len;
	return pa;
}

/* Split text at its LFs, or escapes \n (json_nl); -1: other escapes. */
static int
split_text(struct dedupe *d, const char *text, size_t n, int json_nl)
{
	const char *p = text, *end = text + n, *nl;

	for (;;) {
		nl = memchr(p, json_nl ? '\\' : '\n', (size_t)(end - p));
		para_add(d, (size_t)(p - text), (size_t)((nl != NULL ? nl :
		    end) - p));
		if (nl == NULL)
			return 0;
		if (json_nl && (end - nl < 2 || nl[1] != 'n'))
			return -1;
		p = nl + 1 + (json_nl != 0);
	}
}

/*
 * split_text for json_nl text whose backslashes are flagged in bits (bit
 * at + i for text[i], among others), and the byte after it too (a JSON
 * string's closing quote): from the words of bits, not the bytes.  A
 * flagged byte that is no backslash (a quote, which only an escape lets
 * in) is passed over like any other.
 */
static int
split_bits(struct dedupe *d, const char *text, size_t n, const uint32_t *bits,
    size_t at)
{
	size_t w = at / 32, start = 0, i;
	uint32_t m = bits[w] & (UINT32_MAX << at % 32);

	for (;;) {
		/* The flag at text[n] ends the search. */
		while (m == 0)
			m = bits[++w];
		i = w * 32 + (size_t)__builtin_ctz(m) - at;
		m &= m - 1;
		if (i >= n)
			break;
		if (text[i] != '\\')
			continue;
		para_add(d, start, i - start);
		if (n - i < 2 || text[i + 1] != 'n')
			return -1;
		start = i + 2;
	}
	para_add(d, start, n - start);
	return 0;
}

static size_t	decide(struct dedupe *, const char *, int64_t);

size_t
dedupe_text(struct dedupe *d, const char *text, size_t n, int json_nl,
    int64_t id)
{
	d->npara = 0;
	if (split_text(d, text, n, json_nl) != 0) {
		d->npara = 0;
		return DEDUPE_OTHER_ESCAPES;
	}
	return decide(d, text, id);
}

size_t
dedupe_text_bits(struct dedupe *d, const char *text, size_t n,
    const uint32_t *bits, size_t at, int64_t id)
{
	d->npara = 0;
	if (split_bits(d, text, n, bits, at) != 0) {
		d->npara = 0;
		return DEDUPE_OTHER_ESCAPES;
	}
	return decide(d, text, id);
}

/*
 * The fate of paragraph i, ours to decide, once those before it have
 * theirs (and their keys): 1 when it is removed.
 */
static inline __attribute__((always_inline)) int
settle(struct dedupe *d, struct fpset *set, const char *text, size_t i,
    int64_t id)
{
	struct para *pa = &d->para[i];
	const char *kbase, *tk, *s = text + pa->off;
	struct fp_origin org;
	size_t j, tl, ell;

	if (!pa->keyed) {
		/*
		 * No other paragraph has its key: kept, unless a copy of the
		 * one it copies (which is in the set first).
		 */
		if (pa->copy == SIZE_MAX)
			return 0;
		pa->fate = PARA_REPEAT;
		pa->first.id = id;
		pa->first.para = (uint32_t)(pa->copy + 1);
		return 1;
	}
	org.id = id;
	org.para = (uint32_t)(i + 1 <= UINT32_MAX ? i + 1 : UINT32_MAX);
	if (!fpset_insert(set, pa->fp, &org, &pa->first)) {
		pa->fate = PARA_REPEAT;
		return 1;
	}
	/*
	 * A cut-short copy: its key without the ellipsis is a prefix of an
	 * earlier paragraph's key.  A folded key is the same with or without
	 * the ellipsis (it folds to full stops, which go, and has a boundary
	 * before it).  An earlier paragraph not keyed has a prefix that rules
	 * it out.
	 */
	if (!ends_in_ellipsis(s, pa->len, &ell))
		return 0;
	if (d->o.key == DEDUPE_FOLDED) {
		kbase = d->keys.data;
		tk = kbase + pa->koff;
		tl = pa->klen;
	} else {
		kbase = text;
		tk = s;
		tl = pa->len - ell;
	}
	if (tl == 0)
		return 0;
	for (j = 0; j < i; j++)
		if (d->para[j].keyed && d->para[j].klen >= tl &&
		    memcmp(kbase + d->para[j].koff, tk, tl) == 0) {
			pa->fate = PARA_TRUNCATED;
			pa->first.id = id;
			pa->first.para = (uint32_t)(j + 1);
			return 1;
		}
	return 0;
}

/* The fates of the paragraphs of text, split; returns the number removed. */
static size_t
decide(struct dedupe *d, const char *text, int64_t id)
{
	const char *s;
	struct fpset *set;
	struct para *pa;
	size_t i, removed = 0;
	int lazy;

	d->text = text;
	buf_reset(&d->keys);
	if (d->o.scope == DEDUPE_RECORD) {
		set = &d->rec;
		fpset_reset(set, d->npara);
	} else
		set = &d->seen;
	/* Stream scope keeps every fingerprint: all are keyed. */
	lazy = d->o.key == DEDUPE_FOLDED && d->o.scope == DEDUPE_RECORD;
	if (d->o.key == DEDUPE_FOLDED) {
		if (d->npara >= UINT32_MAX)
			die(EX_SOFTWARE, "more than %u paragraphs in a text",
			    UINT32_MAX - 1);
		for (i = 16; i < 2 * d->npara; i *= 2)
			;
		if (i > d->rawalloc) {
			free(d->rawtab);
			d->rawtab = xcalloc(i, sizeof *d->rawtab);
			d->rawalloc = i;
		} else
			memset(d->rawtab, 0, i * sizeof *d->rawtab);
		d->rawcap = i;
	}
	/*
	 * Keys first (or their prefixes, when lazy), then the fingerprints,
	 * prefetching each one's slot, so that the table's cache misses
	 * overlap; then the fates.
	 */
	for (i = 0; i < d->npara; i++) {
		pa = &d->para[i];
		s = text + pa->off;
		pa->fate = PARA_KEPT;
		pa->decide = 0;
		pa->first.id = DEDUPE_NO_ID;
		pa->first.para = 0;
		pa->koff = pa->off;
		pa->klen = 0;
		pa->copy = SIZE_MAX;
		pa->keyed = !lazy;
		pa->whole = 1;
		/* An empty line separates; it is never removed. */
		if (pa->len == 0)
			continue;
		d->paras++;
		if (d->o.key == DEDUPE_EXACT) {
			pa->klen = pa->len;
			pa->fp = fp_of(s, pa->len, SEED_EXACT);
		} else if ((pa->copy = same_bytes(d, text, i)) != SIZE_MAX &&
		    lazy) {
			/* Keyed, or not, as what it copies will be. */
			pa->koff = d->para[pa->copy].koff;
			pa->klen = d->para[pa->copy].klen;
		} else if (lazy) {
			pa->koff = d->keys.len;
			pa->whole = para_key_prefix(&d->fold, s, pa->len,
			    &d->keys, SIG_BYTES);
			pa->klen = d->keys.len - pa->koff;
		} else
			key_para(d, text, i, 0);
		if (d->o.min_chars > 0 && (pa->len < d->o.min_chars ||
		    count_chars(s, pa->len) < d->o.min_chars))
			continue;
		if (d->o.part_n > 1 && fp_partition(pa->fp, d->o.part_n) !=
		    d->o.part_k) {
			pa->fate = PARA_FOREIGN;
			continue;
		}
		pa->decide = 1;
		if (!lazy)
			fpset_prefetch(set, pa->fp);
	}
	if (lazy) {
		flag_keyed(d, text);
		/*
		 * Keys and fates at once: a record's set is small, no need
		 * to prefetch.
		 */
		for (i = 0; i < d->npara; i++) {
			pa = &d->para[i];
			if (pa->len == 0)
				continue;
			/* A copy is keyed when what it copies is. */
			if (pa->copy != SIZE_MAX)
				pa->keyed = d->para[pa->copy].keyed;
			if (pa->keyed)
				key_para(d, text, i, 1);
			if (pa->decide)
				removed += settle(d, set, text, i, id);
		}
	} else
		for (i = 0; i < d->npara; i++)
			if (d->para[i].decide)
				removed += settle(d, set, text, i, id);
	d->removed += removed;
	return removed;
}

void
dedupe_join(const char *text, const struct para *pa, size_t npara,
    const unsigned char *removed, int json_nl, struct buf *out)
{
	const char *sep = json_nl ? "\\n" : "\n";
	size_t i, seplen = json_nl ? 2 : 1, n = 0;
	char *d;
	int first = 1;

	/* Room for all at once, then plain copies: most records get here. */
	for (i = 0; i < npara; i++)
		n += pa[i].len + seplen;
	buf_grow(out, n);
	d = out->data + out->len;
	for (i = 0; i < npara; i++) {
		if (removed[i])
			continue;
		if (!first) {
			/*
			 * Two bytes either way (LF and its NUL): a fixed-size
			 * copy, within the room, as the first takes none.
			 */
			memcpy(d, sep, 2);
			d += seplen;
		}
		first = 0;
		memcpy(d, text + pa[i].off, pa[i].len);
		d += pa[i].len;
	}
	buf_setlen(out, (size_t)(d - out->data));
}

/* The Unicode version the folded keys depend on. */
static void
unicode_version(unsigned char v[4])
{
	UVersionInfo u;

	u_getUnicodeVersion(u);
	memcpy(v, u, 4);
}

static void
read_full(int fd, const char *path, unsigned char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(EX_IOERR, "cannot read state '%s':", path);
		if (r == 0)
			die(EX_DATAERR, "state '%s': truncated", path);
		p += r;
		n -= (size_t)r;
	}
}

#define STATE_CHUNK	65536

int
dedupe_state_load(struct dedupe *d, const char *path)
{
	unsigned char h[DEDUPE_STATE_HEADER], uv[4], *chunk;
	struct fp_origin org = { DEDUPE_NO_ID, 0 };
	struct fp fp, prev = { 0, 0 };
	XXH3_state_t *xs;
	struct stat st;
	uint64_t count, i, k, n;
	uint32_t kind, pk, pn;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 1;
		die(EX_NOINPUT, "cannot open state '%s':", path);
	}
	if (fstat(fd, &st) != 0)
		die(EX_IOERR, "cannot stat state '%s':", path);
	if (!S_ISREG(st.st_mode))
		die(EX_DATAERR, "state '%s': not a regular file", path);
	if (st.st_size < DEDUPE_STATE_HEADER)
		die(EX_DATAERR, "state '%s': truncated (%lld bytes, the header "
		    "alone is %d)", path, (long long)st.st_size,
		    DEDUPE_STATE_HEADER);
	read_full(fd, path, h, sizeof h);
	if (memcmp(h, DEDUPE_STATE_MAGIC, 8) != 0)
		die(EX_DATAERR, "state '%s': not a dedupe-paragraphs state file",
		    path);
	if (get_le64(h + 56) != XXH3_64bits(h, 56))
		die(EX_DATAERR, "state '%s': corrupt header (checksum)", path);
	if (get_le32(h + 8) != DEDUPE_STATE_VERSION)
		die(EX_DATAERR, "state '%s': format version %u, this program "
		    "reads version %d", path, get_le32(h + 8),
		    DEDUPE_STATE_VERSION);
	kind = get_le32(h + 20);
	if (kind != (uint32_t)d->o.key)
		die(EX_DATAERR, "state '%s': written with --key %s, this run "
		    "uses --key %s", path, kind == DEDUPE_EXACT ? "exact" :
		    "folded", d->o.key == DEDUPE_EXACT ? "exact" : "folded");
	pk = get_le32(h + 24);
	pn = get_le32(h + 28);
	if (pn == 0 || pk >= pn)
		die(EX_DATAERR, "state '%s': corrupt header (partition %u/%u)",
		    path, pk, pn);
	if (pn > 1 && (pk != d->o.part_k || pn != d->o.part_n))
		die(EX_DATAERR, "state '%s': holds partition %u/%u, this run is "
		    "partition %u/%u", path, pk, pn, d->o.part_k, d->o.part_n);
	unicode_version(uv);
	if (kind == DEDUPE_FOLDED && (get_le32(h + 12) != DEDUPE_FOLD_VERSION ||
	    memcmp(h + 16, uv, 4) != 0))
		die(EX_DATAERR, "state '%s': written with folding version %u "
		    "(Unicode %u.%u.%u), this is folding version %d (Unicode "
		    "%u.%u.%u); rebuild the state", path, get_le32(h + 12),
		    h[16], h[17], h[18], DEDUPE_FOLD_VERSION, uv[0], uv[1],
		    uv[2]);
	count = get_le64(h + 32);
	if (count > ((uint64_t)INT64_MAX - DEDUPE_STATE_HEADER) / 16 ||
	    (uint64_t)st.st_size != DEDUPE_STATE_HEADER + count * 16)
		die(EX_DATAERR, "state '%s': %s (%lld bytes for %llu "
		    "fingerprints)", path, (uint64_t)st.st_size <
		    DEDUPE_STATE_HEADER + count * 16 ? "truncated" :
		    "wrong size", (long long)st.st_size,
		    (unsigned long long)count);
	if ((xs = XXH3_createState()) == NULL)
		die(EX_SOFTWARE, "out of memory");
	XXH3_64bits_reset(xs);
	chunk = xmalloc(STATE_CHUNK * 16);
	for (i = 0; i < count; i += n) {
		n = count - i < STATE_CHUNK ? count - i : STATE_CHUNK;
		read_full(fd, path, chunk, n * 16);
		XXH3_64bits_update(xs, chunk, n * 16);
		for (k = 0; k < n; k++) {
			fp.lo = get_le64(chunk + 16 * k);
			fp.hi = get_le64(chunk + 16 * k + 8);
			if ((fp.lo | fp.hi) == 0 || (i + k > 0 &&
			    fp_cmp(&prev, &fp) >= 0))
				die(EX_DATAERR, "state '%s': corrupt "
				    "(fingerprint %llu out of order)", path,
				    (unsigned long long)(i + k + 1));
			prev = fp;
			if (d->o.part_n > 1 && fp_partition(fp, d->o.part_n) !=
			    d->o.part_k)
				continue;
			fpset_insert(&d->seen, fp, &org, NULL);
			d->loaded++;
		}
	}
	if (XXH3_64bits_digest(xs) != get_le64(h + 40))
		die(EX_DATAERR, "state '%s': corrupt (checksum)", path);
	XXH3_freeState(xs);
	free(chunk);
	close(fd);
	return 0;
}

void
dedupe_state_save(struct dedupe *d, const char *path)
{
	unsigned char h[DEDUPE_STATE_HEADER], *chunk;
	struct fp *v;
	struct out o;
	size_t n, i, k, m;

	n = fpset_sorted(&d->seen, &v);
	chunk = xmalloc(STATE_CHUNK * 16);
	memset(h, 0, sizeof h);
	memcpy(h, DEDUPE_STATE_MAGIC, 8);
	put_le32(h + 8, DEDUPE_STATE_VERSION);
	put_le32(h + 12, DEDUPE_FOLD_VERSION);
	unicode_version(h + 16);
	put_le32(h + 20, (uint32_t)d->o.key);
	put_le32(h + 24, d->o.part_k);
	put_le32(h + 28, d->o.part_n);
	put_le64(h + 32, (uint64_t)n);
	/* The payload is what goes to the file: little-endian pairs. */
	{
		XXH3_state_t *xs = XXH3_createState();

		if (xs == NULL)
			die(EX_SOFTWARE, "out of memory");
		XXH3_64bits_reset(xs);
		for (i = 0; i < n; i += m) {
			m = n - i < STATE_CHUNK ? n - i : STATE_CHUNK;
			for (k = 0; k < m; k++) {
				put_le64(chunk + 16 * k, v[i + k].lo);
				put_le64(chunk + 16 * k + 8, v[i + k].hi);
			}
			XXH3_64bits_update(xs, chunk, m * 16);
		}
		put_le64(h + 40, XXH3_64bits_digest(xs));
		XXH3_freeState(xs);
	}
	put_le64(h + 56, XXH3_64bits(h, 56));
	out_open_atomic(&o, path);
	out_write(&o, h, sizeof h);
	for (i = 0; i < n; i += m) {
		m = n - i < STATE_CHUNK ? n - i : STATE_CHUNK;
		for (k = 0; k < m; k++) {
			put_le64(chunk + 16 * k, v[i + k].lo);
			put_le64(chunk + 16 * k + 8, v[i + k].hi);
		}
		out_write(&o, chunk, m * 16);
	}
	out_close(&o);
	free(chunk);
	free(v);
}
