/* terminal.h: pseudo-terminals for containers. terminal.c owns the pty
 * primitives (open, size, controlling tty, runc console socket, raw mode) and
 * the pure pieces of the Raind tty.sock protocol (frames, detach keys);
 * shim.c owns the three I/O loops (the shim, `attach`, `run -t`).
 *
 * tty.sock protocol, client -> shim: [type u8][len u32 BE][payload]
 *   type 0 (FRAME_DATA):   payload goes to the pty
 *   type 1 (FRAME_RESIZE): payload rows u16 BE, cols u16 BE (extra bytes ignored)
 * shim -> client: raw bytes. A payload over 8 MiB, an unknown type or a
 * resize payload shorter than 4 bytes is a protocol error (the shim closes
 * that client only). */
#ifndef DROPLET_TERMINAL_H
#define DROPLET_TERMINAL_H

#include "common.h"

#include <signal.h>
#include <termios.h>

/* ---- pty primitives (terminal.c) ---- */

/* Open a new pty pair through "/dev/ptmx": both ends O_RDWR|O_NOCTTY|O_CLOEXEC,
 * unlocked. On error nothing stays open. */
int term_open_pty(int *master, int *slave, struct derr *e);
/* Same through another ptmx, e.g. "<rootfs>/dev/pts/ptmx" of a fresh devpts
 * instance. The slave is opened with TIOCGPTPEER (no path lookup), falling
 * back to ptsname when the kernel lacks it. */
int term_open_pty_at(const char *ptmx_path, int *master, int *slave, struct derr *e);
/* TIOCSWINSZ on fd (either end). rows and cols must be 1..65535. */
int term_set_size(int fd, unsigned rows, unsigned cols, struct derr *e);
/* TIOCGWINSZ on fd. */
int term_get_size(int fd, unsigned *rows, unsigned *cols, struct derr *e);
/* In the container init: setsid() unless already a session leader, make
 * slave the controlling terminal, dup2 it onto 0, 1 and 2 (without
 * FD_CLOEXEC). The slave fd itself stays open (O_CLOEXEC, so exec closes
 * it), e.g. to bind it onto /dev/console afterwards. */
int term_make_controlling(int slave, struct derr *e);
/* runc --console-socket: connect to the unix socket at socket_path, send the
 * master with SCM_RIGHTS (payload: the slave's name, "/dev/pts/N"), close.
 * The caller keeps its own master fd. */
int term_send_console_socket(const char *socket_path, int master, struct derr *e);
/* Connect to a unix stream socket and send fd (SCM_RIGHTS) with payload;
 * `what` names the socket in messages ("console socket \"/x\": connect: ..."). */
int term_send_fd(const char *what, const char *socket_path, int fd, const char *payload, struct derr *e);
/* Open (create) a console log for appending, creating its directory first. */
int term_open_log(const char *path, struct derr *e);

/* Raw mode on a terminal. *saved receives the old settings. */
int term_raw(int fd, struct termios *saved, struct derr *e);
/* Put saved settings back (TCSAFLUSH is not used: typed input is kept). */
void term_restore(int fd, const struct termios *saved);

/* ---- frames (terminal.c, pure) ---- */

enum { FRAME_DATA = 0, FRAME_RESIZE = 1 };
#define FRAME_HDR_LEN     5u
#define FRAME_MAX_PAYLOAD (8u << 20)

struct frame {
	uint8_t type;
	uint32_t len;
	const uint8_t *payload; /* points into the parsed buffer */
};

/* Parse one whole frame at buf[0..n). Returns 1 with *f and *used set, 0 when
 * more bytes are needed, -1 on a protocol error (bad type, payload over 8
 * MiB, short resize) reported as soon as the header is complete. */
int frame_parse(const void *buf, size_t n, struct frame *f, size_t *used, struct derr *e);
/* Encode one frame into out. Returns the frame size, or 0 when it does not
 * fit in cap or len is over FRAME_MAX_PAYLOAD. */
size_t frame_encode(uint8_t type, const void *payload, size_t len, void *out, size_t cap);
/* A resize frame (9 bytes); 0 when cap < 9. */
size_t frame_encode_resize(unsigned rows, unsigned cols, void *out, size_t cap);
/* rows/cols of a resize payload (at least 4 bytes). */
int frame_resize_args(const struct frame *f, unsigned *rows, unsigned *cols, struct derr *e);

/* A streaming decoder, so a big data frame is forwarded while it arrives
 * instead of being buffered whole. Zero-initialize before use. */
struct frame_dec {
	uint8_t hdr[FRAME_HDR_LEN], arg[4];
	uint8_t hdr_n, arg_n, type;
	bool body;
	uint32_t left; /* payload bytes still to come */
};
enum frame_ev { FRAME_EV_NONE, FRAME_EV_DATA, FRAME_EV_RESIZE };
struct frame_event {
	enum frame_ev ev;
	const uint8_t *data; /* FRAME_EV_DATA: a piece of payload inside buf */
	size_t len;
	unsigned rows, cols; /* FRAME_EV_RESIZE */
};
/* Consume a prefix of buf[0..n) (n > 0) and report at most one event.
 * Returns the bytes consumed (>= 1), or -1 on a protocol error. */
ssize_t frame_feed(struct frame_dec *d, const void *buf, size_t n, struct frame_event *ev, struct derr *e);

/* ---- detach keys (terminal.c, pure) ---- */

#define DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define DETACH_KEYS_MAX     16

struct detach_keys {
	uint8_t seq[DETACH_KEYS_MAX];
	size_t len;
};
/* docker's --detach-keys syntax: comma-separated "ctrl-<x>" (x in a-z @ [ \ ] ^ _)
 * or single characters. NULL or "" gives the default ctrl-p,ctrl-q. */
int detach_keys_parse(const char *spec, struct detach_keys *k, struct derr *e);

/* Filter typed input for the detach sequence. Bytes that may start the
 * sequence are held back until it is complete (detach) or broken (released).
 * out must hold n + DETACH_KEYS_MAX bytes. Returns true when the sequence
 * was typed; *out_n bytes before it are still to be sent. */
struct detach_match {
	const struct detach_keys *keys;
	size_t matched;
};
bool detach_filter(struct detach_match *m, const uint8_t *in, size_t n, uint8_t *out, size_t *out_n);

/* ---- I/O loops (shim.c) ---- */

/* Bind and listen on a unix stream socket at sock_path (a stale socket file
 * is unlinked first). Returns the fd (SOCK_NONBLOCK|SOCK_CLOEXEC) or -1. */
int term_shim_listen(const char *sock_path, struct derr *e);
/* The shim: copy master output to log_fd (may be -1) and to the client;
 * accept clients on listen_fd (a new one replaces the old one) and apply
 * their frames. Notices `child` exiting through SIGCHLD (blocked during the
 * loop, prior mask restored), reaps it into *wait_status (other children are
 * reaped and ignored), then drains the master until EIO/EOF (or 2 s of
 * stragglers holding the slave) and closes the client. Returns 0 then.
 * The caller keeps master, listen_fd and log_fd and must not hold the slave
 * open. Sets the master O_NONBLOCK. */
int term_shim_loop(int master, int listen_fd, int log_fd, pid_t child, int *wait_status, struct derr *e);

/* `droplet attach`: connect to sock_path, raw mode on stdin if it is a tty
 * (restored on every exit path; SIGINT, SIGTERM and SIGHUP end the attach),
 * resize frames at start and on SIGWINCH, stdin -> data frames (stdin EOF
 * only stops sending), socket -> stdout. detach_keys as detach_keys_parse.
 * Returns 0 when the socket closed (the process exited, or another client
 * took over), 1 on detach, -1 on error. */
#define TERM_DETACHED 1
int term_attach(const char *sock_path, const char *detach_keys, struct derr *e);

/* `run -t`/`-i` in the caller's terminal: raw mode on stdin if a tty
 * (restored on every exit path), the pty size copied from stdin (or stdout)
 * now and on SIGWINCH, stdin -> master, master -> stdout; on stdin EOF one
 * VEOF is sent to the pty. SIGINT, SIGTERM, SIGHUP and SIGQUIT received by
 * the caller are forwarded to `child`. Returns 0 once the child is reaped
 * (*wait_status) and the output drained. The caller must not hold the slave
 * open. Sets the master O_NONBLOCK. */
int term_interactive(int master, pid_t child, int *wait_status, struct derr *e);

#endif
