/* seccomp_bpf.h: linux.seccomp compiled by hand into classic BPF (no
 * libseccomp), a simulator for tests, and loading the filter. */
#ifndef DROPLET_SECCOMP_BPF_H
#define DROPLET_SECCOMP_BPF_H

#include "config.h"

enum bpf_action {
	BPF_ACT_KILL_THREAD,   /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
	BPF_ACT_KILL_PROCESS,  /* SCMP_ACT_KILL_PROCESS */
	BPF_ACT_TRAP,
	BPF_ACT_ERRNO,
	BPF_ACT_TRACE,
	BPF_ACT_ALLOW,
	BPF_ACT_LOG,
	BPF_ACT_NOTIFY,
	BPF_ACT_COUNT
};

enum bpf_op { BPF_OP_NE, BPF_OP_LT, BPF_OP_LE, BPF_OP_EQ, BPF_OP_GE, BPF_OP_GT, BPF_OP_MASKED_EQ, BPF_OP_COUNT };

enum bpf_arch {
	BPF_ARCH_X86_64, BPF_ARCH_X86, BPF_ARCH_X32, BPF_ARCH_AARCH64, BPF_ARCH_ARM,
	BPF_ARCH_MIPS, BPF_ARCH_MIPS64, BPF_ARCH_MIPS64N32, BPF_ARCH_MIPSEL, BPF_ARCH_MIPSEL64,
	BPF_ARCH_MIPSEL64N32, BPF_ARCH_PPC, BPF_ARCH_PPC64, BPF_ARCH_PPC64LE, BPF_ARCH_S390,
	BPF_ARCH_S390X, BPF_ARCH_RISCV64, BPF_ARCH_COUNT
};

/* Name tables: "SCMP_ACT_ERRNO" -> BPF_ACT_ERRNO, "SCMP_CMP_MASKED_EQ" ->
 * BPF_OP_MASKED_EQ, "SCMP_ARCH_X86_64" -> BPF_ARCH_X86_64,
 * "SECCOMP_FILTER_FLAG_TSYNC" -> its value. Each returns -1 when unknown. */
int bpf_action_from_name(const char *name);
int bpf_op_from_name(const char *name);
int bpf_arch_from_name(const char *name);
long bpf_flag_from_name(const char *name);
const char *bpf_action_name(int a);
const char *bpf_op_name(int op);
const char *bpf_arch_name(int arch);
#endif
