/*
 * Unit tests for filters/lib/tags: each finder through tags_find, the
 * overlap rule, text_entities, folding and the repeat set.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/ucasemap.h>

#include "buf.h"
#include "json.h"
#include "tags.h"
#include "unit.h"
#include "utf8.h"

/* The values of kind k found in s, joined by spaces. */
static const char *
found(struct tags *t, const char *s, int k)
{
	static struct buf b = BUF_INIT;
	size_t i;

	buf_reset(&b);
	tags_find(t, s, strlen(s));
	for (i = 0; i < t->n; i++)
		if ((int)t->e[i].kind == k) {
			if (b.len > 0)
				buf_addch(&b, ' ');
			buf_add(&b, t->e[i].v, t->e[i].vlen);
		}
	return b.data;
}

/*
 * Whether tags_find with the fast paths on (fast) and off (slow) finds
 * the same entities in s[0..n), copied to a buffer of exactly n bytes so
 * the sanitizers see any read past the end.
 */
static int
same_entities(struct tags *fast, struct tags *slow, const char *s, size_t n)
{
	char *c = malloc(n > 0 ? n : 1);
	size_t i;
	int same;

	memcpy(c, s, n);
	tags_find(fast, c, n);
	tags_find(slow, c, n);
	same = fast->n == slow->n;
	for (i = 0; same && i < fast->n; i++)
		same = fast->e[i].kind == slow->e[i].kind &&
		    fast->e[i].off == slow->e[i].off &&
		    fast->e[i].len == slow->e[i].len &&
		    fast->e[i].v == slow->e[i].v &&
		    fast->e[i].vlen == slow->e[i].vlen;
	if (!same)
		printf("# fast and slow differ on '%.*s'\n", (int)n, s);
	free(c);
	return same;
}

/* The pieces random texts are made of: what the rules single out. */
static const char *const piece[] = {
	"#", "@", "$", ".", ":", "/", "?", " ", "\n", "_", "-", "'", ",", "(",
	")", "[", "]", "a", "Z", "x", "1", "0", "tag", "INCH", "BTC", "gif",
	"com", "org", "ton", "tg", "http", "https", "://", "www.", "mailto:",
	"xn--", "4111 1111 1111 1111", "\xd1\x8f", "\xd0\x94", "\xe6\x97\xa5",
	"\xe0\xa4\xae", "\xe0\xa4\xbe", "\xc2\xb7", "\xe2\x80\x8c",
	"\xe2\x80\x8d", "\xc2\xb2", "\xe0\xb6\xa0", "\xf0\x9f\x94\xa5",
	"\xef\xbc\x83", "\xc3\xa9", "\xcc\x81", "\xc2\xa0", "\xc2\xab",
};
#define NPIECE	(sizeof piece / sizeof piece[0])

#define FOUND(s, k, want) CHECK(strcmp(found(&t, s, k), want) == 0, \
	"%s %s -> '%s' (got '%s')", tags_kind_name[k], s, want, \
	found(&t, s, k))

int
main(void)
{
	struct tags t;
	struct tags_set set;
	struct buf b = BUF_INIT;
	const char *why = NULL;
	static const char te[] = "[{\"type\":\"hashtag\",\"text\":\"#A\"},"
	    "{\"type\":\"link\",\"text\":\"x.org\"},"
	    "{\"type\":\"plain\",\"text\":\"#no\"}]";

	tags_init(&t);
	FOUND("#a #b", TAGS_HASHTAG, "a b");
	FOUND("#a#b ##x a#y", TAGS_HASHTAG, "x");
	FOUND("#123 #12a #_", TAGS_HASHTAG, "12a");
	FOUND("#\xe0\xa4\xae\xe0\xa4\xb9\xe0\xa4\xbe", TAGS_HASHTAG,
	    "\xe0\xa4\xae\xe0\xa4\xb9");		/* #महा: the mark ends it */
	FOUND("\xef\xbc\x83tag", TAGS_HASHTAG, "");	/* fullwidth # */
	FOUND("#tag@bot #tag@ab", TAGS_HASHTAG, "tag@bot tag");
	FOUND("x.com/#frag #real", TAGS_HASHTAG, "real");
	FOUND("x.com/#frag #real", TAGS_URL, "x.com/#frag");
	FOUND("#http://x.com", TAGS_HASHTAG, "http");
	FOUND("#http://x.com", TAGS_URL, "");
	FOUND("@durov @ab @gif x@y", TAGS_MENTION, "durov gif");
	FOUND("@user.name", TAGS_MENTION, "user");
	FOUND("$BTC $btc $ABC1 $1INCH $BRK.B", TAGS_CASHTAG, "BTC 1INCH BRK");
	FOUND("$T@abc $$X", TAGS_CASHTAG, "T@abc");
	FOUND("a@b.com mailto:c@d.org", TAGS_URL, "");
	FOUND("a@b.com", TAGS_MENTION, "");
	FOUND("see google.com. or GOOGLE.COM, not google.Com", TAGS_URL,
	    "google.com GOOGLE.COM");
	FOUND("example.invalidtld http://example.invalidtld", TAGS_URL,
	    "http://example.invalidtld");
	FOUND("http://1.2.3.4:80/a_(b)) 999.1.1.1", TAGS_URL,
	    "http://1.2.3.4:80/a_(b)");
	FOUND("tg://resolve?domain=x ton://a tonsite://b.ton", TAGS_URL,
	    "tg://resolve?domain=x ton://a tonsite://b.ton");
	FOUND("teiegram.org/x xn--p1ai.xn--p1ai", TAGS_URL, "xn--p1ai.xn--p1ai");
	FOUND("4111 1111 1111 1111.ru 4111 1111 1111 1112.ru", TAGS_URL,
	    "1112.ru");			/* a URL inside a card number goes */
	FOUND("", TAGS_URL, "");
	FOUND(".", TAGS_URL, "");
	FOUND("a.", TAGS_URL, "");
	/* A port the text ends in: digits after the end are not its. */
	tags_find(&t, "x.com:6553" "9", 10);
	CHECK(t.n == 1 && t.e[0].len == 10,
	    "url: the port at the end of the text is read to there only");

	CHECK(tags_from_export(&t, te, strlen(te), &why) == 0 && t.n == 2 &&
	    t.e[0].kind == TAGS_HASHTAG && t.e[0].vlen == 1 &&
	    t.e[0].v[0] == 'A' && t.e[1].kind == TAGS_URL &&
	    t.e[1].vlen == 5 && memcmp(t.e[1].v, "x.org", 5) == 0,
	    "text_entities: hashtag and link taken, plain skipped");
	CHECK(tags_from_export(&t, "{}", 2, &why) == -1 && why != NULL,
	    "text_entities: an object is refused");
	CHECK(tags_from_export(&t, "[{\"type\":1,\"text\":\"x\"}]", 24,
	    &why) == -1, "text_entities: a non-string type is refused");

	tags_fold(&t, "BRICS \xc3\x89T\xc3\x89 Stra\xc3\x9f" "e", 19, &b);
	CHECK(BYTES_EQ(b.data, b.len, "brics \xc3\xa9t\xc3\xa9 strasse"),
	    "tags_fold: ASCII, accents and full folding of sharp s");

	/* The table path against ICU: every BMP code point, and mixed text. */
	{
		static const char *const pieces[] = { "A", "z", " ", "\xc3\x9f",
		    "\xd0\x91", "\xd0\xb1", "\xc4\xb0", "\xc5\xbf", "\xce\x90",
		    "\xc8\xba", "\xe1\xba\x9e", "\xe2\x84\xaa",
		    "\xe4\xb8\xad", "\xf0\x90\x90\x80", "\xd4\xb1" };
		UCaseMap *cm;
		UErrorCode err = U_ZERO_ERROR;
		char in[64], want[256];
		const char *pc;
		int32_t wn;
		unsigned seed = 5;
		size_t n, j;
		int allok = 1;

		cm = ucasemap_open(NULL, U_FOLD_CASE_DEFAULT, &err);
		for (int c = 0; c < 0x10000 + 20000 && allok; c++) {
			n = 0;
			if (c >= 0xD800 && c <= 0xDFFF)
				continue;
			if (c < 0x10000) {
				in[n++] = 'X';
				n += utf8_encode((unsigned char *)in + n,
				    (uint32_t)c);
				in[n++] = 'y';
			} else
				for (j = 0; j < 6; j++) {
					seed = seed * 1103515245 + 12345;
					pc = pieces[(seed >> 16) %
					    (sizeof pieces / sizeof pieces[0])];
					memcpy(in + n, pc, strlen(pc));
					n += strlen(pc);
				}
			wn = ucasemap_utf8FoldCase(cm, want, sizeof want, in,
			    (int32_t)n, &err);
			buf_reset(&b);
			tags_fold(&t, in, n, &b);
			if (U_FAILURE(err) || !(b.len == (size_t)wn &&
			    memcmp(b.data, want, b.len) == 0)) {
				allok = 0;
				printf("# tags_fold: '%.*s'\n", (int)n, in);
			}
		}
		ucasemap_close(cm);
		CHECK(allok, "tags_fold: the table path matches ICU");
	}

	/*
	 * tags_fold's words of ASCII against its byte loop: every length to
	 * 40 (the 1-3, 4-7 and 8-byte loads, words that overlap), all ASCII
	 * bytes, a non-ASCII character at each place, appended after text
	 * already in the buffer.
	 */
	{
		struct tags slow;
		struct buf fb = BUF_INIT;
		char in[48];
		uint32_t seed = 11;
		size_t len, at, j;
		int round, good = 1;

		tags_init(&slow);
		slow.fast = 0;
		for (round = 0; round < 300 && good; round++)
			for (len = 0; len <= 40 && good; len++)
				for (at = 0; at <= len && good; at++) {
					for (j = 0; j < len; j++) {
						seed = seed * 1103515245 +
						    12345;
						in[j] = (char)(seed >> 16 &
						    0x7F);
					}
					/* at == len: all ASCII */
					if (at < len && round % 2 == 0) {
						if (at + 2 > len)
							continue;
						memcpy(in + at, "\xc3\x89", 2);
					}
					buf_reset(&b);
					buf_reset(&fb);
					buf_addstr(&b, "pre");
					buf_addstr(&fb, "pre");
					tags_fold(&t, in, len, &b);
					tags_fold(&slow, in, len, &fb);
					good = b.len == fb.len &&
					    memcmp(b.data, fb.data, b.len) == 0;
				}
		CHECK(good, "tags_fold: ASCII by words as by bytes");
		buf_release(&fb);
		tags_release(&slow);
	}

	/*
	 * The fast paths (the AVX2 scan for trigger bytes, ASCII hashtags,
	 * the words of a URL's scheme and domain)
	 * against the slow: random texts of the pieces above, two pieces
	 * after every length of padding to 140 bytes (entities across the
	 * 32- and 64-byte blocks the scan reads, and in the last bytes it
	 * reads again), and runs around the hashtag cap.
	 */
	{
		struct tags slow;
		struct buf r = BUF_INIT;
		static const char *const pad[] = { "x", " ", "#", ".",
		    "\xd1\x8f" };
		unsigned char enc[4];
		uint32_t seed = 7;
		size_t p, k, m;
		int round, good = 1;

		tags_init(&slow);
		slow.fast = 0;
		for (round = 0; round < 20000 && good; round++) {
			buf_reset(&r);
			seed = seed * 1103515245 + 12345;
			for (k = (seed >> 16) % 200; k > 0; k--) {
				seed = seed * 1103515245 + 12345;
				buf_addstr(&r, piece[(seed >> 16) % NPIECE]);
			}
			good = same_entities(&t, &slow, r.data, r.len);
		}
		for (p = 0; p < sizeof pad / sizeof pad[0] && good; p++)
			for (k = 0; k <= 140 && good; k++)
				for (m = 0; m < NPIECE && good; m++) {
					buf_reset(&r);
					while (r.len < k)
						buf_addstr(&r, pad[p]);
					buf_addstr(&r, piece[m]);
					buf_addstr(&r, "a");
					buf_addstr(&r, piece[(m + k) % NPIECE]);
					good = same_entities(&t, &slow, r.data,
					    r.len);
				}
		for (k = 250; k <= 262 && good; k++)
			for (m = 0; m < NPIECE && good; m++) {
				buf_reset(&r);
				buf_addch(&r, '#');
				for (p = 0; p < k; p++)
					buf_addch(&r, p == k / 2 ? '1' : 'a');
				buf_addstr(&r, piece[m]);
				buf_addstr(&r, "abc");
				good = same_entities(&t, &slow, r.data, r.len);
			}
		/*
		 * The fast finder's table of hashtag characters: every BMP
		 * character in a hashtag and before a '#', met for the
		 * first time and again.
		 */
		for (k = 0x80; k < 0x10000 && good; k++) {
			if (k >= 0xD800 && k <= 0xDFFF)
				continue;
			m = utf8_encode(enc, (uint32_t)k);
			buf_reset(&r);
			buf_addstr(&r, "#a");
			buf_add(&r, enc, m);
			buf_addstr(&r, "b ");
			buf_add(&r, enc, m);
			buf_addstr(&r, "#x");
			good = same_entities(&t, &slow, r.data, r.len) &&
			    same_entities(&t, &slow, r.data, r.len);
		}
		CHECK(good, "tags_find: the fast paths find what the slow do");
		buf_release(&r);
		tags_release(&slow);
	}

	/*
	 * What tags.h promises tag-extract, which quotes them as they are:
	 * the values of hashtags, mentions and cashtags found in text, and
	 * their foldings, are JSON strings as they are.  Random texts of the
	 * pieces and of characters JSON escapes.
	 */
	{
		static const char *const esc[] = { "\"", "\\", "\t", "\x01",
		    "\x7f", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xc3\x9f",
		    "\xc4\xb0", "\xef\xac\x83" };
		struct buf r = BUF_INIT, js = BUF_INIT, fold = BUF_INIT;
		const struct tags_entity *e;
		uint32_t seed = 13;
		size_t k, i, nv = 0;
		int round, good = 1;

		for (round = 0; round < 20000 && good; round++) {
			buf_reset(&r);
			seed = seed * 1103515245 + 12345;
			for (k = (seed >> 16) % 100; k > 0; k--) {
				seed = seed * 1103515245 + 12345;
				if ((seed >> 16) % 4 == 0)
					buf_addstr(&r, esc[(seed >> 20) %
					    (sizeof esc / sizeof esc[0])]);
				else
					buf_addstr(&r, piece[(seed >> 16) %
					    NPIECE]);
			}
			tags_find(&t, r.data, r.len);
			for (i = 0; i < t.n && good; i++) {
				e = &t.e[i];
				if (e->kind == TAGS_URL)
					continue;
				nv++;
				buf_reset(&fold);
				tags_fold(&t, e->v, e->vlen, &fold);
				buf_reset(&js);
				json_add_string(&js, e->v, e->vlen);
				good = js.len == e->vlen + 2 &&
				    memcmp(js.data + 1, e->v, e->vlen) == 0;
				buf_reset(&js);
				json_add_string(&js, fold.data, fold.len);
				good &= js.len == fold.len + 2 &&
				    memcmp(js.data + 1, fold.data,
				    fold.len) == 0;
				if (!good)
					printf("# needs escapes: '%.*s'\n",
					    (int)e->vlen, e->v);
			}
		}
		CHECK(good && nv > 1000, "tags_find: hashtags, mentions and "
		    "cashtags need no JSON escapes, folded or not (%zu)", nv);
		buf_release(&r);
		buf_release(&js);
		buf_release(&fold);
	}

	tags_set_init(&set);
	CHECK(tags_set_add(&set, "a", 1) == 1 && tags_set_add(&set, "b", 1) ==
	    1 && tags_set_add(&set, "a", 1) == 0, "tags_set: repeats seen");
	for (int i = 0; i < 5000; i++) {
		char k[16];
		int n = snprintf(k, sizeof k, "k%d", i);
		if (tags_set_add(&set, k, (size_t)n) != 1)
			break;
	}
	CHECK(set.n == 5002 && tags_set_add(&set, "k4999", 5) == 0,
	    "tags_set: grows and keeps every key");
	tags_set_clear(&set);
	CHECK(set.n == 0 && tags_set_add(&set, "a", 1) == 1,
	    "tags_set: empty after clear");
	/*
	 * Sets of every size around the cut-off between comparing keys one
	 * by one and hashing them, cleared between rounds (a big round
	 * leaves slots behind), against a plain list; keys repeat, share
	 * prefixes, and one is empty.
	 */
	{
		char seen[64][8];
		int nseen, round, j, m, k, is_new, good = 1;
		uint32_t seed = 99;

		for (round = 0; round < 3000 && good; round++) {
			tags_set_clear(&set);
			nseen = 0;
			for (j = round % 61; j > 0; j--) {
				seed = seed * 1103515245 + 12345;
				k = (int)((seed >> 16) % 40);
				char key[8];
				int kn = k == 0 ? 0 : snprintf(key, sizeof key,
				    "%.*s", 1 + k % 3, k < 20 ? "aaa" : "abc");
				if (k >= 3 && k < 20)
					kn = snprintf(key, sizeof key, "t%d", k);
				for (m = 0; m < nseen; m++)
					if ((int)strlen(seen[m]) == kn &&
					    memcmp(seen[m], key, (size_t)kn) == 0)
						break;
				is_new = m == nseen;
				if (is_new) {
					memcpy(seen[nseen], key, (size_t)kn);
					seen[nseen++][kn] = '\0';
				}
				if (tags_set_add(&set, key, (size_t)kn) != is_new ||
				    set.n != (size_t)nseen)
					good = 0;
			}
		}
		CHECK(good, "tags_set: small and hashed sets agree with a list");
	}
	tags_set_release(&set);
	buf_release(&b);
	tags_release(&t);
	return unit_status();
}
