/* test_process.c: the fd sweep the init and exec use before exec. */
#include "process.h"

#include "unit.h"

#include <fcntl.h>
#include <sys/wait.h>

/* In a child: fds 10, 11, 12, 20 open; sweep from 3 keeping 11 and 20.
 * Exit code: bit i set when fd {10,11,12,20}[i] is still open, +16 when 11
 * is close-on-exec. */
static int sweep_in_child(bool close_them)
{
	pid_t pid = fork();
	if (pid == 0) {
		static const int fds[] = {10, 11, 12, 20};
		int null = open("/dev/null", O_RDONLY);
		for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
			dup2(null, fds[i]);
		close(null);
		int keep[] = {20, -1, 11, 11};
		proc_fds_from(3, keep, ARRAY_SIZE(keep), close_them);
		int code = 0;
		for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
			int fl = fcntl(fds[i], F_GETFD);
			if (fl >= 0 && (close_them || !(fl & FD_CLOEXEC)))
				code |= 1 << i;
		}
		_exit(code | ((fcntl(11, F_GETFD) & FD_CLOEXEC) ? 16 : 0));
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(sweep_closes_all_but_the_kept)
{
	CHECK_INT(sweep_in_child(true), 2 | 8);
}

TEST(sweep_marks_close_on_exec_all_but_the_kept)
{
	CHECK_INT(sweep_in_child(false), 2 | 8);
}

int main(void)
{
	RUN(sweep_closes_all_but_the_kept);
	RUN(sweep_marks_close_on_exec_all_but_the_kept);
	UNIT_DONE();
}
