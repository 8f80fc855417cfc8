/* process.c: process.* of the config applied to the current process:
 * limits, cwd, user and capabilities, confinement, and the final exec.
 * Used by the container init and by exec alike. */
#include "process.h"

#include "apparmor.h"
#include "caps.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_get(const struct oci_process *p, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < p->n_env; i++)
		if (strncmp(p->env[i], name, n) == 0 && p->env[i][n] == '=')
			return p->env[i] + n + 1;
	return NULL;
}

int proc_find_exec(const struct oci_process *p, char *out, size_t n, struct derr *e)
{
	const char *arg0 = p->args[0];
	struct stat st;
	if (strchr(arg0, '/')) {
		if (stat(arg0, &st) < 0)
			return derr_sys(e, "exec \"%s\"", arg0);
		snprintf(out, n, "%s", arg0);
		return 0;
	}
	const char *path = env_get(p, "PATH");
	if (!path)
		path = DEFAULT_PATH;
	while (*path) {
		size_t len = strcspn(path, ":");
		snprintf(out, n, "%.*s/%s", (int)len, len ? path : ".", arg0);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 0;
		path += len + (path[len] == ':');
	}
	return derr_set(e, 0, "exec \"%s\": not found in $PATH", arg0);
}

static int write_proc(const char *path, const char *val, struct derr *e)
{
	cleanup_fd int fd = proc_open_checked(path, O_WRONLY, e);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) < 0)
		return derr_sys(e, "write \"%s\" to %s", val, path);
	return 0;
}

#ifndef IOPRIO_WHO_PROCESS
#define IOPRIO_WHO_PROCESS 1
#endif

static int set_sched(const struct oci_process *p, struct derr *e)
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
	} attr = {
	    .size = 48,
	    .policy = (uint32_t)p->scheduler.policy,
	    .flags = p->scheduler.flags,
	    .nice = p->scheduler.nice,
	    .priority = (uint32_t)p->scheduler.priority,
	    .runtime = p->scheduler.runtime,
	    .deadline = p->scheduler.deadline,
	    .period = p->scheduler.period,
	};
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return derr_sys(e, "process.scheduler: sched_setattr");
	return 0;
}

int proc_set_limits(const struct oci_process *p, struct derr *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return derr_sys(e, "process.rlimits: %s", p->rlimits[i].name);
	}
	if (p->has_oom_score_adj) {
		char buf[16];
		snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
		if (write_proc("/proc/self/oom_score_adj", buf, e) < 0)
			return derr_wrap(e, "process.oomScoreAdj");
	}
	if (p->has_io_priority) {
		int prio = (p->io_priority_class << 13) | p->io_priority;
		if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
			return derr_sys(e, "process.ioPriority: ioprio_set");
	}
	if (p->has_scheduler && set_sched(p, e) < 0)
		return -1;
	return 0;
}

int proc_chdir(const struct oci_process *p, struct derr *e)
{
	const char *cwd = p->cwd ? p->cwd : "/";
	if (chdir(cwd) == 0)
		return 0;
	if (errno != ENOENT)
		return derr_sys(e, "process.cwd \"%s\"", cwd);
	if (mkdir_p(cwd, 0755, e) < 0 || chdir(cwd) < 0)
		return derr_sys(e, "process.cwd \"%s\"", cwd);
	return 0;
}

int proc_set_user(const struct oci_process *p, struct derr *e)
{
	const struct oci_user *u = &p->user;
	if (u->has_umask)
		umask(u->umask);
	if (setgroups(u->n_additional_gids, u->additional_gids) < 0 && !(errno == EPERM && !u->n_additional_gids))
		return derr_sys(e, "process.user.additionalGids: setgroups");
	if (caps_before_setuid(p, e) < 0)
		return -1;
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return derr_sys(e, "process.user.gid %u: setresgid", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return derr_sys(e, "process.user.uid %u: setresuid", u->uid);
	return caps_after_setuid(p, e);
}

static bool wants_seccomp(const struct proc_spec *s)
{
	return s->seccomp && s->seccomp->present && s->bpf;
}

int proc_become(const struct proc_spec *s, int *notify_fd, struct derr *e)
{
	const struct oci_process *p = s->p;
	*notify_fd = -1;
	/* Without no_new_privs the kernel wants CAP_SYS_ADMIN to load a filter:
	 * load it before the uid change, as runc does. */
	bool early = wants_seccomp(s) && !p->no_new_privileges;
	if (early && bpf_install(s->seccomp, s->bpf, notify_fd, e) < 0)
		return -1;
	if (proc_set_user(p, e) < 0)
		return -1;
	if (p->apparmor_profile && *p->apparmor_profile && apparmor_exec_profile(p->apparmor_profile, e) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return derr_sys(e, "process.noNewPrivileges: prctl");
	if (wants_seccomp(s) && !early && bpf_install(s->seccomp, s->bpf, notify_fd, e) < 0)
		return -1;
	return 0;
}

/* close_range (Linux 5.9, CLOSE_RANGE_CLOEXEC 5.11) over the gaps between
 * the kept fds: a few syscalls instead of a walk of /proc/self/fd. -1 when
 * the kernel has none of it (nothing done then) or there are too many to
 * keep. */
static int fds_by_range(int first, const int *keep, size_t n, bool close_them)
{
	int sorted[64];
	size_t m = 0;
	for (size_t i = 0; i < n; i++) { /* insertion sort of the ones >= first */
		size_t j = m;
		if (keep[i] < first)
			continue;
		if (m == ARRAY_SIZE(sorted))
			return -1;
		while (j > 0 && sorted[j - 1] > keep[i])
			sorted[j] = sorted[j - 1], j--;
		sorted[j] = keep[i], m++;
	}
	unsigned flags = close_them ? 0 : CLOSE_RANGE_CLOEXEC, lo = (unsigned)first;
	bool called = false;
	for (size_t i = 0; i <= m; i++) {
		unsigned hi = i < m ? (unsigned)sorted[i] : ~0U;
		if (hi > lo) {
			if (syscall(SYS_close_range, lo, hi - (i < m), flags) < 0 && !called)
				return -1;
			called = true;
		}
		if (i < m && (unsigned)sorted[i] + 1 > lo)
			lo = (unsigned)sorted[i] + 1;
	}
	return 0;
}

void proc_fds_from(int first, const int *keep, size_t n, bool close_them)
{
	if (fds_by_range(first, keep, n, close_them) == 0)
		return;
	cleanup_dir DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		bool kept = de->d_name[0] == '.' || fd < first || fd == dirfd(d);
		for (size_t i = 0; i < n && !kept; i++)
			kept = keep[i] == fd;
		if (kept)
			continue;
		if (close_them)
			close(fd);
		else
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
}

pid_t proc_fork_background(const int *keep, size_t n_keep, int *report, struct derr *e)
{
	int p[2], kept[NS_KEEP_MAX + 1];
	if (n_keep > NS_KEEP_MAX)
		return derr_set(e, EINVAL, "fork: too many fds to keep");
	if (pipe2(p, O_CLOEXEC) < 0)
		return derr_sys(e, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		derr_sys(e, "fork");
		close(p[0]), close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		stdio_to_devnull(); /* the caller must never hang on our pipes */
		memcpy(kept, keep, n_keep * sizeof *keep);
		kept[n_keep] = p[1];
		proc_fds_from(3, kept, n_keep + 1, true);
		*report = p[1];
		return 0;
	}
	close(p[1]);
	char msg[ERR_MSG_MAX];
	size_t len = read_all(p[0], msg, sizeof msg);
	close(p[0]);
	int status;
	if (len > 0) {
		waitpid(pid, NULL, 0);
		return derr_set(e, 0, "%s", msg);
	}
	/* it lives on; it reports nothing only when all went well */
	if (waitpid(pid, &status, WNOHANG) == pid && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return derr_set(e, 0, "background process %d died", pid);
	return pid;
}

int proc_sysctl(const struct oci_linux *l, struct derr *e)
{
	for (size_t i = 0; i < l->n_sysctl; i++) {
		char path[512];
		int n = snprintf(path, sizeof path, "/proc/sys/%s", l->sysctl[i].key);
		for (char *c = path + 10; c < path + n; c++)
			if (*c == '.')
				*c = '/';
		if (write_proc(path, l->sysctl[i].value, e) < 0)
			return derr_wrap(e, "linux.sysctl \"%s\"", l->sysctl[i].key);
	}
	return 0;
}

int proc_exec(const char *path, const struct oci_process *p, struct derr *e)
{
	char **argv = xcalloc(p->n_args + 1, sizeof *argv);
	char **envp = xcalloc(p->n_env + 1, sizeof *envp);
	memcpy(argv, p->args, p->n_args * sizeof *argv);
	memcpy(envp, p->env, p->n_env * sizeof *envp);
	execve(path, argv, envp);
	derr_sys(e, "exec \"%s\"", p->args[0]);
	free(argv);
	free(envp);
	return -1;
}
