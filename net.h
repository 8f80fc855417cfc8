/* net.h: container networking over raw NETLINK_ROUTE sockets (no `ip`).
 * The Raind model: a veth pair whose host end is attached to a bridge, whose
 * peer is created inside the container's network namespace, renamed eth0,
 * given an IPv4 address and a default route. Also the netlink request
 * builder, exported so unit tests can exercise its bounds checks. */
#ifndef DROPLET_NET_H
#define DROPLET_NET_H

#include "common.h"
#include "config.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

/* ---- high level ---- */

/* Set link `ifname` up in the current network namespace.
 * Errors: net: set link "lo" up: No such device */
int nl_link_up(const char *ifname, struct derr *e);

/* Bring lo up in a fresh network namespace (the caller is inside it). */
int net_loopback_up(struct derr *e);

/* In the host netns: create the bridge n->bridge_interface when missing (set
 * it up; give it gateway/prefix when both are known), create the veth pair
 * n->if_name <-> n->host_interface (default "eth0") with the peer directly in
 * the netns of `child`, attach the host end to the bridge and set it up.
 * On failure everything this call created is deleted again (an existing
 * bridge is never touched) and *e says what failed, e.g.
 *   net: create veth "rd_c1": File exists */
int net_setup_host(const struct raind_net *n, pid_t child, struct derr *e);

/* In the container's netns (the caller is already there): lo up, rename
 * n->host_interface to eth0, add n->address, eth0 up, default route via
 * n->gateway. Missing address/gateway are skipped. Nothing is undone on
 * failure: the namespace dies with the container. */
int net_setup_container(const struct raind_net *n, struct derr *e);

/* From outside: enter the network namespace of `pid`, bring lo up and, with
 * n, do net_setup_container there; then return to our own namespace. The
 * parent does this while the init builds its rootfs. */
int net_setup_in(pid_t pid, const struct raind_net *n, struct derr *e);

/* Delete the host veth end n->if_name when it exists (a missing link is
 * success). The bridge is never deleted. */
int net_teardown_host(const struct raind_net *n, struct derr *e);

/* 1 when a link of that name exists in the current netns, else 0. */
int net_link_exists(const char *ifname);

/* ---- pure helpers (unit tested) ---- */

/* An interface name the kernel accepts: 1..15 bytes, not "." or "..", no
 * '/', ':' or whitespace. `what` names it in the message:
 *   net: interface.name "a-very-long-name-x": longer than 15 characters */
int net_check_ifname(const char *what, const char *name, struct derr *e);
/* "10.166.0.2/24" -> address and prefix length (0..32; the prefix is required).
 *   net: address "10.1.2.3": expected an IPv4 CIDR like 10.166.0.2/24 */
int net_parse_cidr(const char *s, struct in_addr *addr, unsigned *prefix, struct derr *e);
/* "10.166.0.254" -> address.
 *   net: gateway "10.1.2": not an IPv4 address */
int net_parse_ipv4(const char *what, const char *s, struct in_addr *addr, struct derr *e);
/* The directed broadcast of addr/prefix (network byte order); for /31 and
 * /32 there is none and INADDR_ANY is returned. */
struct in_addr net_broadcast(struct in_addr addr, unsigned prefix);

/* ---- netlink request builder ----
 * A request lives in a fixed buffer on the caller's stack. Every append
 * checks the capacity BEFORE writing; a failed append writes nothing, marks
 * the message overflowed and returns -1; nl_send refuses an overflowed
 * message with EMSGSIZE, so callers may build first and check once. */
#define NL_MSG_MAX 4096

struct nl_msg {
	size_t cap;    /* usable bytes of u.buf (tests may lower it) */
	bool overflow; /* an append did not fit */
	union {
		struct nlmsghdr hdr;
		unsigned char buf[NL_MSG_MAX];
	} u;
};

/* Start a request: header only; NLM_F_REQUEST|NLM_F_ACK are always added. */
void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags);
/* Append len bytes (a family header such as struct ifinfomsg), padded. */
int nl_put_raw(struct nl_msg *m, const void *data, size_t len);
int nl_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len);
int nl_put_str(struct nl_msg *m, uint16_t type, const char *s);
int nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
/* Open a nested attribute; NULL (and overflow) when it does not fit.
 * nl_nest_end(m, NULL) is a no-op, so nesting can be built unchecked. */
struct rtattr *nl_nest_begin(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, struct rtattr *nest);

/* One NETLINK_ROUTE socket (SOCK_CLOEXEC) and its sequence counter. */
struct nl_sock {
	int fd;
	uint32_t seq;
};

int nl_open(struct nl_sock *s, struct derr *e);
void nl_close(struct nl_sock *s);
/* Send m with the next sequence number and wait for its NLMSG_ERROR ack.
 * Returns 0 or the negative errno: the kernel's -nlmsgerr.error for a NACK,
 * errno for a socket failure, -EMSGSIZE for an overflowed message, -EPROTO
 * for a malformed reply. */
int nl_send(struct nl_sock *s, struct nl_msg *m);

#endif
