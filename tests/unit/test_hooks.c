/* test_hooks.c: hook_run / hook_run_phase with real processes: small shell
 * scripts in a temp dir check stdin, env, argv, fds, exit/signal/timeout/
 * exec failure messages and the phase order rules. */
#include "hooks.h"
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

static char dir[64];

/* dir/name with body as a #!/bin/sh script; returns a malloc'd path. */
static char *script(const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text = xasprintf("#!/bin/sh\n%s\n", body);
	struct derr e;
	if (write_file(path, text, strlen(text), false, &e) < 0 || chmod(path, 0755) < 0)
		fprintf(stderr, "  script %s: %s\n", path, e.msg);
	free(text);
	return path;
}

static char *slurp(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), *buf = NULL;
	size_t len;
	struct derr e;
	if (read_file(path, 1 << 22, &buf, &len, &e) < 0)
		buf = NULL;
	free(path);
	return buf;
}

static struct oci_hook hook(char *path)
{
	return (struct oci_hook){.path = path};
}

static const char *state = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
                           "\"bundle\":\"/b\"}";

TEST(stdin_gets_state)
{
	struct derr e = {0};
	char *p = script("stdin.sh", "cat > \"$(dirname \"$0\")/stdin.out\"");
	struct oci_hook h = hook(p);
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, state, &e), 0);
	char *got = slurp("stdin.out");
	CHECK_STR(got, state);
	free(got);
	free(p);
}

TEST(large_state_read_and_unread)
{
	/* 300 KiB: more than a pipe buffer, so writing needs the poll loop. */
	size_t n = 300 << 10;
	char *big = xmalloc(n + 1);
	struct derr e = {0};
	memset(big, 'x', n);
	big[n] = 0;
	char *p = script("big.sh", "cat > \"$(dirname \"$0\")/big.out\"");
	struct oci_hook h = hook(p);
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, big, &e), 0);
	char *got = slurp("big.out");
	CHECK(got && strlen(got) == n);
	free(got);
	free(p);
	/* A hook that never reads stdin: EPIPE ignored, droplet alive. */
	p = script("noread.sh", "exit 0");
	h = hook(p);
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, big, &e), 0);
	free(p);
	free(big);
}

TEST(env_only_hook_env)
{
	char *env[] = {"FOO=bar", "ODD-NAME=with spaces=and equals"};
	char *args[] = {"sh", "-c", "tr '\\0' '\\n' < /proc/$$/environ > \"$0\"", NULL};
	struct derr e = {0};
	args[3] = xasprintf("%s/env.out", dir);
	struct oci_hook h = {.path = "/bin/sh", .args = args, .n_args = 4, .env = env, .n_env = 2};
	setenv("DROPLET_TEST_LEAK", "1", 1);
	CHECK_INT(hook_run(&h, HOOK_CREATE_RUNTIME, 0, state, &e), 0);
	char *got = slurp("env.out");
	CHECK_STR(got, "FOO=bar\nODD-NAME=with spaces=and equals\n");
	free(got);
	/* No env at all: empty environment. */
	h.n_env = 0;
	h.env = NULL;
	CHECK_INT(hook_run(&h, HOOK_CREATE_RUNTIME, 0, state, &e), 0);
	got = slurp("env.out");
	CHECK_STR(got, "");
	free(got);
	free(args[3]);
}

TEST(argv0_first)
{
	char *args[] = {"custom-argv0", "-c", "tr '\\0' '\\n' < /proc/$$/cmdline > \"$0\"", NULL, "b c"};
	struct derr e = {0};
	args[3] = xasprintf("%s/argv.out", dir);
	struct oci_hook h = {.path = "/bin/sh", .args = args, .n_args = 5};
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, state, &e), 0);
	char *got = slurp("argv.out");
	char *want = xasprintf("custom-argv0\n-c\n%s\n%s\nb c\n", args[2], args[3]);
	CHECK_STR(got, want);
	free(want);
	free(got);
	free(args[3]);
}

TEST(no_args_means_argv0_is_path)
{
	/* /bin/sh with no args reads its commands from stdin. */
	struct derr e = {0};
	char *cmds = xasprintf("echo \"$0\" > %s/argv0.out\n", dir);
	struct oci_hook h = hook("/bin/sh");
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, cmds, &e), 0);
	char *got = slurp("argv0.out");
	CHECK_STR(got, "/bin/sh\n");
	free(got);
	free(cmds);
}

TEST(only_stdio_fds)
{
	/* Exits with the number of open fds above 2 (no redirections, so the
	 * shell opens none itself). A leaked non-CLOEXEC fd would count. */
	char *args[] = {"sh", "-c",
	                "n=0; for i in 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do "
	                "[ -e /proc/$$/fd/$i ] && n=$((n+1)); done; exit $n"};
	struct derr e = {0};
	int leak = fcntl(0, F_DUPFD, 17);
	struct oci_hook h = {.path = "/bin/sh", .args = args, .n_args = 3};
	CHECK(leak >= 17);
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, state, &e), 0);
	if (e.msg[0])
		fprintf(stderr, "  %s\n", e.msg);
	close(leak);
}

TEST(exit_code_and_last_line)
{
	struct derr e = {0};
	char *p = script("fail.sh", "echo out-line; echo first >&2; echo 'last err  ' >&2; echo >&2; exit 3");
	struct oci_hook h = hook(p);
	char *want = xasprintf("hook prestart[0] failed: %s: exit 3: last err", p);
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, state, &e), -1);
	CHECK_STR(e.msg, want);
	CHECK_INT(e.errnum, 0);
	free(want);
	free(p);

	p = script("fail2.sh", "echo only-out; printf 'partial'; exit 4");
	h = hook(p);
	want = xasprintf("hook poststop[2] failed: %s: exit 4: partial", p);
	CHECK_INT(hook_run(&h, HOOK_POSTSTOP, 2, state, &e), -1);
	CHECK_STR(e.msg, want);
	free(want);
	free(p);

	p = script("fail3.sh", "exit 5");
	h = hook(p);
	want = xasprintf("hook createContainer[1] failed: %s: exit 5", p);
	CHECK_INT(hook_run(&h, HOOK_CREATE_CONTAINER, 1, state, &e), -1);
	CHECK_STR(e.msg, want);
	free(want);
	free(p);
}

TEST(killed_by_signal)
{
	struct derr e = {0};
	char *p = script("kill.sh", "kill -9 $$");
	struct oci_hook h = hook(p);
	char *want = xasprintf("hook poststart[0] failed: %s: killed by signal 9 (SIGKILL)", p);
	CHECK_INT(hook_run(&h, HOOK_POSTSTART, 0, state, &e), -1);
	CHECK_STR(e.msg, want);
	free(want);
	free(p);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(timeout_kills)
{
	struct derr e = {0};
	/* The background sleep holds stdout open: must not delay us. */
	char *p = script("slow.sh", "sleep 5 & echo $! > \"$(dirname \"$0\")/bg.pid\"; sleep 5");
	struct oci_hook h = {.path = p, .has_timeout = true, .timeout = 1};
	char *want = xasprintf("hook createRuntime[0] failed: %s: timed out after 1s", p);
	double t0 = now_s();
	CHECK_INT(hook_run(&h, HOOK_CREATE_RUNTIME, 0, state, &e), -1);
	double dt = now_s() - t0;
	CHECK(dt >= 0.9 && dt < 2.5);
	CHECK_STR(e.msg, want);
	/* The whole process group is gone (at most a zombie awaiting init). */
	char *pid = slurp("bg.pid");
	if (pid) {
		char path[64], st[512] = "";
		snprintf(path, sizeof path, "/proc/%d/stat", atoi(pid));
		usleep(100 * 1000);
		FILE *f = fopen(path, "re");
		if (f) {
			if (!fgets(st, sizeof st, f))
				st[0] = 0;
			fclose(f);
			char *rp = strrchr(st, ')');
			CHECK(rp && rp[2] == 'Z');
		}
	}
	free(pid);
	free(want);
	free(p);
}

TEST(exited_hook_with_background_child)
{
	/* The hook exits at once; its child keeps the pipes open for 5 s. */
	struct derr e = {0};
	char *p = script("bg.sh", "sleep 3 & echo done");
	struct oci_hook h = hook(p);
	double t0 = now_s();
	CHECK_INT(hook_run(&h, HOOK_POSTSTART, 0, state, &e), 0);
	CHECK(now_s() - t0 < 1.5);
	free(p);
}

TEST(exec_failure)
{
	struct derr e = {0};
	struct oci_hook h = hook("/nonexistent/nope");
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, state, &e), -1);
	CHECK_STR(e.msg, "hook prestart[0] failed: /nonexistent/nope: exec: No such file or directory");
	CHECK_INT(e.errnum, ENOENT);

	char *p = script("noexec.sh", "exit 0");
	chmod(p, 0644);
	h = hook(p);
	char *want = xasprintf("hook startContainer[0] failed: %s: exec: Permission denied", p);
	CHECK_INT(hook_run(&h, HOOK_START_CONTAINER, 0, state, &e), -1);
	CHECK_STR(e.msg, want);
	free(want);
	free(p);
}

TEST(phase_names)
{
	static const char *names[] = {"prestart",  "createRuntime", "createContainer", "startContainer",
	                              "poststart", "stopContainer", "poststop"};
	char *p = script("one.sh", "exit 1");
	struct oci_hook h = hook(p);
	CHECK_INT(HOOK_PHASE_COUNT, ARRAY_SIZE(names));
	for (int ph = 0; ph < HOOK_PHASE_COUNT; ph++) {
		struct derr e = {0};
		char *want = xasprintf("hook %s[7] failed: %s: exit 1", names[ph], p);
		CHECK_INT(hook_run(&h, (enum hook_phase)ph, 7, state, &e), -1);
		CHECK_STR(e.msg, want);
		free(want);
	}
	free(p);
}

/* Hooks 0 and 2 append their index to order.out; hook 1 fails. */
static void three_hooks(struct oci_hooks *hs, enum hook_phase ph, struct oci_hook hk[3], char *paths[3])
{
	paths[0] = script("h0.sh", "echo 0 >> \"$(dirname \"$0\")/order.out\"");
	paths[1] = script("h1.sh", "echo broken >&2; exit 2");
	paths[2] = script("h2.sh", "echo 2 >> \"$(dirname \"$0\")/order.out\"");
	for (int i = 0; i < 3; i++)
		hk[i] = hook(paths[i]);
	memset(hs, 0, sizeof *hs);
	hs->hooks[ph] = hk;
	hs->n[ph] = 3;
	char *out = xasprintf("%s/order.out", dir);
	unlink(out);
	free(out);
}

TEST(run_phase_order)
{
	struct oci_hooks hs;
	struct oci_hook hk[3];
	char *paths[3];
	struct derr e = {0};
	CHECK_INT(hook_run_phase(NULL, HOOK_PRESTART, state, &e), 0);
	/* Fatal phase: stops at the first failure. */
	three_hooks(&hs, HOOK_CREATE_RUNTIME, hk, paths);
	CHECK_INT(hook_run_phase(&hs, HOOK_PRESTART, state, &e), 0); /* other phase: nothing */
	CHECK_INT(hook_run_phase(&hs, HOOK_CREATE_RUNTIME, state, &e), -1);
	char *want = xasprintf("hook createRuntime[1] failed: %s: exit 2: broken", paths[1]);
	CHECK_STR(e.msg, want);
	free(want);
	char *got = slurp("order.out");
	CHECK_STR(got, "0\n");
	free(got);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
	/* Warning phase (OCI poststop): the rest still run, first error kept. */
	three_hooks(&hs, HOOK_POSTSTOP, hk, paths);
	CHECK_INT(hook_run_phase(&hs, HOOK_POSTSTOP, state, &e), -1);
	want = xasprintf("hook poststop[1] failed: %s: exit 2: broken", paths[1]);
	CHECK_STR(e.msg, want);
	free(want);
	got = slurp("order.out");
	CHECK_STR(got, "0\n2\n");
	free(got);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
}

TEST(output_echoed_at_debug)
{
	struct derr e = {0};
	char *log = xasprintf("%s/droplet.log", dir);
	char *p = script("talk.sh", "echo hello-out; echo hello-err >&2");
	struct oci_hook h = hook(p);
	log_setup(log, false, true);
	CHECK_INT(hook_run(&h, HOOK_PRESTART, 0, state, &e), 0);
	char *got = slurp("droplet.log");
	CHECK(got && strstr(got, "hook prestart[0] stdout: hello-out"));
	CHECK(got && strstr(got, "hook prestart[0] stderr: hello-err"));
	free(got);
	free(p);
	free(log);
}

static void rm_dir(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", dir);
	free(cmd);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/droplet-hooks.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(stdin_gets_state);
	RUN(large_state_read_and_unread);
	RUN(env_only_hook_env);
	RUN(argv0_first);
	RUN(no_args_means_argv0_is_path);
	RUN(only_stdio_fds);
	RUN(exit_code_and_last_line);
	RUN(killed_by_signal);
	RUN(timeout_kills);
	RUN(exited_hook_with_background_child);
	RUN(exec_failure);
	RUN(phase_names);
	RUN(run_phase_order);
	RUN(output_echoed_at_debug);
	rm_dir();
	UNIT_DONE();
}
