/* init.c: the container's init, between clone and exec: wait for the
 * parent, network inside, rootfs, hooks, process setup, wait for start,
 * confinement, exec. Every failure is sent to the parent and ends in _exit. */
#include "init.h"

#include "hooks.h"
#include "process.h"
#include "rootfs.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>

static _Noreturn void fail(int fd, struct derr *e)
{
	sync_send(fd, SYNC_ERROR, 0, e, -1);
	_exit(1);
}

/* The state JSON a createContainer/startContainer hook reads. */
static char *hook_state(const struct init_args *a, int pid, enum cstatus st)
{
	struct cstate s = {
	    .id = (char *)a->id,
	    .status = st,
	    .pid = pid,
	    .bundle = (char *)a->bundle,
	    .rootfs = (char *)a->rootfs,
	    .annotations = a->cfg->annotations,
	    .n_annotations = a->cfg->n_annotations,
	};
	return state_render(&s, false, 0);
}

/* The pty rootfs_prepare opened: its master goes to the parent, its slave
 * becomes our controlling terminal and stdio. */
static int setup_tty(const struct init_args *a, int master, int slave, struct derr *e)
{
	const struct oci_process *p = &a->cfg->process;
	if (p->has_console_size && term_set_size(master, p->console_height, p->console_width, e) < 0)
		return -1;
	if (sync_send(a->sync_fd, SYNC_PTY, 0, NULL, master) < 0)
		return derr_sys(e, "send pty");
	close(master);
	if (term_make_controlling(slave, e) < 0)
		return -1;
	if (slave > 2)
		close(slave);
	return 0;
}

static int setup_stdio(const struct init_args *a, struct derr *e)
{
	if (!a->log_path)
		return 0;
	cleanup_fd int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cleanup_fd int log = open(a->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (null < 0 || log < 0)
		return derr_sys(e, "open \"%s\"", null < 0 ? "/dev/null" : a->log_path);
	if (dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
		return derr_sys(e, "dup2");
	return 0;
}

/* Join the namespaces given by path (the user namespace, if any, was joined
 * before the clone; pid by the parent). */
static int setup_namespaces(struct init_args *a, struct derr *e)
{
	static const enum ns_type order[] = {NS_MNT, NS_NET, NS_IPC, NS_UTS, NS_CGROUP, NS_TIME};
	const struct oci_config *c = a->cfg;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (ns_join(a->join_fds, order[i], e) < 0)
			return -1;
	ns_close_joins(a->join_fds);
	bool userns = a->new_userns || a->joined_userns;
	/* Our kuid is not mapped in a new user namespace: become its root. */
	if (userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return derr_sys(e, "user namespace: become root (are uid/gid 0 mapped?)");
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		return derr_sys(e, "hostname \"%s\"", c->hostname);
	if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
		return derr_sys(e, "domainname \"%s\"", c->domainname);
	return 0;
}

static int setup_container(struct init_args *a, int pid, char *exe, size_t exe_len, struct derr *e)
{
	const struct oci_config *c = a->cfg;
	int master = -1, slave = -1;
	if (setup_namespaces(a, e) < 0 || setup_stdio(a, e) < 0)
		return -1;
	struct rootfs_ctx rc = {
	    .cfg = c,
	    .bundle = a->bundle,
	    .rootfs = a->rootfs,
	    .userns = a->new_userns || a->joined_userns,
	    .console_slave = -1,
	    .pty_master = a->tty ? &master : NULL,
	    .pty_slave = a->tty ? &slave : NULL,
	    .new_pid_ns = a->new_pidns,
	    .new_net_ns = a->new_netns,
	    .idmap_fds = a->idmap_fds,
	};
	if (rootfs_prepare(&rc, e) < 0 || (a->tty && setup_tty(a, master, slave, e) < 0))
		return -1;
	if (c->hooks.n[HOOK_CREATE_CONTAINER]) {
		cleanup_free char *st = hook_state(a, pid, CS_CREATED);
		if (hook_run_phase(&c->hooks, HOOK_CREATE_CONTAINER, st, e) < 0)
			return -1;
	}
	if (rootfs_pivot(&rc, e) < 0 || rootfs_finalize(&rc, e) < 0)
		return -1;
	if (proc_sysctl(&c->linux, e) < 0 || proc_chdir(&c->process, e) < 0)
		return -1;
	if (proc_find_exec(&c->process, exe, exe_len, e) < 0 || proc_set_limits(&c->process, e) < 0)
		return -1;
	return 0;
}

/* Block until `start` opens the fifo for reading; the returned fd is
 * CLOEXEC, so `start` sees EOF exactly when exec succeeds. */
static int wait_start(struct init_args *a, struct derr *e)
{
	if (a->fifo_fd < 0) {
		struct sync_msg m;
		if (sync_recv(a->sync_fd, &m, NULL, e) < 0)
			return -1;
		return a->sync_fd;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", a->fifo_fd);
	int fd;
	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return derr_sys(e, "open exec.fifo");
	close(a->fifo_fd);
	return fd;
}

static _Noreturn void report_late(int fd, bool fifo, struct derr *e)
{
	if (fifo) {
		char line[ERR_MSG_MAX + 2];
		int n = snprintf(line, sizeof line, "%s\n", e->msg);
		write_all(fd, line, (size_t)n);
		_exit(1);
	}
	fail(fd, e);
}

/* User, capabilities and seccomp before "ready"; the listener fd goes to
 * the parent, which hands it to linux.seccomp.listenerPath. */
static int become_early(const struct init_args *a, const struct proc_spec *ps, struct derr *e)
{
	int notify_fd;
	if (proc_become(ps, &notify_fd, e) < 0)
		return -1;
	if (notify_fd >= 0) {
		int r = sync_send(a->sync_fd, SYNC_SECCOMP, 0, NULL, notify_fd);
		close(notify_fd);
		if (r < 0)
			return derr_sys(e, "seccomp: send the listener");
	}
	return 0;
}

/* Close what the clone inherited, but keep[] and the idmapped trees. */
static void close_inherited(const struct init_args *a, const int *keep, size_t n)
{
	size_t m = a->idmap_fds ? a->cfg->n_mounts : 0;
	int *all = xmalloc((n + m) * sizeof *all);
	memcpy(all, keep, n * sizeof *all);
	if (m)
		memcpy(all + n, a->idmap_fds, m * sizeof *all);
	proc_fds_from(3 + a->preserve_fds, all, n + m, true);
	free(all);
}

_Noreturn void init_main(struct init_args *a)
{
	struct derr e = {0};
	struct sync_msg m;
	char exe[4096];
	const struct oci_config *c = a->cfg;

	/* A clone inherits every fd of droplet, CLOEXEC or not: the state lock,
	 * the caller's pipes. Keep only ours and the preserved ones. */
	int keep[NS_COUNT + 2] = {a->sync_fd, a->fifo_fd};
	memcpy(keep + 2, a->join_fds, sizeof a->join_fds);
	close_inherited(a, keep, ARRAY_SIZE(keep));
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0); /* no /proc/PID/exe games until exec (CVE-2019-5736) */
	/* Without id maps, hooks or a cgroup still to enter, nothing of the
	 * parent's comes first: set up while it works in parallel. */
	m.pid = 0;
	if ((a->wait_go || (a->in_cgroup && !*a->in_cgroup)) && sync_recv(a->sync_fd, &m, NULL, &e) < 0)
		_exit(1);
	if (setup_container(a, m.pid, exe, sizeof exe, &e) < 0)
		fail(a->sync_fd, &e);
	struct proc_spec ps = {
	    .p = &c->process, .seccomp = &c->linux.seccomp, .bpf = a->bpf, .preserve_fds = a->preserve_fds};
	/* With a seccomp listener the filter goes on now, as runc does, so that
	 * droplet is still there to pass the listener to listenerPath. */
	bool early = a->bpf && c->linux.seccomp.listener_path;
	if (early && become_early(a, &ps, &e) < 0)
		fail(a->sync_fd, &e);
	if (!a->keep_pdeathsig)
		prctl(PR_SET_PDEATHSIG, 0);
	if (sync_send(a->sync_fd, SYNC_READY, 0, NULL, -1) < 0)
		_exit(1);
	int out = wait_start(a, &e);
	if (out < 0)
		_exit(1);
	bool fifo = a->fifo_fd >= 0;
	if (c->hooks.n[HOOK_START_CONTAINER]) {
		cleanup_free char *st = hook_state(a, m.pid, CS_RUNNING);
		if (hook_run_phase(&c->hooks, HOOK_START_CONTAINER, st, &e) < 0)
			report_late(out, fifo, &e);
	}
	int notify_fd;
	if (!early && proc_become(&ps, &notify_fd, &e) < 0)
		report_late(out, fifo, &e);
	/* The sync socket and the fifo are close-on-exec: the parent's read
	 * returns EOF exactly when exec succeeded. */
	proc_fds_from(3 + a->preserve_fds, NULL, 0, false);
	proc_exec(exe, &c->process, &e);
	report_late(out, fifo, &e);
}
