/* test_caps.c: the capability name table, the kernel's last cap, and the
 * two-step apply (in forked children, when run as root). */
#include "caps.h"
#include "unit.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define BIT(c) (1ULL << (c))

TEST(name_table_round_trip)
{
	CHECK_INT(caps_known_last(), 40);
	for (int c = 0; c <= caps_known_last(); c++) {
		const char *n = caps_name(c);
		CHECK(n != NULL);
		if (n) {
			CHECK(strncmp(n, "CAP_", 4) == 0);
			CHECK_INT(caps_from_name(n), c);
		}
	}
	CHECK(caps_name(-1) == NULL);
	CHECK(caps_name(41) == NULL);
	CHECK(caps_name(CAPS_MAX) == NULL);
}

TEST(all_41_names)
{
	static const char *const names[] = {
	    "CAP_CHOWN",
	    "CAP_DAC_OVERRIDE",
	    "CAP_DAC_READ_SEARCH",
	    "CAP_FOWNER",
	    "CAP_FSETID",
	    "CAP_KILL",
	    "CAP_SETGID",
	    "CAP_SETUID",
	    "CAP_SETPCAP",
	    "CAP_LINUX_IMMUTABLE",
	    "CAP_NET_BIND_SERVICE",
	    "CAP_NET_BROADCAST",
	    "CAP_NET_ADMIN",
	    "CAP_NET_RAW",
	    "CAP_IPC_LOCK",
	    "CAP_IPC_OWNER",
	    "CAP_SYS_MODULE",
	    "CAP_SYS_RAWIO",
	    "CAP_SYS_CHROOT",
	    "CAP_SYS_PTRACE",
	    "CAP_SYS_PACCT",
	    "CAP_SYS_ADMIN",
	    "CAP_SYS_BOOT",
	    "CAP_SYS_NICE",
	    "CAP_SYS_RESOURCE",
	    "CAP_SYS_TIME",
	    "CAP_SYS_TTY_CONFIG",
	    "CAP_MKNOD",
	    "CAP_LEASE",
	    "CAP_AUDIT_WRITE",
	    "CAP_AUDIT_CONTROL",
	    "CAP_SETFCAP",
	    "CAP_MAC_OVERRIDE",
	    "CAP_MAC_ADMIN",
	    "CAP_SYSLOG",
	    "CAP_WAKE_ALARM",
	    "CAP_BLOCK_SUSPEND",
	    "CAP_AUDIT_READ",
	    "CAP_PERFMON",
	    "CAP_BPF",
	    "CAP_CHECKPOINT_RESTORE",
	};
	CHECK_INT(ARRAY_SIZE(names), 41);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK_INT(caps_from_name(names[i]), i);
		CHECK_STR(caps_name((int)i), names[i]);
	}
}

TEST(unknown_names)
{
	CHECK_INT(caps_from_name("CAP_FOO"), -1);
	CHECK_INT(caps_from_name("CHOWN"), -1);
	CHECK_INT(caps_from_name("cap_chown"), -1);
	CHECK_INT(caps_from_name("CAP_CHOWN "), -1);
	CHECK_INT(caps_from_name("CAP_"), -1);
	CHECK_INT(caps_from_name(""), -1);
}

TEST(last_cap_matches_proc)
{
	char *buf = NULL;
	size_t len;
	struct derr e;
	int last = caps_last_cap();
	CHECK(last >= 36 && last < CAPS_MAX);
	CHECK_INT(caps_last_cap(), last); /* cached */
	if (read_file("/proc/sys/kernel/cap_last_cap", 64, &buf, &len, &e) == 0)
		CHECK_INT(atoi(buf), last);
	free(buf);
}

/* ---- applying, in a child ---- */

struct want {
	uint64_t inh, prm, eff, bnd, amb;
};

static int read_status(struct want *got)
{
	static const char *const keys[] = {"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"};
	uint64_t *dst[] = {&got->inh, &got->prm, &got->eff, &got->bnd, &got->amb};
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0) {
				*dst[i] = strtoull(line + strlen(keys[i]), NULL, 16);
				found++;
			}
	fclose(f);
	return found == 5 ? 0 : -1;
}

static void fill(struct oci_process *p, const struct want *w)
{
	memset(p, 0, sizeof *p);
	p->caps.present = true;
	p->caps.sets[CAP_SET_BOUNDING] = w->bnd;
	p->caps.sets[CAP_SET_EFFECTIVE] = w->eff;
	p->caps.sets[CAP_SET_PERMITTED] = w->prm;
	p->caps.sets[CAP_SET_INHERITABLE] = w->inh;
	p->caps.sets[CAP_SET_AMBIENT] = w->amb;
}

struct apply_case {
	uid_t uid;
	uint64_t predrop;     /* caps the child drops from its own sets first */
	struct want want;     /* expected /proc/self/status afterwards */
	const char *want_err; /* or the expected error */
};

static void child_predrop(uint64_t m)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];
	if (!m)
		return;
	syscall(SYS_capget, &h, d);
	for (int i = 0; i < 2; i++) {
		uint32_t keep = ~(uint32_t)(m >> (32 * i));
		d[i].effective &= keep;
		d[i].permitted &= keep;
		d[i].inheritable &= keep;
	}
	syscall(SYS_capset, &h, d);
}

static void print_want(const char *what, const struct want *w)
{
	fprintf(stderr, "  %s inh %llx prm %llx eff %llx bnd %llx amb %llx\n", what, (unsigned long long)w->inh,
	        (unsigned long long)w->prm, (unsigned long long)w->eff, (unsigned long long)w->bnd,
	        (unsigned long long)w->amb);
}

static _Noreturn void child_apply(const struct oci_process *p, const struct apply_case *c)
{
	struct derr e = {0};
	struct want got;
	uid_t u = c->uid;
	child_predrop(c->predrop);
	if (caps_before_setuid(p, &e) < 0 || setresgid(u, u, u) < 0 || setresuid(u, u, u) < 0 ||
	    caps_after_setuid(p, &e) < 0) {
		if (c->want_err && strcmp(e.msg, c->want_err) == 0)
			_exit(0);
		fprintf(stderr, "  apply: %s\n", e.msg);
		_exit(1);
	}
	if (c->want_err) {
		fprintf(stderr, "  expected error: %s\n", c->want_err);
		_exit(1);
	}
	if (read_status(&got) < 0)
		_exit(2);
	if (memcmp(&got, &c->want, sizeof got) != 0) {
		print_want("got ", &got);
		print_want("want", &c->want);
		_exit(3);
	}
	_exit(0);
}

/* Run the case in a child; returns its exit status (0 = as expected). */
static int apply_in_child(const struct oci_process *p, const struct apply_case *c)
{
	int st;
	pid_t pid;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child_apply(p, c);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static bool skip_unless_root(void)
{
	if (geteuid() != 0) {
		printf("# skipped: not root\n");
		return true;
	}
	return false;
}

/* The config's sets exactly as the status shows them. */
static int check_exact(uid_t uid, const struct want *w)
{
	struct oci_process p;
	struct apply_case c = {.uid = uid, .want = *w};
	fill(&p, w);
	return apply_in_child(&p, &c);
}

TEST(apply_uid1000_with_ambient)
{
	uint64_t some = BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE);
	struct want w = {
	    .bnd = some | BIT(CAP_CHOWN) | BIT(CAP_SETPCAP), .eff = some, .prm = some, .inh = some, .amb = some};
	if (skip_unless_root())
		return;
	CHECK_INT(check_exact(1000, &w), 0);
}

TEST(apply_uid1000_inheritable_beyond_permitted)
{
	/* inheritable may take NET_RAW from the bounding set although it is
	 * not in permitted: allowed while CAP_SETPCAP is effective. */
	struct want w = {.bnd = BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_NET_RAW),
	                 .eff = BIT(CAP_KILL),
	                 .prm = BIT(CAP_KILL),
	                 .inh = BIT(CAP_KILL) | BIT(CAP_NET_RAW)};
	if (skip_unless_root())
		return;
	CHECK_INT(check_exact(1000, &w), 0);
}

TEST(apply_root_default_14)
{
	static const int def[] = {CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,           CAP_FOWNER,
	                          CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,           CAP_SETUID,
	                          CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	                          CAP_KILL,    CAP_AUDIT_WRITE};
	uint64_t m = 0;
	for (size_t i = 0; i < ARRAY_SIZE(def); i++)
		m |= BIT(def[i]);
	CHECK_INT(__builtin_popcountll(m), 14);
	struct want w = {.bnd = m, .eff = m, .prm = m};
	if (skip_unless_root())
		return;
	CHECK_INT(check_exact(0, &w), 0);
}

TEST(apply_no_capabilities_field)
{
	struct oci_process p;
	struct apply_case root = {.uid = 0}, user = {.uid = 1000};
	memset(&p, 0, sizeof p);
	if (skip_unless_root())
		return;
	CHECK_INT(apply_in_child(&p, &root), 0);
	CHECK_INT(apply_in_child(&p, &user), 0);
	CHECK_INT(apply_in_child(NULL, &user), 0);
}

TEST(apply_skips_caps_beyond_kernel)
{
	/* Bits past cap_last_cap (the loader only sets named ones, but a
	 * newer name on an older kernel looks like this) are skipped. */
	int last = caps_last_cap();
	struct oci_process p;
	struct want w = {.bnd = BIT(CAP_KILL), .eff = BIT(CAP_KILL), .prm = BIT(CAP_KILL)};
	struct apply_case c = {.uid = 0, .want = w};
	if (skip_unless_root() || last >= 63)
		return;
	w.bnd |= BIT(last + 1);
	w.prm |= BIT(last + 1);
	fill(&p, &w);
	CHECK_INT(apply_in_child(&p, &c), 0);
}

TEST(apply_errors)
{
	struct oci_process p;
	struct want bad_eff = {.bnd = BIT(CAP_KILL), .eff = BIT(CAP_KILL) | BIT(CAP_CHOWN), .prm = BIT(CAP_KILL)};
	struct want bad_amb = {.bnd = BIT(CAP_KILL), .eff = BIT(CAP_KILL), .prm = BIT(CAP_KILL), .amb = BIT(CAP_KILL)};
	struct want not_held = {.bnd = BIT(CAP_SYS_TIME), .prm = BIT(CAP_SYS_TIME)};
	struct apply_case c1 = {.uid = 1000, .want_err = "capabilities: effective CAP_CHOWN is not in permitted"};
	struct apply_case c2 = {.uid = 1000,
	                        .want_err = "capabilities: ambient CAP_KILL must also be in permitted and inheritable"};
	struct apply_case c3 = {.uid = 0,
	                        .predrop = BIT(CAP_SYS_TIME),
	                        .want_err =
	                            "capabilities: CAP_SYS_TIME requested in permitted but not held by droplet"};
	if (skip_unless_root())
		return;
	fill(&p, &bad_eff);
	CHECK_INT(apply_in_child(&p, &c1), 0);
	fill(&p, &bad_amb);
	CHECK_INT(apply_in_child(&p, &c2), 0);
	fill(&p, &not_held);
	CHECK_INT(apply_in_child(&p, &c3), 0);
}

int main(void)
{
	RUN(name_table_round_trip);
	RUN(all_41_names);
	RUN(unknown_names);
	RUN(last_cap_matches_proc);
	RUN(apply_uid1000_with_ambient);
	RUN(apply_uid1000_inheritable_beyond_permitted);
	RUN(apply_root_default_14);
	RUN(apply_no_capabilities_field);
	RUN(apply_skips_caps_beyond_kernel);
	RUN(apply_errors);
	UNIT_DONE();
}
