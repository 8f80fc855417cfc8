/* net.c: container networking over raw NETLINK_ROUTE sockets: a bounded
 * request builder, one-request-one-ack exchange carrying the kernel's error
 * code, and the Raind veth/bridge/address/route setup on top of them.
 * Owns no policy on *when* networking is set up (the lifecycle decides) and
 * never runs `ip`. */
#include "net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/veth.h>

#define CONTAINER_IFNAME "eth0"

/* ---- request builder ---- */

void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags)
{
	m->cap = sizeof m->u.buf;
	m->overflow = false;
	memset(&m->u.hdr, 0, sizeof m->u.hdr);
	m->u.hdr.nlmsg_len = NLMSG_LENGTH(0);
	m->u.hdr.nlmsg_type = type;
	m->u.hdr.nlmsg_flags = flags | NLM_F_REQUEST | NLM_F_ACK;
}

/* Reserve NLMSG_ALIGN(len) zeroed bytes at the tail, or NULL when they do not
 * fit: the only place that grows a message, and it checks first. */
static void *nl_reserve(struct nl_msg *m, size_t len)
{
	size_t cur = m->u.hdr.nlmsg_len, cap = m->cap;
	void *p;

	if (cap > sizeof m->u.buf)
		cap = sizeof m->u.buf;
	if (m->overflow || cur > cap || len > cap - cur || NLMSG_ALIGN(len) > cap - cur) {
		m->overflow = true;
		return NULL;
	}
	p = m->u.buf + cur;
	memset(p, 0, NLMSG_ALIGN(len));
	m->u.hdr.nlmsg_len = (uint32_t)(cur + NLMSG_ALIGN(len));
	return p;
}

int nl_put_raw(struct nl_msg *m, const void *data, size_t len)
{
	void *p = nl_reserve(m, len);

	if (!p)
		return -1;
	if (len)
		memcpy(p, data, len);
	return 0;
}

int nl_put_attr(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta;

	if (len > UINT16_MAX - RTA_LENGTH(0)) {
		m->overflow = true;
		return -1;
	}
	rta = nl_reserve(m, RTA_LENGTH(len));
	if (!rta)
		return -1;
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	return 0;
}

int nl_put_str(struct nl_msg *m, uint16_t type, const char *s)
{
	return nl_put_attr(m, type, s, strlen(s) + 1);
}

int nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	return nl_put_attr(m, type, &v, sizeof v);
}

struct rtattr *nl_nest_begin(struct nl_msg *m, uint16_t type)
{
	struct rtattr *rta = nl_reserve(m, RTA_LENGTH(0));

	if (rta) {
		rta->rta_type = type;
		rta->rta_len = RTA_LENGTH(0);
	}
	return rta;
}

void nl_nest_end(struct nl_msg *m, struct rtattr *nest)
{
	size_t len;

	if (!nest || m->overflow)
		return;
	len = (size_t)(m->u.buf + m->u.hdr.nlmsg_len - (unsigned char *)nest);
	if (len > UINT16_MAX) {
		m->overflow = true;
		return;
	}
	nest->rta_len = (unsigned short)len;
}

/* ---- socket ---- */

int nl_open(struct nl_sock *s, struct derr *e)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	s->seq = 0;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s->fd < 0)
		return derr_sys(e, "net: open netlink socket");
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		derr_sys(e, "net: bind netlink socket");
		nl_close(s);
		return -1;
	}
	return 0;
}

void nl_close(struct nl_sock *s)
{
	if (s->fd >= 0) {
		int saved = errno;
		close(s->fd);
		errno = saved;
	}
	s->fd = -1;
}

static void nl_closep(struct nl_sock *s)
{
	nl_close(s);
}
#define cleanup_nl __attribute__((cleanup(nl_closep)))

/* Scan one datagram for the ack of `seq`: 1 and *code when found, 0 when
 * not in this datagram. */
static int nl_find_ack(const void *buf, size_t n, uint32_t seq, int *code)
{
	const struct nlmsghdr *h;
	unsigned int left = (unsigned int)n;

	for (h = buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		const struct nlmsgerr *err = NLMSG_DATA(h);

		if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR)
			continue;
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof *err))
			*code = -EPROTO;
		else
			*code = err->error > 0 ? -EPROTO : err->error;
		return 1;
	}
	return 0;
}

int nl_send(struct nl_sock *s, struct nl_msg *m)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	union {
		struct nlmsghdr h;
		unsigned char b[8192];
	} reply;
	int code = 0;

	if (m->overflow)
		return -EMSGSIZE;
	m->u.hdr.nlmsg_seq = ++s->seq;
	if (sendto(s->fd, m->u.buf, m->u.hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -errno;
	for (;;) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(s->fd, reply.b, sizeof reply.b, MSG_TRUNC, (struct sockaddr *)&from, &fl);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if ((size_t)n > sizeof reply.b)
			return -EMSGSIZE;
		if (from.nl_pid != 0) /* only the kernel may answer */
			continue;
		if (nl_find_ack(reply.b, (size_t)n, s->seq, &code))
			return code;
	}
}

/* ---- link and address primitives (negative errno or 0) ---- */

static void nl_msg_link(struct nl_msg *m, uint16_t type, uint16_t flags, int index)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index};

	nl_msg_init(m, type, flags);
	nl_put_raw(m, &ifi, sizeof ifi);
}

/* Set the link up (by name, or by index when index > 0), optionally giving
 * it a master (master > 0). */
static int link_set(struct nl_sock *s, const char *name, int index, int master)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;

	nl_msg_link(&m, RTM_NEWLINK, 0, index);
	ifi = NLMSG_DATA(&m.u.hdr);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (index <= 0)
		nl_put_str(&m, IFLA_IFNAME, name);
	if (master > 0)
		nl_put_u32(&m, IFLA_MASTER, (uint32_t)master);
	return nl_send(s, &m);
}

static int link_rename(struct nl_sock *s, int index, const char *newname)
{
	struct nl_msg m;

	nl_msg_link(&m, RTM_NEWLINK, 0, index);
	nl_put_str(&m, IFLA_IFNAME, newname);
	return nl_send(s, &m);
}

static int link_del(struct nl_sock *s, const char *name)
{
	struct nl_msg m;

	nl_msg_link(&m, RTM_DELLINK, 0, 0);
	nl_put_str(&m, IFLA_IFNAME, name);
	return nl_send(s, &m);
}

static int link_create_bridge(struct nl_sock *s, const char *name)
{
	struct nl_msg m;
	struct rtattr *info;

	nl_msg_link(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	nl_put_str(&m, IFLA_IFNAME, name);
	info = nl_nest_begin(&m, IFLA_LINKINFO);
	nl_put_str(&m, IFLA_INFO_KIND, "bridge");
	nl_nest_end(&m, info);
	return nl_send(s, &m);
}

/* The veth pair in one request: `name` here, `peer` in the netns of `pid`. */
static int link_create_veth(struct nl_sock *s, const char *name, const char *peer, pid_t pid)
{
	struct nl_msg m;
	struct ifinfomsg peer_ifi = {.ifi_family = AF_UNSPEC};
	struct rtattr *info, *data, *pinfo;

	nl_msg_link(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	nl_put_str(&m, IFLA_IFNAME, name);
	info = nl_nest_begin(&m, IFLA_LINKINFO);
	nl_put_str(&m, IFLA_INFO_KIND, "veth");
	data = nl_nest_begin(&m, IFLA_INFO_DATA);
	pinfo = nl_nest_begin(&m, VETH_INFO_PEER);
	nl_put_raw(&m, &peer_ifi, sizeof peer_ifi);
	nl_put_str(&m, IFLA_IFNAME, peer);
	nl_put_u32(&m, IFLA_NET_NS_PID, (uint32_t)pid);
	nl_nest_end(&m, pinfo);
	nl_nest_end(&m, data);
	nl_nest_end(&m, info);
	return nl_send(s, &m);
}

static int addr_add(struct nl_sock *s, int index, struct in_addr addr, unsigned prefix)
{
	struct nl_msg m;
	struct ifaddrmsg ifa = {
	    .ifa_family = AF_INET,
	    .ifa_prefixlen = (unsigned char)prefix,
	    .ifa_scope = RT_SCOPE_UNIVERSE,
	    .ifa_index = (unsigned)index,
	};
	struct in_addr brd = net_broadcast(addr, prefix);

	nl_msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	nl_put_raw(&m, &ifa, sizeof ifa);
	nl_put_attr(&m, IFA_LOCAL, &addr, sizeof addr);
	nl_put_attr(&m, IFA_ADDRESS, &addr, sizeof addr);
	if (brd.s_addr != INADDR_ANY)
		nl_put_attr(&m, IFA_BROADCAST, &brd, sizeof brd);
	return nl_send(s, &m);
}

static int route_add_default(struct nl_sock *s, int index, struct in_addr gw)
{
	struct nl_msg m;
	struct rtmsg rt = {
	    .rtm_family = AF_INET,
	    .rtm_table = RT_TABLE_MAIN,
	    .rtm_protocol = RTPROT_BOOT,
	    .rtm_scope = RT_SCOPE_UNIVERSE,
	    .rtm_type = RTN_UNICAST,
	};

	nl_msg_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	nl_put_raw(&m, &rt, sizeof rt);
	nl_put_attr(&m, RTA_GATEWAY, &gw, sizeof gw);
	nl_put_u32(&m, RTA_OIF, (uint32_t)index);
	return nl_send(s, &m);
}

/* ---- pure helpers ---- */

int net_check_ifname(const char *what, const char *name, struct derr *e)
{
	size_t len;

	if (!name || !*name)
		return derr_set(e, 0, "net: %s: missing interface name", what);
	len = strlen(name);
	if (len > IFNAMSIZ - 1)
		return derr_set(e, 0, "net: %s \"%s\": longer than %d characters", what, name, IFNAMSIZ - 1);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strpbrk(name, "/: \t\n\r\f\v"))
		return derr_set(e, 0, "net: %s \"%s\": not a valid interface name", what, name);
	return 0;
}

int net_parse_ipv4(const char *what, const char *s, struct in_addr *addr, struct derr *e)
{
	if (!s || inet_pton(AF_INET, s, addr) != 1)
		return derr_set(e, 0, "net: %s \"%s\": not an IPv4 address", what, s ? s : "");
	return 0;
}

int net_parse_cidr(const char *s, struct in_addr *addr, unsigned *prefix, struct derr *e)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = s ? strchr(s, '/') : NULL;
	const char *p;
	unsigned v = 0;

	if (!slash || (size_t)(slash - s) >= sizeof ip || !slash[1] || strlen(slash + 1) > 2)
		goto bad;
	for (p = slash + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v > 32 || (slash[1] == '0' && slash[2]))
		goto bad;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	if (inet_pton(AF_INET, ip, addr) != 1)
		goto bad;
	*prefix = v;
	return 0;
bad:
	return derr_set(e, 0, "net: address \"%s\": expected an IPv4 CIDR like 10.166.0.2/24", s ? s : "");
}

struct in_addr net_broadcast(struct in_addr addr, unsigned prefix)
{
	struct in_addr b = {.s_addr = INADDR_ANY};
	uint32_t mask;

	if (prefix >= 31)
		return b;
	mask = prefix ? ~(uint32_t)0 << (32 - prefix) : 0;
	b.s_addr = htonl(ntohl(addr.s_addr) | ~mask);
	return b;
}

/* ---- the Raind setup ---- */

/* The config, validated and parsed once before anything is created. */
struct net_plan {
	const char *if_name; /* host end */
	const char *peer;    /* name of the peer as created in the container */
	const char *bridge;  /* NULL: no bridge */
	bool has_addr, has_gw;
	struct in_addr addr, gw;
	unsigned prefix;
};

static int net_plan(const struct raind_net *n, bool host, struct net_plan *p, struct derr *e)
{
	memset(p, 0, sizeof *p);
	p->if_name = n->if_name;
	p->peer = n->host_interface && *n->host_interface ? n->host_interface : CONTAINER_IFNAME;
	p->bridge = n->bridge_interface && *n->bridge_interface ? n->bridge_interface : NULL;
	if (host && net_check_ifname("interface.name", p->if_name, e) < 0)
		return -1;
	if (host && p->bridge && net_check_ifname("bridgeInterface", p->bridge, e) < 0)
		return -1;
	if (net_check_ifname("hostInterface", p->peer, e) < 0)
		return -1;
	if (n->address && *n->address) {
		if (net_parse_cidr(n->address, &p->addr, &p->prefix, e) < 0)
			return -1;
		p->has_addr = true;
	}
	if (n->gateway && *n->gateway) {
		if (net_parse_ipv4("gateway", n->gateway, &p->gw, e) < 0)
			return -1;
		p->has_gw = true;
	}
	return 0;
}

int net_link_exists(const char *ifname)
{
	return ifname && *ifname && if_nametoindex(ifname) != 0;
}

int nl_link_up(const char *ifname, struct derr *e)
{
	struct nl_sock s cleanup_nl = {.fd = -1};
	int rc;

	if (net_check_ifname("link", ifname, e) < 0)
		return -1;
	if (nl_open(&s, e) < 0)
		return -1;
	rc = link_set(&s, ifname, 0, 0);
	if (rc < 0)
		return derr_set(e, -rc, "net: set link \"%s\" up", ifname);
	return 0;
}

int net_loopback_up(struct derr *e)
{
	return nl_link_up("lo", e);
}

/* Create the bridge when missing; *created says whether this call did. A
 * bridge that appeared meanwhile (EEXIST) counts as existing. */
static int host_bridge(struct nl_sock *s, const struct net_plan *p, bool *created, struct derr *e)
{
	int rc, index;

	*created = false;
	if (net_link_exists(p->bridge))
		return 0;
	rc = link_create_bridge(s, p->bridge);
	if (rc == -EEXIST)
		return 0;
	if (rc < 0)
		return derr_set(e, -rc, "net: create bridge \"%s\"", p->bridge);
	*created = true;
	index = (int)if_nametoindex(p->bridge);
	if (index == 0)
		return derr_sys(e, "net: bridge \"%s\"", p->bridge);
	if (p->has_addr && p->has_gw) {
		rc = addr_add(s, index, p->gw, p->prefix);
		if (rc < 0)
			return derr_set(e, -rc, "net: add address \"%s/%u\" to bridge \"%s\"", inet_ntoa(p->gw),
			                p->prefix, p->bridge);
	}
	rc = link_set(s, NULL, index, 0);
	if (rc < 0)
		return derr_set(e, -rc, "net: set link \"%s\" up", p->bridge);
	return 0;
}

static int host_veth(struct nl_sock *s, const struct net_plan *p, pid_t child, struct derr *e)
{
	int rc = link_create_veth(s, p->if_name, p->peer, child);

	if (rc == 0)
		return 0;
	/* One EEXIST for two names: say which one clashed. */
	if (rc == -EEXIST && net_link_exists(p->if_name))
		return derr_set(e, EEXIST, "net: create veth \"%s\"", p->if_name);
	return derr_set(e, -rc, "net: create veth \"%s\" (peer \"%s\" in the netns of pid %d)", p->if_name, p->peer,
	                (int)child);
}

static int host_attach(struct nl_sock *s, const struct net_plan *p, struct derr *e)
{
	int rc, master = 0;

	if (p->bridge) {
		master = (int)if_nametoindex(p->bridge);
		if (master == 0)
			return derr_sys(e, "net: bridge \"%s\"", p->bridge);
	}
	rc = link_set(s, p->if_name, 0, master);
	if (rc < 0 && p->bridge)
		return derr_set(e, -rc, "net: attach \"%s\" to bridge \"%s\"", p->if_name, p->bridge);
	if (rc < 0)
		return derr_set(e, -rc, "net: set link \"%s\" up", p->if_name);
	return 0;
}

int net_setup_host(const struct raind_net *n, pid_t child, struct derr *e)
{
	struct nl_sock s cleanup_nl = {.fd = -1};
	struct net_plan p;
	bool br_created = false;

	if (net_plan(n, true, &p, e) < 0)
		return -1;
	if (child <= 0)
		return derr_set(e, 0, "net: create veth \"%s\": no container pid", p.if_name);
	/* Checked before the bridge so a clash leaves nothing behind. */
	if (net_link_exists(p.if_name))
		return derr_set(e, EEXIST, "net: create veth \"%s\"", p.if_name);
	if (nl_open(&s, e) < 0)
		return -1;
	if (p.bridge && host_bridge(&s, &p, &br_created, e) < 0)
		goto undo_bridge;
	if (host_veth(&s, &p, child, e) < 0)
		goto undo_bridge;
	if (host_attach(&s, &p, e) < 0)
		goto undo_veth;
	return 0;
undo_veth:
	link_del(&s, p.if_name); /* best effort: the first error is kept */
undo_bridge:
	if (br_created)
		link_del(&s, p.bridge);
	return -1;
}

/* Rename the peer to eth0 when needed; returns eth0's index or -1. */
static int container_eth0(struct nl_sock *s, const struct net_plan *p, struct derr *e)
{
	int index = (int)if_nametoindex(p->peer);
	int rc;

	if (index == 0)
		return derr_sys(e, "net: container interface \"%s\"", p->peer);
	if (strcmp(p->peer, CONTAINER_IFNAME) != 0) {
		rc = link_rename(s, index, CONTAINER_IFNAME);
		if (rc < 0)
			return derr_set(e, -rc, "net: rename \"%s\" to \"%s\"", p->peer, CONTAINER_IFNAME);
	}
	return index;
}

int net_setup_container(const struct raind_net *n, struct derr *e)
{
	struct nl_sock s cleanup_nl = {.fd = -1};
	struct net_plan p;
	int index, rc;

	if (net_plan(n, false, &p, e) < 0)
		return -1;
	if (nl_open(&s, e) < 0)
		return -1;
	rc = link_set(&s, "lo", 0, 0);
	if (rc < 0)
		return derr_set(e, -rc, "net: set link \"lo\" up");
	index = container_eth0(&s, &p, e);
	if (index < 0)
		return -1;
	if (p.has_addr) {
		rc = addr_add(&s, index, p.addr, p.prefix);
		if (rc < 0)
			return derr_set(e, -rc, "net: add address \"%s\" to \"%s\"", n->address, CONTAINER_IFNAME);
	}
	rc = link_set(&s, NULL, index, 0);
	if (rc < 0)
		return derr_set(e, -rc, "net: set link \"%s\" up", CONTAINER_IFNAME);
	if (p.has_gw) {
		rc = route_add_default(&s, index, p.gw);
		if (rc < 0)
			return derr_set(e, -rc, "net: add default route via \"%s\"", n->gateway);
	}
	return 0;
}

int net_setup_in(pid_t pid, const struct raind_net *n, struct derr *e)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	cleanup_fd int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cleanup_fd int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || ns < 0)
		return derr_sys(e, "open \"%s\"", self < 0 ? "/proc/self/ns/net" : path);
	if (setns(ns, CLONE_NEWNET) < 0)
		return derr_sys(e, "net: enter the container's network namespace");
	int r = n ? net_setup_container(n, e) : net_loopback_up(e);
	if (setns(self, CLONE_NEWNET) < 0 && r == 0)
		r = derr_sys(e, "net: return to our network namespace");
	return r;
}

int net_teardown_host(const struct raind_net *n, struct derr *e)
{
	struct nl_sock s cleanup_nl = {.fd = -1};
	int rc;

	if (!n->if_name || !*n->if_name)
		return 0;
	if (net_check_ifname("interface.name", n->if_name, e) < 0)
		return -1;
	if (!net_link_exists(n->if_name))
		return 0;
	if (nl_open(&s, e) < 0)
		return -1;
	rc = link_del(&s, n->if_name);
	if (rc < 0 && rc != -ENODEV)
		return derr_set(e, -rc, "net: delete link \"%s\"", n->if_name);
	return 0;
}
