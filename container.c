/* container.c: create, start and run: the parent's side of bringing a
 * container up, and the one undo path when anything fails on the way. */
#include "container.h"

#include "cgroup.h"
#include "hooks.h"
#include "idmap.h"
#include "init.h"
#include "json.h"
#include "net.h"
#include "ns.h"
#include "process.h"
#include "seccomp_bpf.h"
#include "sync.h"
#include "terminal.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

struct ctr {
	const struct create_opts *o;
	bool run; /* created for run: no exec.fifo */
	char dir[PATH_MAX], bundle[PATH_MAX], rootfs[PATH_MAX];
	struct oci_config cfg;
	struct bpf_program bpf;
	struct cg cg;
	int sync_fd, lock_fd, fifo_fd, pty;
	int join_fds[NS_COUNT];
	int *idmap_fds; /* idmapped trees for the init, per mounts[] entry (idmap.c) */
	pid_t pid;
	bool dir_made, prepared, net_done, cg_done, fifo_made, state_saved, new_netns;
	bool wait_go; /* the init waits for SYNC_GO: id maps or hooks come first */
	struct cstate st;
};

static void ctr_init(struct ctr *c, const struct create_opts *o, bool run)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	c->run = run;
	c->sync_fd = c->lock_fd = c->fifo_fd = c->pty = -1;
	c->cg.dirfd = -1;
	for (int t = 0; t < NS_COUNT; t++)
		c->join_fds[t] = -1;
}

/* Raind layout: the bundle is <root>/<id> when it holds config.json, else
 * the current directory. runc layout: --bundle, else the current directory. */
static int resolve_bundle(struct ctr *c, struct derr *e)
{
	char cwd[PATH_MAX];
	const char *b = c->o->bundle;
	if (!getcwd(cwd, sizeof cwd))
		return derr_sys(e, "getcwd");
	if (!b) {
		snprintf(c->bundle, sizeof c->bundle, "%s/config.json", c->dir);
		b = access(c->bundle, F_OK) == 0 ? c->dir : cwd;
	}
	if (!realpath(b, c->bundle))
		return derr_sys(e, "bundle \"%s\"", b);
	return 0;
}

/* Engines set SELinux labels by default: where SELinux is off they mean
 * nothing (crun ignores them too); where it is on, droplet cannot honour
 * them and says so. */
static int check_selinux(const struct oci_config *cfg, struct derr *e)
{
	const char *label = cfg->process.selinux_label ? cfg->process.selinux_label : cfg->linux.mount_label;
	if (!label || !*label)
		return 0;
	if (access("/sys/fs/selinux/enforce", F_OK) == 0)
		return derr_set(e, 0, "config.json: %s \"%s\": SELinux labels are not supported by droplet",
		                cfg->process.selinux_label ? "process.selinuxLabel" : "linux.mountLabel", label);
	log_debug("SELinux is not enabled: label \"%s\" ignored", label);
	return 0;
}

static int load_config(struct ctr *c, struct derr *e)
{
	cleanup_free char *path = xasprintf("%s/config.json", c->bundle);
	struct stat st;
	if (config_load(path, &c->cfg, e) < 0)
		return -1;
	if (!c->cfg.process.present)
		return derr_set(e, 0, "config.json: process: required to create a container");
	if (c->cfg.linux.intel_rdt)
		return derr_set(e, 0, "config.json: linux.intelRdt: not supported by droplet");
	if (check_selinux(&c->cfg, e) < 0)
		return -1;
	const char *r = c->cfg.root.path;
	if (r[0] == '/')
		snprintf(c->rootfs, sizeof c->rootfs, "%s", r);
	else
		snprintf(c->rootfs, sizeof c->rootfs, "%s/%s", c->bundle, r);
	if (c->cfg.image.present) /* the overlay creates the mount point */
		return 0;
	if (stat(c->rootfs, &st) < 0)
		return derr_sys(e, "root.path \"%s\"", c->rootfs);
	if (!S_ISDIR(st.st_mode))
		return derr_set(e, 0, "root.path \"%s\": not a directory", c->rootfs);
	if (c->cfg.process.terminal && !c->o->console_socket && !c->run && !c->o->raind)
		return derr_set(e, 0, "process.terminal: create needs --console-socket for a terminal");
	return 0;
}

/* <root>/<id>: made if missing, locked; an existing state must be stopped
 * (a Raind restart re-creates on the same bundle). */
static int prepare_dir(struct ctr *c, struct derr *e)
{
	if (mkdir(c->o->root, 0711) < 0 && errno != EEXIST && mkdir_p(c->o->root, 0711, e) < 0)
		return -1;
	snprintf(c->dir, sizeof c->dir, "%s/%s", c->o->root, c->o->id);
	if (mkdir(c->dir, 0711) == 0)
		c->dir_made = true;
	else if (errno != EEXIST)
		return derr_sys(e, "mkdir \"%s\"", c->dir);
	c->lock_fd = state_lock(c->dir, e);
	if (c->lock_fd < 0)
		return -1;
	struct cstate old;
	struct derr ignore;
	if (state_load(c->dir, c->o->id, &old, &ignore) == 0) {
		bool stopped = old.status == CS_STOPPED;
		state_free(&old);
		if (!stopped)
			return derr_set(e, 0, "container \"%s\" already exists", c->o->id);
		cleanup_free char *p = xasprintf("%s/state.json", c->dir);
		unlink(p);
	}
	return 0;
}

static int make_fifo(struct ctr *c, struct derr *e)
{
	cleanup_free char *p = xasprintf("%s/exec.fifo", c->dir);
	unlink(p);
	if (mkfifo(p, 0622) < 0)
		return derr_sys(e, "mkfifo \"%s\"", p);
	c->fifo_made = true;
	/* writable whatever uid the init ends up with (the umask took bits) */
	if (chmod(p, 0622) < 0)
		return derr_sys(e, "chmod \"%s\"", p);
	if (c->cfg.linux.n_uid_mappings) { /* container root must be able to open it */
		uid_t uid = c->cfg.linux.uid_mappings[0].host_id;
		gid_t gid = c->cfg.linux.n_gid_mappings ? c->cfg.linux.gid_mappings[0].host_id : 0;
		if (chown(p, uid, gid) < 0)
			return derr_sys(e, "chown \"%s\"", p);
	}
	c->fifo_fd = open(p, O_PATH | O_CLOEXEC);
	if (c->fifo_fd < 0)
		return derr_sys(e, "open \"%s\"", p);
	return 0;
}

/* Socket activation: the fds stay open (after the preserved ones) and the
 * process learns of them through LISTEN_FDS, with LISTEN_PID its own pid. */
static void add_listen_env(struct ctr *c)
{
	struct oci_process *p = &c->cfg.process;
	char **env = arena_alloc(&c->cfg.arena, sizeof *env * (p->n_env + 2));
	memcpy(env, p->env, sizeof *env * p->n_env);
	env[p->n_env++] = arena_strdup(&c->cfg.arena, "LISTEN_PID=1");
	char buf[32];
	snprintf(buf, sizeof buf, "LISTEN_FDS=%d", c->o->listen_fds);
	env[p->n_env++] = arena_strdup(&c->cfg.arena, buf);
	p->env = env;
}

static int spawn(struct ctr *c, struct derr *e)
{
	const struct oci_linux *l = &c->cfg.linux;
	unsigned long flags = ns_new_flags(l);
	cleanup_free char *log = NULL;
	int sp[2];
	if (ns_open_joins(l, c->join_fds, e) < 0)
		return -1;
	/* With a user namespace joined, the namespaces we create must belong
	 * to it: ns_clone_in_user clones from inside it, time namespace too. */
	int user_fd = c->join_fds[NS_USER];
	c->join_fds[NS_USER] = -1;
	if (user_fd < 0 && ns_join(c->join_fds, NS_PID, e) < 0) /* pid: for our children */
		goto fail;
	if (user_fd < 0 && (flags & CLONE_NEWTIME)) {
		if (unshare(CLONE_NEWTIME) < 0) {
			derr_sys(e, "linux.namespaces: time namespace");
			goto fail;
		}
		if (ns_write_time_offsets(l, e) < 0)
			goto fail;
		flags &= ~(unsigned long)CLONE_NEWTIME;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		derr_sys(e, "socketpair");
		goto fail;
	}
	if (c->o->raind && !c->run && !c->o->tty && !c->cfg.process.terminal) {
		cleanup_free char *dir = xasprintf("%s/logs", c->dir);
		if (mkdir_p(dir, 0755, e) < 0)
			goto fail_sp;
		log = xasprintf("%s/init.log", dir);
	}
	struct init_args a = {
	    .cfg = &c->cfg,
	    .id = c->o->id,
	    .bundle = c->bundle,
	    .rootfs = c->rootfs,
	    .state_dir = c->dir,
	    .sync_fd = sp[1],
	    .fifo_fd = c->fifo_fd,
	    .idmap_fds = c->idmap_fds,
	    .bpf = c->cfg.linux.seccomp.present ? &c->bpf : NULL,
	    .log_path = log,
	    .tty = c->o->tty || c->cfg.process.terminal,
	    .keep_pdeathsig = c->run && !c->o->detach,
	    .in_cgroup = c->cg.dirfd >= 0 ? &c->cg_done : NULL,
	    .preserve_fds = c->o->preserve_fds + c->o->listen_fds,
	    .new_userns = flags & CLONE_NEWUSER,
	    .joined_userns = user_fd >= 0,
	    .new_netns = flags & CLONE_NEWNET,
	    .new_pidns = flags & CLONE_NEWPID,
	};
	const struct oci_hooks *h = &c->cfg.hooks;
	c->wait_go = (flags & CLONE_NEWUSER) || h->n[HOOK_PRESTART] || h->n[HOOK_CREATE_RUNTIME] ||
	             h->n[HOOK_CREATE_CONTAINER] || h->n[HOOK_START_CONTAINER];
	a.wait_go = c->wait_go;
	memcpy(a.join_fds, c->join_fds, sizeof a.join_fds);
	pid_t pid = user_fd >= 0 ? ns_clone_in_user(user_fd, c->join_fds[NS_PID], c->cg.dirfd, flags, l, &c->cg_done, e)
	                         : ns_clone(flags, c->cg.dirfd, &c->cg_done);
	if (pid < 0) {
		if (user_fd < 0)
			derr_sys(e, "clone");
		goto fail_sp;
	}
	if (pid == 0) {
		close(sp[0]);
		init_main(&a);
	}
	if (user_fd >= 0)
		close(user_fd);
	close(sp[1]);
	c->sync_fd = sp[0];
	c->pid = pid;
	c->new_netns = flags & CLONE_NEWNET;
	ns_close_joins(c->join_fds);
	return 0;
fail_sp:
	close(sp[0]), close(sp[1]);
fail:
	if (user_fd >= 0)
		close(user_fd);
	return -1;
}

static char *iso_now(struct arena *a)
{
	char buf[64];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
	return arena_strdup(a, buf);
}

/* The state in memory: what hooks read on stdin and state.json holds. */
static void fill_state(struct ctr *c, enum cstatus status)
{
	struct cstate *s = &c->st;
	if (!s->id) {
		s->id = arena_strdup(&s->arena, c->o->id);
		s->bundle = c->bundle;
		s->rootfs = c->rootfs;
		s->created = iso_now(&s->arena);
		s->annotations = c->cfg.annotations;
		s->n_annotations = c->cfg.n_annotations;
		s->raind = c->o->raind;
		s->cgroup = c->cg.dirfd >= 0 ? c->cg.path : NULL;
		s->cgroup_rel = c->cg.dirfd >= 0 ? c->cg.rel : NULL;
	}
	s->status = status;
	s->pid = c->pid;
	if (!s->start_time)
		s->start_time = proc_start_time(c->pid);
}

static int save_state(struct ctr *c, enum cstatus status, struct derr *e)
{
	fill_state(c, status);
	if (state_save(c->dir, &c->st, e) < 0)
		return -1;
	c->state_saved = true;
	return 0;
}

static int run_hooks(struct ctr *c, enum hook_phase ph, enum cstatus st, struct derr *e)
{
	if (!c->cfg.hooks.n[ph])
		return 0;
	c->st.status = st;
	cleanup_free char *json = state_render(&c->st, false, 0);
	return hook_run_phase(&c->cfg.hooks, ph, json, e);
}

/* runc's "container process state": what a seccomp agent receives. */
char *seccomp_listener_message(const struct oci_seccomp *sc, pid_t pid, const char *state)
{
	struct arena a = {0};
	struct derr ignore;
	struct json_writer w;
	jw_init(&w, 0);
	jw_obj_begin(&w);
	jw_key(&w, "ociVersion"), jw_str(&w, OCI_VERSION);
	jw_key(&w, "fds"), jw_arr_begin(&w), jw_str(&w, "seccompFd"), jw_arr_end(&w);
	jw_key(&w, "pid"), jw_int(&w, pid);
	jw_key(&w, "metadata"), jw_str(&w, sc->listener_metadata ? sc->listener_metadata : "");
	jw_key(&w, "state");
	const struct json_value *v = json_parse(&a, state, strlen(state), &ignore);
	if (v)
		jw_value(&w, v);
	else
		jw_null(&w);
	jw_obj_end(&w);
	arena_free(&a);
	return jw_take(&w, NULL);
}

/* linux.seccomp.listenerPath gets the listener fd over SCM_RIGHTS with the
 * container process state, as runc and crun send it. */
static int send_listener(struct ctr *c, int fd, struct derr *e)
{
	c->st.status = CS_CREATING;
	c->st.pid = c->pid;
	cleanup_free char *state = state_render(&c->st, false, 0);
	cleanup_free char *msg = seccomp_listener_message(&c->cfg.linux.seccomp, c->pid, state);
	int r = term_send_fd("linux.seccomp.listenerPath", c->cfg.linux.seccomp.listener_path, fd, msg, e);
	close(fd);
	return r;
}

static int handle_pty(struct ctr *c, int fd, struct derr *e)
{
	if (c->o->console_socket) {
		int r = term_send_console_socket(c->o->console_socket, fd, e);
		close(fd);
		return r;
	}
	c->pty = fd;
	return 0;
}

/* Something of ours failed while the init worked in parallel: when it
 * failed first (and maybe died under us), its message is the one to tell. */
static int init_error_first(struct ctr *c, struct derr *e)
{
	sync_take_error(c->sync_fd, e);
	return -1;
}

/* After clone: maps, cgroup, hooks, then SYNC_GO when the init waits for
 * them; the network and (for run) state.json while it builds its rootfs,
 * then SYNC_START at once; then wait until it is ready. */
static int parent_setup(struct ctr *c, struct derr *e)
{
	struct sync_msg m;
	int fd;
	if (c->cfg.linux.ns[NS_USER].present && !c->cfg.linux.ns[NS_USER].path &&
	    ns_write_idmaps(c->pid, &c->cfg.linux, e) < 0)
		return -1;
	if (c->cg.dirfd >= 0 && !c->cg_done && cg_enter(&c->cg, c->pid, e) < 0)
		return -1;
	/* "creating" lives in memory only (the hooks read it on stdin): should
	 * droplet die now, the init dies with it (PDEATHSIG) and there is no
	 * container to find; state.json is first written as "created". */
	fill_state(c, CS_CREATING);
	if (c->cfg.net.present && c->cfg.linux.ns[NS_NET].present && !c->cfg.linux.ns[NS_NET].path) {
		if (net_setup_host(&c->cfg.net, c->pid, e) < 0)
			return init_error_first(c, e);
		c->net_done = true;
	}
	if (run_hooks(c, HOOK_PRESTART, CS_CREATING, e) < 0 || run_hooks(c, HOOK_CREATE_RUNTIME, CS_CREATING, e) < 0)
		return -1;
	if ((c->wait_go || (c->cg.dirfd >= 0 && !c->cg_done)) && sync_send(c->sync_fd, SYNC_GO, c->pid, NULL, -1) < 0)
		return derr_sys(e, "sync: send");
	if (c->new_netns && net_setup_in(c->pid, c->net_done ? &c->cfg.net : NULL, e) < 0)
		return init_error_first(c, e);
	/* for run, state.json now: our readers wait on the lock we hold until
	 * the container runs */
	if (c->run && save_state(c, CS_CREATED, e) < 0)
		return init_error_first(c, e);
	if (c->run && sync_send(c->sync_fd, SYNC_START, 0, NULL, -1) < 0) {
		derr_sys(e, "sync: send");
		return init_error_first(c, e);
	}
	for (;;) {
		if (sync_recv(c->sync_fd, &m, &fd, e) < 0)
			return -1;
		if (m.type == SYNC_READY)
			break;
		if (m.type == SYNC_PTY && fd >= 0 && handle_pty(c, fd, e) < 0)
			return -1;
		if (m.type == SYNC_SECCOMP && fd >= 0 && send_listener(c, fd, e) < 0)
			return -1;
	}
	if (!c->run && save_state(c, CS_CREATED, e) < 0)
		return -1;
	if (c->o->pid_file) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%d", c->pid);
		if (write_file_atomic(c->o->pid_file, buf, (size_t)n, e) < 0)
			return derr_wrap(e, "--pid-file");
	}
	return 0;
}

static void undo(struct ctr *c)
{
	struct derr ignore;
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	if (c->net_done)
		net_teardown_host(&c->cfg.net, &ignore);
	if (c->cg.dirfd >= 0)
		cg_destroy(&c->cg, &ignore);
	c->net_done = false;
	const char *files[] = {"state.json", "exec.fifo", "tty.sock"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *p = xasprintf("%s/%s", c->dir, files[i]);
		unlink(p);
	}
	if (c->dir_made)
		rmdir(c->dir);
}

static void ctr_free(struct ctr *c)
{
	if (c->sync_fd >= 0)
		close(c->sync_fd);
	if (c->fifo_fd >= 0)
		close(c->fifo_fd);
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	if (c->pty >= 0)
		close(c->pty);
	ns_close_joins(c->join_fds);
	idmap_close(&c->idmap_fds, c->cfg.n_mounts);
	bpf_program_free(&c->bpf);
	cg_close(&c->cg);
	c->st.annotations = NULL;
	arena_free(&c->st.arena);
	config_free(&c->cfg);
}

/* Everything up to "created"; on failure everything is undone. */
static int ctr_create(struct ctr *c, struct derr *e)
{
	int r = -1;
	if (state_check_id(c->o->id, e) < 0)
		return -1;
	if (prepare_dir(c, e) < 0) {
		if (c->dir_made)
			rmdir(c->dir);
		return -1;
	}
	c->prepared = true;
	if (resolve_bundle(c, e) < 0 || load_config(c, e) < 0)
		goto out;
	if (c->cfg.linux.seccomp.present && bpf_compile(&c->cfg.linux.seccomp, &c->bpf, e) < 0)
		goto out;
	if (cg_create(&c->cg, c->cfg.linux.cgroups_path, c->o->id, &c->cfg.linux.resources, e) < 0)
		goto out;
	if (!c->run && make_fifo(c, e) < 0)
		goto out;
	if (c->o->listen_fds > 0)
		add_listen_env(c);
	if (idmap_prepare(&c->cfg, c->bundle, &c->idmap_fds, e) < 0 || spawn(c, e) < 0)
		goto out;
	idmap_close(&c->idmap_fds, c->cfg.n_mounts); /* the init has its own copies */
	if (parent_setup(c, e) < 0)
		goto out;
	r = 0;
out:
	if (r < 0)
		undo(c);
	return r;
}

/* Raind: the monitor waits for the init, records how it ended and runs the
 * stopContainer hooks; with a terminal it is also the shim on tty.sock. */
static _Noreturn void monitor(struct ctr *c)
{
	struct derr e;
	int status = 0;
	if (c->pty >= 0) {
		cleanup_free char *sock = xasprintf("%s/tty.sock", c->dir);
		cleanup_free char *logdir = xasprintf("%s/logs", c->dir);
		cleanup_free char *log = xasprintf("%s/console.log", logdir);
		mkdir_p(logdir, 0755, &e);
		int lfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		int sfd = term_shim_listen(sock, &e);
		if (sfd < 0 || term_shim_loop(c->pty, sfd, lfd, c->pid, &status, &e) < 0)
			while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
				;
		unlink(sock);
	} else {
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	int lock = state_lock(c->dir, &e);
	struct cstate s;
	if (lock >= 0 && state_load(c->dir, c->o->id, &s, &e) == 0) {
		state_set_exit(&s, status);
		state_save(c->dir, &s, &e);
		if (c->cfg.hooks.n[HOOK_STOP_CONTAINER]) {
			cleanup_free char *json = state_render(&s, false, 0);
			if (hook_run_phase(&c->cfg.hooks, HOOK_STOP_CONTAINER, json, &e) < 0)
				log_warn("%s", e.msg);
		}
		state_free(&s);
	}
	_exit(0);
}

/* Raind create: fork the monitor (setsid, stdio on /dev/null so the caller
 * never hangs on our pipes); it creates the container and reports back. */
static int create_with_monitor(const struct create_opts *o, struct derr *e)
{
	int report;
	pid_t pid = proc_fork_background(NULL, 0, &report, e);
	if (pid != 0)
		return pid < 0 ? -1 : 0;
	struct ctr c;
	struct derr ce = {0};
	ctr_init(&c, o, false);
	if (ctr_create(&c, &ce) < 0) {
		write_all(report, ce.msg, strlen(ce.msg));
		_exit(1);
	}
	c.st.shim_pid = getpid();
	state_save(c.dir, &c.st, &ce);
	close(c.lock_fd), c.lock_fd = -1;
	close(c.sync_fd), c.sync_fd = -1;
	close(report);
	monitor(&c);
}

int container_create(const struct create_opts *o, struct derr *e)
{
	if (o->raind)
		return create_with_monitor(o, e);
	struct ctr c;
	ctr_init(&c, o, false);
	int r = ctr_create(&c, e);
	ctr_free(&c);
	return r;
}

/* Open exec.fifo: the init's blocked open returns; read until EOF, which
 * comes when exec succeeded (the init's end is close-on-exec) or after
 * the init wrote why it failed. */
static int release_init(const char *dir, struct derr *e)
{
	cleanup_free char *fifo = xasprintf("%s/exec.fifo", dir);
	cleanup_fd int fd = open(fifo, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", fifo);
	unlink(fifo);
	char buf[ERR_MSG_MAX];
	if (read_all(fd, buf, sizeof buf) > 0) {
		buf[strcspn(buf, "\n")] = 0;
		return derr_set(e, 0, "%s", buf);
	}
	return 0;
}

int container_start(const char *root, const char *id, struct derr *e)
{
	char dir[PATH_MAX];
	struct cstate s;
	struct oci_config cfg = {0};
	int lock;
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
		return -1;
	int r = -1;
	if (s.status != CS_CREATED)
		derr_set(e, 0, "container \"%s\" is %s, not created", id, state_status_name(s.status));
	else if (release_init(dir, e) == 0)
		r = 0;
	if (r == 0) {
		s.status = CS_RUNNING;
		state_save(dir, &s, e);
		cleanup_free char *cpath = xasprintf("%s/config.json", s.bundle);
		struct derr he;
		if (config_load(cpath, &cfg, &he) == 0 && cfg.hooks.n[HOOK_POSTSTART]) {
			cleanup_free char *json = state_render(&s, false, 0);
			if (hook_run_phase(&cfg.hooks, HOOK_POSTSTART, json, &he) < 0)
				log_warn("%s", he.msg);
		}
	}
	config_free(&cfg);
	state_free(&s);
	close(lock);
	return r;
}

static volatile sig_atomic_t fwd_pid;
static void forward_signal(int sig)
{
	if (fwd_pid > 0)
		kill(fwd_pid, sig);
}

static int wait_child(pid_t pid)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction sa = {.sa_handler = forward_signal};
	int status;
	fwd_pid = pid;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	return status;
}

/* run: the init had its SYNC_START already; learn whether exec worked
 * (EOF on the sync socket means it did), then poststart. */
static int run_start(struct ctr *c, struct derr *e)
{
	struct sync_msg m;
	ssize_t n;
	do
		n = recv(c->sync_fd, &m, sizeof m, 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof m && m.type == SYNC_ERROR) {
		m.msg[sizeof m.msg - 1] = 0;
		return derr_set(e, 0, "%s", m.msg);
	}
	/* no write: "created" without an exec.fifo reads back as running */
	if (run_hooks(c, HOOK_POSTSTART, CS_RUNNING, e) < 0)
		log_warn("%s", e->msg);
	return 0;
}

int container_run(const struct create_opts *o, struct derr *e)
{
	struct ctr c;
	int status = 0, code;
	ctr_init(&c, o, true);
	if (ctr_create(&c, e) < 0) {
		ctr_free(&c);
		return -1;
	}
	if (run_start(&c, e) < 0) {
		undo(&c);
		ctr_free(&c);
		return -1;
	}
	if (o->detach) {
		ctr_free(&c);
		return 0;
	}
	close(c.lock_fd), c.lock_fd = -1;
	if (c.pty >= 0) {
		if (term_interactive(c.pty, c.pid, &status, e) < 0)
			log_warn("%s", e->msg), status = wait_child(c.pid);
	} else {
		status = wait_child(c.pid);
	}
	c.pid = 0;
	code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	c.lock_fd = state_lock(c.dir, e);
	state_set_exit(&c.st, status);
	if (run_hooks(&c, HOOK_STOP_CONTAINER, CS_STOPPED, e) < 0)
		log_warn("%s", e->msg);
	struct derr ce;
	if (container_cleanup(c.dir, &c.st, &c.cfg, &ce) < 0)
		log_warn("%s", ce.msg);
	ctr_free(&c);
	return code;
}
