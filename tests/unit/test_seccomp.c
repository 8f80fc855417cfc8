/* test_seccomp.c: the seccomp compiler checked by running its programs in
 * bpf_simulate (no golden instruction lists), plus a few real loads in a
 * forked child when the kernel allows it. */
#include "seccomp_bpf.h"
#include "syscalls_x86.h"
#include "unit.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define X64      AUDIT_ARCH_X86_64
#define I386     AUDIT_ARCH_I386
#define X32_BIT  0x40000000u
#define ERRNO(n) (SECCOMP_RET_ERRNO | (n))
#define MAXR     1100

/* ---- building profiles ---- */

struct prof {
	struct oci_seccomp sc;
	struct oci_seccomp_rule rules[MAXR];
	struct oci_seccomp_arg args[MAXR][6];
	char *names[MAXR][2];
	int archs[4];
};

static struct prof *prof_new(int def)
{
	struct prof *p = calloc(1, sizeof *p);
	p->sc.present = true;
	p->sc.default_action = def;
	p->sc.syscalls = p->rules;
	p->sc.archs = p->archs;
	return p;
}

static struct oci_seccomp_rule *add(struct prof *p, const char *name, int action)
{
	size_t i = p->sc.n_syscalls++;
	struct oci_seccomp_rule *r = &p->rules[i];
	r->names = p->names[i];
	r->names[0] = (char *)name;
	r->n_names = 1;
	r->action = action;
	r->args = p->args[i];
	return r;
}

static struct oci_seccomp_rule *add_errno(struct prof *p, const char *name, uint32_t err)
{
	struct oci_seccomp_rule *r = add(p, name, BPF_ACT_ERRNO);
	r->has_errno_ret = true;
	r->errno_ret = err;
	return r;
}

static void arg(struct oci_seccomp_rule *r, unsigned idx, int op, uint64_t v, uint64_t v2)
{
	r->args[r->n_args++] = (struct oci_seccomp_arg){idx, v, v2, op};
}

static void arch(struct prof *p, int a)
{
	p->archs[p->sc.n_archs++] = a;
}

static struct bpf_program compile(struct prof *p)
{
	struct bpf_program prog = {0};
	struct derr e = {0};
	if (bpf_compile(&p->sc, &prog, &e) < 0) {
		fprintf(stderr, "  compile: %s\n", e.msg);
		unit_failed_checks++;
	}
	return prog;
}

static uint32_t run6(const struct bpf_program *prog, uint32_t a, uint32_t nr, const uint64_t args[6])
{
	struct seccomp_data d = {.nr = (int)nr, .arch = a, .instruction_pointer = 0x401000};
	if (args)
		memcpy(d.args, args, sizeof d.args);
	return bpf_simulate(prog, &d);
}

static uint32_t run(const struct bpf_program *prog, uint32_t a, uint32_t nr, uint64_t a0, uint64_t a1)
{
	uint64_t args[6] = {a0, a1, 0, 0, 0, 0};
	return run6(prog, a, nr, args);
}

static int nr64(const char *name)
{
	return bpf_syscall_nr(BPF_ARCH_X86_64, name);
}

/* ---- actions and errno ---- */

TEST(rule_actions)
{
	static const uint32_t want[BPF_ACT_COUNT] = {
	    [BPF_ACT_KILL_THREAD] = SECCOMP_RET_KILL_THREAD,
	    [BPF_ACT_KILL_PROCESS] = SECCOMP_RET_KILL_PROCESS,
	    [BPF_ACT_TRAP] = SECCOMP_RET_TRAP,
	    [BPF_ACT_ERRNO] = ERRNO(EPERM),
	    [BPF_ACT_TRACE] = SECCOMP_RET_TRACE,
	    [BPF_ACT_ALLOW] = SECCOMP_RET_ALLOW,
	    [BPF_ACT_LOG] = SECCOMP_RET_LOG,
	    [BPF_ACT_NOTIFY] = SECCOMP_RET_USER_NOTIF,
	};
	for (int act = 0; act < BPF_ACT_COUNT; act++) {
		int def = act == BPF_ACT_ALLOW ? BPF_ACT_LOG : BPF_ACT_ALLOW;
		struct prof *p = prof_new(def);
		add(p, "getpid", act);
		struct bpf_program prog = compile(p);
		CHECK_INT(run(&prog, X64, nr64("getpid"), 0, 0), want[act]);
		CHECK_INT(run(&prog, X64, nr64("getppid"), 0, 0), want[def]);
		bpf_program_free(&prog);
		free(p);

		p = prof_new(act); /* the default action alone */
		prog = compile(p);
		CHECK_INT(run(&prog, X64, 0, 0, 0), want[act]);
		CHECK_INT(run(&prog, X64, 450, 0, 0), want[act]);
		bpf_program_free(&prog);
		free(p);
	}
}

TEST(errno_values)
{
	struct prof *p = prof_new(BPF_ACT_ERRNO);
	p->sc.has_default_errno_ret = true;
	p->sc.default_errno_ret = ENOSYS;
	add_errno(p, "mkdir", EROFS);
	add(p, "rmdir", BPF_ACT_ERRNO); /* no errnoRet: EPERM, as runc and crun */
	struct oci_seccomp_rule *r = add(p, "ptrace", BPF_ACT_TRACE);
	r->has_errno_ret = true;
	r->errno_ret = 7;
	add(p, "getpid", BPF_ACT_TRACE);
	add(p, "read", BPF_ACT_ALLOW);
	struct bpf_program prog = compile(p);
	CHECK_INT(run(&prog, X64, nr64("mkdir"), 0, 0), ERRNO(EROFS));
	CHECK_INT(run(&prog, X64, nr64("rmdir"), 0, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, X64, nr64("ptrace"), 0, 0), SECCOMP_RET_TRACE | 7);
	CHECK_INT(run(&prog, X64, nr64("getpid"), 0, 0), SECCOMP_RET_TRACE);
	CHECK_INT(run(&prog, X64, nr64("read"), 0, 0), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, nr64("write"), 0, 0), ERRNO(ENOSYS));
	bpf_program_free(&prog);
	free(p);

	p = prof_new(BPF_ACT_ERRNO); /* defaultErrnoRet absent: EPERM */
	add(p, "read", BPF_ACT_ALLOW);
	prog = compile(p);
	CHECK_INT(run(&prog, X64, nr64("write"), 0, 0), ERRNO(EPERM));
	bpf_program_free(&prog);
	free(p);
}

TEST(invalid_configs)
{
	struct derr e = {0};
	struct bpf_program prog = {0};
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	struct oci_seccomp_rule *r = add(p, "mkdir", BPF_ACT_KILL_PROCESS);
	r->has_errno_ret = true;
	CHECK_INT(bpf_compile(&p->sc, &prog, &e), -1);
	CHECK_STR(e.msg, "seccomp: linux.seccomp.syscalls[0]: errno value given for SCMP_ACT_KILL_PROCESS; "
	                 "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
	CHECK(prog.insns == NULL && prog.len == 0);
	r->has_errno_ret = false;
	arg(r, 6, BPF_OP_EQ, 1, 0);
	CHECK_INT(bpf_compile(&p->sc, &prog, &e), -1);
	CHECK_STR(e.msg, "seccomp: linux.seccomp.syscalls[0].args[0].index: must be 0..5, got 6");
	r->args[0].index = 0;
	r->args[0].op = BPF_OP_COUNT;
	CHECK_INT(bpf_compile(&p->sc, &prog, &e), -1);
	CHECK_STR(e.msg, "seccomp: linux.seccomp.syscalls[0].args[0].op: unknown operator 7");
	p->sc.has_default_errno_ret = true;
	CHECK_INT(bpf_compile(&p->sc, &prog, &e), -1);
	CHECK_STR(e.msg, "seccomp: linux.seccomp.defaultAction: errno value given for SCMP_ACT_ALLOW; "
	                 "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
	free(p);
}

/* ---- argument comparisons ---- */

static const uint64_t vals[] = {
    0,
    1,
    0x7fffffff,
    0x80000000,
    0xfffffffe,
    0xffffffff,
    0x100000000,
    0x100000001,
    0x1ffffffff,
    0xffffffff00000000,
    0x8000000000000000,
    0xfffffffffffffffe,
    0xffffffffffffffff,
};

static bool ref(int op, uint64_t a, uint64_t v, uint64_t v2)
{
	switch (op) {
	case BPF_OP_NE:
		return a != v;
	case BPF_OP_LT:
		return a < v;
	case BPF_OP_LE:
		return a <= v;
	case BPF_OP_EQ:
		return a == v;
	case BPF_OP_GE:
		return a >= v;
	case BPF_OP_GT:
		return a > v;
	default:
		return (a & v) == (v2 & v); /* libseccomp masks the datum too */
	}
}

/* For every operator and value v (and valueTwo for MASKED_EQ), compile
 * "personality args[idx] op v -> ERRNO(1)" and run every arg value. On
 * i386 only the low words count (libseccomp's 32-bit semantics). */
static void cross(int op, int abi, uint32_t audit, int nr, const uint64_t *v2s, size_t n_v2)
{
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
		for (size_t j = 0; j < n_v2; j++) {
			unsigned idx = (unsigned)(i + j) % 6;
			struct prof *p = prof_new(BPF_ACT_ALLOW);
			if (abi != BPF_ARCH_X86_64)
				arch(p, abi);
			arg(add_errno(p, "personality", 1), idx, op, vals[i], v2s[j]);
			struct bpf_program prog = compile(p);
			for (size_t k = 0; k < ARRAY_SIZE(vals); k++) {
				uint64_t args[6] = {0}, a = vals[k], v = vals[i], w = v2s[j];
				args[idx] = a;
				if (abi != BPF_ARCH_X86_64) { /* the kernel zero-extends 32-bit args */
					args[idx] = a = (uint32_t)a;
					v = (uint32_t)v;
					w = (uint32_t)w;
				}
				uint32_t want = ref(op, a, v, w) ? ERRNO(1) : SECCOMP_RET_ALLOW;
				uint32_t got = run6(&prog, audit, (uint32_t)nr, args);
				if (got != want) {
					fprintf(stderr,
					        "  %s args[%u]=%#llx value=%#llx valueTwo=%#llx: %#x, want %#x\n",
					        bpf_op_name(op), idx, (unsigned long long)a,
					        (unsigned long long)vals[i], (unsigned long long)v2s[j], got, want);
					unit_failed_checks++;
				}
			}
			bpf_program_free(&prog);
			free(p);
		}
}

TEST(arg_operators_64bit)
{
	static const uint64_t none[] = {0};
	for (int op = 0; op < BPF_OP_COUNT; op++)
		if (op == BPF_OP_MASKED_EQ)
			cross(op, BPF_ARCH_X86_64, X64, nr64("personality"), vals, ARRAY_SIZE(vals));
		else
			cross(op, BPF_ARCH_X86_64, X64, nr64("personality"), none, 1);
}

TEST(arg_operators_i386)
{
	static const uint64_t none[] = {0};
	int nr = bpf_syscall_nr(BPF_ARCH_X86, "personality");
	for (int op = 0; op < BPF_OP_COUNT; op++)
		if (op == BPF_OP_MASKED_EQ)
			cross(op, BPF_ARCH_X86, I386, nr, vals, ARRAY_SIZE(vals));
		else
			cross(op, BPF_ARCH_X86, I386, nr, none, 1);
}

TEST(args_anded_rules_ored)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	struct oci_seccomp_rule *r = add_errno(p, "socket", 1);
	arg(r, 0, BPF_OP_EQ, 1, 0);
	arg(r, 1, BPF_OP_EQ, 2, 0);
	arg(add_errno(p, "socket", 2), 0, BPF_OP_EQ, 3, 0);
	r = add_errno(p, "socket", 3); /* same index twice: a range, ANDed */
	arg(r, 0, BPF_OP_GE, 10, 0);
	arg(r, 0, BPF_OP_LE, 20, 0);
	arg(add_errno(p, "socket", 4), 0, BPF_OP_GE, 15, 0); /* later: shadowed for 15..20 */
	struct bpf_program prog = compile(p);
	int nr = nr64("socket");
	CHECK_INT(run(&prog, X64, nr, 1, 2), ERRNO(1));
	CHECK_INT(run(&prog, X64, nr, 1, 3), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, nr, 2, 2), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, nr, 3, 9), ERRNO(2));
	CHECK_INT(run(&prog, X64, nr, 9, 0), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, nr, 10, 0), ERRNO(3));
	CHECK_INT(run(&prog, X64, nr, 20, 0), ERRNO(3));
	CHECK_INT(run(&prog, X64, nr, 21, 0), ERRNO(4));
	CHECK_INT(run(&prog, X64, nr, 0x100000010, 0), ERRNO(4));
	CHECK_INT(run(&prog, X64, nr64("connect"), 1, 2), SECCOMP_RET_ALLOW);
	bpf_program_free(&prog);

	add_errno(p, "socket", 5); /* no args: the whole syscall, whatever the order */
	prog = compile(p);
	CHECK_INT(run(&prog, X64, nr, 1, 2), ERRNO(5));
	CHECK_INT(run(&prog, X64, nr, 99, 0), ERRNO(5));
	bpf_program_free(&prog);
	free(p);
}

TEST(rule_equal_to_default_dropped)
{
	struct prof *p = prof_new(BPF_ACT_ERRNO);
	add(p, "mkdir", BPF_ACT_ERRNO); /* same as the default: dropped, as runc and crun do */
	arg(add(p, "mkdir", BPF_ACT_ALLOW), 1, BPF_OP_EQ, 0755, 0);
	struct bpf_program prog = compile(p);
	CHECK_INT(run(&prog, X64, nr64("mkdir"), 0, 0755), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, nr64("mkdir"), 0, 0700), ERRNO(EPERM));
	bpf_program_free(&prog);
	free(p);
}

TEST(personality_like_docker)
{
	struct prof *p = prof_new(BPF_ACT_ERRNO);
	add(p, "read", BPF_ACT_ALLOW);
	arg(add(p, "personality", BPF_ACT_ALLOW), 0, BPF_OP_EQ, 0, 0);
	arg(add(p, "personality", BPF_ACT_ALLOW), 0, BPF_OP_EQ, 8, 0);
	arg(add(p, "personality", BPF_ACT_ALLOW), 0, BPF_OP_EQ, 0xffffffff, 0);
	arch(p, BPF_ARCH_X86_64);
	arch(p, BPF_ARCH_X86);
	arch(p, BPF_ARCH_X32);
	struct bpf_program prog = compile(p);
	int nr = nr64("personality"), nr32 = bpf_syscall_nr(BPF_ARCH_X86, "personality");
	CHECK_INT(run(&prog, X64, nr, 0xffffffff, 0), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, nr, 8, 0), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, nr, 0xffffffffffffffff, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, X64, nr, 0x20000, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, I386, (uint32_t)nr32, 0xffffffff, 0), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, I386, (uint32_t)nr32, 0x20000, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, X64, X32_BIT | (uint32_t)nr, 8, 0), SECCOMP_RET_ALLOW);
	bpf_program_free(&prog);
	free(p);
}

/* ---- architectures ---- */

TEST(foreign_arch_killed)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	add(p, "mkdir", BPF_ACT_ERRNO);
	struct bpf_program prog = compile(p);
	CHECK_INT(run(&prog, AUDIT_ARCH_AARCH64, 83, 0, 0), SECCOMP_RET_KILL_PROCESS);
	CHECK_INT(run(&prog, I386, 39, 0, 0), SECCOMP_RET_KILL_PROCESS); /* x86 not listed */
	CHECK_INT(run(&prog, 0, 0, 0, 0), SECCOMP_RET_KILL_PROCESS);
	bpf_program_free(&prog);
	arch(p, BPF_ARCH_AARCH64); /* listed but not an x86 ABI: nothing runs here */
	prog = compile(p);
	CHECK_INT(run(&prog, AUDIT_ARCH_AARCH64, 83, 0, 0), SECCOMP_RET_KILL_PROCESS);
	CHECK_INT(run(&prog, X64, 83, 0, 0), ERRNO(EPERM));
	bpf_program_free(&prog);
	free(p);
}

TEST(x32_unlisted_never_passes_a_deny)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	add(p, "mkdir", BPF_ACT_ERRNO);
	arch(p, BPF_ARCH_X86_64);
	struct bpf_program prog = compile(p);
	CHECK_INT(run(&prog, X64, 83, 0, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, X64, X32_BIT | 83, 0, 0), SECCOMP_RET_KILL_PROCESS);
	CHECK_INT(run(&prog, X64, UINT32_MAX, 0, 0), SECCOMP_RET_ALLOW); /* nr -1: the default */
	for (uint32_t nr = X32_BIT; nr < X32_BIT + 1024; nr++)
		CHECK(run(&prog, X64, nr, 0, 0) == SECCOMP_RET_KILL_PROCESS);
	CHECK_INT(run(&prog, X64, 0x7fffffff, 0, 0), SECCOMP_RET_KILL_PROCESS);
	CHECK_INT(run(&prog, X64, 0x80000000, 0, 0), SECCOMP_RET_KILL_PROCESS);
	bpf_program_free(&prog);
	free(p);
}

TEST(x32_listed_has_its_own_table)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	add_errno(p, "mkdir", 13);
	add_errno(p, "rt_sigaction", 14);
	arch(p, BPF_ARCH_X32);
	struct bpf_program prog = compile(p);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X32, "mkdir"), X32_BIT | 83);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X32, "rt_sigaction"), X32_BIT | 512);
	CHECK_INT(run(&prog, X64, X32_BIT | 83, 0, 0), ERRNO(13));
	CHECK_INT(run(&prog, X64, X32_BIT | 512, 0, 0), ERRNO(14));
	CHECK_INT(run(&prog, X64, X32_BIT | 13, 0, 0), SECCOMP_RET_ALLOW); /* not rt_sigaction on x32 */
	CHECK_INT(run(&prog, X64, 13, 0, 0), ERRNO(14));                   /* x86_64 is always there */
	CHECK_INT(run(&prog, X64, 83, 0, 0), ERRNO(13));
	bpf_program_free(&prog);
	free(p);
}

TEST(i386_numbers)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	add(p, "mkdir", BPF_ACT_ERRNO);
	arch(p, BPF_ARCH_X86);
	struct bpf_program prog = compile(p);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X86, "mkdir"), 39);
	CHECK_INT(nr64("mkdir"), 83);
	CHECK_INT(run(&prog, I386, 39, 0, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, I386, 83, 0, 0), SECCOMP_RET_ALLOW); /* symlink on i386 */
	CHECK_INT(run(&prog, X64, 83, 0, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, X64, 39, 0, 0), SECCOMP_RET_ALLOW); /* getpid on x86_64 */
	bpf_program_free(&prog);
	free(p);
}

TEST(syscall_tables)
{
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X86_64, "read"), 0);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X86, "read"), 3);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X86_64, "_llseek"), -1);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X86, "_llseek"), 140);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_X86_64, "nosuchcall"), -1);
	CHECK_INT(bpf_syscall_nr(BPF_ARCH_AARCH64, "read"), -1);
	const struct bpf_systab *tabs[] = {&bpf_systab_x86_64, &bpf_systab_i386, &bpf_systab_x32};
	for (size_t t = 0; t < 3; t++) {
		CHECK(tabs[t]->n > 300);
		for (size_t i = 1; i < tabs[t]->n; i++)
			CHECK(strcmp(tabs[t]->ents[i - 1].name, tabs[t]->ents[i].name) < 0);
	}
}

TEST(unknown_name_skipped)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	struct oci_seccomp_rule *r = add(p, "nosuchcall", BPF_ACT_ERRNO);
	r->names[1] = "mkdir";
	r->n_names = 2;
	add(p, "alsonotacall", BPF_ACT_KILL_PROCESS);
	struct bpf_program prog = compile(p);
	CHECK_INT(run(&prog, X64, 83, 0, 0), ERRNO(EPERM));
	CHECK_INT(run(&prog, X64, 84, 0, 0), SECCOMP_RET_ALLOW);
	bpf_program_free(&prog);
	free(p);
}

/* ---- size and speed ---- */

/* All names of the x86_64 and i386 tables (~500 distinct), so the three
 * ABIs each get a few hundred rules. */
static size_t all_names(const char **out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < bpf_systab_x86_64.n && n < cap; i++)
		out[n++] = bpf_systab_x86_64.ents[i].name;
	for (size_t i = 0; i < bpf_systab_i386.n && n < cap; i++)
		if (bpf_syscall_nr(BPF_ARCH_X86_64, bpf_systab_i386.ents[i].name) < 0)
			out[n++] = bpf_systab_i386.ents[i].name;
	return n;
}

static void budget(struct prof *p, const char *what, size_t skip_every)
{
	static const struct {
		int abi;
		uint32_t audit, base;
	} abis[] = {{BPF_ARCH_X86_64, X64, 0}, {BPF_ARCH_X86, I386, 0}, {BPF_ARCH_X32, X64, X32_BIT}};
	struct bpf_program prog = compile(p);
	unsigned steps, max = 0;
	unsigned long total = 0, count = 0;
	CHECK(prog.len > 0 && prog.len < BPF_MAXINSNS);
	for (size_t a = 0; a < ARRAY_SIZE(abis); a++)
		for (uint32_t nr = abis[a].base; nr < abis[a].base + 600; nr++) {
			struct seccomp_data d = {.nr = (int)nr, .arch = abis[a].audit};
			uint32_t got = bpf_simulate_steps(&prog, &d, &steps);
			CHECK(got != BPF_SIM_INVALID);
			max = steps > max ? steps : max;
			total += steps;
			count++;
		}
	CHECK(max <= 20);
	printf("# %s: %zu rules, %zu instructions, max %u / avg %.1f instructions executed\n", what, p->sc.n_syscalls,
	       prog.len, max, (double)total / count);
	(void)skip_every;
	bpf_program_free(&prog);
}

TEST(budget_allow_list)
{
	static const char *names[MAXR];
	size_t n = all_names(names, MAXR);
	struct prof *p = prof_new(BPF_ACT_ERRNO);
	arch(p, BPF_ARCH_X86_64);
	arch(p, BPF_ARCH_X86);
	arch(p, BPF_ARCH_X32);
	/* every other name: the allowed numbers are not one long run */
	for (size_t i = 0; i < n; i += 2)
		add(p, names[i], BPF_ACT_ALLOW);
	CHECK(p->sc.n_syscalls >= 220);
	struct bpf_program prog = compile(p);
	for (size_t i = 0; i < n; i++) {
		int nr = nr64(names[i]), nr32 = bpf_syscall_nr(BPF_ARCH_X86, names[i]);
		uint32_t want = i % 2 == 0 ? SECCOMP_RET_ALLOW : ERRNO(EPERM);
		if (nr >= 0)
			CHECK_INT(run(&prog, X64, (uint32_t)nr, 0, 0), want);
		if (nr32 >= 0)
			CHECK_INT(run(&prog, I386, (uint32_t)nr32, 0, 0), want);
	}
	bpf_program_free(&prog);
	budget(p, "allow list, every other syscall", 2);
	for (size_t i = 1; i < n; i += 2)
		add(p, names[i], BPF_ACT_ALLOW);
	CHECK(p->sc.n_syscalls >= 400);
	budget(p, "allow list, all syscalls", 1);
	free(p);
}

TEST(budget_with_args)
{
	static const char *names[MAXR];
	size_t n = all_names(names, MAXR);
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	arch(p, BPF_ARCH_X86);
	arch(p, BPF_ARCH_X32);
	for (size_t i = 0; i < n && i < 420; i++) {
		struct oci_seccomp_rule *r = add_errno(p, names[i], (uint32_t)(1 + i % 3));
		if (i % 7 == 0)
			arg(r, i % 6, (int)(i % BPF_OP_COUNT), 0x100000000ull * (i % 3) + i, 0xff);
	}
	budget(p, "deny list of 420, every 7th with an arg", 1);
	free(p);
}

TEST(far_jumps)
{
	/* 300 arg rules on one syscall: jumps to the default and to later rules
	 * are far apart, so returns are duplicated and JA trampolines used. */
	struct prof *p = prof_new(BPF_ACT_ERRNO);
	add(p, "read", BPF_ACT_ALLOW);
	for (uint32_t i = 0; i < 300; i++)
		arg(add(p, "ioctl", i % 2 ? BPF_ACT_ALLOW : BPF_ACT_LOG), 1, BPF_OP_EQ, 0x100000000ull * i + i, 0);
	add(p, "write", BPF_ACT_ALLOW);
	struct bpf_program prog = compile(p);
	CHECK(prog.len > 1200);
	for (uint32_t i = 0; i < 300; i++) {
		CHECK(run(&prog, X64, 16, 0, 0x100000000ull * i + i) == (i % 2 ? SECCOMP_RET_ALLOW : SECCOMP_RET_LOG));
		CHECK(run(&prog, X64, 16, 0, i) == (i == 0 ? SECCOMP_RET_LOG : ERRNO(EPERM)));
	}
	CHECK_INT(run(&prog, X64, 0, 0, 0), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, 1, 0, 0), SECCOMP_RET_ALLOW);
	CHECK_INT(run(&prog, X64, 2, 0, 0), ERRNO(EPERM));
	bpf_program_free(&prog);
	free(p);
}

TEST(too_big)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	struct derr e = {0};
	struct bpf_program prog = {0};
	for (uint32_t i = 0; i < 400; i++) {
		struct oci_seccomp_rule *r = add_errno(p, bpf_systab_x86_64.ents[i % 300].name, 1 + i % 50);
		for (unsigned k = 0; k < 3; k++)
			arg(r, k, BPF_OP_GT, 0x100000000ull * i, 0);
	}
	CHECK_INT(bpf_compile(&p->sc, &prog, &e), -1);
	CHECK(strstr(e.msg, "more than the kernel's limit of 4096") != NULL);
	CHECK(strncmp(e.msg, "seccomp: the filter needs ", 26) == 0);
	CHECK(prog.insns == NULL);
	free(p);
}

/* The Docker default profile (tests/fixtures/docker-seccomp.json, the OCI
 * form dockerd passes on amd64 with default capabilities) through the real
 * config loader. Skipped when not run from the repository root. */
TEST(docker_profile)
{
	static const char head[] = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "
	                           "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"]}, \"linux\": {\"seccomp\": ";
	char *prof = NULL, *text;
	size_t len;
	struct derr e = {0};
	struct oci_config cfg = {0};
	struct bpf_program prog = {0};
	unsigned steps, max = 0;

	if (read_file("tests/fixtures/docker-seccomp.json", 1 << 20, &prof, &len, &e) < 0) {
		printf("# docker_profile skipped: %s\n", e.msg);
		return;
	}
	text = xasprintf("%s%s}}", head, prof);
	free(prof);
	if (config_parse("config.json", text, strlen(text), &cfg, &e) < 0) {
		fprintf(stderr, "  %s\n", e.msg);
		unit_failed_checks++;
		free(text);
		return;
	}
	free(text);
	CHECK_INT(bpf_compile(&cfg.linux.seccomp, &prog, &e), 0);
	static const struct {
		const char *name;
		uint64_t a0;
		uint32_t want;
	} cases[] = {
	    {"read", 0, SECCOMP_RET_ALLOW},
	    {"write", 1, SECCOMP_RET_ALLOW},
	    {"execve", 0, SECCOMP_RET_ALLOW},
	    {"getdents64", 3, SECCOMP_RET_ALLOW},
	    {"mkdir", 0, SECCOMP_RET_ALLOW},
	    {"mount", 0, ERRNO(EPERM)},
	    {"clone", 0x11, SECCOMP_RET_ALLOW},
	    {"clone", 0x10000000 /* CLONE_NEWUSER */, ERRNO(EPERM)},
	    {"clone3", 0, ERRNO(ENOSYS)},
	    {"socket", 2, SECCOMP_RET_ALLOW},
	    {"socket", 40, ERRNO(EPERM)},
	    {"personality", 0xffffffff, SECCOMP_RET_ALLOW},
	    {"personality", 0x0040000, ERRNO(EPERM)},
	    {"reboot", 0, ERRNO(EPERM)},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct seccomp_data d = {.nr = nr64(cases[i].name), .arch = X64, .args = {cases[i].a0}};
		uint32_t got = bpf_simulate_steps(&prog, &d, &steps);
		if (got != cases[i].want) {
			fprintf(stderr, "  docker profile %s(%#llx): %#x, want %#x\n", cases[i].name,
			        (unsigned long long)cases[i].a0, got, cases[i].want);
			unit_failed_checks++;
		}
		d.nr = bpf_syscall_nr(BPF_ARCH_X32, cases[i].name);
		if (d.nr >= 0)
			CHECK_INT(bpf_simulate(&prog, &d), cases[i].want);
	}
	for (uint32_t nr = 0; nr < 600; nr++) {
		struct seccomp_data d = {.nr = (int)nr, .arch = X64};
		bpf_simulate_steps(&prog, &d, &steps);
		max = steps > max ? steps : max;
	}
	CHECK(max <= 20);
	printf("# docker profile: %zu instructions, max %u executed on x86_64\n", prog.len, max);
	bpf_program_free(&prog);
	config_free(&cfg);
}

/* ---- tools ---- */

TEST(simulator_rejects_bad_programs)
{
	struct sock_filter off_end[] = {BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), BPF_STMT(BPF_RET | BPF_K, 1)};
	struct sock_filter bad_load[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_A, 0)};
	struct sock_filter ok[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4), BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
	                           BPF_STMT(BPF_RET | BPF_A, 0)};
	struct seccomp_data d = {.nr = 0, .arch = 0x1234};
	struct bpf_program p1 = {off_end, 2}, p2 = {bad_load, 2}, p3 = {ok, 3};
	unsigned steps;
	CHECK_INT(bpf_simulate(&p1, &d), BPF_SIM_INVALID);
	CHECK_INT(bpf_simulate(&p2, &d), BPF_SIM_INVALID);
	CHECK_INT(bpf_simulate_steps(&p3, &d, &steps), 0x34);
	CHECK_INT(steps, 3);
}

TEST(dump_and_cmd)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	arg(add_errno(p, "mkdir", 30), 1, BPF_OP_MASKED_EQ, 0700, 0700);
	struct bpf_program prog = compile(p);
	char *buf = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&buf, &len);
	bpf_dump(f, &prog);
	fclose(f);
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	CHECK_INT(lines, prog.len);
	CHECK(strstr(buf, "0000: ld   [4]  ; arch\n") != NULL);
	CHECK(strstr(buf, "ret  KILL_PROCESS") && strstr(buf, "ret  ERRNO(30)") && strstr(buf, "; args[1].hi"));
	free(buf);

	struct derr e = {0};
	f = open_memstream(&buf, &len);
	CHECK_INT(bpf_cmd_compile(&p->sc, f, &e), 0);
	fclose(f);
	CHECK(strstr(buf, "instructions (limit 4096)\n") != NULL);
	free(buf);
	bpf_program_free(&prog);
	free(p);
}

/* ---- the real kernel, in a forked child ---- */

/* Run fn in a child; its exit status or 128+signal. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int load(struct prof *p, int *fd)
{
	struct bpf_program prog = compile(p);
	struct derr e = {0};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return 90;
	if (bpf_install(&p->sc, &prog, fd, &e) < 0) {
		fprintf(stderr, "  %s\n", e.msg);
		return e.errnum == EINVAL ? 91 : 92;
	}
	return 0;
}

static int child_mkdir_denied(void)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	int fd, r;
	add_errno(p, "mkdir", EROFS);
	add_errno(p, "mkdirat", EROFS);
	if ((r = load(p, &fd)) != 0)
		return r;
	if (fd != -1)
		return 3;
	errno = 0;
	r = mkdir("/tmp/droplet-seccomp-test-never", 0700);
	return r == -1 && errno == EROFS ? 0 : 4;
}

static int child_x32_killed(void)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	int fd, r;
	add(p, "mkdir", BPF_ACT_ERRNO);
	if ((r = load(p, &fd)) != 0)
		return r;
	syscall(X32_BIT | 83, "/tmp/droplet-seccomp-test-never", 0700);
	return 5; /* should not get here */
}

static int child_notify_fd(void)
{
	struct prof *p = prof_new(BPF_ACT_ALLOW);
	int fd, r;
	add(p, "mknodat", BPF_ACT_NOTIFY);
	if ((r = load(p, &fd)) != 0)
		return r;
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0 ? 0 : 6;
}

TEST(kernel_load)
{
	int r = in_child(child_mkdir_denied);
	if (r == 90 || r == 91 || r == 92) {
		printf("# kernel_load skipped: seccomp filters not available here (%d)\n", r);
		return;
	}
	CHECK_INT(r, 0);
	CHECK_INT(in_child(child_x32_killed), 128 + SIGSYS);
	CHECK_INT(in_child(child_notify_fd), 0);
}

int main(void)
{
	RUN(rule_actions);
	RUN(errno_values);
	RUN(invalid_configs);
	RUN(arg_operators_64bit);
	RUN(arg_operators_i386);
	RUN(args_anded_rules_ored);
	RUN(rule_equal_to_default_dropped);
	RUN(personality_like_docker);
	RUN(foreign_arch_killed);
	RUN(x32_unlisted_never_passes_a_deny);
	RUN(x32_listed_has_its_own_table);
	RUN(i386_numbers);
	RUN(syscall_tables);
	RUN(unknown_name_skipped);
	RUN(budget_allow_list);
	RUN(budget_with_args);
	RUN(far_jumps);
	RUN(docker_profile);
	RUN(too_big);
	RUN(simulator_rejects_bad_programs);
	RUN(dump_and_cmd);
	RUN(kernel_load);
	UNIT_DONE();
}
