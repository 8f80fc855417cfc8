/* apparmor.c: switching the container process to an AppArmor profile at
 * exec, and proc_open_checked(), the one way Droplet opens procfs files it
 * writes to (a container may have replaced or bind-mounted over parts of
 * its /proc to redirect those writes: CVE-2019-16884, CVE-2025-52881). */
#include "apparmor.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#define PROC_ROOT_INO 1

int apparmor_enabled(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
}

static bool on_procfs(int fd)
{
	struct statfs sfs;
	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* /proc itself: procfs, and its root (not a procfs subdirectory mounted
 * over /proc). */
static int open_proc_root(struct derr *e)
{
	struct stat st;
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open \"/proc\"");
	if (!on_procfs(fd) || fstat(fd, &st) < 0 || st.st_ino != PROC_ROOT_INO) {
		close(fd);
		return derr_set(e, 0, "open \"/proc\": not the root of a procfs mount");
	}
	return fd;
}

/* openat2 refuses to cross a mount point (a bind mount over the target)
 * and magic links; older kernels (or a seccomp filter that hides openat2)
 * fall back to openat, still checked with fstatfs by the caller. */
static int open_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)flags,
	    .resolve = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd;
	return openat(dirfd, rel, flags);
}

int proc_open_checked(const char *path, int flags, struct derr *e)
{
	int dirfd, fd, saved;
	if (strncmp(path, "/proc/", 6) != 0 || !path[6])
		return derr_set(e, EINVAL, "open \"%s\": not a path under /proc", path);
	dirfd = open_proc_root(e);
	if (dirfd < 0)
		return -1;
	fd = open_beneath(dirfd, path + 6, flags | O_NOFOLLOW | O_CLOEXEC);
	saved = errno;
	close(dirfd);
	if (fd < 0 && saved == EXDEV) {
		derr_set(e, 0, "open \"%s\": a mount covers a part of this path", path);
		e->errnum = EXDEV;
		return -1;
	}
	if (fd < 0)
		return derr_set(e, saved, "open \"%s\"", path);
	if (!on_procfs(fd)) {
		close(fd);
		return derr_set(e, 0, "open \"%s\": not on procfs", path);
	}
	return fd;
}

static int write_attr(const char *path, const char *val, struct derr *e)
{
	int fd = proc_open_checked(path, O_WRONLY, e);
	ssize_t n;
	if (fd < 0)
		return -1;
	/* One write: the LSM parses the whole command at once. */
	n = write(fd, val, strlen(val));
	if (n < 0) {
		derr_sys(e, "write \"%s\"", path);
		close(fd);
		return -1;
	}
	close(fd);
	if ((size_t)n != strlen(val))
		return derr_set(e, EIO, "write \"%s\": short write", path);
	return 0;
}

int apparmor_exec_profile(const char *profile, struct derr *e)
{
	char cmd[4096];
	if (!profile || !*profile)
		return 0;
	if (!apparmor_enabled())
		return derr_set(e, 0, "apparmor profile \"%s\": AppArmor is not enabled on this host", profile);
	if ((size_t)snprintf(cmd, sizeof cmd, "exec %s", profile) >= sizeof cmd)
		return derr_set(e, ENAMETOOLONG, "apparmor profile \"%.64s...\"", profile);
	if (write_attr("/proc/self/attr/apparmor/exec", cmd, e) == 0)
		return 0;
	if (e->errnum != ENOENT)
		return derr_wrap(e, "apparmor profile \"%s\"", profile);
	/* Kernels before 5.8 have only the shared attr files. */
	if (write_attr("/proc/self/attr/exec", cmd, e) < 0)
		return derr_wrap(e, "apparmor profile \"%s\"", profile);
	return 0;
}
