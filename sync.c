/* sync.c: typed messages over the SOCK_SEQPACKET pair between droplet and
 * the container's init, with SCM_RIGHTS for the pty master. */
#include "sync.h"

#include <sys/socket.h>

int sync_send(int sock, int type, int pid, const struct derr *e, int fd)
{
	struct sync_msg m = {.type = type, .pid = pid};
	if (e) {
		m.errnum = e->errnum;
		snprintf(m.msg, sizeof m.msg, "%s", e->msg);
	}
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof m};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		memset(&u, 0, sizeof u);
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof m ? 0 : -1;
}

static int recv_msg(int sock, struct sync_msg *m, int *fd, int flags, struct derr *e)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = m, .iov_len = sizeof *m};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	ssize_t n;
	if (fd)
		*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return derr_sys(e, "sync: receive");
	if (n == 0)
		return derr_set(e, 0, "container init exited before it was ready");
	if (n != (ssize_t)sizeof *m)
		return derr_set(e, 0, "sync: short message");
	m->msg[sizeof m->msg - 1] = 0;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_type == SCM_RIGHTS) {
		int got;
		memcpy(&got, CMSG_DATA(c), sizeof got);
		if (fd)
			*fd = got;
		else
			close(got);
	}
	if (m->type == SYNC_ERROR) {
		e->errnum = m->errnum;
		snprintf(e->msg, sizeof e->msg, "%s", m->msg);
		return -1;
	}
	return 0;
}

int sync_recv(int sock, struct sync_msg *m, int *fd, struct derr *e)
{
	return recv_msg(sock, m, fd, 0, e);
}

bool sync_take_error(int sock, struct derr *e)
{
	struct sync_msg m;
	struct derr got;
	for (;;) {
		m.type = 0;
		if (recv_msg(sock, &m, NULL, MSG_DONTWAIT, &got) == 0)
			continue;
		if (m.type != SYNC_ERROR)
			return false;
		*e = got;
		return true;
	}
}
