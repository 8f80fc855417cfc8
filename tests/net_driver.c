/* net_driver: drives net.c directly for tests/net.bats, before the container
 * lifecycle exists. "-" stands for an absent (NULL) value.
 *   net_driver host PID IFNAME PEER BRIDGE ADDRESS GATEWAY   net_setup_host
 *   net_driver container PID PEER ADDRESS GATEWAY            setns + net_setup_container
 *   net_driver lo PID                                        setns + net_loopback_up
 *   net_driver teardown IFNAME                               net_teardown_host
 *   net_driver exists IFNAME                                 prints 1 or 0
 * Errors are printed as "droplet: <msg>" and exit 1; usage errors exit 2.
 * Build (static musl, like bin/droplet):
 *   musl-gcc -std=gnu11 -Os -Wall -Wextra -Werror -Wno-unused-parameter \
 *     -Wno-format-truncation \
 *     -D_GNU_SOURCE -idirafter build/kinc -I. -static \
 *     tests/net_driver.c net.c common.c -o bin/net_driver */
#include "net.h"

#include <fcntl.h>
#include <sched.h>

static char *arg(char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

static int fail(const struct derr *e)
{
	fprintf(stderr, "droplet: %s\n", e->msg);
	return 1;
}

static int enter_netns(const char *pid, struct derr *e)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/proc/%s/ns/net", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", path);
	if (setns(fd, CLONE_NEWNET) < 0) {
		derr_sys(e, "setns \"%s\"", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct derr e = {0};
	struct raind_net n = {.present = true};
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "host") && argc == 8) {
		n.if_name = arg(argv[3]);
		n.host_interface = arg(argv[4]);
		n.bridge_interface = arg(argv[5]);
		n.address = arg(argv[6]);
		n.gateway = arg(argv[7]);
		return net_setup_host(&n, (pid_t)atoi(argv[2]), &e) < 0 ? fail(&e) : 0;
	}
	if (!strcmp(cmd, "container") && argc == 6) {
		n.host_interface = arg(argv[3]);
		n.address = arg(argv[4]);
		n.gateway = arg(argv[5]);
		if (enter_netns(argv[2], &e) < 0)
			return fail(&e);
		return net_setup_container(&n, &e) < 0 ? fail(&e) : 0;
	}
	if (!strcmp(cmd, "lo") && argc == 3) {
		if (enter_netns(argv[2], &e) < 0)
			return fail(&e);
		return net_loopback_up(&e) < 0 ? fail(&e) : 0;
	}
	if (!strcmp(cmd, "teardown") && argc == 3) {
		n.if_name = arg(argv[2]);
		return net_teardown_host(&n, &e) < 0 ? fail(&e) : 0;
	}
	if (!strcmp(cmd, "exists") && argc == 3) {
		printf("%d\n", net_link_exists(argv[2]));
		return 0;
	}
	fprintf(stderr, "usage: net_driver host|container|lo|teardown|exists ARGS...\n");
	return 2;
}
