/* common.h: what every Droplet module shares: the error type, cleanup
 * attributes, a bump arena for parsed data, logging, and limits. */
#ifndef DROPLET_COMMON_H
#define DROPLET_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/types.h>

/* GNU C predefines `linux` as 1; the OCI model has a field of that name. */
#undef linux

#define DROPLET_VERSION "0.1.0"
#define OCI_VERSION     "1.2.0"

#define ERR_MSG_MAX 1024

/* An error lives on the caller's stack and is passed last. Fallible
 * functions return 0 on success, -1 on failure with *e filled in. */
struct derr {
	int errnum;            /* errno value, 0 when not a system error */
	char msg[ERR_MSG_MAX]; /* "what \"value\": reason", no trailing newline */
};

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Fill *e with a message; errnum (if nonzero) is appended as ": strerror".
 * Always returns -1 so callers can `return derr_set(...)`. */
int derr_set(struct derr *e, int errnum, const char *fmt, ...) PRINTF(3, 4);
/* Same as derr_set with errnum = errno, saved before anything else runs. */
int derr_sys(struct derr *e, const char *fmt, ...) PRINTF(2, 3);
/* Prepend "context: " to an existing message. Returns -1. */
int derr_wrap(struct derr *e, const char *fmt, ...) PRINTF(2, 3);

/* Logging: one sink. Text "droplet: msg" to stderr (and --log file), or
 * JSON {"level","msg","time"} lines to the --log file with --log-format json. */
enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
extern int log_verbosity; /* messages above this level are dropped */
void log_setup(const char *path, bool json, bool debug);
void log_msg(enum log_level lvl, const char *fmt, ...) PRINTF(2, 3);
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
/* Print e as an error line ("droplet: <msg>"). */
void log_err(const struct derr *e);
/* Out of memory is the one error that exits from deep inside. */
_Noreturn void die_oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);

/* Cleanup attributes. */
static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}
static inline void cleanup_fdp(int *fd)
{
	if (*fd >= 0) {
		int s = errno;
		close(*fd);
		errno = s;
	}
}
static inline void cleanup_filep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void cleanup_dirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_fd   __attribute__((cleanup(cleanup_fdp)))
#define cleanup_file __attribute__((cleanup(cleanup_filep)))
#define cleanup_dir  __attribute__((cleanup(cleanup_dirp)))
static inline void *steal_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;
	*p = NULL;
	return r;
}
#define steal_pointer(pp) (0 ? (*(pp)) : steal_ptr(pp))
static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* A bump arena: everything parsed from one document lives and dies together. */
struct arena {
	struct arena_block *head;
};
void *arena_alloc(struct arena *a, size_t n); /* zeroed, 16-aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* Small file helpers (all O_CLOEXEC). */
/* Read a whole file (at most max bytes) into a NUL-terminated malloc'd buffer. */
int read_file(const char *path, size_t max, char **out, size_t *len, struct derr *e);
/* Write data to path with O_TRUNC (or O_APPEND when append). */
int write_file(const char *path, const char *data, size_t len, bool append, struct derr *e);
/* Write to path.tmp then rename over path. */
int write_file_atomic(const char *path, const char *data, size_t len, struct derr *e);
/* mkdir -p with mode. */
int mkdir_p(const char *path, mode_t mode, struct derr *e);
/* Read fd until EOF (or cap-1 bytes) into buf, NUL-terminated; the length. */
size_t read_all(int fd, char *buf, size_t cap);
/* Signals by name: "TERM", "SIGTERM", "term", "15", "RTMIN+2" -> the
 * number, -1 when unknown; and the number -> "SIGTERM" ("SIGRT" for the
 * real-time ones, "SIG?" when unknown). */
int signal_parse(const char *s);
const char *signal_name(int sig);
/* Point stdin, stdout and stderr at /dev/null (background processes must
 * not hold the caller's pipes). */
void stdio_to_devnull(void);
/* write(2) all of buf, retrying on EINTR / short writes. */
int write_all(int fd, const void *buf, size_t len);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
