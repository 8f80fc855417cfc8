/* mounts.c: path resolution confined to the rootfs and the mount primitives
 * (bind with per-mount attributes, remount keeping locked flags), and the
 * config's mounts[] in order. Mount targets are always open fds obtained by
 * rootfs_resolve_in_root, mounted onto through /proc/self/fd/N or
 * move_mount, so a symlink swapped in later cannot redirect a mount.
 * Idmapped mounts arrive as detached trees made by the parent (idmap.c). */
#include "rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#define MAX_SYMLINKS 40
#define PROPAGATION  (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

bool rootfs_no_openat2;
static bool no_new_mount_api;

char *rootfs_fdpath(char *buf, int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

int rootfs_path_clean(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	if (cap < 2)
		return errno = ENAMETOOLONG, -1;
	out[o++] = '/';
	while (*in) {
		size_t n;
		while (*in == '/')
			in++;
		n = strcspn(in, "/");
		if (n == 0 || (n == 1 && in[0] == '.')) {
			in += n;
			continue;
		}
		if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (o > 1 && out[--o] != '/')
				;
			in += n;
			continue;
		}
		if (o + (o > 1) + n + 1 > cap)
			return errno = ENAMETOOLONG, -1;
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, in, n);
		o += n;
		in += n;
	}
	out[o] = 0;
	return 0;
}

bool rootfs_has_mount(const struct oci_config *cfg, const char *dest)
{
	char buf[PATH_MAX];
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].destination && rootfs_path_clean(cfg->mounts[i].destination, buf, sizeof buf) == 0 &&
		    strcmp(buf, dest) == 0)
			return true;
	return false;
}

/* ---- resolution ---- */

/* The component walk used when openat2(RESOLVE_IN_ROOT) is missing or a
 * directory has to be created. `cur` is the directory reached so far (-1:
 * rootfd) and `depth` how far below the root it is, so ".." stops there. */
struct walk {
	int rootfd, cur, depth, links;
	char rest[PATH_MAX * 2]; /* what is left to resolve */
	char done[PATH_MAX];     /* resolved so far, for messages */
};

static int walk_fd(const struct walk *w)
{
	return w->cur < 0 ? w->rootfd : w->cur;
}

static void walk_set(struct walk *w, int fd)
{
	if (w->cur >= 0)
		close(w->cur);
	w->cur = fd;
}

/* Replace the component at rest[0..n) by the link target. */
static int walk_symlink(struct walk *w, const char *name, size_t n)
{
	char target[PATH_MAX], tmp[sizeof w->rest];
	ssize_t len = readlinkat(walk_fd(w), name, target, sizeof target - 1);
	if (len < 0)
		return -1;
	target[len] = 0;
	if (++w->links > MAX_SYMLINKS)
		return errno = ELOOP, -1;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/%s", target, w->rest + n) >= sizeof tmp)
		return errno = ENAMETOOLONG, -1;
	memcpy(w->rest, tmp, sizeof tmp);
	if (target[0] == '/') {
		walk_set(w, -1);
		w->depth = 0;
		w->done[0] = 0;
	}
	return 0;
}

/* ".." below the root: the real parent (walked down into, never a link). */
static int walk_up(struct walk *w, size_t n)
{
	size_t dl = strlen(w->done);
	int fd = openat(walk_fd(w), "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	walk_set(w, fd);
	w->depth--;
	while (dl > 0 && w->done[--dl] != '/')
		;
	w->done[dl] = 0;
	memmove(w->rest, w->rest + n, strlen(w->rest + n) + 1);
	return 0;
}

/* A missing component: a directory, or the last one as an empty file.
 * Returns 0 so the step opens it again (EEXIST: someone else made it). */
static int walk_create(struct walk *w, const char *name, bool file)
{
	int rc = file ? openat(walk_fd(w), name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)
	              : mkdirat(walk_fd(w), name, 0755);
	if (rc < 0 && errno != EEXIST)
		return -1;
	if (rc > 0)
		close(rc);
	return 0;
}

/* One step: open (or create) the first component of w->rest. Returns 1 when
 * the last component was opened into *out, 0 to go on, -1 on error. */
static int walk_step(struct walk *w, int flags, bool create, int *out)
{
	char name[NAME_MAX + 1], *r = w->rest;
	size_t n, skip = strspn(r, "/");
	memmove(r, r + skip, strlen(r + skip) + 1);
	n = strcspn(r, "/");
	if (n == 0) { /* "/" or a trailing "." or "..": the directory itself */
		*out = openat(walk_fd(w), ".", (flags & ~O_CREAT) | O_CLOEXEC);
		return *out < 0 ? -1 : 1;
	}
	if (n > NAME_MAX)
		return errno = ENAMETOOLONG, -1;
	memcpy(name, r, n);
	name[n] = 0;
	bool last = r[n + strspn(r + n, "/")] == 0;
	if (strcmp(name, ".") == 0 || (strcmp(name, "..") == 0 && w->depth == 0)) {
		memmove(r, r + n, strlen(r + n) + 1);
		return 0;
	}
	if (strcmp(name, "..") == 0)
		return walk_up(w, n);
	size_t dl = strlen(w->done);
	snprintf(w->done + dl, sizeof w->done - dl, "/%s", name);
	int oflags = last ? (flags & ~O_CREAT) : O_PATH | O_DIRECTORY;
	int fd = openat(walk_fd(w), name, oflags | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && last && (oflags & O_PATH) && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = ELOOP;
	}
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR || errno == EMLINK)) {
		int saved = errno;
		w->done[dl] = 0;
		if (walk_symlink(w, name, n) == 0)
			return 0;
		if (errno == EINVAL) /* not a symlink after all */
			errno = saved;
		snprintf(w->done + dl, sizeof w->done - dl, "/%s", name);
		return -1;
	}
	if (fd < 0 && errno == ENOENT && create) {
		if (walk_create(w, name, last && (flags & O_CREAT)) < 0)
			return -1;
		w->done[dl] = 0;
		return 0;
	}
	if (fd < 0)
		return -1;
	if (last)
		return *out = fd, 1;
	walk_set(w, fd);
	w->depth++;
	memmove(r, r + n, strlen(r + n) + 1);
	return 0;
}

static int resolve_walk(int rootfd, const char *path, int flags, bool create, struct derr *e)
{
	struct walk *w = xmalloc(sizeof *w);
	int fd = -1, rc = 0;
	*w = (struct walk){.rootfd = rootfd, .cur = -1};
	if (strlen(path) >= sizeof w->rest) {
		free(w);
		return derr_set(e, ENAMETOOLONG, "open \"%s\"", path);
	}
	strcpy(w->rest, path);
	while ((rc = walk_step(w, flags, create, &fd)) == 0)
		;
	if (rc < 0) {
		bool made = create && errno != ENOENT && errno != ELOOP && errno != ENOTDIR;
		derr_sys(e, "%s \"%s\"", made ? "create" : "open", w->done[0] ? w->done : path);
	}
	walk_set(w, -1);
	free(w);
	return rc < 0 ? -1 : fd;
}

int rootfs_resolve_in_root(int rootfd, const char *path, int flags, bool create_dirs, struct derr *e)
{
	if (!rootfs_no_openat2) {
		struct open_how how = {
		    .flags = (uint64_t)((flags & ~O_CREAT) | O_CLOEXEC),
		    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
		if (fd >= 0)
			return fd;
		if (errno == ENOSYS || errno == EPERM)
			rootfs_no_openat2 = true; /* old kernel, or a seccomp filter */
		else if (errno != EAGAIN && !(errno == ENOENT && create_dirs))
			return derr_sys(e, "open \"%s\"", path);
	}
	return resolve_walk(rootfd, path, flags, create_dirs, e);
}

/* ---- mount primitives ---- */

static const struct {
	unsigned long ms;
	uint64_t attr;
} ms_attrs[] = {
    {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
    {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    {MS_NOATIME, MOUNT_ATTR_NOATIME},       {MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
    {MS_RELATIME, MOUNT_ATTR_RELATIME},
};

/* MS_* bits to set/clear -> a mount_attr; an atime mode replaces the old one. */
static void ms_to_attr(unsigned long set, unsigned long clr, struct mount_attr *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(ms_attrs); i++) {
		if (set & ms_attrs[i].ms)
			a->attr_set |= ms_attrs[i].attr;
		if (clr & ms_attrs[i].ms)
			a->attr_clr |= ms_attrs[i].attr;
	}
	if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
		a->attr_clr |= MOUNT_ATTR__ATIME;
}

static int sys_mount_setattr(int dfd, const char *path, unsigned flags, struct mount_attr *a)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, a, sizeof *a);
}

static const struct {
	unsigned long st, ms;
} st_ms[] = {
    {ST_RDONLY, MS_RDONLY},   {ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},       {ST_NOEXEC, MS_NOEXEC},
    {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
};

/* Classic remount of a bind mount: the flags already set are kept, since a
 * user namespace locks them (clearing one gives EPERM). */
static int remount_classic(const char *path, unsigned long set, unsigned long clr)
{
	struct statvfs sv;
	unsigned long keep = 0;
	if (statvfs(path, &sv) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(st_ms); i++)
		if (sv.f_flag & st_ms[i].st)
			keep |= st_ms[i].ms;
	return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | ((keep & ~clr) | set), NULL);
}

int rootfs_remount(const char *path, unsigned long set, bool rec, struct derr *e)
{
	struct mount_attr a = {0};
	ms_to_attr(set, 0, &a);
	if (!no_new_mount_api) {
		if (sys_mount_setattr(AT_FDCWD, path, rec ? AT_RECURSIVE : 0, &a) == 0)
			return 0;
		if (errno != ENOSYS)
			return derr_sys(e, "remount");
		no_new_mount_api = true;
	}
	/* Before Linux 5.12: the top mount only, as runc does. */
	return remount_classic(path, set, 0) < 0 ? derr_sys(e, "remount") : 0;
}

/* One bind mount of a host path onto an open target. `rootfd`+`dest` find
 * the new mount again for a classic remount on kernels before 5.12. */
struct bind_op {
	const char *src;
	int dstfd, rootfd;
	const char *dest;
	bool rec;
	unsigned long set, clr, propagation;
	uint64_t rset, rclr;
};

/* Set the mount's attributes on the detached tree t, attach it onto
 * b->dstfd, then set its propagation. */
static int attach_tree(const struct bind_op *b, int t, struct derr *e)
{
	struct mount_attr a = {0}, r = {.attr_set = b->rset, .attr_clr = b->rclr};
	ms_to_attr(b->set, b->clr, &a);
	if ((a.attr_set || a.attr_clr) && sys_mount_setattr(t, "", AT_EMPTY_PATH, &a) < 0)
		return errno == ENOSYS ? -1 : derr_sys(e, "set mount attributes");
	if ((r.attr_set || r.attr_clr) && sys_mount_setattr(t, "", AT_EMPTY_PATH | AT_RECURSIVE, &r) < 0)
		return derr_sys(e, "set recursive mount attributes");
	if (syscall(SYS_move_mount, t, "", b->dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return derr_sys(e, "bind \"%s\"", b->src);
	if (b->propagation) {
		struct mount_attr p = {.propagation = b->propagation & PROPAGATION};
		if (sys_mount_setattr(t, "", AT_EMPTY_PATH | (b->propagation & MS_REC ? AT_RECURSIVE : 0), &p) < 0)
			return derr_sys(e, "set propagation");
	}
	return 0;
}

static int bind_new_api(const struct bind_op *b, struct derr *e)
{
	cleanup_fd int t = (int)syscall(SYS_open_tree, AT_FDCWD, b->src,
	                                OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (b->rec ? AT_RECURSIVE : 0));
	if (t < 0)
		return errno == ENOSYS ? -1 : derr_sys(e, "bind \"%s\"", b->src);
	return attach_tree(b, t, e);
}

/* After a classic mount onto dstfd: find the new mount again and apply the
 * remount flags, propagation and recursive attributes. */
static int after_mount(int rootfd, const char *dest, unsigned long set, unsigned long clr, unsigned long prop,
                       uint64_t rset, uint64_t rclr, struct derr *e)
{
	char p[32];
	if (!set && !clr && !prop && !rset && !rclr)
		return 0;
	cleanup_fd int fd = rootfs_resolve_in_root(rootfd, dest, O_PATH, false, e);
	if (fd < 0)
		return -1;
	if ((set || clr) && remount_classic(rootfs_fdpath(p, fd), set, clr) < 0)
		return derr_sys(e, "remount");
	if (prop && mount(NULL, rootfs_fdpath(p, fd), NULL, prop, NULL) < 0)
		return derr_sys(e, "set propagation");
	struct mount_attr r = {.attr_set = rset, .attr_clr = rclr};
	if ((rset || rclr) && sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &r) < 0)
		return derr_sys(e, "set recursive mount attributes");
	return 0;
}

static int bind_op_run(const struct bind_op *b, struct derr *e)
{
	char p[32];
	if (!no_new_mount_api) {
		if (bind_new_api(b, e) == 0)
			return 0;
		if (errno != ENOSYS)
			return -1;
		no_new_mount_api = true;
	}
	if (mount(b->src, rootfs_fdpath(p, b->dstfd), NULL, MS_BIND | (b->rec ? MS_REC : 0), NULL) < 0)
		return derr_sys(e, "bind \"%s\"", b->src);
	return after_mount(b->rootfd, b->dest, b->set, b->clr, b->propagation, b->rset, b->rclr, e);
}

int rootfs_bind_fd(int srcfd, const char *src, int dstfd, bool rec, struct derr *e)
{
	char s[32], d[32];
	if (srcfd >= 0)
		src = rootfs_fdpath(s, srcfd);
	if (mount(src, rootfs_fdpath(d, dstfd), NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
		return derr_sys(e, "bind \"%s\"", src);
	return 0;
}

/* ---- mounts[] ---- */

/* Per-mount flags, the ones a bind remount or mount_setattr can change. */
#define PER_MOUNT                                                                                                      \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME | MS_NOSYMFOLLOW | MS_NOATIME | MS_STRICTATIME | \
	 MS_RELATIME)

struct mount_kind;
typedef int (*mount_fn)(const struct rootfs_ctx *c, int rootfd, const struct oci_mount *m, const struct mount_kind *k,
                        struct derr *e);

struct mount_kind {
	const char *type;
	mount_fn fn;
	const char *host; /* bound from the host when a user namespace may not mount it */
};

/* Bind `host` recursively with the mount's options, on dstfd. */
static int bind_from_host(int rootfd, const struct oci_mount *m, int dstfd, const char *host, unsigned long extra,
                          struct derr *e)
{
	struct bind_op b = {
	    .src = host,
	    .dstfd = dstfd,
	    .rootfd = rootfd,
	    .dest = m->destination,
	    .rec = true,
	    .set = (m->flags & PER_MOUNT) | extra,
	    .clr = m->clear_flags & PER_MOUNT,
	    .propagation = m->propagation,
	    .rset = m->attr_set,
	    .rclr = m->attr_clr,
	};
	return bind_op_run(&b, e);
}

static struct bind_op bind_op_of(const struct oci_mount *m, const char *src, int rootfd, int dstfd)
{
	return (struct bind_op){
	    .src = src,
	    .dstfd = dstfd,
	    .rootfd = rootfd,
	    .dest = m->destination,
	    .rec = (m->flags & MS_REC) != 0,
	    .set = m->flags & PER_MOUNT,
	    .clr = m->clear_flags & PER_MOUNT,
	    .propagation = m->propagation,
	    .rset = m->attr_set,
	    .rclr = m->attr_clr,
	};
}

static int mount_bind(const struct rootfs_ctx *c, int rootfd, const struct oci_mount *m, const struct mount_kind *k,
                      struct derr *e)
{
	char buf[PATH_MAX];
	const char *src = m->source;
	struct stat st;
	if (!src || !*src)
		return derr_set(e, 0, "bind mount without a source");
	if (src[0] != '/' && (size_t)snprintf(buf, sizeof buf, "%s/%s", c->bundle, src) < sizeof buf)
		src = buf; /* relative to the bundle */
	if (stat(src, &st) < 0)
		return derr_sys(e, "source \"%s\"", m->source);
	cleanup_fd int fd =
	    rootfs_resolve_in_root(rootfd, m->destination, O_PATH | (S_ISDIR(st.st_mode) ? 0 : O_CREAT), true, e);
	if (fd < 0)
		return -1;
	struct bind_op b = bind_op_of(m, src, rootfd, fd);
	return bind_op_run(&b, e);
}

/* An idmapped bind: the detached tree idmap.c made in the parent. */
static int mount_idmapped(int rootfd, const struct oci_mount *m, int tree, struct derr *e)
{
	struct stat st;
	if (tree < 0 || fstat(tree, &st) < 0)
		return derr_set(e, EBADF, "idmap: the prepared mount is missing");
	cleanup_fd int fd =
	    rootfs_resolve_in_root(rootfd, m->destination, O_PATH | (S_ISDIR(st.st_mode) ? 0 : O_CREAT), true, e);
	if (fd < 0)
		return -1;
	struct bind_op b = bind_op_of(m, m->source, rootfd, fd);
	return attach_tree(&b, tree, e);
}

/* devpts in a user namespace where gid 5 is not mapped: EINVAL with gid=. */
static int mount_devpts_nogid(const char *target, unsigned long fl, const char *data)
{
	char out[1024];
	size_t o = 0;
	for (const char *p = data; *p;) {
		size_t n = strcspn(p, ",");
		if (strncmp(p, "gid=", 4) != 0 && n && o + n + 2 < sizeof out) {
			if (o)
				out[o++] = ',';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n + (p[n] == ',');
	}
	out[o] = 0;
	return mount("devpts", target, "devpts", fl, out);
}

static int mount_fs(const struct rootfs_ctx *c, int rootfd, const struct oci_mount *m, const struct mount_kind *k,
                    struct derr *e)
{
	char p[32];
	unsigned long fl = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT | PROPAGATION);
	cleanup_fd int fd = rootfs_resolve_in_root(rootfd, m->destination, O_PATH, true, e);
	if (fd < 0)
		return -1;
	/* sysfs belongs to the network namespace's owner (runc does the same). */
	if (k->host && c->userns && !c->new_net_ns && strcmp(k->type, "sysfs") == 0)
		return bind_from_host(rootfd, m, fd, k->host, 0, e);
	int r = mount(m->source ? m->source : m->type, rootfs_fdpath(p, fd), m->type, fl, m->data);
	if (r < 0 && errno == EINVAL && c->userns && m->type && strcmp(m->type, "devpts") == 0 && m->data &&
	    strstr(m->data, "gid="))
		r = mount_devpts_nogid(p, fl, m->data);
	if (r < 0 && errno == EPERM && k->host && c->userns)
		return bind_from_host(rootfd, m, fd, k->host, 0, e);
	if (r < 0)
		return derr_sys(e, "mount %s", m->type ? m->type : "(no type)");
	return after_mount(rootfd, m->destination, 0, 0, m->propagation, m->attr_set, m->attr_clr, e);
}

/* The host's cgroup2 mount: unified, or hybrid's /sys/fs/cgroup/unified. */
static const char *host_cgroup2(void)
{
	static const char *const paths[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	struct statfs s;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (statfs(paths[i], &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
			return paths[i];
	return NULL;
}

/* "cgroup" or "cgroup2": always the cgroup2 hierarchy (with a cgroup
 * namespace, the container's own); never v1 controllers. When it may not be
 * mounted here, the host's cgroup2 mount is bound read-only. */
static int mount_cgroup(const struct rootfs_ctx *c, int rootfd, const struct oci_mount *m, const struct mount_kind *k,
                        struct derr *e)
{
	char p[32];
	unsigned long fl = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT | PROPAGATION);
	const char *data = strcmp(m->type, "cgroup2") == 0 ? m->data : NULL; /* v1 options mean nothing here */
	cleanup_fd int fd = rootfs_resolve_in_root(rootfd, m->destination, O_PATH, true, e);
	if (fd < 0)
		return -1;
	if (mount("cgroup2", rootfs_fdpath(p, fd), "cgroup2", fl, data) == 0)
		return after_mount(rootfd, m->destination, 0, 0, m->propagation, m->attr_set, m->attr_clr, e);
	if (errno != EPERM && errno != EBUSY)
		return derr_sys(e, "mount cgroup2");
	const char *host = host_cgroup2();
	if (!host)
		return derr_sys(e, "mount cgroup2 (and the host has no cgroup2 mount to bind)");
	return bind_from_host(rootfd, m, fd, host, MS_RDONLY, e);
}

static const struct mount_kind kinds[] = {
    {"bind", mount_bind, NULL},          {"proc", mount_fs, "/proc"},    {"sysfs", mount_fs, "/sys"},
    {"mqueue", mount_fs, "/dev/mqueue"}, {"cgroup", mount_cgroup, NULL}, {"cgroup2", mount_cgroup, NULL},
};
static const struct mount_kind other_fs = {NULL, mount_fs, NULL};

static int mount_one(const struct rootfs_ctx *c, int rootfd, const struct oci_mount *m, int tree, struct derr *e)
{
	const struct mount_kind *k = &other_fs;
	if (m->tmpcopyup)
		return derr_set(e, 0, "tmpcopyup is not supported");
	if (!m->destination || m->destination[0] != '/')
		return derr_set(e, 0, "destination must be an absolute path");
	if (m->idmap || m->ridmap)
		return mount_idmapped(rootfd, m, tree, e);
	if (m->bind)
		k = &kinds[0];
	else
		for (size_t i = 0; m->type && i < ARRAY_SIZE(kinds); i++)
			if (strcmp(m->type, kinds[i].type) == 0)
				k = &kinds[i];
	return k->fn(c, rootfd, m, k, e);
}

int rootfs_do_mounts(const struct rootfs_ctx *c, int rootfd, struct derr *e)
{
	for (size_t i = 0; i < c->cfg->n_mounts; i++) {
		const struct oci_mount *m = &c->cfg->mounts[i];
		int *tree = c->idmap_fds ? &c->idmap_fds[i] : NULL;
		int r = mount_one(c, rootfd, m, tree ? *tree : -1, e);
		if (tree && *tree >= 0) /* attached, or never will be */
			close(*tree), *tree = -1;
		if (r < 0)
			return derr_wrap(e, "mounts[%zu] \"%s\"", i, m->destination ? m->destination : "");
	}
	return 0;
}
