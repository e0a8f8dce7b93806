/*
 * utf8: UTF-8 as RFC 3629 defines it (no overlongs, no surrogates, nothing
 * above U+10FFFF).  utf8_valid_len is the one validator every module uses.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1-4) of the valid UTF-8 sequence at p (p < end), or 0 when
 * the bytes there do not start one.
 */
static inline size_t
utf8_valid_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		n = 2;
	else if (c < 0xF0) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* Decode the valid sequence of length n at p. */
static inline uint32_t
utf8_decode(const unsigned char *p, size_t n)
{
	switch (n) {
	case 1: return p[0];
	case 2: return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
	case 3: return (uint32_t)(p[0] & 0x0F) << 12 |
		    (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	default: return (uint32_t)(p[0] & 0x07) << 18 |
		    (uint32_t)(p[1] & 0x3F) << 12 |
		    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
	}
}

/*
 * Whether the 8 bytes of w (loaded by get_le64) are four valid two-byte
 * sequences (U+0080 to U+07FF: Cyrillic, Greek, Arabic, Hebrew...): leads
 * C2-DF at the even bytes, continuations at the odd ones.  Leads C0 and C1
 * (overlong) have bits 1-4 clear; adding 0x7FFF to each 16-bit lane of
 * those bits sets the lane's top bit exactly when they are not all clear.
 */
static inline int
utf8_two_byte_run(uint64_t w)
{
	uint64_t lead = w & 0x001E001E001E001EULL;

	return (w & 0xC0E0C0E0C0E0C0E0ULL) == 0x80C080C080C080C0ULL &&
	    ((lead + 0x7FFF7FFF7FFF7FFFULL) & 0x8000800080008000ULL) ==
	    0x8000800080008000ULL;
}

/* Encode cp (<= 0x10FFFF) at p; returns the length. */
size_t	utf8_encode(unsigned char *p, uint32_t cp);

/* Offset of the first invalid byte of s[0..n), or n if all is valid. */
size_t	utf8_check(const char *s, size_t n);

#endif
