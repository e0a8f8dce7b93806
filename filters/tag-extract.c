/*
 * tag-extract: hashtags, mentions, cashtags and URLs of each record's text,
 * by Telegram's own rules, into the fields hashtags, mentions, cashtags and
 * urls (or one line per entity with --tsv).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/record.h"
#include "lib/tags.h"
#include "lib/util.h"

enum { OPT_FIELD = 256, OPT_LOWER, OPT_ONLY, OPT_REJECTS, OPT_TSV,
	OPT_VERSION };

static const char usage_text[] =
"usage: %s [-qv] [-o FILE] [--rejects FILE] [--field NAME] [--lower]\n"
"           [--only KINDS] [--tsv] [FILE ...]\n"
"Add the hashtags, mentions, cashtags and URLs of each record's text, as\n"
"Telegram finds them, to the record.\n"
"\n"
"      --field NAME     read the text from NAME (default text)\n"
"      --lower          case-fold the values\n"
"      --only KINDS     only these kinds, comma-separated: hashtags,\n"
"                       mentions, cashtags, urls\n"
"      --tsv            write id<TAB>kind<TAB>value lines instead of records\n"
"  -o, --output FILE    write to FILE atomically instead of stdout\n"
"      --rejects FILE   write bad lines to FILE and go on\n"
"  -q, --quiet          no warnings\n"
"  -v, --verbose        print a summary to stderr\n"
"  -h, --help           show this help\n"
"      --version        show the version\n";

static const struct option longopts[] = {
	{ "field",	required_argument, NULL, OPT_FIELD },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "lower",	no_argument,	   NULL, OPT_LOWER },
	{ "only",	required_argument, NULL, OPT_ONLY },
	{ "output",	required_argument, NULL, 'o' },
	{ "quiet",	no_argument,	   NULL, 'q' },
	{ "rejects",	required_argument, NULL, OPT_REJECTS },
	{ "tsv",	no_argument,	   NULL, OPT_TSV },
	{ "verbose",	no_argument,	   NULL, 'v' },
	{ "version",	no_argument,	   NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char	*field;
	int		 text;		/* field is "text" */
	int		 lower, tsv;
	unsigned	 kinds;		/* bit k: kind k wanted */
};

/* Parse "hashtags,urls" (singular names too) into a bit set. */
static unsigned
parse_kinds(const char *arg)
{
	const char *p = arg, *e;
	unsigned kinds = 0;
	size_t n;
	int k;

	for (;;) {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		for (k = 0; k < TAGS_NKINDS; k++)
			if ((n == strlen(tags_field[k]) &&
			    memcmp(p, tags_field[k], n) == 0) ||
			    (n == strlen(tags_kind_name[k]) &&
			    memcmp(p, tags_kind_name[k], n) == 0))
				break;
		if (k == TAGS_NKINDS)
			die(EX_USAGE, "--only: unknown kind '%.*s' (hashtags, "
			    "mentions, cashtags, urls)", (int)n, p);
		kinds |= 1u << k;
		if (e == NULL)
			return kinds;
		p = e + 1;
	}
}

/* Append s[0..n) to a TSV line: tab, newline, CR and '\' escaped. */
static void
tsv_add(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '\t': buf_add(b, "\\t", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		default: buf_addch(b, s[i]); break;
		}
}

/*
 * The entities of the current record into t: from text_entities when the
 * record has them, else found in the text (*found set).  0, or -1 after
 * rejecting it.
 */
static int
entities(struct recin *in, struct record *r, const struct opts *o,
    struct tags *t, int *found)
{
	const struct field *f;
	const char *s, *why;
	size_t n;

	/* an export's entities describe its text, not another field */
	*found = 0;
	f = o->text ? record_get(r, "text_entities") : NULL;
	if (f != NULL && f->type != JSON_NULL) {
		if (tags_from_export(t, f->val, f->vallen, &why) == 0)
			return 0;
		recin_reject(in, "%s", why);
		return -1;
	}
	*found = 1;
	t->n = 0;
	if ((f = record_get(r, o->field)) == NULL) {
		recin_reject(in, "no '%s' field", o->field);
		return -1;
	}
	if (f->type == JSON_NULL)
		return 0;
	if (f->type != JSON_STRING) {
		recin_reject(in, "'%s' is not a string", o->field);
		return -1;
	}
	if (record_string(r, f, &s, &n) != 0) {
		recin_reject(in, "'%s' holds an escaped lone surrogate",
		    o->field);
		return -1;
	}
	tags_find(t, s, n);
	return 0;
}

/* What keeps an entity's value only the first time in a record. */
struct repeats {
	struct tags_set	 seen[TAGS_NKINDS];
	struct buf	 fold, key;
};

/*
 * Whether e is wanted and not a repeat: with *v and *n set to its value
 * (case-folded with --lower).  found and kept count what was wanted and
 * what was new.  Hashtags repeat case-insensitively.  Inline: it runs for
 * every entity, and a call would cost about as much as its work.
 */
static inline int
keep(const struct opts *o, struct tags *t, const struct tags_entity *e,
    struct repeats *rep, const char **v, size_t *n, uint64_t *found,
    uint64_t *kept)
{
	int k = (int)e->kind;

	if (!(o->kinds & 1u << k))
		return 0;
	++*found;
	*v = e->v;
	*n = e->vlen;
	if (o->lower) {
		buf_reset(&rep->fold);
		tags_fold(t, *v, *n, &rep->fold);
		*v = rep->fold.data;
		*n = rep->fold.len;
	}
	if (k == TAGS_HASHTAG && !o->lower) {
		buf_reset(&rep->key);
		tags_fold(t, *v, *n, &rep->key);
		if (!tags_set_add(&rep->seen[k], rep->key.data, rep->key.len))
			return 0;
	} else if (!tags_set_add(&rep->seen[k], *v, *n))
		return 0;
	++*kept;
	return 1;
}

/* The record's id for --tsv: a number as written, a string's value. */
static void
tsv_id(struct record *r, struct buf *line)
{
	const struct field *f = record_get(r, "id");
	const char *s;
	size_t n;

	if (f == NULL)
		return;
	if (f->type == JSON_NUMBER)
		buf_add(line, f->val, f->vallen);
	else if (f->type == JSON_STRING && record_string(r, f, &s, &n) == 0)
		tsv_add(line, s, n);
}

int
main(int argc, char *argv[])
{
	struct opts o = { "text", 1, 0, 0, (1u << TAGS_NKINDS) - 1 };
	struct out out, rejects, *rej = NULL;
	const char *output = NULL, *rejects_path = NULL;
	struct recin in;
	struct record r;
	struct tags t;
	struct repeats rep;
	struct buf line = BUF_INIT, *val;
	uint64_t found = 0, kept = 0;
	double start = now_seconds();
	const char *v;
	size_t i, vn, idlen, body;
	unsigned present;
	int c, k, found_in_text, status = 0;

	prog_init("tag-extract");
	while ((c = getopt_long(argc, argv, "ho:qv", longopts, NULL)) != -1)
		switch (c) {
		case 'h': usage_exit(usage_text, 0);
		case 'o': output = optarg; break;
		case 'q': verbosity = 0; break;
		case 'v': verbosity = 2; break;
		case OPT_FIELD:
			if (*optarg == '\0')
				die(EX_USAGE, "--field: must not be empty");
			o.field = optarg;
			o.text = strcmp(optarg, "text") == 0;
			break;
		case OPT_LOWER: o.lower = 1; break;
		case OPT_ONLY: o.kinds = parse_kinds(optarg); break;
		case OPT_REJECTS: rejects_path = optarg; break;
		case OPT_TSV: o.tsv = 1; break;
		case OPT_VERSION: version_exit();
		default: usage_exit(usage_text, EX_USAGE);
		}
	argc -= optind;
	argv += optind;

	out_open_main(&out, output);
	rej = out_open_rejects(&rejects, rejects_path);
	tags_init(&t);
	for (k = 0; k < TAGS_NKINDS; k++)
		tags_set_init(&rep.seen[k]);
	buf_init(&rep.fold);
	buf_init(&rep.key);
	record_init(&r);
	recin_open(&in, argv, rej);
	while (recin_next(&in, &r)) {
		if (entities(&in, &r, &o, &t, &found_in_text) != 0)
			continue;
		for (k = 0; k < TAGS_NKINDS; k++)
			tags_set_clear(&rep.seen[k]);
		if (o.tsv) {
			buf_reset(&line);
			tsv_id(&r, &line);
			idlen = line.len;
			for (i = 0; i < t.n; i++) {
				if (!keep(&o, &t, &t.e[i], &rep, &v, &vn, &found,
				    &kept))
					continue;
				buf_setlen(&line, idlen);
				buf_addch(&line, '\t');
				buf_addstr(&line, tags_kind_name[t.e[i].kind]);
				buf_addch(&line, '\t');
				tsv_add(&line, v, vn);
				buf_addch(&line, '\n');
				out_write(&out, line.data, line.len);
			}
			continue;
		}
		/* each kind's array straight into the record, in text order */
		for (i = present = 0; i < t.n; i++)
			present |= 1u << t.e[i].kind;
		for (k = 0; k < TAGS_NKINDS; k++) {
			if (!(o.kinds & 1u << k))
				continue;
			val = record_edit(&r, tags_field[k]);
			buf_addch(val, '[');
			body = val->len;
			for (i = 0; present & 1u << k && i < t.n; i++) {
				if ((int)t.e[i].kind != k || !keep(&o, &t,
				    &t.e[i], &rep, &v, &vn, &found, &kept))
					continue;
				if (val->len > body)
					buf_addch(val, ',');
				/* values found in text are plain (tags.h) */
				if (found_in_text && k != TAGS_URL)
					json_add_plain(val, v, vn);
				else
					json_add_string(val, v, vn);
			}
			buf_addch(val, ']');
		}
		record_write(&r, &out);
	}
	status_set(&status, recin_close(&in));
	if (verbosity > 1)
		fprintf(stderr, "%s: %llu records, %llu entities, %llu kept, "
		    "%llu bytes in, %llu rejected, %.3f s\n", prog_name,
		    (unsigned long long)in.records, (unsigned long long)found,
		    (unsigned long long)kept,
		    (unsigned long long)in.lines.bytes,
		    (unsigned long long)in.rejected, now_seconds() - start);
	record_release(&r);
	tags_release(&t);
	for (k = 0; k < TAGS_NKINDS; k++)
		tags_set_release(&rep.seen[k]);
	buf_release(&rep.fold);
	buf_release(&rep.key);
	buf_release(&line);
	if (rej != NULL)
		out_close(rej);
	out_close(&out);
	return status;
}
