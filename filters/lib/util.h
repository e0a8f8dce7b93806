/*
 * util: the vocabulary every program shares: messages in the form
 * "program: where: what", sysexits exit codes, the worst-status-sticks
 * rule, checked buffered output (stdout or an atomically renamed -o file),
 * and --help/--version.
 *
 * The only globals are the parsed options every program has (its name and
 * verbosity) and the name of a temporary output file that a signal or a
 * fatal error must remove.
 */
#ifndef UTIL_H
#define UTIL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sysexits.h>

#define PROJECT_VERSION	"0.1.0"

extern const char *prog_name;
extern int verbosity;		/* 0 -q, 1 default, 2 -v */

void	prog_init(const char *name);
/*
 * The file name is mapped at base, len bytes: if it is cut short
 * meanwhile, reading the lost pages raises SIGBUS, which then ends the
 * program with a message naming it (exit 74), removing a temporary output
 * file.  A SIGBUS elsewhere is left as it is.
 */
void	sigbus_catch(const char *name, const void *base, size_t len);

/* Whether the processor has AVX2, for the 32-byte paths that check. */
static inline int
cpu_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	return __builtin_cpu_supports("avx2");
#else
	return 0;
#endif
}

/* A message ending in ':' gets ": strerror(errno)" appended. */
void	die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	status_set(int *status, int s);	/* keeps the worse (non-zero) one */

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t, size_t);
char	*xstrdup(const char *);

/* Parse a decimal in [min, max] or die 64 naming the option. */
long long	parse_num(const char *opt, const char *s, long long min,
		    long long max);
/* The same, with an optional K/M/G (binary) suffix. */
long long	parse_size(const char *opt, const char *s, long long min,
		    long long max);

/*
 * Little-endian numbers: in file formats (archive, dedupe state), and the
 * word-at-a-time scanners' loads, byte k in bits 8k (one load on x86).
 */
static inline void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline void
put_le64(unsigned char *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
get_le64(const unsigned char *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/* An out's buffer; out_write of this much or more is not copied into it. */
#define OUT_BUFSIZE	(256 * 1024)

/*
 * Buffered output to a file descriptor.  Every write is checked: a write
 * error exits 74 (after removing a temporary file), a closed pipe ends the
 * program quietly, as if by SIGPIPE.
 */
struct out {
	int	 fd;
	char	*name;		/* for messages */
	char	*tmp;		/* temporary file renamed to name on close */
	char	*data;
	size_t	 len, cap;
	off_t	 done, kicked;	/* bytes written, and sent to the disk */
};

void	out_init_fd(struct out *, int fd, const char *name);
/*
 * Open path for writing through a temporary file in the same folder,
 * renamed into place by out_close and removed by die() or a fatal signal.
 * A path that exists and is not a regular file (/dev/stdout, a fifo, any
 * symbolic link) is opened and written in place.
 */
void	out_open_atomic(struct out *, const char *path);
/* A program's output: path (-o, atomic) or, when NULL, standard output. */
void	out_open_main(struct out *, const char *path);
/* The --rejects file at path, or NULL (and nothing opened) if path is. */
struct out *out_open_rejects(struct out *, const char *path);
/* Open path for writing, truncating (a rejects file, say). */
void	out_open(struct out *, const char *path);
void	out_flush(struct out *);
/* Flush, fsync and rename a temporary file into place, close. */
void	out_close(struct out *);
void	out_write_slow(struct out *, const void *, size_t);

static inline void
out_write(struct out *o, const void *p, size_t n)
{
	if (n <= o->cap - o->len) {
		memcpy(o->data + o->len, p, n);
		o->len += n;
	} else
		out_write_slow(o, p, n);
}

static inline void
out_putc(struct out *o, int c)
{
	if (o->len == o->cap)
		out_flush(o);
	o->data[o->len++] = (char)c;
}

/* Refuse to write binary output to a terminal. */
void	out_refuse_tty(const struct out *);

/* Print usage text to stdout and exit 0, or to stderr and exit 64. */
void	usage_exit(const char *text, int status) __attribute__((noreturn));
void	version_exit(void) __attribute__((noreturn));

/* Monotonic seconds, for -v summaries. */
double	now_seconds(void);

#endif
