/* ns.c: namespaces: which to create, joining by path with the right order,
 * uid/gid maps and time offsets written by the parent. */
#include "ns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const struct ns_info infos[NS_COUNT] = {
    [NS_CGROUP] = {NS_CGROUP, CLONE_NEWCGROUP, "cgroup"},
    [NS_IPC] = {NS_IPC, CLONE_NEWIPC, "ipc"},
    [NS_MNT] = {NS_MNT, CLONE_NEWNS, "mnt"},
    [NS_NET] = {NS_NET, CLONE_NEWNET, "net"},
    [NS_PID] = {NS_PID, CLONE_NEWPID, "pid"},
    [NS_TIME] = {NS_TIME, CLONE_NEWTIME, "time"},
    [NS_USER] = {NS_USER, CLONE_NEWUSER, "user"},
    [NS_UTS] = {NS_UTS, CLONE_NEWUTS, "uts"},
};

const struct ns_info *ns_info(enum ns_type t)
{
	return &infos[t];
}

unsigned long ns_new_flags(const struct oci_linux *l)
{
	unsigned long f = 0;
	for (int t = 0; t < NS_COUNT; t++)
		if (l->ns[t].present && !l->ns[t].path)
			f |= (unsigned long)infos[t].flag;
	return f;
}

bool ns_is_current(int fd, enum ns_type t)
{
	char self[64];
	struct stat a, b;
	snprintf(self, sizeof self, "/proc/self/ns/%s", infos[t].proc);
	return fstat(fd, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

void ns_close_joins(int fds[NS_COUNT])
{
	for (int t = 0; t < NS_COUNT; t++) {
		if (fds[t] >= 0)
			close(fds[t]);
		fds[t] = -1;
	}
}

int ns_open_joins(const struct oci_linux *l, int fds[NS_COUNT], struct derr *e)
{
	for (int t = 0; t < NS_COUNT; t++)
		fds[t] = -1;
	for (int t = 0; t < NS_COUNT; t++) {
		const char *p = l->ns[t].path;
		if (!l->ns[t].present || !p)
			continue;
		fds[t] = open(p, O_RDONLY | O_CLOEXEC);
		if (fds[t] < 0) {
			derr_sys(e, "linux.namespaces: %s path \"%s\"", ns_type_name((enum ns_type)t), p);
			ns_close_joins(fds);
			return -1;
		}
		if (ns_is_current(fds[t], (enum ns_type)t)) { /* already there: nothing to join */
			close(fds[t]);
			fds[t] = -1;
			continue;
		}
		int kind = ioctl(fds[t], NS_GET_NSTYPE);
		if (kind >= 0 && kind != infos[t].flag) {
			derr_set(e, 0, "linux.namespaces: path \"%s\": not a %s namespace", p,
			         ns_type_name((enum ns_type)t));
			ns_close_joins(fds);
			return -1;
		}
	}
	return 0;
}

int ns_join(int fds[NS_COUNT], enum ns_type t, struct derr *e)
{
	if (fds[t] < 0)
		return 0;
	if (setns(fds[t], infos[t].flag) < 0)
		return derr_sys(e, "join %s namespace", ns_type_name(t));
	return 0;
}

int ns_open_pid(pid_t pid, enum ns_type t, struct derr *e)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, infos[t].proc);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", path);
	return fd;
}

static int write_map(pid_t pid, const char *file, const struct oci_idmap *m, size_t n, struct derr *e)
{
	char path[64], buf[4096];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
		                        m[i].size);
	if (len >= sizeof buf)
		return derr_set(e, 0, "%s: too many mappings", file);
	snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
	cleanup_fd int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", path);
	if (write(fd, buf, len) != (ssize_t)len)
		return derr_sys(e, "write \"%s\" (%.*s)", path, (int)(len ? len - 1 : 0), buf);
	return 0;
}

int ns_write_idmaps(pid_t pid, const struct oci_linux *l, struct derr *e)
{
	char path[64];
	if (write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, e) < 0)
		return -1;
	/* An unprivileged writer must deny setgroups first; root need not, and
	 * denying would break process.user.additionalGids in the container. */
	if (geteuid() != 0) {
		snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
		cleanup_fd int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 && write(fd, "deny", 4) != 4)
			return derr_sys(e, "write \"%s\"", path);
	}
	return write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, e);
}

int ns_write_time_offsets(const struct oci_linux *l, struct derr *e)
{
	char buf[128];
	int len = 0;
	if (l->time_offsets.has_monotonic)
		len += snprintf(buf + len, sizeof buf - len, "monotonic %lld %u\n",
		                (long long)l->time_offsets.monotonic_secs, l->time_offsets.monotonic_nanosecs);
	if (l->time_offsets.has_boottime)
		len += snprintf(buf + len, sizeof buf - len, "boottime %lld %u\n",
		                (long long)l->time_offsets.boottime_secs, l->time_offsets.boottime_nanosecs);
	if (!len)
		return 0;
	cleanup_fd int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open /proc/self/timens_offsets");
	if (write(fd, buf, (size_t)len) != len)
		return derr_sys(e, "linux.timeOffsets: write /proc/self/timens_offsets");
	return 0;
}

pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *in_cgroup)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		    set_tid_size, cgroup;
	} args = {.flags = flags, .exit_signal = SIGCHLD};
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	*in_cgroup = cgroup_fd >= 0;
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL && errno != EBUSY && errno != EOPNOTSUPP))
		return (pid_t)pid;
	*in_cgroup = false; /* older kernel: the caller writes cgroup.procs */
	return (pid_t)syscall(SYS_clone, (flags & ~(unsigned long)CLONE_NEWTIME) | SIGCHLD, 0, 0, 0, 0);
}

struct user_clone {
	pid_t pid;
	bool in_cgroup;
	struct derr e;
};

/* The helper's part: cgroup, namespaces, clone. Returns 0 in the child. */
static pid_t user_clone(int user_fd, int pid_fd, int cgroup_fd, unsigned long flags, const struct oci_linux *l,
                        bool *in_cgroup, struct user_clone *r)
{
	bool unused;
	/* Into the cgroup first (ourselves: "0"), while we may: the child is
	 * born there, so its cgroup namespace is rooted there. */
	if (cgroup_fd >= 0) {
		cleanup_fd int procs = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (procs < 0 || write(procs, "0", 1) != 1)
			return derr_sys(&r->e, "cgroup: enter");
		*in_cgroup = r->in_cgroup = true; /* the child's copy says so too */
	}
	if (setns(user_fd, CLONE_NEWUSER) < 0)
		return derr_sys(&r->e, "join user namespace");
	if (pid_fd >= 0 && setns(pid_fd, CLONE_NEWPID) < 0)
		return derr_sys(&r->e, "join pid namespace");
	if (flags & CLONE_NEWTIME) {
		if (unshare(CLONE_NEWTIME) < 0)
			return derr_sys(&r->e, "linux.namespaces: time namespace");
		if (ns_write_time_offsets(l, &r->e) < 0)
			return -1;
	}
	pid_t pid = ns_clone((flags & ~(unsigned long)CLONE_NEWTIME) | CLONE_PARENT, -1, &unused);
	return pid < 0 ? derr_sys(&r->e, "clone") : pid;
}

pid_t ns_clone_in_user(int user_fd, int pid_fd, int cgroup_fd, unsigned long flags, const struct oci_linux *l,
                       bool *in_cgroup, struct derr *e)
{
	struct user_clone r = {-1, false, {0}};
	int p[2];
	*in_cgroup = false;
	if (pipe2(p, O_CLOEXEC) < 0)
		return derr_sys(e, "pipe");
	pid_t h = fork();
	if (h == 0) {
		close(p[0]);
		r.pid = user_clone(user_fd, pid_fd, cgroup_fd, flags, l, in_cgroup, &r);
		if (r.pid == 0) {
			close(p[1]);
			return 0;
		}
		write_all(p[1], &r, sizeof r);
		_exit(0);
	}
	close(p[1]);
	if (h < 0) {
		close(p[0]);
		return derr_sys(e, "fork");
	}
	char buf[sizeof r + 1];
	size_t n = read_all(p[0], buf, sizeof buf);
	close(p[0]);
	waitpid(h, NULL, 0);
	memcpy(&r, buf, sizeof r);
	if (n != sizeof r)
		return derr_set(e, 0, "join user namespace: the helper died");
	if (r.pid < 0)
		*e = r.e;
	*in_cgroup = r.in_cgroup;
	return r.pid;
}
