/* shim.c: the three terminal I/O loops, each a single poll() loop with its
 * signals taken through a signalfd:
 *   term_shim_loop    the Raind shim: pty master <-> tty.sock client, console.log
 *   term_attach       the tty.sock client (`attach`, `exec -t`)
 *   term_interactive  `run -t`: pty master <-> the caller's own terminal
 * The pty primitives and the frame/detach-key code are in terminal.c. */
#include "terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#define IO_CHUNK 32768
#define DRAIN_MS 2000 /* after the child exits, how long stragglers may hold the slave */

/* ---- shared helpers ---- */

struct sigctx {
	sigset_t old;
	int fd;
};

/* Block sigs (plus SIGPIPE, so a closed peer is an EPIPE) and read them from
 * a signalfd. */
static int sig_open(struct sigctx *c, const int *sigs, size_t n, struct derr *e)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, &c->old) < 0)
		return derr_sys(e, "block signals");
	c->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (c->fd < 0) {
		derr_sys(e, "signalfd");
		sigprocmask(SIG_SETMASK, &c->old, NULL);
		return -1;
	}
	return 0;
}

/* The next pending signal, or 0. */
static int sig_next(struct sigctx *c)
{
	struct signalfd_siginfo si;
	ssize_t r = read(c->fd, &si, sizeof si);
	return r == (ssize_t)sizeof si ? (int)si.ssi_signo : 0;
}

static void sig_close(struct sigctx *c)
{
	int saved = errno;
	sigset_t pipe_set;
	struct timespec zero = {0, 0};
	/* A SIGPIPE left pending would kill us once unblocked. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	sigprocmask(SIG_SETMASK, &c->old, NULL);
	close(c->fd);
	errno = saved;
}

static int set_nonblock(int fd, struct derr *e)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return derr_sys(e, "set O_NONBLOCK");
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Poll timeout until deadline (-1: none). */
static int until(long long deadline)
{
	long long left;
	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : (int)left;
}

/* Write some of buf to a non-blocking fd. Returns bytes written (0 on
 * EAGAIN/EINTR) or -1 on a real error. */
static ssize_t write_some(int fd, const void *buf, size_t len, bool sock)
{
	ssize_t w = sock ? send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) : write(fd, buf, len);
	if (w < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return w;
}

/* Copy the pty size from the caller's terminal (stdin, else stdout). */
static bool caller_size(unsigned *rows, unsigned *cols)
{
	struct derr e;
	return (isatty(STDIN_FILENO) && term_get_size(STDIN_FILENO, rows, cols, &e) == 0) ||
	       (isatty(STDOUT_FILENO) && term_get_size(STDOUT_FILENO, rows, cols, &e) == 0);
}

/* ---- the shim ---- */

int term_shim_listen(const char *sock_path, struct derr *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_fd int fd = -1;
	if (strlen(sock_path) >= sizeof sa.sun_path)
		return derr_set(e, 0, "tty socket \"%s\": path longer than %zu bytes", sock_path,
		                sizeof sa.sun_path - 1);
	strcpy(sa.sun_path, sock_path);
	if (unlink(sock_path) < 0 && errno != ENOENT)
		return derr_sys(e, "tty socket \"%s\": remove the stale socket", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return derr_sys(e, "tty socket \"%s\": socket", sock_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return derr_sys(e, "tty socket \"%s\": bind", sock_path);
	if (listen(fd, 4) < 0)
		return derr_sys(e, "tty socket \"%s\": listen", sock_path);
	return steal_fd(&fd);
}

struct shim {
	int master, listen_fd, log_fd, client;
	pid_t child;
	int status;
	bool exited, hung;  /* child reaped; master gave EIO/EOF */
	long long deadline; /* end of the drain, once exited */
	struct frame_dec dec;
	uint8_t in[2 * IO_CHUNK]; /* raw bytes from the client */
	size_t in_off, in_len;
	const uint8_t *pend; /* payload not yet written to the master (inside in[]) */
	size_t pend_len;
	uint8_t out[IO_CHUNK]; /* master output not yet sent to the client */
	size_t out_off, out_len;
};

static void drop_client(struct shim *s)
{
	if (s->client >= 0)
		close(s->client);
	s->client = -1;
	memset(&s->dec, 0, sizeof s->dec);
	s->in_off = s->in_len = s->pend_len = 0;
	s->out_off = s->out_len = 0;
}

static void accept_client(struct shim *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return; /* EAGAIN, or the client already left */
	drop_client(s);
	s->client = fd;
}

static void reap(struct shim *s)
{
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == s->child && !s->exited) {
			s->status = st;
			s->exited = true;
			s->deadline = now_ms() + DRAIN_MS;
		}
	}
}

static void flush_master(struct shim *s)
{
	while (s->pend_len) {
		ssize_t w = write_some(s->master, s->pend, s->pend_len, false);
		if (w <= 0) {
			if (w < 0) /* EIO: nobody holds the slave any more */
				s->pend_len = 0;
			return;
		}
		s->pend += w;
		s->pend_len -= (size_t)w;
	}
}

/* Decode what the client sent, as far as the master takes it. */
static void client_frames(struct shim *s)
{
	while (s->client >= 0 && !s->pend_len && s->in_off < s->in_len) {
		struct frame_event ev;
		struct derr e;
		ssize_t used = frame_feed(&s->dec, s->in + s->in_off, s->in_len - s->in_off, &ev, &e);
		if (used < 0) {
			drop_client(s); /* a protocol error ends this client only */
			return;
		}
		s->in_off += (size_t)used;
		if (ev.ev == FRAME_EV_DATA) {
			s->pend = ev.data;
			s->pend_len = ev.len;
			flush_master(s);
		} else if (ev.ev == FRAME_EV_RESIZE) {
			term_set_size(s->master, ev.rows, ev.cols, &e); /* 0x0 is ignored */
		}
	}
}

static void client_read(struct shim *s)
{
	ssize_t r = read(s->client, s->in, sizeof s->in);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		drop_client(s);
		return;
	}
	s->in_off = 0;
	s->in_len = (size_t)r;
	client_frames(s);
}

static void flush_client(struct shim *s)
{
	while (s->client >= 0 && s->out_off < s->out_len) {
		ssize_t w = write_some(s->client, s->out + s->out_off, s->out_len - s->out_off, true);
		if (w < 0) {
			drop_client(s);
			return;
		}
		if (w == 0)
			return;
		s->out_off += (size_t)w;
	}
	if (s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
}

static void master_read(struct shim *s)
{
	ssize_t r = read(s->master, s->out, sizeof s->out);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		s->hung = true; /* EIO once the last slave fd is closed */
		return;
	}
	if (s->log_fd >= 0)
		write_all(s->log_fd, s->out, (size_t)r); /* the shim has nowhere to report a full disk */
	if (s->client >= 0) {
		s->out_off = 0;
		s->out_len = (size_t)r;
		flush_client(s);
	}
}

/* One poll round. Returns false when the loop is over. An fd with nothing
 * to wait for is left out, so a hangup cannot make poll() spin. */
static bool shim_step(struct shim *s, struct sigctx *sig)
{
	bool client_idle = s->in_off == s->in_len && !s->pend_len;
	short mev = (short)((s->out_len ? 0 : POLLIN) | (s->pend_len ? POLLOUT : 0));
	short cev = (short)((client_idle ? POLLIN : 0) | (s->out_len ? POLLOUT : 0));
	struct pollfd p[4] = {
	    {.fd = sig->fd, .events = POLLIN},
	    {.fd = s->listen_fd, .events = POLLIN},
	    {.fd = s->hung || !mev ? -1 : s->master, .events = mev},
	    {.fd = cev ? s->client : -1, .events = cev},
	};
	int n = poll(p, 4, s->exited ? until(s->deadline) : -1);
	if (n == 0)
		return false;
	if (p[0].revents)
		while (sig_next(sig))
			reap(s);
	/* The old client's input is read before a new client replaces it. */
	if (p[3].fd >= 0) {
		if (client_idle && (p[3].revents & (POLLIN | POLLHUP | POLLERR)))
			client_read(s);
		else if (p[3].revents & (POLLOUT | POLLHUP | POLLERR))
			flush_client(s);
	}
	if (p[1].revents & POLLIN)
		accept_client(s);
	if (p[2].revents & POLLOUT) {
		flush_master(s);
		client_frames(s);
	}
	if (!s->out_len && (p[2].revents & (POLLIN | POLLHUP | POLLERR)))
		master_read(s);
	return !(s->exited && s->hung);
}

/* Give the last output to the client (at most 1 s), then close it. */
static void shim_finish(struct shim *s)
{
	long long deadline = now_ms() + 1000;
	while (s->client >= 0 && s->out_len) {
		struct pollfd p = {.fd = s->client, .events = POLLOUT};
		if (poll(&p, 1, until(deadline)) <= 0)
			break;
		flush_client(s);
	}
	drop_client(s);
}

int term_shim_loop(int master, int listen_fd, int log_fd, pid_t child, int *wait_status, struct derr *e)
{
	static const int sigs[] = {SIGCHLD};
	cleanup_free struct shim *s = xcalloc(1, sizeof *s);
	struct sigctx sig;
	siginfo_t si;
	*s = (struct shim){.master = master, .listen_fd = listen_fd, .log_fd = log_fd, .client = -1, .child = child};
	if (set_nonblock(master, e) < 0)
		return derr_wrap(e, "shim: pty master");
	if (sig_open(&sig, sigs, ARRAY_SIZE(sigs), e) < 0)
		return derr_wrap(e, "shim");
	/* SIGCHLD may have come before the signalfd existed. */
	reap(s);
	if (!s->exited && waitid(P_PID, (id_t)child, &si, WNOHANG | WNOWAIT | WEXITED) < 0 && errno == ECHILD) {
		sig_close(&sig);
		return derr_set(e, 0, "shim: process %d is not a child of the shim", (int)child);
	}
	while (shim_step(s, &sig))
		;
	shim_finish(s);
	sig_close(&sig);
	*wait_status = s->status;
	return 0;
}

/* ---- the attach client ---- */

enum { STEP_GO, STEP_CLOSED, STEP_DETACHED };

struct attach {
	int sock;
	bool in_open;
	struct detach_match dm;
	uint8_t out[FRAME_HDR_LEN + IO_CHUNK + DETACH_KEYS_MAX + 16]; /* frames not yet sent */
	size_t out_off, out_len;
};

/* Returns a STEP_* (STEP_CLOSED when the shim went away) or -1. */
static int attach_flush(struct attach *a, struct derr *e)
{
	while (a->out_off < a->out_len) {
		ssize_t w = write_some(a->sock, a->out + a->out_off, a->out_len - a->out_off, true);
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET))
			return STEP_CLOSED;
		if (w < 0)
			return derr_sys(e, "attach: send");
		if (w == 0)
			return 0;
		a->out_off += (size_t)w;
	}
	a->out_off = a->out_len = 0;
	return 0;
}

/* Before detaching: what was typed still goes out (at most 1 s). */
static void attach_drain(struct attach *a)
{
	long long deadline = now_ms() + 1000;
	struct derr e;
	while (a->out_len) {
		struct pollfd p = {.fd = a->sock, .events = POLLOUT};
		if (poll(&p, 1, until(deadline)) <= 0 || attach_flush(a, &e) != STEP_GO)
			break;
	}
}

/* Queue a resize frame with the caller's terminal size, if it has one. */
static int attach_resize(struct attach *a, struct derr *e)
{
	unsigned rows, cols;
	if (!caller_size(&rows, &cols) || sizeof a->out - a->out_len < 9)
		return 0;
	a->out_len += frame_encode_resize(rows, cols, a->out + a->out_len, sizeof a->out - a->out_len);
	return attach_flush(a, e);
}

/* stdin -> one data frame. Returns STEP_DETACHED on detach. */
static int attach_stdin(struct attach *a, struct derr *e)
{
	uint8_t in[IO_CHUNK], buf[IO_CHUNK + DETACH_KEYS_MAX];
	size_t n = 0;
	bool detach;
	ssize_t r = read(STDIN_FILENO, in, sizeof in);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r < 0)
		return derr_sys(e, "attach: read stdin");
	if (r == 0) {
		a->in_open = false; /* keep showing output until the socket closes */
		return 0;
	}
	detach = detach_filter(&a->dm, in, (size_t)r, buf, &n);
	if (n)
		a->out_len += frame_encode(FRAME_DATA, buf, n, a->out + a->out_len, sizeof a->out - a->out_len);
	r = attach_flush(a, e);
	return r != STEP_GO ? (int)r : detach ? STEP_DETACHED : STEP_GO;
}

/* socket -> stdout. Returns STEP_CLOSED when the socket closed. */
static int attach_sock(struct attach *a, struct derr *e)
{
	uint8_t buf[IO_CHUNK];
	ssize_t r = read(a->sock, buf, sizeof buf);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0)
		return STEP_CLOSED; /* ECONNRESET is a close too */
	if (write_all(STDOUT_FILENO, buf, (size_t)r) < 0 && errno != EPIPE)
		return derr_sys(e, "attach: write stdout");
	return 0;
}

/* Returns a STEP_* or -1. */
static int attach_step(struct attach *a, struct sigctx *sig, struct derr *e)
{
	bool can_read = a->in_open && a->out_len == 0;
	struct pollfd p[3] = {
	    {.fd = sig->fd, .events = POLLIN},
	    {.fd = a->sock, .events = (short)(POLLIN | (a->out_len ? POLLOUT : 0))},
	    {.fd = can_read ? STDIN_FILENO : -1, .events = POLLIN},
	};
	int r, signo;
	if (poll(p, 3, -1) < 0)
		return errno == EINTR ? 0 : derr_sys(e, "attach: poll");
	while ((signo = sig_next(sig)) != 0) {
		if (signo != SIGWINCH)
			return derr_set(e, 0, "attach: interrupted by signal %d (%s)", signo, strsignal(signo));
		if ((r = attach_resize(a, e)) != STEP_GO)
			return r;
	}
	if ((p[1].revents & POLLOUT) && (r = attach_flush(a, e)) != STEP_GO)
		return r;
	if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && (r = attach_sock(a, e)) != 0)
		return r;
	if (p[2].revents && (r = attach_stdin(a, e)) != 0)
		return r;
	return 0;
}

static int attach_connect(const char *sock_path, struct derr *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_fd int fd = -1;
	if (strlen(sock_path) >= sizeof sa.sun_path)
		return derr_set(e, 0, "attach \"%s\": path longer than %zu bytes", sock_path, sizeof sa.sun_path - 1);
	strcpy(sa.sun_path, sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return derr_sys(e, "attach \"%s\": socket", sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return derr_sys(e, "attach \"%s\": connect", sock_path);
	if (set_nonblock(fd, e) < 0)
		return derr_wrap(e, "attach \"%s\"", sock_path);
	return steal_fd(&fd);
}

int term_attach(const char *sock_path, const char *detach_keys, struct derr *e)
{
	static const int sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP};
	struct detach_keys keys;
	struct termios saved;
	struct sigctx sig;
	cleanup_free struct attach *a = xcalloc(1, sizeof *a);
	bool raw = false;
	int r = 0;
	if (detach_keys_parse(detach_keys, &keys, e) < 0)
		return -1;
	a->dm.keys = &keys;
	a->in_open = true;
	if ((a->sock = attach_connect(sock_path, e)) < 0)
		return -1;
	if (sig_open(&sig, sigs, ARRAY_SIZE(sigs), e) < 0) {
		close(a->sock);
		return derr_wrap(e, "attach");
	}
	if (isatty(STDIN_FILENO)) {
		if (term_raw(STDIN_FILENO, &saved, e) < 0)
			r = derr_wrap(e, "attach");
		raw = r == 0;
	}
	if (r == 0)
		r = attach_resize(a, e);
	while (r == 0)
		r = attach_step(a, &sig, e);
	if (r == STEP_DETACHED)
		attach_drain(a);
	if (raw)
		term_restore(STDIN_FILENO, &saved);
	sig_close(&sig);
	close(a->sock);
	return r < 0 ? -1 : r == STEP_DETACHED ? TERM_DETACHED : 0;
}

/* ---- run -t in the caller's terminal ---- */

struct inter {
	int master;
	pid_t child;
	int status;
	bool exited, hung, in_open;
	long long deadline, tick; /* tick: next inter_eof_tick once stdin is at EOF */
	uint8_t in[IO_CHUNK];     /* stdin not yet written to the master */
	size_t in_off, in_len;
};

static void inter_flush(struct inter *t)
{
	while (t->in_off < t->in_len) {
		ssize_t w = write_some(t->master, t->in + t->in_off, t->in_len - t->in_off, false);
		if (w == 0)
			return; /* wait for POLLOUT */
		if (w < 0)
			break; /* EIO: the slave is gone, drop the input */
		t->in_off += (size_t)w;
	}
	t->in_off = t->in_len = 0;
}

#define EOF_TICK_MS 100

/* pid is blocked in read(2) of the terminal device `tty` (its rdev). */
static bool reading_tty(pid_t pid, dev_t tty)
{
	char path[64], buf[64];
	struct stat st;
	long nr, fd;
	snprintf(path, sizeof path, "/proc/%d/syscall", pid);
	cleanup_fd int f = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	if (sscanf(buf, "%ld %lx", &nr, &fd) != 2 || nr != SYS_read)
		return false;
	snprintf(path, sizeof path, "/proc/%d/fd/%ld", pid, fd);
	return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == tty;
}

/* pid or one of its descendants is blocked reading the terminal. */
static bool tree_reading_tty(pid_t pid, dev_t tty, int depth)
{
	char path[64], kids[512];
	if (reading_tty(pid, tty))
		return true;
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
	cleanup_fd int f = depth < 8 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n = f < 0 ? -1 : read(f, kids, sizeof kids - 1);
	if (n <= 0)
		return false;
	kids[n] = 0;
	char *save;
	for (char *k = strtok_r(kids, " \n", &save); k; k = strtok_r(NULL, " \n", &save))
		if (tree_reading_tty(atoi(k), tty, depth + 1))
			return true;
	return false;
}

/* After stdin's EOF, each tick: once the container has read all we wrote,
 * end its input: ^D to a raw reader (a shell's line editor takes it as
 * EOF on an empty line), VEOF to a canonical reader only while one is
 * blocked reading: a VEOF queued in canonical mode and read after a switch
 * to raw arrives as a NUL byte (a shell between two prompts). */
static void inter_eof_tick(struct inter *t)
{
	struct termios tio;
	int queued = 0;
	if (t->in_len)
		return;
	int tty = ioctl(t->master, TIOCGPTPEER, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (tty < 0) { /* before Linux 4.13: VEOF regardless */
		t->in[0] = tcgetattr(t->master, &tio) == 0 ? tio.c_cc[VEOF] : 4;
	} else {
		struct stat st;
		bool end =
		    ioctl(tty, FIONREAD, &queued) == 0 && queued == 0 && tcgetattr(tty, &tio) == 0 &&
		    (!(tio.c_lflag & ICANON) || (fstat(tty, &st) == 0 && tree_reading_tty(t->child, st.st_rdev, 0)));
		close(tty);
		if (!end)
			return;
		t->in[0] = tio.c_cc[VEOF];
	}
	t->in_len = 1;
	t->in_off = 0;
	inter_flush(t);
}

static void inter_stdin(struct inter *t)
{
	ssize_t r = read(STDIN_FILENO, t->in, sizeof t->in);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		t->in_open = false; /* inter_eof_tick takes over */
		return;
	}
	t->in_len = (size_t)r;
	t->in_off = 0;
	inter_flush(t);
}

static void inter_master(struct inter *t)
{
	uint8_t buf[IO_CHUNK];
	ssize_t r = read(t->master, buf, sizeof buf);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		t->hung = true;
		return;
	}
	write_all(STDOUT_FILENO, buf, (size_t)r); /* a closed stdout drops the output */
}

static void inter_signal(struct inter *t, int signo)
{
	unsigned rows, cols;
	struct derr e;
	int st;
	if (signo == SIGWINCH) {
		if (caller_size(&rows, &cols))
			term_set_size(t->master, rows, cols, &e);
	} else if (signo == SIGCHLD) {
		if (!t->exited && waitpid(t->child, &st, WNOHANG) == t->child) {
			t->status = st;
			t->exited = true;
			t->deadline = now_ms() + DRAIN_MS;
		}
	} else if (!t->exited) {
		kill(t->child, signo);
	}
}

static bool inter_step(struct inter *t, struct sigctx *sig)
{
	bool can_read = t->in_open && !t->in_len;
	short mev = (short)(POLLIN | (t->in_len ? POLLOUT : 0));
	struct pollfd p[3] = {
	    {.fd = sig->fd, .events = POLLIN},
	    {.fd = t->hung ? -1 : t->master, .events = mev},
	    {.fd = can_read ? STDIN_FILENO : -1, .events = POLLIN},
	};
	int n = poll(p, 3, t->exited ? until(t->deadline) : t->in_open ? -1 : until(t->tick)), signo;
	if (!t->in_open && !t->exited && now_ms() >= t->tick) { /* however busy the output */
		inter_eof_tick(t);
		t->tick = now_ms() + EOF_TICK_MS;
	}
	if (n == 0)
		return !t->exited;
	while ((signo = sig_next(sig)) != 0)
		inter_signal(t, signo);
	if (p[1].revents & (POLLOUT | POLLERR))
		inter_flush(t);
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
		inter_master(t);
	if (p[2].revents)
		inter_stdin(t);
	return !(t->exited && t->hung);
}

int term_interactive(int master, pid_t child, int *wait_status, struct derr *e)
{
	static const int sigs[] = {SIGCHLD, SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	cleanup_free struct inter *t = xcalloc(1, sizeof *t);
	struct termios saved;
	struct sigctx sig;
	bool raw = false;
	t->master = master;
	t->child = child;
	t->in_open = true;
	if (set_nonblock(master, e) < 0)
		return derr_wrap(e, "terminal: pty master");
	if (sig_open(&sig, sigs, ARRAY_SIZE(sigs), e) < 0)
		return derr_wrap(e, "terminal");
	if (isatty(STDIN_FILENO)) {
		if (term_raw(STDIN_FILENO, &saved, e) < 0) {
			sig_close(&sig);
			return derr_wrap(e, "terminal");
		}
		raw = true;
	}
	inter_signal(t, SIGWINCH);
	inter_signal(t, SIGCHLD); /* it may be gone already */
	while (inter_step(t, &sig))
		;
	if (raw)
		term_restore(STDIN_FILENO, &saved);
	sig_close(&sig);
	*wait_status = t->status;
	return 0;
}
