/*
 * normalise-unicode: ICU normalisation and clean-up of the text fields of
 * JSON Lines records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/normalise.h"
#include "lib/record.h"
#include "lib/util.h"

enum {
	OPT_CASEFOLD = 256, OPT_FORM, OPT_KEEP_INVISIBLE, OPT_KEEP_LINE_ENDS,
	OPT_KEEP_SPACES, OPT_NO_CLEANUP, OPT_REJECTS, OPT_STRICT,
	OPT_STRIP_EMOJI, OPT_VERSION
};

static const char usage_text[] =
"usage: %s [-qv] [-o FILE] [--rejects FILE] [-f FIELD]... [--form FORM]\n"
"           [--strict] [--keep-line-ends] [--keep-spaces] [--keep-invisible]\n"
"           [--no-cleanup] [--strip-emoji] [--casefold] [FILE ...]\n"
"Normalise and clean the Unicode text of JSON Lines records.\n"
"\n"
"  -f, --field FIELD      clean FIELD (repeatable; default: text)\n"
"      --form FORM        nfc (default), nfd, nfkc, nfkd, nfkc_cf or none\n"
"      --strict           a lone surrogate escape is bad input (exit 65),\n"
"                         not U+FFFD\n"
"      --keep-line-ends   keep CR, U+0085, U+2028, U+2029 (default: LF)\n"
"      --keep-spaces      keep tabs, space separators and runs of spaces,\n"
"                         untrimmed and empty paragraphs\n"
"      --keep-invisible   keep controls and default-ignorable format\n"
"                         characters (zero-width space, soft hyphen...)\n"
"      --no-cleanup       the three --keep options: normalisation only\n"
"      --strip-emoji      remove emoji (whole grapheme clusters)\n"
"      --casefold         full Unicode case folding\n"
"  -o, --output FILE      write to FILE atomically instead of stdout\n"
"      --rejects FILE     write bad records to FILE and go on\n"
"  -q, --quiet            no warnings\n"
"  -v, --verbose          print a summary to stderr\n"
"  -h, --help             show this help\n"
"      --version          show the version\n";

static const struct option longopts[] = {
	{ "casefold",	    no_argument,       NULL, OPT_CASEFOLD },
	{ "field",	    required_argument, NULL, 'f' },
	{ "form",	    required_argument, NULL, OPT_FORM },
	{ "help",	    no_argument,       NULL, 'h' },
	{ "keep-invisible", no_argument,       NULL, OPT_KEEP_INVISIBLE },
	{ "keep-line-ends", no_argument,       NULL, OPT_KEEP_LINE_ENDS },
	{ "keep-spaces",    no_argument,       NULL, OPT_KEEP_SPACES },
	{ "no-cleanup",	    no_argument,       NULL, OPT_NO_CLEANUP },
	{ "output",	    required_argument, NULL, 'o' },
	{ "quiet",	    no_argument,       NULL, 'q' },
	{ "rejects",	    required_argument, NULL, OPT_REJECTS },
	{ "strict",	    no_argument,       NULL, OPT_STRICT },
	{ "strip-emoji",    no_argument,       NULL, OPT_STRIP_EMOJI },
	{ "verbose",	    no_argument,       NULL, 'v' },
	{ "version",	    no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/*
 * Decode a JSON string body whose escapes may hold lone surrogates: each
 * becomes U+FFFD.  Returns how many, with *first the offset in s of the
 * first one.
 */
static uint64_t
decode_lossy(const char *s, size_t n, struct buf *out, size_t *first)
{
	uint64_t count = 0;
	size_t off = 0, bad;

	buf_reset(out);
	while (json_decode_string(s + off, n - off, out, &bad) != 0) {
		if (count++ == 0)
			*first = off + bad;
		buf_add(out, "\xEF\xBF\xBD", 3);
		off += bad + 6;
	}
	return count;
}

int
main(int argc, char *argv[])
{
	struct normalise_opts no = normalise_defaults;
	struct normalise t;
	struct out out, rejects, *rej = NULL;
	struct recin in;
	struct record r;
	struct buf text = BUF_INIT, rendered = BUF_INIT;
	const struct field *f;
	const char *output = NULL, *rejects_path = NULL, *s, *res;
	const char **fields = NULL;
	size_t nfields = 0, i, j, n, resn, bad, col;
	uint64_t changed = 0, replaced = 0, bytes_out = 0, surr;
	double start = now_seconds();
	int c, form, status = 0, rejected, lossy, rc;

	prog_init("normalise-unicode");
	while ((c = getopt_long(argc, argv, "f:ho:qv", longopts, NULL)) != -1)
		switch (c) {
		case 'f':
			if (*optarg == '\0')
				die(EX_USAGE, "--field: must not be empty");
			for (j = 0; j < nfields; j++)
				if (strcmp(fields[j], optarg) == 0)
					break;
			if (j < nfields)
				break;
			fields = xrealloc(fields, nfields + 1, sizeof *fields);
			fields[nfields++] = optarg;
			break;
		case 'h': usage_exit(usage_text, 0);
		case 'o': output = optarg; break;
		case 'q': verbosity = 0; break;
		case 'v': verbosity = 2; break;
		case OPT_CASEFOLD: no.casefold = 1; break;
		case OPT_FORM:
			if ((form = normalise_form_parse(optarg)) < 0)
				die(EX_USAGE, "--form: unknown form '%s' (nfc, "
				    "nfd, nfkc, nfkd, nfkc_cf, none)", optarg);
			no.form = (enum normalise_form)form;
			break;
		case OPT_KEEP_INVISIBLE: no.invisible = 0; break;
		case OPT_KEEP_LINE_ENDS: no.lines = 0; break;
		case OPT_KEEP_SPACES: no.spaces = 0; break;
		case OPT_NO_CLEANUP:
			no.invisible = no.lines = no.spaces = 0;
			break;
		case OPT_REJECTS: rejects_path = optarg; break;
		case OPT_STRICT: no.strict = 1; break;
		case OPT_STRIP_EMOJI: no.strip_emoji = 1; break;
		case OPT_VERSION: version_exit();
		default: usage_exit(usage_text, EX_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (nfields == 0) {
		fields = xmalloc(sizeof *fields);
		fields[nfields++] = "text";
	}

	out_open_main(&out, output);
	rej = out_open_rejects(&rejects, rejects_path);
	normalise_init(&t, &no);
	t.valid = 1;	/* records hold UTF-8 only; decoding keeps it so */
	record_init(&r);
	recin_open(&in, argv, rej);
	while (recin_next(&in, &r)) {
		rejected = 0;
		for (i = 0; i < nfields && !rejected; i++) {
			if ((f = record_get(&r, fields[i])) == NULL ||
			    f->type != JSON_STRING)
				continue;
			lossy = 0;
			if (record_string(&r, f, &s, &n) != 0) {
				surr = decode_lossy(f->val + 1, f->vallen - 2,
				    &text, &bad);
				if (no.strict) {
					col = (size_t)(f->val + 1 + bad -
					    in.line.raw) + 1;
					if (rej == NULL)
						die(EX_DATAERR, "%s:%llu:%zu: "
						    "lone surrogate escape in "
						    "'%s'", in.line.file,
						    (unsigned long long)
						    in.line.no, col, fields[i]);
					recin_reject(&in, "lone surrogate");
					rejected = 1;
					continue;
				}
				replaced += surr;
				s = text.data;
				n = text.len;
				lossy = 1;
			}
			/* Records hold UTF-8 only: strict cannot fail here. */
			if ((rc = normalise_text(&t, s, n, &res, &resn,
			    &bad)) < 0)
				die(EX_SOFTWARE, "invalid UTF-8 after decoding");
			if (rc == 0 && !lossy)
				continue;
			/* UTF-8 from decoding or ICU: no need to check it. */
			json_add_valid_string(record_edit(&r, fields[i]), res,
			    resn);
			changed++;
		}
		if (rejected)
			continue;
		if (r.ne == 0) {
			out_write(&out, r.p, r.len);
			out_putc(&out, '\n');
			bytes_out += r.len + 1;
		} else {
			buf_reset(&rendered);
			record_render(&r, &rendered);
			out_write(&out, rendered.data, rendered.len);
			bytes_out += rendered.len;
		}
	}
	status_set(&status, recin_close(&in));
	replaced += t.replaced;
	if (verbosity > 1)
		fprintf(stderr, "%s: %llu records, %llu fields changed, "
		    "%llu invalid sequences replaced, %llu bytes in, "
		    "%llu bytes out, %.3f s\n", prog_name,
		    (unsigned long long)in.records,
		    (unsigned long long)changed,
		    (unsigned long long)replaced,
		    (unsigned long long)in.lines.bytes,
		    (unsigned long long)bytes_out, now_seconds() - start);
	normalise_release(&t);
	record_release(&r);
	buf_release(&text);
	buf_release(&rendered);
	free(fields);
	if (rej != NULL)
		out_close(rej);
	out_close(&out);
	return status;
}
