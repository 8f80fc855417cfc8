/* process.h: turning the current process into process.* of the config:
 * shared by the container init and by exec. */
#ifndef DROPLET_PROCESS_H
#define DROPLET_PROCESS_H

#include "config.h"
#include "seccomp_bpf.h"

/* What a process needs to become the container's process. */
struct proc_spec {
	const struct oci_process *p;
	const struct oci_seccomp *seccomp; /* NULL: none */
	const struct bpf_program *bpf;     /* compiled by the parent; NULL: none */
	int preserve_fds;                  /* keep 3 .. 3+n-1 open */
};

/* Resolve args[0] on the PATH of p->env (inside the current root). */
int proc_find_exec(const struct oci_process *p, char *out, size_t n, struct derr *e);
/* rlimits, oom_score_adj, ioPriority, scheduler (before the uid change). */
int proc_set_limits(const struct oci_process *p, struct derr *e);
/* chdir to process.cwd, creating it when missing (as runc does). */
int proc_chdir(const struct oci_process *p, struct derr *e);
/* umask, groups, gid, uid and capabilities around the change. */
int proc_set_user(const struct oci_process *p, struct derr *e);
/* The last steps before exec: user and capabilities, AppArmor,
 * no_new_privs and seccomp (loaded before the uid change when
 * no_new_privs is off, since the kernel then wants CAP_SYS_ADMIN). */
int proc_become(const struct proc_spec *s, int *notify_fd, struct derr *e);
/* Every fd >= first except those in keep[0..n): closed, or (close_them
 * false) marked close-on-exec. */
void proc_fds_from(int first, const int *keep, size_t n, bool close_them);
#define NS_KEEP_MAX (NS_COUNT + 2)
/* Fork a background process: setsid, stdio on /dev/null, every fd >= 3
 * closed but keep[0..n_keep) and its report pipe. In the child: returns 0
 * with *report the pipe's write end, where it writes why it failed, or
 * which it closes once all went well. In the parent: waits for that report
 * and returns the child's pid, or -1 with the child's text in *e. */
pid_t proc_fork_background(const int *keep, size_t n_keep, int *report, struct derr *e);
/* Apply linux.sysctl (after pivot_root, in the container's /proc/sys). */
int proc_sysctl(const struct oci_linux *l, struct derr *e);
/* execve path with args and env; returns only on failure. */
int proc_exec(const char *path, const struct oci_process *p, struct derr *e);
#endif
