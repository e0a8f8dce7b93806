/*
 * tags: Telegram's entity rules over ICU character classes; see tags.h.
 *
 * One pass finds the bytes where an entity can start ('#', '$', '@', ':'
 * and '.'), 32 at a time with AVX2, and hands each to its finder, so text
 * without them costs that pass and nothing else.
 */
#define _GNU_SOURCE	/* memrchr */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ucasemap.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <xxhash.h>

#include "json.h"
#include "tags.h"
#include "tld.h"
#include "utf8.h"
#include "util.h"

const char *const tags_field[TAGS_NKINDS] = {
	"hashtags", "mentions", "cashtags", "urls"
};
const char *const tags_kind_name[TAGS_NKINDS] = {
	"hashtag", "mention", "cashtag", "url"
};

/* TDLib's "simple categories": what the rules ask of a code point. */
enum { CL_OTHER, CL_LETTER, CL_DIGIT, CL_NUMBER, CL_SEP };

#define TAG_MAX		256	/* code points in a hashtag */
#define NAME_MAX_LEN	32	/* a username */
#define BAD_PATH_END	".:;,('?!`"

static inline int
cp_class(uint32_t c)
{
	if (c < 0x80) {
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			return CL_LETTER;
		if (c >= '0' && c <= '9')
			return CL_DIGIT;
		return c == ' ' ? CL_SEP : CL_OTHER;
	}
	switch (u_charType((UChar32)c)) {
	case U_UPPERCASE_LETTER:
	case U_LOWERCASE_LETTER:
	case U_TITLECASE_LETTER:
	case U_MODIFIER_LETTER:
	case U_OTHER_LETTER:
		return CL_LETTER;
	case U_DECIMAL_DIGIT_NUMBER:
		return CL_DIGIT;
	case U_LETTER_NUMBER:
	case U_OTHER_NUMBER:
		return CL_NUMBER;
	case U_SPACE_SEPARATOR:
	case U_LINE_SEPARATOR:
	case U_PARAGRAPH_SEPARATOR:
		return CL_SEP;
	default:
		return CL_OTHER;
	}
}

/* A hashtag character; *cl gets the class. */
static inline int
is_tag_char(uint32_t c, int *cl)
{
	*cl = cp_class(c);
	if (c == '_' || c == 0x200C || c == 0xB7 || (c >= 0xD80 && c <= 0xDFF))
		return 1;
	return *cl == CL_LETTER || *cl == CL_DIGIT;
}

/*
 * is_tag_char for the hashtag finder, which asks it of every character of
 * a hashtag in another script: past ASCII, a table of the Basic
 * Multilingual Plane filled as characters are met (0: not yet; else
 * TAGC_MET, TAGC_TAG when a hashtag character, and the class) spares
 * ICU's lookup and the switch on its answer.
 */
#define TAGC_MET	0x80
#define TAGC_TAG	0x40

/* Apart, so that the finder inlining tag_char stays small. */
__attribute__((noinline)) static int
tag_char_slow(struct tags *t, uint32_t c)
{
	int cl, tag = is_tag_char(c, &cl);

	if (c > 0xFFFF || !t->fast)
		return (tag ? TAGC_TAG : 0) | cl;
	if (t->tagc == NULL)
		t->tagc = xcalloc(0x10000, sizeof *t->tagc);
	return t->tagc[c] = (uint8_t)(TAGC_MET | (tag ? TAGC_TAG : 0) | cl);
}

static inline int
tag_char(struct tags *t, uint32_t c, int *cl)
{
	int v;

	if (c < 0x80)
		return is_tag_char(c, cl);
	if (c > 0xFFFF || t->tagc == NULL || (v = t->tagc[c]) == 0)
		v = tag_char_slow(t, c);
	*cl = v & ~(TAGC_MET | TAGC_TAG);
	return (v & TAGC_TAG) != 0;
}

static int
is_word_char(uint32_t c)
{
	int cl = cp_class(c);

	return cl == CL_LETTER || cl == CL_DIGIT || cl == CL_NUMBER || c == '_';
}

static int
is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int
is_name_char(uint32_t c)
{
	return is_alnum(c) || c == '_';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
lower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * 0x80 in the bytes of w that are c, and maybe in some after the first:
 * the lowest is the first c.
 */
static inline uint64_t
bytes_eq(uint64_t w, int c)
{
	uint64_t x = w ^ ONES * (uint64_t)c;

	return (x - ONES) & ~x & HIGHS;
}

/* lower_ascii of each of the 8 bytes of w, which must all be ASCII. */
static inline uint64_t
lower8(uint64_t w)
{
	/* from 'A' and past 'Z': no carry crosses a byte below 0x80 */
	return w | (((w + ONES * (0x80 - 'A')) & ~(w + ONES * (0x7F - 'Z')) &
	    HIGHS) >> 2);
}

/* The code point at s[i] (i < n, valid UTF-8); *next gets its end. */
static inline uint32_t
cp_at(const char *s, size_t n, size_t i, size_t *next)
{
	const unsigned char *p = (const unsigned char *)s + i;
	size_t len;

	if (*p < 0x80) {
		*next = i + 1;
		return *p;
	}
	/* Valid input: the lead byte tells the length. */
	len = *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
	if (len > n - i)	/* not reached on valid input */
		len = 1;
	*next = i + len;
	return utf8_decode(p, len);
}

/* The code point that ends at s[i] (i > 0); *start gets where it starts. */
static inline uint32_t
cp_ending(const char *s, size_t n, size_t i, size_t *start)
{
	size_t next;

	if ((unsigned char)s[i - 1] < 0x80) {	/* mostly: no search back */
		*start = i - 1;
		return (unsigned char)s[i - 1];
	}
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	*start = i;
	return cp_at(s, n, i, &next);
}

static uint32_t
cp_before(const char *s, size_t n, size_t i)
{
	size_t start;

	return cp_ending(s, n, i, &start);
}

/* Inline: a call costs about as much as adding the entity. */
static inline void
add(struct tags *t, enum tags_kind kind, size_t off, size_t len,
    size_t sigil)
{
	struct tags_entity *e;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->e = xrealloc(t->e, t->cap, sizeof *t->e);
	}
	e = &t->e[t->n++];
	e->kind = kind;
	e->off = off;
	e->len = len;
	e->v = NULL;
	e->vlen = len - sigil;
}

/*
 * Most hashtags are a few ASCII letters, digits and '_' up to an ASCII
 * byte: for those, the end of the run after the '#' at s[i] and *letter,
 * without decoding; 0 for any other run (a non-ASCII character, or as
 * long as the cap), which is walked one code point at a time.
 */
static size_t
ascii_tag_end(const char *s, size_t n, size_t i, int *letter)
{
	size_t j, lim = n - i > TAG_MAX + 1 ? i + TAG_MAX + 1 : n;
	int c, alpha = 0;

	for (j = i + 1; j < lim; j++) {
		c = (unsigned char)s[j];
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			alpha = 1;
		else if (!is_digit(c) && c != '_')
			break;
	}
	if (j - i > TAG_MAX || (j < n && (unsigned char)s[j] >= 0x80))
		return 0;
	*letter = alpha;
	return j;
}

/*
 * The finders below take the sigil (or other trigger) at s[i] and return
 * where their scan goes on: no trigger before that is theirs to look at.
 *
 * '#', not after a hashtag character; the longest run of them (the tag is
 * its first 256 code points, which must hold a letter); an optional
 * "@name" of 3-32 name characters when the run was not cut; and no '#'
 * right after all that.
 */
__attribute__((always_inline)) static inline size_t
hashtag_at(struct tags *t, const char *s, size_t n, size_t i)
{
	size_t j, k, next, cnt, end, after;
	int cl, letter, cut;

	after = i + 1;
	if (i > 0 && tag_char(t, cp_before(s, n, i), &cl))
		return after;
	cnt = 0;
	end = 0;
	letter = cut = 0;
	if (t->fast && (j = ascii_tag_end(s, n, i, &letter)) > 0)
		cnt = j - i - 1;
	else
		for (j = i + 1; j < n; j = next) {
			if (!tag_char(t, cp_at(s, n, j, &next), &cl))
				break;
			if (cnt == TAG_MAX) {
				cut = 1;
				continue;
			}
			letter |= cl == CL_LETTER;
			if (++cnt == TAG_MAX)
				end = next;
		}
	after = j;
	if (cnt == 0)
		return after;
	if (!cut)
		end = j;
	if (!cut && j < n && s[j] == '@') {
		for (k = j + 1; k < n && k - j - 1 < NAME_MAX_LEN &&
		    is_name_char((unsigned char)s[k]); k++)
			;
		if (k - j - 1 >= 3)
			end = after = k;
	}
	if ((after >= n || s[after] != '#') && letter)
		add(t, TAGS_HASHTAG, i, end - i, 1);
	return after;
}

/*
 * '$', not after a hashtag character or '$'; "1INCH" or 1-8 capital
 * letters; an optional "@name" of 3-32 name characters; then neither a
 * hashtag character nor '$'.
 */
static size_t
cashtag_at(struct tags *t, const char *s, size_t n, size_t i)
{
	size_t j, k, end, next;
	uint32_t c;
	int cl;

	if (i > 0) {
		c = cp_before(s, n, i);
		if (c == '$' || is_tag_char(c, &cl))
			return i + 1;
	}
	j = i + 1;
	if (n - j >= 5 && memcmp(s + j, "1INCH", 5) == 0)
		j += 5;
	else
		while (j < n && s[j] >= 'A' && s[j] <= 'Z')
			j++;
	if (j - i - 1 < 1 || j - i - 1 > 8)
		return j;
	end = j;
	if (j < n && s[j] == '@') {
		for (k = j + 1; k < n && is_name_char((unsigned char)s[k]); k++)
			;
		if (k - j - 1 >= 3 && k - j - 1 <= NAME_MAX_LEN)
			end = k;
	}
	if (end < n) {
		c = cp_at(s, n, end, &next);
		if (c == '$' || is_tag_char(c, &cl))
			return j;
	}
	add(t, TAGS_CASHTAG, i, end - i, 1);
	return end;
}

/* The short usernames TDLib allows (fewer than 4 characters). */
static int
short_name_ok(const char *s, size_t n)
{
	static const char *const names[] = { "gif", "nft", "pic", "ufc", "vid" };
	size_t i;

	if (n != 3)
		return 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (lower_ascii(s[0]) == names[i][0] &&
		    lower_ascii(s[1]) == names[i][1] &&
		    lower_ascii(s[2]) == names[i][2])
			return 1;
	return 0;
}

/*
 * '@', not after a word character; 2-32 name characters (the whole run);
 * no word character after; fewer than 4 only for the short names above.
 */
static size_t
mention_at(struct tags *t, const char *s, size_t n, size_t i)
{
	size_t j, next, len;

	if (i > 0 && is_word_char(cp_before(s, n, i)))
		return i + 1;
	for (j = i + 1; j < n && is_name_char((unsigned char)s[j]); j++)
		;
	len = j - i - 1;
	if (len < 2 || len > NAME_MAX_LEN ||
	    (j < n && is_word_char(cp_at(s, n, j, &next))) ||
	    (len < 4 && !short_name_ok(s + i + 1, len)))
		return j;
	add(t, TAGS_MENTION, i, j - i, 1);
	return j;
}

/* TDLib's is_url_unicode_symbol. */
static int
is_url_char(uint32_t c)
{
	if (c >= 0x2000 && c <= 0x206F)
		return c == 0x200C || c == 0x200D || (c >= 0x2010 && c <= 0x2015);
	return cp_class(c) != CL_SEP;
}

static int
is_path_char(uint32_t c)
{
	switch (c) {
	case '\n': case '<': case '>': case '"': case 0xAB: case 0xBB:
		return 0;
	default:
		return is_url_char(c);
	}
}

static int
is_user_char(uint32_t c)
{
	switch (c) {
	case '\n': case '/': case '[': case ']': case '{': case '}':
	case '(': case ')': case '\'': case '`': case '<': case '>':
	case '"': case '@': case 0xAB: case 0xBB:
		return 0;
	default:
		return is_url_char(c);
	}
}

/* Inline: it runs for every character around every '.'. */
static inline int
is_domain_char(uint32_t c)
{
	if (c < 0xC0)
		return c == '.' || c == '_' || c == '-' || c == '~' ||
		    is_alnum(c);
	return is_url_char(c);
}

static int
is_protocol_char(uint32_t c)
{
	if (c < 0x80)
		return is_alnum(c) || c == '+' || c == '-';
	return cp_class(c) != CL_SEP;
}

/*
 * The end of the path that starts with the '/', '?' or '#' at s[i]: path
 * characters, less trailing punctuation; i itself when the path is a lone
 * '?' or '#'.
 */
static size_t
path_end(const char *s, size_t n, size_t i)
{
	size_t e, next;

	for (e = i + 1; e < n && is_path_char(cp_at(s, n, e, &next)); e = next)
		;
	while (e > i + 1 && strchr(BAD_PATH_END, s[e - 1]) != NULL)
		e--;
	return s[i] == '/' || e > i + 1 ? e : i;
}

/*
 * Walk back from i over characters that pass ok, not before lo.  Inline,
 * so that ok is a direct call the compiler can inline in turn.
 */
static inline size_t
walk_back(const char *s, size_t n, size_t lo, size_t i, int (*ok)(uint32_t))
{
	size_t p;

	while (i > lo && ok(cp_ending(s, n, i, &p)))
		i = p;
	return i;
}

static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int
equals(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

/* "tg://", "ton://" and "tonsite://" links. */
static size_t
tg_url_at(struct tags *t, const char *s, size_t n, size_t i)
{
	size_t j, d, b = SIZE_MAX;

	if (n - i >= 3 && s[i + 1] == '/' && s[i + 2] == '/') {
		if (i >= 2 && lower_ascii(s[i - 2]) == 't' &&
		    lower_ascii(s[i - 1]) == 'g')
			b = i - 2;
		else if (i >= 3 && lower_ascii(s[i - 3]) == 't' &&
		    lower_ascii(s[i - 2]) == 'o' &&
		    lower_ascii(s[i - 1]) == 'n')
			b = i - 3;
		else if (i >= 7 && lower_ascii(s[i - 7]) == 't' &&
		    lower_ascii(s[i - 6]) == 'o' &&
		    lower_ascii(s[i - 5]) == 'n' &&
		    lower_ascii(s[i - 4]) == 's' &&
		    lower_ascii(s[i - 3]) == 'i' &&
		    lower_ascii(s[i - 2]) == 't' &&
		    lower_ascii(s[i - 1]) == 'e')
			b = i - 7;
	}
	if (b == SIZE_MAX)
		return i + 1;
	d = j = i + 3;
	while (j < n && j - d != 253 &&
	    (is_name_char((unsigned char)s[j]) || s[j] == '-'))
		j++;
	if (j == d)
		return j;
	if (j < n && (s[j] == '/' || s[j] == '?' || s[j] == '#'))
		j = path_end(s, n, j);
	add(t, TAGS_URL, b, j - b, 0);
	return j;
}

/* TDLib's is_email_address: user@domain with its length limits. */
static int
is_email(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n), *d;
	size_t u, i, prev, parts, dn, lb, le, labels;

	if (at == NULL || at + 1 == s + n)
		return 0;
	u = (size_t)(at - s);
	prev = parts = 0;
	for (i = 0; i < u; i++) {
		if (s[i] == '.' || s[i] == '+') {
			if (i - prev >= 27)
				return 0;
			parts++;
			prev = i + 1;
		} else if (!is_name_char((unsigned char)s[i]) && s[i] != '-')
			return 0;
	}
	if (++parts >= 12 || u - prev == 0 || u - prev >= 36)
		return 0;
	d = at + 1;
	dn = n - u - 1;
	for (i = labels = 0; i < dn; i++)
		labels += d[i] == '.';
	if (++labels <= 1 || labels > 7)
		return 0;
	for (lb = 0; lb <= dn; lb = le + 1) {
		for (le = lb; le < dn && d[le] != '.'; le++)
			;
		if (le == dn) {		/* the last: 2-8 ASCII letters */
			if (le - lb <= 1 || le - lb >= 9)
				return 0;
			for (i = lb; i < le; i++)
				if ((d[i] | 0x20) < 'a' || (d[i] | 0x20) > 'z')
					return 0;
			break;
		}
		/* 1-30 of [A-Za-z0-9_-], alphanumeric at both ends */
		if (le == lb || le - lb >= 31 ||
		    !is_alnum((unsigned char)d[lb]) ||
		    !is_alnum((unsigned char)d[le - 1]))
			return 0;
		for (i = lb; i < le; i++)
			if (!is_name_char((unsigned char)d[i]) && d[i] != '-')
				return 0;
	}
	return 1;
}

static int
tld_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/*
 * A known top-level domain: as is when all lowercase ASCII, else lowercased,
 * but not when only its first character was a capital ("Com").
 */
static int
is_known_tld(const char *s, size_t n)
{
	char low[4 * 64 + 1], orig[4 * 64 + 1];
	size_t i, next, lo = 0, first_lo = 0, first_or = 0;
	uint32_t c;

	if (n > 63)
		return 0;
	memcpy(orig, s, n);
	orig[n] = '\0';
	for (i = 0; i < n; i = next) {
		c = cp_at(s, n, i, &next);
		lo += utf8_encode((unsigned char *)low + lo,
		    (uint32_t)u_tolower((UChar32)c));
		if (i == 0) {
			first_lo = lo;
			first_or = next;
		}
	}
	low[lo] = '\0';
	if ((lo != n || memcmp(low, s, n) != 0) &&
	    strcmp(low + first_lo, orig + first_or) == 0)
		return 0;
	return bsearch(low, tld_list, TLD_COUNT, sizeof tld_list[0],
	    tld_cmp) != NULL;
}

/*
 * TDLib's fix_url: the length of the URL s[0..n) once unbalanced brackets
 * and trailing punctuation are cut from its path, or 0 when it is no URL
 * (a bad domain, or a bare domain whose top-level domain is unknown).
 * fast: the scheme and the end of the domain looked for 8 bytes at a time.
 */
static size_t
check_url(const char *s, size_t n, int fast)
{
	char head[13];
	const char *dom, *path, *p;
	size_t hn, dn, pn, i, prev, parts, pos, k;
	uint64_t w, m;
	int protocol = 0, ipv4 = 1, nondigit = 0, bal[3] = { 0, 0, 0 };

	hn = n < 10 ? n : 10;
	i = 0;
	if (fast && hn >= 8 &&
	    ((w = get_le64((const unsigned char *)s)) & HIGHS) == 0) {
		put_le64((unsigned char *)head, lower8(w));
		i = 8;
	}
	for (; i < hn; i++)
		head[i] = (char)lower_ascii(s[i]);
	head[hn] = '\0';
	dom = s;
	if (strncmp(head, "http://", 7) == 0 ||
	    strncmp(head, "https://", 8) == 0 ||
	    strncmp(head, "ftp://", 6) == 0 ||
	    strncmp(head, "tonsite://", 10) == 0) {
		dom = (const char *)memchr(s, ':', n) + 3;
		protocol = 1;
	}
	/* the domain ends at '/', '?' or '#': words first, then bytes */
	for (dn = 0, m = 0; fast && (size_t)(s + n - dom) - dn >= 8; dn += 8) {
		w = get_le64((const unsigned char *)dom + dn);
		if ((m = bytes_eq(w, '/') | bytes_eq(w, '?') |
		    bytes_eq(w, '#')) != 0) {
			dn += (size_t)__builtin_ctzll(m) / 8;
			break;
		}
	}
	for (; m == 0 && dom + dn < s + n && dom[dn] != '/' &&
	    dom[dn] != '?' && dom[dn] != '#'; dn++)
		;
	path = dom + dn;
	pn = (size_t)(s + n - path);
	if ((p = memchr(dom, '@', dn)) != NULL) {
		dn -= (size_t)(p + 1 - dom);
		dom = p + 1;
	}
	if ((p = memrchr(dom, ':', dn)) != NULL)
		dn = (size_t)(p - dom);
	if (dn == 12) {
		for (i = 0; i < 12; i++)
			head[i] = (char)lower_ascii(dom[i]);
		if (memcmp(head, "teiegram.org", 12) == 0)
			return 0;
	}
	for (pos = 0; pos < pn; pos++) {
		switch (path[pos]) {
		case '(': bal[0]++; break;
		case '[': bal[1]++; break;
		case '{': bal[2]++; break;
		case ')': bal[0]--; break;
		case ']': bal[1]--; break;
		case '}': bal[2]--; break;
		}
		if (bal[0] < 0 || bal[1] < 0 || bal[2] < 0)
			break;
	}
	while (pos > 0 && strchr(BAD_PATH_END, path[pos - 1]) != NULL)
		pos--;
	n -= pn - pos;

	prev = parts = 0;
	for (i = 0; i <= dn; i++) {
		if (i == dn || dom[i] == '.') {
			k = i - prev;
			if (k == 0 || k >= 64 || dom[i - 1] == '-')
				return 0;
			if (ipv4 && (k > 3 || (k == 3 && (dom[prev] >= '3' ||
			    (dom[prev] == '2' && (dom[prev + 1] >= '6' ||
			    (dom[prev + 1] == '5' && dom[prev + 2] >= '6'))))) ||
			    (dom[prev] == '0' && k >= 2)))
				ipv4 = 0;
			parts++;
			if (i != dn)
				prev = i + 1;
		} else if (!is_digit(dom[i]))
			ipv4 = 0, nondigit = 1;
	}
	if (parts == 1)
		return 0;
	if (ipv4 && parts == 4)
		return n;
	if (!nondigit)
		return 0;
	p = dom + prev;
	k = dn - prev;
	for (i = 0, pn = 0; i < k; i++)	/* code points in the TLD */
		pn += ((unsigned char)p[i] & 0xC0) != 0x80;
	if (pn <= 1)
		return 0;
	if (k >= 4 && memcmp(p, "xn--", 4) == 0) {
		if (k <= 5)
			return 0;
		for (i = 4; i < k; i++)
			if (!is_alnum((unsigned char)p[i]))
				return 0;
	} else {
		if (memchr(p, '_', k) != NULL || memchr(p, '-', k) != NULL)
			return 0;
		if (!protocol && !is_known_tld(p, k))
			return 0;
	}
	/* no '_' in the label before the TLD */
	for (i = prev - 1; i-- > 0; ) {
		if (dom[i] == '_')
			return 0;
		if (dom[i] == '.')
			break;
	}
	return n;
}

/* One URL candidate [b, e) of match_urls: an e-mail, a URL, or nothing. */
static void
url_candidate(struct tags *t, const char *s, size_t b, size_t e)
{
	size_t len;

	if (is_email(s + b, e - b))
		add(t, TAGS_EMAIL, b, e - b, 0);
	else if (e - b > 7 && memcmp(s + b, "mailto:", 7) == 0 &&
	    is_email(s + b + 7, e - b - 7))
		add(t, TAGS_EMAIL, b + 7, e - b - 7, 0);
	else if ((len = check_url(s + b, e - b, t->fast)) > 0)
		add(t, TAGS_URL, b, len, 0);
}

/*
 * TDLib's match_urls: around the '.' at s[dot] (not the last byte, nor
 * followed by a space), the domain characters on both sides, an optional
 * user@ part, port, path and http/https/ftp/tonsite scheme.  lo is where
 * the scan went on after the last '.'; nothing before it is looked at
 * again.
 */
static size_t
url_at(struct tags *t, const char *s, size_t n, size_t lo, size_t dot)
{
	size_t db, de, at, ue, pe, ub, udb, pb, next, k, i;
	unsigned long port;
	char proto[16];
	uint32_t c;
	int bad;

	db = walk_back(s, n, lo, dot, is_domain_char);
	at = SIZE_MAX;
	for (de = dot; de < n; de = next) {
		c = cp_at(s, n, de, &next);
		if (c == '@')
			at = de;
		else if (!is_domain_char(c))
			break;
	}
	if (at != SIZE_MAX)
		db = walk_back(s, n, lo, db, is_user_char);

	ue = de;
	if (ue < n && s[ue] == ':') {
		for (pe = ue + 1; pe < n && is_digit(s[pe]); pe++)
			;
		for (pb = ue + 1; pb < pe && s[pb] == '0'; pb++)
			;
		/* The digits by hand: strtoul would read on past pe. */
		for (port = 0, i = pb; i < pe && i - pb < 6; i++)
			port = port * 10 + (unsigned long)(s[i] - '0');
		if (pb != pe && pe - pb <= 5 && port <= 65535)
			ue = pe;
	}
	if (ue < n && (s[ue] == '/' || s[ue] == '?' || s[ue] == '#'))
		ue = path_end(s, n, ue);
	while (ue > dot + 1 && s[ue - 1] == '.')
		ue--;

	bad = 0;
	ub = db;
	if (ub != lo && s[ub - 1] == '@') {
		if (at != SIZE_MAX)
			bad = 1;
		udb = walk_back(s, n, lo, ub - 1, is_user_char);
		if (udb == ub - 1)
			bad = 1;
		ub = udb;
	}
	if (ub != lo) {
		if (ub - lo >= 6 && memcmp(s + ub - 3, "://", 3) == 0) {
			pb = walk_back(s, n, lo, ub - 3,
			    is_protocol_char);
			k = ub - 3 - pb;
			if (k > sizeof proto)	/* only the tail counts */
				pb = ub - 3 - (k = sizeof proto);
			for (i = 0; i < k; i++)
				proto[i] = (char)lower_ascii(s[pb + i]);
			if (ends_with(proto, k, "http") &&
			    !equals(proto, k, "shttp"))
				ub -= 7;
			else if (ends_with(proto, k, "https"))
				ub -= 8;
			else if (ends_with(proto, k, "ftp") &&
			    !equals(proto, k, "tftp") &&
			    !equals(proto, k, "sftp"))
				ub -= 6;
			else if (ends_with(proto, k, "tonsite"))
				ub -= 10;
			else
				bad = 1;
		} else {
			c = cp_before(s, n, ub);
			if (is_word_char(c) || c == '/' || c == '#' ||
			    c == '@')
				bad = 1;
		}
	}

	if (!bad) {
		if (ue > dot + 1)
			url_candidate(t, s, ub, ue);
		while (ue < n && s[ue] == '.')
			ue++;
	} else
		while (s[ue - 1] != '.')
			ue--;
	if (ue <= dot)
		ue = dot + 1;
	return ue;
}

/*
 * TDLib's bank card numbers: 13-19 digits with spaces or dashes, passing
 * Luhn and the issuers' lengths.  Never reported; a URL or e-mail that
 * starts inside one ("4111 1111 1111 1111.ru") is dropped, as in Telegram.
 */
static int
card_valid(const char *s, size_t n)
{
	/* zeroed for GCC, which cannot see that 13 or more digits come */
	int d[19] = { 0 }, nd = 0, sum = 0, i, p2, p4;
	size_t k;

	for (k = 0; k < n; k++)
		if (is_digit(s[k]))
			d[nd++] = s[k] - '0';
	for (i = nd - 1; i >= 0; i--)
		sum += (nd - 1 - i) % 2 == 0 ? d[i] :
		    (d[i] < 5 ? 2 * d[i] : 2 * d[i] - 9);
	if (sum % 10 != 0)
		return 0;
	p2 = d[0] * 10 + d[1];
	p4 = p2 * 100 + d[2] * 10 + d[3];
	if (d[0] == 4)
		return nd == 13 || nd == 16 || nd == 18 || nd == 19;
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return nd == 16;
	if (p2 == 34 || p2 == 37)
		return nd == 15;
	if (p2 == 62 || p2 == 81)
		return nd >= 16;
	if (p4 >= 2200 && p4 <= 2204)
		return nd == 16;
	return 1;
}

static void
find_cards(struct tags *t, const char *s, size_t n)
{
	size_t i = 0, b, e, digits, next;
	uint32_t c;

	for (;;) {
		while (i < n && !is_digit(s[i]))
			i++;
		if (i == n)
			break;
		if (i > 0) {
			c = cp_before(s, n, i);
			if (c == '.' || c == ',' || c == '+' || c == '-' ||
			    c == '_' || cp_class(c) == CL_LETTER) {
				while (i < n && (is_digit(s[i]) || s[i] == ' ' ||
				    s[i] == '-'))
					i++;
				continue;
			}
		}
		for (b = i, digits = 0; i < n && (is_digit(s[i]) ||
		    s[i] == ' ' || s[i] == '-'); i++) {
			if (s[i] == ' ' && digits >= 16 && digits <= 19 &&
			    digits == i - b)
				break;	/* a card written without gaps */
			digits += is_digit(s[i]);
		}
		if (digits < 13 || digits > 19)
			continue;
		for (e = i; !is_digit(s[e - 1]); e--)
			;
		if (e - b > 2 * digits - 1)
			continue;
		if (e < n) {
			c = cp_at(s, n, e, &next);
			if (c == '-' || c == '_' || cp_class(c) == CL_LETTER)
				continue;
		}
		if (card_valid(s + b, e - b))
			add(t, TAGS_CARD, b, e - b, 0);
	}
}

/* s[i] and the byte before it could both belong to a card number. */
static int
in_card_chars(const char *s, size_t i)
{
	return i > 0 && (is_digit(s[i]) || s[i] == '-') &&
	    (is_digit(s[i - 1]) || s[i - 1] == ' ' || s[i - 1] == '-');
}

static int
entity_cmp(const void *a, const void *b)
{
	const struct tags_entity *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * Where the finders start: '#', '$', '.', ':' and '@'.  Text has few of
 * them, so one pass looks for all five and hands each to its finder.
 */
static int
is_trigger(unsigned char c)
{
	return c == '#' || c == '$' || c == '.' || c == ':' || c == '@';
}

/* The first trigger in s[i..n), or n. */
static size_t
next_trigger_slow(const char *s, size_t n, size_t i)
{
	while (i < n && !is_trigger((unsigned char)s[i]))
		i++;
	return i;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/*
 * 0xFF for each of the 32 bytes at p that is a trigger, else 0.  No two
 * triggers share a low nibble, so one shuffle gives for each byte the high
 * nibble the trigger with its low nibble has (0xFF: none), and the byte is
 * that trigger when its high nibble matches.  Bytes from 0x80 shuffle to
 * 0, which their high nibble never is.
 */
__attribute__((target("avx2"))) static inline __m256i
triggers32(const unsigned char *p)
{
	const __m256i high_of = _mm256_setr_epi8(
	    4, -1, -1, 2, 2, -1, -1, -1, -1, -1, 3, -1, -1, -1, 2, -1,
	    4, -1, -1, 2, 2, -1, -1, -1, -1, -1, 3, -1, -1, -1, 2, -1);
	__m256i v = _mm256_loadu_si256((const __m256i *)p);
	__m256i high = _mm256_and_si256(_mm256_srli_epi16(v, 4),
	    _mm256_set1_epi8(0x0F));

	return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(high_of, v), high);
}

/*
 * next_trigger_slow 64 bytes at a time while there are none, then 32;
 * the last bytes as part of the last 32 again, or from a copy.
 */
__attribute__((target("avx2"))) static size_t
next_trigger_avx2(const char *s, size_t n, size_t i)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char last[32];
	__m256i a;
	uint32_t m;

	for (; n - i >= 64; i += 64) {
		a = _mm256_or_si256(triggers32(p + i), triggers32(p + i + 32));
		if (!_mm256_testz_si256(a, a))
			break;
	}
	for (; n - i >= 32; i += 32)
		if ((m = (uint32_t)_mm256_movemask_epi8(triggers32(p + i))) != 0)
			return i + (size_t)__builtin_ctz(m);
	if (i == n)
		return n;
	if (n >= 32)
		m = (uint32_t)_mm256_movemask_epi8(triggers32(p + n - 32)) >>
		    (32 - (n - i));
	else {
		memset(last, 0, sizeof last);
		memcpy(last, p + i, n - i);
		m = (uint32_t)_mm256_movemask_epi8(triggers32(last));
	}
	return m != 0 ? i + (size_t)__builtin_ctz(m) : n;
}
#endif

static size_t
next_trigger(int avx2, const char *s, size_t n, size_t i)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (avx2)
		return next_trigger_avx2(s, n, i);
#endif
	(void)avx2;
	return next_trigger_slow(s, n, i);
}

void
tags_find(struct tags *t, const char *s, size_t n)
{
	/* where each finder goes on; a trigger before it is not looked at */
	size_t hash = 0, cash = 0, mention = 0, tg = 0, url = 0;
	size_t i, kept, end;
	int avx2 = t->fast && cpu_avx2();
	struct tags_entity *e;

	t->n = 0;
	for (i = next_trigger(avx2, s, n, 0); i < n;
	    i = next_trigger(avx2, s, n, i + 1))
		switch (s[i]) {
		case '#':
			if (i >= hash)
				hash = hashtag_at(t, s, n, i);
			break;
		case '$':
			if (i >= cash)
				cash = cashtag_at(t, s, n, i);
			break;
		case '@':
			if (i >= mention)
				mention = mention_at(t, s, n, i);
			break;
		case ':':
			if (i >= tg && n - tg > 5)
				tg = tg_url_at(t, s, n, i);
			break;
		case '.':
			if (i >= url && i + 1 < n)
				url = url_at(t, s, n, url, i);
			break;
		}
	/* a card matters only when a URL or e-mail may start inside one */
	for (i = 0; i < t->n; i++)
		if (t->e[i].kind >= TAGS_URL &&
		    in_card_chars(s, t->e[i].off)) {
			find_cards(t, s, n);
			break;
		}
	/*
	 * Each entity was found at its trigger, in text order, but a URL
	 * starts before its '.' and the cards come last.  Entities that
	 * compare equal are alike in every field: any sort gives one order.
	 */
	for (i = 1; i < t->n && entity_cmp(&t->e[i - 1], &t->e[i]) < 0; i++)
		;
	if (i < t->n)
		qsort(t->e, t->n, sizeof *t->e, entity_cmp);
	/* an entity starting inside a kept one goes, as do e-mails, cards */
	for (i = kept = end = 0; i < t->n; i++) {
		e = &t->e[i];
		if (i > 0 && e->off < end)
			continue;
		end = e->off + e->len;
		if (e->kind >= TAGS_NKINDS)
			continue;
		e->v = s + e->off + (e->len - e->vlen);
		if (kept != i)
			t->e[kept] = *e;
		kept++;
	}
	t->n = kept;
}

/* Compare a JSON string body (between quotes) with a literal. */
static int
json_key_is(const char *k, size_t n, int escaped, const char *lit,
    struct buf *tmp)
{
	size_t bad;

	if (!escaped)
		return equals(k, n, lit);
	buf_reset(tmp);
	if (json_decode_string(k, n, tmp, &bad) != 0)
		return 0;
	return equals(tmp->data, tmp->len, lit);
}

int
tags_from_export(struct tags *t, const char *json, size_t n,
    const char **why)
{
	static const struct { const char *type; enum tags_kind kind;
	    char sigil; } types[] = {
		{ "hashtag", TAGS_HASHTAG, '#' },
		{ "mention", TAGS_MENTION, '@' },
		{ "cashtag", TAGS_CASHTAG, '$' },
		{ "link", TAGS_URL, 0 },
	};
	const char *p = json, *end = json + n, *k, *kend, *v, *vend;
	const char *type, *text;
	size_t typelen = 0, textlen = 0, i, bad, start;
	struct buf tmp = BUF_INIT;
	struct json_err err;
	enum json_type vt;
	int kesc, vesc, typeesc = 0, rc = -1;

	t->n = 0;
	buf_reset(&t->store);
	p = json_skip_ws(p, end);
	if (p == end || *p != '[') {
		*why = "'text_entities' is not an array";
		return -1;
	}
	p = json_skip_ws(p + 1, end);
	while (p < end && *p != ']') {
		if (*p != '{') {
			*why = "'text_entities' holds a non-object";
			goto out;
		}
		type = text = NULL;
		p = json_skip_ws(p + 1, end);
		while (*p != '}') {
			k = p + 1;
			kend = json_scan_string(p, end, NULL, &kesc, &err);
			p = json_skip_ws(kend, end);
			p = json_skip_ws(p + 1, end);		/* ':' */
			v = p;
			vend = json_scan_value(p, end, NULL, &vt, &vesc, &err);
			if (json_key_is(k, (size_t)(kend - 1 - k), kesc,
			    "type", &tmp)) {
				type = vt == JSON_STRING ? v + 1 : NULL;
				typelen = (size_t)(vend - v) - 2;
				typeesc = vesc;
				if (type == NULL) {
					*why = "a 'type' in 'text_entities' "
					    "is not a string";
					goto out;
				}
			} else if (json_key_is(k, (size_t)(kend - 1 - k), kesc,
			    "text", &tmp)) {
				text = vt == JSON_STRING ? v + 1 : NULL;
				textlen = (size_t)(vend - v) - 2;
				if (text == NULL) {
					*why = "a 'text' in 'text_entities' "
					    "is not a string";
					goto out;
				}
			}
			p = json_skip_ws(vend, end);
			if (*p == ',')
				p = json_skip_ws(p + 1, end);
		}
		p = json_skip_ws(p + 1, end);
		if (*p == ',')
			p = json_skip_ws(p + 1, end);
		if (type == NULL || text == NULL) {
			*why = "an element of 'text_entities' lacks 'type' "
			    "or 'text'";
			goto out;
		}
		for (i = 0; i < sizeof types / sizeof types[0]; i++)
			if (json_key_is(type, typelen, typeesc, types[i].type,
			    &tmp))
				break;
		if (i == sizeof types / sizeof types[0])
			continue;
		start = t->store.len;
		if (json_decode_string(text, textlen, &t->store, &bad) != 0) {
			*why = "a 'text' in 'text_entities' holds an escaped "
			    "lone surrogate";
			goto out;
		}
		if (types[i].sigil != 0 && t->store.len > start &&
		    t->store.data[start] == types[i].sigil)
			start++;
		if (t->store.len == start)
			continue;
		add(t, types[i].kind, start, t->store.len - start, 0);
	}
	for (i = 0; i < t->n; i++)
		t->e[i].v = t->store.data + t->e[i].off;
	rc = 0;
out:
	buf_release(&tmp);
	if (rc != 0)
		t->n = 0;
	return rc;
}

/*
 * Folding goes one code point at a time.  What a code point of the Basic
 * Multilingual Plane folds to when that is one such code point, else 0;
 * the table is filled as code points are met.  0 in the table is a code
 * point not met yet (calloc's pages cost nothing until used); FOLD_NONE,
 * a surrogate, is one that folds to something else.
 */
#define FOLD_NONE	0xD800

static inline uint32_t
fold_bmp(struct tags *t, uint32_t c)
{
	UErrorCode err = U_ZERO_ERROR;
	UChar u = (UChar)c, f[4];
	int32_t len;

	if (t->fold == NULL)
		t->fold = xcalloc(0x10000, sizeof *t->fold);
	if (t->fold[c] == 0) {
		len = u_strFoldCase(f, 4, &u, 1, U_FOLD_CASE_DEFAULT, &err);
		if (U_FAILURE(err))
			die(EX_SOFTWARE, "case folding failed: %s",
			    u_errorName(err));
		t->fold[c] = len == 1 && !U16_IS_SURROGATE(f[0]) ? f[0] :
		    FOLD_NONE;
	}
	return t->fold[c] != FOLD_NONE ? t->fold[c] : 0;
}

/*
 * tags_fold of ASCII s[0..n) to d, a word at a time (the last word may
 * overlap the one before: lowercasing twice does no harm); 0 with nothing
 * written if s is not all ASCII.  Hashtags are mostly a few ASCII bytes,
 * which a loop would take one at a time twice over.
 */
static int
fold_ascii(const unsigned char *s, size_t n, unsigned char *d)
{
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t w = 0, v;
	size_t i;

	if (n >= 8) {
		for (i = 0; i < n; i += 8)
			w |= get_le64(s + (i + 8 <= n ? i : n - 8));
		if (w & high)
			return 0;
		for (i = 0; i + 8 < n; i += 8)
			put_le64(d + i, lower8(get_le64(s + i)));
		put_le64(d + n - 8, lower8(get_le64(s + n - 8)));
	} else if (n >= 4) {
		w = get_le32(s);
		v = get_le32(s + n - 4);
		if ((w | v) & high)
			return 0;
		put_le32(d, (uint32_t)lower8(w));
		put_le32(d + n - 4, (uint32_t)lower8(v));
	} else if (n > 0) {
		/* 1 to 3 bytes: the first, the middle and the last */
		w = s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
		if (w & high)
			return 0;
		w = lower8(w);
		d[0] = (unsigned char)w;
		d[n / 2] = (unsigned char)(w >> 8);
		d[n - 1] = (unsigned char)(w >> 16);
	}
	return 1;
}

void
tags_fold(struct tags *t, const char *s, size_t n, struct buf *out)
{
	UErrorCode err = U_ZERO_ERROR;
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k, cap;
	int32_t len;
	uint32_t c;
	unsigned char *d;

	buf_grow(out, 3 * n);
	d = (unsigned char *)out->data + out->len;
	if (t->fast) {
		if (fold_ascii(p, n, d)) {	/* the common case */
			buf_setlen(out, out->len + n);
			return;
		}
	} else {
		for (i = 0; i < n && p[i] < 0x80; i++)
			;
		if (i == n) {
			for (i = 0; i < n; i++)
				d[i] = (unsigned char)lower_ascii(s[i]);
			buf_setlen(out, out->len + n);
			return;
		}
	}
	/*
	 * Without ICU's string functions while each character folds to one
	 * of the BMP: no more than three bytes for at least one.
	 */
	for (i = 0; i < n; i = k) {
		if (p[i] < 0x80) {
			*d++ = (unsigned char)lower_ascii(s[i]);
			k = i + 1;
			continue;
		}
		if ((c = cp_at(s, n, i, &k)) > 0xFFFF ||
		    (c = fold_bmp(t, c)) == 0)
			break;
		/* utf8_encode's work for the BMP, without its call */
		if (c < 0x80)
			*d++ = (unsigned char)c;
		else if (c < 0x800) {
			d[0] = (unsigned char)(0xC0 | c >> 6);
			d[1] = (unsigned char)(0x80 | (c & 0x3F));
			d += 2;
		} else {
			d[0] = (unsigned char)(0xE0 | c >> 12);
			d[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			d[2] = (unsigned char)(0x80 | (c & 0x3F));
			d += 3;
		}
	}
	if (i == n) {
		buf_setlen(out, (size_t)(d - (unsigned char *)out->data));
		return;
	}
	if (t->casemap == NULL) {
		t->casemap = ucasemap_open(NULL, U_FOLD_CASE_DEFAULT, &err);
		if (U_FAILURE(err))
			die(EX_SOFTWARE, "cannot open ICU case map: %s",
			    u_errorName(err));
	}
	if (n > INT32_MAX / 4)
		die(EX_SOFTWARE, "value too long to case-fold");
	cap = 3 * n + 16;	/* folding grows UTF-8 at most threefold */
	buf_grow(out, cap);
	len = ucasemap_utf8FoldCase(t->casemap, out->data + out->len,
	    (int32_t)cap, s, (int32_t)n, &err);
	if (U_FAILURE(err))
		die(EX_SOFTWARE, "case folding failed: %s", u_errorName(err));
	buf_setlen(out, out->len + (size_t)len);
}

void
tags_init(struct tags *t)
{
	memset(t, 0, sizeof *t);
	buf_init(&t->store);
	t->fast = 1;
}

void
tags_release(struct tags *t)
{
	free(t->e);
	buf_release(&t->store);
	if (t->casemap != NULL)
		ucasemap_close(t->casemap);
	free(t->fold);
	free(t->tagc);
	memset(t, 0, sizeof *t);
}

void
tags_set_init(struct tags_set *ts)
{
	memset(ts, 0, sizeof *ts);
	buf_init(&ts->keys);
}

void
tags_set_release(struct tags_set *ts)
{
	buf_release(&ts->keys);
	free(ts->off);
	free(ts->slot);
	memset(ts, 0, sizeof *ts);
}

void
tags_set_clear(struct tags_set *ts)
{
	if (ts->n == 0)
		return;
	buf_reset(&ts->keys);
	ts->n = 0;
	/* the slots are filled again when the set outgrows SET_SMALL */
	if (ts->nslot > 1024) {	/* one huge record must not slow the rest */
		free(ts->slot);
		ts->slot = NULL;
		ts->nslot = 0;
	}
}

/* A slot: the key's hash in the high half, 1 + its index in the low. */
#define SLOT_HASH(v)	((v) & ~(uint64_t)0xFFFFFFFF)

static size_t
set_find(const struct tags_set *ts, const char *key, size_t n, uint64_t h,
    int *found)
{
	size_t mask = ts->nslot - 1, i = (size_t)h & mask, k;

	for (;; i = (i + 1) & mask) {
		if (ts->slot[i] == 0) {
			*found = 0;
			return i;
		}
		if (SLOT_HASH(ts->slot[i]) != SLOT_HASH(h))
			continue;
		k = (size_t)(ts->slot[i] & 0xFFFFFFFF) - 1;
		if (ts->off[k + 1] - ts->off[k] == n &&
		    memcmp(ts->keys.data + ts->off[k], key, n) == 0) {
			*found = 1;
			return i;
		}
	}
}

/*
 * A record has a few values of a kind: up to SET_SMALL keys are compared
 * one by one, without hashing; the slots hold all keys only past that.
 */
#define SET_SMALL	8

/* Hash every key into nslot empty slots. */
static void
set_rehash(struct tags_set *ts, size_t nslot)
{
	size_t i, j, mask = nslot - 1;
	uint64_t h;

	if (nslot != ts->nslot) {
		free(ts->slot);
		ts->slot = xcalloc(nslot, sizeof *ts->slot);
		ts->nslot = nslot;
	} else
		memset(ts->slot, 0, nslot * sizeof *ts->slot);
	for (i = 0; i < ts->n; i++) {
		h = XXH3_64bits(ts->keys.data + ts->off[i],
		    ts->off[i + 1] - ts->off[i]);
		for (j = (size_t)h & mask; ts->slot[j] != 0; j = (j + 1) & mask)
			;
		ts->slot[j] = SLOT_HASH(h) | (uint64_t)(i + 1);
	}
}

/* Inline: it runs for every value, and its call cost about as much. */
static inline void
set_append(struct tags_set *ts, const char *key, size_t n)
{
	if (ts->n + 2 > ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 32;
		ts->off = xrealloc(ts->off, ts->cap, sizeof *ts->off);
	}
	if (ts->n == 0)
		ts->off[0] = 0;
	/* buf_add's work, without its call: this runs for every value */
	buf_grow(&ts->keys, n);
	memcpy(ts->keys.data + ts->keys.len, key, n);
	buf_setlen(&ts->keys, ts->keys.len + n);
	ts->off[++ts->n] = ts->keys.len;
}

int
tags_set_add(struct tags_set *ts, const char *key, size_t n)
{
	uint64_t h;
	size_t i;
	int found;

	if (ts->n <= SET_SMALL) {
		for (i = 0; i < ts->n; i++)
			if (ts->off[i + 1] - ts->off[i] == n &&
			    memcmp(ts->keys.data + ts->off[i], key, n) == 0)
				return 0;
		set_append(ts, key, n);
		if (ts->n > SET_SMALL)
			set_rehash(ts, ts->nslot > 32 ? ts->nslot : 32);
		return 1;
	}
	if (2 * (ts->n + 1) > ts->nslot)
		set_rehash(ts, 2 * ts->nslot);
	h = XXH3_64bits(key, n);
	i = set_find(ts, key, n, h, &found);
	if (found)
		return 0;
	set_append(ts, key, n);
	ts->slot[i] = SLOT_HASH(h) | (uint64_t)ts->n;
	return 1;
}
