/*
 * compress-archive: records into a seekable zstd archive that plain
 * zstd -d reads; -d, -t, --list and --extract read it back.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/archive.h"
#include "lib/json.h"
#include "lib/record.h"
#include "lib/utf8.h"
#include "lib/util.h"

#define FRAME_SIZE_MAX	(1LL << 30)

enum mode { COMPRESS, DECOMPRESS, TEST, LIST, EXTRACT, EXTRACT_DICT };

enum {
	OPT_DICT = 256, OPT_EXTRACT, OPT_EXTRACT_DICT, OPT_FRAME_SIZE,
	OPT_JSON, OPT_LIST, OPT_RAW, OPT_REJECTS, OPT_VERSION
};

static const char usage_text[] =
"usage: %s [-qv] [-l LEVEL] [-T N] [--frame-size BYTES] [--raw] [--dict]\n"
"           [--rejects FILE] [-o FILE] [FILE ...]\n"
"       compress-archive -d | -t [-qv] [-o FILE] [ARCHIVE ...]\n"
"       compress-archive --list [--json] [ARCHIVE]\n"
"       compress-archive --extract N[-M] [-o FILE] [ARCHIVE]\n"
"       compress-archive --extract-dict FILE [ARCHIVE]\n"
"Compress JSON Lines records into a seekable zstd archive that zstd -d reads,\n"
"or read one back.\n"
"\n"
"  -o, --output FILE       write to FILE atomically instead of stdout\n"
"  -l, --level LEVEL       zstd level 1-19 (default 3)\n"
"  -T, --threads N         compress in N threads, 0: one per core (default 1)\n"
"      --frame-size BYTES  cut frames at about BYTES of records (default 1M;\n"
"                          K, M, G suffixes)\n"
"      --raw               lines need not be JSON records\n"
"      --dict              train a dictionary and store it in the archive\n"
"                          (zstd then needs -D, see --extract-dict)\n"
"      --rejects FILE      write lines that are not records to FILE and go on\n"
"  -d, --decompress        write every record, checking every checksum\n"
"  -t, --test              check the whole archive, write nothing\n"
"      --list              list frames, records, sizes and ratio\n"
"      --json              with --list: one JSON object\n"
"      --extract N[-M]     write record N (or N to M, or N- to the end),\n"
"                          decoding only the frames that hold them\n"
"      --extract-dict FILE write the archive's dictionary to FILE\n"
"  -q, --quiet             no warnings\n"
"  -v, --verbose           print a summary to stderr\n"
"  -h, --help              show this help\n"
"      --version           show the version\n";

static const struct option longopts[] = {
	{ "decompress",	  no_argument,	     NULL, 'd' },
	{ "dict",	  no_argument,	     NULL, OPT_DICT },
	{ "extract",	  required_argument, NULL, OPT_EXTRACT },
	{ "extract-dict", required_argument, NULL, OPT_EXTRACT_DICT },
	{ "frame-size",	  required_argument, NULL, OPT_FRAME_SIZE },
	{ "help",	  no_argument,	     NULL, 'h' },
	{ "json",	  no_argument,	     NULL, OPT_JSON },
	{ "level",	  required_argument, NULL, 'l' },
	{ "list",	  no_argument,	     NULL, OPT_LIST },
	{ "output",	  required_argument, NULL, 'o' },
	{ "quiet",	  no_argument,	     NULL, 'q' },
	{ "raw",	  no_argument,	     NULL, OPT_RAW },
	{ "rejects",	  required_argument, NULL, OPT_REJECTS },
	{ "test",	  no_argument,	     NULL, 't' },
	{ "threads",	  required_argument, NULL, 'T' },
	{ "verbose",	  no_argument,	     NULL, 'v' },
	{ "version",	  no_argument,	     NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* An archive being read: a regular file by pread, anything else in memory. */
struct src {
	const char	*name;		/* for messages */
	int		 fd;
	int		 streamed;	/* -d or -t done while reading */
	struct buf	 mem;
	struct archive_mem m;
};

static void
set_mode(enum mode *m, enum mode want, const char *opt)
{
	if (*m != COMPRESS && *m != want)
		die(EX_USAGE, "%s: only one of -d, -t, --list, --extract and "
		    "--extract-dict", opt);
	*m = want;
}

static void
parse_range(const char *s, uint64_t *first, uint64_t *last)
{
	const char *dash = strchr(s, '-');
	char *part;

	if (dash == NULL) {
		*first = *last = (uint64_t)parse_num("--extract", s, 1,
		    INT64_MAX);
		return;
	}
	part = xstrdup(s);
	part[dash - s] = '\0';
	*first = (uint64_t)parse_num("--extract", part, 1, INT64_MAX);
	free(part);
	if (dash[1] == '\0')
		*last = UINT64_MAX;
	else
		*last = (uint64_t)parse_num("--extract", dash + 1, 1,
		    INT64_MAX);
	if (*last < *first)
		die(EX_USAGE, "--extract: '%s': the range is backwards", s);
}

static void
emit_out(void *ctx, const void *p, size_t n)
{
	out_write(ctx, p, n);
}

static int
fd_pread(void *ctx, void *p, size_t n, uint64_t off)
{
	int fd = *(int *)ctx;
	ssize_t r;

	while (n > 0) {
		r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		p = (char *)p + r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static long
fd_read(void *ctx, void *p, size_t n)
{
	return (long)read(*(int *)ctx, p, n);
}

/*
 * Open and check an archive; 0, or EX_NOINPUT after a warning.  With
 * stream set (-d, -t) an archive from a pipe is decoded as it is read,
 * through emit, instead of being held in memory.
 */
static int
src_open(struct src *s, struct archive *a, const char *path, int stream,
    archive_emit_fn emit, void *ectx)
{
	struct archive_err e;
	struct stat st;
	ssize_t r;
	int rc;

	memset(s, 0, sizeof *s);
	buf_init(&s->mem);
	if (strcmp(path, "-") == 0) {
		s->name = "<stdin>";
		s->fd = STDIN_FILENO;
	} else {
		s->name = path;
		if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			warnmsg("cannot open '%s':", path);
			return EX_NOINPUT;
		}
	}
	if (fstat(s->fd, &st) != 0)
		die(EX_IOERR, "%s: cannot stat:", s->name);
	if (S_ISREG(st.st_mode))
		rc = archive_open(a, fd_pread, &s->fd, (uint64_t)st.st_size,
		    &e);
	else if (stream) {
		rc = archive_decode_stream(fd_read, &s->fd, emit, ectx, a, &e);
		s->streamed = 1;
	} else {
		for (;;) {
			buf_grow(&s->mem, 1 << 20);
			r = read(s->fd, s->mem.data + s->mem.len,
			    s->mem.cap - s->mem.len - 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				die(EX_IOERR, "read error on '%s':", s->name);
			if (r == 0)
				break;
			buf_setlen(&s->mem, s->mem.len + (size_t)r);
		}
		s->m.p = (unsigned char *)s->mem.data;
		s->m.n = s->mem.len;
		rc = archive_open(a, archive_mem_pread, &s->m, s->mem.len, &e);
	}
	if (rc != 0)
		die(e.status, "%s: %s", s->name, e.msg);
	return 0;
}

static void
src_close(struct src *s, struct archive *a)
{
	archive_close(a);
	if (s->fd != STDIN_FILENO)
		close(s->fd);
	buf_release(&s->mem);
}

static void
check(int rc, const struct src *s, const struct archive_err *e)
{
	if (rc != 0)
		die(e->status, "%s: %s", s->name, e->msg);
}

static const char *
kind_name(enum archive_frame_kind k)
{
	return k == FRAME_DATA ? "data" : k == FRAME_DICT ? "dictionary" :
	    "index";
}

static double
ratio(uint64_t d, uint64_t c)
{
	return c > 0 ? (double)d / (double)c : 0.0;
}

static void
list_text(struct out *o, const struct src *s, const struct archive *a)
{
	const struct archive_frame *f;
	struct buf b = BUF_INIT;
	uint32_t i;

	buf_printf(&b, "%6s  %-10s  %12s  %10s  %12s  %7s  %s\n", "frame",
	    "kind", "offset", "compressed", "decompressed", "ratio",
	    "records");
	for (i = 0; i < a->nf; i++) {
		f = &a->f[i];
		buf_printf(&b, "%6" PRIu32 "  %-10s  %12" PRIu64 "  %10" PRIu32
		    "  %12" PRIu32, i + 1, kind_name(f->kind), f->offset,
		    f->csize, f->dsize);
		if (f->kind == FRAME_DATA)
			buf_printf(&b, "  %7.3f  %" PRIu64 "-%" PRIu64 "\n",
			    ratio(f->dsize, f->csize), f->first,
			    f->first + f->records - 1);
		else
			buf_printf(&b, "  %7s  %s\n", "-", "-");
	}
	buf_printf(&b, "%s: %" PRIu64 " records in %" PRIu32 " data frame%s, %"
	    PRIu64 " bytes in %" PRIu64 " (ratio %.3f)%s%s\n", s->name,
	    a->records, a->ndata, a->ndata == 1 ? "" : "s", a->dbytes,
	    a->size, ratio(a->dbytes, a->size),
	    a->flags & ARCHIVE_FLAG_RAW ? ", raw lines" : "",
	    a->flags & ARCHIVE_FLAG_DICT ? ", dictionary" : "");
	out_write(o, b.data, b.len);
	buf_release(&b);
}

static void
list_json(struct out *o, const struct src *s, const struct archive *a)
{
	const struct archive_frame *f;
	struct buf b = BUF_INIT;
	size_t n = strlen(s->name);
	uint32_t i;

	buf_addstr(&b, "{\"file\":");
	if (utf8_check(s->name, n) == n)
		json_add_string(&b, s->name, n);
	else
		buf_addstr(&b, "null");
	buf_printf(&b, ",\"size\":%" PRIu64 ",\"records\":%" PRIu64
	    ",\"decompressed\":%" PRIu64 ",\"ratio\":%.3f,\"raw\":%s"
	    ",\"dictionary\":%s,\"frames\":[", a->size, a->records,
	    a->dbytes, ratio(a->dbytes, a->size),
	    a->flags & ARCHIVE_FLAG_RAW ? "true" : "false",
	    a->flags & ARCHIVE_FLAG_DICT ? "true" : "false");
	for (i = 0; i < a->nf; i++) {
		f = &a->f[i];
		buf_printf(&b, "%s{\"kind\":\"%s\",\"offset\":%" PRIu64
		    ",\"compressed\":%" PRIu32 ",\"decompressed\":%" PRIu32
		    ",\"checksum\":\"%08" PRIx32 "\"", i ? "," : "",
		    kind_name(f->kind), f->offset, f->csize, f->dsize,
		    f->checksum);
		if (f->kind == FRAME_DATA)
			buf_printf(&b, ",\"first_record\":%" PRIu64
			    ",\"records\":%" PRIu32 "}", f->first, f->records);
		else
			buf_addstr(&b, ",\"first_record\":null,\"records\":0}");
	}
	buf_addstr(&b, "]}\n");
	out_write(o, b.data, b.len);
	buf_release(&b);
}

static void
write_dict(const struct src *s, const struct archive *a, const char *path)
{
	struct out o;

	if (!(a->flags & ARCHIVE_FLAG_DICT))
		die(EX_DATAERR, "%s: the archive has no dictionary", s->name);
	if (strcmp(path, "-") == 0) {
		out_init_fd(&o, STDOUT_FILENO, "<stdout>");
		out_refuse_tty(&o);
	} else
		out_open_atomic(&o, path);
	out_write(&o, a->dict.data, a->dict.len);
	out_close(&o);
}

/*
 * Records are checked in the writer's threads (record_valid); a refused
 * one comes back with its tag: the ordinal of its line in all the input,
 * and whether the line ended in CR, which finds its file and line number
 * for the message and gives --rejects the line as it was read.
 */
#define TAG_CR	((uint64_t)1 << 63)

struct origin {
	const char	*file;
	uint64_t	 first;		/* ordinal of its line 1 */
	int		 bom;		/* line 1 began with a BOM */
};

struct feed {
	struct origin	*o;
	size_t		 no, cap;
	struct out	*rejects;
	uint64_t	 rejected;
	struct record	 r;
	struct buf	 raw;
};

static void
refuse(void *ctx, const char *p, size_t n, uint64_t tag)
{
	struct feed *f = ctx;
	struct json_err e;
	struct line l;
	uint64_t ord = tag & ~TAG_CR;
	size_t lo = 0, hi = f->no, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (f->o[mid].first <= ord)
			lo = mid;
		else
			hi = mid;
	}
	memset(&l, 0, sizeof l);
	l.file = f->o[lo].file;
	l.no = ord - f->o[lo].first + 1;
	buf_reset(&f->raw);
	if (l.no == 1 && f->o[lo].bom)
		buf_add(&f->raw, "\xEF\xBB\xBF", 3);
	buf_add(&f->raw, p, n);
	if (tag & TAG_CR)
		buf_addch(&f->raw, '\r');
	l.raw = f->raw.data;
	l.rawlen = f->raw.len;
	l.p = l.raw + (l.rawlen - n - (tag & TAG_CR ? 1 : 0));
	l.len = n;
	if (record_parse(&f->r, &l, &e) == 0)
		die(EX_SOFTWARE, "%s:%llu: record refused, then accepted",
		    l.file, (unsigned long long)l.no);
	line_refuse(f->rejects, &l, (size_t)(e.at - l.raw) + 1, e.msg);
	f->rejected++;
}

static int
compress(char **files, struct out *out, struct archive_opts *ao,
    struct out *rej, double start)
{
	struct archive_writer *w;
	struct feed f;
	struct lines ls;
	struct line l;
	uint64_t ord = 0;
	int cr, status;

	memset(&f, 0, sizeof f);
	f.rejects = rej;
	record_init(&f.r);
	buf_init(&f.raw);
	if (!ao->raw) {
		ao->check = record_valid;
		ao->refuse = refuse;
		ao->refuse_ctx = &f;
		ao->keep_going = rej != NULL;
	}
	w = archive_writer_new(ao, emit_out, out);
	lines_open(&ls, files);
	while (lines_next(&ls, &l)) {
		ord++;
		if (ao->raw) {
			if (archive_writer_add(w, l.raw, l.rawlen, 0) != 0)
				die(EX_DATAERR, "%s:%llu: line too long for "
				    "one frame (4 GiB limit)", l.file,
				    (unsigned long long)l.no);
			continue;
		}
		if (l.no == 1) {
			if (f.no == f.cap) {
				f.cap = f.cap ? f.cap * 2 : 16;
				f.o = xrealloc(f.o, f.cap, sizeof *f.o);
			}
			f.o[f.no].file = l.file;
			f.o[f.no].first = ord;
			f.o[f.no++].bom = l.p != l.raw;
		}
		if (record_blank(l.p, l.len))
			continue;
		cr = l.rawlen > (size_t)(l.p - l.raw) + l.len;
		if (archive_writer_add(w, l.p, l.len, ord | (cr ? TAG_CR : 0))
		    != 0) {
			line_refuse(f.rejects, &l, 0, "record too long for one "
			    "frame (4 GiB limit)");
			f.rejected++;
		}
	}
	status = ls.status;
	lines_close(&ls);
	archive_writer_finish(w);
	if (ao->dict && archive_writer_dict_error(w) != NULL && verbosity > 0)
		warnmsg("cannot train a dictionary (%s): the archive has none",
		    archive_writer_dict_error(w));
	if (verbosity > 1) {
		uint64_t recs, frames, bin, bout;
		int d;

		archive_writer_stats(w, &recs, &frames, &bin, &bout, &d);
		fprintf(stderr, "%s: %" PRIu64 " records, %" PRIu64 " frames, %"
		    PRIu64 " bytes in, %" PRIu64 " bytes out (ratio %.3f)%s, "
		    "%.3f s\n", prog_name, recs, frames, bin, bout,
		    ratio(bin, bout), d ? ", dictionary" : "",
		    now_seconds() - start);
	}
	archive_writer_free(w);
	rejects_done(f.rejects, f.rejected);
	record_release(&f.r);
	buf_release(&f.raw);
	free(f.o);
	return status;
}

int
main(int argc, char *argv[])
{
	struct archive_opts ao = archive_defaults;
	struct archive a;
	struct archive_err e;
	struct out out, rejects, *rej = NULL;
	struct src s;
	enum mode mode = COMPRESS;
	const char *output = NULL, *rejects_path = NULL, *dict_path = NULL;
	const char *compress_opt = NULL;
	char *stdin_only[] = { "-", NULL };
	uint64_t first = 0, last = 0, nrec = 0, nframes = 0, bin = 0,
	    bout = 0;
	double start = now_seconds();
	long nproc;
	int c, i, json = 0, status = 0;

	prog_init("compress-archive");
	while ((c = getopt_long(argc, argv, "dhl:o:qT:tv", longopts, NULL)) !=
	    -1)
		switch (c) {
		case 'd': set_mode(&mode, DECOMPRESS, "-d"); break;
		case 'h': usage_exit(usage_text, 0);
		case 'l':
			ao.level = (int)parse_num("-l", optarg, 1, 19);
			compress_opt = "-l";
			break;
		case 'o': output = optarg; break;
		case 'q': verbosity = 0; break;
		case 'T':
			ao.threads = (int)parse_num("-T", optarg, 0, 256);
			if (ao.threads == 0) {
				nproc = sysconf(_SC_NPROCESSORS_ONLN);
				ao.threads = nproc < 1 ? 1 : nproc > 256 ?
				    256 : (int)nproc;
			}
			break;
		case 't': set_mode(&mode, TEST, "-t"); break;
		case 'v': verbosity = 2; break;
		case OPT_DICT: ao.dict = 1; compress_opt = "--dict"; break;
		case OPT_EXTRACT:
			set_mode(&mode, EXTRACT, "--extract");
			parse_range(optarg, &first, &last);
			break;
		case OPT_EXTRACT_DICT:
			set_mode(&mode, EXTRACT_DICT, "--extract-dict");
			dict_path = optarg;
			break;
		case OPT_FRAME_SIZE:
			ao.frame_size = (size_t)parse_size("--frame-size",
			    optarg, 1, FRAME_SIZE_MAX);
			compress_opt = "--frame-size";
			break;
		case OPT_JSON: json = 1; break;
		case OPT_LIST: set_mode(&mode, LIST, "--list"); break;
		case OPT_RAW: ao.raw = 1; compress_opt = "--raw"; break;
		case OPT_REJECTS:
			rejects_path = optarg;
			compress_opt = "--rejects";
			break;
		case OPT_VERSION: version_exit();
		default: usage_exit(usage_text, EX_USAGE);
		}
	argc -= optind;
	argv += optind;

	if (mode != COMPRESS && compress_opt != NULL)
		die(EX_USAGE, "%s: only for compressing", compress_opt);
	if (json && mode != LIST)
		die(EX_USAGE, "--json: only with --list");
	if ((mode == LIST || mode == EXTRACT || mode == EXTRACT_DICT) &&
	    argc > 1)
		die(EX_USAGE, "one archive at a time with --list, --extract "
		    "and --extract-dict");
	if (mode == EXTRACT_DICT && output != NULL)
		die(EX_USAGE, "-o: not with --extract-dict (it names the "
		    "file)");

	if (mode == COMPRESS) {
		out_open_main(&out, output);
		out_refuse_tty(&out);
		rej = out_open_rejects(&rejects, rejects_path);
		status = compress(argv, &out, &ao, rej, start);
		if (rej != NULL)
			out_close(rej);
		out_close(&out);
		return status;
	}

	if (argc == 0)
		argv = stdin_only, argc = 1;
	if (mode == TEST || mode == EXTRACT_DICT)
		out.fd = -1;
	else
		out_open_main(&out, output);
	for (i = 0; i < argc; i++) {
		if (src_open(&s, &a, argv[i], mode == DECOMPRESS ||
		    mode == TEST, mode == DECOMPRESS ? emit_out : NULL,
		    &out) != 0) {
			status_set(&status, EX_NOINPUT);
			continue;
		}
		switch (s.streamed ? COMPRESS : mode) {
		case DECOMPRESS:
			check(archive_decode_all(&a, emit_out, &out, &e), &s,
			    &e);
			break;
		case TEST:
			check(archive_decode_all(&a, NULL, NULL, &e), &s, &e);
			break;
		case LIST:
			if (json)
				list_json(&out, &s, &a);
			else
				list_text(&out, &s, &a);
			break;
		case EXTRACT:
			if (last == UINT64_MAX)
				last = a.records > first ? a.records : first;
			if (last > a.records)
				die(EX_DATAERR, "%s: record %" PRIu64 " "
				    "requested, the archive holds %" PRIu64,
				    s.name, last, a.records);
			check(archive_extract(&a, first, last, emit_out, &out,
			    &e), &s, &e);
			break;
		case EXTRACT_DICT:
			write_dict(&s, &a, dict_path);
			break;
		case COMPRESS:
			break;
		}
		nrec += a.records;
		nframes += a.ndata;
		bin += a.size;
		bout += a.dbytes;
		src_close(&s, &a);
	}
	if (verbosity > 1 && (mode == DECOMPRESS || mode == TEST))
		fprintf(stderr, "%s: %" PRIu64 " records, %" PRIu64 " frames, %"
		    PRIu64 " bytes in, %" PRIu64 " bytes out, all checksums "
		    "good, %.3f s\n", prog_name, nrec, nframes, bin, bout,
		    now_seconds() - start);
	if (out.fd >= 0)
		out_close(&out);
	return status;
}
