/* probe: a small static program run inside test containers to report facts
 * busybox cannot show exactly. `probe CMD ARGS...`; prints one line.
 * Each command is a function in the table below. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/syscall.h>
#include <sys/personality.h>

static int report(long r)
{
	if (r < 0) {
		printf("errno %d %s\n", errno, strerror(errno));
		return 1;
	}
	printf("ok %ld\n", r);
	return 0;
}

/* mkdir PATH: the errno of mkdir(2) */
static int cmd_mkdir(int argc, char **argv)
{
	return argc < 2 ? 2 : report(mkdir(argv[1], 0755));
}

/* personality HEX: personality(2) with that value */
static int cmd_personality(int argc, char **argv)
{
	return argc < 2 ? 2 : report(personality(strtoul(argv[1], NULL, 0)));
}

/* syscall NR [ARGS...]: raw syscall, integer args */
static int cmd_syscall(int argc, char **argv)
{
	long a[6] = {0};
	if (argc < 2)
		return 2;
	for (int i = 2; i < argc && i < 8; i++)
		a[i - 2] = strtol(argv[i], NULL, 0);
	return report(syscall(strtol(argv[1], NULL, 0), a[0], a[1], a[2], a[3], a[4], a[5]));
}

/* fds: the open file descriptors of this process, space separated */
static int cmd_fds(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self;
	if (!d)
		return report(-1);
	self = dirfd(d);
	int first = 1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == self)
			continue;
		printf(first ? "%s" : " %s", de->d_name);
		first = 0;
	}
	printf("\n");
	closedir(d);
	return 0;
}

/* x32mkdir PATH: mkdir(2) through the x32 ABI (0x40000000 | 83); on a
 * kernel without x32 that is ENOSYS, under a filter without x32 SIGSYS */
static int cmd_x32mkdir(int argc, char **argv)
{
	return argc < 2 ? 2 : report(syscall(0x40000000L | 83, argv[1], 0755));
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} cmds[] = {
    {"mkdir", cmd_mkdir}, {"personality", cmd_personality}, {"syscall", cmd_syscall},
    {"fds", cmd_fds},     {"x32mkdir", cmd_x32mkdir},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe CMD [ARGS...]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmds[i].name, argv[1]) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "probe: unknown command %s\n", argv[1]);
	return 2;
}
