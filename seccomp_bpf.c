/* seccomp_bpf.c: compiles linux.seccomp (struct oci_seccomp) into a classic
 * BPF program by hand, without libseccomp, and loads it (seccomp_sim.c reads
 * programs back: simulator and listing).
 * Owns the SCMP_* name tables; the syscall tables are generated
 * (syscalls_x86.c). Does not own parsing (config loader) or no_new_privs.
 *
 * Layout (x86_64 is always compiled, i386 and x32 when listed):
 *
 *	ld  arch
 *	jeq AUDIT_ARCH_X86_64 -> A64
 *	jeq AUDIT_ARCH_I386   -> A32          (SCMP_ARCH_X86 listed)
 *	ret KILL_PROCESS                      (foreign arch)
 * A64:	ld  nr
 *	jge 0x40000000 -> x32 tree            (SCMP_ARCH_X32 listed)
 *	              or jeq -1 ? x86_64 tree : KILL_PROCESS
 *	x86_64 tree
 * A32:	ld  nr; i386 tree
 *
 * x32 shares AUDIT_ARCH_X86_64 and sets bit 30 in nr. Unlisted, it is
 * treated as a foreign arch (libseccomp does the same), so an x32 number can
 * never slip past a deny rule of an allow-by-default profile. nr -1 (what
 * syscall(-1) and a tracer's skip look like) stays on the native path.
 *
 * A tree is a balanced binary search (JGE on interval starts, JEQ for a lone
 * number) over intervals of syscall numbers: a run of numbers with one plain
 * action (gaps get the default action), or one number whose rules compare
 * arguments. Such a number's rules are tried in config order, first match
 * wins, else the default action; the args of a rule are ANDed. A 64-bit arg
 * is compared as hi word then lo word; 32-bit ABIs (i386, x32) compare the
 * lo word only, with the value truncated, as libseccomp does. A rule without
 * args makes the whole syscall's action (the first such rule wins), and rules
 * whose action equals the default action are dropped, as in runc and crun.
 *
 * The program is built backwards, last instruction first, so every jump
 * target already has an address when the jump is written: no labels. A
 * target is an emitted instruction or a return value; returns are emitted on
 * demand and shared while within reach of the 8-bit jt/jf, and a far
 * instruction gets a JA trampoline (32-bit offset). */
#include "seccomp_bpf.h"
#include "syscalls_x86.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static const char *const action_names[BPF_ACT_COUNT] = {
    [BPF_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [BPF_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [BPF_ACT_TRAP] = "SCMP_ACT_TRAP",
    [BPF_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [BPF_ACT_TRACE] = "SCMP_ACT_TRACE",
    [BPF_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [BPF_ACT_LOG] = "SCMP_ACT_LOG",
    [BPF_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[BPF_OP_COUNT] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

static const char *const arch_names[BPF_ARCH_COUNT] = {
    "SCMP_ARCH_X86_64",      "SCMP_ARCH_X86",     "SCMP_ARCH_X32",       "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
    "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",     "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",       "SCMP_ARCH_RISCV64",
};

static const struct {
	const char *name;
	long value;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", 1L << 0},
    {"SECCOMP_FILTER_FLAG_LOG", 1L << 1},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1L << 2},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1L << 5},
};

static int lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int bpf_action_from_name(const char *name)
{
	if (strcmp(name, "SCMP_ACT_KILL") == 0)
		return BPF_ACT_KILL_THREAD;
	return lookup(action_names, BPF_ACT_COUNT, name);
}

int bpf_op_from_name(const char *name)
{
	return lookup(op_names, BPF_OP_COUNT, name);
}

int bpf_arch_from_name(const char *name)
{
	return lookup(arch_names, BPF_ARCH_COUNT, name);
}

long bpf_flag_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (strcmp(flag_names[i].name, name) == 0)
			return flag_names[i].value;
	return -1;
}

const char *bpf_action_name(int a)
{
	return a >= 0 && a < BPF_ACT_COUNT ? action_names[a] : NULL;
}

const char *bpf_op_name(int op)
{
	return op >= 0 && op < BPF_OP_COUNT ? op_names[op] : NULL;
}

const char *bpf_arch_name(int arch)
{
	return arch >= 0 && arch < BPF_ARCH_COUNT ? arch_names[arch] : NULL;
}

/* ---- syscall tables ---- */

static const struct bpf_systab *systab(int arch)
{
	switch (arch) {
	case BPF_ARCH_X86_64:
		return &bpf_systab_x86_64;
	case BPF_ARCH_X86:
		return &bpf_systab_i386;
	case BPF_ARCH_X32:
		return &bpf_systab_x32;
	default:
		return NULL;
	}
}

int bpf_syscall_nr(int arch, const char *name)
{
	const struct bpf_systab *t = systab(arch);
	size_t lo = 0, hi = t ? t->n : 0;

	while (name && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, t->ents[mid].name);
		if (c == 0)
			return (int)t->ents[mid].nr;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* ---- actions and validation ---- */

static const uint32_t action_rets[BPF_ACT_COUNT] = {
    [BPF_ACT_KILL_THREAD] = SECCOMP_RET_KILL_THREAD,
    [BPF_ACT_KILL_PROCESS] = SECCOMP_RET_KILL_PROCESS,
    [BPF_ACT_TRAP] = SECCOMP_RET_TRAP,
    [BPF_ACT_ERRNO] = SECCOMP_RET_ERRNO,
    [BPF_ACT_TRACE] = SECCOMP_RET_TRACE,
    [BPF_ACT_ALLOW] = SECCOMP_RET_ALLOW,
    [BPF_ACT_LOG] = SECCOMP_RET_LOG,
    [BPF_ACT_NOTIFY] = SECCOMP_RET_USER_NOTIF,
};

/* ERRNO carries errnoRet (EPERM when absent), TRACE carries errnoRet (0
 * when absent) as the ptrace message; the others carry nothing. */
static uint32_t action_ret(int action, bool has_errno, uint32_t errno_ret)
{
	uint32_t data = has_errno ? errno_ret : action == BPF_ACT_ERRNO ? EPERM : 0;
	return action_rets[action] | (data & SECCOMP_RET_DATA);
}

static int check_action(const char *path, int action, bool has_errno, uint32_t errno_ret, struct derr *e)
{
	if (action < 0 || action >= BPF_ACT_COUNT)
		return derr_set(e, 0, "seccomp: %s: unknown action %d", path, action);
	if (has_errno && action != BPF_ACT_ERRNO && action != BPF_ACT_TRACE)
		return derr_set(
		    e, 0, "seccomp: %s: errno value given for %s; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one",
		    path, action_names[action]);
	if (has_errno && errno_ret > SECCOMP_RET_DATA)
		return derr_set(e, 0, "seccomp: %s: errno value %u: must be at most %u", path, errno_ret,
		                SECCOMP_RET_DATA);
	return 0;
}

static int check_rule(const struct oci_seccomp_rule *r, size_t i, struct derr *e)
{
	char path[64];

	snprintf(path, sizeof path, "linux.seccomp.syscalls[%zu]", i);
	if (check_action(path, r->action, r->has_errno_ret, r->errno_ret, e) < 0)
		return -1;
	for (size_t k = 0; k < r->n_args; k++) {
		if (r->args[k].index > 5)
			return derr_set(e, 0, "seccomp: %s.args[%zu].index: must be 0..5, got %u", path, k,
			                r->args[k].index);
		if (r->args[k].op < 0 || r->args[k].op >= BPF_OP_COUNT)
			return derr_set(e, 0, "seccomp: %s.args[%zu].op: unknown operator %d", path, k, r->args[k].op);
	}
	return 0;
}

static int check_config(const struct oci_seccomp *sc, struct derr *e)
{
	if (check_action("linux.seccomp.defaultAction", sc->default_action, sc->has_default_errno_ret,
	                 sc->default_errno_ret, e) < 0)
		return -1;
	for (size_t i = 0; i < sc->n_archs; i++)
		if (sc->archs[i] < 0 || sc->archs[i] >= BPF_ARCH_COUNT)
			return derr_set(e, 0, "seccomp: linux.seccomp.architectures[%zu]: unknown architecture %d", i,
			                sc->archs[i]);
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (check_rule(&sc->syscalls[i], i, e) < 0)
			return -1;
	return 0;
}

/* ---- the backwards builder ---- */

#define X32_BIT   0x40000000u
#define RET_CACHE 32

/* A jump target: a return value, or an emitted instruction by rank. */
struct tgt {
	bool ret;
	uint32_t v;
};

/* Instructions are numbered by rank, 0 being the last of the program. */
struct bld {
	struct sock_filter *ins; /* BPF_MAXINSNS slots, filled from the end */
	size_t n;                /* emitted; beyond the capacity only counted */
	struct {
		uint32_t ret;
		size_t rank;
	} rets[RET_CACHE]; /* the nearest return of each value */
	size_t n_rets;
};

static struct tgt ret_t(uint32_t v)
{
	return (struct tgt){true, v};
}

static struct tgt at_t(size_t rank)
{
	return (struct tgt){false, (uint32_t)rank};
}

/* Emit one instruction before everything emitted so far; its rank. */
static size_t put(struct bld *b, uint16_t code, uint32_t k, size_t jt, size_t jf)
{
	if (b->n < BPF_MAXINSNS)
		b->ins[BPF_MAXINSNS - 1 - b->n] = (struct sock_filter){code, (uint8_t)jt, (uint8_t)jf, k};
	return b->n++;
}

static size_t put_ret(struct bld *b, uint32_t v)
{
	size_t r = put(b, BPF_RET | BPF_K, v, 0, 0);

	for (size_t i = 0; i < b->n_rets; i++)
		if (b->rets[i].ret == v) {
			b->rets[i].rank = r;
			return r;
		}
	if (b->n_rets < RET_CACHE) {
		b->rets[b->n_rets].ret = v;
		b->rets[b->n_rets++].rank = r;
	}
	return r;
}

/* The rank of an instruction that leads to t and that a jump emitted next
 * (after at most `slack` more instructions) reaches with a jt/jf <= 255. */
static size_t reach(struct bld *b, struct tgt t, size_t slack)
{
	if (!t.ret) {
		if (b->n - t.v - 1 + slack <= 255)
			return t.v;
		return put(b, BPF_JMP | BPF_JA, (uint32_t)(b->n - t.v - 1), 0, 0);
	}
	for (size_t i = 0; i < b->n_rets; i++)
		if (b->rets[i].ret == t.v && b->n - b->rets[i].rank - 1 + slack <= 255)
			return b->rets[i].rank;
	return put_ret(b, t.v);
}

/* A conditional jump "if (A op k) t else f". Resolving t may add one
 * instruction after f is resolved, hence f's slack of 1. */
static struct tgt jmp(struct bld *b, uint16_t op, uint32_t k, struct tgt t, struct tgt f)
{
	size_t rf = reach(b, f, 1);
	size_t rt = reach(b, t, 0);

	return at_t(put(b, BPF_JMP | op | BPF_K, k, b->n - rt - 1, b->n - rf - 1));
}

/* Non-jumps fall through to the instruction emitted just before them. */
static struct tgt ld(struct bld *b, uint32_t off)
{
	return at_t(put(b, BPF_LD | BPF_W | BPF_ABS, off, 0, 0));
}

static struct tgt and (struct bld * b, uint32_t mask)
{
	return at_t(put(b, BPF_ALU | BPF_AND | BPF_K, mask, 0, 0));
}

/* Make the instruction emitted next fall through to t. */
static void fall_to(struct bld *b, struct tgt t)
{
	if (t.ret)
		put_ret(b, t.v);
	else if (t.v + 1 != b->n)
		put(b, BPF_JMP | BPF_JA, (uint32_t)(b->n - t.v - 1), 0, 0);
}

/* ---- argument comparisons ---- */

/* NE, LT and LE are EQ, GE and GT with the outcomes swapped. */
static const struct {
	int base;
	bool swap;
} op_norm[BPF_OP_COUNT] = {
    [BPF_OP_NE] = {BPF_OP_EQ, true},
    [BPF_OP_LT] = {BPF_OP_GE, true},
    [BPF_OP_LE] = {BPF_OP_GT, true},
    [BPF_OP_EQ] = {BPF_OP_EQ, false},
    [BPF_OP_GE] = {BPF_OP_GE, false},
    [BPF_OP_GT] = {BPF_OP_GT, false},
    [BPF_OP_MASKED_EQ] = {BPF_OP_MASKED_EQ, false},
};

/* One OCI arg condition: go to s when it holds, else to f. Unsigned 64-bit
 * compare: the hi words decide unless equal, then the lo words decide. For
 * MASKED_EQ, (arg & value) == (valueTwo & value) word by word: libseccomp
 * masks the datum too. wide is false on 32-bit ABIs: lo word only. */
static struct tgt emit_cmp(struct bld *b, const struct oci_seccomp_arg *a, bool wide, struct tgt s, struct tgt f)
{
	int op = op_norm[a->op].base;
	struct tgt yes = op_norm[a->op].swap ? f : s, no = op_norm[a->op].swap ? s : f, lo;
	uint64_t m = a->value, v = op == BPF_OP_MASKED_EQ ? a->value_two & m : a->value;
	uint16_t jop = op == BPF_OP_GT ? BPF_JGT : op == BPF_OP_GE ? BPF_JGE : BPF_JEQ;
	uint32_t off = (uint32_t)OFF_ARG_LO(a->index);

	jmp(b, jop, (uint32_t)v, yes, no);
	if (op == BPF_OP_MASKED_EQ)
		and(b, (uint32_t)m);
	lo = ld(b, off);
	if (!wide)
		return lo;
	if (op == BPF_OP_GT || op == BPF_OP_GE) {
		struct tgt eq = jmp(b, BPF_JEQ, (uint32_t)(v >> 32), lo, no);
		jmp(b, BPF_JGT, (uint32_t)(v >> 32), yes, eq);
	} else {
		jmp(b, BPF_JEQ, (uint32_t)(v >> 32), lo, no);
		if (op == BPF_OP_MASKED_EQ)
			and(b, (uint32_t)(m >> 32));
	}
	return ld(b, off + 4);
}

/* ---- per-ABI dispatch ---- */

struct ent { /* one (syscall number, rule index) pair of one ABI */
	uint32_t nr;
	uint32_t rule;
};

struct ival { /* numbers from start up to the next interval's start */
	uint32_t start;
	bool args;           /* one number whose rules compare arguments */
	uint32_t ret;        /* else: the return value of all of them */
	size_t first, count; /* args: its pairs in cc.ents */
};

struct cc {
	const struct oci_seccomp *sc;
	struct bld b;
	bool want[BPF_ARCH_COUNT];
	uint32_t def_ret;
	uint32_t *rets; /* per rule */
	bool *skip;     /* per rule: action equals the default */
	size_t n_names; /* over all rules */
	/* the ABI being emitted */
	const struct ent *ents;
	const struct ival *iv;
	bool wide;
};

static int cmp_ent(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;

	if (a->nr != b->nr)
		return a->nr < b->nr ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* The (nr, rule) pairs of arch, sorted by nr then rule, no duplicates. */
static size_t collect(const struct cc *c, int arch, struct ent *ents)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < c->sc->n_syscalls; i++) {
		const struct oci_seccomp_rule *r = &c->sc->syscalls[i];
		for (size_t j = 0; j < r->n_names && !c->skip[i]; j++) {
			int nr = bpf_syscall_nr(arch, r->names[j]);
			if (nr >= 0)
				ents[n++] = (struct ent){(uint32_t)nr, (uint32_t)i};
		}
	}
	qsort(ents, n, sizeof *ents, cmp_ent);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || cmp_ent(&ents[k - 1], &ents[i]) != 0)
			ents[k++] = ents[i];
	return k;
}

static size_t add_ival(struct ival *iv, size_t k, struct ival x)
{
	if (k > 0 && !x.args && !iv[k - 1].args && iv[k - 1].ret == x.ret)
		return k; /* extends the previous run */
	iv[k] = x;
	return k + 1;
}

/* Cover [0, 2^32) with intervals; at most 2 * groups + 1 of them. */
static size_t make_ivals(const struct cc *c, const struct ent *ents, size_t n, struct ival *iv)
{
	size_t k = 0, j;
	uint64_t cur = 0;

	for (size_t i = 0; i < n; i = j) {
		struct ival x = {ents[i].nr, true, 0, i, 0};
		for (j = i; j < n && ents[j].nr == ents[i].nr; j++)
			if (x.args && c->sc->syscalls[ents[j].rule].n_args == 0)
				x = (struct ival){ents[i].nr, false, c->rets[ents[j].rule], 0, 0};
		x.count = j - i;
		if (ents[i].nr > cur)
			k = add_ival(iv, k, (struct ival){(uint32_t)cur, false, c->def_ret, 0, 0});
		k = add_ival(iv, k, x);
		cur = ents[i].nr + 1ull;
	}
	if (cur <= UINT32_MAX)
		k = add_ival(iv, k, (struct ival){(uint32_t)cur, false, c->def_ret, 0, 0});
	return k;
}

/* The rules of one number, in order: first match wins, else the default. */
static struct tgt ival_tgt(struct cc *c, const struct ival *x)
{
	struct tgt next = ret_t(c->def_ret);

	if (!x->args)
		return ret_t(x->ret);
	for (size_t i = x->first + x->count; i-- > x->first;) {
		const struct oci_seccomp_rule *r = &c->sc->syscalls[c->ents[i].rule];
		struct tgt t = ret_t(c->rets[c->ents[i].rule]);
		for (size_t k = r->n_args; k-- > 0;)
			t = emit_cmp(&c->b, &r->args[k], c->wide, t, next);
		next = t;
	}
	return next;
}

static bool same_ret(const struct ival *a, const struct ival *b)
{
	return !a->args && !b->args && a->ret == b->ret;
}

/* Binary search over intervals [lo, hi) with nr in A. */
static struct tgt emit_tree(struct cc *c, size_t lo, size_t hi)
{
	const struct ival *iv = c->iv;
	size_t mid = lo + (hi - lo) / 2;
	struct tgt l, r;

	if (hi - lo == 1)
		return ival_tgt(c, &iv[lo]);
	if (hi - lo == 3 && same_ret(&iv[lo], &iv[lo + 2]) && iv[lo + 1].start + 1 == iv[lo + 2].start) {
		r = ival_tgt(c, &iv[lo + 1]);
		return jmp(&c->b, BPF_JEQ, iv[lo + 1].start, r, ret_t(iv[lo].ret));
	}
	r = emit_tree(c, mid, hi);
	l = emit_tree(c, lo, mid);
	return jmp(&c->b, BPF_JGE, iv[mid].start, r, l);
}

static struct tgt emit_abi(struct cc *c, int arch)
{
	cleanup_free struct ent *ents = xcalloc(c->n_names + 1, sizeof *ents);
	cleanup_free struct ival *iv = xcalloc(2 * c->n_names + 2, sizeof *iv);
	size_t n = collect(c, arch, ents);
	size_t k = make_ivals(c, ents, n, iv);
	struct tgt t;

	c->ents = ents;
	c->iv = iv;
	c->wide = arch == BPF_ARCH_X86_64;
	t = emit_tree(c, 0, k);
	c->ents = NULL;
	c->iv = NULL;
	return t;
}

/* AUDIT_ARCH_X86_64: the x86_64 and x32 ABIs, told apart by bit 30 of nr. */
static struct tgt emit_x86_64(struct cc *c)
{
	struct tgt native = emit_abi(c, BPF_ARCH_X86_64), high;

	if (c->want[BPF_ARCH_X32])
		high = emit_abi(c, BPF_ARCH_X32);
	else
		high = jmp(&c->b, BPF_JEQ, UINT32_MAX, native, ret_t(SECCOMP_RET_KILL_PROCESS));
	jmp(&c->b, BPF_JGE, X32_BIT, high, native);
	return ld(&c->b, OFF_NR);
}

static void emit_program(struct cc *c)
{
	struct tgt next = ret_t(SECCOMP_RET_KILL_PROCESS);

	if (c->want[BPF_ARCH_X86]) {
		fall_to(&c->b, emit_abi(c, BPF_ARCH_X86));
		next = jmp(&c->b, BPF_JEQ, AUDIT_ARCH_I386, ld(&c->b, OFF_NR), next);
	}
	next = jmp(&c->b, BPF_JEQ, AUDIT_ARCH_X86_64, emit_x86_64(c), next);
	ld(&c->b, OFF_ARCH);
}

/* ---- compiling ---- */

static void pick_archs(const struct oci_seccomp *sc, bool want[BPF_ARCH_COUNT])
{
	want[BPF_ARCH_X86_64] = true; /* native, as libseccomp's context starts */
	for (size_t i = 0; i < sc->n_archs; i++) {
		int a = sc->archs[i];
		if (systab(a))
			want[a] = true;
		else
			log_debug("seccomp: %s: not an x86 ABI, no rules compiled for it", arch_names[a]);
	}
}

/* libseccomp's pseudo-syscalls (multiplexed calls it splits itself): real
 * profiles such as Docker's list them; like runc we skip them quietly. */
static bool pseudo_syscall(const char *name)
{
	static const char *const names[] = {"recv", "send", "socketcall", "ipc", "_sysctl"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void warn_unknown(const struct oci_seccomp *sc, const bool want[BPF_ARCH_COUNT])
{
	for (size_t i = 0; i < sc->n_syscalls; i++)
		for (size_t j = 0; j < sc->syscalls[i].n_names; j++) {
			const char *name = sc->syscalls[i].names[j];
			bool known = false, elsewhere = pseudo_syscall(name);
			for (int a = 0; a < BPF_ARCH_COUNT && !known; a++) {
				int nr = bpf_syscall_nr(a, name);
				known = want[a] && nr >= 0;
				elsewhere = elsewhere || nr >= 0;
			}
			/* a name of another ABI (chown32 on x86_64) is normal in real
			 * profiles: libseccomp knows it, so runc does not warn */
			if (!known && elsewhere)
				log_debug("seccomp: \"%s\" has no number on the compiled ABIs, skipped", name);
			else if (!known)
				log_warn("seccomp: unknown syscall \"%s\" in linux.seccomp.syscalls[%zu] skipped",
				         sc->syscalls[i].names[j], i);
		}
}

int bpf_compile(const struct oci_seccomp *sc, struct bpf_program *out, struct derr *e)
{
	struct cc c = {.sc = sc};
	cleanup_free struct sock_filter *ins = NULL;
	cleanup_free uint32_t *rets = NULL;
	cleanup_free bool *skip = NULL;

	*out = (struct bpf_program){NULL, 0};
	if (check_config(sc, e) < 0)
		return -1;
	pick_archs(sc, c.want);
	warn_unknown(sc, c.want);
	c.rets = rets = xcalloc(sc->n_syscalls + 1, sizeof *rets);
	c.skip = skip = xcalloc(sc->n_syscalls + 1, sizeof *skip);
	c.def_ret = action_ret(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret);
	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_rule *r = &sc->syscalls[i];
		rets[i] = action_ret(r->action, r->has_errno_ret, r->errno_ret);
		skip[i] = rets[i] == c.def_ret;
		c.n_names += r->n_names;
	}
	c.b.ins = ins = xcalloc(BPF_MAXINSNS, sizeof *ins);
	emit_program(&c);
	if (c.b.n > BPF_MAXINSNS)
		return derr_set(e, 0, "seccomp: the filter needs %zu instructions, more than the kernel's limit of %d",
		                c.b.n, BPF_MAXINSNS);
	out->insns = xmalloc(c.b.n * sizeof *ins);
	memcpy(out->insns, ins + BPF_MAXINSNS - c.b.n, c.b.n * sizeof *ins);
	out->len = c.b.n;
	return 0;
}

void bpf_program_free(struct bpf_program *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}

int bpf_cmd_compile(const struct oci_seccomp *sc, FILE *out, struct derr *e)
{
	struct bpf_program p;

	if (bpf_compile(sc, &p, e) < 0)
		return -1;
	bpf_dump(out, &p);
	fprintf(out, "# %zu instructions (limit %d)\n", p.len, BPF_MAXINSNS);
	bpf_program_free(&p);
	if (fflush(out) != 0 || ferror(out))
		return derr_sys(e, "seccomp: write the listing");
	return 0;
}

/* ---- loading ---- */

static bool uses_notify(const struct oci_seccomp *sc)
{
	if (sc->default_action == BPF_ACT_NOTIFY)
		return true;
	for (size_t i = 0; i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == BPF_ACT_NOTIFY)
			return true;
	return false;
}

static int install_error(int err, unsigned flags, struct derr *e)
{
	if (err == EINVAL) {
		derr_set(e, 0,
		         "seccomp: kernel refused the filter: %s (flags 0x%x); requires CONFIG_SECCOMP_FILTER "
		         "and a kernel that knows these flags",
		         strerror(err), flags);
		e->errnum = err;
		return -1;
	}
	if (err == EACCES)
		return derr_set(e, err, "seccomp: load the filter (needs no_new_privs or CAP_SYS_ADMIN)");
	if (err == ENOSYS)
		return derr_set(e, err, "seccomp: seccomp(2) with flags 0x%x", flags);
	return derr_set(e, err, "seccomp: load the filter (flags 0x%x)", flags);
}

int bpf_install(const struct oci_seccomp *sc, const struct bpf_program *p, int *notify_fd, struct derr *e)
{
	struct sock_fprog fp = {.len = (unsigned short)p->len, .filter = p->insns};
	unsigned flags = sc->flags;
	bool notify = uses_notify(sc);
	long r;

	*notify_fd = -1;
	if (p->len == 0 || p->len > BPF_MAXINSNS)
		return derr_set(e, EINVAL, "seccomp: a filter of %zu instructions: must be 1..%d", p->len,
		                BPF_MAXINSNS);
	if (notify)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
	if (r < 0 && errno == ENOSYS && flags == 0)
		r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0);
	if (r < 0)
		return install_error(errno, flags, e);
	if (notify)
		*notify_fd = (int)r;
	return 0;
}
