/* lifecycle.c: the commands on an existing container: kill, stop, delete,
 * state, list, ps, pause/resume, update, events; and the host-side cleanup. */
#include "container.h"

#include "cgroup.h"
#include "hooks.h"
#include "json.h"
#include "net.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

int container_state_dir(const char *root, const char *id, char *out, size_t n, struct derr *e)
{
	if (state_check_id(id, e) < 0)
		return -1;
	snprintf(out, n, "%s/%s", root, id);
	if (access(out, F_OK) < 0)
		return derr_set(e, 0, "container \"%s\" does not exist", id);
	return 0;
}

int wait_pid_gone(pid_t pid, unsigned long long start_time, int timeout_ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		int r;
		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		close(pfd);
		if (r > 0)
			return 1;
	}
	/* A zombie (not reaped by its parent) counts as gone. */
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (proc_start_time(pid) != start_time)
			return 1;
		if (pfd >= 0)
			return 0;
		usleep(10000);
	}
	return proc_start_time(pid) != start_time;
}

/* Load a container's state under its lock. */
int container_open(const char *root, const char *id, char *dir, size_t n, int *lock, struct cstate *s, struct derr *e)
{
	if (container_state_dir(root, id, dir, n, e) < 0)
		return -1;
	*lock = state_lock(dir, e);
	if (*lock < 0)
		return -1;
	if (state_load(dir, id, s, e) < 0) {
		close(*lock);
		return -1;
	}
	return 0;
}

int container_cg_open(const struct cstate *s, struct cg *cg, struct derr *e)
{
	cg->dirfd = -1;
	if (!s->cgroup_rel)
		return derr_set(e, 0, "container \"%s\" has no cgroup", s->id);
	cleanup_free char *abs = xasprintf("/%s", s->cgroup_rel);
	return cg_open(cg, abs, s->id, e);
}

static int signal_all(const struct cstate *s, int sig, struct derr *e)
{
	struct cg cg;
	pid_t *pids = NULL;
	size_t n = 0;
	if (container_cg_open(s, &cg, e) < 0)
		return kill(s->pid, sig) < 0 ? derr_sys(e, "kill %d", s->pid) : 0;
	int r = cg_pids(&cg, &pids, &n, e);
	for (size_t i = 0; r == 0 && i < n; i++)
		kill(pids[i], sig);
	free(pids);
	cg_close(&cg);
	return r;
}

int container_kill(const char *root, const char *id, const char *signal, bool all, struct derr *e)
{
	char dir[PATH_MAX];
	int lock;
	struct cstate s;
	int sig = signal ? signal_parse(signal) : SIGTERM;
	if (sig < 0)
		return derr_set(e, 0, "kill: unknown signal \"%s\"", signal);
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
		return -1;
	int r;
	if (s.status == CS_STOPPED)
		r = derr_set(e, 0, "container \"%s\" is not running", id);
	else if (all)
		r = signal_all(&s, sig, e);
	else
		r = kill(s.pid, sig) < 0 ? derr_sys(e, "kill container \"%s\" (pid %d)", id, s.pid) : 0;
	state_free(&s);
	close(lock);
	return r;
}

int container_stop(const char *root, const char *id, int grace, struct derr *e)
{
	char dir[PATH_MAX];
	int lock;
	struct cstate s;
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
		return -1;
	close(lock); /* the monitor must be able to record the exit */
	int r = 0;
	if (s.status != CS_STOPPED) {
		if (s.status == CS_PAUSED)
			container_pause(root, id, false, e);
		kill(s.pid, SIGTERM);
		if (!wait_pid_gone(s.pid, s.start_time, grace * 1000)) {
			signal_all(&s, SIGKILL, e);
			kill(s.pid, SIGKILL);
			if (!wait_pid_gone(s.pid, s.start_time, 5000))
				r = derr_set(e, 0, "container \"%s\": still running after SIGKILL", id);
		}
	}
	/* give the monitor a moment to write exit_code */
	if (s.shim_pid > 0)
		wait_pid_gone(s.shim_pid, proc_start_time(s.shim_pid), 2000);
	state_free(&s);
	return r;
}

static void remove_files(const char *dir)
{
	static const char *const files[] = {"state.json", "state.json.tmp", "exec.fifo", "tty.sock", "exec_tty.sock"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = xasprintf("%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir); /* the Raind bundle keeps config.json and logs/: it stays */
}

int container_cleanup(const char *dir, struct cstate *st, const struct oci_config *cfg, struct derr *e)
{
	struct derr tmp;
	int r = 0;
	if (st->status != CS_STOPPED && st->pid > 0) {
		kill(st->pid, SIGKILL);
		wait_pid_gone(st->pid, st->start_time, 5000);
		st->status = CS_STOPPED;
	}
	struct cg cg;
	if (container_cg_open(st, &cg, &tmp) == 0 && cg_destroy(&cg, &tmp) < 0 && r == 0)
		*e = tmp, r = -1;
	if (cfg && cfg->net.present && net_teardown_host(&cfg->net, &tmp) < 0 && r == 0)
		*e = tmp, r = -1;
	/* runc style: nobody watched the stop, so stopContainer runs now */
	if (cfg && cfg->hooks.n[HOOK_STOP_CONTAINER] && !st->has_exit) {
		cleanup_free char *json = state_render(st, false, 0);
		if (hook_run_phase(&cfg->hooks, HOOK_STOP_CONTAINER, json, &tmp) < 0)
			log_warn("%s", tmp.msg);
	}
	if (cfg && cfg->hooks.n[HOOK_POSTSTOP]) {
		cleanup_free char *json = state_render(st, false, 0);
		if (hook_run_phase(&cfg->hooks, HOOK_POSTSTOP, json, &tmp) < 0)
			log_warn("%s", tmp.msg);
	}
	remove_files(dir);
	return r;
}

/* The config a delete needs for poststop hooks and the veth; a bundle that
 * is gone or broken does not stop the delete. */
static bool load_bundle_config(const struct cstate *s, const char *dir, struct oci_config *cfg)
{
	struct derr e;
	cleanup_free char *cpath = xasprintf("%s/config.json", s->bundle ? s->bundle : dir);
	if (config_load(cpath, cfg, &e) == 0)
		return true;
	log_debug("delete: %s", e.msg);
	return false;
}

int container_delete(const char *root, const char *id, bool force, struct derr *e)
{
	char dir[PATH_MAX];
	int lock;
	struct cstate s;
	struct oci_config cfg = {0};
	struct derr ce;
	struct cg cg;
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
		return force && strstr(e->msg, "does not exist") ? 0 : -1;
	int r = -1;
	if (s.status != CS_STOPPED && !force) {
		derr_set(e, 0, "container \"%s\" is %s; stop it first or use --force", id, state_status_name(s.status));
	} else {
		if (s.status == CS_PAUSED && container_cg_open(&s, &cg, &ce) == 0)
			cg_freeze(&cg, false, &ce), cg_close(&cg);
		bool have_cfg = load_bundle_config(&s, dir, &cfg);
		r = container_cleanup(dir, &s, have_cfg ? &cfg : NULL, e);
		if (s.shim_pid > 0 && proc_start_time(s.shim_pid))
			wait_pid_gone(s.shim_pid, proc_start_time(s.shim_pid), 2000);
	}
	config_free(&cfg);
	state_free(&s);
	close(lock);
	return r;
}

int container_state(const char *root, const char *id, struct derr *e)
{
	char dir[PATH_MAX];
	int lock;
	struct cstate s;
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
		return -1;
	close(lock);
	cleanup_free char *text = state_render(&s, false, 2);
	printf("%s\n", text);
	state_free(&s);
	return 0;
}
