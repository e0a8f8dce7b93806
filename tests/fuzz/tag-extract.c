/*
 * libFuzzer target for tags_find.  The input's valid UTF-8 prefix is the
 * text; the oracle: every entity lies inside the text, starts and ends on
 * code point boundaries, carries its sigil, its value is the tail of its
 * span, and entities come in text order without overlapping.  The same
 * bytes also go through tags_from_export when they happen to be JSON.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tags.h"
#include "utf8.h"

static int
boundary(const char *s, size_t n, size_t i)
{
	return i == n || ((unsigned char)s[i] & 0xC0) != 0x80;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sigil[] = { '#', '@', '$' };
	const char *s = (const char *)data, *why;
	size_t n = utf8_check(s, size), i, end = 0;
	const struct tags_entity *e;
	struct tags t;
	struct json_err err;
	enum json_type type;
	int esc;

	tags_init(&t);
	tags_find(&t, s, n);
	for (i = 0; i < t.n; i++) {
		e = &t.e[i];
		if ((int)e->kind < 0 || e->kind >= TAGS_NKINDS ||
		    e->off < end || e->len == 0 || e->off + e->len > n ||
		    !boundary(s, n, e->off) || !boundary(s, n, e->off + e->len) ||
		    e->vlen > e->len || e->v != s + e->off + e->len - e->vlen ||
		    (e->kind != TAGS_URL && (e->vlen + 1 != e->len ||
		    s[e->off] != sigil[e->kind])))
			abort();
		end = e->off + e->len;
	}
	if (n > 0 && (s[0] == '[' || s[0] == '{') &&
	    json_scan_value(s, s + n, NULL, &type, &esc, &err) == s + n &&
	    tags_from_export(&t, s, n, &why) == 0)
		for (i = 0; i < t.n; i++)
			if (t.e[i].vlen == 0 || t.e[i].kind >= TAGS_NKINDS)
				abort();
	tags_release(&t);
	return 0;
}
