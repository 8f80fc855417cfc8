/* test_rootfs.c: the pure parts of rootfs: path cleaning and resolution
 * confined to a root (openat2 and the fallback walk) on a temp tree. */
#include "unit.h"
#include "../../rootfs.h"

#include <fcntl.h>
#include <sys/stat.h>

static char tree[64];
static int rootfd = -1;

static void clean_is(const char *in, const char *want)
{
	char out[256];
	CHECK_INT(rootfs_path_clean(in, out, sizeof out), 0);
	CHECK_STR(out, want);
}

TEST(path_clean)
{
	char small[4];
	clean_is("/", "/");
	clean_is("", "/");
	clean_is("//dev/", "/dev");
	clean_is("/a/./b/../c", "/a/c");
	clean_is("/../../etc", "/etc");
	clean_is("a/b/..", "/a");
	clean_is("/a/b/../..", "/");
	clean_is("/a/..b/.c", "/a/..b/.c");
	CHECK_INT(rootfs_path_clean("/abcdef", small, sizeof small), -1);
	CHECK_INT(errno, ENAMETOOLONG);
}

static void mk(const char *rel, bool dir)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", tree, rel);
	if (dir)
		CHECK_INT(mkdir(p, 0755), 0);
	else
		close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

static void ln(const char *target, const char *rel)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", tree, rel);
	CHECK_INT(symlink(target, p), 0);
}

static void setup_tree(void)
{
	strcpy(tree, "/tmp/droplet-unit-rootfs.XXXXXX");
	CHECK(mkdtemp(tree) != NULL);
	mk("etc", true);
	mk("etc/passwd", false);
	mk("a", true);
	mk("a/b", true);
	ln("/etc", "a/abs");             /* absolute: the root's /etc */
	ln("../../../../etc", "a/b/up"); /* climbs past the root */
	ln("/etc/passwd", "a/pw");
	ln("loop2", "loop1");
	ln("loop1", "loop2");
	ln("/nope/x", "dangling");
	ln("/proc/self/root/etc", "magic");
	rootfd = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(rootfd >= 0);
}

/* Whether fd is tree/rel. */
static bool is(int fd, const char *rel)
{
	char p[256];
	struct stat a, b;
	snprintf(p, sizeof p, "%s/%s", tree, rel);
	return fd >= 0 && fstat(fd, &a) == 0 && stat(p, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void resolve_cases(void)
{
	struct derr e = {0};
	int fd, fds = count_fds();

	fd = rootfs_resolve_in_root(rootfd, "/a/abs/passwd", O_PATH, false, &e);
	CHECK(is(fd, "etc/passwd"));
	close(fd);
	fd = rootfs_resolve_in_root(rootfd, "/a/b/up/passwd", O_PATH, false, &e);
	CHECK(is(fd, "etc/passwd"));
	close(fd);
	fd = rootfs_resolve_in_root(rootfd, "a/pw", O_RDONLY, false, &e);
	CHECK(is(fd, "etc/passwd"));
	close(fd);
	fd = rootfs_resolve_in_root(rootfd, "/../../../a/./b/..", O_PATH | O_DIRECTORY, false, &e);
	CHECK(is(fd, "a"));
	close(fd);
	fd = rootfs_resolve_in_root(rootfd, "/", O_PATH, false, &e);
	CHECK(is(fd, "."));
	close(fd);

	CHECK_INT(rootfs_resolve_in_root(rootfd, "/loop1/x", O_PATH, false, &e), -1);
	CHECK_INT(e.errnum, ELOOP);
	CHECK_INT(rootfs_resolve_in_root(rootfd, "/magic", O_PATH, false, &e), -1);
	CHECK_INT(rootfs_resolve_in_root(rootfd, "/etc/passwd/x", O_PATH, false, &e), -1);
	CHECK_INT(e.errnum, ENOTDIR);
	CHECK_INT(rootfs_resolve_in_root(rootfd, "/nothing/here", O_PATH, false, &e), -1);
	CHECK_INT(e.errnum, ENOENT);
	CHECK_INT(count_fds(), fds);
}

TEST(resolve_openat2)
{
	rootfs_no_openat2 = false;
	resolve_cases();
}

TEST(resolve_walk)
{
	rootfs_no_openat2 = true;
	resolve_cases();
	rootfs_no_openat2 = false;
}

static void create_cases(void)
{
	struct derr e = {0};
	int fd, fds = count_fds();
	char host[256];

	/* Missing directories under a symlink to "/etc" land in the root's /etc. */
	fd = rootfs_resolve_in_root(rootfd, "/a/b/up/new/dir", O_PATH | O_DIRECTORY, true, &e);
	CHECK(is(fd, "etc/new/dir"));
	close(fd);
	/* A dangling absolute symlink is created inside the root, as a file. */
	fd = rootfs_resolve_in_root(rootfd, "/dangling", O_PATH | O_CREAT, true, &e);
	CHECK(is(fd, "nope/x"));
	snprintf(host, sizeof host, "%s/nope/x", tree);
	struct stat st;
	CHECK(stat(host, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(access("/nope", F_OK) < 0);
	close(fd);
	fd = rootfs_resolve_in_root(rootfd, "/etc/passwd/sub", O_PATH, true, &e);
	CHECK_INT(fd, -1);
	CHECK_INT(e.errnum, ENOTDIR);
	CHECK_INT(count_fds(), fds);
}

TEST(create_openat2)
{
	rootfs_no_openat2 = false;
	create_cases();
}

TEST(create_walk)
{
	char p[300];
	snprintf(p, sizeof p, "rm -rf %s/etc/new %s/nope", tree, tree);
	CHECK_INT(system(p), 0);
	rootfs_no_openat2 = true;
	create_cases();
	rootfs_no_openat2 = false;
}

TEST(walk_messages)
{
	struct derr e = {0};
	rootfs_no_openat2 = true;
	CHECK_INT(rootfs_resolve_in_root(rootfd, "/a/abs/passwd/x", O_PATH, false, &e), -1);
	CHECK_STR(e.msg, "open \"/etc/passwd\": Not a directory");
	rootfs_no_openat2 = false;
	CHECK_INT(rootfs_resolve_in_root(rootfd, "/a/abs/passwd/x", O_PATH, false, &e), -1);
	CHECK_STR(e.msg, "open \"/a/abs/passwd/x\": Not a directory");
}

int main(void)
{
	char cmd[128];
	RUN(path_clean);
	setup_tree();
	RUN(resolve_openat2);
	RUN(resolve_walk);
	RUN(create_openat2);
	RUN(create_walk);
	RUN(walk_messages);
	close(rootfd);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tree);
	if (system(cmd) != 0)
		return 1;
	UNIT_DONE();
}
