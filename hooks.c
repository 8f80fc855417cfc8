/* hooks.c: running lifecycle hooks (OCI runtime.md "Lifecycle" plus
 * Raind's stopContainer). A hook is a host program: fork + execve with
 * exactly its args and env, the state JSON on stdin, stdout and stderr
 * captured through pipes (the last non-empty line goes into the error
 * message), an optional timeout. One thread: poll() over the pipes and a
 * pidfd with a deadline. Does not decide whether a failure is fatal. */
#include "hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define HOOK_LINE_MAX 1024

struct stream {
	int fd;
	const char *name; /* "stdout" / "stderr" for debug lines */
	size_t n;
	char cur[HOOK_LINE_MAX];  /* the line being read (truncated if longer) */
	char last[HOOK_LINE_MAX]; /* the last non-empty line */
};

struct hook_proc {
	const struct oci_hook *h;
	const char *phase;
	size_t index;
	pid_t pid;
	int pidfd; /* -1 without pidfd_open: poll in slices */
	int in_fd, exec_fd;
	const char *in;
	size_t in_len, in_off;
	struct stream out, err;
	int status;
};

/* ---- the child ---- */

static void close_from(int first)
{
	struct rlimit rl;
	if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (int fd = first; fd < (int)rl.rlim_cur; fd++)
		close(fd);
}

static _Noreturn void child_fail(int exfd)
{
	int err = errno;
	if (write(exfd, &err, sizeof err) < 0)
		_exit(126);
	_exit(127);
}

/* fds = {stdin, stdout, stderr, exec-error pipe}: become 0, 1, 2 and 3
 * (3 close-on-exec), everything else closed. Signals back to defaults. */
static _Noreturn void child_exec(int fds[4], const char *path, char **argv, char **envp)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;
	int exfd = fds[3];
	for (int i = 0; i < 4; i++) {
		fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 4);
		if (fds[i] < 0)
			child_fail(exfd);
		if (i == 3)
			exfd = fds[3];
	}
	for (int i = 0; i < 4; i++)
		if (dup3(fds[i], i, i == 3 ? O_CLOEXEC : 0) < 0)
			child_fail(exfd);
	close_from(4);
	for (int s = 1; s < 65; s++)
		sigaction(s, &dfl, NULL); /* SIG_IGN survives execve; undo droplet's */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0); /* a timeout kills the hook's whole process group */
	execve(path, argv, envp);
	child_fail(3);
}

/* ---- output ---- */

static void stream_line(struct hook_proc *r, struct stream *s)
{
	while (s->n && (s->cur[s->n - 1] == '\r' || s->cur[s->n - 1] == ' ' || s->cur[s->n - 1] == '\t'))
		s->n--;
	s->cur[s->n] = 0;
	if (s->n) {
		log_debug("hook %s[%zu] %s: %s", r->phase, r->index, s->name, s->cur);
		memcpy(s->last, s->cur, s->n + 1);
	}
	s->n = 0;
}

/* Read what is there: 1 after reading data, 2 when nothing is there yet,
 * 0 at EOF or on an error (the fd is then closed). */
static int stream_read(struct hook_proc *r, struct stream *s)
{
	char buf[4096];
	ssize_t n = read(s->fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 2;
	if (n <= 0) {
		if (s->n)
			stream_line(r, s);
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n')
			stream_line(r, s);
		else if (s->n < sizeof s->cur - 1)
			s->cur[s->n++] = buf[i];
	}
	return 1;
}

/* After the hook exited: take what is buffered, without waiting for a
 * background process that may still hold the pipe. */
static void stream_drain(struct hook_proc *r, struct stream *s)
{
	for (int i = 0; i < 256 && s->fd >= 0; i++)
		if (stream_read(r, s) == 2)
			break;
	if (s->fd >= 0) {
		if (s->n)
			stream_line(r, s);
		close(s->fd);
		s->fd = -1;
	}
}

static void feed_stdin(struct hook_proc *r)
{
	ssize_t n = write(r->in_fd, r->in + r->in_off, r->in_len - r->in_off);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		r->in_off += (size_t)n;
	/* EPIPE: the hook does not read its stdin; that is its business. */
	if (n < 0 || r->in_off == r->in_len) {
		close(r->in_fd);
		r->in_fd = -1;
	}
}

/* ---- the parent ---- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fds(struct hook_proc *r)
{
	int *fds[] = {&r->in_fd, &r->out.fd, &r->err.fd, &r->exec_fd, &r->pidfd};
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static int make_pipes(int p[4][2], struct derr *e)
{
	for (int i = 0; i < 4; i++)
		p[i][0] = p[i][1] = -1;
	for (int i = 0; i < 4; i++)
		if (pipe2(p[i], O_CLOEXEC) < 0) {
			derr_sys(e, "pipe");
			for (int j = 0; j < i; j++) {
				close(p[j][0]);
				close(p[j][1]);
			}
			return -1;
		}
	return 0;
}

/* Fork the hook; on success r holds the parent's ends (non-blocking). */
static int spawn(struct hook_proc *r, char **argv, char **envp, struct derr *e)
{
	int p[4][2]; /* stdin, stdout, stderr, exec error */
	if (make_pipes(p, e) < 0)
		return -1;
	r->pid = fork();
	if (r->pid == 0) {
		int child[4] = {p[0][0], p[1][1], p[2][1], p[3][1]};
		child_exec(child, r->h->path, argv, envp);
	}
	int saved = errno;
	for (int i = 0; i < 4; i++)
		close(i == 0 ? p[i][0] : p[i][1]);
	r->in_fd = p[0][1];
	r->out.fd = p[1][0];
	r->err.fd = p[2][0];
	r->exec_fd = p[3][0];
	if (r->pid < 0) {
		close_fds(r);
		return derr_set(e, saved, "fork");
	}
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	for (int i = 0; i < 3; i++)
		fcntl(i == 0 ? r->in_fd : i == 1 ? r->out.fd : r->err.fd, F_SETFL, O_NONBLOCK);
	if (!r->in_len) {
		close(r->in_fd);
		r->in_fd = -1;
	}
	return 0;
}

/* Poll until the hook exits (returns 0, status in r->status) or the
 * deadline passes (returns 1). */
static int wait_hook(struct hook_proc *r, int64_t deadline, struct derr *e)
{
	for (;;) {
		struct pollfd pf[4];
		int n = 0, tmo = -1;
		if (r->in_fd >= 0)
			pf[n++] = (struct pollfd){.fd = r->in_fd, .events = POLLOUT};
		if (r->out.fd >= 0)
			pf[n++] = (struct pollfd){.fd = r->out.fd, .events = POLLIN};
		if (r->err.fd >= 0)
			pf[n++] = (struct pollfd){.fd = r->err.fd, .events = POLLIN};
		if (r->pidfd >= 0)
			pf[n++] = (struct pollfd){.fd = r->pidfd, .events = POLLIN};
		if (deadline >= 0)
			tmo = (int)(deadline > now_ms() ? deadline - now_ms() : 0);
		if (r->pidfd < 0 && (tmo < 0 || tmo > 20))
			tmo = 20;
		if (poll(pf, (nfds_t)n, tmo) < 0 && errno != EINTR)
			return derr_sys(e, "poll");
		for (int i = 0; i < n; i++) {
			if (!pf[i].revents)
				continue;
			if (pf[i].fd == r->in_fd)
				feed_stdin(r);
			else if (pf[i].fd == r->out.fd)
				stream_read(r, &r->out);
			else if (pf[i].fd == r->err.fd)
				stream_read(r, &r->err);
		}
		pid_t w = waitpid(r->pid, &r->status, WNOHANG);
		if (w == r->pid)
			return 0;
		if (w < 0 && errno != EINTR) /* reaped elsewhere (SIGCHLD SIG_IGN?) */
			return derr_sys(e, "hook %s[%zu] failed: %s: waitpid", r->phase, r->index, r->h->path);
		if (deadline >= 0 && now_ms() >= deadline)
			return 1;
	}
}

static int fail(struct hook_proc *r, struct derr *e)
{
	const char *last = r->err.last[0] ? r->err.last : r->out.last;
	int err = 0;
	if (read(r->exec_fd, &err, sizeof err) == (ssize_t)sizeof err && err)
		return derr_set(e, err, "hook %s[%zu] failed: %s: exec", r->phase, r->index, r->h->path);
	if (WIFSIGNALED(r->status))
		return derr_set(e, 0, "hook %s[%zu] failed: %s: killed by signal %d (%s)", r->phase, r->index,
		                r->h->path, WTERMSIG(r->status), signal_name(WTERMSIG(r->status)));
	return derr_set(e, 0, "hook %s[%zu] failed: %s: exit %d%s%s", r->phase, r->index, r->h->path,
	                WEXITSTATUS(r->status), *last ? ": " : "", last);
}

static int supervise(struct hook_proc *r, struct derr *e)
{
	const struct oci_hook *h = r->h;
	int64_t deadline = h->has_timeout ? now_ms() + (int64_t)h->timeout * 1000 : -1;
	int rc = wait_hook(r, deadline, e);
	if (rc != 0) {
		kill(-r->pid, SIGKILL);
		kill(r->pid, SIGKILL);
		while (waitpid(r->pid, &r->status, 0) < 0 && errno == EINTR)
			;
		if (rc < 0)
			return -1;
		return derr_set(e, 0, "hook %s[%zu] failed: %s: timed out after %ds", r->phase, r->index, h->path,
		                h->timeout);
	}
	stream_drain(r, &r->out);
	stream_drain(r, &r->err);
	if (WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0) {
		/* A successful exec leaves the exec pipe empty. */
		return 0;
	}
	return fail(r, e);
}

static char **null_terminated(char **v, size_t n, const char *first_if_empty)
{
	char **out = xcalloc(n + 2, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = v[i];
	if (!n && first_if_empty)
		out[0] = (char *)first_if_empty;
	return out;
}

int hook_run(const struct oci_hook *h, enum hook_phase phase, size_t index, const char *state_json, struct derr *e)
{
	struct hook_proc r = {.h = h,
	                      .phase = hook_phase_name(phase),
	                      .index = index,
	                      .pidfd = -1,
	                      .in_fd = -1,
	                      .exec_fd = -1,
	                      .in = state_json ? state_json : "",
	                      .in_len = state_json ? strlen(state_json) : 0};
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	cleanup_free char **argv = null_terminated(h->args, h->n_args, h->path);
	cleanup_free char **envp = null_terminated(h->env, h->n_env, NULL);
	int rc;
	r.out = (struct stream){.fd = -1, .name = "stdout"};
	r.err = (struct stream){.fd = -1, .name = "stderr"};
	if (!r.phase)
		r.phase = "unknown";
	log_debug("running hook %s[%zu]: %s", r.phase, index, h->path);
	/* A hook that exits without reading stdin must not kill droplet. */
	sigaction(SIGPIPE, &ign, &old);
	rc = spawn(&r, argv, envp, e);
	if (rc == 0)
		rc = supervise(&r, e);
	close_fds(&r);
	sigaction(SIGPIPE, &old, NULL);
	return rc;
}

static bool phase_is_fatal(enum hook_phase phase)
{
	return phase != HOOK_POSTSTART && phase != HOOK_STOP_CONTAINER && phase != HOOK_POSTSTOP;
}

int hook_run_phase(const struct oci_hooks *hs, enum hook_phase phase, const char *state_json, struct derr *e)
{
	struct derr later;
	int rc = 0;
	if (!hs || (unsigned)phase >= HOOK_PHASE_COUNT)
		return 0;
	for (size_t i = 0; i < hs->n[phase]; i++) {
		if (rc == 0) {
			rc = hook_run(&hs->hooks[phase][i], phase, i, state_json, e);
			if (rc < 0 && phase_is_fatal(phase))
				return -1;
		} else if (hook_run(&hs->hooks[phase][i], phase, i, state_json, &later) < 0) {
			/* OCI: after a failing poststart/poststop hook the rest
			 * still run; the caller reports the first failure. */
			log_warn("%s", later.msg);
		}
	}
	return rc;
}
