/* console_recv: the receiving end of runc's --console-socket, for tests.
 *   console_recv [-s ROWSxCOLS] [-w LINE] [-n NAMEFILE] [-t SECONDS] PATH
 * Listens on the unix socket PATH, accepts one connection, receives the pty
 * master sent with SCM_RIGHTS, then: -s sets its size, -w writes LINE and a
 * newline to it, -n saves the name sent along; finally copies the pty output
 * to stdout until EOF/EIO (the container exited). Gives up after -t seconds
 * (default 30). Exit: 0 done, 1 error, 2 usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "console_recv: %s: %s\n", what, strerror(errno));
	return -1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;
	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return fail(path);
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0)
		return fail(path);
	return fd;
}

/* Accept one connection and take the fd it carries; name gets the payload. */
static int receive(int lfd, char *name, size_t cap)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = name, .iov_len = cap - 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *c;
	int fd, conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ssize_t r;
	if (conn < 0)
		return fail("accept");
	r = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	close(conn);
	if (r < 0)
		return fail("recvmsg");
	name[r] = 0;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "console_recv: no fd received\n");
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

static int copy_out(int fd)
{
	char buf[4096];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || (r < 0 && errno == EIO))
			return 0;
		if (r < 0)
			return fail("read pty");
		if (write(STDOUT_FILENO, buf, (size_t)r) != r)
			return fail("write stdout");
	}
}

static int save_name(const char *file, const char *name)
{
	FILE *f = fopen(file, "we");
	if (!f)
		return fail(file);
	fprintf(f, "%s\n", name);
	return fclose(f) == 0 ? 0 : fail(file);
}

int main(int argc, char **argv)
{
	const char *line = NULL, *namefile = NULL;
	struct winsize ws = {0};
	char name[256];
	int opt, lfd, fd, secs = 30;
	while ((opt = getopt(argc, argv, "s:w:n:t:")) != -1) {
		switch (opt) {
		case 's':
			if (sscanf(optarg, "%hux%hu", &ws.ws_row, &ws.ws_col) != 2)
				goto usage;
			break;
		case 'w':
			line = optarg;
			break;
		case 'n':
			namefile = optarg;
			break;
		case 't':
			secs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	alarm((unsigned)secs);
	if ((lfd = listen_on(argv[optind])) < 0 || (fd = receive(lfd, name, sizeof name)) < 0)
		return 1;
	close(lfd);
	unlink(argv[optind]);
	if (namefile && save_name(namefile, name) < 0)
		return 1;
	if (ws.ws_row && ioctl(fd, TIOCSWINSZ, &ws) < 0)
		return fail("set size"), 1;
	if (line && (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0))
		return fail("write line"), 1;
	return copy_out(fd) < 0 ? 1 : 0;
usage:
	fprintf(stderr, "usage: console_recv [-s ROWSxCOLS] [-w LINE] [-n NAMEFILE] [-t SECONDS] PATH\n");
	return 2;
}
