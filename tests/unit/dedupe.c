/*
 * Unit tests for filters/lib/dedupe: the fast folded key equals the slow
 * (whole-paragraph ICU) one for every code point alone, in context and in
 * random strings; the fingerprint set; paragraph fates.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe.h"
#include "utf8.h"
#include "unit.h"

static struct para_fold F;
static struct buf fast = BUF_INIT, slow = BUF_INIT, runs = BUF_INIT;

/* The fast key (blocks by shuffles, where on, and by runs) is the slow. */
static int
same_key(const char *p, size_t n)
{
	int vec = F.vec;

	buf_reset(&fast);
	buf_reset(&slow);
	buf_reset(&runs);
	para_key(&F, p, n, &fast);
	F.vec = 0;
	para_key(&F, p, n, &runs);
	F.vec = vec;
	para_key_slow(&F, p, n, &slow);
	return fast.len == slow.len && memcmp(fast.data, slow.data,
	    fast.len) == 0 && runs.len == slow.len && memcmp(runs.data,
	    slow.data, runs.len) == 0;
}

/* A failing case's bytes, in hex, as a test comment. */
static void
print_bytes(const char *what, const char *p, size_t n)
{
	size_t i;

	printf("# %s:", what);
	for (i = 0; i < n; i++)
		printf(" %02x", (unsigned char)p[i]);
	printf("\n");
}

static const char *
key_of(const char *s)
{
	buf_reset(&fast);
	para_key(&F, s, strlen(s), &fast);
	return fast.data;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Code points where normalisation gets interesting. */
static const uint32_t spicy[] = {
	'a', 'e', 'A', 'I', 'i', 'K', 's', ' ', '.', 0x0301, 0x0308, 0x0323,
	0x0327, 0x0345, 0x0307, 0x00C5, 0x00E9, 0x00DF, 0x0130, 0x0131,
	0x03A3, 0x03C2, 0x0390, 0x1E9E, 0x212B, 0x2126, 0xFB01, 0xFF21,
	0x1100, 0x1161, 0x11A8, 0xAC00, 0xAC01, 0x0915, 0x093C, 0x094D,
	0x09C7, 0x09BE, 0x0B47, 0x0B3E, 0x0CD5, 0x0E33, 0x0F73, 0x3099,
	0x304B, 0x309A, 0x200D, 0xFE0F, 0x1F1F7, 0x1F1FA, 0x1F44D, 0x1F3FD,
	0x00AD, 0x200B, 0x2026, 0xFDFA, 0x1D15E, 0x1D165, 0x05B0, 0x0651,
	0x064B, 0x0627, 0x0653, 0x0654, 0x0655, 0x115F, 0x3164, 0xFFA0,
	0x1F3FB, 0x20E3, 0x0660, 0x2460, 0x00BD, 0x0041, 0x030A, 0x1E0A,
	0x0323, 0x0307, 0x1100, 0x1175, 0x11AF, 0x3131, 0x32C0, 0x337F,
};

/* Blocks around the code point under test: copied, looked up, dropped. */
static const uint32_t filler[] = {
	'a', 0x044F, ' ', 0x0635, 0x0414, 'Z', '7', 0x0430, 0x0451, ',',
	0x0640, 0x00AB, 0x00E9, 0x0645
};
static const size_t nfiller = sizeof filler / sizeof filler[0];

int
main(void)
{
	unsigned char s[64];
	char str[512];
	uint32_t cp, marks[] = { 0x0301, 0x0308, 0x0323, 0x0345, 0x1161,
	    0x11A8, 0x3099, 0x093C };
	/* Mapped to nothing by NFKC_Casefold; what may follow them. */
	uint32_t vanish[] = { 0xFE0F, 0x200D, 0x00AD, 0x200B, 0x034F, 0xFEFF,
	    0xE0041, 0x1D173 }, after[] = { ' ', 0x0301, 0x1F469, 0xFE0F,
	    0x1161, 0x0410 };
	size_t n, i, j, bad = 0, badctx = 0, badrand = 0, badblock = 0;
	struct fpset set;
	struct fp fp, *v;
	struct fp_origin org = { 7, 3 }, got;
	struct dedupe d;
	struct dedupe_opts o;
	uint64_t seed, paras;
	size_t nrand = 200000, nfp = 1000000;
	unsigned stride = 1;
	int ok;

	para_fold_init(&F);
	/* Under valgrind, a sample of the code points and strings. */
	if (getenv("CONFIG") != NULL && strcmp(getenv("CONFIG"), "valgrind")
	    == 0) {
		stride = 97;
		nrand = 5000;
		nfp = 50000;
	}

	/* Every code point alone, after a base, and before marks. */
	for (cp = 0; cp <= 0x10FFFF; cp += stride) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		n = utf8_encode(s, cp);
		if (!same_key((char *)s, n) && bad++ < 5)
			printf("# alone U+%04X\n", (unsigned)cp);
		n = 0;
		s[n++] = 'e';
		n += utf8_encode(s + n, cp);
		n += utf8_encode(s + n, marks[cp % 8]);
		n += utf8_encode(s + n, marks[(cp / 8) % 8]);
		s[n++] = 'x';
		if (!same_key((char *)s, n) && badctx++ < 5)
			printf("# in context U+%04X\n", (unsigned)cp);
		/* Before and after code points that fold to nothing. */
		n = utf8_encode(s, cp);
		n += utf8_encode(s + n, vanish[cp % 8]);
		n += utf8_encode(s + n, after[(cp / 8) % 6]);
		s[n++] = 'e';
		n += utf8_encode(s + n, vanish[(cp / 48) % 8]);
		n += utf8_encode(s + n, cp);
		if (!same_key((char *)s, n) && badctx++ < 5)
			printf("# by vanishing U+%04X\n", (unsigned)cp);
	}
	CHECK(bad == 0, "fast key == slow key for every code point alone "
	    "(every %u)", stride);
	CHECK(badctx == 0, "fast key == slow key for every code point between "
	    "a base and combining marks, and beside code points that fold to "
	    "nothing");

	/* Random strings of interesting code points and invalid bytes. */
	for (i = 0; i < nrand; i++) {
		n = 0;
		for (j = next_rand() % 24; j > 0; j--) {
			uint64_t r = next_rand();

			if (r % 17 == 0)
				str[n++] = (char)(0x80 + r % 0x7F);
			else if (r % 5 == 0)
				n += utf8_encode((unsigned char *)str + n,
				    (uint32_t)(r >> 8) % 0x3000);
			else
				n += utf8_encode((unsigned char *)str + n,
				    spicy[(r >> 8) % (sizeof spicy /
				    sizeof spicy[0])]);
		}
		if (!same_key(str, n) && badrand++ < 5)
			print_bytes("random", str, n);
	}
	CHECK(badrand == 0, "fast key == slow key on %zu random strings",
	    nrand);

	/*
	 * The block paths: every ASCII byte at every place of a 16-byte
	 * block; every two-byte code point at every place of a 4-sequence
	 * block, before a combining mark and before a space.
	 */
	for (i = 0; i < 0x80; i++)
		for (j = 0; j < 16; j++) {
			memcpy(str, "Ab9 z.Q0-xY\tMm7Kk@[`{/:", 24);
			str[j] = (char)i;
			if (!same_key(str, 24) && badblock++ < 5)
				printf("# ASCII block %02zx at %zu\n", i, j);
		}
	for (cp = 0x80; cp < 0x800; cp++)
		for (j = 0; j < 4; j++) {
			n = 0;
			for (i = 0; i < 5; i++)
				n += utf8_encode((unsigned char *)str + n,
				    i == j ? cp : 0x0410 + (cp + i) % 0x60);
			n += utf8_encode((unsigned char *)str + n,
			    j % 2 ? 0x0301 : ' ');
			n += utf8_encode((unsigned char *)str + n, cp);
			if (!same_key(str, n) && badblock++ < 5)
				printf("# two-byte block U+%04X at %zu\n",
				    (unsigned)cp, j);
		}
	/*
	 * Blocks of sixteen bytes: every two-byte code point and every
	 * invalid byte at every place of a block (the last: a sequence
	 * across two blocks), among ASCII, letters blocks copy as they are
	 * and letters they look up, alone or before a combining mark.
	 */
	for (cp = 0x80; cp < 0x800 + 0x80; cp++)
		for (j = 0; j < 16; j++) {
			n = 0;
			for (i = 0; n < j; i++)
				n += utf8_encode((unsigned char *)str + n,
				    filler[(cp + i) % nfiller]);
			if (cp < 0x800)
				n += utf8_encode((unsigned char *)str + n, cp);
			else
				str[n++] = (char)(cp - 0x800 + 0x80);
			if (j % 3 == 1)
				n += utf8_encode((unsigned char *)str + n,
				    0x0301);
			for (i = 0; i < 12; i++)
				n += utf8_encode((unsigned char *)str + n,
				    filler[(cp + j + i) % nfiller]);
			if (!same_key(str, n) && badblock++ < 5)
				printf("# block U+%04X at %zu\n",
				    (unsigned)cp, j);
		}
	CHECK(badblock == 0, "fast key == slow key in ASCII and two-byte "
	    "blocks");

	/* Random strings of runs: ASCII, two-byte with spaces, marks. */
	for (i = 0, badrand = 0; i < nrand / 4; i++) {
		n = 0;
		while (n < sizeof str - 64 && next_rand() % 8 != 0) {
			uint64_t r = next_rand(), k = 1 + r % 40;

			for (; k > 0 && n < sizeof str - 8; k--) {
				r = next_rand();
				switch (r % 4 == 0 ? 3 : (r >> 2) % 3) {
				case 0:
					str[n++] = (char)(1 + (r >> 8) % 0x7F);
					break;
				case 1:
					str[n++] = "aZ 9,"[(r >> 8) % 5];
					break;
				case 2:
					n += utf8_encode((unsigned char *)str +
					    n, (r >> 8) % 3 == 0 ? ' ' :
					    (r >> 8) % 5 == 0 ? 0x80 + (r >> 16)
					    % 0x780 : 0x0400 + (r >> 16) % 0x60);
					break;
				default:
					n += utf8_encode((unsigned char *)str +
					    n, spicy[(r >> 8) % (sizeof spicy /
					    sizeof spicy[0])]);
				}
			}
		}
		if (!same_key(str, n) && badrand++ < 5)
			print_bytes("runs", str, n);
	}
	CHECK(badrand == 0, "fast key == slow key on %zu random strings of "
	    "runs", nrand / 4);

	/*
	 * Prefixes: of the key, at least as long as asked, and the key
	 * itself when they say whole; among marks, emoji, an entry of 33
	 * bytes (U+FDFA) and invalid bytes.
	 */
	for (i = 0, badrand = 0; i < nrand / 4; i++) {
		static const char *const unit[] = { "a", "Z", " ", ".", "7",
		    "\xd0\x94", "\xd1\x8f", "\xcc\x81", "\xf0\x9f\x91\x8d",
		    "\xef\xb7\xba", "\xef\xb8\x8f", "\xe2\x80\xa6", "\x80" };
		const char *u;

		for (n = 0; n < 200 && next_rand() % 64 != 0; n += strlen(u)) {
			u = unit[next_rand() % (sizeof unit / sizeof unit[0])];
			memcpy(str + n, u, strlen(u));
		}
		buf_reset(&fast);
		buf_reset(&slow);
		para_key(&F, str, n, &fast);
		j = 1 + next_rand() % 40;
		ok = para_key_prefix(&F, str, n, &slow, j);
		if (slow.len > fast.len || memcmp(slow.data, fast.data,
		    slow.len) != 0 || (ok && slow.len != fast.len) ||
		    (!ok && slow.len < j))
			badrand++;
	}
	CHECK(badrand == 0, "key prefixes are prefixes of at least the bytes "
	    "asked, whole when so said");

	/*
	 * Lead bytes C0-FF with continuations or not after them, cut short
	 * at every length: the per code point path's quick three- and
	 * four-byte decoding takes exactly the valid sequences.
	 */
	for (i = 0xC0, bad = 0; i <= 0xFF; i++) {
		static const unsigned char follow[] = { 0x41, 0x80, 0x8F,
		    0x90, 0x9F, 0xA0, 0xBF, 0xC2, 0xFF };
		size_t a, b, c;

		for (a = 0; a < sizeof follow; a++)
			for (b = 0; b < sizeof follow; b++)
				for (c = 0; c < sizeof follow; c++) {
					str[0] = (char)i;
					str[1] = (char)follow[a];
					str[2] = (char)follow[b];
					str[3] = (char)follow[c];
					for (n = 1; n <= 4; n++)
						if (!same_key(str, n) &&
						    bad++ < 5)
							print_bytes("lead",
							    str, n);
				}
	}
	CHECK(bad == 0, "fast key == slow key after every lead byte, with "
	    "continuations or not, cut short");

	CHECK(strcmp(key_of("Read in full"), "readinfull") == 0,
	    "folded: case and spaces go");
	CHECK(strcmp(key_of("\xf0\x9f\x91\x89 Read in full"), "readinfull") == 0,
	    "folded: a leading emoji goes");
	CHECK(strcmp(key_of("\xf0\x9f\x93\x84 READ  in\xc2\xa0" "full!"),
	    "readinfull") == 0, "folded: no-break space, punctuation go");
	CHECK(strcmp(key_of("\xe2\x80\xa2 caf\x65\xcc\x81"),
	    key_of("caf\xc3\xa9")) == 0, "folded: NFD equals NFC, bullet goes");
	CHECK(strcmp(key_of("\xef\xac\x81\xef\xbc\xa1"), "fia") == 0,
	    "folded: compatibility forms (fi ligature, fullwidth)");
	CHECK(key_of("<...>")[0] == '\0', "folded: punctuation only is empty");
	CHECK(key_of("\xf0\x9f\x87\xb7\xf0\x9f\x87\xba")[0] == '\0',
	    "folded: a flag is empty");
	CHECK(strcmp(key_of("trade between\xe2\x80\xa6"),
	    key_of("trade between")) == 0,
	    "folded: an ellipsis folds away");
	CHECK(strcmp(key_of("\xd0\xa1\xd0\xa2\xd0\x9e"),
	    "\xd1\x81\xd1\x82\xd0\xbe") == 0, "folded: Cyrillic lower-cased");

	/* fpset: a million random fingerprints, each once. */
	fpset_init(&set, 8, 1);
	ok = 1;
	seed = rng;
	for (i = 0; i < nfp; i++) {
		fp.lo = next_rand();
		fp.hi = next_rand();
		org.para = (uint32_t)i;
		if (!fpset_insert(&set, fp, &org, &got))
			ok = 0;
	}
	CHECK(ok && set.count == nfp, "fpset: %zu distinct inserted", nfp);
	/* Re-run the sequence: every one is found, with its origin. */
	rng = seed;
	for (i = 0; i < nfp && ok; i++) {
		fp.lo = next_rand();
		fp.hi = next_rand();
		if (fpset_insert(&set, fp, &org, &got) || got.para != i ||
		    got.id != 7)
			ok = 0;
	}
	CHECK(ok && set.count == nfp, "fpset: each found again with its "
	    "origin");
	CHECK(fpset_sorted(&set, &v) == nfp, "fpset: sorted lists all");
	for (i = 1, ok = 1; i < nfp; i++)
		if (v[i - 1].hi > v[i].hi || (v[i - 1].hi == v[i].hi &&
		    v[i - 1].lo >= v[i].lo))
			ok = 0;
	CHECK(ok, "fpset: sorted is strictly ascending");
	/* Doubled at 3/4 full: at most 8/3 slots of 32 bytes a fingerprint. */
	CHECK(fpset_bytes(&set) / 32 * 3 <= nfp * 8u + 8192 * 3,
	    "fpset: at most 8/3 slots a fingerprint");
	free(v);
	fpset_release(&set);

	fpset_init(&set, 0, 0);
	fpset_reset(&set, 1000);
	fp.lo = 5;
	fp.hi = 6;
	CHECK(fpset_insert(&set, fp, NULL, NULL) == 1 &&
	    fpset_contains(&set, fp), "fpset: insert after reset");
	fpset_reset(&set, 3);
	CHECK(!fpset_contains(&set, fp) && set.count == 0,
	    "fpset: reset empties");
	fpset_release(&set);

	/* Paragraph fates. */
	memset(&o, 0, sizeof o);
	o.key = DEDUPE_FOLDED;
	o.scope = DEDUPE_RECORD;
	o.part_n = 1;
	dedupe_init(&d, &o);
	{
		const char *t = "Head\nBody one.\nBody two is long\n\n"
		    "body ONE\nBody two\xe2\x80\xa6\n\nx...";

		CHECK(dedupe_text(&d, t, strlen(t), 0, 1) == 2 &&
		    d.npara == 8 && d.para[4].fate == PARA_REPEAT &&
		    d.para[4].first.para == 2 &&
		    d.para[5].fate == PARA_TRUNCATED &&
		    d.para[5].first.para == 3 && d.para[3].fate == PARA_KEPT &&
		    d.para[6].fate == PARA_KEPT && d.para[7].fate == PARA_KEPT,
		    "record: repeat, truncated copy, empty lines kept, "
		    "no false prefix");
		CHECK(dedupe_text(&d, t, strlen(t), 0, 2) == 2,
		    "record: the next record starts afresh");
	}
	CHECK(dedupe_text(&d, "ab\\ncd\\nAB", 10, 1, 3) == 1 &&
	    d.npara == 3 && d.para[1].off == 4 && d.para[1].len == 2 &&
	    d.para[2].fate == PARA_REPEAT, "json_nl: split at \\n");
	paras = d.paras;
	CHECK(dedupe_text(&d, "ab\\ncd\\tAB", 10, 1, 4) ==
	    DEDUPE_OTHER_ESCAPES && dedupe_text(&d, "ab\\", 3, 1, 5) ==
	    DEDUPE_OTHER_ESCAPES && d.paras == paras && d.npara == 0,
	    "json_nl: another escape, or a lone backslash, changes nothing");
	dedupe_release(&d);
	o.key = DEDUPE_EXACT;
	o.min_chars = 5;
	dedupe_init(&d, &o);
	{
		const char *t = "abc\nabc\nAbcdef\nabcdef\nabcdef\nAbc...";

		CHECK(dedupe_text(&d, t, strlen(t), 0, 1) == 2 &&
		    d.para[1].fate == PARA_KEPT &&
		    d.para[3].fate == PARA_KEPT &&
		    d.para[4].fate == PARA_REPEAT &&
		    d.para[5].fate == PARA_TRUNCATED,
		    "exact: case counts, short kept, prefix of bytes");
	}
	dedupe_release(&d);

	/*
	 * Fates against a naive reference, on records of short paragraphs
	 * alike at both ends (lengths 0 to 24, around the 4 and 8 bytes the
	 * record tables hash): a paragraph is a repeat exactly when an
	 * earlier one has its slow key (its bytes, when that is empty), and
	 * its first is such a one.
	 */
	o.key = DEDUPE_FOLDED;
	o.min_chars = 0;
	dedupe_init(&d, &o);
	for (i = 0, badrand = 0; i < nrand / 20; i++) {
		static const char *const unit[] = { "a", "a", "A", "b", " ",
		    "\xd0\x94", "\xd1\x84", "!" };
		size_t off[41], len[41], np = 1 + next_rand() % 40, k, first;
		struct buf keys[41];
		char txt[41 * 26];

		for (j = 0, n = 0; j < np; j++) {
			size_t l = next_rand() % 25;
			const char *u;

			if (j > 0)
				txt[n++] = '\n';
			off[j] = n;
			while (n - off[j] < l) {
				u = unit[next_rand() % 8];
				memcpy(txt + n, u, strlen(u));
				n += strlen(u);
			}
			len[j] = n - off[j];
			buf_init(&keys[j]);
			para_key_slow(&F, txt + off[j], len[j], &keys[j]);
		}
		dedupe_text(&d, txt, n, 0, 1);
		for (j = 0; j < np; j++) {
			first = SIZE_MAX;
			for (k = 0; k < j && len[j] > 0 && first == SIZE_MAX;
			    k++)
				if (keys[k].len == keys[j].len && memcmp(
				    keys[k].data, keys[j].data, keys[j].len)
				    == 0 && (keys[j].len > 0 || (len[k] ==
				    len[j] && memcmp(txt + off[k], txt +
				    off[j], len[j]) == 0)))
					first = k;
			if ((d.para[j].fate == PARA_REPEAT) !=
			    (first != SIZE_MAX) || (first != SIZE_MAX &&
			    (d.para[j].first.para < first + 1 ||
			    d.para[j].first.para > j || keys[d.para[j].first.
			    para - 1].len != keys[j].len || memcmp(keys[d.
			    para[j].first.para - 1].data, keys[j].data,
			    keys[j].len) != 0)))
				badrand++;
		}
		for (j = 0; j < np; j++)
			buf_release(&keys[j]);
	}
	CHECK(badrand == 0, "record: repeats are those of the slow keys, "
	    "among paragraphs alike at both ends");
	dedupe_release(&d);

	/*
	 * Splitting by the bits json_known keeps equals splitting by the
	 * bytes: random json_nl texts of escapes \n, other escapes and lone
	 * backslashes (at the end too), at every offset into the mask's
	 * words, paragraphs across 32-bit words.
	 */
	dedupe_init(&d, &o);
	for (i = 0, badrand = 0; i < nrand / 20; i++) {
		static const char *const unit[] = { "a", "B", " ", "\\n",
		    "\\n", "\\n", "\xd0\x94", "\\t", "\\\"", "\\\\",
		    "abcdefghijklmnopqrstuvwxyz012345" };
		uint32_t bits[16];
		char line[520];
		size_t at = next_rand() % 40, want, got, k;
		struct para pa[64];
		size_t np;
		const char *u;

		n = 0;
		want = next_rand() % 300;
		while (n < want && n < 260) {
			/* Mostly no escape but \n: the fast path's case. */
			k = next_rand() % 11;
			if ((k == 7 || k == 8 || k == 9) && next_rand() % 8)
				k = 0;
			u = unit[k];
			memcpy(line + at + 1 + n, u, strlen(u));
			n += strlen(u);
		}
		if (next_rand() % 16 == 0)
			line[at + 1 + n++] = '\\';
		line[at] = '"';
		line[at + 1 + n] = '"';
		memset(bits, 0, sizeof bits);
		for (j = 0; j <= at + 1 + n; j++)
			if (line[j] == '"' || line[j] == '\\')
				bits[j / 32] |= 1u << j % 32;
		want = dedupe_text(&d, line + at + 1, n, 1, 1);
		np = d.npara < 64 ? d.npara : 64;
		memcpy(pa, d.para, np * sizeof *pa);
		got = dedupe_text_bits(&d, line + at + 1, n, bits, at + 1, 1);
		if (got != want || d.npara != np)
			badrand++;
		for (j = 0; j < np && j < d.npara; j++)
			if (pa[j].off != d.para[j].off ||
			    pa[j].len != d.para[j].len ||
			    pa[j].fate != d.para[j].fate)
				badrand++;
	}
	CHECK(badrand == 0, "json_nl: split by bits as by bytes");
	dedupe_release(&d);

	/* Partitions: every fingerprint has exactly one owner. */
	for (i = 0, ok = 1; i < 100000; i++) {
		fp.lo = next_rand();
		fp.hi = next_rand();
		if (fp_partition(fp, 4) > 3 || fp_partition(fp, 1) != 0)
			ok = 0;
	}
	fp.hi = UINT64_MAX;
	CHECK(ok && fp_partition(fp, 64) == 63, "partition in range");

	para_fold_release(&F);
	buf_release(&fast);
	buf_release(&slow);
	buf_release(&runs);
	return unit_status();
}
