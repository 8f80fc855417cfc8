/* devices.c: /dev inside the rootfs, before pivot: the default device
 * nodes and links (only when the config mounts something on /dev),
 * linux.devices, and the pty slave on /dev/console. In a user namespace,
 * where mknod is refused, nodes are bind mounts of the host's /dev. */
#include "rootfs.h"
#include "terminal.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static const struct {
	const char *name;
	unsigned major, minor;
} default_devs[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

static const struct {
	const char *name, *target;
} dev_links[] = {
    {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"},      {"ptmx", "pts/ptmx"},
};

/* Open `name` in dirfd as a target to bind a device onto: created as an
 * empty file, or an existing regular file or device node. A symlink or a
 * directory is refused, never followed (CVE-2025-52565). */
static int open_node_target(int dirfd, const char *name, const char *shown, struct derr *e)
{
	struct stat st;
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd >= 0 || errno != EEXIST) {
		if (fd < 0)
			derr_sys(e, "create \"%s\"", shown);
		return fd;
	}
	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", shown);
	if (fstat(fd, &st) < 0) {
		derr_sys(e, "stat \"%s\"", shown);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return derr_set(e, 0, "\"%s\" exists and is not a file or device", shown);
	}
	return fd;
}

/* Bind the host's `host` onto dirfd/name. */
static int bind_node(int dirfd, const char *name, const char *host, const char *shown, struct derr *e)
{
	cleanup_fd int fd = open_node_target(dirfd, name, shown, e);
	if (fd < 0)
		return -1;
	return rootfs_bind_fd(-1, host, fd, false, e);
}

/* One device node: mknod, or a bind of the host's node in a user namespace
 * (or wherever mknod gives EPERM). An existing node is replaced when
 * `replace` (linux.devices), else kept. */
static int make_node(const struct rootfs_ctx *c, int dirfd, const char *name, mode_t mode, dev_t dev, const char *path,
                     bool replace, struct derr *e)
{
	if (!c->userns) {
		int r = mknodat(dirfd, name, mode, dev);
		if (r < 0 && errno == EEXIST && replace && unlinkat(dirfd, name, 0) == 0)
			r = mknodat(dirfd, name, mode, dev);
		if (r == 0 || (errno == EEXIST && !replace))
			return 0;
		if (errno != EPERM)
			return derr_sys(e, "mknod \"%s\"", path);
	}
	return bind_node(dirfd, name, path, path, e);
}

static bool listed(const struct oci_linux *l, const char *path)
{
	char buf[PATH_MAX];
	for (size_t i = 0; i < l->n_devices; i++)
		if (rootfs_path_clean(l->devices[i].path, buf, sizeof buf) == 0 && strcmp(buf, path) == 0)
			return true;
	return false;
}

static int default_devices(const struct rootfs_ctx *c, int devfd, struct derr *e)
{
	char path[32];
	for (size_t i = 0; i < ARRAY_SIZE(default_devs); i++) {
		snprintf(path, sizeof path, "/dev/%s", default_devs[i].name);
		if (listed(&c->cfg->linux, path))
			continue;
		if (make_node(c, devfd, default_devs[i].name, S_IFCHR | 0666,
		              makedev(default_devs[i].major, default_devs[i].minor), path, false, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		const char *name = dev_links[i].name;
		int r = symlinkat(dev_links[i].target, devfd, name);
		/* /dev/ptmx must be the devpts one; the others may stay as they are. */
		if (r < 0 && errno == EEXIST && strcmp(name, "ptmx") == 0 && unlinkat(devfd, name, 0) == 0)
			r = symlinkat(dev_links[i].target, devfd, name);
		if (r < 0 && errno != EEXIST)
			return derr_sys(e, "symlink \"/dev/%s\"", name);
	}
	return 0;
}

static const struct {
	char type;
	mode_t fmt;
} dev_types[] = {{'c', S_IFCHR}, {'u', S_IFCHR}, {'b', S_IFBLK}, {'p', S_IFIFO}};

static int config_device(const struct rootfs_ctx *c, int rootfd, const struct oci_device *d, struct derr *e)
{
	char path[PATH_MAX], *base;
	mode_t fmt = 0;
	for (size_t i = 0; i < ARRAY_SIZE(dev_types); i++)
		if (d->type == dev_types[i].type)
			fmt = dev_types[i].fmt;
	if (!fmt)
		return derr_set(e, 0, "type \"%c\": must be c, u, b or p", d->type);
	if (!d->path || rootfs_path_clean(d->path, path, sizeof path) < 0 || strcmp(path, "/") == 0)
		return derr_set(e, 0, "path \"%s\": must name a file", d->path ? d->path : "");
	base = strrchr(path, '/');
	*base = 0;
	cleanup_fd int dirfd = rootfs_resolve_in_root(rootfd, path[0] ? path : "/", O_PATH | O_DIRECTORY, true, e);
	*base = '/';
	if (dirfd < 0)
		return -1;
	mode_t mode = fmt | (d->has_file_mode ? d->file_mode & 07777 : 0666);
	if (make_node(c, dirfd, base + 1, mode, makedev(d->major, d->minor), path, true, e) < 0)
		return -1;
	/* A bound host node keeps its owner: chown would change the host's. */
	if ((d->has_uid || d->has_gid) && !c->userns &&
	    fchownat(dirfd, base + 1, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
	             AT_SYMLINK_NOFOLLOW) < 0)
		return derr_sys(e, "chown \"%s\"", path);
	return 0;
}

/* The pty of a terminal container, from its own devpts so that `tty`
 * says /dev/pts/N inside, as with runc. */
static int open_pty(const struct rootfs_ctx *c, int devfd, struct derr *e)
{
	char ptmx[64];
	snprintf(ptmx, sizeof ptmx, "/proc/self/fd/%d/ptmx", devfd);
	if (term_open_pty_at(ptmx, c->pty_master, c->pty_slave, e) == 0)
		return 0;
	if (term_open_pty(c->pty_master, c->pty_slave, e) < 0)
		return derr_wrap(e, "/dev/ptmx");
	return 0;
}

static int console(const struct rootfs_ctx *c, int slave, int devfd, struct derr *e)
{
	cleanup_fd int fd = open_node_target(devfd, "console", "/dev/console", e);
	if (fd < 0)
		return -1;
	if (rootfs_bind_fd(slave, NULL, fd, false, e) < 0)
		return derr_wrap(e, "/dev/console");
	return 0;
}

int rootfs_do_devices(const struct rootfs_ctx *c, int rootfd, struct derr *e)
{
	const struct oci_linux *l = &c->cfg->linux;
	bool dev_mounted = rootfs_has_mount(c->cfg, "/dev");
	if (!dev_mounted && !l->n_devices && c->console_slave < 0 && !c->pty_master)
		return 0;
	cleanup_fd int devfd = rootfs_resolve_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY, true, e);
	if (devfd < 0)
		return -1;
	if (dev_mounted && default_devices(c, devfd, e) < 0)
		return -1;
	for (size_t i = 0; i < l->n_devices; i++)
		if (config_device(c, rootfd, &l->devices[i], e) < 0)
			return derr_wrap(e, "linux.devices[%zu]", i);
	if (c->pty_master && open_pty(c, devfd, e) < 0)
		return -1;
	int slave = c->pty_master ? *c->pty_slave : c->console_slave;
	return slave >= 0 ? console(c, slave, devfd, e) : 0;
}
