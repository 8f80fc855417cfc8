/* rootfs_driver: runs rootfs_prepare/pivot/finalize on a bundle without the
 * lifecycle, then execs a command in the result. For tests only.
 *
 *   rootfs_driver [-U] [-n] [-t] BUNDLE CMD [ARGS...]
 *     -U  new user namespace (identity map: mknod refused, sysfs bound)
 *     -n  new network namespace
 *     -t  a pty slave on /dev/console
 *
 * Build (static musl, like bin/droplet):
 *   musl-gcc -static -std=gnu11 -Os -D_GNU_SOURCE -idirafter build/kinc -iquote . \
 *     tests/rootfs_driver.c $(ls *.c | grep -v '^droplet.c$') -o build/rootfs_driver
 */
#include "common.h"
#include "config.h"
#include "rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

struct opts {
	bool userns, netns, tty;
	const char *bundle;
	char **argv;
};

static int die_err(const struct derr *e)
{
	fprintf(stderr, "rootfs_driver: %s\n", e->msg);
	return 1;
}

static int write_map(pid_t pid, const char *which)
{
	char path[64];
	static const char map[] = "0 0 4294967295\n";
	snprintf(path, sizeof path, "/proc/%d/%s", pid, which);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, sizeof map - 1) != (ssize_t)(sizeof map - 1))
		return perror(path), -1;
	close(fd);
	return 0;
}

/* pid 1 of the new pid namespace. */
static int container(const struct opts *o, struct rootfs_ctx *rc)
{
	struct derr e = {0};
	if (o->tty) {
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
			return perror("openpt"), 1;
		rc->console_slave = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
	}
	if (rootfs_prepare(rc, &e) < 0 || rootfs_pivot(rc, &e) < 0 || rootfs_finalize(rc, &e) < 0)
		return die_err(&e);
	execvp(o->argv[0], o->argv);
	fprintf(stderr, "rootfs_driver: exec \"%s\": %s\n", o->argv[0], strerror(errno));
	return 127;
}

static int wait_for(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* In the child: the namespaces, then pid 1. */
static int child(const struct opts *o, struct rootfs_ctx *rc, int ready)
{
	char c;
	if (o->userns && (unshare(CLONE_NEWUSER) < 0 || write(ready, "u", 1) != 1 || read(ready, &c, 1) != 1))
		return perror("userns"), 1;
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | (o->netns ? CLONE_NEWNET : 0);
	if (unshare(flags) < 0)
		return perror("unshare"), 1;
	pid_t pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0)
		_exit(container(o, rc));
	return wait_for(pid);
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++)
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'U')
				o->userns = true;
			else if (*f == 'n')
				o->netns = true;
			else if (*f == 't')
				o->tty = true;
			else
				return -1;
		}
	if (argc - i < 2)
		return -1;
	o->bundle = argv[i];
	o->argv = argv + i + 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct oci_config cfg;
	struct derr e = {0};
	char bundle[PATH_MAX], rootfs[PATH_MAX * 2], cfgpath[PATH_MAX * 2];
	int sp[2];
	if (parse(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: rootfs_driver [-U] [-n] [-t] BUNDLE CMD [ARGS...]\n");
		return 2;
	}
	if (!realpath(o.bundle, bundle))
		return perror(o.bundle), 1;
	snprintf(cfgpath, sizeof cfgpath, "%s/config.json", bundle);
	if (config_load(cfgpath, &cfg, &e) < 0)
		return die_err(&e);
	const char *root = cfg.root.path ? cfg.root.path : "rootfs";
	snprintf(rootfs, sizeof rootfs, root[0] == '/' ? "%.0s%s" : "%s/%s", bundle, root);
	struct rootfs_ctx rc = {
	    .cfg = &cfg,
	    .bundle = bundle,
	    .rootfs = rootfs,
	    .userns = o.userns,
	    .console_slave = -1,
	    .new_pid_ns = true,
	    .new_net_ns = o.netns,
	};
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return perror("socketpair"), 1;
	pid_t pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0)
		_exit(child(&o, &rc, sp[1]));
	char c;
	if (o.userns && (read(sp[0], &c, 1) != 1 || write_map(pid, "uid_map") < 0 || write_map(pid, "gid_map") < 0 ||
	                 write(sp[0], "g", 1) != 1))
		return 1;
	int r = wait_for(pid);
	config_free(&cfg);
	return r;
}
