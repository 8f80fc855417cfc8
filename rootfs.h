/* rootfs.h: the container's filesystem, built in its new mount namespace
 * before exec: root propagation, the overlay or bind of the rootfs, mounts[],
 * /dev, the bundle's etc/ files, pivot_root, masked and read-only paths.
 *
 * Split in three files: rootfs.c (the three phases, overlay, etc/ files,
 * pivot, masked/readonly paths), mounts.c (safe path resolution inside the
 * rootfs and the mount primitives, mounts[]), devices.c (/dev). */
#ifndef DROPLET_ROOTFS_H
#define DROPLET_ROOTFS_H

#include "common.h"
#include "config.h"

#include <sys/stat.h>

struct rootfs_ctx {
	const struct oci_config *cfg;
	const char *bundle;          /* absolute bundle dir */
	const char *rootfs;          /* absolute rootfs path (root.path resolved against the bundle) */
	bool userns;                 /* in a new user namespace: devices are bound from the host /dev,
	                                sysfs without a new net ns is bound from the host /sys */
	int console_slave;           /* pty slave fd to bind onto /dev/console, or -1 */
	int *pty_master, *pty_slave; /* non-NULL: open a pty from the container's own
	                                /dev/ptmx (its devpts instance; the host's when it
	                                has none) and bind the slave onto /dev/console */
	bool new_pid_ns, new_net_ns;
	int *idmap_fds; /* per mounts[] entry: the idmapped tree idmap.c made, or -1;
	                   NULL when none. Each is closed (and set to -1) once its mount ran. */
};

/* Before pivot, in the new mount namespace: make / private (or
 * linux.rootfsPropagation), mount the overlay (io.raind.image.config) or bind
 * the rootfs onto itself, run mounts[] in order, fill /dev when a mount of
 * /dev was given, bind /dev/console, bind the bundle's etc/ files.
 * Returns 0, or -1 with *e set ("mounts[3] \"/data\": source \"/nope\": ...").
 * Mounts made before a failure stay; the namespace is thrown away. */
int rootfs_prepare(const struct rootfs_ctx *c, struct derr *e);

/* Make the rootfs the root: pivot_root(".", ".") and a lazy unmount of the
 * old root; when / is an initramfs (pivot_root gives EINVAL) MS_MOVE the
 * rootfs onto / and chroot. The cwd is "/" afterwards. */
int rootfs_pivot(const struct rootfs_ctx *c, struct derr *e);

/* After pivot: readonlyPaths, maskedPaths (missing paths are skipped),
 * root.readonly, and the final propagation of /. */
int rootfs_finalize(const struct rootfs_ctx *c, struct derr *e);

/* Open `path` inside the directory tree rootfd as if rootfd were "/":
 * symlinks (absolute ones too) and ".." never leave it. Every symlink is
 * followed, the last component's too. `flags` are open flags for the last
 * component (O_PATH, O_DIRECTORY, ...); O_CLOEXEC is always added. With
 * create_dirs, missing components are created as directories (0755), the
 * last one as an empty regular file (0644) instead when flags has O_CREAT.
 * Returns the new fd, or -1 with *e = "open \"/a/b\": Not a directory" naming
 * the path up to the failing component. */
int rootfs_resolve_in_root(int rootfd, const char *path, int flags, bool create_dirs, struct derr *e);

/* Set once openat2 is found missing (or filtered); tests set it to run the
 * component walk that replaces it. */
extern bool rootfs_no_openat2;

/* Lexically clean an absolute container path: "//a/./b/../c/" -> "/a/c"
 * (".." stops at "/"). Returns 0, or -1 (ENAMETOOLONG) when out is too small. */
int rootfs_path_clean(const char *in, char *out, size_t cap);

/* ---- shared by rootfs.c, mounts.c and devices.c ---- */

/* "/proc/self/fd/N" of fd into buf (at least 32 bytes); returns buf. */
char *rootfs_fdpath(char *buf, int fd);
/* Whether mounts[] has an entry whose destination cleans to `dest`. */
bool rootfs_has_mount(const struct oci_config *cfg, const char *dest);
/* Bind the host path `src` (or srcfd when >= 0) onto the open target fd,
 * recursively when rec. */
int rootfs_bind_fd(int srcfd, const char *src, int dstfd, bool rec, struct derr *e);
/* Set the MS_* per-mount bits of `set` on the mount at path, recursively
 * when rec (Linux >= 5.12), keeping the others (locked or not). */
int rootfs_remount(const char *path, unsigned long set, bool rec, struct derr *e);
/* Run mounts[] in order (mounts.c). */
int rootfs_do_mounts(const struct rootfs_ctx *c, int rootfd, struct derr *e);
/* /dev: default devices and links when /dev was mounted, linux.devices,
 * /dev/console (devices.c). */
int rootfs_do_devices(const struct rootfs_ctx *c, int rootfd, struct derr *e);

#endif
