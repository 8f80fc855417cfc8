/* test_terminal.c: the tty.sock frames and detach keys (pure), then real
 * ptys: sizes, the console socket, the shim with clients coming and going,
 * attach, and the interactive loop. */
#include "unit.h"
#include "terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

/* ---- frames ---- */

TEST(frame_encode_parse)
{
	uint8_t buf[64];
	struct frame f;
	struct derr e;
	size_t used = 0;
	size_t n = frame_encode(FRAME_DATA, "abc", 3, buf, sizeof buf);
	CHECK_INT(n, 8);
	CHECK(memcmp(buf, "\0\0\0\0\3abc", 8) == 0);
	CHECK_INT(frame_parse(buf, 4, &f, &used, &e), 0);
	CHECK_INT(frame_parse(buf, 7, &f, &used, &e), 0);
	CHECK_INT(frame_parse(buf, 8, &f, &used, &e), 1);
	CHECK_INT(used, 8);
	CHECK_INT(f.type, FRAME_DATA);
	CHECK_INT(f.len, 3);
	CHECK(memcmp(f.payload, "abc", 3) == 0);
	/* the length is big-endian */
	static uint8_t src[0x10203], out[0x10300];
	CHECK_INT(frame_encode(FRAME_DATA, src, sizeof src, out, sizeof out), 0x10208);
	CHECK(out[1] == 0 && out[2] == 1 && out[3] == 2 && out[4] == 3);
	CHECK_INT(frame_encode(FRAME_DATA, src, sizeof src, out, 0x10207), 0);
	CHECK_INT(frame_encode(FRAME_DATA, NULL, 0, out, 5), 5);
}

TEST(frame_limits)
{
	uint8_t h[5];
	struct frame f;
	struct derr e;
	size_t used;
	/* exactly 8 MiB is allowed (more bytes needed), one more is not */
	memcpy(h, "\0\0\x80\0\0", 5);
	CHECK_INT(frame_parse(h, 5, &f, &used, &e), 0);
	memcpy(h, "\0\0\x80\0\1", 5);
	CHECK_INT(frame_parse(h, 5, &f, &used, &e), -1);
	CHECK_STR(e.msg, "frame: payload of 8388609 bytes over the 8 MiB limit");
	memcpy(h, "\0\xff\xff\xff\xff", 5);
	CHECK_INT(frame_parse(h, 5, &f, &used, &e), -1);
	memcpy(h, "\7\0\0\0\1", 5);
	CHECK_INT(frame_parse(h, 5, &f, &used, &e), -1);
	CHECK_STR(e.msg, "frame: unknown type 7");
	memcpy(h, "\1\0\0\0\2", 5);
	CHECK_INT(frame_parse(h, 5, &f, &used, &e), -1);
	CHECK_STR(e.msg, "frame: resize payload of 2 bytes, need 4");
	CHECK_INT(frame_encode(FRAME_DATA, h, FRAME_MAX_PAYLOAD + 1, h, SIZE_MAX), 0);
}

TEST(frame_resize)
{
	uint8_t buf[16];
	struct frame f;
	struct derr e;
	size_t used;
	unsigned rows = 0, cols = 0;
	CHECK_INT(frame_encode_resize(300, 1000, buf, 8), 0);
	CHECK_INT(frame_encode_resize(300, 1000, buf, sizeof buf), 9);
	CHECK(memcmp(buf, "\1\0\0\0\4\x01\x2c\x03\xe8", 9) == 0);
	CHECK_INT(frame_parse(buf, 9, &f, &used, &e), 1);
	CHECK_INT(frame_resize_args(&f, &rows, &cols, &e), 0);
	CHECK_INT(rows, 300);
	CHECK_INT(cols, 1000);
}

/* Feed a stream in chunks of `step` bytes; collect data and resizes. */
static int feed_all(const uint8_t *s, size_t n, size_t step, char *data, size_t *dlen, char *log)
{
	struct frame_dec d = {0};
	struct derr e;
	*dlen = 0;
	log[0] = 0;
	for (size_t off = 0; off < n;) {
		size_t len = n - off < step ? n - off : step;
		while (len) {
			struct frame_event ev;
			ssize_t u = frame_feed(&d, s + off, len, &ev, &e);
			if (u <= 0)
				return -1;
			if (ev.ev == FRAME_EV_DATA) {
				memcpy(data + *dlen, ev.data, ev.len);
				*dlen += ev.len;
			} else if (ev.ev == FRAME_EV_RESIZE) {
				sprintf(log + strlen(log), "[%u %u]", ev.rows, ev.cols);
			}
			off += (size_t)u;
			len -= (size_t)u;
		}
	}
	return d.body || d.hdr_n ? -2 : 0;
}

TEST(frame_feed_stream)
{
	static uint8_t s[4096], big[1000];
	static char data[4096], log[256];
	size_t n = 0, dlen;
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)i;
	n += frame_encode(FRAME_DATA, "hello", 5, s + n, sizeof s - n);
	n += frame_encode_resize(24, 80, s + n, sizeof s - n);
	n += frame_encode(FRAME_DATA, NULL, 0, s + n, sizeof s - n);
	n += frame_encode(FRAME_DATA, big, sizeof big, s + n, sizeof s - n);
	n += frame_encode(FRAME_RESIZE, "\0\x10\0\x20xy", 6, s + n, sizeof s - n); /* extra bytes ignored */
	n += frame_encode(FRAME_DATA, "!", 1, s + n, sizeof s - n);
	for (size_t step = 1; step <= 9; step++) {
		CHECK_INT(feed_all(s, n, step, data, &dlen, log), 0);
		CHECK_INT(dlen, 1006);
		CHECK(memcmp(data, "hello", 5) == 0 && memcmp(data + 5, big, 1000) == 0 && data[1005] == '!');
		CHECK_STR(log, "[24 80][16 32]");
	}
	CHECK_INT(feed_all(s, n, n, data, &dlen, log), 0);
}

TEST(frame_feed_errors)
{
	struct frame_dec d = {0};
	struct frame_event ev;
	struct derr e;
	const uint8_t bad[] = {7, 0, 0, 0, 1, 'x'};
	for (int i = 0; i < 4; i++)
		CHECK_INT(frame_feed(&d, bad + i, 1, &ev, &e), 1);
	CHECK_INT(frame_feed(&d, bad + 4, 2, &ev, &e), -1);
	CHECK_STR(e.msg, "frame: unknown type 7");
	struct frame_dec d2 = {0};
	CHECK_INT(frame_feed(&d2, "\1\0\0\0\3abc", 8, &ev, &e), -1);
	struct frame_dec d3 = {0};
	CHECK_INT(frame_feed(&d3, "\0\0\x80\0\1", 5, &ev, &e), -1);
}

/* ---- detach keys ---- */

TEST(detach_keys)
{
	struct detach_keys k;
	struct derr e;
	CHECK_INT(detach_keys_parse(NULL, &k, &e), 0);
	CHECK(k.len == 2 && k.seq[0] == 16 && k.seq[1] == 17);
	CHECK_INT(detach_keys_parse("", &k, &e), 0);
	CHECK(k.len == 2 && k.seq[0] == 16);
	CHECK_INT(detach_keys_parse("ctrl-a,x,CTRL-Z", &k, &e), 0);
	CHECK(k.len == 3 && k.seq[0] == 1 && k.seq[1] == 'x' && k.seq[2] == 26);
	CHECK_INT(detach_keys_parse("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_", &k, &e), 0);
	CHECK(k.len == 6 && k.seq[0] == 0 && k.seq[1] == 27 && k.seq[2] == 28 && k.seq[3] == 29 && k.seq[4] == 30 &&
	      k.seq[5] == 31);
	CHECK_INT(detach_keys_parse(",", &k, &e), -1); /* two empty keys, as docker */
	CHECK_INT(detach_keys_parse("ctrl-1", &k, &e), -1);
	CHECK_STR(e.msg, "detach keys \"ctrl-1\": invalid key \"ctrl-1\" (use ctrl-<x> or one character)");
	CHECK_INT(detach_keys_parse("a,,b", &k, &e), -1);
	CHECK_STR(e.msg, "detach keys \"a,,b\": invalid key \"\" (use ctrl-<x> or one character)");
	CHECK_INT(detach_keys_parse("ctrl-", &k, &e), -1);
	CHECK_INT(detach_keys_parse("abc", &k, &e), -1);
	CHECK_INT(detach_keys_parse("a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a", &k, &e), -1);
	CHECK_STR(e.msg, "detach keys \"a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a\": more than 16 keys");
}

TEST(detach_filter)
{
	struct detach_keys k;
	struct derr e;
	uint8_t out[64];
	size_t n;
	detach_keys_parse(NULL, &k, &e);
	struct detach_match m = {.keys = &k};
	CHECK(!detach_filter(&m,
	                     (const uint8_t *)"ab\x10"
	                                      "c",
	                     4, out, &n));
	CHECK(n == 4 && memcmp(out,
	                       "ab\x10"
	                       "c",
	                       4) == 0);
	CHECK(detach_filter(&m, (const uint8_t *)"x\x10\x11y", 4, out, &n));
	CHECK(n == 1 && out[0] == 'x');
	/* split over reads, and a repeated first key */
	CHECK(!detach_filter(&m, (const uint8_t *)"\x10", 1, out, &n));
	CHECK_INT(n, 0);
	CHECK(!detach_filter(&m, (const uint8_t *)"\x10", 1, out, &n));
	CHECK(n == 1 && out[0] == 0x10);
	CHECK(detach_filter(&m, (const uint8_t *)"\x11", 1, out, &n));
	CHECK_INT(n, 0);
	/* a held key released by the next read */
	CHECK(!detach_filter(&m, (const uint8_t *)"\x10", 1, out, &n));
	CHECK(!detach_filter(&m, (const uint8_t *)"q", 1, out, &n));
	CHECK(n == 2 && memcmp(out, "\x10q", 2) == 0);
}

/* ---- helpers for the pty tests ---- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/dl-term.XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
}

static void rm_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "  cannot remove %s\n", tmpdir);
}

/* Read fd into buf (appending) until needle shows up, EOF or timeout.
 * Returns 1 found, 0 EOF, -1 timeout. */
static int read_until(int fd, char *buf, size_t cap, size_t *len, const char *needle, int ms)
{
	long long end = time(NULL) + ms / 1000 + 1;
	while (!needle || !memmem(buf, *len, needle, strlen(needle))) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (time(NULL) > end || poll(&p, 1, 200) < 0)
			return -1;
		if (!p.revents)
			continue;
		ssize_t r = read(fd, buf + *len, cap - 1 - *len);
		if (r <= 0)
			return 0;
		*len += (size_t)r;
		buf[*len] = 0;
	}
	return 1;
}

static int wait_eof(int fd, int ms)
{
	char buf[4096];
	size_t len = 0;
	return read_until(fd, buf, sizeof buf, &len, NULL, ms) == 0;
}

/* waitpid with a timeout; kills the process when it is over. */
static int wait_for(pid_t pid, int ms, int *st)
{
	for (int i = 0; i < ms / 10; i++) {
		if (waitpid(pid, st, WNOHANG) == pid)
			return 0;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, st, 0);
	return -1;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_frame(int fd, uint8_t type, const char *s, size_t n)
{
	uint8_t buf[256];
	size_t len = frame_encode(type, s, n, buf, sizeof buf);
	if (write_all(fd, buf, len) < 0)
		fprintf(stderr, "  send_frame: %s\n", strerror(errno));
}

/* Fork a child on the slave running sh -c script. */
static pid_t spawn_on_pty(int master, int slave, const char *script)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct derr e;
		close(master);
		if (term_make_controlling(slave, &e) < 0) {
			fprintf(stderr, "  %s\n", e.msg);
			_exit(126);
		}
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* ---- pty tests ---- */

TEST(pty_size)
{
	int m = -1, s = -1;
	unsigned rows = 0, cols = 0;
	struct derr e;
	CHECK_INT(term_open_pty(&m, &s, &e), 0);
	CHECK(fcntl(m, F_GETFD) & FD_CLOEXEC);
	CHECK(fcntl(s, F_GETFD) & FD_CLOEXEC);
	CHECK_INT(term_set_size(m, 40, 120, &e), 0);
	CHECK_INT(term_get_size(s, &rows, &cols, &e), 0);
	CHECK(rows == 40 && cols == 120);
	CHECK_INT(term_set_size(m, 0, 120, &e), -1);
	CHECK_STR(e.msg, "terminal size 0x120: must be 1..65535");
	CHECK_INT(term_open_pty_at("/nonexistent/ptmx", &m, &s, &e), -1);
	CHECK_STR(e.msg, "open \"/nonexistent/ptmx\": No such file or directory");
	close(m);
	close(s);
}

static int recv_fd(int sock, char *name, size_t cap)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = name, .iov_len = cap - 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	ssize_t r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int fd;
	if (r < 0 || !c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	name[r] = 0;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

TEST(console_socket)
{
	int m = -1, s = -1, l, c, got;
	char path[128], name[64] = "", buf[64] = "", pts[64];
	size_t len = 0;
	struct derr e;
	make_tmpdir();
	snprintf(path, sizeof path, "%s/console.sock", tmpdir);
	CHECK((l = term_shim_listen(path, &e)) >= 0);
	CHECK_INT(term_open_pty(&m, &s, &e), 0);
	ptsname_r(m, pts, sizeof pts);
	pid_t pid = fork();
	if (pid == 0)
		_exit(term_send_console_socket(path, m, &e) == 0 ? 0 : 1);
	struct pollfd p = {.fd = l, .events = POLLIN};
	poll(&p, 1, 5000);
	c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	CHECK(c >= 0);
	got = recv_fd(c, name, sizeof name);
	CHECK(got >= 0);
	CHECK_STR(name, pts);
	/* the received fd is the master: what it writes, the slave reads */
	CHECK(write(got, "ping\n", 5) == 5);
	CHECK_INT(read_until(s, buf, sizeof buf, &len, "ping", 5000), 1);
	int st;
	CHECK_INT(wait_for(pid, 5000, &st), 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_INT(term_send_console_socket("/nonexistent/sock", m, &e), -1);
	CHECK_STR(e.msg, "console socket \"/nonexistent/sock\": connect: No such file or directory");
	close(got);
	close(c);
	close(l);
	close(m);
	close(s);
	rm_tmpdir();
}

/* The shim process: its own pty and child, as the lead's create -t does. */
static pid_t spawn_shim(int lfd, int logfd, const char *script)
{
	pid_t pid = fork();
	if (pid == 0) {
		int m, s, st = 0;
		struct derr e;
		if (term_open_pty(&m, &s, &e) < 0)
			_exit(100);
		pid_t child = spawn_on_pty(m, s, script);
		close(s);
		if (term_shim_loop(m, lfd, logfd, child, &st, &e) < 0) {
			fprintf(stderr, "  shim: %s\n", e.msg);
			_exit(101);
		}
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 102);
	}
	return pid;
}

/* `attach` in a child with stdin from a pipe holding input; returns its status. */
static int run_attach(const char *sock, const char *input, size_t n, const char *keys)
{
	int p[2], st;
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		struct derr e;
		int out = open("/dev/null", O_WRONLY);
		dup2(p[0], 0);
		dup2(out, 1);
		close(p[1]);
		int r = term_attach(sock, keys, &e);
		if (r < 0)
			fprintf(stderr, "  attach: %s\n", e.msg);
		_exit(r == TERM_DETACHED ? 42 : r == 0 ? 0 : 1);
	}
	close(p[0]);
	write_all(p[1], input, n);
	close(p[1]);
	if (wait_for(pid, 5000, &st) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(shim_end_to_end)
{
	char sock[128], logp[128], buf[8192] = "", *log = NULL;
	size_t len = 0, loglen = 0;
	struct derr e;
	int lfd, logfd, c1, c2, c3, c4, st;
	make_tmpdir();
	snprintf(sock, sizeof sock, "%s/tty.sock", tmpdir);
	snprintf(logp, sizeof logp, "%s/logs/console.log", tmpdir);
	CHECK((lfd = term_shim_listen(sock, &e)) >= 0);
	close(lfd);
	CHECK((lfd = term_shim_listen(sock, &e)) >= 0); /* over a stale socket */
	CHECK((logfd = term_open_log(logp, &e)) >= 0);
	pid_t shim = spawn_shim(lfd, logfd, "read x; stty size; echo hello; cat");
	close(lfd);
	close(logfd);
	/* a malformed frame ends that client only */
	CHECK((c1 = connect_to(sock)) >= 0);
	send_frame(c1, 7, "zz", 2);
	CHECK(wait_eof(c1, 5000));
	close(c1);
	/* resize, then input: stty sees the new size */
	CHECK((c2 = connect_to(sock)) >= 0);
	send_frame(c2, FRAME_RESIZE, "\0\x21\0\x65", 4);
	send_frame(c2, FRAME_DATA, "go\n", 3);
	CHECK_INT(read_until(c2, buf, sizeof buf, &len, "hello", 5000), 1);
	CHECK(strstr(buf, "33 101") != NULL);
	/* a new client replaces the old one */
	CHECK((c3 = connect_to(sock)) >= 0);
	CHECK(wait_eof(c2, 5000));
	close(c2);
	len = 0;
	send_frame(c3, FRAME_DATA, "echo hi\n", 8);
	CHECK_INT(read_until(c3, buf, sizeof buf, &len, "hi\r\necho hi\r\n", 5000), 1);
	/* attach sends its input and detaches on ctrl-p,ctrl-q */
	CHECK_INT(run_attach(sock, "echo attached\n\x10\x11more\n", 21, NULL), 42);
	CHECK(wait_eof(c3, 5000));
	close(c3);
	/* a last client ends cat with ^D; the shim drains and closes it */
	CHECK((c4 = connect_to(sock)) >= 0);
	send_frame(c4, FRAME_DATA, "\x04", 1);
	CHECK(wait_eof(c4, 5000));
	close(c4);
	CHECK_INT(wait_for(shim, 5000, &st), 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_INT(read_file(logp, 1 << 20, &log, &loglen, &e), 0);
	CHECK(log && strstr(log, "33 101\r\nhello\r\n"));
	CHECK(log && strstr(log, "echo hi\r\necho hi\r\n"));
	CHECK(log && strstr(log, "echo attached\r\necho attached\r\n"));
	CHECK(log && !strstr(log, "more"));
	free(log);
	CHECK_INT(term_attach(sock, NULL, &e), -1); /* nobody listens any more */
	CHECK(strncmp(e.msg, "attach \"", 8) == 0 && strstr(e.msg, "\": connect: Connection refused"));
	rm_tmpdir();
}

/* The child exits with output still in the pty and no client attached. */
TEST(shim_drains_after_exit)
{
	char sock[128], logp[128], *log = NULL;
	size_t loglen = 0;
	struct derr e;
	int lfd, logfd, st;
	make_tmpdir();
	snprintf(sock, sizeof sock, "%s/tty.sock", tmpdir);
	snprintf(logp, sizeof logp, "%s/console.log", tmpdir);
	CHECK((lfd = term_shim_listen(sock, &e)) >= 0);
	CHECK((logfd = term_open_log(logp, &e)) >= 0);
	pid_t shim = spawn_shim(lfd, logfd, "seq 1 20000; exit 3");
	close(lfd);
	close(logfd);
	CHECK_INT(wait_for(shim, 10000, &st), 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK_INT(read_file(logp, 1 << 20, &log, &loglen, &e), 0);
	CHECK(log && strstr(log, "\r\n19999\r\n20000\r\n"));
	free(log);
	rm_tmpdir();
}

TEST(shim_not_a_child)
{
	int m, s, st;
	struct derr e;
	CHECK_INT(term_open_pty(&m, &s, &e), 0);
	CHECK_INT(term_shim_loop(m, -1, -1, 1, &st, &e), -1);
	CHECK_STR(e.msg, "shim: process 1 is not a child of the shim");
	close(m);
	close(s);
}

/* One 200 000-byte data frame, streamed into a pty that takes 4 KiB at a time. */
TEST(shim_big_frame)
{
	static char payload[200000];
	char sock[128], buf[4096] = "";
	uint8_t hdr[5];
	size_t len = 0;
	struct derr e;
	int lfd, c, st;
	make_tmpdir();
	snprintf(sock, sizeof sock, "%s/tty.sock", tmpdir);
	CHECK((lfd = term_shim_listen(sock, &e)) >= 0);
	pid_t shim = spawn_shim(lfd, -1, "stty raw -echo; echo ready; head -c 200000 | wc -c");
	close(lfd);
	CHECK((c = connect_to(sock)) >= 0);
	CHECK_INT(read_until(c, buf, sizeof buf, &len, "ready", 5000), 1);
	memset(payload, 'x', sizeof payload);
	frame_encode(FRAME_DATA, NULL, 0, hdr, sizeof hdr);
	hdr[1] = 0, hdr[2] = 0x03, hdr[3] = 0x0d, hdr[4] = 0x40; /* 200000 */
	CHECK(write_all(c, hdr, 5) == 0 && write_all(c, payload, sizeof payload) == 0);
	CHECK_INT(read_until(c, buf, sizeof buf, &len, "200000", 10000), 1);
	CHECK(wait_eof(c, 5000));
	close(c);
	CHECK_INT(wait_for(shim, 5000, &st), 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rm_tmpdir();
}

/* run -t with stdin from a pipe: input reaches the child, EOF becomes ^D. */
TEST(interactive)
{
	char outp[128], *out = NULL;
	size_t outlen = 0;
	struct derr e;
	int p[2], st;
	make_tmpdir();
	snprintf(outp, sizeof outp, "%s/out", tmpdir);
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		int m, s, cst = 0, fd = open(outp, O_WRONLY | O_CREAT, 0600);
		dup2(p[0], 0);
		dup2(fd, 1);
		close(p[1]);
		if (term_open_pty(&m, &s, &e) < 0)
			_exit(100);
		pid_t child = spawn_on_pty(m, s, "stty size; cat; echo done; exit 5");
		close(s);
		if (term_interactive(m, child, &cst, &e) < 0)
			_exit(101);
		_exit(WIFEXITED(cst) ? WEXITSTATUS(cst) : 102);
	}
	close(p[0]);
	CHECK(write(p[1], "abc\n", 4) == 4);
	close(p[1]);
	CHECK_INT(wait_for(pid, 5000, &st), 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	CHECK_INT(read_file(outp, 1 << 20, &out, &outlen, &e), 0);
	CHECK(out && strstr(out, "abc\r\n") && strstr(out, "done\r\n"));
	free(out);
	rm_tmpdir();
}

int main(void)
{
	RUN(frame_encode_parse);
	RUN(frame_limits);
	RUN(frame_resize);
	RUN(frame_feed_stream);
	RUN(frame_feed_errors);
	RUN(detach_keys);
	RUN(detach_filter);
	RUN(pty_size);
	RUN(console_socket);
	RUN(shim_end_to_end);
	RUN(shim_drains_after_exit);
	RUN(shim_big_frame);
	RUN(shim_not_a_child);
	RUN(interactive);
	UNIT_DONE();
}
