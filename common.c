/* common.c: errors, logging, allocation, the arena and small file helpers. */
#include "common.h"

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

int log_verbosity = LOG_INFO;
static int log_fd = -1;
static bool log_json;

static int derr_vset(struct derr *e, int errnum, const char *fmt, va_list ap)
{
	int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof e->msg && errnum)
		snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	e->errnum = errnum;
	return -1;
}

int derr_set(struct derr *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	derr_vset(e, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int derr_sys(struct derr *e, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	derr_vset(e, saved, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int derr_wrap(struct derr *e, const char *fmt, ...)
{
	char prefix[ERR_MSG_MAX], old[ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%s: %s", prefix, old);
	return -1;
}

void log_setup(const char *path, bool json, bool debug)
{
	if (debug)
		log_verbosity = LOG_DEBUG;
	log_json = json;
	if (path && *path) {
		log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (log_fd < 0)
			fprintf(stderr, "droplet: open log \"%s\": %s\n", path, strerror(errno));
	}
}

static void json_escape_to(char *out, size_t cap, const char *s)
{
	size_t o = 0;
	for (; *s && o + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += snprintf(out + o, cap - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = 0;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *names[] = {"error", "warning", "info", "debug"};
	char msg[ERR_MSG_MAX], line[ERR_MSG_MAX * 2 + 128];
	int saved = errno;
	va_list ap;
	if ((int)lvl > log_verbosity)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (lvl == LOG_ERROR)
		snprintf(line, sizeof line, "droplet: %s\n", msg);
	else
		snprintf(line, sizeof line, "droplet: %s: %s\n", names[lvl], msg);
	/* stderr always gets errors and warnings; the log file gets everything. */
	if (lvl <= LOG_WARN || log_fd < 0)
		write_all(STDERR_FILENO, line, strlen(line));
	if (log_fd >= 0) {
		if (log_json) {
			char esc[ERR_MSG_MAX * 6 + 1], ts[64];
			struct timespec now;
			struct tm tm;
			clock_gettime(CLOCK_REALTIME, &now);
			gmtime_r(&now.tv_sec, &tm);
			strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
			json_escape_to(esc, sizeof esc, msg);
			dprintf(log_fd, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s.%09ldZ\"}\n", names[lvl], esc,
			        ts, now.tv_nsec);
		} else {
			write_all(log_fd, line, strlen(line));
		}
	}
	errno = saved;
}

void log_err(const struct derr *e)
{
	log_msg(LOG_ERROR, "%s", e->msg);
}

_Noreturn void die_oom(void)
{
	static const char m[] = "droplet: out of memory\n";
	write_all(STDERR_FILENO, m, sizeof m - 1);
	_exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *r = strdup(s);
	if (!r)
		die_oom();
	return r;
}

char *xasprintf(const char *fmt, ...)
{
	char *r;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&r, fmt, ap) < 0)
		die_oom();
	va_end(ap);
	return r;
}

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	n = (n + 15) & ~(size_t)15;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 16384 ? n : 16384;
		b = xmalloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *r = arena_alloc(a, n + 1);
	memcpy(r, s, n);
	r[n] = 0;
	return r;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int read_file(const char *path, size_t max, char **out, size_t *len, struct derr *e)
{
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", path);
	size_t cap = 4096, n = 0;
	cleanup_free char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max)
				return derr_set(e, 0, "read \"%s\": file larger than %zu bytes", path, max);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return derr_sys(e, "read \"%s\"", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max)
		return derr_set(e, 0, "read \"%s\": file larger than %zu bytes", path, max);
	buf[n] = 0;
	if (len)
		*len = n;
	*out = steal_pointer(&buf);
	return 0;
}

int write_file(const char *path, const char *data, size_t len, bool append, struct derr *e)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
	cleanup_fd int fd = open(path, flags, 0644);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", path);
	if (write_all(fd, data, len) < 0)
		return derr_sys(e, "write \"%s\"", path);
	return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len, struct derr *e)
{
	cleanup_free char *tmp = xasprintf("%s.tmp", path);
	if (write_file(tmp, data, len, false, e) < 0)
		return -1;
	if (rename(tmp, path) < 0) {
		derr_sys(e, "rename \"%s\"", tmp);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int mkdir_p(const char *path, mode_t mode, struct derr *e)
{
	cleanup_free char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return derr_sys(e, "mkdir \"%s\"", p);
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

void stdio_to_devnull(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		close(fd);
	}
}

size_t read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	while (len + 1 < cap && ((n = read(fd, buf + len, cap - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	buf[len] = 0;
	return len;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},       {"SIGQUIT", SIGQUIT}, {"SIGILL", SIGILL},     {"SIGTRAP", SIGTRAP},
    {"SIGABRT", SIGABRT}, {"SIGIOT", SIGIOT},       {"SIGBUS", SIGBUS},   {"SIGFPE", SIGFPE},     {"SIGKILL", SIGKILL},
    {"SIGUSR1", SIGUSR1}, {"SIGSEGV", SIGSEGV},     {"SIGUSR2", SIGUSR2}, {"SIGPIPE", SIGPIPE},   {"SIGALRM", SIGALRM},
    {"SIGTERM", SIGTERM}, {"SIGSTKFLT", SIGSTKFLT}, {"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT},   {"SIGSTOP", SIGSTOP},
    {"SIGTSTP", SIGTSTP}, {"SIGTTIN", SIGTTIN},     {"SIGTTOU", SIGTTOU}, {"SIGURG", SIGURG},     {"SIGXCPU", SIGXCPU},
    {"SIGXFSZ", SIGXFSZ}, {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF}, {"SIGWINCH", SIGWINCH}, {"SIGIO", SIGIO},
    {"SIGPOLL", SIGPOLL}, {"SIGPWR", SIGPWR},       {"SIGSYS", SIGSYS},
};

int signal_parse(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end)
		return n > 0 && n < _NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (strcasecmp(s, signals[i].name + 3) == 0)
			return signals[i].sig;
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		long off = s[5] ? strtol(s + 5, &end, 10) : 0;
		int sig = toupper((unsigned char)s[3]) == 'I' ? SIGRTMIN + (int)off : SIGRTMAX + (int)off;
		return (!s[5] || !*end) && sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
	}
	return -1;
}

const char *signal_name(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return sig >= SIGRTMIN && sig <= SIGRTMAX ? "SIGRT" : "SIG?";
}
