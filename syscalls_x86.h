/* syscalls_x86.h: the generated syscall tables (syscalls_x86.c, made by
 * tools/gen-syscalls.sh) for the three x86 ABIs seccomp_bpf.c compiles for. */
#ifndef DROPLET_SYSCALLS_X86_H
#define DROPLET_SYSCALLS_X86_H

#include <stddef.h>
#include <stdint.h>

struct bpf_sysent {
	const char *name;
	uint32_t nr; /* as seen in seccomp_data.nr */
};

/* A table sorted by name with strcmp, no duplicates. */
struct bpf_systab {
	const struct bpf_sysent *ents;
	size_t n;
};

extern const struct bpf_systab bpf_systab_x86_64, bpf_systab_i386, bpf_systab_x32;

#endif
