/* cgroup.c: the container's cgroup v2 by plain file writes: the hierarchy,
 * create/enter/freeze/destroy, and applying the writes that
 * cgroup_resources.c computes from linux.resources; a limit whose
 * controller the host lacks is skipped and named in a single
 * warning, an explicit linux.resources.unified key or a value the kernel
 * rejects is an error. Device rules are compiled, loaded and attached by
 * cgroup_devices.c (they need no controller, so hybrid hosts get them). */
#include "cgroup.h"
#include "json.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CG_WAIT_MS 5000 /* bound for freeze/thaw and for emptying at destroy */

/* ---- controllers ---- */

/* Kernel order; bit i of a mask is cg_ctrl_names[i]. */
static const char *const cg_ctrl_names[] = {"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"};

unsigned cg_controller_of(const char *file)
{
	size_t len = strcspn(file, ". \n");
	for (size_t i = 0; i < ARRAY_SIZE(cg_ctrl_names); i++)
		if (strlen(cg_ctrl_names[i]) == len && strncmp(file, cg_ctrl_names[i], len) == 0)
			return 1u << i;
	return 0;
}

static const char *ctrl_name(unsigned bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(cg_ctrl_names); i++)
		if (bit == 1u << i)
			return cg_ctrl_names[i];
	return "?";
}

/* "cpuset cpu memory\n" -> mask */
static unsigned ctrl_mask(const char *list)
{
	unsigned m = 0;
	for (const char *p = list + strspn(list, " \n"); *p; p += strcspn(p, " \n"), p += strspn(p, " \n"))
		m |= cg_controller_of(p);
	return m;
}

/* ---- file access relative to a cgroup directory fd; -errno inside ---- */

static int write_at(int dirfd, const char *file, const char *val)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(val);
	ssize_t k = write(fd, val, len);
	int rc = k < 0 ? -errno : (size_t)k != len ? -EIO : 0;
	close(fd);
	return rc;
}

/* Read a whole cgroup file into a malloc'd NUL-terminated buffer. */
static int read_at(int dirfd, const char *file, char **out)
{
	cleanup_fd int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 4096;
	if (fd < 0)
		return -errno;
	char *buf = xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		ssize_t k = read(fd, buf + len, cap - len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int err = errno;
			free(buf);
			return -err;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

/* "key value" line of a flat-keyed file (cgroup.events, cpu.stat): value or -1. */
static int64_t keyed_at(int dirfd, const char *file, const char *key)
{
	cleanup_free char *buf = NULL;
	size_t kl = strlen(key);
	if (read_at(dirfd, file, &buf) < 0)
		return -1;
	for (char *line = buf; *line; line += strcspn(line, "\n"), line += *line == '\n') {
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
			return strtoll(line + kl + 1, NULL, 10);
	}
	return -1;
}

static unsigned mask_at(int dirfd, const char *file)
{
	cleanup_free char *buf = NULL;
	return read_at(dirfd, file, &buf) < 0 ? 0 : ctrl_mask(buf);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Poll cgroup.events until key == want, for at most CG_WAIT_MS. */
static bool wait_event(int dirfd, const char *key, int64_t want)
{
	for (long waited = 0, step = 1; waited < CG_WAIT_MS; waited += step, step = step < 50 ? step * 2 : 50) {
		if (keyed_at(dirfd, "cgroup.events", key) == want)
			return true;
		sleep_ms(step);
	}
	return keyed_at(dirfd, "cgroup.events", key) == want;
}

/* ---- the hierarchy ---- */

static int try_statfs(const char *path)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

int cg_detect_root(char *out, size_t n, struct derr *e)
{
	static const char *const candidates[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	cleanup_file FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	out[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++)
		if (try_statfs(candidates[i])) {
			snprintf(out, n, "%s", candidates[i]);
			return 0;
		}
	/* Elsewhere: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - cgroup2 SRC OPTS" */
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		char mnt[4096];
		const char *sep = strstr(line, " - cgroup2 ");
		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && strlen(mnt) < n && try_statfs(mnt)) {
			snprintf(out, n, "%s", mnt);
			break;
		}
	}
	free(line);
	return 0;
}

/* Enable every controller we know in dir's cgroup.subtree_control that its
 * cgroup.controllers offers. Best effort: a refusal leaves the controller
 * unavailable below, which cg_apply then reports. */
static void enable_controllers(const char *dir)
{
	cleanup_fd int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	unsigned want = mask_at(fd, "cgroup.controllers") & ~mask_at(fd, "cgroup.subtree_control");
	for (size_t i = 0; i < ARRAY_SIZE(cg_ctrl_names); i++) {
		char op[32];
		if (!(want & (1u << i)))
			continue;
		snprintf(op, sizeof op, "+%s", cg_ctrl_names[i]);
		int rc = write_at(fd, "cgroup.subtree_control", op);
		if (rc < 0)
			log_debug("cgroup \"%s\": enable %s: %s", dir, cg_ctrl_names[i], strerror(-rc));
	}
}

/* Remove the directories of path from the leaf up to (and including) the
 * one at prefix length `from`. */
static void rmdir_up(const char *path, size_t from)
{
	char p[sizeof((struct cg *)0)->path];
	snprintf(p, sizeof p, "%s", path);
	while (strlen(p) >= from && from) {
		if (rmdir(p) < 0 && errno != ENOENT)
			log_debug("rmdir \"%s\": %s", p, strerror(errno));
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = 0;
	}
}

/* Enable controllers in the root and every ancestor of the leaf. */
static void enable_ancestors(const struct cg *cg)
{
	char p[sizeof cg->path];
	snprintf(p, sizeof p, "%s", cg->path);
	for (char *sl = p + strlen(cg->root); sl; sl = strchr(sl + 1, '/')) {
		*sl = 0;
		enable_controllers(p);
		*sl = '/';
	}
}

/* mkdir -p root/rel. *first gets the path length of the first directory
 * made (0 when none); everything below it is new too. */
static int make_dirs(struct cg *cg, size_t *first, struct derr *e)
{
	char p[sizeof cg->path];
	*first = 0;
	snprintf(p, sizeof p, "%s", cg->path);
	for (char *sl = strchr(p + strlen(cg->root) + 1, '/');; sl = strchr(sl + 1, '/')) {
		if (sl)
			*sl = 0;
		if (mkdir(p, 0755) == 0) {
			if (!*first)
				*first = strlen(p);
		} else if (errno != EEXIST) {
			derr_sys(e, "cgroup \"%s\": mkdir \"%s\"", cg->rel, p);
			if (*first)
				rmdir_up(cg->path, *first);
			return -1;
		}
		if (!sl)
			return 0;
		*sl = '/';
	}
}

/* ---- applying ---- */

/* What could not be applied, for the one warning line. */
struct skipped {
	unsigned ctrls;    /* controllers missing */
	char names[128];   /* "memory, cpu" in order of first need */
	char list[1024];   /* "memory.max=1073741824, cpu.max=80000 100000" */
	char missing[512]; /* files the kernel lacks although the controller is there */
};

static void append(char *buf, size_t n, const char *file, const char *value)
{
	size_t o = strlen(buf);
	if (o + 4 >= n)
		return;
	int k = snprintf(buf + o, n - o, "%s%s%s%s", o ? ", " : "", file, value ? "=" : "", value ? value : "");
	if (k < 0 || (size_t)k >= n - o)
		snprintf(buf + n - 4, 4, "...");
}

static void skip(struct skipped *sk, unsigned ctrl, const struct cg_setting *s)
{
	if (ctrl && !(sk->ctrls & ctrl)) {
		sk->ctrls |= ctrl;
		append(sk->names, sizeof sk->names, ctrl_name(ctrl), NULL);
	}
	append(ctrl ? sk->list : sk->missing, ctrl ? sizeof sk->list : sizeof sk->missing, s->file, s->value);
}

static int unified_missing(const struct cg *cg, const struct cg_setting *s, struct derr *e)
{
	derr_set(e, 0, "cgroup \"%s\": unified \"%s\": no such file; is the controller enabled?", cg->rel, s->file);
	e->errnum = ENOENT;
	return -1;
}

static int apply_one(const struct cg *cg, const struct cg_setting *s, unsigned avail, struct skipped *sk,
                     struct derr *e)
{
	unsigned ctrl = cg_controller_of(s->file);
	if (ctrl && !(avail & ctrl)) {
		if (s->unified)
			return unified_missing(cg, s, e);
		skip(sk, ctrl, s);
		return 0;
	}
	int rc = write_at(cg->dirfd, s->file, s->value);
	const char *file = s->file;
	if (rc == -ENOENT && s->alt_file) {
		file = s->alt_file;
		rc = write_at(cg->dirfd, file, s->alt_value);
	}
	if (rc == -ENOENT) {
		if (s->unified)
			return unified_missing(cg, s, e);
		skip(sk, 0, s);
		return 0;
	}
	if (rc < 0)
		return derr_set(e, -rc, "cgroup \"%s\": write %s", cg->rel, file);
	return 0;
}

/* Fields cgroup v2 has no file for. */
static void note_ignored(const struct oci_resources *r)
{
	if (r->memory.kernel.set || r->memory.kernel_tcp.set || r->memory.swappiness.set)
		log_debug("cgroup v2: memory.kernel, kernelTCP and swappiness are ignored");
	if (r->memory.has_disable_oom_killer)
		log_debug("cgroup v2: memory.disableOOMKiller is ignored");
	if (r->cpu.realtime_runtime.set || r->cpu.realtime_period.set)
		log_debug("cgroup v2: cpu.realtimeRuntime/realtimePeriod are ignored");
	if (r->network.has_class_id || r->network.n_priorities)
		log_debug("cgroup v2: network.classID/priorities are ignored");
}

static int apply_none(const struct cg *cg, const struct oci_resources *r, const struct cg_settings *s, struct derr *e)
{
	char list[1024] = "";
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].unified)
			return derr_set(e, ENOENT, "cgroup \"%s\": unified \"%s\": no cgroup2 hierarchy on this host",
			                cg->rel, s->v[i].file);
		append(list, sizeof list, s->v[i].file, s->v[i].value);
	}
	if (r && r->n_devices)
		append(list, sizeof list, "linux.resources.devices", NULL);
	log_warn("cgroup \"%s\": no cgroup2 hierarchy: running without a cgroup%s%s", cg->rel,
	         *list ? "; not applied: " : "", list);
	return 0;
}

int cg_apply(const struct cg *cg, const struct oci_resources *r, bool update, struct derr *e)
{
	struct cg_settings s = {0};
	struct skipped sk = {0};
	int rc = 0;
	if (cg_settings_build(r, &s, e) < 0)
		return derr_wrap(e, "cgroup \"%s\"", cg->rel);
	if (r && r->present)
		note_ignored(r);
	if (cg->dirfd < 0) {
		rc = apply_none(cg, r, &s, e);
		cg_settings_free(&s);
		return rc;
	}
	if (update)
		enable_ancestors(cg);
	unsigned avail = mask_at(cg->dirfd, "cgroup.controllers");
	for (size_t i = 0; i < s.n && rc == 0; i++)
		rc = apply_one(cg, &s.v[i], avail, &sk, e);
	cg_settings_free(&s);
	if (rc == 0 && r && r->n_devices)
		rc = cg_dev_apply(cg, r->devices, r->n_devices, e);
	if (rc == 0 && sk.ctrls)
		log_warn("cgroup \"%s\": controllers not available (%s): not applied: %s", cg->rel, sk.names, sk.list);
	if (rc == 0 && *sk.missing)
		log_warn("cgroup \"%s\": not supported by the kernel: not applied: %s", cg->rel, sk.missing);
	return rc;
}

/* ---- lifecycle ---- */

static int cg_locate(struct cg *cg, const char *cgroups_path, const char *id, struct derr *e)
{
	memset(cg, 0, sizeof *cg);
	cg->dirfd = -1;
	if (cg_resolve_path(cgroups_path, id, cg->rel, sizeof cg->rel, e) < 0)
		return -1;
	if (cg_detect_root(cg->root, sizeof cg->root, e) < 0)
		return -1;
	if (*cg->root && (size_t)snprintf(cg->path, sizeof cg->path, "%s/%s", cg->root, cg->rel) >= sizeof cg->path)
		return derr_set(e, ENAMETOOLONG, "cgroup \"%s\"", cg->rel);
	return 0;
}

int cg_create(struct cg *cg, const char *cgroups_path, const char *id, const struct oci_resources *r, struct derr *e)
{
	size_t first = 0;
	if (cg_locate(cg, cgroups_path, id, e) < 0)
		return -1;
	if (!*cg->root)
		return cg_apply(cg, r, false, e);
	if (make_dirs(cg, &first, e) < 0)
		return -1;
	enable_ancestors(cg);
	cg->created = first != 0; /* everything below the first new dir is new */
	cg->dirfd = open(cg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->dirfd < 0) {
		derr_sys(e, "cgroup \"%s\": open", cg->rel);
		goto undo;
	}
	if (!cg->created) {
		cleanup_free char *procs = NULL;
		int rc = read_at(cg->dirfd, "cgroup.procs", &procs);
		if (rc < 0 || *procs) {
			derr_set(e, rc < 0 ? -rc : EBUSY, "cgroup \"%s\": %s", cg->rel,
			         rc < 0 ? "read cgroup.procs" : "already has processes");
			goto undo;
		}
	}
	if (cg_apply(cg, r, false, e) == 0)
		return 0;
undo:
	cg_close(cg);
	if (first)
		rmdir_up(cg->path, first);
	cg->created = false;
	return -1;
}

int cg_open(struct cg *cg, const char *cgroups_path, const char *id, struct derr *e)
{
	if (cg_locate(cg, cgroups_path, id, e) < 0)
		return -1;
	if (!*cg->root)
		return 0;
	cg->dirfd = open(cg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->dirfd < 0)
		return derr_sys(e, "cgroup \"%s\": open", cg->rel);
	return 0;
}

void cg_close(struct cg *cg)
{
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	cg->dirfd = -1;
}

int cg_enter(const struct cg *cg, pid_t pid, struct derr *e)
{
	char buf[32];
	if (cg->dirfd < 0)
		return 0;
	snprintf(buf, sizeof buf, "%d", (int)pid);
	int rc = write_at(cg->dirfd, "cgroup.procs", buf);
	if (rc < 0)
		return derr_set(e, -rc, "cgroup \"%s\": add pid %d", cg->rel, (int)pid);
	return 0;
}

/* Remove the child cgroups below fd (depth first); the kernel has emptied them. */
static void rmdir_children(int fd, int depth)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while (depth < 32 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		cleanup_fd int sub = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0)
			rmdir_children(sub, depth + 1);
		unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
}

/* Kill everything in the cgroup and wait until it is empty. */
static int kill_all(const struct cg *cg, struct derr *e)
{
	if (keyed_at(cg->dirfd, "cgroup.events", "populated") == 0)
		return 0;
	if (write_at(cg->dirfd, "cgroup.kill", "1") == -ENOENT) {
		/* before Linux 5.14: signal what is listed, until nothing is */
		for (int round = 0; round < 100; round++) {
			pid_t *pids = NULL;
			size_t n = 0;
			if (cg_pids(cg, &pids, &n, e) < 0)
				return -1;
			for (size_t i = 0; i < n; i++)
				kill(pids[i], SIGKILL);
			free(pids);
			if (!n)
				break;
			sleep_ms(10);
		}
	}
	if (!wait_event(cg->dirfd, "populated", 0))
		return derr_set(e, EBUSY, "cgroup \"%s\": processes still running after %d ms", cg->rel, CG_WAIT_MS);
	return 0;
}

int cg_destroy(struct cg *cg, struct derr *e)
{
	if (!*cg->path)
		return 0;
	/* the common case: the container is gone and the cgroup empty */
	if (rmdir(cg->path) == 0 || errno == ENOENT) {
		cg_close(cg);
		cg->created = false;
		return 0;
	}
	if (cg->dirfd < 0) {
		cg->dirfd = open(cg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cg->dirfd < 0)
			return errno == ENOENT ? 0 : derr_sys(e, "cgroup \"%s\": open", cg->rel);
	}
	if (kill_all(cg, e) < 0)
		return -1;
	rmdir_children(cg->dirfd, 0);
	cg_close(cg);
	/* rmdir may see EBUSY briefly while the last task finishes exiting */
	for (int i = 0; rmdir(cg->path) < 0; i++) {
		if (errno == ENOENT)
			break;
		if (errno != EBUSY || i >= 100)
			return derr_sys(e, "cgroup \"%s\": rmdir", cg->rel);
		sleep_ms(10);
	}
	cg->created = false;
	return 0;
}

/* ---- freezer, processes, stats ---- */

int cg_freeze(const struct cg *cg, bool frozen, struct derr *e)
{
	const char *what = frozen ? "freeze" : "thaw";
	if (cg->dirfd < 0)
		return derr_set(e, ENOTSUP, "cgroup \"%s\": %s: no cgroup2 hierarchy on this host", cg->rel, what);
	int rc = write_at(cg->dirfd, "cgroup.freeze", frozen ? "1" : "0");
	if (rc == -ENOENT)
		return derr_set(e, ENOTSUP, "cgroup \"%s\": %s: no cgroup.freeze (needs Linux 5.2)", cg->rel, what);
	if (rc < 0)
		return derr_set(e, -rc, "cgroup \"%s\": write cgroup.freeze", cg->rel);
	if (wait_event(cg->dirfd, "frozen", frozen))
		return 0;
	if (frozen)
		write_at(cg->dirfd, "cgroup.freeze", "0"); /* don't leave it half frozen */
	return derr_set(e, ETIMEDOUT, "cgroup \"%s\": %s: not done after %d ms", cg->rel, what, CG_WAIT_MS);
}

int cg_is_frozen(const struct cg *cg)
{
	if (cg->dirfd < 0)
		return -1;
	int64_t v = keyed_at(cg->dirfd, "cgroup.events", "frozen");
	return v < 0 ? -1 : v != 0;
}

int cg_pids(const struct cg *cg, pid_t **pids, size_t *n, struct derr *e)
{
	cleanup_free char *buf = NULL;
	size_t cap = 0;
	*pids = NULL;
	*n = 0;
	if (cg->dirfd < 0)
		return derr_set(e, ENOTSUP, "cgroup \"%s\": no cgroup2 hierarchy on this host", cg->rel);
	int rc = read_at(cg->dirfd, "cgroup.procs", &buf);
	if (rc < 0)
		return derr_set(e, -rc, "cgroup \"%s\": read cgroup.procs", cg->rel);
	for (char *p = buf, *end; *p; p = end + (*end == '\n')) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (*n == cap)
			*pids = xrealloc(*pids, (cap = cap ? cap * 2 : 16) * sizeof **pids);
		(*pids)[(*n)++] = (pid_t)v;
	}
	return 0;
}

/* events --stats, runc's names: {group: {sub: {name: value}}} from cgroup
 * files; a flat file when key is NULL ("max" -> UINT64_MAX, or 0 for pids). */
static const struct cg_stat {
	const char *group, *sub, *file, *key, *name;
	unsigned scale;
} cg_stats[] = {
    {"cpu", "usage", "cpu.stat", "usage_usec", "total", 1000},
    {"cpu", "usage", "cpu.stat", "user_usec", "user", 1000},
    {"cpu", "usage", "cpu.stat", "system_usec", "kernel", 1000},
    {"cpu", "throttling", "cpu.stat", "nr_periods", "periods", 1},
    {"cpu", "throttling", "cpu.stat", "nr_throttled", "throttled_periods", 1},
    {"cpu", "throttling", "cpu.stat", "throttled_usec", "throttled_time", 1000},
    {"memory", "usage", "memory.current", NULL, "usage", 1},
    {"memory", "usage", "memory.max", NULL, "limit", 1},
    {"memory", "swap_usage", "memory.swap.current", NULL, "usage", 1},
    {"memory", "swap_usage", "memory.swap.max", NULL, "limit", 1},
    {"pids", NULL, "pids.current", NULL, "current", 1},
    {"pids", NULL, "pids.max", NULL, "limit", 0},
};

static int stat_value(int dirfd, const struct cg_stat *st, uint64_t *v)
{
	cleanup_free char *buf = NULL;
	if (st->key) {
		int64_t k = keyed_at(dirfd, st->file, st->key);
		*v = (uint64_t)k * st->scale;
		return k < 0 ? -1 : 0;
	}
	if (read_at(dirfd, st->file, &buf) < 0)
		return -1;
	*v = strncmp(buf, "max", 3) ? strtoull(buf, NULL, 10) : st->scale ? UINT64_MAX : 0;
	return 0;
}

int cg_stats_json(const struct cg *cg, struct json_writer *w)
{
	const struct cg_stat *open = NULL; /* the group/sub objects now open */
	jw_obj_begin(w);
	for (size_t i = 0; cg->dirfd >= 0 && i < ARRAY_SIZE(cg_stats); i++) {
		const struct cg_stat *st = &cg_stats[i];
		uint64_t v;
		if (stat_value(cg->dirfd, st, &v) < 0)
			continue;
		bool same_group = open && strcmp(open->group, st->group) == 0;
		bool same_sub =
		    same_group && (open->sub == st->sub || (open->sub && st->sub && !strcmp(open->sub, st->sub)));
		if (open && !same_sub && open->sub)
			jw_obj_end(w);
		if (open && !same_group)
			jw_obj_end(w);
		if (!same_group) {
			jw_key(w, st->group);
			jw_obj_begin(w);
		}
		if (!same_sub && st->sub) {
			jw_key(w, st->sub);
			jw_obj_begin(w);
		}
		open = st;
		jw_key(w, st->name);
		jw_uint(w, v);
	}
	if (open && open->sub)
		jw_obj_end(w);
	if (open)
		jw_obj_end(w);
	jw_obj_end(w);
	return 0;
}
