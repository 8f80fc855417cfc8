/* rootfs.c: the three phases of the container's filesystem. prepare (the
 * propagation of /, the overlay or bind of the rootfs, then mounts[] and /dev
 * from mounts.c and devices.c, the bundle's etc/ files), pivot, finalize
 * (readonlyPaths, maskedPaths, root.readonly, the final propagation). */
#include "rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define PROPAGATION    (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)
#define MOUNT_DATA_MAX 4095 /* mount(2) copies one page of options */

static const char *root_name(const struct rootfs_ctx *c)
{
	return c->cfg->root.path ? c->cfg->root.path : c->rootfs;
}

/* Before pivot, / is made private recursively so that nothing propagates to
 * the host, or slave for a (r)slave/(r)shared rootfsPropagation: a shared
 * root would make pivot_root fail; the configured value is applied to the
 * new / in finalize. */
static unsigned long first_propagation(const struct oci_config *cfg)
{
	return MS_REC | (cfg->linux.rootfs_propagation & (MS_SLAVE | MS_SHARED) ? MS_SLAVE : MS_PRIVATE);
}

/* Relative paths in the config are relative to the bundle. */
static const char *in_bundle(const struct rootfs_ctx *c, const char *p, char *buf, size_t cap)
{
	if (p[0] == '/' || (size_t)snprintf(buf, cap, "%s/%s", c->bundle, p) >= cap)
		return p;
	return buf;
}

/* Append s to buf, escaping overlay's separators when esc. */
static int append(char *buf, size_t *o, const char *s, bool esc)
{
	for (; *s; s++) {
		if (esc && (*s == ':' || *s == ',' || *s == '\\') && *o < MOUNT_DATA_MAX)
			buf[(*o)++] = '\\';
		if (*o >= MOUNT_DATA_MAX)
			return -1;
		buf[(*o)++] = *s;
	}
	buf[*o] = 0;
	return 0;
}

/* "lowerdir=a:b,upperdir=u,workdir=w" into buf, or -1 when too long. */
static int overlay_data(const struct rootfs_ctx *c, char *buf)
{
	const struct raind_image *im = &c->cfg->image;
	char tmp[PATH_MAX];
	size_t o = 0;
	int r = append(buf, &o, "lowerdir=", false);
	for (size_t i = 0; i < im->n_layers; i++)
		r |= (i ? append(buf, &o, ":", false) : 0) |
		     append(buf, &o, in_bundle(c, im->layers[i], tmp, sizeof tmp), true);
	if (im->upper_dir) {
		r |= append(buf, &o, ",upperdir=", false) |
		     append(buf, &o, in_bundle(c, im->upper_dir, tmp, sizeof tmp), true);
		r |= append(buf, &o, ",workdir=", false) |
		     append(buf, &o, in_bundle(c, im->work_dir, tmp, sizeof tmp), true);
	}
	return r ? -1 : 0;
}

/* Too many layers for one page of mount data: fsconfig "lowerdir+" (6.8). */
static int overlay_fsconfig(const struct rootfs_ctx *c)
{
	const struct raind_image *im = &c->cfg->image;
	char tmp[PATH_MAX];
	cleanup_fd int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	for (size_t i = 0; i < im->n_layers; i++)
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+",
		            in_bundle(c, im->layers[i], tmp, sizeof tmp), 0) < 0)
			return -1;
	if (im->upper_dir && (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir",
	                              in_bundle(c, im->upper_dir, tmp, sizeof tmp), 0) < 0 ||
	                      syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir",
	                              in_bundle(c, im->work_dir, tmp, sizeof tmp), 0) < 0))
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	cleanup_fd int m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		return -1;
	return (int)syscall(SYS_move_mount, m, "", AT_FDCWD, c->rootfs, MOVE_MOUNT_F_EMPTY_PATH);
}

/* After a failed overlay mount, name the directory that is missing. */
static int overlay_error(const struct rootfs_ctx *c, struct derr *e)
{
	const struct raind_image *im = &c->cfg->image;
	char tmp[PATH_MAX];
	int saved = errno;
	for (size_t i = 0; i < im->n_layers; i++)
		if (access(in_bundle(c, im->layers[i], tmp, sizeof tmp), F_OK) < 0)
			return derr_sys(e, "io.raind.image.config: imageLayer[%zu] \"%s\"", i, im->layers[i]);
	return derr_set(e, saved, "mount overlay on \"%s\"", c->rootfs);
}

static int mount_overlay(const struct rootfs_ctx *c, struct derr *e)
{
	const struct raind_image *im = &c->cfg->image;
	char data[MOUNT_DATA_MAX + 1], tmp[PATH_MAX];
	if (im->rootfs_type && strcmp(im->rootfs_type, "overlay") != 0)
		return derr_set(e, 0, "io.raind.image.config: rootfsType \"%s\": only \"overlay\" is supported",
		                im->rootfs_type);
	if (im->n_layers == 0)
		return derr_set(e, 0, "io.raind.image.config: imageLayer: must not be empty");
	if (!im->upper_dir != !im->work_dir)
		return derr_set(e, 0, "io.raind.image.config: upperDir and workDir go together");
	if (im->upper_dir && (mkdir_p(in_bundle(c, im->upper_dir, tmp, sizeof tmp), 0755, e) < 0 ||
	                      mkdir_p(in_bundle(c, im->work_dir, tmp, sizeof tmp), 0755, e) < 0))
		return derr_wrap(e, "io.raind.image.config");
	if (mkdir_p(c->rootfs, 0755, e) < 0)
		return derr_wrap(e, "root.path");
	bool fits = overlay_data(c, data) == 0;
	int r = fits ? mount("overlay", c->rootfs, "overlay", 0, data) : overlay_fsconfig(c);
	/* An unprivileged overlay needs user.* xattrs. */
	if (r < 0 && errno == EPERM && c->userns && fits && strlen(data) + 11 < sizeof data)
		r = mount("overlay", c->rootfs, "overlay", 0, strcat(data, ",userxattr"));
	return r < 0 ? overlay_error(c, e) : 0;
}

/* The bundle's etc/resolv.conf from the Raind DNS servers when it has none. */
static int write_resolv_conf(const struct rootfs_ctx *c, const char *path, struct derr *e)
{
	const struct raind_net *n = &c->cfg->net;
	char text[4096], dir[PATH_MAX];
	size_t o = 0;
	if (!n->present || !n->n_dns)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		snprintf(dir, sizeof dir, "%s/etc", c->bundle);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return derr_sys(e, "mkdir \"%s\"", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return errno == EEXIST ? 0 : derr_sys(e, "create \"%s\"", path);
	for (size_t i = 0; i < n->n_dns && o < sizeof text; i++)
		o += (size_t)snprintf(text + o, sizeof text - o, "nameserver %s\n", n->dns[i]);
	int r = write_all(fd, text, o < sizeof text ? o : sizeof text - 1);
	close(fd);
	return r < 0 ? derr_sys(e, "write \"%s\"", path) : 0;
}

static const char *const etc_files[] = {"resolv.conf", "hosts", "hostname"};

/* Bind <bundle>/etc/<f> onto the rootfs's /etc/<f> unless mounts[] has it. */
static int bind_etc_files(const struct rootfs_ctx *c, int rootfd, struct derr *e)
{
	char src[PATH_MAX], dest[32];
	for (size_t i = 0; i < ARRAY_SIZE(etc_files); i++) {
		snprintf(dest, sizeof dest, "/etc/%s", etc_files[i]);
		if (rootfs_has_mount(c->cfg, dest))
			continue;
		snprintf(src, sizeof src, "%s/etc/%s", c->bundle, etc_files[i]);
		if (i == 0 && write_resolv_conf(c, src, e) < 0)
			return -1;
		cleanup_fd int sfd = open(src, O_PATH | O_CLOEXEC);
		if (sfd < 0 && errno == ENOENT)
			continue;
		if (sfd < 0)
			return derr_sys(e, "open \"%s\"", src);
		cleanup_fd int dfd = rootfs_resolve_in_root(rootfd, dest, O_PATH | O_CREAT, true, e);
		if (dfd < 0 || rootfs_bind_fd(sfd, NULL, dfd, false, e) < 0)
			return derr_wrap(e, "bundle etc/%s", etc_files[i]);
	}
	return 0;
}

static int prepare(const struct rootfs_ctx *c, struct derr *e)
{
	if (mount(NULL, "/", NULL, first_propagation(c->cfg), NULL) < 0)
		return derr_sys(e, "set the propagation of \"/\"");
	if (c->cfg->image.present) {
		if (mount_overlay(c, e) < 0)
			return -1;
	} else if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
		return derr_sys(e, "root.path \"%s\"", root_name(c));
	}
	/* Opened after the mount, so that it is the new mount's root. */
	cleanup_fd int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return derr_sys(e, "root.path \"%s\"", root_name(c));
	if (rootfs_do_mounts(c, rootfd, e) < 0 || rootfs_do_devices(c, rootfd, e) < 0)
		return -1;
	return bind_etc_files(c, rootfd, e);
}

int rootfs_prepare(const struct rootfs_ctx *c, struct derr *e)
{
	mode_t old = umask(0); /* modes of device nodes and created files exactly as asked */
	int r = prepare(c, e);
	umask(old);
	return r;
}

/* busybox switch_root: when / is the initramfs, which cannot be pivoted. */
static int switch_root(const struct rootfs_ctx *c, struct derr *e)
{
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return derr_sys(e, "move \"%s\" onto \"/\"", c->rootfs);
	if (chroot(".") < 0)
		return derr_sys(e, "chroot \"%s\"", c->rootfs);
	return chdir("/") < 0 ? derr_sys(e, "chdir \"/\"") : 0;
}

int rootfs_pivot(const struct rootfs_ctx *c, struct derr *e)
{
	struct statfs s;
	if (chdir(c->rootfs) < 0)
		return derr_sys(e, "chdir \"%s\"", c->rootfs);
	/* The old root ends up stacked on the new one at "."; prepare made it
	 * private or slave, so unmounting it does not reach the host. */
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (umount2(".", MNT_DETACH) < 0)
			return derr_sys(e, "unmount the old root");
		return chdir("/") < 0 ? derr_sys(e, "chdir \"/\"") : 0;
	}
	int saved = errno;
	if (saved == EINVAL && statfs("/", &s) == 0 && (s.f_type == RAMFS_MAGIC || s.f_type == TMPFS_MAGIC))
		return switch_root(c, e);
	return derr_set(e, saved, "pivot_root \"%s\"", c->rootfs);
}

/* Open /dev/null without following a symlink and check it is 1:3: a
 * rootfs could make it point at a host file (CVE-2025-31133). */
static int open_devnull(int *fd, struct derr *e)
{
	struct stat st;
	*fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return derr_sys(e, "open \"/dev/null\"");
	if (fstat(*fd, &st) < 0)
		return derr_sys(e, "stat \"/dev/null\"");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return derr_set(e, 0, "\"/dev/null\" is not the null device");
	return 0;
}

/* Masking: a file gets /dev/null bound on it, a directory an empty
 * read-only tmpfs. /dev/null is opened at the first mask; when it cannot be
 * used (nullfd -2, the reason in *null_err), directories are still masked
 * and a file to mask is an error. */
struct masker {
	int nullfd;
	struct derr null_err;
};

static int mask_path(const char *p, struct masker *m, struct derr *e)
{
	char src[32];
	struct stat st;
	/* Looked at first: a bind that fails on a directory (ENOTDIR) costs the
	 * kernel an expedited RCU grace period to drop the mount it made. */
	if (stat(p, &st) < 0)
		return errno == ENOENT ? 0 : derr_sys(e, "stat");
	if (S_ISDIR(st.st_mode))
		return mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL) < 0 ? derr_sys(e, "mount tmpfs") : 0;
	if (m->nullfd == -1 && open_devnull(&m->nullfd, &m->null_err) < 0) {
		if (m->nullfd >= 0)
			close(m->nullfd);
		m->nullfd = -2;
	}
	if (m->nullfd < 0)
		return *e = m->null_err, -1;
	if (mount(rootfs_fdpath(src, m->nullfd), p, NULL, MS_BIND, NULL) < 0)
		return derr_sys(e, "bind /dev/null");
	return 0;
}

static int mask_paths(const struct oci_linux *l, struct derr *e)
{
	struct masker m = {.nullfd = -1};
	int r = 0;
	for (size_t i = 0; i < l->n_masked_paths && r == 0; i++)
		if ((r = mask_path(l->masked_paths[i], &m, e)) < 0)
			derr_wrap(e, "linux.maskedPaths[%zu] \"%s\"", i, l->masked_paths[i]);
	if (m.nullfd >= 0)
		close(m.nullfd);
	return r;
}

static int readonly_path(const char *p, struct derr *e)
{
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
		return errno == ENOENT ? 0 : derr_sys(e, "bind");
	return rootfs_remount(p, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, true, e);
}

int rootfs_finalize(const struct rootfs_ctx *c, struct derr *e)
{
	const struct oci_linux *l = &c->cfg->linux;
	for (size_t i = 0; i < l->n_readonly_paths; i++)
		if (readonly_path(l->readonly_paths[i], e) < 0)
			return derr_wrap(e, "linux.readonlyPaths[%zu] \"%s\"", i, l->readonly_paths[i]);
	if (mask_paths(l, e) < 0)
		return -1;
	if (c->cfg->root.readonly && rootfs_remount("/", MS_RDONLY, false, e) < 0)
		return derr_wrap(e, "root.readonly");
	if (l->rootfs_propagation && mount(NULL, "/", NULL, l->rootfs_propagation, NULL) < 0)
		return derr_sys(e, "linux.rootfsPropagation");
	return 0;
}
