/*
 * unit.h: the smallest test harness.  CHECK(cond, name...) prints
 * "ok NAME" or "not ok NAME" (the lines tests/run counts); main returns
 * unit_status() so a failure also shows in the exit status.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed;

#define CHECK(cond, ...) do {						\
	int ok_ = (cond) ? 1 : 0;					\
	printf(ok_ ? "ok " : "not ok ");				\
	printf(__VA_ARGS__);						\
	if (!ok_) {							\
		printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond);	\
		unit_failed = 1;					\
	}								\
	putchar('\n');							\
} while (0)

/* Compare a byte string with a C string literal. */
#define BYTES_EQ(p, n, lit) ((n) == sizeof(lit) - 1 && \
	memcmp((p), (lit), (n)) == 0)

static inline int
unit_status(void)
{
	return fflush(stdout) != 0 || unit_failed;
}

#endif
