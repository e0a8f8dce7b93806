/*
 * dedupe-paragraphs: drop repeated paragraphs (lines of `text`) from JSON
 * Lines records, keeping the first occurrence.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/dedupe.h"
#include "lib/record.h"
#include "lib/util.h"

/* The member a partitioned run hands on to the next partition. */
#define PARTIAL_KEY	"dedupe_partial"
#define MAX_PARTS	64

enum {
	OPT_DROP_EMPTY = 256, OPT_EXPLAIN, OPT_KEY, OPT_MIN_CHARS,
	OPT_PARTITION, OPT_REJECTS, OPT_SCOPE, OPT_STATE, OPT_STATE_RO,
	OPT_VERSION
};

static const char usage_text[] =
"usage: %s [-qv] [-f FIELD] [--key folded|exact] [--scope record|stream]\n"
"           [--min-chars N] [--drop-empty] [--state FILE [--state-readonly]]\n"
"           [--partition K/N] [--explain] [-o FILE] [--rejects FILE]\n"
"           [FILE ...]\n"
"Remove repeated paragraphs (lines of a text field) from JSON Lines records,\n"
"keeping the first occurrence.\n"
"\n"
"  -f, --field FIELD      the field holding the text (default text)\n"
"      --key KIND         folded (default): case, Unicode form, spacing,\n"
"                         punctuation and emoji do not count; exact: bytes\n"
"      --scope SCOPE      record (default): repeats within a record;\n"
"                         stream: across all records read\n"
"      --min-chars N      never remove a paragraph shorter than N characters\n"
"      --drop-empty       drop records left with no text (stream scope)\n"
"      --state FILE       fingerprints of earlier runs: load, then save the\n"
"                         union atomically (stream scope)\n"
"      --state-readonly   load --state FILE but do not write it\n"
"      --partition K/N    own only partition K of N of the fingerprints;\n"
"                         chain partitions 0..N-1 for one stream run\n"
"      --explain          one TSV line per removed paragraph on stderr\n"
"  -o, --output FILE      write to FILE atomically instead of stdout\n"
"      --rejects FILE     write bad records to FILE and go on\n"
"  -q, --quiet            no warnings\n"
"  -v, --verbose          print a summary to stderr\n"
"  -h, --help             show this help\n"
"      --version          show the version\n";

static const struct option longopts[] = {
	{ "drop-empty",	    no_argument,       NULL, OPT_DROP_EMPTY },
	{ "explain",	    no_argument,       NULL, OPT_EXPLAIN },
	{ "field",	    required_argument, NULL, 'f' },
	{ "help",	    no_argument,       NULL, 'h' },
	{ "key",	    required_argument, NULL, OPT_KEY },
	{ "min-chars",	    required_argument, NULL, OPT_MIN_CHARS },
	{ "output",	    required_argument, NULL, 'o' },
	{ "partition",	    required_argument, NULL, OPT_PARTITION },
	{ "quiet",	    no_argument,       NULL, 'q' },
	{ "rejects",	    required_argument, NULL, OPT_REJECTS },
	{ "scope",	    required_argument, NULL, OPT_SCOPE },
	{ "state",	    required_argument, NULL, OPT_STATE },
	{ "state-readonly", no_argument,       NULL, OPT_STATE_RO },
	{ "verbose",	    no_argument,       NULL, 'v' },
	{ "version",	    no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* What earlier partitions of a partitioned run decided for a record. */
struct partial {
	uint32_t	 n;
	uint64_t	 done;		/* bit K: partition K applied */
	size_t		*removed;	/* 1-based paragraph numbers, ascending */
	size_t		 nremoved, cap;
	enum dedupe_key	 key;
	uint64_t	 min_chars;
};

static void
parse_partition(const char *s, uint32_t *k, uint32_t *n)
{
	char *end;
	unsigned long a, b;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (end == s || *end != '/' || s[0] < '0' || s[0] > '9')
		goto bad;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || s[0] < '0' || s[0] > '9' ||
	    errno != 0)
		goto bad;
	if (b < 1 || b > MAX_PARTS || a >= b)
		goto bad;
	*k = (uint32_t)a;
	*n = (uint32_t)b;
	return;
bad:
	die(EX_USAGE, "--partition: expected K/N with 0 <= K < N <= %d",
	    MAX_PARTS);
}

/* The record's id when it is an integer, else DEDUPE_NO_ID. */
static int64_t
record_id(struct record *r)
{
	const struct field *f = record_get(r, "id");
	char tmp[32], *end;
	long long v;

	if (f == NULL || f->type != JSON_NUMBER || f->vallen >= sizeof tmp)
		return DEDUPE_NO_ID;
	memcpy(tmp, f->val, f->vallen);
	tmp[f->vallen] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (*end != '\0' || errno != 0 || v == DEDUPE_NO_ID)
		return DEDUPE_NO_ID;
	return v;
}

static void
put_id(struct out *o, int64_t id)
{
	char tmp[32];
	int n;

	if (id == DEDUPE_NO_ID) {
		out_putc(o, '-');
		return;
	}
	n = snprintf(tmp, sizeof tmp, "%" PRId64, id);
	out_write(o, tmp, (size_t)n);
}

static void
put_uint(struct out *o, uint64_t v)
{
	char tmp[32];
	int n;

	n = snprintf(tmp, sizeof tmp, "%" PRIu64, v);
	out_write(o, tmp, (size_t)n);
}

/* One TSV line per paragraph removed: id, paragraph, first id, first
 * paragraph, reason, the paragraph (\t, \r and \\ escaped). */
static void
explain(struct out *o, const struct dedupe *d, int64_t id)
{
	const struct para *pa;
	const char *s;
	size_t i, j;

	for (i = 0; i < d->npara; i++) {
		pa = &d->para[i];
		if (pa->fate != PARA_REPEAT && pa->fate != PARA_TRUNCATED)
			continue;
		put_id(o, id);
		out_putc(o, '\t');
		put_uint(o, i + 1);
		out_putc(o, '\t');
		if (pa->first.para == 0)
			out_write(o, "state\t-", 7);
		else {
			put_id(o, pa->first.id);
			out_putc(o, '\t');
			put_uint(o, pa->first.para);
		}
		if (pa->fate == PARA_REPEAT)
			out_write(o, "\trepeat\t", 8);
		else
			out_write(o, "\ttruncated\t", 11);
		s = d->text + pa->off;
		for (j = 0; j < pa->len; j++)
			switch (s[j]) {
			case '\t': out_write(o, "\\t", 2); break;
			case '\r': out_write(o, "\\r", 2); break;
			case '\\': out_write(o, "\\\\", 2); break;
			default: out_putc(o, s[j]);
			}
		out_putc(o, '\n');
	}
	out_flush(o);
}

static const char *
key_name(enum dedupe_key k)
{
	return k == DEDUPE_EXACT ? "exact" : "folded";
}

/* Parse an unsigned decimal at *p; -1 if none or too big. */
static int
scan_uint(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (s == end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < end &&
	    s[1] >= '0' && s[1] <= '9'))
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	return 0;
}

static int
scan_lit(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/*
 * The member is exactly what partial_render writes:
 * {"n":N,"done":[K,...],"removed":[P,...],"key":"folded","min_chars":M}
 */
static const char *
partial_parse(const struct field *f, struct partial *pt)
{
	const char *p = f->val, *end = f->val + f->vallen;
	uint64_t v, last;
	int first;

	pt->nremoved = 0;
	pt->done = 0;
	if (f->type != JSON_OBJECT || scan_lit(&p, end, "{\"n\":") != 0 ||
	    scan_uint(&p, end, &v) != 0 || v < 2 || v > MAX_PARTS)
		return "bad partition count";
	pt->n = (uint32_t)v;
	if (scan_lit(&p, end, ",\"done\":[") != 0)
		return "'done' expected";
	for (first = 1; scan_lit(&p, end, "]") != 0; first = 0) {
		if ((!first && scan_lit(&p, end, ",") != 0) ||
		    scan_uint(&p, end, &v) != 0 || v >= pt->n ||
		    (pt->done >> v & 1))
			return "bad 'done' list";
		pt->done |= (uint64_t)1 << v;
	}
	if (scan_lit(&p, end, ",\"removed\":[") != 0)
		return "'removed' expected";
	for (first = 1, last = 0; scan_lit(&p, end, "]") != 0; first = 0) {
		if ((!first && scan_lit(&p, end, ",") != 0) ||
		    scan_uint(&p, end, &v) != 0 || v <= last)
			return "bad 'removed' list";
		last = v;
		if (pt->nremoved == pt->cap) {
			pt->cap = pt->cap ? pt->cap * 2 : 16;
			pt->removed = xrealloc(pt->removed, pt->cap,
			    sizeof *pt->removed);
		}
		pt->removed[pt->nremoved++] = (size_t)v;
	}
	if (scan_lit(&p, end, ",\"key\":\"folded\"") == 0)
		pt->key = DEDUPE_FOLDED;
	else if (scan_lit(&p, end, ",\"key\":\"exact\"") == 0)
		pt->key = DEDUPE_EXACT;
	else
		return "'key' expected";
	if (scan_lit(&p, end, ",\"min_chars\":") != 0 ||
	    scan_uint(&p, end, &pt->min_chars) != 0 ||
	    scan_lit(&p, end, "}") != 0 || p != end)
		return "'min_chars' expected";
	if (pt->done == 0)
		return "empty 'done' list";
	return NULL;
}

static void
partial_render(struct buf *b, uint32_t n, uint64_t done,
    const unsigned char *removed, size_t npara, enum dedupe_key key,
    uint64_t min_chars)
{
	size_t i;
	uint32_t k;
	int first = 1;

	buf_printf(b, "{\"n\":%u,\"done\":[", n);
	for (k = 0; k < n; k++)
		if (done >> k & 1) {
			buf_printf(b, first ? "%u" : ",%u", k);
			first = 0;
		}
	buf_addstr(b, "],\"removed\":[");
	for (i = 0, first = 1; i < npara; i++)
		if (removed[i]) {
			buf_printf(b, first ? "%zu" : ",%zu", i + 1);
			first = 0;
		}
	buf_printf(b, "],\"key\":\"%s\",\"min_chars\":%" PRIu64 "}",
	    key_name(key), min_chars);
}

/*
 * Write r with the value of ft replaced by val (JSON text, or NULL to keep
 * it) and the member fa (or NULL) deleted, every other byte as read:
 * straight to o, not through record_edit and record_render, which would
 * copy the record twice more.
 */
static size_t
write_edited(struct out *o, struct record *r, const struct field *ft,
    const struct buf *val, const struct field *fa)
{
	size_t ts, te, ds, de, idx = fa != NULL ? (size_t)(fa - r->f) : 0;

	ts = (size_t)(ft->val - r->p);
	te = ts + ft->vallen;
	if (fa == NULL)
		ds = de = te;
	else if (idx > 0) {
		ds = (size_t)(r->f[idx - 1].val + r->f[idx - 1].vallen - r->p);
		de = (size_t)(fa->val + fa->vallen - r->p);
	} else if (r->nf > 1) {
		ds = (size_t)(fa->key - 1 - r->p);
		de = (size_t)(r->f[1].key - 1 - r->p);
	} else {
		ds = (size_t)(fa->key - 1 - r->p);
		de = (size_t)(fa->val + fa->vallen - r->p);
	}
	if (val == NULL) {
		out_write(o, r->p, ds);
		out_write(o, r->p + de, r->len - de);
		te = ts;
	} else if (ts < ds) {
		out_write(o, r->p, ts);
		out_write(o, val->data, val->len);
		out_write(o, r->p + te, ds - te);
		out_write(o, r->p + de, r->len - de);
	} else {
		out_write(o, r->p, ds);
		out_write(o, r->p + de, ts - de);
		out_write(o, val->data, val->len);
		out_write(o, r->p + te, r->len - te);
	}
	out_putc(o, '\n');
	return r->len - (de - ds) - (te - ts) + (val != NULL ? val->len : 0) +
	    1;
}

/* Write r (with its edits); returns the bytes written.  tmp: scratch. */
static size_t
put_record(struct out *o, struct record *r, struct buf *tmp)
{
	if (r->ne == 0) {
		out_write(o, r->p, r->len);
		out_putc(o, '\n');
		return r->len + 1;
	}
	buf_reset(tmp);
	record_render(r, tmp);
	out_write(o, tmp->data, tmp->len);
	return tmp->len;
}

int
main(int argc, char *argv[])
{
	struct dedupe_opts opts = { DEDUPE_FOLDED, DEDUPE_RECORD, 0, 0, 1, 0 };
	struct out out, rejects, errout, *rej = NULL;
	const char *output = NULL, *rejects_path = NULL, *state = NULL;
	const char *field = "text", *s, *why;
	struct recin in;
	struct record r;
	struct dedupe d;
	struct partial pt;
	const struct field *ft, *fa;
	struct buf text = BUF_INIT, val = BUF_INIT, *ev;
	unsigned char *removed = NULL;
	const uint32_t *bits;
	size_t n, nrem, caprem = 0, i, np;
	uint64_t bytes_out = 0, dropped = 0, trunc = 0;
	double start = now_seconds();
	struct rusage ru;
	int64_t id;
	int c, status = 0, drop_empty = 0, do_explain = 0, state_ro = 0;
	int partitioned = 0, final, json_nl;

	prog_init("dedupe-paragraphs");
	while ((c = getopt_long(argc, argv, "f:ho:qv", longopts, NULL)) != -1)
		switch (c) {
		case 'f':
			if (*optarg == '\0')
				die(EX_USAGE, "--field: must not be empty");
			field = optarg;
			break;
		case 'h': usage_exit(usage_text, 0);
		case 'o': output = optarg; break;
		case 'q': verbosity = 0; break;
		case 'v': verbosity = 2; break;
		case OPT_DROP_EMPTY: drop_empty = 1; break;
		case OPT_EXPLAIN: do_explain = 1; break;
		case OPT_KEY:
			if (strcmp(optarg, "folded") == 0)
				opts.key = DEDUPE_FOLDED;
			else if (strcmp(optarg, "exact") == 0)
				opts.key = DEDUPE_EXACT;
			else
				die(EX_USAGE, "--key: expected folded or exact, "
				    "not '%s'", optarg);
			break;
		case OPT_MIN_CHARS:
			opts.min_chars = (uint64_t)parse_num("--min-chars",
			    optarg, 0, INT64_MAX);
			break;
		case OPT_PARTITION:
			parse_partition(optarg, &opts.part_k, &opts.part_n);
			partitioned = 1;
			break;
		case OPT_REJECTS: rejects_path = optarg; break;
		case OPT_SCOPE:
			if (strcmp(optarg, "record") == 0)
				opts.scope = DEDUPE_RECORD;
			else if (strcmp(optarg, "stream") == 0)
				opts.scope = DEDUPE_STREAM;
			else
				die(EX_USAGE, "--scope: expected record or "
				    "stream, not '%s'", optarg);
			break;
		case OPT_STATE: state = optarg; break;
		case OPT_STATE_RO: state_ro = 1; break;
		case OPT_VERSION: version_exit();
		default: usage_exit(usage_text, EX_USAGE);
		}
	argc -= optind;
	argv += optind;

	if (state != NULL && opts.scope != DEDUPE_STREAM)
		die(EX_USAGE, "--state needs --scope stream");
	if (state_ro && state == NULL)
		die(EX_USAGE, "--state-readonly needs --state FILE");
	if (partitioned && opts.scope != DEDUPE_STREAM)
		die(EX_USAGE, "--partition needs --scope stream");
	opts.origins = do_explain;

	dedupe_init(&d, &opts);
	if (state != NULL && dedupe_state_load(&d, state) != 0 && state_ro)
		die(EX_NOINPUT, "cannot open state '%s': no such file", state);
	out_open_main(&out, output);
	rej = out_open_rejects(&rejects, rejects_path);
	if (do_explain)
		out_init_fd(&errout, 2, "<stderr>");
	memset(&pt, 0, sizeof pt);
	record_init(&r);
	recin_open(&in, argv, rej);
	while (recin_next(&in, &r)) {
		if ((ft = record_get(&r, field)) == NULL) {
			recin_reject(&in, "no '%s' member", field);
			continue;
		}
		if (ft->type != JSON_STRING) {
			recin_reject(&in, "'%s' is not a string", field);
			continue;
		}
		fa = record_get(&r, PARTIAL_KEY);
		if (fa != NULL && d.o.part_n == 1) {
			recin_reject(&in, "'%s': partly deduplicated by a "
			    "partitioned run; run its other partitions",
			    PARTIAL_KEY);
			continue;
		}
		if (fa != NULL) {
			if ((why = partial_parse(fa, &pt)) == NULL &&
			    pt.n != d.o.part_n)
				why = "partition count differs from --partition";
			if (why == NULL && (pt.done >> d.o.part_k & 1))
				why = "this partition was applied already";
			if (why == NULL && (pt.key != d.o.key ||
			    pt.min_chars != d.o.min_chars))
				why = "made with other --key or --min-chars";
			if (why != NULL) {
				recin_reject(&in, "'%s': %s", PARTIAL_KEY, why);
				continue;
			}
		} else
			pt.nremoved = pt.done = 0;
		/* Most texts escape only their newlines: split them as read. */
		s = ft->val + 1;
		n = ft->vallen - 2;
		/* The id only names where a repeat came from, for --explain. */
		id = do_explain ? record_id(&r) : DEDUPE_NO_ID;
		json_nl = 1;
		/* The record layer found the backslashes: split by them. */
		if ((bits = record_specials(&r)) != NULL)
			nrem = dedupe_text_bits(&d, s, n, bits,
			    (size_t)(s - r.p), id);
		else
			nrem = dedupe_text(&d, s, n, json_nl, id);
		if (nrem == DEDUPE_OTHER_ESCAPES) {
			if (record_string(&r, ft, &s, &n) != 0) {
				recin_reject(&in, "'%s' holds an escaped lone "
				    "surrogate", field);
				continue;
			}
			json_nl = 0;
			nrem = dedupe_text(&d, s, n, 0, id);
		}
		np = d.npara;
		if (do_explain && nrem > 0)
			explain(&errout, &d, id);
		if (np > caprem) {
			caprem = np * 2;
			free(removed);
			removed = xmalloc(caprem);
		}
		for (i = 0; i < np; i++) {
			removed[i] = d.para[i].fate == PARA_REPEAT ||
			    d.para[i].fate == PARA_TRUNCATED;
			trunc += d.para[i].fate == PARA_TRUNCATED;
		}
		for (i = 0; i < pt.nremoved; i++) {
			if (pt.removed[i] > np)
				break;
			if (!removed[pt.removed[i] - 1])
				nrem++;
			removed[pt.removed[i] - 1] = 1;
		}
		if (i < pt.nremoved) {
			recin_reject(&in, "'%s': paragraph %zu out of range",
			    PARTIAL_KEY, pt.removed[i]);
			continue;
		}
		final = d.o.part_n == 1 ||
		    (pt.done | (uint64_t)1 << d.o.part_k) ==
		    (d.o.part_n == 64 ? UINT64_MAX :
		    ((uint64_t)1 << d.o.part_n) - 1);
		if (!final) {
			ev = record_edit(&r, PARTIAL_KEY);
			partial_render(ev, d.o.part_n, pt.done |
			    (uint64_t)1 << d.o.part_k, removed, np, d.o.key,
			    d.o.min_chars);
			bytes_out += put_record(&out, &r, &val);
			continue;
		}
		if (nrem > 0) {
			buf_reset(&text);
			buf_reset(&val);
			if (json_nl) {
				buf_addch(&val, '"');
				dedupe_join(s, d.para, np, removed, 1, &val);
				buf_addch(&val, '"');
			} else {
				dedupe_join(s, d.para, np, removed, 0, &text);
				json_add_string(&val, text.data, text.len);
			}
			if (val.len == 2 && drop_empty) {
				dropped++;
				continue;
			}
		}
		if (fa != NULL || nrem > 0)
			bytes_out += write_edited(&out, &r, ft, nrem > 0 ?
			    &val : NULL, fa);
		else
			bytes_out += put_record(&out, &r, &val);
	}
	status_set(&status, recin_close(&in));
	out_close(&out);
	if (state != NULL && !state_ro)
		dedupe_state_save(&d, state);
	if (verbosity > 1) {
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "%s: %llu records, %llu paragraphs, %llu "
		    "removed (%llu truncated), %llu records dropped, %llu "
		    "fingerprints (%llu from state), %llu bytes in, %llu bytes "
		    "out, peak RSS %ld KiB, %.3f s\n", prog_name,
		    (unsigned long long)in.records,
		    (unsigned long long)d.paras,
		    (unsigned long long)d.removed,
		    (unsigned long long)trunc, (unsigned long long)dropped,
		    (unsigned long long)(opts.scope == DEDUPE_STREAM ?
		    d.seen.count : 0), (unsigned long long)d.loaded,
		    (unsigned long long)in.lines.bytes,
		    (unsigned long long)bytes_out, ru.ru_maxrss,
		    now_seconds() - start);
	}
	if (rej != NULL)
		out_close(rej);
	if (do_explain)
		out_close(&errout);
	dedupe_release(&d);
	record_release(&r);
	buf_release(&text);
	buf_release(&val);
	free(removed);
	free(pt.removed);
	return status;
}
