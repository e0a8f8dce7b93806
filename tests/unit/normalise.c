/* Unit tests for filters/lib/normalise.c. */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utf16.h>

#include "normalise.h"
#include "utf8.h"
#include "unit.h"

/* Clean s with opts; the result (NUL-terminated copy) in a static buffer. */
static struct buf result = BUF_INIT;
static int rc;
static size_t bad;
static uint64_t replaced;

static const char *
run_n(const struct normalise_opts *o, const char *s, size_t n)
{
	struct normalise t;
	const char *out;
	size_t outn;

	normalise_init(&t, o);
	rc = normalise_text(&t, s, n, &out, &outn, &bad);
	buf_reset(&result);
	if (rc >= 0)
		buf_add(&result, out, outn);
	replaced = t.replaced;
	normalise_release(&t);
	return result.data;
}

static const char *
run(const struct normalise_opts *o, const char *s)
{
	return run_n(o, s, strlen(s));
}

static int
idempotent(const struct normalise_opts *o, const char *s, size_t n)
{
	struct normalise t;
	const char *out, *again;
	size_t outn, againn;
	char *copy;
	int ok;

	normalise_init(&t, o);
	if (normalise_text(&t, s, n, &out, &outn, &bad) < 0) {
		normalise_release(&t);
		return 1;
	}
	/* Exactly outn bytes: ASan sees a read past them. */
	copy = malloc(outn > 0 ? outn : 1);
	memcpy(copy, out, outn);
	/* 0: nothing changed (is_clean may be cautious, normalise_text not). */
	ok = utf8_check(copy, outn) == outn &&
	    normalise_text(&t, copy, outn, &again, &againn, &bad) == 0;
	free(copy);
	normalise_release(&t);
	return ok;
}

/* The space rules the obvious way: split, collapse, trim, drop, join. */
static void
spaces_reference(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, j, start;
	int any = 0, sp;

	buf_reset(out);
	while (i <= n) {
		for (j = i; j < n && s[j] != '\n'; j++)
			continue;
		start = out->len;
		if (any)
			buf_addch(out, '\n');
		sp = 0;
		for (; i < j; i++) {
			if (s[i] == ' ') {
				sp = 1;
				continue;
			}
			if (sp && out->len > start + (any ? 1 : 0))
				buf_addch(out, ' ');
			sp = 0;
			buf_addch(out, s[i]);
		}
		if (out->len == start + (any ? 1 : 0))
			buf_setlen(out, start);
		else
			any = 1;
		i = j + 1;
	}
}

/*
 * Steps 2, 3, 6 and 7 the obvious way, for valid UTF-8 and the default
 * options but the form: map or drop each code point, normalise the whole
 * text with ICU, then spaces_reference.
 */
static void
clean_reference(enum normalise_form form, const char *s, size_t n,
    struct buf *out)
{
	const UNormalizer2 *norm = NULL;
	UErrorCode err = U_ZERO_ERROR;
	UChar u[1024], v[4096];
	int32_t i = 0, un = 0, vn;
	struct buf mapped = BUF_INIT;
	char u8[4 * 4096];
	UChar32 c;
	int8_t gc;

	while (i < (int32_t)n) {
		U8_NEXT(s, i, (int32_t)n, c);
		gc = (int8_t)u_charType(c);
		if (c == '\r' && i < (int32_t)n && s[i] == '\n')
			continue;
		if (c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)
			c = '\n';
		else if ((gc == U_CONTROL_CHAR && !(c >= '\t' && c <= '\r')) ||
		    (gc == U_FORMAT_CHAR &&
		    u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) &&
		    c != 0x200C && c != 0x200D))
			continue;
		else if (gc == U_SPACE_SEPARATOR || c == '\t' || c == '\v' ||
		    c == '\f')
			c = ' ';
		U16_APPEND_UNSAFE(u, un, c);
	}
	switch (form) {
	case NORM_NFC: norm = unorm2_getNFCInstance(&err); break;
	case NORM_NFD: norm = unorm2_getNFDInstance(&err); break;
	case NORM_NFKC: norm = unorm2_getNFKCInstance(&err); break;
	case NORM_NFKD: norm = unorm2_getNFKDInstance(&err); break;
	default: break;
	}
	if (norm != NULL)
		vn = unorm2_normalize(norm, u, un, v, 4096, &err);
	else {
		memcpy(v, u, (size_t)un * sizeof *u);
		vn = un;
	}
	u_strToUTF8(u8, sizeof u8, &un, v, vn, &err);
	buf_add(&mapped, u8, (size_t)un);
	spaces_reference(mapped.data, mapped.len, out);
	buf_release(&mapped);
}

/* Whether fast and slow (vec off) clean s[0..n) alike. */
static int
same_result(struct normalise *fast, struct normalise *slow, const char *s,
    size_t n)
{
	const char *a, *b;
	size_t an, bn, abad = 0, bbad = 0;
	int ar, br;

	if (normalise_is_clean(fast, s, n) != normalise_is_clean(slow, s, n))
		return 0;
	ar = normalise_text(fast, s, n, &a, &an, &abad);
	br = normalise_text(slow, s, n, &b, &bn, &bbad);
	return ar == br && abad == bbad &&
	    (ar < 0 || (an == bn && memcmp(a, b, an) == 0));
}

/*
 * The code points the sweeps try: all below U+0800 and every 61st above,
 * surrogates aside.
 */
static int
swept(uint32_t c)
{
	return (c < 0x800 || c % 61 == 0) && (c < 0xD800 || c > 0xDFFF);
}

/* text: filler[0..j), the character c, filler[j..fl). */
static void
in_filler(struct buf *text, const char *filler, size_t fl, size_t j,
    uint32_t c)
{
	unsigned char u8[4];

	buf_reset(text);
	buf_add(text, filler, j);
	buf_add(text, (char *)u8, utf8_encode(u8, c));
	buf_add(text, filler + j, fl - j);
}

/* Fill b with up to max - 1 pieces drawn at random (an LCG on *seed). */
static void
random_pieces(struct buf *b, unsigned *seed, size_t max,
    const char *const *pieces, size_t npieces)
{
	size_t j, n;

	buf_reset(b);
	*seed = *seed * 1103515245 + 12345;
	n = (*seed >> 16) % max;
	for (j = 0; j < n; j++) {
		*seed = *seed * 1103515245 + 12345;
		buf_addstr(b, pieces[(*seed >> 16) % npieces]);
	}
}

/*
 * An ASCII character and the one after it, a normalisation segment of
 * two, which norm_pair composes without ICU's normalize: with the fast
 * paths on and off, the same result, in every form, and with case
 * folding or emoji stripping.  Every code point with a combining class
 * or a mark's category after a few characters, every ASCII character
 * before the marks of U+0300..U+036F, and the other code points below
 * U+0800 and every 61st above after an "a".
 */
static void
test_pairs(void)
{
	static const char starters[] = "aeAZ0<";
	static const struct {
		enum normalise_form form;
		int casefold, strip_emoji;
	} sets[] = {
		{ NORM_NFC, 0, 0 }, { NORM_NFD, 0, 0 }, { NORM_NFKC, 0, 0 },
		{ NORM_NFKD, 0, 0 }, { NORM_NFKC_CF, 0, 0 },
		{ NORM_NFC, 1, 0 }, { NORM_NFKC, 1, 0 }, { NORM_NFKC_CF, 1, 0 },
		{ NORM_NFC, 0, 1 }
	};
	struct normalise_opts o = normalise_defaults;
	struct normalise fast, slow;
	struct buf text = BUF_INIT;
	unsigned char u8[4];
	uint32_t c;
	size_t f, j, i;
	int8_t gc;
	int allok = 1, pairs;

	for (f = 0; f < sizeof sets / sizeof sets[0] && allok; f++) {
		o.form = sets[f].form;
		o.casefold = sets[f].casefold;
		o.strip_emoji = sets[f].strip_emoji;
		normalise_init(&fast, &o);
		normalise_init(&slow, &o);
		slow.vec = 0;
		slow.regions = 0;
		for (c = 0x80; c <= 0x10FFFF && allok; c++) {
			gc = (int8_t)u_charType((UChar32)c);
			pairs = u_getCombiningClass((UChar32)c) != 0 ||
			    gc == U_NON_SPACING_MARK ||
			    gc == U_COMBINING_SPACING_MARK ||
			    gc == U_ENCLOSING_MARK;
			if (!pairs && !swept(c))
				continue;
			for (j = 0x21; j < 0x7F && allok; j++) {
				if (!(c >= 0x300 && c < 0x370) &&
				    (pairs ? strchr(starters, (int)j) == NULL :
				    j != 'a'))
					continue;
				buf_reset(&text);
				buf_addstr(&text, "x ");
				buf_addch(&text, (int)j);
				buf_add(&text, u8, utf8_encode(u8, c));
				buf_addstr(&text, " y");
				for (i = 0; i < 2; i++) {
					/* and at the start of the text */
					if (!same_result(&fast, &slow,
					    text.data + 2 * i, text.len - 2 * i)) {
						allok = 0;
						printf("# option set %zu: "
						    "'%c' U+%04X\n", f,
						    text.data[2], (unsigned)c);
					}
				}
			}
		}
		normalise_release(&fast);
		normalise_release(&slow);
	}
	CHECK(allok, "an ASCII character and a mark compose as ICU does");
	buf_release(&text);
}

int
main(void)
{
	struct normalise_opts d = normalise_defaults, o;
	static const char *samples[] = {
		"  a\xc2\xa0\xc2\xa0" "b  \n\n c\t\r\n",
		"cafe\xcc\x81 \xe2\x80\x8b x",
		"e\xc2\xad\xcc\x81",
		"\xc2\xa8 x\xc2\xa8",
		"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9 \xe1\x84\x80\xf0\x9f\x98\x80\xe1\x85\xa1",
		"Stra\xc3\x9f" "e \xce\x90 \xc4\xb0 \xe1\xbe\x80 \xce\xb1\xcd\x85\xcc\x93",
		"\xff\xfe \xed\xa0\x80 \xc0\xaf \xf4\x90\x80\x80",
		"\xef\xb7\xba \xe3\x80\x80 \xe2\x80\xa8x\xc2\x85",
		"1\xef\xb8\x8f\xe2\x83\xa3 \xc2\xa9 #",
	};
	enum normalise_form forms[] = { NORM_NONE, NORM_NFC, NORM_NFD,
	    NORM_NFKC, NORM_NFKD, NORM_NFKC_CF };
	char s[64], *big;
	size_t i, j, f, n;

	CHECK(normalise_form_parse("nfkc_cf") == NORM_NFKC_CF, "form parse");
	CHECK(normalise_form_parse("NFC") == -1, "form parse is exact");
	CHECK(strcmp(normalise_form_name(NORM_NFD), "nfd") == 0, "form name");

	/* Clean text comes back as it is, not copied. */
	{
		struct normalise t;
		const char *in = "clean text\nsecond line", *out;
		size_t outn;

		normalise_init(&t, &d);
		CHECK(normalise_text(&t, in, strlen(in), &out, &outn, &bad) == 0 &&
		    out == in && outn == strlen(in), "clean text is not copied");
		normalise_release(&t);
	}
	CHECK(strcmp(run(&d, ""), "") == 0 && rc == 0, "empty text");
	CHECK(strcmp(run(&d, "Cafe\xcc\x81"), "Caf\xc3\xa9") == 0 && rc == 1,
	    "nfd accent composed");
	CHECK(strcmp(run(&d, "e\xc2\xad\xcc\x81"), "\xc3\xa9") == 0,
	    "soft hyphen removed before normalising");
	CHECK(strcmp(run(&d, "\xe1\x84\x80\xe1\x85\xa1"), "\xea\xb0\x80") == 0,
	    "hangul jamo composed");
	CHECK(strcmp(run(&d, "a\r\nb\rc\xc2\x85" "d\xe2\x80\xa8" "e\xe2\x80\xa9" "f"),
	    "a\nb\nc\nd\ne\nf") == 0, "line ends");
	CHECK(strcmp(run(&d, " \n a \t b \n\n"), "a b") == 0, "spaces");
	CHECK(strcmp(run(&d, "a\xe2\x80\x8d" "b\xe2\x80\x8c" "c\xef\xb8\x8f"),
	    "a\xe2\x80\x8d" "b\xe2\x80\x8c" "c\xef\xb8\x8f") == 0 && rc == 0,
	    "zwj, zwnj and variation selectors kept");
	CHECK(strcmp(run(&d, "a\x01" "b\x7f" "c\xef\xbb\xbf" "d\xe2\x81\xa0"),
	    "abcd") == 0, "controls and format characters removed");
	o = d;
	o.form = NORM_NFKC;
	CHECK(strcmp(run(&o, "\xc2\xa8x x\xc2\xa8"), "\xcc\x88x x \xcc\x88") == 0,
	    "nfkc spaces trimmed after normalising");
	CHECK(strcmp(run(&o, "\xef\xb7\xba"), "\xd8\xb5\xd9\x84\xd9\x89 "
	    "\xd8\xa7\xd9\x84\xd9\x84\xd9\x87 \xd8\xb9\xd9\x84\xd9\x8a\xd9\x87 "
	    "\xd9\x88\xd8\xb3\xd9\x84\xd9\x85") == 0, "nfkc expands U+FDFA");
	o = d;
	o.form = NORM_NFKC_CF;
	CHECK(strcmp(run(&o, "ABC dEF A\xcc\x8a \xc3\x84Z"),
	    "abc def \xc3\xa5 \xc3\xa4z") == 0,
	    "nfkc_cf: ascii fast path, and A + ring through ICU");
	o = d;
	o.casefold = 1;
	CHECK(strcmp(run(&o, "Stra\xc3\x9f" "e \xce\x90"),
	    "strasse \xce\x90") == 0, "casefold then nfc");
	o = d;
	o.strip_emoji = 1;
	CHECK(strcmp(run(&o, "\xf0\x9f\x87\xb7\xf0\x9f\x87\xba a 1\xef\xb8\x8f"
	    "\xe2\x83\xa3 b \xc2\xa9 1 #"), "a b \xc2\xa9 1 #") == 0,
	    "strip emoji: flag, keycap; not (c), digits");
	CHECK(strcmp(run(&o, "\xe1\x84\x80\xf0\x9f\x98\x80\xe1\x85\xa1"),
	    "\xea\xb0\x80") == 0, "strip emoji before normalising");

	/* Invalid UTF-8: one U+FFFD per maximal subpart. */
	CHECK(strcmp(run(&d, "a\xff" "b"), "a\xef\xbf\xbd" "b") == 0 &&
	    replaced == 1, "invalid byte");
	CHECK(strcmp(run(&d, "\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd") == 0 && replaced == 3, "surrogate: three");
	CHECK(strcmp(run(&d, "\xf0\x9f\x98x"), "\xef\xbf\xbdx") == 0 &&
	    replaced == 1, "truncated sequence: one");
	CHECK(strcmp(run(&d, "\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd") == 0 &&
	    replaced == 2, "overlong: two");
	o = d;
	o.strict = 1;
	CHECK(run(&o, "ab\xe2\x82") && rc == -1 && bad == 2,
	    "strict: offset of the first bad byte");
	/* Every position of every length of a multibyte sequence. */
	for (n = 2; n <= 4; n++) {
		static const char *seq[] = { NULL, NULL, "\xc3\xa9",
		    "\xe2\x82\xac", "\xf0\x9f\x98\x80" };
		int allok = 1;

		for (i = 0; i < n; i++) {
			/* Cut after i bytes, or a bad byte at i. */
			snprintf(s, sizeof s, "x%.*sy", (int)i, seq[n]);
			run(&d, s);
			if (i > 0 && (replaced != 1 || strcmp(result.data + 1 +
			    0, "\xef\xbf\xbdy") != 0))
				allok = 0;
			memcpy(s, "x", 1);
			memcpy(s + 1, seq[n], n);
			s[1 + i] = (char)0xFF;
			s[1 + n] = 'y';
			s[2 + n] = '\0';
			run(&d, s);
			if (utf8_check(result.data, result.len) != result.len ||
			    replaced < 1 || result.data[result.len - 1] != 'y')
				allok = 0;
			o = d;
			o.strict = 1;
			if (run(&o, s) != NULL && (rc != -1 || bad > 1 + i))
				allok = 0;
		}
		CHECK(allok, "invalid byte at every position of a %zu-byte "
		    "sequence", n);
	}

	/* A combining run longer than any ICU buffer. */
	n = 1 + 2 * 100000;
	big = malloc(n + 1);
	big[0] = 'a';
	for (i = 0; i < 100000; i++)
		memcpy(big + 1 + 2 * i, "\xcc\x81", 2);
	big[n] = '\0';
	run(&d, big);
	CHECK(result.len == n - 1 && memcmp(result.data, "\xc3\xa1", 2) == 0 &&
	    memcmp(result.data + 2, big + 3, n - 3) == 0,
	    "100000 combining marks: first composed, rest kept");
	free(big);

	/* The space step against the obvious implementation. */
	{
		struct buf ref = BUF_INIT;
		char r[48];
		int allok = 1;
		unsigned seed = 1;

		o = d;
		o.form = NORM_NONE;
		o.lines = o.invisible = 0;
		for (i = 0; i < 50000; i++) {
			n = (seed = seed * 1103515245 + 12345) >> 16 & 31;
			for (j = 0; j < n; j++) {
				seed = seed * 1103515245 + 12345;
				r[j] = " \nab"[(seed >> 16) % 4];
			}
			run_n(&o, r, n);
			spaces_reference(r, n, &ref);
			if (result.len != ref.len ||
			    memcmp(result.data, ref.data, ref.len) != 0) {
				allok = 0;
				printf("# spaces: '%.*s'\n", (int)n, r);
				break;
			}
		}
		CHECK(allok, "space clean-up matches the reference on "
		    "random text");
		buf_release(&ref);
	}

	/*
	 * The fast paths against the reference, on random text made of
	 * pieces that take each path: ASCII words longer and shorter than a
	 * word of eight bytes, runs of spaces, two-byte letters that are and
	 * are not inert, a combining mark after clean text, invisible and
	 * space characters, line ends, and wider characters.
	 */
	{
		static const char *const pieces[] = {
			"a", "word", "abcdefghij", " ", "  ", "\n", "\r\n",
			"\r", "\t", "\x01", "\x7f", "\xd0\xb4", "\xd0\x99",
			"\xd0\x98\xcc\x86", "\xcc\x81", "\xc3\xa9", "\xc2\xa0",
			"\xc2\xad", "\xc2\x85", "\xe2\x80\x8b", "\xe2\x80\xa8",
			"\xe4\xb8\xad", "\xef\xac\x81", "\xd9\x84\xd8\xa7",
			"\xc7\x85", "\xd0\xbc\xd0\xb8\xd1\x80 \xd0\xb4",
		};
		enum normalise_form rf[] = { NORM_NONE, NORM_NFC, NORM_NFD,
		    NORM_NFKC, NORM_NFKD };
		struct buf text = BUF_INIT, ref = BUF_INIT;
		struct normalise t;
		const char *out;
		size_t outn;
		unsigned seed = 7;
		int allok = 1;

		for (f = 0; f < sizeof rf / sizeof rf[0]; f++) {
			o = d;
			o.form = rf[f];
			normalise_init(&t, &o);
			for (i = 0; i < 20000 && allok; i++) {
				random_pieces(&text, &seed, 24, pieces,
				    sizeof pieces / sizeof pieces[0]);
				normalise_text(&t, text.data, text.len, &out,
				    &outn, &bad);
				clean_reference(rf[f], text.data, text.len,
				    &ref);
				if (outn != ref.len || memcmp(out, ref.data,
				    ref.len) != 0) {
					allok = 0;
					printf("# form %s: '%.*s'\n",
					    normalise_form_name(rf[f]),
					    (int)text.len, text.data);
				}
			}
			normalise_release(&t);
		}
		CHECK(allok, "fast paths match the reference on random text");
		buf_release(&text);
		buf_release(&ref);
	}

	/*
	 * The 16- and 32-byte paths (vec on, avx2 off or as the processor
	 * has it) against the scalar ones (vec off), for each form with and
	 * without the clean-up steps: random texts long enough for them, and
	 * every one- and two-byte character and a few wider ones at every
	 * offset of a clean text that takes them.
	 */
	{
		static const char *const pieces[] = {
			"a", "word", "abcdefghijklmnopq", " ", "  ", "\n",
			"\n\n", " \n", "\t", "\x01", "\x7f", "\xd0\xb4",
			"\xd0\x99", "\xd1\x8f", "\xd0\x98\xcc\x86", "\xcc\x81",
			"\xc3\xa9", "\xc2\xa0", "\xc2\xad", "\xe2\x80\x8b",
			"\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xd9\x84\xd8\xa7",
			"\xd0\xbc\xd0\xb8\xd1\x80 \xd0\xb4", "\xd0", "\xbc",
			"\xe2\x80", "\xc0\xaf", "\xe4\xb8\xad\xe6\x96\x87",
			"\xe3\x80\x80", "\xef\xbb\xbf", "\xed\xa0\x80",
			"\xe0\xa0\x80", "\xe0\x80\x80", "\xe5\xad",
			"\xea\xb0\x80", "\xe1\x84\x80\xe1\x85\xa1",
			"\xef\xbc\xa1", "\xe3\x82\x99",
			/* back to the vector path after a wider character */
			("\xf0\x9f\x98\x80 \xd0\xbc\xd0\xb8\xd1\x80 \xd0\xb4\xd0\xb0 "
			"\xd0\xbc\xd0\xb8\xd1\x80 \xd0\xb4\xd0\xb0 \xd0\xbc\xd0\xb8\xd1\x80"),
			"\xe4\xb8\xad abcdefghijklmnopqrstuvwxyz abc",
		};
		static const char filler[] = "ab \xd0\xb4\xd0\xb0 cd\xd1\x8f "
		    "\xd0\xbc\xd0\xb8\xd1\x80\nxyz \xc3\xa9t\xc3\xa9 "
		    "end of it";
		enum normalise_form vf[] = { NORM_NONE, NORM_NFC, NORM_NFD,
		    NORM_NFKC, NORM_NFKD };
		struct normalise fast, valid, mid, slow;
		struct buf text = BUF_INIT;
		unsigned seed = 11, c;
		size_t fl = sizeof filler - 1;
		int allok = 1;

		for (f = 0; f < 2 * sizeof vf / sizeof vf[0]; f++) {
			o = d;
			o.form = vf[f / 2];
			if (f % 2 == 1)
				o.spaces = o.lines = o.invisible = 0;
			normalise_init(&fast, &o);
			normalise_init(&valid, &o);
			normalise_init(&mid, &o);
			normalise_init(&slow, &o);
			valid.valid = 1;	/* on valid texts only */
			mid.avx2 = 0;
			slow.vec = 0;
			slow.regions = 0;
			for (i = 0; i < 20000 && allok; i++) {
				random_pieces(&text, &seed, 48, pieces,
				    sizeof pieces / sizeof pieces[0]);
				if (!same_result(&fast, &slow, text.data,
				    text.len) || !same_result(&mid, &slow,
				    text.data, text.len) ||
				    (utf8_check(text.data, text.len) ==
				    text.len && !same_result(&valid, &slow,
				    text.data, text.len))) {
					allok = 0;
					printf("# form %s, option set %zu: "
					    "'%.*s'\n",
					    normalise_form_name(vf[f / 2]), f % 2,
					    (int)text.len, text.data);
				}
			}
			for (c = 1; c < 0x10000 && allok; c++) {
				if (!swept(c))
					continue;
				for (j = 0; j <= fl && allok; j++) {
					in_filler(&text, filler, fl, j, c);
					if (!same_result(&fast, &slow,
					    text.data, text.len) ||
					    /* j may cut a character */
					    (utf8_check(text.data, text.len) ==
					    text.len && !same_result(&valid,
					    &slow, text.data, text.len)) ||
					    !same_result(&mid, &slow,
					    text.data, text.len)) {
						allok = 0;
						printf("# form %s, option "
						    "set %zu: U+%04X at %zu\n",
						    normalise_form_name(vf[f /
						    2]), f % 2, c, j);
					}
				}
			}
			normalise_release(&fast);
			normalise_release(&valid);
			normalise_release(&mid);
			normalise_release(&slow);
		}
		CHECK(allok, "16- and 32-byte paths match the scalar ones, "
		    "and trusting valid UTF-8 too");
		buf_release(&text);
	}

	/*
	 * Region by region (regions on) against the whole text at once (off),
	 * for each form and each set of the options that keep regions on,
	 * strict too: random texts of quiet and unclean pieces, and every
	 * one- and two-byte character and a few wider ones at every offset
	 * of a clean text, with an unclean character further on.
	 */
	{
		static const char *const pieces[] = {
			"a", "wo", "abcdefghijklmnopq", " ", "  ", "\n", "\n\n",
			" \n", "\r", "\r\n", "\t", "\x01", "\xd0\xb4\xd0\xb0",
			"\xd0\x98\xcc\x86", "\xcc\x81", "\xcc\x81\xcc\xa3",
			"e\xcc\x81", "\xc2\xa0", "\xc2\xad", "\xc2\xa8",
			"\xe2\x80\x8b", "\xe4\xb8\xad\xe6\x96\x87",
			"\xf0\x9f\x98\x80", "\xd9\x84\xd8\xa7", "\xff", "\xe2\x80",
			"\xed\xa0\x80", "\xe1\x84\x80\xe1\x85\xa1", "\xef\xbc\xa1",
			"\xef\xac\x81", "\xe3\x80\x80", "\xe2\x80\xa8", "A",
			"\xc7\x85",
		};
		static const char filler[] = "ab cd\xd0\xb4\xd0\xb0 e f\ngh "
		    "\xe4\xb8\xad\xe6\x96\x87ij klm";
		struct normalise whole, regions;
		struct buf text = BUF_INIT;
		unsigned seed = 13, c;
		size_t fl = sizeof filler - 1;
		int allok = 1;

		for (f = 0; f < 16 * sizeof forms / sizeof forms[0]; f++) {
			o = d;
			o.form = forms[f / 16];
			o.spaces = !(f & 1);
			o.lines = !(f & 2);
			o.invisible = !(f & 4);
			o.strict = (f & 8) != 0;
			normalise_init(&whole, &o);
			normalise_init(&regions, &o);
			whole.regions = 0;
			for (i = 0; i < 3000 && allok; i++) {
				random_pieces(&text, &seed, 40, pieces,
				    sizeof pieces / sizeof pieces[0]);
				if (!same_result(&regions, &whole, text.data,
				    text.len)) {
					allok = 0;
					printf("# form %s, option set %zu: "
					    "'%.*s'\n",
					    normalise_form_name(o.form), f % 16,
					    (int)text.len, text.data);
				}
			}
			/* every clean-up step on, or none */
			for (c = 1; c < 0x10000 && allok && f % 16 % 7 == 0;
			    c++) {
				if (!swept(c))
					continue;
				for (j = 0; j <= fl && allok; j++) {
					in_filler(&text, filler, fl, j, c);
					buf_addstr(&text, "x\xc2\xa0y");
					buf_add(&text, filler, fl);
					if (!same_result(&regions, &whole,
					    text.data, text.len)) {
						allok = 0;
						printf("# form %s, option "
						    "set %zu: U+%04X at %zu\n",
						    normalise_form_name(o.form),
						    f % 16, c, j);
					}
				}
			}
			normalise_release(&whole);
			normalise_release(&regions);
		}
		CHECK(allok, "region by region matches the whole text");
		buf_release(&text);
	}

	/* Idempotence on every sample, every form, with every option. */
	for (f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		int allok = 1;

		for (j = 0; j < 16; j++) {
			o = d;
			o.form = forms[f];
			o.spaces = !(j & 1);
			o.invisible = !(j & 2);
			o.strip_emoji = (j & 4) != 0;
			o.casefold = (j & 8) != 0;
			for (i = 0; i < sizeof samples / sizeof samples[0]; i++)
				if (!idempotent(&o, samples[i],
				    strlen(samples[i]))) {
					allok = 0;
					printf("# sample %zu options %zu\n", i, j);
				}
		}
		CHECK(allok, "idempotent: form %s, all options",
		    normalise_form_name(forms[f]));
	}
	test_pairs();
	buf_release(&result);
	return unit_status();
}
