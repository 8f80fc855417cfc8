/* caps.c: capability names, and applying the five capability sets of
 * process.capabilities across the uid change done by the process setup:
 *
 *   caps_before_setuid()   keep permitted caps across setuid; shrink the
 *                          bounding set (needs CAP_SETPCAP, so before setuid)
 *   setgroups/setgid/setuid  (caller)
 *   caps_after_setuid()    capset effective/permitted/inheritable, ambient
 *
 * Names the running kernel does not know are skipped with a warning, like
 * runc. Without process.capabilities every set ends up empty. Raw syscalls
 * and prctl only: no libcap. */
#include "caps.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static const char *const cap_names[] = {
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

int caps_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *caps_name(int cap)
{
	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[cap];
}

int caps_known_last(void)
{
	return (int)ARRAY_SIZE(cap_names) - 1;
}

static int read_last_cap_file(void)
{
	char buf[32];
	ssize_t n;
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *end;
	long v = strtol(buf, &end, 10);
	if (end == buf || v < 0)
		return -1;
	return v > CAPS_MAX - 1 ? CAPS_MAX - 1 : (int)v;
}

int caps_last_cap(void)
{
	static int cached = -1;
	int cap;
	if (cached >= 0)
		return cached;
	cap = read_last_cap_file();
	if (cap < 0) {
		/* No /proc: PR_CAPBSET_READ says EINVAL past the last valid cap. */
		for (cap = 0; cap < CAPS_MAX; cap++)
			if (prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0) < 0 && errno == EINVAL)
				break;
		cap--;
	}
	cached = cap;
	return cached;
}

static uint64_t kernel_mask(void)
{
	int last = caps_last_cap();
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/* The sets to apply: those of the config (empty without a capabilities
 * field), restricted to what the running kernel knows. */
static void wanted_sets(const struct oci_process *p, uint64_t want[CAP_SET_COUNT])
{
	uint64_t km = kernel_mask();
	for (int s = 0; s < CAP_SET_COUNT; s++)
		want[s] = p && p->caps.present ? p->caps.sets[s] & km : 0;
}

static void warn_unknown(const struct oci_process *p)
{
	uint64_t all = 0, km = kernel_mask();
	if (!p || !p->caps.present)
		return;
	for (int s = 0; s < CAP_SET_COUNT; s++)
		all |= p->caps.sets[s];
	for (int cap = 0; cap < CAPS_MAX; cap++)
		if ((all & ~km) >> cap & 1)
			log_warn("capability %s not known to the running kernel, skipped",
			         caps_name(cap) ? caps_name(cap) : "(unnamed)");
}

int caps_before_setuid(const struct oci_process *p, struct derr *e)
{
	uint64_t want[CAP_SET_COUNT];
	int last = caps_last_cap();
	warn_unknown(p);
	wanted_sets(p, want);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return derr_sys(e, "prctl PR_SET_KEEPCAPS");
	for (int cap = 0; cap <= last; cap++) {
		if (want[CAP_SET_BOUNDING] >> cap & 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) == 0)
			continue;
		/* Dropping needs CAP_SETPCAP even when the cap is already gone:
		 * such a cap is skipped, so a reduced starting set is no error. */
		int err = errno, r = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);
		if (r == 0 || (r < 0 && errno == EINVAL))
			continue;
		errno = err;
		return derr_sys(e, "drop bounding capability %s", caps_name(cap) ? caps_name(cap) : "?");
	}
	return 0;
}

static int cap_get(uint64_t *eff, uint64_t *prm, uint64_t *inh, struct derr *e)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &hdr, d) < 0)
		return derr_sys(e, "capget");
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int cap_set(uint64_t eff, uint64_t prm, uint64_t inh, struct derr *e)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2] = {
	    {.effective = (uint32_t)eff, .permitted = (uint32_t)prm, .inheritable = (uint32_t)inh},
	    {.effective = (uint32_t)(eff >> 32),
	     .permitted = (uint32_t)(prm >> 32),
	     .inheritable = (uint32_t)(inh >> 32)},
	};
	if (syscall(SYS_capset, &hdr, d) < 0)
		return derr_sys(e, "capset");
	return 0;
}

static int lowest_bit(uint64_t m)
{
	return __builtin_ctzll(m);
}

/* Check what the kernel would refuse with a bare EPERM, to name the cap. */
static int check_sets(const uint64_t want[CAP_SET_COUNT], uint64_t cur_prm, struct derr *e)
{
	uint64_t extra = want[CAP_SET_PERMITTED] & ~cur_prm;
	if (extra)
		return derr_set(e, 0, "capabilities: %s requested in permitted but not held by droplet",
		                caps_name(lowest_bit(extra)));
	extra = want[CAP_SET_EFFECTIVE] & ~want[CAP_SET_PERMITTED];
	if (extra)
		return derr_set(e, 0, "capabilities: effective %s is not in permitted", caps_name(lowest_bit(extra)));
	extra = want[CAP_SET_AMBIENT] & ~(want[CAP_SET_PERMITTED] & want[CAP_SET_INHERITABLE]);
	if (extra)
		return derr_set(e, 0, "capabilities: ambient %s must also be in permitted and inheritable",
		                caps_name(lowest_bit(extra)));
	return 0;
}

static int set_ambient(uint64_t amb, struct derr *e)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		/* Kernels before 4.3 have no ambient set: fine unless asked for. */
		if (errno == EINVAL && !amb)
			return 0;
		return derr_sys(e, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
	}
	for (int cap = 0; cap < CAPS_MAX; cap++)
		if (amb >> cap & 1 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0) < 0)
			return derr_sys(e, "raise ambient capability %s", caps_name(cap));
	return 0;
}

int caps_after_setuid(const struct oci_process *p, struct derr *e)
{
	uint64_t want[CAP_SET_COUNT], eff = 0, prm = 0, inh = 0;
	wanted_sets(p, want);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return derr_sys(e, "prctl PR_SET_KEEPCAPS");
	if (cap_get(&eff, &prm, &inh, e) < 0 || check_sets(want, prm, e) < 0)
		return -1;
	/* setuid to a non-zero uid cleared the effective set. Raise it to the
	 * permitted set first: CAP_SETPCAP in effective lets inheritable
	 * take caps from the bounding set, not only from permitted. */
	if (eff != prm && cap_set(prm, prm, inh, e) < 0)
		return -1;
	if (cap_set(want[CAP_SET_EFFECTIVE], want[CAP_SET_PERMITTED], want[CAP_SET_INHERITABLE], e) < 0)
		return -1;
	return set_ambient(want[CAP_SET_AMBIENT], e);
}
