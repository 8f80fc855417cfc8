/* test_cgroup_devices.c: the eBPF device filter of cgroup_devices.c, run on
 * a small interpreter of the instructions it emits (with the verifier's
 * basic rules: no unreachable code, forward jumps in range, no read of an
 * unset register), checked against a table of decisions and against a
 * direct model of the semantics (last matching rule wins, then the implicit
 * allows, else deny). No golden instruction lists. */
#include "cgroup.h"
#include "unit.h"

#include <linux/bpf.h>

enum { C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK };
enum { M = BPF_DEVCG_ACC_MKNOD, R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE };

/* Every instruction reachable, jumps forward and inside, the last one exits. */
static bool well_formed(const struct cg_dev_prog *p)
{
	bool seen[8192] = {0};
	size_t stack[8192], sp = 0;
	if (!p->n || p->n > 4096 || p->insn[p->n - 1].code != (BPF_JMP | BPF_EXIT))
		return false;
	stack[sp++] = 0;
	while (sp) {
		size_t pc = stack[--sp];
		if (pc >= p->n)
			return false;
		if (seen[pc])
			continue;
		seen[pc] = true;
		const struct bpf_insn *i = &p->insn[pc];
		bool jmp = BPF_CLASS(i->code) == BPF_JMP && BPF_OP(i->code) != BPF_EXIT;
		if (jmp && i->off < 0)
			return false;
		if (jmp)
			stack[sp++] = pc + 1 + (size_t)i->off;
		if (BPF_OP(i->code) != BPF_EXIT && i->code != (BPF_JMP | BPF_JA))
			stack[sp++] = pc + 1;
	}
	for (size_t pc = 0; pc < p->n; pc++)
		if (!seen[pc])
			return false;
	return true;
}

/* Run p on one request: 1 allow, 0 deny, -1 for anything the emitter is not
 * supposed to produce. */
static int run(const struct cg_dev_prog *p, int type, int access, uint32_t major, uint32_t minor)
{
	uint32_t ctx[3] = {(uint32_t)access << 16 | (uint32_t)type, major, minor};
	uint64_t r[11] = {0};
	unsigned set = 1u << BPF_REG_1 | 1u << BPF_REG_10;
	for (size_t pc = 0; pc < p->n; pc++) {
		const struct bpf_insn *i = &p->insn[pc];
		uint64_t imm = (uint64_t)(int64_t)i->imm;
		bool reads = i->code != (BPF_ALU64 | BPF_MOV | BPF_K) && i->code != (BPF_JMP | BPF_JA) &&
		             BPF_CLASS(i->code) != BPF_LDX;
		if (i->dst_reg > 10 || (reads && !(set & 1u << i->dst_reg)))
			return -1;
		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			if (i->src_reg != BPF_REG_1 || i->off < 0 || i->off > 8 || i->off % 4)
				return -1;
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] & (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			pc += r[i->dst_reg] != imm ? (size_t)i->off : 0;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += r[i->dst_reg] & imm ? (size_t)i->off : 0;
			break;
		case BPF_JMP | BPF_JA:
			pc += (size_t)i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return set & 1u << BPF_REG_0 && r[0] <= 1 ? (int)r[0] : -1;
		default:
			return -1;
		}
		set |= 1u << i->dst_reg;
	}
	return -1;
}

/* The semantics, written directly. */
static const struct oci_device_cgroup implicit[] = {
    {true, 'c', false, false, 0, 0, "m"}, {true, 'b', false, false, 0, 0, "m"},
    {true, 'c', true, true, 1, 3, "rwm"}, {true, 'c', true, true, 1, 8, "rwm"},
    {true, 'c', true, true, 1, 7, "rwm"}, {true, 'c', true, true, 5, 0, "rwm"},
    {true, 'c', true, true, 1, 5, "rwm"}, {true, 'c', true, true, 1, 9, "rwm"},
    {true, 'c', true, true, 5, 1, "rwm"}, {true, 'c', true, true, 136, -1, "rwm"},
    {true, 'c', true, true, 5, 2, "rwm"}, {true, 'c', true, true, 10, 200, "rwm"},
};

static int acc_bits(const char *s)
{
	int a = *s ? 0 : R | W | M;
	for (; *s; s++)
		a |= *s == 'r' ? R : *s == 'w' ? W : M;
	return a;
}

static bool rule_matches(const struct oci_device_cgroup *d, int type, int access, uint32_t major, uint32_t minor)
{
	int acc = acc_bits(d->access);
	if ((d->type == 'c' && type != C) || (d->type == 'b' && type != B))
		return false;
	if ((d->has_major && d->major >= 0 && d->major != major) ||
	    (d->has_minor && d->minor >= 0 && d->minor != minor))
		return false;
	/* an allow must cover the whole request, a deny takes any part of it */
	return d->allow ? (access & ~acc) == 0 : (access & acc) != 0;
}

static int model(const struct oci_device_cgroup *rules, size_t n, int type, int access, uint32_t major, uint32_t minor)
{
	for (size_t i = ARRAY_SIZE(implicit); i-- > 0;)
		if (rule_matches(&implicit[i], type, access, major, minor))
			return implicit[i].allow;
	for (size_t i = n; i-- > 0;)
		if (rule_matches(&rules[i], type, access, major, minor))
			return rules[i].allow;
	return 0;
}

#define DENY_ALL                                                                                                       \
	{                                                                                                              \
		false, 'a', false, false, 0, 0, "rwm"                                                                  \
	}
#define RULE(allow, type, major, minor, acc)                                                                           \
	{                                                                                                              \
		allow, type, true, true, major, minor, acc                                                             \
	}

struct req {
	int type, access;
	uint32_t major, minor;
	int want;
};

/* Compile rules, check the program's shape, the requests, and the model on a grid. */
static void check(const struct oci_device_cgroup *rules, size_t n, const struct req *reqs, size_t nreq)
{
	static const uint32_t numbers[] = {0, 1, 3, 5, 7, 8, 10, 136, 200, 4095};
	static const int accesses[] = {M, R, W, R | W, R | M, R | W | M};
	struct cg_dev_prog p;
	struct derr e = {0};
	CHECK_INT(cg_dev_compile(rules, n, &p, &e), 0);
	CHECK(well_formed(&p));
	for (size_t i = 0; i < nreq; i++) {
		int got = run(&p, reqs[i].type, reqs[i].access, reqs[i].major, reqs[i].minor);
		if (got != reqs[i].want)
			fprintf(stderr, "  request %zu (%c %u:%u access %d): got %d\n", i,
			        reqs[i].type == C ? 'c' : 'b', reqs[i].major, reqs[i].minor, reqs[i].access, got);
		CHECK_INT(got, reqs[i].want);
	}
	int wrong = 0;
	for (int type = B; type <= C; type++)
		for (size_t a = 0; a < ARRAY_SIZE(accesses); a++)
			for (size_t ma = 0; ma < ARRAY_SIZE(numbers); ma++)
				for (size_t mi = 0; mi < ARRAY_SIZE(numbers); mi++)
					wrong += run(&p, type, accesses[a], numbers[ma], numbers[mi]) !=
					         model(rules, n, type, accesses[a], numbers[ma], numbers[mi]);
	CHECK_INT(wrong, 0);
	cg_dev_free(&p);
}

/* The spec default: deny all; the implicit allows still let the usual
 * devices through, and mknod of anything (but not opening it). */
TEST(default_rules)
{
	static const struct oci_device_cgroup rules[] = {DENY_ALL};
	static const struct req reqs[] = {
	    {B, R, 8, 0, 0},         {B, M, 8, 0, 1},     {C, R | W, 1, 3, 1},   {C, R, 1, 5, 1},
	    {C, W, 1, 7, 1},         {C, R, 1, 8, 1},     {C, R, 1, 9, 1},       {C, R | W, 5, 0, 1},
	    {C, R | W, 5, 1, 1},     {C, R | W, 5, 2, 1}, {C, R | W, 136, 4, 1}, {C, R | W, 10, 200, 1},
	    {C, R, 1, 1, 0},         {C, R, 10, 229, 0},  {C, M, 1, 1, 1},       {C, R | W, 4, 0, 0},
	    {B, R | W | M, 7, 0, 0},
	};
	check(rules, ARRAY_SIZE(rules), reqs, ARRAY_SIZE(reqs));
}

TEST(allow_one_block_device)
{
	static const struct oci_device_cgroup rules[] = {DENY_ALL, RULE(true, 'b', 8, 0, "r")};
	static const struct req reqs[] = {
	    {B, R, 8, 0, 1}, {B, W, 8, 0, 0}, {B, R | W, 8, 0, 0}, {B, R, 8, 1, 0}, {C, R, 8, 0, 0},
	};
	check(rules, ARRAY_SIZE(rules), reqs, ARRAY_SIZE(reqs));
}

TEST(wildcards)
{
	static const struct oci_device_cgroup rules[] = {
	    DENY_ALL,
	    RULE(true, 'b', 8, -1, "rw"),           /* every sd disk */
	    {true, 'c', true, false, 10, 0, "rwm"}, /* minor absent: any */
	    {true, 'a', false, true, 0, 7, "r"},    /* type a, any major, minor 7 */
	};
	static const struct req reqs[] = {
	    {B, R | W, 8, 0, 1}, {B, R, 8, 16, 1}, {B, R, 9, 0, 0}, {C, R | W, 10, 229, 1},
	    {C, R, 11, 0, 0},    {C, R, 4, 7, 1},  {B, R, 4, 7, 1}, {B, W, 4, 7, 0},
	};
	check(rules, ARRAY_SIZE(rules), reqs, ARRAY_SIZE(reqs));
}

/* An "m" rule allows no read; "rw" allows no mknod (except by the implicit
 * mknod-anything rule) and not a request for more. */
TEST(access_subsets)
{
	static const struct oci_device_cgroup rules[] = {DENY_ALL, RULE(true, 'c', 4, 1, "m"),
	                                                 RULE(true, 'c', 4, 2, "rw")};
	static const struct req reqs[] = {
	    {C, M, 4, 1, 1}, {C, R, 4, 1, 0}, {C, R, 4, 2, 1}, {C, R | W, 4, 2, 1}, {C, M, 4, 2, 1}, {C, W, 4, 3, 0},
	};
	check(rules, ARRAY_SIZE(rules), reqs, ARRAY_SIZE(reqs));
}

TEST(last_match_wins)
{
	static const struct oci_device_cgroup allow_then_deny[] = {DENY_ALL, RULE(true, 'b', 8, -1, "rwm"),
	                                                           RULE(false, 'b', 8, 0, "w")};
	static const struct req r1[] = {
	    {B, R, 8, 0, 1},
	    {B, W, 8, 0, 0},
	    {B, R | W, 8, 0, 0},
	    {B, W, 8, 1, 1},
	};
	check(allow_then_deny, ARRAY_SIZE(allow_then_deny), r1, ARRAY_SIZE(r1));

	static const struct oci_device_cgroup deny_then_allow[] = {RULE(false, 'b', 8, 0, "rwm"),
	                                                           RULE(true, 'b', 8, 0, "rw")};
	static const struct req r2[] = {{B, R | W, 8, 0, 1}, {B, R, 8, 1, 0}};
	check(deny_then_allow, ARRAY_SIZE(deny_then_allow), r2, ARRAY_SIZE(r2));

	/* the implicit allows come last: a config deny of /dev/null loses */
	static const struct oci_device_cgroup deny_null[] = {DENY_ALL, RULE(false, 'c', 1, 3, "rwm")};
	static const struct req r3[] = {{C, R | W, 1, 3, 1}};
	check(deny_null, ARRAY_SIZE(deny_null), r3, ARRAY_SIZE(r3));
}

/* allow-all ends the program (the deny-all before it is not emitted:
 * unreachable code fails the verifier; no final deny); deny-all last denies all but the
 * implicit allows; no rules at all is the same as deny-all. */
TEST(catch_all)
{
	static const struct oci_device_cgroup allow_all[] = {DENY_ALL, {true, 'a', false, false, 0, 0, ""}};
	static const struct req r1[] = {{B, R | W, 8, 0, 1}, {C, R, 4, 4, 1}};
	check(allow_all, ARRAY_SIZE(allow_all), r1, ARRAY_SIZE(r1));
	struct cg_dev_prog p;
	struct derr e;
	CHECK_INT(cg_dev_compile(allow_all, 2, &p, &e), 0);
	CHECK(p.n >= 2 && p.insn[p.n - 2].imm == 1);
	cg_dev_free(&p);

	static const struct oci_device_cgroup deny_last[] = {RULE(true, 'b', 8, 0, "rwm"), DENY_ALL};
	static const struct req r2[] = {{B, R, 8, 0, 0}, {C, R, 1, 3, 1}};
	check(deny_last, ARRAY_SIZE(deny_last), r2, ARRAY_SIZE(r2));
	check(NULL, 0, r2, ARRAY_SIZE(r2));
}

/* Numbers no device can have never match; the limit on the rule count. */
TEST(limits)
{
	static const struct oci_device_cgroup huge[] = {DENY_ALL, RULE(true, 'c', 4294967297LL, 0, "rwm"),
	                                                RULE(true, 'c', 1, 4294967296LL, "rwm")};
	static const struct req reqs[] = {{C, R, 1, 0, 0}, {C, R, 1, 1, 0}};
	check(huge, ARRAY_SIZE(huge), reqs, ARRAY_SIZE(reqs));

	static struct oci_device_cgroup many[600];
	struct cg_dev_prog p;
	struct derr e = {0};
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct oci_device_cgroup)RULE(i % 2 == 0, 'c', 200, (int64_t)i, "r");
	CHECK_INT(cg_dev_compile(many, 572, &p, &e), 0);
	CHECK(well_formed(&p));
	CHECK_INT(run(&p, C, R, 200, 570), 1);
	CHECK_INT(run(&p, C, R, 200, 571), 0);
	cg_dev_free(&p);
	CHECK_INT(cg_dev_compile(many, 600, &p, &e), -1);
	CHECK_STR(e.msg, "linux.resources.devices: 600 rules: at most 572 fit in one eBPF program");
	CHECK(p.insn == NULL);
}

int main(void)
{
	RUN(default_rules);
	RUN(allow_one_block_device);
	RUN(wildcards);
	RUN(access_subsets);
	RUN(last_match_wins);
	RUN(catch_all);
	RUN(limits);
	UNIT_DONE();
}
