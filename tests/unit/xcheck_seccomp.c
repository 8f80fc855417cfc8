/* xcheck_seccomp.c: cross-check bpf_compile against libseccomp. Random
 * profiles are compiled by both; libseccomp's exported BPF and ours run in
 * bpf_simulate on the same inputs and must give the same verdicts. Optional,
 * not part of `make unit` (it needs libseccomp-dev). Build and run:
 *
 *   make build/asan/libdroplet.a
 *   gcc -std=gnu11 -O1 -g -D_GNU_SOURCE -fsanitize=address,undefined -iquote . \
 *       tests/unit/xcheck_seccomp.c build/asan/libdroplet.a -lseccomp -o build/asan/xcheck_seccomp
 *   build/asan/xcheck_seccomp [ROUNDS]
 *
 * Profiles avoid what libseccomp refuses or orders its own way: each syscall
 * gets rules with one action (args on distinct indices). */
#include "seccomp_bpf.h"
#include "syscalls_x86.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>

static const uint64_t vals[] = {0,           1,           0x7fffffff,         0x80000000,         0xffffffff,
                                0x100000000, 0x1ffffffff, 0xffffffff00000000, 0x8000000000000000, 0xffffffffffffffff};
static const int scmp_ops[BPF_OP_COUNT] = {SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,       SCMP_CMP_EQ,
                                           SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ};
static const uint32_t scmp_arches[3] = {SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32};

/* Rules per syscall (XCHECK_RULES=N). Default 1: libseccomp 2.5.4 loses
 * track of the accumulator between ORed arg rules of one syscall (after a
 * failed GE on args[0].lo it runs the next rule's JGT on the hi word without
 * reloading it), so with N > 1 differences show up where ours is right. */
static uint64_t max_rules = 1;

static uint64_t rnd(uint64_t n)
{
	return (uint64_t)random() % n;
}

static uint32_t scmp_action(int act, uint32_t err)
{
	switch (act) {
	case BPF_ACT_ERRNO:
		return SCMP_ACT_ERRNO(err);
	case BPF_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case BPF_ACT_LOG:
		return SCMP_ACT_LOG;
	case BPF_ACT_TRAP:
		return SCMP_ACT_TRAP;
	default:
		return SCMP_ACT_KILL_PROCESS;
	}
}

/* Our program and libseccomp's for the same random profile. */
static int one_round(struct bpf_program *ours, struct bpf_program *theirs, struct oci_seccomp *sc)
{
	static const int acts[] = {BPF_ACT_ERRNO, BPF_ACT_ALLOW, BPF_ACT_LOG, BPF_ACT_TRAP, BPF_ACT_KILL_PROCESS};
	struct derr e;
	scmp_filter_ctx ctx;

	sc->default_action = acts[rnd(5)];
	sc->has_default_errno_ret = sc->default_action == BPF_ACT_ERRNO;
	sc->default_errno_ret = 1;
	ctx = seccomp_init(scmp_action(sc->default_action, 1));
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	sc->n_archs = 0;
	for (int a = 1; a < 3; a++)
		if (rnd(2)) {
			sc->archs[sc->n_archs++] = a == 1 ? BPF_ARCH_X86 : BPF_ARCH_X32;
			seccomp_arch_add(ctx, scmp_arches[a]);
		}
	sc->n_syscalls = 0;
	for (int s = 0, n = 1 + (int)rnd(40); s < n; s++) {
		const char *name = bpf_systab_x86_64.ents[rnd(bpf_systab_x86_64.n)].name;
		int act = acts[rnd(5)];
		uint32_t err = 1 + (uint32_t)rnd(3);
		bool used = false;
		for (size_t i = 0; i < sc->n_syscalls; i++)
			used |= strcmp(sc->syscalls[i].names[0], name) == 0;
		if (act == sc->default_action || used)
			continue;
		for (int k = 0, nr = 1 + (int)rnd(max_rules); k < nr; k++) {
			struct oci_seccomp_rule *r = &sc->syscalls[sc->n_syscalls++];
			struct scmp_arg_cmp cmp[2];
			r->names[0] = (char *)name;
			r->action = act;
			r->has_errno_ret = act == BPF_ACT_ERRNO;
			r->errno_ret = err;
			r->n_args = rnd(3);
			for (size_t i = 0; i < r->n_args; i++) {
				r->args[i] = (struct oci_seccomp_arg){(unsigned)(rnd(3) * 2 + i), vals[rnd(10)],
				                                      vals[rnd(10)], (int)rnd(BPF_OP_COUNT)};
				cmp[i] = (struct scmp_arg_cmp){r->args[i].index, scmp_ops[r->args[i].op],
				                               r->args[i].value, r->args[i].value_two};
			}
			if (seccomp_rule_add_array(ctx, scmp_action(act, err), seccomp_syscall_resolve_name(name),
			                           (unsigned)r->n_args, cmp) < 0)
				sc->n_syscalls--; /* libseccomp refused it: drop ours too */
		}
	}
	if (bpf_compile(sc, ours, &e) < 0) {
		fprintf(stderr, "compile: %s\n", e.msg);
		return -1;
	}
	int fd = memfd_create("bpf", 0);
	seccomp_export_bpf(ctx, fd);
	theirs->len = (size_t)lseek(fd, 0, SEEK_END) / sizeof(struct sock_filter);
	theirs->insns = mmap(NULL, theirs->len * 8, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	seccomp_release(ctx);
	return 0;
}

static void dump_rule(const struct oci_seccomp_rule *r)
{
	fprintf(stderr, "  rule %s %s(%u):", r->names[0], bpf_action_name(r->action), r->errno_ret);
	for (size_t k = 0; k < r->n_args; k++)
		fprintf(stderr, " a%u %s %#llx %#llx;", r->args[k].index, bpf_op_name(r->args[k].op),
		        (unsigned long long)r->args[k].value, (unsigned long long)r->args[k].value_two);
	fprintf(stderr, "\n");
}

static int compare(const struct bpf_program *ours, const struct bpf_program *theirs, const struct oci_seccomp *sc)
{
	static const uint32_t audits[3] = {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64};
	int bad = 0;
	for (size_t i = 0; i < sc->n_syscalls; i++)
		for (int a = 0; a < 3; a++) {
			int nr = bpf_syscall_nr(a == 0   ? BPF_ARCH_X86_64
			                        : a == 1 ? BPF_ARCH_X86
			                                 : BPF_ARCH_X32,
			                        sc->syscalls[i].names[0]);
			if (nr < 0)
				continue;
			for (int t = 0; t < 40; t++) {
				struct seccomp_data d = {.nr = nr, .arch = audits[a]};
				for (int k = 0; k < 6; k++)
					d.args[k] = vals[rnd(10)];
				if (a)
					for (int k = 0; k < 6; k++)
						d.args[k] = (uint32_t)d.args[k];
				uint32_t x = bpf_simulate(ours, &d), y = bpf_simulate(theirs, &d);
				if (x != y && bad == 0)
					for (size_t j = 0; j < sc->n_syscalls; j++)
						if (strcmp(sc->syscalls[j].names[0], sc->syscalls[i].names[0]) == 0)
							dump_rule(&sc->syscalls[j]);
				if (x != y && bad++ < 5)
					fprintf(stderr,
					        "%s arch %#x nr %#x args %#llx %#llx %#llx: ours %#x libseccomp %#x\n",
					        sc->syscalls[i].names[0], d.arch, d.nr, (unsigned long long)d.args[0],
					        (unsigned long long)d.args[1], (unsigned long long)d.args[2], x, y);
			}
		}
	return bad;
}

int main(int argc, char **argv)
{
	static char *names[200][1];
	static struct oci_seccomp_arg args[200][2];
	static struct oci_seccomp_rule rules[200];
	int archs[2], rounds = argc > 1 ? atoi(argv[1]) : 300, failed = 0;
	struct oci_seccomp sc = {.present = true, .archs = archs, .syscalls = rules};

	log_verbosity = LOG_ERROR;
	if (getenv("XCHECK_RULES"))
		max_rules = strtoull(getenv("XCHECK_RULES"), NULL, 0);
	for (int i = 0; i < 200; i++) {
		rules[i].names = names[i];
		rules[i].n_names = 1;
		rules[i].args = args[i];
	}
	for (int r = 0; r < rounds; r++) {
		struct bpf_program ours, theirs;
		srandom((unsigned)r);
		if (getenv("XCHECK_VERBOSE"))
			fprintf(stderr, "round %d\n", r);
		if (one_round(&ours, &theirs, &sc) < 0)
			return 1;
		if (compare(&ours, &theirs, &sc)) {
			fprintf(stderr, "round %d differs (%zu rules)\n", r, sc.n_syscalls);
			failed++;
		}
		bpf_program_free(&ours);
		munmap(theirs.insns, theirs.len * 8);
	}
	printf("%d rounds, %d differ\n", rounds, failed);
	return failed != 0;
}
