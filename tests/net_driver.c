/* net_driver: drives net.c directly for tests/net.bats, before the container
 * lifecycle exists. "-" stands for an absent (NULL) value.
 *   net_driver host PID IFNAME PEER BRIDGE ADDRESS GATEWAY   net_setup_host
 *   net_driver container PID PEER ADDRESS GATEWAY            net_setup_in (net_setup_container)
 *   net_driver lo PID                                        net_setup_in (lo up only)
 *   net_driver teardown IFNAME                               net_teardown_host
 *   net_driver exists IFNAME                                 prints 1 or 0
 * Errors are printed as "droplet: <msg>" and exit 1; usage errors exit 2.
 * Build (static musl, like bin/droplet):
 *   musl-gcc -std=gnu11 -Os -Wall -Wextra -Werror -Wno-unused-parameter \
 *     -Wno-format-truncation \
 *     -D_GNU_SOURCE -idirafter build/kinc -I. -static \
 *     tests/net_driver.c net.c common.c -o bin/net_driver */
#include "net.h"

static char *arg(char *s)
{
	return strcmp(s, "-") == 0 ? NULL : s;
}

static int fail(const struct derr *e)
{
	fprintf(stderr, "droplet: %s\n", e->msg);
	return 1;
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
		return net_setup_in((pid_t)atoi(argv[2]), &n, &e) < 0 ? fail(&e) : 0;
	}
	if (!strcmp(cmd, "lo") && argc == 3) {
		return net_setup_in((pid_t)atoi(argv[2]), NULL, &e) < 0 ? fail(&e) : 0;
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
