/* cgroup_devices.c: linux.resources.devices on cgroup v2, where the kernel
 * has no devices.allow file: the rules are compiled by hand into an eBPF
 * program of type BPF_PROG_TYPE_CGROUP_DEVICE, loaded with bpf(2) and
 * attached to the container's cgroup. No libbpf.
 *
 * Semantics (runtime-spec, runc, crun): the rules are taken in order and the
 * last one that matches a request decides; after the config's rules come the
 * implicit allows runc and crun add (mknod of any node; null, zero, full,
 * random, urandom, tty, console, ptmx, pts/N, net/tun); no match denies. The
 * program tests the rules backwards and returns at the first match:
 *
 *	r2 = type, r3 = access, r4 = major, r5 = minor   (from the context)
 *	rule N-1 .. rule 0, each:
 *	  if r2 != TYPE  goto next                       (type "a": no test)
 *	  if r4 != MAJOR goto next                       (absent or -1: no test)
 *	  if r5 != MINOR goto next
 *	  allow: if r3 & ~ACCESS goto next               (the request is a subset)
 *	  deny:  if r3 & ACCESS goto +1; goto next       (they share a bit)
 *	  r0 = ALLOW; exit                               ("rwm": no access test)
 *	r0 = 0; exit
 *
 * A rule that matches everything ends the program (what follows could never
 * run and the verifier refuses unreachable code). A missing access is "rwm".
 * A major or minor above 2^31-1 can match no device (Linux has 12 + 20 bits):
 * such a rule is left out. */
#include "cgroup.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

#define ACC_ALL       (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)
#define RULE_MAX_INSN 7
#define PROG_MAX_INSN 4096 /* BPF_MAXINSNS: what any kernel accepts */
#define VERIFIER_LOG  (64 * 1024)
#define MAX_ATTACHED  64 /* BPF_CGROUP_MAX_PROGS */

/* One rule in the form the emitter wants: access as BPF_DEVCG_ACC_* bits,
 * type as BPF_DEVCG_DEV_* (0 = any), -1 for a wildcard number. */
struct dev_rule {
	bool allow;
	uint8_t type, access;
	int64_t major, minor;
};

/* runc's and crun's implicit allows, appended after the config's rules. */
static const struct dev_rule implicit_rules[] = {
    {true, BPF_DEVCG_DEV_CHAR, BPF_DEVCG_ACC_MKNOD, -1, -1},
    {true, BPF_DEVCG_DEV_BLOCK, BPF_DEVCG_ACC_MKNOD, -1, -1},
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 1, 3},    /* null */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 1, 8},    /* random */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 1, 7},    /* full */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 5, 0},    /* tty */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 1, 5},    /* zero */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 1, 9},    /* urandom */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 5, 1},    /* console */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 136, -1}, /* pts/N */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 5, 2},    /* ptmx */
    {true, BPF_DEVCG_DEV_CHAR, ACC_ALL, 10, 200}, /* net/tun */
};

static struct dev_rule from_oci(const struct oci_device_cgroup *d)
{
	struct dev_rule r = {d->allow, 0, 0, -1, -1};
	r.type = d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : d->type == 'c' ? BPF_DEVCG_DEV_CHAR : 0;
	r.access = *d->access ? 0 : ACC_ALL;
	for (const char *p = d->access; *p; p++)
		r.access |= *p == 'r' ? BPF_DEVCG_ACC_READ : *p == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
	if (d->has_major)
		r.major = d->major;
	if (d->has_minor)
		r.minor = d->minor;
	return r;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/* Jumps to "next" carry this offset until the block's length is known. */
#define TO_NEXT INT16_MIN

/* Write rule r's block into out (RULE_MAX_INSN room); returns its length. */
static size_t emit_rule(const struct dev_rule *r, struct bpf_insn *out)
{
	size_t n = 0;
	if (r->type)
		out[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, TO_NEXT, r->type);
	if (r->major >= 0)
		out[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, TO_NEXT, (int32_t)r->major);
	if (r->minor >= 0)
		out[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, TO_NEXT, (int32_t)r->minor);
	if (r->access != ACC_ALL && r->allow)
		out[n++] = insn(BPF_JMP | BPF_JSET | BPF_K, BPF_REG_3, 0, TO_NEXT, ~r->access & ACC_ALL);
	if (r->access != ACC_ALL && !r->allow) {
		out[n++] = insn(BPF_JMP | BPF_JSET | BPF_K, BPF_REG_3, 0, 1, r->access);
		out[n++] = insn(BPF_JMP | BPF_JA, 0, 0, TO_NEXT, 0);
	}
	out[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow);
	out[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < n; i++)
		if (out[i].off == TO_NEXT)
			out[i].off = (int16_t)(n - i - 1);
	return n;
}

static bool matches_all(const struct dev_rule *r)
{
	return !r->type && r->major < 0 && r->minor < 0 && r->access == ACC_ALL;
}

/* Append the block of the i-th rule of the config's followed by the
 * implicit ones. false once a rule matched everything (nothing after it). */
static bool append_rule(struct cg_dev_prog *p, const struct oci_device_cgroup *rules, size_t n, size_t i)
{
	struct dev_rule r = i < n ? from_oci(&rules[i]) : implicit_rules[i - n];
	if (r.major > INT32_MAX || r.minor > INT32_MAX)
		return true;
	p->n += emit_rule(&r, p->insn + p->n);
	return !matches_all(&r);
}

int cg_dev_compile(const struct oci_device_cgroup *rules, size_t n, struct cg_dev_prog *p, struct derr *e)
{
	size_t total = n + ARRAY_SIZE(implicit_rules);
	bool open = true;
	p->n = 0;
	size_t max = (PROG_MAX_INSN - 8) / RULE_MAX_INSN - ARRAY_SIZE(implicit_rules);
	if (n > max) {
		p->insn = NULL;
		derr_set(e, 0, "linux.resources.devices: %zu rules: at most %zu fit in one eBPF program", n, max);
		e->errnum = E2BIG;
		return -1;
	}
	p->insn = xcalloc(6 + total * RULE_MAX_INSN + 2, sizeof *p->insn);
	/* access_type is (access << 16) | type; major and minor follow */
	p->insn[p->n++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, 0, 0);
	p->insn[p->n++] = insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	p->insn[p->n++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_1, 0, 0);
	p->insn[p->n++] = insn(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	p->insn[p->n++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1, 4, 0);
	p->insn[p->n++] = insn(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, 8, 0);
	for (size_t i = total; i-- > 0 && open;)
		open = append_rule(p, rules, n, i);
	if (open) {
		p->insn[p->n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
		p->insn[p->n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	return 0;
}

void cg_dev_free(struct cg_dev_prog *p)
{
	free(p->insn);
	p->insn = NULL;
	p->n = 0;
}

/* ---- loading and attaching ---- */

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(__NR_bpf, cmd, a, sizeof *a);
}

/* The verifier's reason: its last line before the "processed N insns"
 * statistics, cut in place. */
static const char *verifier_reason(char *log)
{
	for (;;) {
		size_t len = strlen(log);
		while (len && (log[len - 1] == '\n' || log[len - 1] == ' '))
			log[--len] = 0;
		char *nl = strrchr(log, '\n');
		char *line = nl ? nl + 1 : log;
		if (!nl || strncmp(line, "processed ", 10) != 0)
			return line;
		*nl = 0;
	}
}

/* The program's fd. On a refusal, load again with the verifier's log. */
static int prog_load(const struct cg_dev_prog *p, struct derr *e)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)p->insn;
	a.insn_cnt = (uint32_t)p->n;
	a.license = (uintptr_t) "GPL"; /* no helper is called: any license does */
	int fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int err = errno;
	cleanup_free char *log = xcalloc(1, VERIFIER_LOG);
	a.log_level = 1;
	a.log_buf = (uintptr_t)log;
	a.log_size = VERIFIER_LOG;
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	const char *why = verifier_reason(log);
	derr_set(e, 0, "linux.resources.devices: load eBPF program: %s%s%s%s", strerror(err),
	         *why ? " (verifier: " : "", why, *why ? ")" : "");
	e->errnum = err;
	return -1;
}

/* Detach the programs in ids[] (those attached before ours). */
static int detach_old(int cgfd, const uint32_t *ids, uint32_t n, struct derr *e)
{
	for (uint32_t i = 0; i < n; i++) {
		union bpf_attr a;
		memset(&a, 0, sizeof a);
		a.prog_id = ids[i];
		cleanup_fd int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return derr_sys(e, "get eBPF program %u", ids[i]);
		memset(&a, 0, sizeof a);
		a.target_fd = (uint32_t)cgfd;
		a.attach_bpf_fd = (uint32_t)fd;
		a.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
			return derr_sys(e, "detach eBPF program %u", ids[i]);
	}
	return 0;
}

/* Attach progfd next to what is there (BPF_F_ALLOW_MULTI: every program
 * must allow, so during the swap access is narrower, never wider), then
 * detach the programs that were there: `update` replaces the rules. */
static int prog_attach(int cgfd, int progfd, struct derr *e)
{
	uint32_t ids[MAX_ATTACHED];
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.query.target_fd = (uint32_t)cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = MAX_ATTACHED;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return derr_sys(e, "query eBPF programs");
	uint32_t n_old = a.query.prog_cnt;
	memset(&a, 0, sizeof a);
	a.target_fd = (uint32_t)cgfd;
	a.attach_bpf_fd = (uint32_t)progfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return derr_sys(e, "attach eBPF program");
	return detach_old(cgfd, ids, n_old, e);
}

int cg_dev_apply(const struct cg *cg, const struct oci_device_cgroup *rules, size_t n, struct derr *e)
{
	struct cg_dev_prog p;
	if (cg_dev_compile(rules, n, &p, e) < 0)
		return -1;
	cleanup_fd int progfd = prog_load(&p, e);
	cg_dev_free(&p);
	if (progfd < 0)
		return -1;
	/* bpf(2) wants a real fd of the directory, not the O_PATH one */
	cleanup_fd int cgfd = openat(cg->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return derr_sys(e, "cgroup \"%s\": open", cg->rel);
	if (prog_attach(cgfd, progfd, e) < 0)
		return derr_wrap(e, "cgroup \"%s\": linux.resources.devices", cg->rel);
	return 0;
}
