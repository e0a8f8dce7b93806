/*
 * Fuzz target for normalise_text.  The first byte picks the options (form,
 * steps); the rest is the text, any bytes.  Oracle: the output is valid
 * UTF-8, normalising it again changes nothing (idempotence), and strict
 * mode fails exactly when the input is not UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct normalise t[2][6][32];
	static int ready;
	struct normalise *n;
	const char *s, *out, *again;
	size_t len, outn, againn, bad;
	char *copy;
	unsigned opt, form, strict;
	int rc;

	if (!ready) {
		struct normalise_opts o;
		unsigned i, f, k;

		for (k = 0; k < 2; k++)
			for (f = 0; f < 6; f++)
				for (i = 0; i < 32; i++) {
					o = normalise_defaults;
					o.form = (enum normalise_form)f;
					o.lines = !(i & 1);
					o.spaces = !(i & 2);
					o.invisible = !(i & 4);
					o.strip_emoji = (i & 8) != 0;
					o.casefold = (i & 16) != 0;
					o.strict = (int)k;
					normalise_init(&t[k][f][i], &o);
				}
		ready = 1;
	}
	if (size < 1)
		return 0;
	opt = data[0] & 31;
	form = (data[0] >> 5) % 6;
	strict = (data[0] >> 5) >= 6;
	s = (const char *)data + 1;
	len = size - 1;
	n = &t[strict][form][opt];
	rc = normalise_text(n, s, len, &out, &outn, &bad);
	if (strict) {
		if ((rc < 0) != (utf8_check(s, len) != len))
			abort();
		if (rc < 0) {
			if (bad != utf8_check(s, len))
				abort();
			return 0;
		}
	}
	if (utf8_check(out, outn) != outn)
		abort();
	copy = malloc(outn + 1);
	memcpy(copy, out, outn);
	if (normalise_text(n, copy, outn, &again, &againn, &bad) != 0)
		abort();
	free(copy);
	return 0;
}
