/* seccomp_bpf.c: compiles linux.seccomp into a classic BPF program by hand. */
#include "seccomp_bpf.h"

#include <linux/seccomp.h>

static const char *const action_names[BPF_ACT_COUNT] = {
	[BPF_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD", [BPF_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[BPF_ACT_TRAP] = "SCMP_ACT_TRAP",               [BPF_ACT_ERRNO] = "SCMP_ACT_ERRNO",
	[BPF_ACT_TRACE] = "SCMP_ACT_TRACE",             [BPF_ACT_ALLOW] = "SCMP_ACT_ALLOW",
	[BPF_ACT_LOG] = "SCMP_ACT_LOG",                 [BPF_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[BPF_OP_COUNT] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

static const char *const arch_names[BPF_ARCH_COUNT] = {
	"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
	"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
	"SCMP_ARCH_S390X", "SCMP_ARCH_RISCV64",
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
