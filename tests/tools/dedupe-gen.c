/*
 * dedupe-gen: deterministic inputs for dedupe-paragraphs' benchmark and
 * large tests.
 *
 *   dedupe-gen corpus BYTES [SEED]    split-posts-like records: doubled
 *                                     bodies, cut-short copies, reposts,
 *                                     Latin, Cyrillic, accents, emoji
 *   dedupe-gen distinct N             N distinct paragraphs, 100 a record
 *   dedupe-gen repeats N SEED FILE    N paragraphs, about half repeats of
 *                                     earlier ones; FILE gets them one a line
 *
 * Paragraphs never end in an ellipsis in the last two modes and never need
 * JSON escapes, so a paragraph's line in FILE is its exact bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

static uint64_t rng = 88172645463325252u;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *latin[] = {
	"the", "ministers", "discussed", "trade", "in", "national",
	"currencies", "and", "reform", "of", "Security", "Council", "summit",
	"Kazan", "delegation", "visited", "Moscow", "talks", "energy",
	"logistics", "résumé", "Café", "São", "Paulo", "integration",
	"process", "steadily", "moving", "forward", "countries", "grew",
	"percent", "last", "year", "framework", "Eurasia", "families",
	"support", "BRICS", "EAEU", "partners", "agreed", "meet", "again",
	"before", "cooperation", "signed", "documents", "leaders", "forum",
};
static const char *cyrillic[] = {
	"Сергей", "Лавров", "провёл", "переговоры", "с", "министром",
	"иностранных", "дел", "Бразилии", "Стороны", "обсудили",
	"сотрудничество", "в", "рамках", "БРИКС", "ШОС", "Подробнее",
};
static const char *emoji[] = {
	"📄 ", "💬 ", "👉 ", "🇷🇺 ", "⚡️ ", "• ", "❗️ ", "🗓 ", "",
	"", "", "", "",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
words(struct buf *b, int n, int cyr)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addch(b, ' ');
		if (cyr)
			buf_addstr(b, cyrillic[rnd() % N(cyrillic)]);
		else
			buf_addstr(b, latin[rnd() % N(latin)]);
	}
}

/* A fresh paragraph: an emoji now and then, words, a number, a stop. */
static void
paragraph(struct buf *b)
{
	buf_addstr(b, emoji[rnd() % N(emoji)]);
	words(b, 5 + (int)(rnd() % 20), rnd() % 4 == 0);
	buf_printf(b, " %llu.", (unsigned long long)(rnd() % 100000));
}

static void
corpus(unsigned long long bytes)
{
	struct buf rec = BUF_INIT, para[12], pool[64];
	unsigned long long out = 0, id = 0;
	size_t i, k, np, from, cut;

	for (i = 0; i < N(pool); i++) {
		buf_init(&pool[i]);
		paragraph(&pool[i]);
	}
	for (i = 0; i < N(para); i++)
		buf_init(&para[i]);
	while (out < bytes) {
		np = 2 + rnd() % 6;
		for (i = 0; i < np; i++) {
			buf_reset(&para[i]);
			if (rnd() % 10 == 0) {
				k = rnd() % N(pool);
				buf_add(&para[i], pool[k].data, pool[k].len);
			} else
				paragraph(&para[i]);
		}
		buf_reset(&rec);
		buf_printf(&rec, "{\"id\":%llu,\"source\":\"bench.txt\","
		    "\"forwarded_from\":\"Eurasia Digest 🌍\",\"media\":null,"
		    "\"text\":\"", ++id);
		for (i = 0; i < np; i++) {
			if (i > 0)
				buf_addstr(&rec, "\\n");
			buf_add(&rec, para[i].data, para[i].len);
		}
		buf_addstr(&rec, "\\n#BRICS #Diplomacy");
		/* The doubled body, from the first or second paragraph. */
		if (rnd() % 4 != 0) {
			from = 1 + rnd() % 2;
			for (i = from < np ? from : 1; i < np; i++) {
				buf_addstr(&rec, "\\n");
				if (i == np - 1 && rnd() % 3 == 0) {
					cut = para[i].len / 2;
					while (cut > 0 && para[i].data[cut] != ' ')
						cut--;
					buf_add(&rec, para[i].data, cut);
					buf_addstr(&rec, "…");
				} else
					buf_add(&rec, para[i].data, para[i].len);
			}
		}
		buf_addstr(&rec, "\"}\n");
		fwrite(rec.data, 1, rec.len, stdout);
		out += rec.len;
		if (rnd() % 50 == 0) {
			k = rnd() % N(pool);
			buf_reset(&pool[k]);
			paragraph(&pool[k]);
		}
	}
	for (i = 0; i < N(pool); i++)
		buf_release(&pool[i]);
	for (i = 0; i < N(para); i++)
		buf_release(&para[i]);
	buf_release(&rec);
}

static void
distinct(unsigned long long n)
{
	unsigned long long i;

	for (i = 0; i < n; i++) {
		if (i % 100 == 0)
			printf("%s{\"id\":%llu,\"text\":\"", i ? "\"}\n" : "",
			    i / 100 + 1);
		else
			fputs("\\n", stdout);
		printf("Paragraph %llu is about %s and %s", i,
		    latin[i % N(latin)], latin[(i / 7) % N(latin)]);
	}
	if (n > 0)
		fputs("\"}\n", stdout);
}

static void
repeats(unsigned long long n, FILE *plain)
{
	struct buf p = BUF_INIT;
	unsigned long long i, fresh = 0, id = 0;
	size_t inrec = 0, want = 0;

	for (i = 0; i < n; i++) {
		buf_reset(&p);
		if (fresh == 0 || rnd() % 2 == 0) {
			words(&p, 3 + (int)(rnd() % 8), rnd() % 4 == 0);
			buf_printf(&p, " #%llu", fresh++);
		} else {
			/* Repeat an earlier paragraph, or its other case. */
			unsigned long long k = rnd() % (fresh / 16 + 1);

			if (rnd() % 8 == 0)
				buf_printf(&p, "Variant #%llu", k);
			else
				buf_printf(&p, "variant #%llu", k);
		}
		if (inrec == 0) {
			want = 1 + rnd() % 20;
			printf("{\"id\":%llu,\"text\":\"", ++id);
		} else
			fputs("\\n", stdout);
		fwrite(p.data, 1, p.len, stdout);
		fwrite(p.data, 1, p.len, plain);
		fputc('\n', plain);
		if (++inrec == want || i + 1 == n) {
			fputs("\"}\n", stdout);
			inrec = 0;
		}
	}
	buf_release(&p);
}

int
main(int argc, char *argv[])
{
	FILE *f;

	prog_init("dedupe-gen");
	if (argc >= 3 && strcmp(argv[1], "corpus") == 0) {
		if (argc > 3)
			rng ^= strtoull(argv[3], NULL, 10) * 2654435761u;
		corpus(strtoull(argv[2], NULL, 10));
	} else if (argc == 3 && strcmp(argv[1], "distinct") == 0)
		distinct(strtoull(argv[2], NULL, 10));
	else if (argc == 5 && strcmp(argv[1], "repeats") == 0) {
		rng ^= strtoull(argv[3], NULL, 10) * 2654435761u;
		if ((f = fopen(argv[4], "w")) == NULL)
			die(EX_CANTCREAT, "cannot create '%s':", argv[4]);
		repeats(strtoull(argv[2], NULL, 10), f);
		if (fclose(f) != 0)
			die(EX_IOERR, "write error on '%s':", argv[4]);
	} else
		die(EX_USAGE, "usage: dedupe-gen corpus BYTES [SEED] | "
		    "distinct N | repeats N SEED FILE");
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, "write error on stdout");
	return 0;
}
