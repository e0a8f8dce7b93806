/*
 * split-posts: a raw Telegram web-preview dump to one JSON record per post.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/record.h"
#include "lib/split.h"
#include "lib/utf8.h"
#include "lib/util.h"

/* Records are gathered and written straight from here, not copied again. */
#define FLUSH_AT	OUT_BUFSIZE

enum {
	OPT_CHROME = 256, OPT_HEADER, OPT_PLACEHOLDER, OPT_REJECTS,
	OPT_SOURCE, OPT_TOO_BIG, OPT_VERSION
};

static const char usage_text[] =
"usage: %s [-qv] [-o FILE] [--rejects FILE] [--source NAME]\n"
"           [--header PREFIX] [--placeholder LINE] [--too-big LINE]\n"
"           [--chrome LINE] [FILE ...]\n"
"Split raw Telegram web-preview dumps into JSON Lines, one record per post.\n"
"\n"
"  -o, --output FILE      write to FILE atomically instead of stdout\n"
"      --rejects FILE     write lines that are not UTF-8 to FILE and go on\n"
"      --source NAME      the source field (default: the file name, - for stdin)\n"
"      --header PREFIX    a post starts at a line with PREFIX, the rest naming\n"
"                         the channel (default 'Forwarded from ')\n"
"      --placeholder LINE a post not shown in the preview\n"
"                         (default 'Please open Telegram to view this post')\n"
"      --too-big LINE     media not shown (default 'Media is too big')\n"
"      --chrome LINE      the button after those two (default 'VIEW IN TELEGRAM')\n"
"  -q, --quiet            no warnings\n"
"  -v, --verbose          print a summary to stderr\n"
"  -h, --help             show this help\n"
"      --version          show the version\n";

static const struct option longopts[] = {
	{ "chrome",	 required_argument, NULL, OPT_CHROME },
	{ "header",	 required_argument, NULL, OPT_HEADER },
	{ "help",	 no_argument,	    NULL, 'h' },
	{ "output",	 required_argument, NULL, 'o' },
	{ "placeholder", required_argument, NULL, OPT_PLACEHOLDER },
	{ "quiet",	 no_argument,	    NULL, 'q' },
	{ "rejects",	 required_argument, NULL, OPT_REJECTS },
	{ "source",	 required_argument, NULL, OPT_SOURCE },
	{ "too-big",	 required_argument, NULL, OPT_TOO_BIG },
	{ "verbose",	 no_argument,	    NULL, 'v' },
	{ "version",	 no_argument,	    NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static const char *
marker(const char *opt, const char *s)
{
	if (*s == '\0')
		die(EX_USAGE, "%s: must not be empty", opt);
	if (utf8_check(s, strlen(s)) != strlen(s))
		die(EX_USAGE, "%s: not valid UTF-8", opt);
	return s;
}

int
main(int argc, char *argv[])
{
	struct split_opts so = split_defaults;
	struct out out, rejects, *rej = NULL;
	const char *output = NULL, *source = NULL, *rejects_path = NULL;
	struct lines in;
	struct line l;
	struct split s;
	struct buf recs = BUF_INIT;
	const char *p;
	uint64_t bytes_out = 0, nlines = 0, bad = 0;
	double start = now_seconds();
	size_t off, n, k;
	int c, status = 0;

	prog_init("split-posts");
	while ((c = getopt_long(argc, argv, "ho:qv", longopts, NULL)) != -1)
		switch (c) {
		case 'h': usage_exit(usage_text, 0);
		case 'o': output = optarg; break;
		case 'q': verbosity = 0; break;
		case 'v': verbosity = 2; break;
		case OPT_CHROME: so.chrome = marker("--chrome", optarg); break;
		case OPT_HEADER: so.header = marker("--header", optarg); break;
		case OPT_PLACEHOLDER:
			so.placeholder = marker("--placeholder", optarg);
			break;
		case OPT_REJECTS: rejects_path = optarg; break;
		case OPT_SOURCE: source = optarg; break;
		case OPT_TOO_BIG: so.too_big = marker("--too-big", optarg); break;
		case OPT_VERSION: version_exit();
		default: usage_exit(usage_text, EX_USAGE);
		}
	argc -= optind;
	argv += optind;

	out_open_main(&out, output);
	rej = out_open_rejects(&rejects, rejects_path);
	split_init(&s, &so);
	lines_open(&in, argv);
	for (;;) {
		/* Most lines are text: found and escaped in one pass. */
		if ((n = lines_peek(&in, &p)) > 0 &&
		    (n = split_text(&s, p, n, &recs, &k)) > 0) {
			lines_skip(&in, n, k);
			nlines += k;
			continue;
		}
		if (!lines_next(&in, &l))
			break;
		nlines++;
		if (l.no == 1) {
			split_finish(&s, &recs);
			split_source(&s, source != NULL ? source : l.path);
		}
		if (split_line(&s, l.p, l.len, &recs, &off) != 0) {
			line_refuse(rej, &l, (size_t)(l.p - l.raw) + off + 1,
			    "invalid UTF-8");
			bad++;
			continue;
		}
		if (recs.len >= FLUSH_AT)
			bytes_out += split_flush(&s, &recs, &out, FLUSH_AT);
	}
	split_finish(&s, &recs);
	out_write(&out, recs.data, recs.len);
	bytes_out += recs.len;
	status_set(&status, in.status);
	if (verbosity > 1)
		fprintf(stderr, "%s: %llu lines, %llu posts, %llu bytes in, "
		    "%llu bytes out, %llu rejected, %.3f s\n", prog_name,
		    (unsigned long long)nlines, (unsigned long long)s.posts,
		    (unsigned long long)in.bytes,
		    (unsigned long long)bytes_out, (unsigned long long)bad,
		    now_seconds() - start);
	lines_close(&in);
	split_release(&s);
	buf_release(&recs);
	if (rej != NULL) {
		rejects_done(rej, bad);
		out_close(rej);
	}
	out_close(&out);
	return status;
}
