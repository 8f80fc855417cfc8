/* exec.c: a new process in a running container: join its namespaces (user
 * first) and cgroup, apply the same confinement as the init, exec. */
#include "container.h"

#include "cgroup.h"
#include "ns.h"
#include "process.h"
#include "seccomp_bpf.h"
#include "sync.h"
#include "terminal.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

struct xctx {
	const struct exec_opts *o;
	struct cstate s;
	struct oci_config cfg;
	struct oci_process proc;
	struct bpf_program bpf;
	struct cg cg;
	int ns_fds[NS_COUNT];
	char dir[PATH_MAX];
	const char *log;
};

/* Namespaces of the container that differ from ours. */
static int open_container_ns(struct xctx *x, struct derr *e)
{
	for (int t = 0; t < NS_COUNT; t++) {
		char self[64], their[64];
		struct stat a, b;
		x->ns_fds[t] = -1;
		snprintf(self, sizeof self, "/proc/self/ns/%s", ns_info((enum ns_type)t)->proc);
		snprintf(their, sizeof their, "/proc/%d/ns/%s", x->s.pid, ns_info((enum ns_type)t)->proc);
		if (stat(their, &b) < 0 || (stat(self, &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev))
			continue;
		x->ns_fds[t] = ns_open_pid(x->s.pid, (enum ns_type)t, e);
		if (x->ns_fds[t] < 0)
			return -1;
	}
	return 0;
}

static int env_override(struct oci_process *p, struct arena *a, char **env, int n)
{
	char **v = arena_alloc(a, sizeof *v * (p->n_env + (size_t)n + 1));
	memcpy(v, p->env, sizeof *v * p->n_env);
	size_t cnt = p->n_env;
	for (int i = 0; i < n; i++) {
		size_t klen = strcspn(env[i], "=");
		size_t j;
		for (j = 0; j < cnt; j++)
			if (strncmp(v[j], env[i], klen) == 0 && v[j][klen] == '=')
				break;
		v[j] = env[i];
		if (j == cnt)
			cnt++;
	}
	p->env = v;
	p->n_env = cnt;
	return 0;
}

static int build_process(struct xctx *x, struct derr *e)
{
	const struct exec_opts *o = x->o;
	if (o->process_file)
		return config_load_process(o->process_file, &x->cfg, &x->proc, e);
	if (o->argc < 1)
		return derr_set(e, 0, "exec: no command given");
	x->proc = x->cfg.process;
	x->proc.args = o->argv;
	x->proc.n_args = (size_t)o->argc;
	x->proc.terminal = o->tty;
	if (o->cwd)
		x->proc.cwd = (char *)o->cwd;
	if (o->user) {
		char *end;
		unsigned long uid = strtoul(o->user, &end, 10);
		unsigned long gid = *end == ':' ? strtoul(end + 1, &end, 10) : 0;
		if (*end || end == o->user)
			return derr_set(e, 0, "exec: --user \"%s\": want UID[:GID]", o->user);
		x->proc.user.uid = (uint32_t)uid, x->proc.user.gid = (uint32_t)gid;
		x->proc.user.n_additional_gids = 0;
	}
	for (int i = 0; i < o->n_env; i++)
		if (!strchr(o->env[i], '='))
			return derr_set(e, 0, "exec: --env \"%s\": want KEY=VALUE", o->env[i]);
	return env_override(&x->proc, &x->cfg.arena, o->env, o->n_env);
}

static _Noreturn void exec_child(struct xctx *x, int sock)
{
	struct derr e = {0};
	char exe[PATH_MAX];
	int notify;
	static const enum ns_type order[] = {NS_USER, NS_MNT, NS_NET, NS_IPC, NS_UTS, NS_CGROUP};
	/* a clone of the host binary inside the container's pid namespace: no
	 * /proc/PID/exe for the container to open until exec (CVE-2019-5736) */
	prctl(PR_SET_DUMPABLE, 0);
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (ns_join(x->ns_fds, order[i], &e) < 0)
			goto fail;
	if (x->proc.terminal) {
		int master, slave;
		if (term_open_pty(&master, &slave, &e) < 0 || sync_send(sock, SYNC_PTY, 0, NULL, master) < 0 ||
		    term_make_controlling(slave, &e) < 0)
			goto fail;
		close(master);
	} else if (x->log) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		int log = open(x->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (null < 0 || log < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0) {
			derr_sys(&e, "open \"%s\"", x->log);
			goto fail;
		}
	}
	struct proc_spec ps = {.p = &x->proc,
	                       .seccomp = &x->cfg.linux.seccomp,
	                       .bpf = x->cfg.linux.seccomp.present ? &x->bpf : NULL,
	                       .preserve_fds = x->o->preserve_fds};
	if (proc_chdir(&x->proc, &e) < 0 || proc_find_exec(&x->proc, exe, sizeof exe, &e) < 0 ||
	    proc_set_limits(&x->proc, &e) < 0 || proc_become(&ps, &notify, &e) < 0)
		goto fail;
	if (notify >= 0 && sync_send(sock, SYNC_SECCOMP, 0, NULL, notify) < 0) {
		derr_sys(&e, "seccomp: send the listener");
		goto fail;
	}
	proc_fds_from(3 + x->o->preserve_fds, NULL, 0, false);
	proc_exec(exe, &x->proc, &e);
fail:
	sync_send(sock, SYNC_ERROR, 0, &e, -1);
	_exit(127);
}

static pid_t spawn_exec(struct xctx *x, int sock_child, struct derr *e)
{
	if (ns_join(x->ns_fds, NS_PID, e) < 0 || ns_join(x->ns_fds, NS_TIME, e) < 0)
		return -1;
	bool placed;
	pid_t pid = ns_clone(0, x->cg.dirfd, &placed);
	if (pid < 0)
		return derr_sys(e, "clone");
	if (pid == 0)
		exec_child(x, sock_child);
	if (!placed && x->cg.dirfd >= 0 && cg_enter(&x->cg, pid, e) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* The exec'd process's seccomp listener goes to listenerPath, with the
 * state of the container it joined. */
static int send_listener(struct xctx *x, int fd, struct derr *e)
{
	cleanup_free char *state = state_render(&x->s, false, 0);
	cleanup_free char *msg = seccomp_listener_message(&x->cfg.linux.seccomp, x->s.pid, state);
	return term_send_fd("linux.seccomp.listenerPath", x->cfg.linux.seccomp.listener_path, fd, msg, e);
}

/* Wait for the child's exec: EOF on the sync socket means it worked; a pty
 * master may come first. */
static int await_exec(struct xctx *x, int sock, int *pty, struct derr *e)
{
	struct sync_msg m;
	int fd;
	*pty = -1;
	for (;;) {
		ssize_t n = recv(sock, &m, sizeof m, MSG_PEEK);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (sync_recv(sock, &m, &fd, e) < 0)
			return -1;
		if (m.type == SYNC_SECCOMP && fd >= 0) {
			int r = send_listener(x, fd, e);
			close(fd);
			if (r < 0)
				return -1;
		}
		if (m.type == SYNC_PTY && fd >= 0) {
			if (x->o->console_socket) {
				int r = term_send_console_socket(x->o->console_socket, fd, e);
				close(fd);
				if (r < 0)
					return -1;
			} else {
				*pty = fd;
			}
		}
	}
}

static int exec_prepare(struct xctx *x, struct derr *e)
{
	int lock;
	if (container_open(x->o->root, x->o->id, x->dir, sizeof x->dir, &lock, &x->s, e) < 0)
		return -1;
	close(lock);
	if (x->s.status != CS_RUNNING && x->s.status != CS_CREATED)
		return derr_set(e, 0, "container \"%s\" is %s, not running", x->o->id, state_status_name(x->s.status));
	cleanup_free char *cpath = xasprintf("%s/config.json", x->s.bundle);
	if (config_load(cpath, &x->cfg, e) < 0 || build_process(x, e) < 0)
		return -1;
	if (x->cfg.linux.seccomp.present && bpf_compile(&x->cfg.linux.seccomp, &x->bpf, e) < 0)
		return -1;
	struct derr ignore;
	if (container_cg_open(&x->s, &x->cg, &ignore) < 0)
		x->cg.dirfd = -1;
	if (x->o->raind && x->s.raind && !x->proc.terminal) {
		cleanup_free char *logs = xasprintf("%s/logs", x->dir);
		if (mkdir_p(logs, 0755, e) < 0)
			return -1;
		char *log = arena_alloc(&x->cfg.arena, strlen(logs) + 16);
		sprintf(log, "%s/exec.log", logs);
		x->log = log;
	}
	return open_container_ns(x, e);
}

static int exec_wait(struct xctx *x, pid_t pid, int pty, struct derr *e)
{
	int status = 0;
	if (pty >= 0) {
		if (term_interactive(pty, pid, &status, e) < 0)
			return -1;
		close(pty);
	} else {
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return derr_sys(e, "wait");
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Start the process: it joins the container and execs; returns its pid,
 * with *pty its terminal's master when it has one. */
static pid_t exec_start(struct xctx *x, int *pty, struct derr *e)
{
	int sp[2];
	*pty = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return derr_sys(e, "socketpair");
	pid_t pid = spawn_exec(x, sp[1], e);
	close(sp[1]);
	if (pid >= 0 && await_exec(x, sp[0], pty, e) < 0) {
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(sp[0]);
	return pid;
}

/* Raind `exec -t`: a shim (setsid, stdio on /dev/null) owns the process's
 * pty, logs to logs/exec_console.log and serves exec_tty.sock with the
 * framed protocol; this command is its first client, in the calling
 * terminal. */
static _Noreturn void exec_shim(struct xctx *x, const char *sock, int report)
{
	struct derr e = {0};
	int pty, status;
	cleanup_free char *log = xasprintf("%s/logs/exec_console.log", x->dir);
	int lfd = term_shim_listen(sock, &e);
	pid_t pid = lfd < 0 ? -1 : exec_start(x, &pty, &e);
	int logfd = pid < 0 ? -1 : term_open_log(log, &e);
	if (logfd < 0) {
		write_all(report, e.msg, strlen(e.msg));
		unlink(sock);
		_exit(1);
	}
	close(report);
	term_shim_loop(pty, lfd, logfd, pid, &status, &e);
	unlink(sock);
	_exit(0);
}

static int exec_with_shim(struct xctx *x, struct derr *e)
{
	cleanup_free char *sock = xasprintf("%s/exec_tty.sock", x->dir);
	int report, keep[NS_COUNT + 1] = {x->cg.dirfd};
	memcpy(keep + 1, x->ns_fds, sizeof x->ns_fds);
	pid_t shim = proc_fork_background(keep, ARRAY_SIZE(keep), &report, e);
	if (shim == 0)
		exec_shim(x, sock, report);
	if (shim < 0)
		return -1;
	return term_attach(sock, NULL, e) < 0 ? -1 : 0;
}

static int exec_direct(struct xctx *x, struct derr *e)
{
	const struct exec_opts *o = x->o;
	int pty;
	pid_t pid = exec_start(x, &pty, e);
	if (pid < 0)
		return -1;
	if (o->pid_file) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%d", pid);
		if (write_file_atomic(o->pid_file, buf, (size_t)n, e) < 0)
			return -1;
	}
	if (o->detach || x->log)
		return 0;
	return exec_wait(x, pid, pty, e);
}

int container_exec(const struct exec_opts *o, struct derr *e)
{
	struct xctx x = {.o = o, .cg = {.dirfd = -1}};
	int r = -1;
	for (int t = 0; t < NS_COUNT; t++)
		x.ns_fds[t] = -1;
	if (exec_prepare(&x, e) == 0)
		r = o->raind && x.s.raind && x.proc.terminal ? exec_with_shim(&x, e) : exec_direct(&x, e);
	ns_close_joins(x.ns_fds);
	bpf_program_free(&x.bpf);
	cg_close(&x.cg);
	state_free(&x.s);
	config_free(&x.cfg);
	return r;
}
