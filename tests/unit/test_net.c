/* test_net.c: the pure parts of net.c: address parsing, interface names,
 * and the netlink request builder's layout and bounds checks. */
#include "net.h"
#include "unit.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/veth.h>

static const char *ntoa(struct in_addr a)
{
	static char buf[INET_ADDRSTRLEN];
	return inet_ntop(AF_INET, &a, buf, sizeof buf);
}

TEST(cidr_valid)
{
	static const struct {
		const char *in, *addr;
		unsigned prefix;
	} ok[] = {
	    {"10.166.0.2/24", "10.166.0.2", 24},
	    {"10.199.3.1/32", "10.199.3.1", 32},
	    {"0.0.0.0/0", "0.0.0.0", 0},
	    {"192.168.1.9/8", "192.168.1.9", 8},
	};
	struct derr e = {0};
	struct in_addr a;
	unsigned p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		p = 99;
		CHECK_INT(net_parse_cidr(ok[i].in, &a, &p, &e), 0);
		CHECK_STR(ntoa(a), ok[i].addr);
		CHECK_INT(p, ok[i].prefix);
	}
}

TEST(cidr_invalid)
{
	static const char *bad[] = {
	    "10.1.2.3",    "10.1.2.3/",     "10.1.2.3/33",   "10.1.2.3/024", "10.1.2.3/2a",
	    "10.1.2.3/-1", "10.1.2/24",     "10.1.2.256/24", "/24",          "",
	    "fe80::1/64",  "10.1.2.3/24/1", "10.1.2.3 /24",  "10.1.2.3/+4",  "255.255.255.255.255.255/24",
	};
	struct derr e = {0};
	struct in_addr a = {0};
	unsigned p = 7;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (net_parse_cidr(bad[i], &a, &p, &e) != -1)
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
		CHECK_INT(net_parse_cidr(bad[i], &a, &p, &e), -1);
		CHECK_INT(p, 7); /* untouched on error */
	}
	net_parse_cidr("10.1.2.3", &a, &p, &e);
	CHECK_STR(e.msg, "net: address \"10.1.2.3\": expected an IPv4 CIDR like 10.166.0.2/24");
	CHECK_INT(e.errnum, 0);
	CHECK_INT(net_parse_cidr(NULL, &a, &p, &e), -1);
}

TEST(ipv4)
{
	struct derr e = {0};
	struct in_addr a;

	CHECK_INT(net_parse_ipv4("gateway", "10.199.0.254", &a, &e), 0);
	CHECK_STR(ntoa(a), "10.199.0.254");
	CHECK_INT(net_parse_ipv4("gateway", "10.199.0", &a, &e), -1);
	CHECK_STR(e.msg, "net: gateway \"10.199.0\": not an IPv4 address");
	CHECK_INT(net_parse_ipv4("gateway", "10.199.0.254/24", &a, &e), -1);
}

TEST(broadcast)
{
	struct in_addr a;

	inet_pton(AF_INET, "10.199.4.2", &a);
	CHECK_STR(ntoa(net_broadcast(a, 24)), "10.199.4.255");
	CHECK_STR(ntoa(net_broadcast(a, 16)), "10.199.255.255");
	CHECK_STR(ntoa(net_broadcast(a, 0)), "255.255.255.255");
	CHECK_STR(ntoa(net_broadcast(a, 30)), "10.199.4.3");
	CHECK_INT(net_broadcast(a, 31).s_addr, INADDR_ANY);
	CHECK_INT(net_broadcast(a, 32).s_addr, INADDR_ANY);
}

TEST(ifname)
{
	struct derr e = {0};

	CHECK_INT(net_check_ifname("interface.name", "rd_c1", &e), 0);
	CHECK_INT(net_check_ifname("interface.name", "abcdefghijklmno", &e), 0); /* 15 */
	CHECK_INT(net_check_ifname("interface.name", "abcdefghijklmnop", &e), -1);
	CHECK_STR(e.msg, "net: interface.name \"abcdefghijklmnop\": longer than 15 characters");
	CHECK_INT(net_check_ifname("hostInterface", "", &e), -1);
	CHECK_STR(e.msg, "net: hostInterface: missing interface name");
	CHECK_INT(net_check_ifname("hostInterface", NULL, &e), -1);
	CHECK_INT(net_check_ifname("x", "a/b", &e), -1);
	CHECK_STR(e.msg, "net: x \"a/b\": not a valid interface name");
	CHECK_INT(net_check_ifname("x", "a b", &e), -1);
	CHECK_INT(net_check_ifname("x", "a:1", &e), -1);
	CHECK_INT(net_check_ifname("x", "..", &e), -1);
	CHECK_INT(net_check_ifname("x", ".", &e), -1);
}

/* Walk attributes in [p, p+len) and return the one of `type`, or NULL. */
static struct rtattr *find_attr(void *p, size_t len, unsigned short type)
{
	struct rtattr *rta;
	unsigned int left = (unsigned int)len;

	for (rta = p; RTA_OK(rta, left); rta = RTA_NEXT(rta, left))
		if (rta->rta_type == type)
			return rta;
	return NULL;
}

/* Build a veth request as net.c does and parse it back. */
TEST(builder_nested_layout)
{
	struct nl_msg m;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct rtattr *info, *data, *peer, *a;
	unsigned char *payload;
	size_t plen;

	nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	CHECK_INT(m.u.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	CHECK_INT(nl_put_raw(&m, &ifi, sizeof ifi), 0);
	CHECK_INT(nl_put_str(&m, IFLA_IFNAME, "rd_c1"), 0);
	info = nl_nest_begin(&m, IFLA_LINKINFO);
	CHECK_INT(nl_put_str(&m, IFLA_INFO_KIND, "veth"), 0);
	data = nl_nest_begin(&m, IFLA_INFO_DATA);
	peer = nl_nest_begin(&m, VETH_INFO_PEER);
	CHECK_INT(nl_put_raw(&m, &ifi, sizeof ifi), 0);
	CHECK_INT(nl_put_str(&m, IFLA_IFNAME, "eth0"), 0);
	CHECK_INT(nl_put_u32(&m, IFLA_NET_NS_PID, 4242), 0);
	nl_nest_end(&m, peer);
	nl_nest_end(&m, data);
	nl_nest_end(&m, info);
	CHECK(!m.overflow);
	CHECK_INT(m.u.hdr.nlmsg_len % 4, 0);

	payload = (unsigned char *)NLMSG_DATA(&m.u.hdr) + NLMSG_ALIGN(sizeof ifi);
	plen = m.u.hdr.nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof ifi));
	a = find_attr(payload, plen, IFLA_IFNAME);
	CHECK(a && !strcmp(RTA_DATA(a), "rd_c1"));
	info = find_attr(payload, plen, IFLA_LINKINFO);
	CHECK(info != NULL);
	if (!info)
		return;
	/* the outer nest reaches exactly to the end of the message */
	CHECK_INT((unsigned char *)info + info->rta_len - m.u.buf, m.u.hdr.nlmsg_len);
	a = find_attr(RTA_DATA(info), RTA_PAYLOAD(info), IFLA_INFO_KIND);
	CHECK(a && !strcmp(RTA_DATA(a), "veth"));
	data = find_attr(RTA_DATA(info), RTA_PAYLOAD(info), IFLA_INFO_DATA);
	peer = data ? find_attr(RTA_DATA(data), RTA_PAYLOAD(data), VETH_INFO_PEER) : NULL;
	CHECK(peer != NULL);
	if (!peer)
		return;
	payload = (unsigned char *)RTA_DATA(peer) + NLMSG_ALIGN(sizeof ifi);
	plen = RTA_PAYLOAD(peer) - NLMSG_ALIGN(sizeof ifi);
	a = find_attr(payload, plen, IFLA_IFNAME);
	CHECK(a && !strcmp(RTA_DATA(a), "eth0"));
	a = find_attr(payload, plen, IFLA_NET_NS_PID);
	CHECK(a && *(uint32_t *)RTA_DATA(a) == 4242);
}

/* An append that does not fit writes nothing past the capacity, leaves the
 * length alone, and makes the message unsendable. */
TEST(builder_overflow)
{
	struct nl_msg m;
	struct nl_sock s = {.fd = -1};
	char big[200];
	uint32_t len;
	size_t i;
	bool intact = true;

	nl_msg_init(&m, RTM_NEWLINK, 0);
	memset(m.u.buf + NLMSG_HDRLEN, 0xAA, sizeof m.u.buf - NLMSG_HDRLEN);
	m.cap = 64;
	memset(big, 'x', sizeof big);
	CHECK_INT(nl_put_u32(&m, IFLA_MTU, 1500), 0);
	len = m.u.hdr.nlmsg_len;
	CHECK_INT(nl_put_attr(&m, IFLA_IFALIAS, big, 60), -1);
	CHECK(m.overflow);
	CHECK_INT(m.u.hdr.nlmsg_len, len);
	for (i = len; i < sizeof m.u.buf; i++)
		intact = intact && m.u.buf[i] == 0xAA;
	CHECK(intact);
	/* sticky: a later small append that would fit is refused too */
	CHECK_INT(nl_put_u32(&m, IFLA_MTU, 1), -1);
	CHECK(nl_nest_begin(&m, IFLA_LINKINFO) == NULL);
	nl_nest_end(&m, NULL);
	CHECK_INT(m.u.hdr.nlmsg_len, len);
	CHECK_INT(nl_send(&s, &m), -EMSGSIZE);
}

TEST(builder_exact_fit_and_limits)
{
	struct nl_msg m;
	char big[NL_MSG_MAX];

	nl_msg_init(&m, RTM_NEWLINK, 0);
	m.cap = NLMSG_HDRLEN + RTA_LENGTH(4);
	CHECK_INT(nl_put_u32(&m, IFLA_MTU, 1500), 0); /* exactly fills */
	CHECK_INT(m.u.hdr.nlmsg_len, m.cap);
	CHECK_INT(nl_put_raw(&m, "", 1), -1);

	/* a capacity above the buffer is clamped to the buffer */
	nl_msg_init(&m, RTM_NEWLINK, 0);
	m.cap = (size_t)-1;
	memset(big, 'y', sizeof big);
	CHECK_INT(nl_put_attr(&m, IFLA_IFALIAS, big, sizeof big), -1);
	CHECK_INT(m.u.hdr.nlmsg_len, NLMSG_HDRLEN);

	/* an attribute longer than rta_len can express */
	nl_msg_init(&m, RTM_NEWLINK, 0);
	CHECK_INT(nl_put_attr(&m, IFLA_IFALIAS, big, (size_t)UINT16_MAX + 1), -1);
	CHECK(m.overflow);

	/* padding bytes are zeroed */
	nl_msg_init(&m, RTM_NEWLINK, 0);
	memset(m.u.buf + NLMSG_HDRLEN, 0xAA, 16);
	CHECK_INT(nl_put_str(&m, IFLA_IFNAME, "ab"), 0); /* 4 + 3 -> 8 */
	CHECK_INT(m.u.hdr.nlmsg_len, NLMSG_HDRLEN + 8);
	CHECK_INT(m.u.buf[NLMSG_HDRLEN + 7], 0);
}

TEST(builder_fills_to_capacity)
{
	struct nl_msg m;
	int n = 0;

	nl_msg_init(&m, RTM_NEWLINK, 0);
	while (nl_put_u32(&m, IFLA_MTU, 1) == 0)
		n++;
	CHECK_INT(n, (NL_MSG_MAX - NLMSG_HDRLEN) / RTA_LENGTH(4));
	CHECK(m.u.hdr.nlmsg_len <= NL_MSG_MAX);
}

int main(void)
{
	RUN(cidr_valid);
	RUN(cidr_invalid);
	RUN(ipv4);
	RUN(broadcast);
	RUN(ifname);
	RUN(builder_nested_layout);
	RUN(builder_overflow);
	RUN(builder_exact_fit_and_limits);
	RUN(builder_fills_to_capacity);
	UNIT_DONE();
}
