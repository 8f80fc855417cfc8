/* idmap.c: idmapped mounts, made by the parent. mount_setattr with
 * MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace that owns the
 * source's filesystem (the host's), which an init cloned into a new user
 * namespace no longer has. So before the clone the parent makes each one a
 * detached tree (open_tree + mount_setattr); the init inherits the fds and
 * attaches the trees with move_mount (mounts.c). A mapping is given to the
 * kernel as a user namespace: that of a short-lived child cloned into a new
 * one, made once per distinct mapping. */
#include "idmap.h"

#include "ns.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* The uid and gid maps a mount is idmapped with. */
struct maps {
	struct oci_idmap *uid, *gid;
	size_t n_uid, n_gid;
};

struct prep {
	const struct oci_config *cfg;
	const char *bundle;
	int *trees;  /* the result, per mounts[] entry */
	int *userns; /* per mounts[] entry: the namespace made for its maps, or -1 */
	int joined;  /* the joined user namespace (linux.namespaces path), or -1 */
};

/* The mount's own maps, else those of the user namespace the container
 * creates. 1: neither (a joined user namespace's apply). */
static int maps_of(const struct oci_config *cfg, const struct oci_mount *m, struct maps *mp)
{
	const struct oci_linux *l = &cfg->linux;
	if (m->n_uid_mappings)
		*mp = (struct maps){m->uid_mappings, m->gid_mappings, m->n_uid_mappings, m->n_gid_mappings};
	else if (l->n_uid_mappings)
		*mp = (struct maps){l->uid_mappings, l->gid_mappings, l->n_uid_mappings, l->n_gid_mappings};
	else
		return 1;
	return 0;
}

static bool maps_equal(const struct maps *a, const struct maps *b)
{
	return a->n_uid == b->n_uid && a->n_gid == b->n_gid && memcmp(a->uid, b->uid, a->n_uid * sizeof *a->uid) == 0 &&
	       memcmp(a->gid, b->gid, a->n_gid * sizeof *a->gid) == 0;
}

/* A new user namespace with these maps: a child cloned into it waits on a
 * pipe while we write its maps and open the namespace, then exits. */
static int userns_new(const struct maps *mp, struct derr *e)
{
	struct oci_linux l = {
	    .uid_mappings = mp->uid, .gid_mappings = mp->gid, .n_uid_mappings = mp->n_uid, .n_gid_mappings = mp->n_gid};
	int p[2], fd = -1;
	bool unused;
	if (pipe2(p, O_CLOEXEC) < 0)
		return derr_sys(e, "pipe");
	pid_t pid = ns_clone(CLONE_NEWUSER, -1, &unused);
	if (pid < 0) {
		derr_sys(e, "clone a user namespace");
		close(p[0]), close(p[1]);
		return -1;
	}
	if (pid == 0) {
		char c;
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
	if (ns_write_idmaps(pid, &l, e) == 0)
		fd = ns_open_pid(pid, NS_USER, e);
	close(p[1]); /* the child reads EOF and exits */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* The user namespace carrying mount i's maps (owned by p, not the caller). */
static int userns_for(struct prep *p, size_t i, struct derr *e)
{
	const struct oci_namespace *u = &p->cfg->linux.ns[NS_USER];
	struct maps mine, other;
	if (maps_of(p->cfg, &p->cfg->mounts[i], &mine) != 0) {
		if (!u->present || !u->path)
			return derr_set(e, 0,
			                "no uidMappings and gidMappings, and no user namespace to take them from");
		if (p->joined < 0 && (p->joined = open(u->path, O_RDONLY | O_CLOEXEC)) < 0)
			return derr_sys(e, "user namespace \"%s\"", u->path);
		return p->joined;
	}
	for (size_t j = 0; j < i; j++)
		if (p->userns[j] >= 0 && maps_of(p->cfg, &p->cfg->mounts[j], &other) == 0 && maps_equal(&mine, &other))
			return p->userns[j];
	return p->userns[i] = userns_new(&mine, e);
}

/* mount_setattr(MOUNT_ATTR_IDMAP) failed: with the reason when it is known. */
static int idmap_failed(bool rec, struct derr *e)
{
	int err = errno;
	const char *why = err == ENOSYS   ? " (idmapped mounts need Linux 5.12)"
	                  : err != EINVAL ? ""
	                  : rec           ? " (a filesystem in the tree does not support idmapped mounts)"
	                                  : " (the filesystem does not support idmapped mounts)";
	derr_set(e, 0, "mount_setattr: %s%s", strerror(err), why);
	e->errnum = err;
	return -1;
}

/* A detached, idmapped copy of m's source: its fd, or -1. */
static int tree_new(const struct prep *p, const struct oci_mount *m, int userns, struct derr *e)
{
	char buf[PATH_MAX];
	const char *src = m->source;
	/* submounts come along with rbind only (as runc): ridmap on a plain
	 * bind has none to map */
	unsigned rec = m->flags & MS_REC ? AT_RECURSIVE : 0;
	/* like the rootfs before mounts[] (rootfs.c): never a peer of the host */
	unsigned long prop = p->cfg->linux.rootfs_propagation & (MS_SLAVE | MS_SHARED) ? MS_SLAVE : MS_PRIVATE;
	struct mount_attr id = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns},
	                  pa = {.propagation = prop};
	if (!src || !*src)
		return derr_set(e, 0, "bind mount without a source");
	if (src[0] != '/' && (size_t)snprintf(buf, sizeof buf, "%s/%s", p->bundle, src) < sizeof buf)
		src = buf; /* relative to the bundle */
	cleanup_fd int fd = (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (fd < 0)
		return derr_sys(e, "source \"%s\"", m->source);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (m->ridmap ? rec : 0), &id, sizeof id) < 0)
		return idmap_failed(m->ridmap && rec, e);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &pa, sizeof pa) < 0)
		return derr_sys(e, "set propagation");
	return steal_fd(&fd);
}

static int *fds_new(size_t n)
{
	int *v = xmalloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = -1;
	return v;
}

int idmap_prepare(const struct oci_config *cfg, const char *bundle, int **fds, struct derr *e)
{
	size_t n = cfg->n_mounts, i = 0;
	int r = 0;
	*fds = NULL;
	while (i < n && !cfg->mounts[i].idmap && !cfg->mounts[i].ridmap)
		i++;
	if (i == n)
		return 0;
	struct prep p = {cfg, bundle, fds_new(n), fds_new(n), -1};
	for (; i < n && r == 0; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		if (!m->idmap && !m->ridmap)
			continue;
		int ns = m->bind ? userns_for(&p, i, e) : derr_set(e, 0, "only bind mounts can be idmapped");
		if (ns < 0 || (p.trees[i] = tree_new(&p, m, ns, e)) < 0)
			r = derr_wrap(e, "mounts[%zu] \"%s\": idmap", i, m->destination ? m->destination : "");
	}
	idmap_close(&p.userns, n); /* the trees hold their idmapping */
	if (p.joined >= 0)
		close(p.joined);
	if (r < 0)
		idmap_close(&p.trees, n);
	*fds = p.trees;
	return r;
}

void idmap_close(int **fds, size_t n)
{
	if (!*fds)
		return;
	for (size_t i = 0; i < n; i++)
		if ((*fds)[i] >= 0)
			close((*fds)[i]);
	free(*fds);
	*fds = NULL;
}
