/* seccomp_bpf.h: linux.seccomp compiled by hand into classic BPF (no
 * libseccomp), a simulator for tests, and loading the filter. */
#ifndef DROPLET_SECCOMP_BPF_H
#define DROPLET_SECCOMP_BPF_H

#include "config.h"

#include <stddef.h>

enum bpf_action {
	BPF_ACT_KILL_THREAD,  /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
	BPF_ACT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
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
	BPF_ARCH_X86_64,
	BPF_ARCH_X86,
	BPF_ARCH_X32,
	BPF_ARCH_AARCH64,
	BPF_ARCH_ARM,
	BPF_ARCH_MIPS,
	BPF_ARCH_MIPS64,
	BPF_ARCH_MIPS64N32,
	BPF_ARCH_MIPSEL,
	BPF_ARCH_MIPSEL64,
	BPF_ARCH_MIPSEL64N32,
	BPF_ARCH_PPC,
	BPF_ARCH_PPC64,
	BPF_ARCH_PPC64LE,
	BPF_ARCH_S390,
	BPF_ARCH_S390X,
	BPF_ARCH_RISCV64,
	BPF_ARCH_COUNT
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

/* ---- compiling, simulating and loading ---- */
struct sock_filter;
struct seccomp_data;

/* A classic BPF program; insns is malloc'd, len <= BPF_MAXINSNS. */
struct bpf_program {
	struct sock_filter *insns;
	size_t len;
};

/* Compile sc into *out. Pure: no syscalls, no global state. The program
 * checks the audit arch once (foreign arch -> SECCOMP_RET_KILL_PROCESS; the
 * native x86_64 is always compiled, like runc/crun whose libseccomp context
 * starts with it), then binary-searches the syscall number. On x86_64 without
 * SCMP_ARCH_X32 listed, x32 numbers (nr >= 0x40000000, except -1) are
 * KILL_PROCESS as a foreign arch. Unknown syscall names are skipped with a
 * log_warn. Returns 0, or -1 with *e set ("seccomp: ...") and *out zeroed:
 * invalid action/operator/index/errnoRet, or more than BPF_MAXINSNS
 * instructions. */
int bpf_compile(const struct oci_seccomp *sc, struct bpf_program *out, struct derr *e);
/* Free p->insns and zero *p; p may be zeroed already. Cannot fail. */
void bpf_program_free(struct bpf_program *p);

/* bpf_simulate's result for a program the kernel would reject (jump out of
 * range, bad load, falling off the end, division by zero). */
#define BPF_SIM_INVALID 0xdeadbeefu
/* Run p on d like the kernel does; returns the SECCOMP_RET_* value (action
 * and data), or BPF_SIM_INVALID. For tests and debugging. */
uint32_t bpf_simulate(const struct bpf_program *p, const struct seccomp_data *d);
/* Same, and stores the number of instructions executed in *steps. */
uint32_t bpf_simulate_steps(const struct bpf_program *p, const struct seccomp_data *d, unsigned *steps);
/* One line per instruction: "0012: jge  #0x40000000  jt 0014  jf 0013". */
void bpf_dump(FILE *f, const struct bpf_program *p);

/* Load p with seccomp(SECCOMP_SET_MODE_FILTER, sc->flags) in the calling
 * thread, adding SECCOMP_FILTER_FLAG_NEW_LISTENER when the default or a rule
 * is SCMP_ACT_NOTIFY: then *notify_fd is the listener fd, else -1. Falls back
 * to prctl(PR_SET_SECCOMP) when there are no flags and seccomp(2) is ENOSYS.
 * Does not set no_new_privs (the caller does). Returns 0 or -1 with *e. */
int bpf_install(const struct oci_seccomp *sc, const struct bpf_program *p, int *notify_fd, struct derr *e);

/* The syscall number of name on arch (enum bpf_arch; x86_64, x86 and x32
 * only), or -1 when unknown there. x32 numbers include 0x40000000. */
int bpf_syscall_nr(int arch, const char *name);

/* `droplet seccomp-compile`: compile sc and write the bpf_dump listing plus
 * a summary line to out. Returns 0 or -1 with *e. */
int bpf_cmd_compile(const struct oci_seccomp *sc, FILE *out, struct derr *e);
/* Offsets into struct seccomp_data the programs load (x86 is little-endian). */
#define OFF_NR        offsetof(struct seccomp_data, nr)
#define OFF_ARCH      offsetof(struct seccomp_data, arch)
#define OFF_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#endif
