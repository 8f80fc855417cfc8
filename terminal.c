/* terminal.c: pty primitives (open, size, controlling terminal, the runc
 * console socket, raw mode) and the pure parts of the tty.sock protocol:
 * frames and detach keys. The I/O loops that use them live in shim.c. */
#include "terminal.h"

#include <fcntl.h>
#include <libgen.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* ---- pty primitives ---- */

/* The slave of master: TIOCGPTPEER needs no path (right inside another
 * devpts instance); otherwise ptsname. */
static int open_peer(int master, int *slave, struct derr *e)
{
	char name[64];
	int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		*slave = fd;
		return 0;
	}
	if (errno != EINVAL && errno != ENOTTY)
		return derr_sys(e, "open pty slave");
	if ((errno = ptsname_r(master, name, sizeof name)) != 0)
		return derr_sys(e, "ptsname");
	fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open pty slave \"%s\"", name);
	*slave = fd;
	return 0;
}

int term_open_pty_at(const char *ptmx_path, int *master, int *slave, struct derr *e)
{
	cleanup_fd int m = open(ptmx_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return derr_sys(e, "open \"%s\"", ptmx_path);
	if (grantpt(m) < 0)
		return derr_sys(e, "grantpt \"%s\"", ptmx_path);
	if (unlockpt(m) < 0)
		return derr_sys(e, "unlockpt \"%s\"", ptmx_path);
	if (open_peer(m, slave, e) < 0)
		return derr_wrap(e, "pty \"%s\"", ptmx_path);
	*master = steal_fd(&m);
	return 0;
}

int term_open_pty(int *master, int *slave, struct derr *e)
{
	return term_open_pty_at("/dev/ptmx", master, slave, e);
}

int term_set_size(int fd, unsigned rows, unsigned cols, struct derr *e)
{
	struct winsize ws = {0};
	if (rows < 1 || rows > 65535 || cols < 1 || cols > 65535)
		return derr_set(e, 0, "terminal size %ux%u: must be 1..65535", rows, cols);
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
		return derr_sys(e, "set terminal size %ux%u", rows, cols);
	return 0;
}

int term_get_size(int fd, unsigned *rows, unsigned *cols, struct derr *e)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return derr_sys(e, "get terminal size");
	*rows = ws.ws_row;
	*cols = ws.ws_col;
	return 0;
}

int term_make_controlling(int slave, struct derr *e)
{
	if (getsid(0) != getpid() && setsid() < 0)
		return derr_sys(e, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return derr_sys(e, "make the pty the controlling terminal");
	for (int fd = 0; fd <= 2; fd++) {
		/* dup2 onto itself would keep FD_CLOEXEC. */
		int r = fd == slave ? fcntl(fd, F_SETFD, 0) : dup2(slave, fd);
		if (r < 0)
			return derr_sys(e, "pty slave onto fd %d", fd);
	}
	return 0;
}

static int unix_addr(const char *path, struct sockaddr_un *sa, struct derr *e)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path)
		return derr_set(e, 0, "socket \"%s\": path longer than %zu bytes", path, sizeof sa->sun_path - 1);
	strcpy(sa->sun_path, path);
	return 0;
}

static int send_fd(int sock, int fd, const char *name)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *c;
	memset(&u, 0, sizeof u);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int term_send_fd(const char *what, const char *socket_path, int fd, const char *payload, struct derr *e)
{
	struct sockaddr_un sa;
	cleanup_fd int s = -1;
	if (unix_addr(socket_path, &sa, e) < 0)
		return derr_wrap(e, "%s", what);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return derr_sys(e, "%s \"%s\": socket", what, socket_path);
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0)
		return derr_sys(e, "%s \"%s\": connect", what, socket_path);
	if (send_fd(s, fd, payload) < 0)
		return derr_sys(e, "%s \"%s\": send the fd", what, socket_path);
	return 0;
}

int term_send_console_socket(const char *socket_path, int master, struct derr *e)
{
	char name[64];
	/* runc sends the pty name along; receivers only log it. */
	if (ptsname_r(master, name, sizeof name) != 0)
		strcpy(name, "/dev/ptmx");
	return term_send_fd("console socket", socket_path, master, name, e);
}

int term_open_log(const char *path, struct derr *e)
{
	cleanup_free char *dir = xstrdup(path);
	int fd;
	if (mkdir_p(dirname(dir), 0755, e) < 0)
		return derr_wrap(e, "console log \"%s\"", path);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		return derr_sys(e, "open console log \"%s\"", path);
	return fd;
}

int term_raw(int fd, struct termios *saved, struct derr *e)
{
	struct termios t;
	if (tcgetattr(fd, saved) < 0)
		return derr_sys(e, "get terminal attributes");
	t = *saved;
	cfmakeraw(&t);
	/* Keep output post-processing so our own messages still get \r\n. */
	t.c_oflag |= OPOST;
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return derr_sys(e, "set raw mode");
	return 0;
}

void term_restore(int fd, const struct termios *saved)
{
	int s = errno;
	while (tcsetattr(fd, TCSANOW, saved) < 0 && errno == EINTR)
		;
	errno = s;
}

/* ---- frames ---- */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int check_header(const uint8_t *h, uint8_t *type, uint32_t *len, struct derr *e)
{
	*type = h[0];
	*len = get_be32(h + 1);
	if (*type != FRAME_DATA && *type != FRAME_RESIZE)
		return derr_set(e, 0, "frame: unknown type %u", *type);
	if (*len > FRAME_MAX_PAYLOAD)
		return derr_set(e, 0, "frame: payload of %u bytes over the 8 MiB limit", *len);
	if (*type == FRAME_RESIZE && *len < 4)
		return derr_set(e, 0, "frame: resize payload of %u bytes, need 4", *len);
	return 0;
}

int frame_parse(const void *buf, size_t n, struct frame *f, size_t *used, struct derr *e)
{
	const uint8_t *b = buf;
	if (n < FRAME_HDR_LEN)
		return 0;
	if (check_header(b, &f->type, &f->len, e) < 0)
		return -1;
	if (n - FRAME_HDR_LEN < f->len)
		return 0;
	f->payload = b + FRAME_HDR_LEN;
	*used = FRAME_HDR_LEN + f->len;
	return 1;
}

size_t frame_encode(uint8_t type, const void *payload, size_t len, void *out, size_t cap)
{
	uint8_t *o = out;
	if (len > FRAME_MAX_PAYLOAD || cap < FRAME_HDR_LEN || cap - FRAME_HDR_LEN < len)
		return 0;
	o[0] = type;
	put_be32(o + 1, (uint32_t)len);
	if (len)
		memcpy(o + FRAME_HDR_LEN, payload, len);
	return FRAME_HDR_LEN + len;
}

size_t frame_encode_resize(unsigned rows, unsigned cols, void *out, size_t cap)
{
	uint8_t p[4] = {(uint8_t)(rows >> 8), (uint8_t)rows, (uint8_t)(cols >> 8), (uint8_t)cols};
	return frame_encode(FRAME_RESIZE, p, sizeof p, out, cap);
}

int frame_resize_args(const struct frame *f, unsigned *rows, unsigned *cols, struct derr *e)
{
	if (f->type != FRAME_RESIZE || f->len < 4)
		return derr_set(e, 0, "frame: not a resize frame");
	*rows = (unsigned)f->payload[0] << 8 | f->payload[1];
	*cols = (unsigned)f->payload[2] << 8 | f->payload[3];
	return 0;
}

/* The payload part of frame_feed. */
static size_t feed_body(struct frame_dec *d, const uint8_t *b, size_t n, struct frame_event *ev)
{
	size_t take = n < d->left ? n : d->left;
	d->left -= (uint32_t)take;
	if (d->type == FRAME_DATA) {
		ev->ev = FRAME_EV_DATA;
		ev->data = b;
		ev->len = take;
	} else {
		for (size_t i = 0; i < take && d->arg_n < sizeof d->arg; i++)
			d->arg[d->arg_n++] = b[i];
		if (d->left == 0) {
			ev->ev = FRAME_EV_RESIZE;
			ev->rows = (unsigned)d->arg[0] << 8 | d->arg[1];
			ev->cols = (unsigned)d->arg[2] << 8 | d->arg[3];
		}
	}
	if (d->left == 0)
		d->body = false;
	return take;
}

ssize_t frame_feed(struct frame_dec *d, const void *buf, size_t n, struct frame_event *ev, struct derr *e)
{
	const uint8_t *b = buf;
	size_t take;
	ev->ev = FRAME_EV_NONE;
	if (d->body)
		return (ssize_t)feed_body(d, b, n, ev);
	take = FRAME_HDR_LEN - d->hdr_n;
	if (take > n)
		take = n;
	memcpy(d->hdr + d->hdr_n, b, take);
	d->hdr_n = (uint8_t)(d->hdr_n + take);
	if (d->hdr_n < FRAME_HDR_LEN)
		return (ssize_t)take;
	if (check_header(d->hdr, &d->type, &d->left, e) < 0)
		return -1;
	d->hdr_n = 0;
	d->arg_n = 0;
	d->body = d->left > 0; /* an empty data frame is a no-op */
	return (ssize_t)take;
}

/* ---- detach keys ---- */

/* One key of docker's syntax: "x" or "ctrl-x". */
static int detach_key(const char *s, size_t n, uint8_t *out)
{
	static const char ctrl_punct[] = "@[\\]^_"; /* 0, 27..31 */
	const char *p;
	if (n == 1) {
		*out = (uint8_t)s[0];
		return 0;
	}
	if (n != 6 || strncasecmp(s, "ctrl-", 5) != 0)
		return -1;
	if ((s[5] | 0x20) >= 'a' && (s[5] | 0x20) <= 'z') {
		*out = (uint8_t)((s[5] | 0x20) - 'a' + 1);
		return 0;
	}
	p = strchr(ctrl_punct, s[5]);
	if (!p || !s[5])
		return -1;
	*out = p == ctrl_punct ? 0 : (uint8_t)(27 + (p - ctrl_punct) - 1);
	return 0;
}

int detach_keys_parse(const char *spec, struct detach_keys *k, struct derr *e)
{
	const char *s = spec && *spec ? spec : DETACH_KEYS_DEFAULT;
	k->len = 0;
	for (;;) {
		size_t n = strcspn(s, ",");
		if (k->len == DETACH_KEYS_MAX)
			return derr_set(e, 0, "detach keys \"%s\": more than %d keys", spec, DETACH_KEYS_MAX);
		if (detach_key(s, n, &k->seq[k->len]) < 0)
			return derr_set(e, 0,
			                "detach keys \"%s\": invalid key \"%.*s\" (use ctrl-<x> or one character)",
			                spec, (int)n, s);
		k->len++;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

bool detach_filter(struct detach_match *m, const uint8_t *in, size_t n, uint8_t *out, size_t *out_n)
{
	const struct detach_keys *k = m->keys;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (k->len && in[i] == k->seq[m->matched]) {
			if (++m->matched == k->len) {
				m->matched = 0;
				*out_n = o;
				return true;
			}
			continue;
		}
		/* A broken prefix is released; the byte may start a new one. */
		memcpy(out + o, k->seq, m->matched);
		o += m->matched;
		m->matched = 0;
		if (k->len && in[i] == k->seq[0])
			m->matched = 1;
		else
			out[o++] = in[i];
	}
	*out_n = o;
	return false;
}
