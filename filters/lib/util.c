/* F_SETPIPE_SZ (Linux), used only as a hint by pipe_widen */
#define _GNU_SOURCE
/* util: messages, exit codes, checked output; see util.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *prog_name = "tgpipe";
int verbosity = 1;

/*
 * The open outputs, so that die() can hand on the complete records written
 * before the error (as jq and sed do) instead of losing a buffer's worth.
 */
#define MAX_OUTS	8
static struct out *open_outs[MAX_OUTS];

/* The temporary output file to remove if we die; see out_open_atomic. */
static volatile sig_atomic_t tmp_armed;
static char *tmp_path;

/* Async-signal-safe: the signal handlers below call it too. */
static void
tmp_remove(void)
{
	if (tmp_armed && tmp_path != NULL) {
		tmp_armed = 0;
		unlink(tmp_path);
	}
}

static void
on_fatal_signal(int sig)
{
	tmp_remove();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The file mapped for reading, named in the message if it is cut short. */
static const char *volatile mapped_name;
static const char *volatile mapped_base;
static volatile size_t mapped_len;

static void
on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	static const char what[] = "': the file was cut short while "
	    "being read\n";
	const char *a = si->si_addr, *name = mapped_name;

	(void)ctx;
	if (si->si_code <= 0 || name == NULL || a < mapped_base ||
	    a >= mapped_base + mapped_len) {
		/* Not the mapping: as if not caught. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	tmp_remove();
	(void)!write(STDERR_FILENO, prog_name, strlen(prog_name));
	(void)!write(STDERR_FILENO, ": '", 3);
	(void)!write(STDERR_FILENO, name, strlen(name));
	(void)!write(STDERR_FILENO, what, sizeof what - 1);
	_exit(EX_IOERR);
}

void
sigbus_catch(const char *name, const void *base, size_t len)
{
	static int armed;
	struct sigaction sa;

	mapped_name = name;
	mapped_base = base;
	mapped_len = len;
	if (armed)
		return;
	armed = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

void
prog_init(const char *name)
{
	prog_name = name;
	/* A closed pipe ends us quietly, whatever our parent ignored. */
	signal(SIGPIPE, SIG_DFL);
}

static void
vmsg(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fprintf(stderr, "%s: ", prog_name);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

/* Best effort: what fails to be written now is lost with the run anyway. */
static void
outs_flush_quietly(void)
{
	struct out *o;
	size_t i, off;
	ssize_t w;

	for (i = 0; i < MAX_OUTS; i++) {
		if ((o = open_outs[i]) == NULL || o->tmp != NULL)
			continue;
		open_outs[i] = NULL;
		for (off = 0; off < o->len; off += (size_t)w)
			if ((w = write(o->fd, o->data + off, o->len - off)) <= 0)
				break;
		o->len = 0;
	}
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	tmp_remove();
	if (status != EX_IOERR)
		outs_flush_quietly();
	exit(status);
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
status_set(int *status, int s)
{
	if (s != 0 && (*status == 0 || s > *status))
		*status = s;
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die(EX_SOFTWARE, "out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die(EX_SOFTWARE, "out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die(EX_SOFTWARE, "out of memory: size overflows");
	p = realloc(p, n * size > 0 ? n * size : 1);
	if (p == NULL)
		die(EX_SOFTWARE, "out of memory (%zu x %zu bytes)", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static long long
parse_scaled(const char *opt, const char *s, long long min, long long max,
    int scaled)
{
	char *end;
	long long v, mul = 1;

	errno = 0;
	if (*s == '\0' || *s == ' ' || *s == '+')
		goto bad;
	v = strtoll(s, &end, 10);
	if (end == s)
		goto bad;
	if (scaled && *end != '\0') {
		switch (*end++) {
		case 'k': case 'K': mul = 1LL << 10; break;
		case 'm': case 'M': mul = 1LL << 20; break;
		case 'g': case 'G': mul = 1LL << 30; break;
		default: goto bad;
		}
		if (*end == 'i' && end[1] == 'B')
			end += 2;
	}
	if (*end != '\0')
		goto bad;
	if (errno == ERANGE || v > LLONG_MAX / mul || v < LLONG_MIN / mul)
		goto range;
	v *= mul;
	if (v < min || v > max)
		goto range;
	return v;
bad:
	die(EX_USAGE, "%s: '%s' is not a number", opt, s);
range:
	die(EX_USAGE, "%s: '%s' is out of range %lld-%lld", opt, s, min, max);
}

long long
parse_num(const char *opt, const char *s, long long min, long long max)
{
	return parse_scaled(opt, s, min, max, 0);
}

long long
parse_size(const char *opt, const char *s, long long min, long long max)
{
	return parse_scaled(opt, s, min, max, 1);
}

/*
 * A pipe holds 64 KiB by default, so a stage writing 256 KiB at a time
 * into a chain of stages blocks and wakes its reader four times a write.
 * Widen it to the output buffer's size where the system lets us; it is
 * only a hint, so failure is ignored.
 */
static void
pipe_widen(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    fcntl(fd, F_GETPIPE_SZ) < OUT_BUFSIZE * 4)
		(void)fcntl(fd, F_SETPIPE_SZ, OUT_BUFSIZE * 4);
#else
	(void)fd;
#endif
}

void
out_init_fd(struct out *o, int fd, const char *name)
{
	size_t i;

	o->fd = fd;
	o->name = xstrdup(name);
	o->tmp = NULL;
	o->cap = OUT_BUFSIZE;
	o->data = xmalloc(o->cap);
	o->len = 0;
	o->done = o->kicked = 0;
	pipe_widen(fd);
	for (i = 0; i < MAX_OUTS; i++)
		if (open_outs[i] == NULL) {
			open_outs[i] = o;
			break;
		}
}

void
out_open_main(struct out *o, const char *path)
{
	if (path != NULL)
		out_open_atomic(o, path);
	else
		out_init_fd(o, STDOUT_FILENO, "<stdout>");
}

struct out *
out_open_rejects(struct out *o, const char *path)
{
	if (path == NULL)
		return NULL;
	out_open(o, path);
	return o;
}

void
out_open(struct out *o, const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		die(EX_CANTCREAT, "cannot create '%s':", path);
	out_init_fd(o, fd, path);
}

void
out_open_atomic(struct out *o, const char *path)
{
	char *copy, *dir, *tmp;
	const char *base;
	struct sigaction sa;
	struct stat st;
	mode_t mask;
	size_t n;
	int fd;

	/*
	 * A device, a pipe or a symbolic link (-o /dev/stdout, a fifo) is
	 * written in place: renaming over it would replace the link or the
	 * device node, not write to what it names.
	 */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0)
			die(EX_CANTCREAT, "cannot open '%s':", path);
		out_init_fd(o, fd, path);
		return;
	}
	if (tmp_path != NULL)
		die(EX_SOFTWARE, "only one atomic output file is supported");
	copy = xstrdup(path);
	dir = dirname(copy);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	n = strlen(dir) + strlen(base) + 16;
	tmp = xmalloc(n);
	snprintf(tmp, n, "%s/.%s.XXXXXX", dir, base);
	free(copy);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	tmp_path = tmp;
	fd = mkstemp(tmp);
	if (fd < 0)
		die(EX_CANTCREAT, "cannot create '%s':", path);
	tmp_armed = 1;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0)
		die(EX_CANTCREAT, "cannot create '%s':", path);
	out_init_fd(o, fd, path);
	o->tmp = tmp;
}

static void
write_all(struct out *o, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				tmp_remove();
				signal(SIGPIPE, SIG_DFL);
				raise(SIGPIPE);
				_exit(128 + SIGPIPE);
			}
			die(EX_IOERR, "write error on '%s':", o->name);
		}
		p += w;
		n -= (size_t)w;
	}
}

/*
 * For a temporary file that out_close will fsync, start the disk writes
 * of each WRITEBACK_STEP bytes as they are written (sync_file_range,
 * Linux), so that the fsync at the end waits for the last step only.
 */
#define WRITEBACK_STEP	(1 << 20)

static void
writeback(struct out *o, size_t n)
{
	o->done += (off_t)n;
#ifdef SYNC_FILE_RANGE_WRITE
	if (o->tmp != NULL && o->done - o->kicked >= WRITEBACK_STEP) {
		(void)sync_file_range(o->fd, o->kicked, o->done - o->kicked,
		    SYNC_FILE_RANGE_WRITE);
		o->kicked = o->done;
	}
#endif
}

void
out_flush(struct out *o)
{
	write_all(o, o->data, o->len);
	writeback(o, o->len);
	o->len = 0;
}

void
out_write_slow(struct out *o, const void *p, size_t n)
{
	out_flush(o);
	if (n >= o->cap) {
		write_all(o, p, n);
		writeback(o, n);
	} else {
		memcpy(o->data, p, n);
		o->len = n;
	}
}

void
out_close(struct out *o)
{
	size_t i;

	for (i = 0; i < MAX_OUTS; i++)
		if (open_outs[i] == o)
			open_outs[i] = NULL;
	out_flush(o);
	if (o->tmp != NULL && fsync(o->fd) != 0)
		die(EX_IOERR, "cannot sync '%s':", o->name);
	if (close(o->fd) != 0 && errno != EINTR)
		die(EX_IOERR, "write error on '%s':", o->name);
	if (o->tmp != NULL) {
		if (rename(o->tmp, o->name) != 0)
			die(EX_CANTCREAT, "cannot rename to '%s':", o->name);
		tmp_armed = 0;
		free(o->tmp);
		tmp_path = NULL;
	}
	free(o->data);
	free(o->name);
	o->data = NULL;
	o->name = NULL;
	o->tmp = NULL;
}

void
out_refuse_tty(const struct out *o)
{
	if (isatty(o->fd))
		die(EX_USAGE, "refusing to write binary data to a terminal");
}

void
usage_exit(const char *text, int status)
{
	FILE *f = status == 0 ? stdout : stderr;

	fprintf(f, text, prog_name);
	if (status == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		die(EX_IOERR, "write error on standard output:");
	exit(status);
}

void
version_exit(void)
{
	printf("%s (tgpipe) %s\n", prog_name, PROJECT_VERSION);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, "write error on standard output:");
	exit(0);
}

double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
