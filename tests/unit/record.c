/* Unit tests for filters/lib: buf, utf8, json, record, lines, split. */
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "record.h"
#include "split.h"
#include "utf8.h"
#include "unit.h"

static struct line
mkline(const char *s)
{
	struct line l;

	l.p = l.raw = (char *)s;
	l.len = l.rawlen = strlen(s);
	l.file = l.path = "t";
	l.no = 1;
	return l;
}

static void
test_buf(void)
{
	struct buf b = BUF_INIT;
	size_t n, k;
	char *p;
	int i, good;

	CHECK(b.len == 0 && b.data[0] == '\0', "buf: BUF_INIT is empty, NUL-terminated");
	for (i = 0; i < 1000; i++)
		buf_addstr(&b, "ab");
	CHECK(b.len == 2000 && b.data[2000] == '\0', "buf: grows, stays NUL-terminated");
	buf_reset(&b);
	buf_printf(&b, "%d-%s", 42, "x");
	CHECK(BYTES_EQ(b.data, b.len, "42-x"), "buf: printf");
	buf_add(&b, "\0z", 2);
	CHECK(b.len == 6 && b.data[4] == '\0' && b.data[5] == 'z', "buf: holds NUL bytes");
	p = buf_detach(&b, &n);
	CHECK(n == 6 && b.len == 0 && b.cap == 0, "buf: detach leaves it empty");
	free(p);
	buf_grow(&b, 0);
	CHECK(b.cap > 0 && b.data != buf_empty && b.data[0] == '\0',
	    "buf: growing by nothing allocates the NUL's room");
	buf_add(&b, "abc", 3);
	p = b.data;
	n = b.cap;
	buf_grow(&b, n - 4);
	CHECK(b.data == p && b.cap == n, "buf: exactly the room left is room");
	buf_grow(&b, n - 3);
	CHECK(b.cap > n && b.cap >= b.len + (n - 3) + 1 && BYTES_EQ(b.data,
	    b.len, "abc"), "buf: one byte more grows it");
	for (i = 0, good = 1; i < 300; i++) {
		buf_release(&b);
		for (n = 0; n < (size_t)i; n++)
			buf_addch(&b, 'a');
		for (k = 0; k < 70; k++) {
			buf_grow(&b, k);
			good &= b.cap > b.len + k && b.data[b.len] == '\0';
			memset(b.data + b.len, 'z', k + 1);	/* ASan: room */
			b.data[b.len] = '\0';
		}
	}
	CHECK(good, "buf: grow leaves room for the bytes asked and the NUL");
	buf_release(&b);
}

static void
test_utf8(void)
{
	static const struct { const char *s; size_t bad; } cases[] = {
		{ "plain ascii", 11 },
		{ "\xD0\x9F\xD1\x80\xD0\xB8", 6 },		/* Привет's start */
		{ "\xF0\x9F\x87\xB7\xF0\x9F\x87\xBA", 8 },	/* flag */
		{ "ab\xC0\xAF", 2 },				/* overlong */
		{ "ab\xE0\x80\xAF", 2 },			/* overlong 3 */
		{ "\xED\xA0\x80", 0 },				/* surrogate */
		{ "\xF4\x90\x80\x80", 0 },			/* > U+10FFFF */
		{ "a\x80", 1 },					/* lone continuation */
		{ "abcdefgh\xE2\x82", 8 },			/* truncated */
		{ "\xF5\x80\x80\x80", 0 },
		{ "\xEF\xBF\xBF", 3 },				/* U+FFFF is valid */
	};
	unsigned char enc[4];
	size_t i;
	uint32_t cp;
	int good = 1;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK(utf8_check(cases[i].s, strlen(cases[i].s)) == cases[i].bad,
		    "utf8: check case %zu", i);
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		size_t n;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		n = utf8_encode(enc, cp);
		if (utf8_valid_len(enc, enc + n) != n ||
		    utf8_decode(enc, n) != cp)
			good = 0;
	}
	CHECK(good, "utf8: every scalar value encodes, validates, decodes");
}

static void
test_json_escape(void)
{
	struct buf b = BUF_INIT;
	size_t bad;

	json_add_string(&b, "a\"b\\c\n\t\x01\x1f", 9);
	CHECK(BYTES_EQ(b.data, b.len, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\""),
	    "json: escapes quote, backslash, controls");
	buf_reset(&b);
	json_add_string(&b, "x\xE2\x80\xA8y\xE2\x80\xA9z\xE2\x80\xA6", 12);
	CHECK(BYTES_EQ(b.data, b.len, "\"x\\u2028y\\u2029z\xE2\x80\xA6\""),
	    "json: escapes U+2028 and U+2029, keeps U+2026");
	buf_reset(&b);
	json_add_string(&b, "\0", 1);
	CHECK(BYTES_EQ(b.data, b.len, "\"\\u0000\""), "json: escapes NUL");
	buf_reset(&b);
	CHECK(json_decode_string("a\\u00e9\\n\\ud83c\\uddf7\\/", 23, &b, &bad) == 0 &&
	    BYTES_EQ(b.data, b.len, "a\xC3\xA9\n\xF0\x9F\x87\xB7/"),
	    "json: decodes escapes and surrogate pairs");
	buf_reset(&b);
	CHECK(json_decode_string("ab\\ud800x", 9, &b, &bad) == -1 && bad == 2,
	    "json: refuses a lone high surrogate, at its offset");
	buf_reset(&b);
	CHECK(json_decode_string("\\udc00", 6, &b, &bad) == -1 && bad == 0,
	    "json: refuses a lone low surrogate");
	buf_release(&b);
}

/* The obvious escaper, to check the fast one against. */
static void
ref_escape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, c);
		} else if (c == '\n')
			buf_addstr(b, "\\n");
		else if (c == '\t')
			buf_addstr(b, "\\t");
		else if (c == '\r')
			buf_addstr(b, "\\r");
		else if (c == '\b')
			buf_addstr(b, "\\b");
		else if (c == '\f')
			buf_addstr(b, "\\f");
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else if (c == 0xE2 && i + 2 < n && s[i + 1] == '\x80' &&
		    (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
			buf_addstr(b, s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");
			i += 2;
		} else
			buf_addch(b, c);
	}
}

/*
 * Random strings of pieces that stress every path of json_escape, escaped
 * into buffers of every fill level (regression: the fuzzer found a write
 * past the end when a control character followed a plain prefix near a
 * full buffer).
 */
static void
test_json_escape_random(void)
{
	static const char *pieces[] = { "a", "bcdefghij", " ", "\"", "\\",
	    "\x01", "\n", "\x1f", "\xC3\xA9", "\xD0\x96", "\xE2\x80\xA8",
	    "\xE2\x80\xA9", "\xE2\x80\xA6", "\xF0\x9F\x98\x80", "\x7f",
	    "\x01\x02\x03\x04\x05\x06\x07", "abcdefg\x01", "\x02\x03" };
	struct buf in = BUF_INIT, fast = BUF_INIT, ref = BUF_INIT;
	uint32_t seed = 12345;
	size_t bad, i, j, fill;
	int good = 1;

	for (i = 0; i < 20000 && good; i++) {
		buf_reset(&in);
		for (j = (seed >> 8) % 40; j > 0; j--) {
			seed = seed * 1103515245 + 12345;
			buf_addstr(&in, pieces[(seed >> 16) %
			    (sizeof pieces / sizeof pieces[0])]);
		}
		fill = i % 97;
		buf_release(&fast);
		for (j = 0; j < fill; j++)
			buf_addch(&fast, 'x');
		buf_reset(&ref);
		for (j = 0; j < fill; j++)
			buf_addch(&ref, 'x');
		ref_escape(&ref, in.data, in.len);
		if (json_escape(&fast, in.data, in.len, &bad) != 0 ||
		    fast.len != ref.len || memcmp(fast.data, ref.data, ref.len))
			good = 0;
	}
	CHECK(good, "json: escape agrees with the obvious escaper on 20000 strings");
	for (i = 0; i < 400 && good; i++)
		for (j = 1; j < 8; j++) {
			buf_reset(&in);
			for (fill = 0; fill < i; fill++)
				buf_addch(&in, '\0');
			buf_add(&in, "abcdefg", j);
			buf_add(&in, "\x01\0\0", 3);
			buf_release(&fast);
			buf_reset(&ref);
			ref_escape(&ref, in.data, in.len);
			if (json_escape(&fast, in.data, in.len, &bad) != 0 ||
			    fast.len != ref.len ||
			    memcmp(fast.data, ref.data, ref.len))
				good = 0;
		}
	CHECK(good, "json: escape of NUL runs, a plain prefix, a control character");
	buf_reset(&fast);
	CHECK(json_escape(&fast, "abc\xE2\x80", 5, &bad) == -1 && bad == 3 &&
	    fast.len == 0, "json: escape refuses truncated UTF-8, output untouched");
	buf_release(&in);
	buf_release(&fast);
	buf_release(&ref);
}

/*
 * Fewer than max of the n pieces, at random, to b; with lines, each ends
 * with LF, or CR LF one time in nine.
 */
static void
add_pieces(struct buf *b, const char *const *pieces, size_t n,
    uint32_t *seed, size_t max, int lines)
{
	size_t j;

	*seed = *seed * 1103515245 + 12345;
	for (j = (*seed >> 8) % max; j > 0; j--) {
		*seed = *seed * 1103515245 + 12345;
		buf_addstr(b, pieces[(*seed >> 16) % n]);
		if (lines)
			buf_addstr(b, (*seed >> 4) % 9 == 0 ? "\r\n" : "\n");
	}
}

/*
 * json_add_valid_string, AVX2 or not, against json_add_string: random
 * valid strings into buffers of every fill level, and strings that grow
 * up to six times when escaped, so the output runs out of room midway.
 */
static void
test_json_add_valid_string(void)
{
	static const char *pieces[] = { "a", "bcdefghijklmnopqrstuvwxyz", " ",
	    "\"", "\\", "\x01", "\n", "\t", "\x1f", "\x7f", "\xC3\xA9",
	    "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xA6", "\xE2\x82\xAC",
	    "\xF0\x9F\x98\x80", "\xE4\xB8\xAD", "\x01\x02\x03\x04\x05" };
	struct buf in = BUF_INIT, fast = BUF_INIT, ref = BUF_INIT;
	uint32_t seed = 4242;
	size_t i, j, fill;
	int good = 1, simd;

	for (i = 0; i < 40000 && good; i++) {
		simd = json_simd(i % 4 != 0);
		buf_reset(&in);
		add_pieces(&in, pieces, sizeof pieces / sizeof pieces[0], &seed,
		    60, 0);
		if (i % 8 == 1)		/* a control per byte: \u00XX */
			for (j = 0; j < i % 300; j++)
				buf_addch(&in, (int)(j % 31) + 1);
		fill = i % 131;
		buf_release(&fast);
		buf_reset(&ref);
		for (j = 0; j < fill; j++) {
			buf_addch(&fast, 'x');
			buf_addch(&ref, 'x');
		}
		json_add_valid_string(&fast, in.data, in.len);
		json_simd(0);
		json_add_string(&ref, in.data, in.len);
		json_simd(simd);
		good &= fast.len == ref.len &&
		    memcmp(fast.data, ref.data, ref.len) == 0 &&
		    fast.data[fast.len] == '\0';
	}
	json_simd(1);
	CHECK(good, "json: add_valid_string agrees with add_string on 40000 strings");
	buf_release(&in);
	buf_release(&fast);
	buf_release(&ref);
}

/*
 * json_add_string copies short plain ASCII without json_escape, checking
 * it a word at a time (the last word overlapping): one character that
 * needs escaping or is not ASCII, at every position of every length
 * around the cut-off, must still go through the escaper, into buffers of
 * every fill level.
 */
static void
test_json_add_string_short(void)
{
	static const char *odd[] = { "\"", "\\", "\n", "\x01", "\x1f",
	    "\x7f", "\xC3\xA9", "\xE2\x80\xA8", "\xF0\x9F\x98\x80", "" };
	struct buf in = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	size_t len, pos, i, k;
	int good = 1;

	for (len = 0; len <= 72; len++)
		for (pos = 0; pos <= len; pos++)
			for (k = 0; k < sizeof odd / sizeof odd[0]; k++) {
				buf_reset(&in);
				for (i = 0; i < len; i++)
					buf_addch(&in, 'a' + (int)(i % 26));
				buf_setlen(&in, pos);
				buf_addstr(&in, odd[k]);
				for (i = pos; i < len; i++)
					buf_addch(&in, 'a' + (int)(i % 26));
				buf_release(&got);
				for (i = 0; i < (len + pos + k) % 70; i++)
					buf_addch(&got, 'x');
				buf_reset(&want);
				buf_add(&want, got.data, got.len);
				buf_addch(&want, '"');
				ref_escape(&want, in.data, in.len);
				buf_addch(&want, '"');
				json_add_string(&got, in.data, in.len);
				if (got.len != want.len ||
				    memcmp(got.data, want.data, want.len) != 0 ||
				    got.data[got.len] != '\0')
					good = 0;
			}
	CHECK(good, "json: add_string of short text, one odd character anywhere");
	buf_release(&in);
	buf_release(&got);
	buf_release(&want);
}

/*
 * json_decode_string stores straight into the room it reserves: random
 * strings of escapes and text, decoded into buffers of every fill level,
 * against what each piece stands for.
 */
static void
test_json_decode_random(void)
{
	static const char *pieces[][2] = {
		{ "a", "a" }, { "bcdefghijklmnopq", "bcdefghijklmnopq" },
		{ "\\n", "\n" }, { "\\t", "\t" }, { "\\b", "\b" },
		{ "\\f", "\f" }, { "\\r", "\r" }, { "\\\"", "\"" },
		{ "\\\\", "\\" }, { "\\/", "/" }, { "\\u0000", "" },
		{ "\\u00e9", "\xC3\xA9" }, { "\\u20AC", "\xE2\x82\xAC" },
		{ "\\ud83d\\ude00", "\xF0\x9F\x98\x80" },
		{ "\xC3\xA9", "\xC3\xA9" }, { "\\u0041", "A" },
		{ "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH",
		    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH" },
		{ "\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6x",
		    "\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6\xD0\xB6x" },
	};
	struct buf in = BUF_INIT, out = BUF_INIT, want = BUF_INIT;
	uint32_t seed = 4242;
	size_t bad, i, j, k, fill;
	int good = 1;

	/* Both ways: with AVX2 (where there is) and without. */
	for (i = 0; i < 40000 && good; i++) {
		json_simd(i % 2);
		buf_reset(&in);
		buf_reset(&want);
		fill = i % 97;
		buf_release(&out);
		for (j = 0; j < fill; j++) {
			buf_addch(&out, 'x');
			buf_addch(&want, 'x');
		}
		for (j = (seed >> 8) % 30; j > 0; j--) {
			seed = seed * 1103515245 + 12345;
			k = (seed >> 16) % (sizeof pieces / sizeof pieces[0]);
			buf_addstr(&in, pieces[k][0]);
			if (pieces[k][1][0] == '\0')
				buf_addch(&want, '\0');
			else
				buf_addstr(&want, pieces[k][1]);
		}
		if (json_decode_string(in.data, in.len, &out, &bad) != 0 ||
		    out.len != want.len ||
		    memcmp(out.data, want.data, want.len) != 0 ||
		    out.data[out.len] != '\0')
			good = 0;
	}
	json_simd(1);
	CHECK(good, "json: decode agrees with the pieces on 40000 strings, both ways");
	for (i = 0; i < 2; i++) {
		json_simd((int)i);
		buf_reset(&out);
		CHECK(json_decode_string("ab\\n\\ud800x", 11, &out, &bad) ==
		    -1 && bad == 4 && BYTES_EQ(out.data, out.len, "ab\n"),
		    "json: decode stops at a lone surrogate, what came before kept (simd %zu)",
		    i);
	}
	json_simd(1);
	buf_release(&in);
	buf_release(&out);
	buf_release(&want);
}

/*
 * The scanner's 8-byte path for runs of two-byte characters agrees with
 * the validator: every byte pair at every position of a run of Cyrillic.
 */
static void
test_json_scan_two_byte_runs(void)
{
	char str[32];
	struct json_err e;
	const char *end;
	int esc, good = 1, pos, a, b, ok;

	for (pos = 0; pos < 4; pos++)
		for (a = 0; a < 256; a++)
			for (b = 0; b < 256; b++) {
				memcpy(str, "\"\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96\"", 12);
				str[1 + 2 * pos] = (char)a;
				str[2 + 2 * pos] = (char)b;
				ok = utf8_check(str + 1, 10) == 10 &&
				    a != '"' && b != '"' && a != '\\' && b != '\\' &&
				    a >= 0x20 && b >= 0x20;
				end = json_scan_string(str, str + 12, NULL, &esc, &e);
				if (a == '\\' || b == '\\')
					continue;	/* escapes: tested above */
				if ((end == str + 12) != ok) {
					if (good)
						printf("# pos %d %02x %02x: %d\n", pos, a, b, ok);
					good = 0;
				}
			}
	CHECK(good, "json: two-byte runs scanned 8 bytes at a time agree with the validator");
}

/*
 * The scanner's and the escaper's 16- and 8-byte paths: one special byte
 * (or a two-byte character) at every offset of a long plain string ends,
 * fails or passes exactly where the rules say.
 */
static void
test_json_wide_paths(void)
{
	static const struct {
		const char *ins;
		int ok;		/* 1 scans to the end, 0 fails at the byte */
	} c[] = { { "\\n", 1 }, { "\x01", 0 }, { "\x1f", 0 }, { "\x7f", 1 },
	    { "\x80", 0 }, { "\xC3\xA9", 1 }, { "\xE2\x80\xA8", 1 },
	    { "\xFF", 0 }, { "\"", 1 } };
	char str[80];
	struct buf b = BUF_INIT, ref = BUF_INIT;
	struct json_err e;
	const char *end;
	size_t i, pos, n, bad;
	int esc, good = 1, egood = 1;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		for (pos = 0; pos < 48; pos++) {
			n = strlen(c[i].ins);
			str[0] = '"';
			memset(str + 1, 'a', 60);
			memcpy(str + 1 + pos, c[i].ins, n);
			str[61] = '"';
			end = json_scan_string(str, str + 62, NULL, &esc, &e);
			if (c[i].ins[0] == '"')
				good &= end == str + 2 + pos;
			else if (c[i].ok)
				good &= end == str + 62 &&
				    esc == (c[i].ins[0] == '\\');
			else
				good &= end == NULL && e.at == str + 1 + pos;
			if (!c[i].ok || c[i].ins[0] == '\\')
				continue;
			buf_reset(&b);
			buf_reset(&ref);
			ref_escape(&ref, str + 1, 60);
			egood &= json_escape(&b, str + 1, 60, &bad) == 0 &&
			    b.len == ref.len && memcmp(b.data, ref.data, b.len) == 0;
		}
	CHECK(good, "json: scanning stops, fails or passes at every offset of a long string");
	CHECK(egood, "json: escaping agrees at every offset of a long string");
	buf_release(&b);
	buf_release(&ref);
}

static void
test_json_scan(void)
{
	static const char *good[] = { "0", "-0.5e+10", "\"\"", "[]", "{}",
	    "[[[[{\"a\":[1,2,{}]}]]]]", "true", "null", "\"\\u0041\"" };
	static const char *bad[] = { "01", "1.", "-", "[1,]", "{\"a\"}",
	    "{\"a\":1,}", "tru", "\"\\x\"", "\"a", "[", "nul", "\"\t\"" };
	struct json_err e;
	enum json_type t;
	const char *end;
	char *deep;
	size_t i, n = 100000;
	int esc;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		end = json_scan_value(good[i], good[i] + strlen(good[i]), NULL, &t,
		    &esc, &e);
		CHECK(end == good[i] + strlen(good[i]), "json: accepts %s", good[i]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		end = json_scan_value(bad[i], bad[i] + strlen(bad[i]), NULL, &t,
		    &esc, &e);
		CHECK(end == NULL || end != bad[i] + strlen(bad[i]),
		    "json: refuses %s", bad[i]);
	}
	deep = malloc(2 * n);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	end = json_scan_value(deep, deep + 2 * n, NULL, &t, &esc, &e);
	CHECK(end == deep + 2 * n && t == JSON_ARRAY, "json: 100000 nested arrays, no recursion");
	end = json_scan_value(deep, deep + 2 * n - 1, NULL, &t, &esc, &e);
	CHECK(end == NULL, "json: unbalanced deep nesting refused");
	free(deep);
}

static void
test_record(void)
{
	struct record r;
	struct json_err e;
	struct buf out = BUF_INIT;
	const struct field *f;
	const char *s;
	size_t n;
	struct line l;

	record_init(&r);
	l = mkline("{ \"id\" : 7, \"te\\u0078t\":\"a\\nb\" ,\"n\":1.50e3 , \"text\" : \"last\" }");
	CHECK(record_parse(&r, &l, &e) == 0 && r.nf == 4, "record: parses 4 members");
	f = record_get(&r, "text");
	CHECK(f != NULL && f == &r.f[3], "record: get finds the last duplicate key");
	f = record_get(&r, "id");
	CHECK(f != NULL && BYTES_EQ(f->val, f->vallen, "7") && f->type == JSON_NUMBER,
	    "record: raw number value");
	f = &r.f[1];
	CHECK(record_string(&r, f, &s, &n) == 0 && BYTES_EQ(s, n, "a\nb"),
	    "record: decoded string value");
	CHECK(record_get(&r, "missing") == NULL, "record: missing key");
	record_render(&r, &out);
	CHECK(out.len == l.len + 1 && memcmp(out.data, l.p, l.len) == 0,
	    "record: unedited record renders byte for byte");
	buf_reset(&out);
	record_set_string(&r, "text", "x\"y", 3);
	record_set_int(&r, "id", -3);
	record_set_null(&r, "new");
	json_add_string(record_edit(&r, "tags"), "a", 1);
	record_set_string(&r, "text", "final", 5);
	record_render(&r, &out);
	CHECK(BYTES_EQ(out.data, out.len,
	    "{ \"id\" : -3, \"te\\u0078t\":\"a\\nb\" ,\"n\":1.50e3 , \"text\" : \"final\" ,\"new\":null,\"tags\":\"a\"}\n"),
	    "record: edits spliced in place, new members appended, rest untouched");

	l = mkline("{}");
	CHECK(record_parse(&r, &l, &e) == 0 && r.nf == 0, "record: empty object");
	buf_reset(&out);
	record_set_int(&r, "id", 1);
	record_render(&r, &out);
	CHECK(BYTES_EQ(out.data, out.len, "{\"id\":1}\n"), "record: add to empty object");

	/* keys alike in length or first byte, the empty key, an escaped one */
	l = mkline("{\"\":0,\"urls\":1,\"uses\":2,\"text\":3,\"t\":4,"
	    "\"\\u0075rl\":5,\"hashtags\":6}");
	CHECK(record_parse(&r, &l, &e) == 0 && r.nf == 7 &&
	    record_get(&r, "") == &r.f[0] && record_get(&r, "urls") == &r.f[1] &&
	    record_get(&r, "uses") == &r.f[2] && record_get(&r, "url") == &r.f[5] &&
	    record_get(&r, "t") == &r.f[4] && record_get(&r, "ur") == NULL &&
	    record_get(&r, "hashtag") == NULL && record_get(&r, "tex") == NULL,
	    "record: get tells apart keys of one length or one first byte");
	buf_reset(&out);
	record_set_int(&r, "hash", 1);
	record_set_int(&r, "hashtags", 2);
	record_set_int(&r, "has", 3);
	record_set_int(&r, "hash", 4);
	record_set_int(&r, "", 5);
	record_set_int(&r, "url", 6);
	record_set_int(&r, "h", 7);
	record_render(&r, &out);
	CHECK(BYTES_EQ(out.data, out.len, "{\"\":5,\"urls\":1,\"uses\":2,"
	    "\"text\":3,\"t\":4,\"\\u0075rl\":6,\"hashtags\":2,\"has\":3,"
	    "\"hash\":4,\"h\":7}\n"),
	    "record: edits of keys sharing a first byte, set again, added");

	l = mkline("[1,2]");
	CHECK(record_parse(&r, &l, &e) == -1 && strcmp(e.msg, "record is not a JSON object") == 0,
	    "record: array refused as not an object");
	l = mkline("{\"a\":1} x");
	CHECK(record_parse(&r, &l, &e) == -1 && e.at == l.p + 8,
	    "record: trailing garbage refused at its column");
	l = mkline("{\"a\":\"\xC3\"}");
	CHECK(record_parse(&r, &l, &e) == -1 && strcmp(e.msg, "invalid UTF-8") == 0,
	    "record: invalid UTF-8 refused");
	l = mkline("{\"k\":\"\\ud800\"}");
	CHECK(record_parse(&r, &l, &e) == 0 &&
	    record_string(&r, record_get(&r, "k"), &s, &n) == -1,
	    "record: lone surrogate parses but does not decode");
	record_release(&r);
	buf_release(&out);
}

/*
 * record_get against a plain search of the decoded keys, over records of
 * keys alike in first byte and length (one bit for a length), escaped ones
 * and repeats: the bits may only skip members that are not there.  Each record
 * is looked up, edited (which looks up too) and replaced by the next one
 * in the same struct, whose bits must not be the last one's.
 */
static void
test_record_lookup(void)
{
	static const char *const raw[] = { "", "a", "b", "aa", "ab", "ba",
	    "text", "tex", "hashtags", "mentions", "\\u0061", "t\\u0065xt" };
	static const char *const dec[] = { "", "a", "b", "aa", "ab", "ba",
	    "text", "tex", "hashtags", "mentions", "a", "text" };
	static const char *const look[] = { "", "a", "b", "aa", "ab", "ba",
	    "text", "tex", "hashtags", "mentions", "cashtags", "x", "texts" };
	const size_t nraw = sizeof raw / sizeof raw[0];
	struct record r;
	struct json_err e;
	struct buf line = BUF_INIT;
	struct line l;
	const struct field *f;
	unsigned long seed = 1;
	size_t keys[8], nk, i, j, k, want;
	size_t round;
	int good = 1;

	record_init(&r);
	for (round = 0; round < 3000; round++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		nk = (seed >> 33) % 7;
		buf_reset(&line);
		buf_addch(&line, '{');
		for (i = 0; i < nk; i++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			/* escaped keys set all bits: only in the later half */
			keys[i] = (seed >> 33) %
			    (round < 1500 ? nraw - 2 : nraw);
			buf_printf(&line, "%s\"%s\":%zu", i > 0 ? "," : "",
			    raw[keys[i]], i);
		}
		buf_addch(&line, '}');
		l = mkline(line.data);
		if (record_parse(&r, &l, &e) != 0) {
			good = 0;
			break;
		}
		for (j = 0; j < sizeof look / sizeof look[0]; j++) {
			want = SIZE_MAX;
			for (i = 0; i < nk; i++)
				if (strcmp(dec[keys[i]], look[j]) == 0)
					want = i;
			f = record_get(&r, look[j]);
			if ((want == SIZE_MAX) != (f == NULL) ||
			    (f != NULL && f != &r.f[want]))
				good = 0;
			if (j % 4 == round % 4) {
				record_set_int(&r, look[j], 1);
				k = r.e[r.ne - 1].field;
				if (k != want)
					good = 0;
			}
		}
	}
	CHECK(good, "record: get and edit agree with a plain search, 3000 "
	    "records of alike and escaped keys");
	record_release(&r);
	buf_release(&line);
}

static void
test_lines(void)
{
	char path[] = "/tmp/tgunitXXXXXX";
	static const char data[] = "\xEF\xBB\xBF" "one\r\n\ntwo\rx\nlast";
	char *files[] = { path, NULL };
	struct lines ls;
	struct line l;
	int fd, n = 0, good = 1;

	fd = mkstemp(path);
	if (write(fd, data, sizeof data - 1) != sizeof data - 1)
		good = 0;
	close(fd);
	lines_open(&ls, files);
	while (lines_next(&ls, &l)) {
		n++;
		if (n == 1)
			good &= BYTES_EQ(l.p, l.len, "one") && l.rawlen == 7;
		if (n == 2)
			good &= l.len == 0;
		if (n == 3)
			good &= BYTES_EQ(l.p, l.len, "two\rx") && l.no == 3;
		if (n == 4)
			good &= BYTES_EQ(l.p, l.len, "last");
	}
	lines_close(&ls);
	unlink(path);
	CHECK(good && n == 4, "lines: BOM, CRLF, blank, lone CR kept, no final LF");
}

/* Write n bytes of p to fd; 1 if all went. */
static int
put(int fd, const char *p, size_t n)
{
	return write(fd, p, n) == (ssize_t)n;
}

/*
 * Lines handed out by lines_next alone, and by lines_peek and lines_skip
 * where they can (every other line, the caller finding the LF), from a
 * mapped file and from a read one (standard input not at its start): the
 * same lines, numbers and files; never the first line of a file, which
 * may have a BOM to drop.
 */
static void
test_lines_peek(void)
{
	char p1[] = "/tmp/tgunitXXXXXX", p2[] = "/tmp/tgunitXXXXXX";
	static const char d1[] = "\xEF\xBB\xBF" "one\r\n\ntwo\nthree\r\nfour\n"
	    "five\nsix\nseven\neight\nnine";
	static const char d2[] = "x\n\xEF\xBB\xBF" "a\nb\nc\n";
	char *files[] = { p1, p2, NULL }, *in[] = { "-", p2, NULL };
	char want[512], got[512], c;
	struct lines ls;
	struct line l;
	const char *p, *q, *lf;
	size_t n, wl, gl;
	int fd, mode, saved, good = 1, first, skips[2] = { 0, 0 };

	fd = mkstemp(p1);
	good &= put(fd, d1, sizeof d1 - 1);
	close(fd);
	fd = mkstemp(p2);
	good &= put(fd, d2, sizeof d2 - 1);
	close(fd);
	for (mode = 0; mode < 2; mode++) {
		/* mode 1: p1 on standard input, one byte read: not mapped. */
		saved = dup(STDIN_FILENO);
		fd = open(p1, O_RDONLY);
		good &= read(fd, &c, 1) == 1;
		dup2(fd, STDIN_FILENO);
		close(fd);
		lines_open(&ls, mode ? in : files);
		for (wl = 0; lines_next(&ls, &l); )
			wl += (size_t)snprintf(want + wl, sizeof want - wl,
			    "%s:%llu:%.*s|", l.file, (unsigned long long)l.no,
			    (int)l.len, l.p);
		lines_close(&ls);
		if (mode)
			good &= lseek(STDIN_FILENO, 1, SEEK_SET) == 1;
		lines_open(&ls, mode ? in : files);
		for (gl = 0, first = 1;; first = !first) {
			/* One line, or two where the second has a LF. */
			if (!first && (n = lines_peek(&ls, &p)) > 0 &&
			    (lf = memchr(p, '\n', n)) != NULL &&
			    (lf == p || lf[-1] != '\r')) {
				good &= ls.no > 0;
				skips[ls.map != NULL]++;
				gl += (size_t)snprintf(got + gl,
				    sizeof got - gl, "%s:%llu:%.*s|", ls.file,
				    (unsigned long long)ls.no + 1,
				    (int)(lf - p), p);
				q = lf + 1;
				if ((lf = memchr(q, '\n', (size_t)(p + n - q))) !=
				    NULL && lf > q && lf[-1] != '\r') {
					gl += (size_t)snprintf(got + gl,
					    sizeof got - gl, "%s:%llu:%.*s|",
					    ls.file,
					    (unsigned long long)ls.no + 2,
					    (int)(lf - q), q);
					lines_skip(&ls, (size_t)(lf + 1 - p), 2);
				} else
					lines_skip(&ls, (size_t)(q - p), 1);
				continue;
			}
			if (!lines_next(&ls, &l))
				break;
			gl += (size_t)snprintf(got + gl, sizeof got - gl,
			    "%s:%llu:%.*s|", l.file, (unsigned long long)l.no,
			    (int)l.len, l.p);
		}
		lines_close(&ls);
		dup2(saved, STDIN_FILENO);
		close(saved);
		good &= wl == gl && memcmp(want, got, wl) == 0 && wl > 60;
	}
	unlink(p1);
	unlink(p2);
	CHECK(good && skips[0] >= 3 && skips[1] >= 3,
	    "lines: peek and skip hand out the lines lines_next does");
}

/*
 * A regular file is mapped up to its last LF: lines added meanwhile are
 * still read, and a file cut short ends the program with exit 74 and a
 * message, not a crash or a silent short read.
 */
static void
test_lines_map(void)
{
	char path[] = "/tmp/tgunitXXXXXX", errpath[] = "/tmp/tgunitXXXXXX";
	char *files[] = { path, NULL }, msg[200];
	char dir[] = "/tmp/tgunitXXXXXX", outpath[64];
	struct out o;
	struct lines ls;
	struct line l;
	int fd, efd, st, n = 0, good;
	size_t i;
	pid_t pid;

	fd = mkstemp(path);
	good = put(fd, "one\ntwo\n", 8);
	lines_open(&ls, files);
	good &= lines_next(&ls, &l) && BYTES_EQ(l.p, l.len, "one") &&
	    ls.map != NULL;
	good &= put(fd, "three\nfour", 10);
	while (lines_next(&ls, &l))
		if (++n == 3)
			good &= BYTES_EQ(l.p, l.len, "four") && l.no == 4;
	lines_close(&ls);
	CHECK(good && n == 3, "lines: a mapped file's added lines are read too");

	/* Past a few MiB, with the pages read let go on the way. */
	good = ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0;
	for (i = 0; i < 500000; i++) {
		snprintf(msg, sizeof msg, "%07zu\n", i);
		good &= put(fd, msg, 8);
	}
	lines_open(&ls, files);
	for (i = 0; lines_next(&ls, &l); i++) {
		snprintf(msg, sizeof msg, "%07zu", i);
		good &= l.len == 7 && memcmp(l.p, msg, 7) == 0;
		if (i == 499999)
			good &= ls.map != NULL && ls.mapdrop > 0;
	}
	lines_close(&ls);
	CHECK(good && i == 500000, "lines: 4 MB mapped, read pages let go");

	/* Cut short after its first line: in a child, which must exit 74. */
	good = ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0;
	for (i = 0; i < 4096; i++)
		good &= put(fd, "0123456789abcdef\n", 17);
	efd = mkstemp(errpath);
	good &= mkdtemp(dir) != NULL;
	snprintf(outpath, sizeof outpath, "%s/out", dir);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		dup2(efd, STDERR_FILENO);
		out_open_atomic(&o, outpath);
		lines_open(&ls, files);
		if (!lines_next(&ls, &l) || ls.map == NULL ||
		    ftruncate(fd, 17) != 0)
			_exit(1);
		while (lines_next(&ls, &l))
			;
		_exit(0);
	}
	good &= waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 74;
	n = (int)pread(efd, msg, sizeof msg - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	good &= strstr(msg, "': the file was cut short while being read") !=
	    NULL && strstr(msg, path) != NULL;
	good &= rmdir(dir) == 0;
	CHECK(good, "lines: a mapped file cut short: exit 74, a message, "
	    "no output file left");

	/* A SIGBUS that is not the mapping's is left alone. */
	if ((pid = fork()) == 0) {
		lines_open(&ls, files);
		if (!lines_next(&ls, &l) || ls.map == NULL)
			_exit(1);
		raise(SIGBUS);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	    WTERMSIG(st) == SIGBUS, "lines: another SIGBUS is not caught");
	close(fd);
	close(efd);
	unlink(path);
	unlink(errpath);
}

static void
test_split(void)
{
	struct split s;
	struct buf out = BUF_INIT;
	static const char *in[] = {
		"intro", "Forwarded from A", "Media is too big", "VIEW IN TELEGRAM",
		"body", "Please open Telegram to view this post", "VIEW IN TELEGRAM",
		"after", "Media is too big", "Please open Telegram to view this post",
	};
	size_t i, bad;
	int good = 1;

	split_init(&s, &split_defaults);
	for (i = 0; i < sizeof in / sizeof in[0]; i++)
		good &= split_line(&s, in[i], strlen(in[i]), &out, &bad) == 0;
	CHECK(good, "split: valid lines accepted");
	split_finish(&s, &out);
	CHECK(BYTES_EQ(out.data, out.len,
	    "{\"id\":1,\"source\":\"-\",\"forwarded_from\":null,\"media\":null,\"text\":\"intro\"}\n"
	    "{\"id\":2,\"source\":\"-\",\"forwarded_from\":\"A\",\"media\":\"too_big\",\"text\":\"body\"}\n"
	    "{\"id\":3,\"source\":\"-\",\"forwarded_from\":null,\"media\":\"unavailable\",\"text\":\"\"}\n"
	    "{\"id\":4,\"source\":\"-\",\"forwarded_from\":null,\"media\":null,\"text\":\"after\\nMedia is too big\\nPlease open Telegram to view this post\"}\n"),
	    "split: boundaries, chrome, markers without their button stay text");
	buf_reset(&out);
	CHECK(split_line(&s, "Forwarded from \xFF", 16, &out, &bad) == -1 &&
	    bad == 15 && out.len == 0, "split: invalid header refused at its offset");
	CHECK(split_line(&s, "ok \"q\"", 6, &out, &bad) == 0 &&
	    split_line(&s, "bad\xC3", 4, &out, &bad) == -1 && bad == 3,
	    "split: invalid text line refused");
	split_finish(&s, &out);
	CHECK(BYTES_EQ(out.data, out.len,
	    "{\"id\":1,\"source\":\"-\",\"forwarded_from\":null,\"media\":null,\"text\":\"ok \\\"q\\\"\"}\n"),
	    "split: a refused line leaves the post as it was");
	split_release(&s);
	buf_release(&out);
}

/*
 * What split writes without printf or a second escape: the digits of
 * ids past 9 and 99, a source and a channel that need escaping, and a
 * header refused at the offset of its first bad byte after the prefix,
 * leaving the post before it whole.
 */
static void
test_split_fields(void)
{
	struct split s;
	struct buf out = BUF_INIT;
	size_t i, bad;
	int good = 1;

	split_init(&s, &split_defaults);
	split_source(&s, "a \"b\"\\c\n");
	for (i = 0; i < 100; i++)
		good &= split_line(&s, "Forwarded from X", 16, &out, &bad) == 0;
	buf_reset(&out);
	good &= split_line(&s, "Forwarded from \"q\" \xE2\x80\xA8\\", 23,
	    &out, &bad) == 0;
	CHECK(good && BYTES_EQ(out.data, out.len,
	    "{\"id\":100,\"source\":\"a \\\"b\\\"\\\\c\\n\",\"forwarded_from\":\"X\",\"media\":null,\"text\":\"\"}\n"),
	    "split: a three-digit id, an escaped source");
	buf_reset(&out);
	CHECK(split_line(&s, "Forwarded from ok\xE2\x80", 19, &out, &bad) == -1 &&
	    bad == 17 && out.len == 0,
	    "split: a header refused at its first bad byte");
	CHECK(split_line(&s, "t", 1, &out, &bad) == 0, "split: text after");
	split_finish(&s, &out);
	CHECK(BYTES_EQ(out.data, out.len,
	    "{\"id\":101,\"source\":\"a \\\"b\\\"\\\\c\\n\",\"forwarded_from\":\"\\\"q\\\" \\u2028\\\\\",\"media\":null,\"text\":\"t\"}\n"),
	    "split: an escaped channel, kept through a refused header");
	split_release(&s);
	buf_release(&out);
}

/*
 * Lines fed by split_text where it takes them, else by split_line, make
 * the records split_line alone makes: markers, text starting as a marker
 * does, quotes, CR LF, bad UTF-8 (refused, left out both ways), blank
 * lines, long lines.  Flushed by split_flush after each line fed by
 * split_line (with a small n), they make the same bytes, and what stays
 * is the record being written.
 */
static void
test_split_text(void)
{
	static const char *pieces[] = { "Forwarded from A", "Forwarded", "F",
	    "Media is too big", "VIEW IN TELEGRAM", "M", "P",
	    "Please open Telegram to view this post", "", "text \"q\" \\",
	    "\xF0\x9F\x91\x89 emoji and words and more words, 40 bytes",
	    "bad \xC3 byte", "tab\there", "\xE2\x80\xA8 sep",
	    "a line of plain text long enough for two blocks of AVX2 code" };
	char path[] = "/tmp/tgunitXXXXXX";
	struct split s1, s2;
	struct buf in = BUF_INIT, out1 = BUF_INIT, out2 = BUF_INIT;
	struct buf all = BUF_INIT;
	struct out o;
	uint32_t seed = 99;
	const char *p, *lf, *end;
	size_t i, n, k, bad, fast = 0, flushed = 0, nl1, nl2;
	ssize_t got;
	int fd, good = 1;

	close(mkstemp(path));
	for (i = 0; i < 2000 && good; i++) {
		buf_reset(&in);
		add_pieces(&in, pieces, sizeof pieces / sizeof pieces[0], &seed,
		    30, 1);
		split_init(&s1, &split_defaults);
		split_init(&s2, &split_defaults);
		buf_reset(&out1);
		buf_reset(&out2);
		out_open(&o, path);
		end = in.data + in.len;
		for (p = in.data, nl1 = 0; p < end; p = lf + 1, nl1++) {
			lf = memchr(p, '\n', (size_t)(end - p));
			n = (size_t)(lf - p) - (lf > p && lf[-1] == '\r');
			(void)split_line(&s1, p, n, &out1, &bad);
		}
		for (p = in.data, nl2 = 0; p < end; nl2++, p = lf + 1) {
			if ((n = split_text(&s2, p, (size_t)(end - p), &out2,
			    &k)) > 0) {
				good &= k > 0 && p[n - 1] == '\n';
				fast += k;
				nl2 += k - 1;
				lf = p + n - 1;
				continue;
			}
			lf = memchr(p, '\n', (size_t)(end - p));
			n = (size_t)(lf - p) - (lf > p && lf[-1] == '\r');
			(void)split_line(&s2, p, n, &out2, &bad);
			flushed += split_flush(&s2, &out2, &o, 40);
			good &= out2.len == 0 || out2.data[0] == '{';
		}
		good &= nl1 == nl2;
		split_finish(&s1, &out1);
		split_finish(&s2, &out2);
		out_write(&o, out2.data, out2.len);
		out_close(&o);
		buf_reset(&all);
		fd = open(path, O_RDONLY);
		buf_grow(&all, out1.len + 1);
		got = read(fd, all.data, out1.len + 1);
		close(fd);
		good &= got == (ssize_t)out1.len && memcmp(out1.data, all.data,
		    out1.len) == 0 && s1.lines == s2.lines &&
		    s1.posts == s2.posts;
		split_release(&s1);
		split_release(&s2);
	}
	unlink(path);
	CHECK(good && fast > 1000 && flushed > 1000,
	    "split: split_text and split_line make the same records, "
	    "split_flush writes the finished ones");
	buf_release(&in);
	buf_release(&out1);
	buf_release(&out2);
	buf_release(&all);
}

/*
 * The AVX2 paths (json_simd) against the byte-by-byte code: strings of
 * valid and invalid pieces, and each piece at every offset of long ASCII,
 * Cyrillic and Chinese text, scan and escape the same way: the same end,
 * the same error at the same byte, the same output.
 */
static const char *simd_pieces[] = {
	"a", "bcdefghijklmnopqrstuvwxyz0123456789", " ", "\"", "\\\\", "\\n",
	"\\u00e9", "\\x", "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xD0\x96",
	"\xDF\xBF", "\xE2\x80\xA6", "\xE2\x80\xA8", "\xE2\x80\xA9",
	"\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
	"\xF0\x90\x80\x80", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",
	"\xE4\xB8\xAD", "\xD0\xBC\xD0\xB8\xD1\x80",
	/* invalid from here: SIMD_BAD */
	"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xC2", "\xC2\xC2",
	"\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xED\xBF\xBF",
	"\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80",
	"\xF5\x80\x80\x80", "\xF8\x88\x80\x80\x80", "\xFF", "\xE2\x80",
	"\xF0\x9F\x98", "\xE2\xA6", "\xF0\x9F\x41"
};
#define SIMD_BAD 26

/* Fewer than max random simd_pieces to s, invalid ones one time in 64. */
static void
add_simd_pieces(struct buf *s, uint32_t *seed, size_t max)
{
	size_t np = sizeof simd_pieces / sizeof simd_pieces[0], j, k;

	*seed = *seed * 1103515245 + 12345;
	for (j = (*seed >> 8) % max; j > 0; j--) {
		*seed = *seed * 1103515245 + 12345;
		k = (*seed >> 16) % 64 == 0 ?
		    SIMD_BAD + (*seed >> 4) % (np - SIMD_BAD) :
		    (*seed >> 16) % SIMD_BAD;
		buf_addstr(s, simd_pieces[k]);
	}
}

/* Scan and escape s[0..n) both ways; 1 when they agree. */
static int
simd_agree(const char *s, size_t n)
{
	static struct json_known k;
	char *q = malloc(n + 2);
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct json_err e1 = { NULL, NULL }, e2 = { NULL, NULL };
	struct json_err e3 = { NULL, NULL }, e4 = { NULL, NULL };
	struct buf c = BUF_INIT;
	const char *end1, *end2, *end3, *end4;
	size_t bad1 = 0, bad2 = 0;
	int esc1, esc2, esc3, esc4, r1, r2, known, ok, i;

	q[0] = '"';
	memcpy(q + 1, s, n);
	q[n + 1] = '"';
	json_simd(0);
	end1 = json_scan_string(q, q + n + 2, NULL, &esc1, &e1);
	end3 = json_scan_string(q, q + n + 1, NULL, &esc3, &e3);
	r1 = json_escape(&a, s, n, &bad1);
	json_simd(1);
	end2 = json_scan_string(q, q + n + 2, NULL, &esc2, &e2);
	r2 = json_escape(&b, s, n, &bad2);
	ok = end1 == end2 && (end1 == NULL ? e1.at == e2.at &&
	    strcmp(e1.msg, e2.msg) == 0 : esc1 == esc2) && r1 == r2 &&
	    (r1 != 0 ? bad1 == bad2 : a.len == b.len &&
	    memcmp(a.data, b.data, a.len) == 0);
	/* Valid text escaped without the UTF-8 check: the same, quoted. */
	if (r1 == 0) {
		json_add_valid_string(&c, s, n);
		ok &= c.len == a.len + 2 && c.data[0] == '"' &&
		    memcmp(c.data + 1, a.data, a.len) == 0 &&
		    c.data[a.len + 1] == '"';
	}
	/*
	 * The whole-line UTF-8 check, and the scans that trust it: from its
	 * bits, and without them 32 or 8 bytes at a time; to the line's end
	 * and to one byte short of it, where the bits do not stop.
	 */
	known = json_known(&k, q, n + 2);
	ok &= known == (r1 == 0);
	for (i = 0; known && i < 3; i++) {
		k.masked = i == 0;
		json_simd(i < 2);
		end2 = json_scan_string(q, q + n + 2, &k, &esc2, &e2);
		ok &= end1 == end2 && (end1 == NULL ? e1.at == e2.at &&
		    strcmp(e1.msg, e2.msg) == 0 : esc1 == esc2);
		end4 = json_scan_string(q, q + n + 1, &k, &esc4, &e4);
		ok &= end3 == end4 && (end3 == NULL ? e3.at == e4.at &&
		    strcmp(e3.msg, e4.msg) == 0 : esc3 == esc4);
	}
	json_simd(1);
	if (!ok) {
		printf("# simd disagrees on %zu bytes:", n);
		for (i = 0; i < (int)n; i++)
			printf(" %02x", (unsigned char)s[i]);
		printf("\n");
	}
	free(q);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	return ok;
}

static void
test_json_simd(void)
{
	static const char *bg[] = { "a", "\xD0\xB6", "\xE4\xB8\xAD" };
	size_t np = sizeof simd_pieces / sizeof simd_pieces[0];
	struct buf s = BUF_INIT;
	static struct json_known known;
	uint32_t seed = 777;
	size_t i, j, k, pos, blen;
	int good = 1;

	if (!json_simd(1)) {
		printf("skip json: no AVX2 here, the SIMD paths are not tested\n");
		return;
	}
	for (i = 0; i < 100000 && good; i++) {
		buf_reset(&s);
		add_simd_pieces(&s, &seed, 120);
		good &= simd_agree(s.data, s.len);
	}
	for (k = 0; k < np && good; k++)
		for (i = 0; i < sizeof bg / sizeof bg[0]; i++) {
			blen = strlen(bg[i]);
			for (pos = 0; pos < 80; pos++) {
				buf_reset(&s);
				for (j = 0; j < 120 / blen; j++)
					buf_addstr(&s, bg[i]);
				buf_setlen(&s, pos);
				buf_addstr(&s, simd_pieces[k]);
				for (j = 0; j < 60 / blen; j++)
					buf_addstr(&s, bg[i]);
				good &= simd_agree(s.data, s.len);
			}
		}
	/*
	 * Each piece at each place of texts whose lengths fall about the
	 * 16- and 32-byte edges, where the AVX2 code loads the last bytes
	 * in three ways: two 16-byte halves (16 to 31), a copy (below 16,
	 * after an escape), or the 32-byte block ending at the end.
	 */
	for (k = 0; k < np && good; k++)
		for (i = 0; i < sizeof bg / sizeof bg[0]; i++)
			for (blen = 14; blen <= 100; blen++)
				for (pos = 0; pos <= blen; pos++) {
					buf_reset(&s);
					while (s.len < blen)
						buf_addstr(&s, bg[i]);
					buf_setlen(&s, pos);
					buf_addstr(&s, simd_pieces[k]);
					while (s.len < blen)
						buf_addstr(&s, bg[i]);
					buf_setlen(&s, blen);
					good &= simd_agree(s.data, s.len);
				}
	CHECK(good, "json: AVX2 scanning and escaping agree with the byte-by-byte code");
	CHECK(!json_known(&known, "\xC3", 1) && json_known(&known, "", 0),
	    "json: UTF-8 known for the empty text, not for a cut character");
	buf_release(&s);
}

/*
 * json_escape_line against memchr and json_escape, on s[0..n) copied to a
 * block of its own size (so ASan sees a read past it), into out after
 * fill bytes; 1 when they agree.
 */
static int
escape_line_agrees(const char *s, size_t n, size_t fill)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	char *q = malloc(n + 1);
	const char *lf;
	size_t want, got, bad, i;
	int ok;

	memcpy(q, s, n);
	for (i = 0; i < fill; i++) {
		buf_addch(&a, 'x');
		buf_addch(&b, 'x');
	}
	lf = memchr(q, '\n', n);
	if (lf == NULL || (lf > q && lf[-1] == '\r') ||
	    json_escape(&a, q, (size_t)(lf - q), &bad) != 0)
		want = SIZE_MAX;
	else
		want = (size_t)(lf - q);
	if (want == SIZE_MAX)
		buf_setlen(&a, fill);
	got = json_escape_line(&b, q, n);
	ok = got == want && a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
	if (!ok) {
		printf("# json_escape_line disagrees on %zu bytes:", n);
		for (i = 0; i < n; i++)
			printf(" %02x", (unsigned char)q[i]);
		printf("\n");
	}
	free(q);
	buf_release(&a);
	buf_release(&b);
	return ok;
}

/*
 * Lines of valid and invalid pieces, a LF (or CR LF, or none) after them
 * and text of the next line; each piece and a LF at every place about the
 * 32-byte blocks; lines about json_escape_line's window (4096 bytes); with
 * and without AVX2.
 */
static void
test_json_escape_line(void)
{
	static const char *ends[] = { "\n", "\r\n", "\n\n", "", "\nnext \xD0\x96 line\n" };
	size_t np = sizeof simd_pieces / sizeof simd_pieces[0];
	struct buf s = BUF_INIT;
	uint32_t seed = 4242;
	size_t i, k, pos, len;
	int good = 1, simd;

	for (simd = 0; simd < 2; simd++) {
		json_simd(simd);
		for (i = 0; i < 20000 && good; i++) {
			buf_reset(&s);
			add_simd_pieces(&s, &seed, 80);
			buf_addstr(&s, ends[(seed >> 3) % 5]);
			good &= escape_line_agrees(s.data, s.len, i % 67);
		}
		for (k = 0; k < np && good; k++)
			for (len = 1; len <= 100; len++)
				for (pos = 0; pos < len; pos++) {
					buf_reset(&s);
					while (s.len < len)
						buf_addstr(&s, "\xF0\x9F\x98\x80 ab");
					buf_setlen(&s, pos);
					buf_addstr(&s, simd_pieces[k]);
					buf_addstr(&s, "\nxyz\"\n");
					good &= escape_line_agrees(s.data, s.len, 0);
					buf_setlen(&s, pos + strlen(simd_pieces[k]));
					good &= escape_line_agrees(s.data, s.len, 0);
				}
		for (len = 4096 - 40; len <= 4096 + 40 && good; len++)
			for (k = 0; k < 3; k++) {
				buf_reset(&s);
				while (s.len < len)
					buf_addstr(&s, k == 0 ? "a" : k == 1 ?
					    "\xD0\x96" : "\xE4\xB8\xAD");
				buf_addstr(&s, "\nmore\n");
				good &= escape_line_agrees(s.data, s.len, len % 7);
			}
	}
	json_simd(1);
	CHECK(good, "json: escape_line agrees with memchr and json_escape");
	buf_release(&s);
}

/*
 * Records about JSON_KNOWN_MAX bytes long, where json_known stops keeping
 * bits: parsed with and without AVX2, the same members, or the same error
 * at the same place, and record_valid agreeing.
 */
static void
test_json_known_edges(void)
{
	static const char *tails[] = { "\"}", "\\n\"}", "\xC3\xA9\"}",
	    "\x01\"}", "\"", "\xC3\"}", "\"  ,\"b\":[1,\"\\\"\"]}" };
	struct record r1, r2;
	struct json_err e1, e2;
	struct line l;
	char *s;
	size_t len, t, i, hlen, tlen;
	int ret1, ret2, good = 1;

	if (!json_simd(1)) {
		printf("skip json: no AVX2 here, the known bits are not tested\n");
		return;
	}
	record_init(&r1);
	record_init(&r2);
	s = malloc(JSON_KNOWN_MAX + 64);
	for (t = 0; t < sizeof tails / sizeof tails[0]; t++)
		for (len = JSON_KNOWN_MAX - 40; len <= JSON_KNOWN_MAX + 40;
		    len++) {
			tlen = strlen(tails[t]);
			hlen = strlen("{\"id\":1,\"text\":\"");
			memcpy(s, "{\"id\":1,\"text\":\"", hlen);
			for (i = hlen; i < len - tlen; i++)
				s[i] = i % 97 == 0 ? '\\' : i % 97 == 1 ? 'n' :
				    (char)('a' + i % 26);
			memcpy(s + len - tlen, tails[t], tlen);
			s[len] = '\0';
			l = mkline(s);
			json_simd(0);
			ret1 = record_parse(&r1, &l, &e1);
			json_simd(1);
			ret2 = record_parse(&r2, &l, &e2);
			good &= ret1 == ret2 && record_valid(s, len) ==
			    (ret1 == 0);
			if (ret1 == 0)
				good &= r1.nf == r2.nf && r1.f[1].vallen ==
				    r2.f[1].vallen && r1.f[1].val_escaped ==
				    r2.f[1].val_escaped;
			else
				good &= e1.at == e2.at &&
				    strcmp(e1.msg, e2.msg) == 0;
		}
	CHECK(good, "json: records about %d bytes, where the known bits stop, parse the same with AVX2",
	    JSON_KNOWN_MAX);
	free(s);
	record_release(&r1);
	record_release(&r2);
}

int
main(void)
{
	test_buf();
	test_utf8();
	test_json_escape();
	test_json_escape_random();
	test_json_add_string_short();
	test_json_add_valid_string();
	test_json_known_edges();
	test_json_decode_random();
	test_json_scan();
	test_json_scan_two_byte_runs();
	test_json_wide_paths();
	test_json_simd();
	test_json_escape_line();
	test_record();
	test_record_lookup();
	test_lines();
	test_lines_map();
	test_lines_peek();
	test_split();
	test_split_fields();
	test_split_text();
	return unit_status();
}
