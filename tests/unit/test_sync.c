/* test_sync.c: the sync channel's non-blocking error pick-up, which decides
 * whose message a create reports when droplet and the init fail at once. */
#include "sync.h"

#include "unit.h"

#include <fcntl.h>
#include <sys/socket.h>

TEST(take_error_finds_it_behind_other_messages)
{
	int sp[2];
	struct derr init_err = {0}, e = {0};
	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK_INT(sync_send(sp[1], SYNC_PTY, 0, NULL, null), 0); /* an fd on the way: closed */
	derr_set(&init_err, 0, "mounts[7] \"/bad\": mount nosuchfs: No such device");
	init_err.errnum = 19;
	CHECK_INT(sync_send(sp[1], SYNC_ERROR, 0, &init_err, -1), 0);
	derr_set(&e, 2, "net: enter the container's network namespace");
	CHECK(sync_take_error(sp[0], &e));
	CHECK_STR(e.msg, "mounts[7] \"/bad\": mount nosuchfs: No such device");
	CHECK_INT(e.errnum, 19);
	close(null), close(sp[0]), close(sp[1]);
}

TEST(take_error_leaves_ours_without_one)
{
	int sp[2];
	struct derr e = {0};
	CHECK_INT(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	derr_set(&e, 0, "ours");
	CHECK(!sync_take_error(sp[0], &e)); /* nothing queued: no wait */
	CHECK_INT(sync_send(sp[1], SYNC_READY, 0, NULL, -1), 0);
	close(sp[1]);
	CHECK(!sync_take_error(sp[0], &e)); /* READY, then EOF */
	CHECK_STR(e.msg, "ours");
	close(sp[0]);
}

int main(void)
{
	RUN(take_error_finds_it_behind_other_messages);
	RUN(take_error_leaves_ours_without_one);
	UNIT_DONE();
}
