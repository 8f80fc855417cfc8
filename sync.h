/* sync.h: the one channel between droplet and the container's init: a
 * SOCK_SEQPACKET pair carrying small typed messages (and an fd now and then). */
#ifndef DROPLET_SYNC_H
#define DROPLET_SYNC_H

#include "common.h"

enum sync_type {
	SYNC_GO = 1,  /* parent -> init: maps, cgroup and hooks done (pid = host pid); only when needed */
	SYNC_PTY,     /* init -> parent: the pty master (fd attached) */
	SYNC_READY,   /* init -> parent: set up, waiting for start */
	SYNC_START,   /* parent -> init (run): go ahead and exec; sent as soon as the parent's part is done */
	SYNC_ERROR,   /* init -> parent: msg says what failed */
	SYNC_SECCOMP, /* init -> parent: the seccomp listener fd (attached), for listenerPath */
};

struct sync_msg {
	int type;
	int errnum;
	int pid;
	char msg[ERR_MSG_MAX];
};

/* Send a message; e (may be NULL) fills errnum/msg; fd >= 0 goes along. */
int sync_send(int sock, int type, int pid, const struct derr *e, int fd);
/* Receive one message; *fd gets an attached fd or -1. EOF is an error
 * ("init exited before it was ready"). */
int sync_recv(int sock, struct sync_msg *m, int *fd, struct derr *e);
/* Without blocking, drain what is queued; when the init sent SYNC_ERROR (it
 * failed while we worked in parallel), put its message in e. */
bool sync_take_error(int sock, struct derr *e);
#endif
