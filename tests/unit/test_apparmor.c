/* test_apparmor.c: the AppArmor error path (hosts without AppArmor) and
 * proc_open_checked() against symlinks, non-proc paths and mounts over
 * procfs files (in a private mount namespace, when root). */
#include "apparmor.h"
#include "unit.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

static bool host_has_apparmor(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	return c == 'Y';
}

TEST(enabled_matches_sysfs)
{
	CHECK_INT(apparmor_enabled(), host_has_apparmor());
}

TEST(profile_without_apparmor)
{
	struct derr e = {0};
	CHECK_INT(apparmor_exec_profile(NULL, &e), 0);
	CHECK_INT(apparmor_exec_profile("", &e), 0);
	if (host_has_apparmor()) {
		printf("# skipped: this host has AppArmor\n");
		return;
	}
	CHECK_INT(apparmor_exec_profile("x", &e), -1);
	CHECK_STR(e.msg, "apparmor profile \"x\": AppArmor is not enabled on this host");
	CHECK_INT(e.errnum, 0);
}

TEST(proc_open_ok)
{
	struct derr e = {0};
	int fd = proc_open_checked("/proc/self/status", O_RDONLY, &e);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
}

TEST(proc_open_rejects)
{
	struct derr e = {0};
	CHECK_INT(proc_open_checked("/tmp/x", O_RDONLY, &e), -1);
	CHECK_STR(e.msg, "open \"/tmp/x\": not a path under /proc: Invalid argument");
	CHECK_INT(proc_open_checked("/proc/", O_RDONLY, &e), -1);
	CHECK_INT(proc_open_checked("/proc/self/nonexistent", O_RDONLY, &e), -1);
	CHECK_STR(e.msg, "open \"/proc/self/nonexistent\": No such file or directory");
	/* A symlink (here a magic link) as the last component. */
	CHECK_INT(proc_open_checked("/proc/self/exe", O_RDONLY, &e), -1);
	CHECK_INT(e.errnum, ELOOP);
}

/* In a child with its own mount namespace: bind `src` over `dst` (a
 * procfs file of the child) and expect proc_open_checked to refuse. */
static int child_mount_over(const char *src, const char *dst)
{
	struct derr e = {0};
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return 11;
	if (proc_open_checked(dst, O_WRONLY, &e) >= 0)
		return 1;
	char want[256];
	snprintf(want, sizeof want, "open \"%s\": a mount covers a part of this path", dst);
	if (strcmp(e.msg, want) != 0) {
		fprintf(stderr, "  got: %s\n", e.msg);
		return 2;
	}
	return 0;
}

static int in_child(const char *src, const char *dst)
{
	int st;
	pid_t pid;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(child_mount_over(src, dst));
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST(proc_open_refuses_mount_over)
{
	char tmp[] = "/tmp/droplet-aa.XXXXXX";
	int fd;
	if (geteuid() != 0) {
		printf("# skipped: not root\n");
		return;
	}
	fd = mkstemp(tmp);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	/* A plain file over a procfs file, and a procfs file over another
	 * (fstatfs alone would accept the second: openat2 catches both). */
	CHECK_INT(in_child(tmp, "/proc/self/attr/exec"), 0);
	CHECK_INT(in_child("/proc/sys/kernel/core_pattern", "/proc/self/attr/exec"), 0);
	unlink(tmp);
}

int main(void)
{
	RUN(enabled_matches_sysfs);
	RUN(profile_without_apparmor);
	RUN(proc_open_ok);
	RUN(proc_open_rejects);
	RUN(proc_open_refuses_mount_over);
	UNIT_DONE();
}
