/* seccomp_sim.c: reading a compiled seccomp program back: a small classic
 * BPF interpreter (the unit tests' oracle, and instruction counts) and the
 * readable listing that `droplet seccomp-compile` prints. */
#include "seccomp_bpf.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

/* ---- the simulator ---- */

static bool sim_ld(const struct sock_filter *f, const struct seccomp_data *d, const uint32_t *mem, uint32_t *v)
{
	switch (BPF_MODE(f->code)) {
	case BPF_ABS:
		if (BPF_CLASS(f->code) != BPF_LD || BPF_SIZE(f->code) != BPF_W || f->k % 4 || f->k > sizeof *d - 4)
			return false;
		memcpy(v, (const char *)d + f->k, 4);
		return true;
	case BPF_IMM:
		*v = f->k;
		return true;
	case BPF_LEN:
		*v = sizeof *d;
		return true;
	case BPF_MEM:
		if (f->k >= BPF_MEMWORDS)
			return false;
		*v = mem[f->k];
		return true;
	default:
		return false;
	}
}

static bool sim_alu(uint16_t op, uint32_t *a, uint32_t x)
{
	switch (op) {
	case BPF_ADD:
		*a += x;
		return true;
	case BPF_SUB:
		*a -= x;
		return true;
	case BPF_MUL:
		*a *= x;
		return true;
	case BPF_DIV:
		if (!x)
			return false;
		*a /= x;
		return true;
	case BPF_MOD:
		if (!x)
			return false;
		*a %= x;
		return true;
	case BPF_OR:
		*a |= x;
		return true;
	case BPF_AND:
		*a &= x;
		return true;
	case BPF_XOR:
		*a ^= x;
		return true;
	case BPF_LSH:
		if (x >= 32)
			return false;
		*a <<= x;
		return true;
	case BPF_RSH:
		if (x >= 32)
			return false;
		*a >>= x;
		return true;
	case BPF_NEG:
		*a = -*a;
		return true;
	default:
		return false;
	}
}

static bool sim_cond(uint16_t op, uint32_t a, uint32_t x)
{
	switch (op) {
	case BPF_JEQ:
		return a == x;
	case BPF_JGT:
		return a > x;
	case BPF_JGE:
		return a >= x;
	default:
		return (a & x) != 0; /* BPF_JSET */
	}
}

uint32_t bpf_simulate_steps(const struct bpf_program *p, const struct seccomp_data *d, unsigned *steps)
{
	uint32_t a = 0, x = 0, v, mem[BPF_MEMWORDS] = {0};
	unsigned n = 0;

	for (size_t pc = 0; pc < p->len; n++) {
		const struct sock_filter *f = &p->insns[pc++];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
		case BPF_LDX:
			if (!sim_ld(f, d, mem, &v))
				goto bad;
			*(BPF_CLASS(f->code) == BPF_LD ? &a : &x) = v;
			break;
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				goto bad;
			mem[f->k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (!sim_alu(BPF_OP(f->code), &a, src))
				goto bad;
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA)
				pc += f->k;
			else
				pc += sim_cond(BPF_OP(f->code), a, src) ? f->jt : f->jf;
			break;
		case BPF_RET:
			if (steps)
				*steps = n + 1;
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		default: /* BPF_MISC */
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
		}
	}
bad:
	if (steps)
		*steps = n;
	return BPF_SIM_INVALID;
}

uint32_t bpf_simulate(const struct bpf_program *p, const struct seccomp_data *d)
{
	return bpf_simulate_steps(p, d, NULL);
}

/* ---- the listing ---- */

static void ret_str(uint32_t k, char *buf, size_t n)
{
	static const struct {
		uint32_t act;
		const char *name;
		bool data;
	} acts[] = {
	    {SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS", false},
	    {SECCOMP_RET_KILL_THREAD, "KILL_THREAD", false},
	    {SECCOMP_RET_TRAP, "TRAP", true},
	    {SECCOMP_RET_ERRNO, "ERRNO", true},
	    {SECCOMP_RET_USER_NOTIF, "USER_NOTIF", false},
	    {SECCOMP_RET_TRACE, "TRACE", true},
	    {SECCOMP_RET_LOG, "LOG", false},
	    {SECCOMP_RET_ALLOW, "ALLOW", false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(acts); i++)
		if ((k & SECCOMP_RET_ACTION_FULL) == acts[i].act) {
			if (acts[i].data)
				snprintf(buf, n, "ret  %s(%u)", acts[i].name, k & SECCOMP_RET_DATA);
			else
				snprintf(buf, n, "ret  %s", acts[i].name);
			return;
		}
	snprintf(buf, n, "ret  #0x%x", k);
}

/* What a 32-bit word of struct seccomp_data is. */
static void field_str(uint32_t k, char *buf, size_t n)
{
	if (k == OFF_NR)
		snprintf(buf, n, "nr");
	else if (k == OFF_ARCH)
		snprintf(buf, n, "arch");
	else if (k >= OFF_ARG_LO(0) && k < OFF_ARG_LO(6))
		snprintf(buf, n, "args[%u].%s", (k - 16) / 8, k % 8 ? "hi" : "lo");
	else
		snprintf(buf, n, "ip.%s", k % 8 ? "hi" : "lo");
}

static void insn_str(const struct sock_filter *f, size_t pc, char *buf, size_t n)
{
	static const char *const alu[16] = {"add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "neg", "mod", "xor"};
	static const char *const jmps[16] = {"ja", "jeq", "jgt", "jge", "jset"};
	const char *src = BPF_SRC(f->code) == BPF_X ? "x" : "#";
	char what[24];

	switch (BPF_CLASS(f->code)) {
	case BPF_LD:
	case BPF_LDX:
		field_str(f->k, what, sizeof what);
		if (BPF_MODE(f->code) == BPF_ABS)
			snprintf(buf, n, "%-4s [%u]  ; %s", BPF_CLASS(f->code) == BPF_LD ? "ld" : "ldx", f->k, what);
		else
			snprintf(buf, n, "%-4s %s%u", BPF_CLASS(f->code) == BPF_LD ? "ld" : "ldx",
			         BPF_MODE(f->code) == BPF_MEM ? "M" : "#", f->k);
		break;
	case BPF_ST:
	case BPF_STX:
		snprintf(buf, n, "%-4s M%u", BPF_CLASS(f->code) == BPF_ST ? "st" : "stx", f->k);
		break;
	case BPF_ALU:
		snprintf(buf, n, "%-4s %s0x%x", alu[BPF_OP(f->code) >> 4] ? alu[BPF_OP(f->code) >> 4] : "alu?", src,
		         BPF_SRC(f->code) == BPF_X ? 0 : f->k);
		break;
	case BPF_JMP:
		if (BPF_OP(f->code) == BPF_JA)
			snprintf(buf, n, "ja   %04zu", pc + 1 + f->k);
		else
			snprintf(buf, n, "%-4s %s0x%-8x jt %04zu  jf %04zu",
			         jmps[BPF_OP(f->code) >> 4] ? jmps[BPF_OP(f->code) >> 4] : "j?", src, f->k,
			         pc + 1 + f->jt, pc + 1 + f->jf);
		break;
	case BPF_RET:
		if (BPF_RVAL(f->code) == BPF_A)
			snprintf(buf, n, "ret  A");
		else
			ret_str(f->k, buf, n);
		break;
	default:
		snprintf(buf, n, "%s", BPF_MISCOP(f->code) == BPF_TAX ? "tax" : "txa");
	}
}

void bpf_dump(FILE *f, const struct bpf_program *p)
{
	char buf[96];

	for (size_t i = 0; i < p->len; i++) {
		insn_str(&p->insns[i], i, buf, sizeof buf);
		fprintf(f, "%04zu: %s\n", i, buf);
	}
}
