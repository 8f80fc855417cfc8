/* test_spec.c: the spec command: shell-style split, --mount and --hook
 * parsing, flag handling and error texts, the rendered config (re-parsed with
 * json_parse and loaded with config_parse), and spec_main writing files. */
#include "caps.h"
#include "config.h"
#include "json.h"
#include "spec.h"
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>

static struct arena A;
static struct derr E;

static bool split_is(const char *cmd, int n, const char *const *want)
{
	struct spec_strv sv = {0};
	if (spec_split_command(&A, cmd, &sv, &E) < 0 || sv.n != (size_t)n) {
		fprintf(stderr, "  split %s: n=%zu err=%s\n", cmd, sv.n, E.msg);
		return false;
	}
	for (int i = 0; i < n; i++)
		if (strcmp(sv.v[i], want[i]) != 0) {
			fprintf(stderr, "  split %s: [%d] = \"%s\"\n", cmd, i, sv.v[i]);
			return false;
		}
	return true;
}

static bool split_fails(const char *cmd, const char *msg)
{
	struct spec_strv sv = {0};
	return spec_split_command(&A, cmd, &sv, &E) < 0 && strcmp(E.msg, msg) == 0;
}

TEST(split_command)
{
	CHECK(split_is("sh", 1, (const char *const[]){"sh"}));
	CHECK(split_is("  /bin/sh  -c\t'echo hi; sleep 1'  ", 3,
	               (const char *const[]){"/bin/sh", "-c", "echo hi; sleep 1"}));
	CHECK(
	    split_is("echo \"a \\\"b\\\" \\$x \\n\" c\\ d", 3, (const char *const[]){"echo", "a \"b\" $x \\n", "c d"}));
	CHECK(split_is("a'b'\"c\"d e", 2, (const char *const[]){"abcd", "e"}));
	CHECK(split_is("x '' \"\"", 3, (const char *const[]){"x", "", ""}));
	CHECK(split_is("'it\\'s", 1, (const char *const[]){"it\\s"})); /* no escapes inside '...' */
	CHECK(
	    split_is("python3 -m http.server 8777", 4, (const char *const[]){"python3", "-m", "http.server", "8777"}));
	CHECK(split_is("\xc3\xa9t\xc3\xa9", 1, (const char *const[]){"\xc3\xa9t\xc3\xa9"}));
	CHECK(split_fails("echo 'abc", "unterminated single quote"));
	CHECK(split_fails("echo \"abc", "unterminated double quote"));
	CHECK(split_fails("echo abc\\", "trailing backslash"));
	CHECK(split_fails("   ", "empty command"));
	CHECK(split_fails("", "empty command"));
}

static bool opts_are(const struct spec_mount *m, int n, const char *const *want)
{
	if (m->options.n != (size_t)n)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(m->options.v[i], want[i]) != 0)
			return false;
	return true;
}

TEST(parse_mount)
{
	struct spec_mount m;
	CHECK(spec_parse_mount(&A, "/host/data:/data", &m, &E) == 0);
	CHECK_STR(m.source, "/host/data");
	CHECK_STR(m.destination, "/data");
	CHECK(opts_are(&m, 2, (const char *const[]){"rbind", "rprivate"}));
	CHECK(spec_parse_mount(&A, "/a:/b:ro,nosuid", &m, &E) == 0);
	CHECK(opts_are(&m, 4, (const char *const[]){"rbind", "rprivate", "ro", "nosuid"}));
	CHECK(spec_parse_mount(&A, "/a:/b:bind,rshared", &m, &E) == 0);
	CHECK(opts_are(&m, 2, (const char *const[]){"bind", "rshared"}));
	CHECK(spec_parse_mount(&A, "rel:/b:", &m, &E) == 0);
	CHECK(opts_are(&m, 2, (const char *const[]){"rbind", "rprivate"}));
	CHECK(spec_parse_mount(&A, "/a:/b:ro:x", &m, &E) == 0); /* options keep later colons */
	CHECK(opts_are(&m, 3, (const char *const[]){"rbind", "rprivate", "ro:x"}));
	static const char *const bad[] = {"foo", ":/b", "/a:", "/a::ro", ""};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(spec_parse_mount(&A, bad[i], &m, &E) < 0);
		CHECK_STR(E.msg, "want SRC:DST[:OPTIONS]");
	}
	CHECK(spec_parse_mount(&A, "/a:b", &m, &E) < 0);
	CHECK_STR(E.msg, "destination must be an absolute path");
	CHECK(spec_parse_mount(&A, "/a:/b:ro,,rw", &m, &E) < 0);
	CHECK_STR(E.msg, "empty mount option");
}

TEST(parse_hook)
{
	struct spec_hook h;
	CHECK(spec_parse_hook(&A, "/usr/bin/condenser,hook,createRuntime", &h, &E) == 0);
	CHECK_STR(h.path, "/usr/bin/condenser");
	CHECK_INT(h.args.n, 3);
	CHECK_STR(h.args.v[0], "/usr/bin/condenser");
	CHECK_STR(h.args.v[1], "hook");
	CHECK_STR(h.args.v[2], "createRuntime");
	CHECK(spec_parse_hook(&A, "/bin/true", &h, &E) == 0);
	CHECK(h.args.n == 1 && strcmp(h.args.v[0], "/bin/true") == 0 && h.env.n == 0);
	CHECK(spec_parse_hook(&A, "/bin/x,,a b", &h, &E) == 0);
	CHECK(h.args.n == 3 && h.args.v[1][0] == 0 && strcmp(h.args.v[2], "a b") == 0);
	CHECK(spec_parse_hook(&A, "", &h, &E) < 0);
	CHECK_STR(E.msg, "want PATH[,ARG...]");
	CHECK(spec_parse_hook(&A, ",a", &h, &E) < 0);
	CHECK(spec_parse_hook(&A, "hook,a", &h, &E) < 0);
	CHECK_STR(E.msg, "hook path must be absolute");
}

TEST(names)
{
	CHECK_INT(spec_hook_phase("createRuntime"), HOOK_CREATE_RUNTIME);
	CHECK_INT(spec_hook_phase("createruntime"), HOOK_CREATE_RUNTIME);
	CHECK_INT(spec_hook_phase("create-runtime"), HOOK_CREATE_RUNTIME);
	CHECK_INT(spec_hook_phase("stop-container"), HOOK_STOP_CONTAINER);
	CHECK_INT(spec_hook_phase("poststop"), HOOK_POSTSTOP);
	CHECK_INT(spec_hook_phase("prestart"), HOOK_PRESTART);
	CHECK_INT(spec_hook_phase("start"), -1);
	CHECK_INT(spec_ns_type("net"), NS_NET);
	CHECK_INT(spec_ns_type("network"), NS_NET);
	CHECK_INT(spec_ns_type("mnt"), NS_MNT);
	CHECK_INT(spec_ns_type("time"), NS_TIME);
	CHECK_INT(spec_ns_type("NET"), -1);
	CHECK_STR(spec_ns_name(NS_NET), "network");
	CHECK_STR(spec_hook_name(HOOK_START_CONTAINER), "startContainer");
	CHECK(spec_check_env("A=", &E) == 0 && spec_check_env("=x", &E) < 0 && spec_check_env("A", &E) < 0);
	CHECK_STR(E.msg, "want KEY=VALUE");
}

/* Parse argv (NULL-terminated list after "spec"), render, json_parse. */
static int parse(struct spec_opts *o, const char *const *args)
{
	char *argv[128];
	int argc = 0;
	argv[argc++] = "spec";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return spec_parse_args(&A, argc, argv, o, &E);
}

static struct json_value *render(const struct spec_opts *o, char **text)
{
	size_t len;
	*text = spec_render(o, &len);
	struct json_value *v = json_parse(&A, *text, len, &E);
	if (!v)
		fprintf(stderr, "  render does not parse: %s\n", E.msg);
	return v;
}

/* Follow a path of keys ("a.b.c"); array elements by number. */
static struct json_value *at(struct json_value *v, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save, *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save)) {
		if (v->type == JSON_ARRAY) {
			size_t i = strtoul(k, NULL, 10);
			v = i < v->arr.n ? v->arr.items[i] : NULL;
		} else {
			v = json_get(v, k);
		}
	}
	return v;
}

static const char *str_at(struct json_value *v, const char *path)
{
	v = at(v, path);
	return v && v->type == JSON_STRING ? v->str.s : NULL;
}

static size_t len_at(struct json_value *v, const char *path)
{
	v = at(v, path);
	return !v ? (size_t)-1 : v->type == JSON_ARRAY ? v->arr.n : v->type == JSON_OBJECT ? v->obj.n : (size_t)-2;
}

static bool config_loads(const char *text)
{
	struct oci_config cfg;
	struct derr e;
	if (config_parse("config.json", text, strlen(text), &cfg, &e) < 0) {
		fprintf(stderr, "  config_parse: %s\n", e.msg);
		return false;
	}
	config_free(&cfg);
	return true;
}

TEST(render_defaults)
{
	struct spec_opts o;
	cleanup_free char *t = NULL;
	CHECK(parse(&o, (const char *const[]){NULL}) == 0);
	struct json_value *v = render(&o, &t);
	CHECK(v != NULL);
	if (!v)
		return;
	CHECK_STR(str_at(v, "ociVersion"), "1.2.0");
	CHECK(at(v, "process.terminal")->b == false);
	CHECK_STR(str_at(v, "process.args.0"), "sh");
	CHECK_INT(len_at(v, "process.args"), 1);
	CHECK_STR(str_at(v, "process.env.0"), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	CHECK_STR(str_at(v, "process.env.1"), "TERM=xterm-256color");
	CHECK_STR(str_at(v, "process.env.2"), "LANG=C.UTF-8");
	CHECK_STR(str_at(v, "process.cwd"), "/");
	CHECK_INT(len_at(v, "process.capabilities.bounding"), 14);
	CHECK_INT(len_at(v, "process.capabilities.effective"), 14);
	CHECK_INT(len_at(v, "process.capabilities.permitted"), 14);
	CHECK_STR(str_at(v, "process.capabilities.bounding.13"), "CAP_AUDIT_WRITE");
	CHECK_INT(at(v, "process.rlimits.0.soft")->num.i, 1024);
	CHECK(at(v, "process.noNewPrivileges")->b);
	CHECK_STR(str_at(v, "root.path"), "rootfs");
	CHECK(at(v, "root.readonly")->b == false);
	CHECK_STR(str_at(v, "hostname"), "droplet");
	CHECK_INT(len_at(v, "mounts"), 7);
	CHECK_STR(str_at(v, "mounts.2.options.5"), "gid=5");
	CHECK_STR(str_at(v, "mounts.6.destination"), "/sys/fs/cgroup");
	CHECK(at(v, "hooks") == NULL);
	CHECK_INT(len_at(v, "linux.resources.devices"), 1);
	CHECK(at(v, "linux.resources.devices.0.allow")->b == false);
	CHECK_STR(str_at(v, "linux.resources.devices.0.access"), "rwm");
	CHECK_INT(at(v, "linux.resources.memory.limit")->num.i, 1073741824);
	CHECK_INT(at(v, "linux.resources.cpu.quota")->num.i, 80000);
	CHECK_INT(at(v, "linux.resources.cpu.period")->num.i, 100000);
	CHECK_INT(len_at(v, "linux.namespaces"), 6);
	CHECK_STR(str_at(v, "linux.namespaces.1.type"), "network");
	CHECK_STR(str_at(v, "linux.namespaces.5.type"), "cgroup");
	CHECK_INT(len_at(v, "linux.maskedPaths"), 10);
	CHECK_INT(len_at(v, "linux.readonlyPaths"), 5);
	CHECK_STR(str_at(v, "linux.seccomp.defaultAction"), "SCMP_ACT_ALLOW");
	CHECK_INT(len_at(v, "linux.seccomp.architectures"), 3);
	CHECK_INT(len_at(v, "linux.seccomp.syscalls.0.names"), 19);
	CHECK_STR(str_at(v, "linux.seccomp.syscalls.0.action"), "SCMP_ACT_ERRNO");
	CHECK_INT(at(v, "linux.seccomp.syscalls.0.errnoRet")->num.i, 1);
	CHECK_INT(len_at(v, "annotations"), 1);
	CHECK(str_at(v, "annotations.io.raind.runtime.annotation.version") == NULL); /* dots: not a path */
	CHECK_STR(json_get(at(v, "annotations"), "io.raind.runtime.annotation.version")->str.s, "0.1.0");
	CHECK(t[strlen(t) - 1] == '\n' && strncmp(t, "{\n  \"ociVersion\": \"1.2.0\",\n", 27) == 0);
	CHECK(config_loads(t));
}

static const char *const full_flags[] = {
    "--rootfs",
    "/var/lib/raind/c1/merged",
    "--cwd",
    "/app",
    "--command",
    "/bin/sh -c 'echo hi; sleep 1'",
    "--env",
    "A=1",
    "--env",
    "TERM=dumb",
    "--env",
    "B=x=y",
    "--mount",
    "/srv/data:/data:ro",
    "--mount",
    "/etc/hosts:/etc/hosts",
    "--ns",
    "mnt",
    "--ns",
    "pid",
    "--ns",
    "net",
    "--ns",
    "uts",
    "--ns-path",
    "ipc=/proc/1/ns/ipc",
    "--hostname",
    "c1",
    "--host_if_name",
    "eth0",
    "--bridge_if_name",
    "raind0",
    "--if_name",
    "rd_c1",
    "--if_addr",
    "10.166.0.2/24",
    "--if_gateway",
    "10.166.0.254",
    "--dns",
    "8.8.8.8",
    "--dns",
    "1.1.1.1",
    "--image_layer",
    "/l/b",
    "--image_layer",
    "/l/a",
    "--upper_dir",
    "/c1/diff",
    "--work_dir",
    "/c1/work",
    "--hook-create-runtime",
    "/usr/bin/condenser,hook,createRuntime",
    "--hook-createRuntime",
    "/usr/bin/other",
    "--hook-create-runtime-env",
    "RAIND-HOOK-SETTER=CONDENSER",
    "--hook-createruntime-env",
    "X=2",
    "--hook-poststop",
    "/bin/cleanup,-f",
    "--hook-stop-container",
    "/bin/stop",
    "--hook-stopContainer-env",
    "K=V",
    "--cap-add",
    "net_admin",
    "--cap-drop",
    "CAP_MKNOD",
    "--output",
    "/tmp/x",
    NULL,
};

TEST(render_full)
{
	struct spec_opts o;
	cleanup_free char *t = NULL;
	CHECK(parse(&o, full_flags) == 0);
	struct json_value *v = render(&o, &t);
	CHECK(v != NULL);
	if (!v)
		return;
	CHECK_STR(str_at(v, "root.path"), "/var/lib/raind/c1/merged");
	CHECK_STR(str_at(v, "process.cwd"), "/app");
	CHECK_INT(len_at(v, "process.args"), 3);
	CHECK_STR(str_at(v, "process.args.2"), "echo hi; sleep 1");
	CHECK_INT(len_at(v, "process.env"), 5);
	CHECK_STR(str_at(v, "process.env.1"), "TERM=dumb");
	CHECK_STR(str_at(v, "process.env.3"), "A=1");
	CHECK_STR(str_at(v, "process.env.4"), "B=x=y");
	CHECK_INT(len_at(v, "process.capabilities.bounding"), 14);
	CHECK_STR(str_at(v, "process.capabilities.bounding.13"), "CAP_NET_ADMIN");
	CHECK_INT(len_at(v, "mounts"), 9);
	CHECK_STR(str_at(v, "mounts.7.destination"), "/data");
	CHECK_STR(str_at(v, "mounts.7.type"), "bind");
	CHECK_STR(str_at(v, "mounts.7.source"), "/srv/data");
	CHECK_STR(str_at(v, "mounts.7.options.2"), "ro");
	CHECK_INT(len_at(v, "linux.namespaces"), 5);
	CHECK_STR(str_at(v, "linux.namespaces.0.type"), "pid");
	CHECK_STR(str_at(v, "linux.namespaces.2.type"), "ipc");
	CHECK_STR(str_at(v, "linux.namespaces.2.path"), "/proc/1/ns/ipc");
	CHECK_STR(str_at(v, "linux.namespaces.4.type"), "mount");
	CHECK_STR(str_at(v, "hostname"), "c1");
	/* hooks: args argv0 first, env paired by index */
	CHECK_INT(len_at(v, "hooks.createRuntime"), 2);
	CHECK_STR(str_at(v, "hooks.createRuntime.0.path"), "/usr/bin/condenser");
	CHECK_STR(str_at(v, "hooks.createRuntime.0.args.0"), "/usr/bin/condenser");
	CHECK_STR(str_at(v, "hooks.createRuntime.0.args.2"), "createRuntime");
	CHECK_STR(str_at(v, "hooks.createRuntime.0.env.0"), "RAIND-HOOK-SETTER=CONDENSER");
	CHECK_INT(len_at(v, "hooks.createRuntime.0.env"), 1);
	CHECK_STR(str_at(v, "hooks.createRuntime.1.env.0"), "X=2");
	CHECK_STR(str_at(v, "hooks.stopContainer.0.env.0"), "K=V");
	CHECK(at(v, "hooks.poststop.0.env") == NULL);
	CHECK_STR(str_at(v, "hooks.poststop.0.args.1"), "-f");
	CHECK_INT(len_at(v, "hooks"), 3);
	/* annotations are JSON strings */
	struct json_value *ann = at(v, "annotations");
	const char *net = json_get(ann, "io.raind.net.config")->str.s;
	const char *img = json_get(ann, "io.raind.image.config")->str.s;
	CHECK_STR(net, "{\"hostInterface\":\"eth0\",\"bridgeInterface\":\"raind0\",\"interface\":{\"name\":\"rd_c1\","
	               "\"ipv4\":{\"address\":\"10.166.0.2/24\",\"gateway\":\"10.166.0.254\"},"
	               "\"dns\":{\"servers\":[\"8.8.8.8\",\"1.1.1.1\"]}}}");
	CHECK_STR(img, "{\"rootfsType\":\"overlay\",\"imageLayer\":[\"/l/b\",\"/l/a\"],\"upperDir\":\"/c1/diff\","
	               "\"workDir\":\"/c1/work\"}");
	CHECK(config_loads(t));
}

TEST(render_rootless)
{
	struct spec_opts o;
	cleanup_free char *t = NULL;
	CHECK(parse(&o, (const char *const[]){"--rootless", NULL}) == 0);
	o.uid = 1000;
	o.gid = 1001;
	struct json_value *v = render(&o, &t);
	CHECK(v != NULL);
	if (!v)
		return;
	CHECK(at(v, "linux.resources") == NULL);
	CHECK_INT(at(v, "linux.uidMappings.0.hostID")->num.i, 1000);
	CHECK_INT(at(v, "linux.gidMappings.0.hostID")->num.i, 1001);
	CHECK_INT(at(v, "linux.uidMappings.0.containerID")->num.i, 0);
	CHECK_INT(at(v, "linux.uidMappings.0.size")->num.i, 1);
	CHECK_INT(len_at(v, "linux.namespaces"), 6);
	for (size_t i = 0; i < 6; i++) {
		char p[64];
		snprintf(p, sizeof p, "linux.namespaces.%zu.type", i);
		CHECK(strcmp(str_at(v, p), "network") != 0);
	}
	CHECK_STR(str_at(v, "linux.namespaces.5.type"), "user");
	CHECK_INT(len_at(v, "mounts"), 6);
	CHECK_STR(str_at(v, "mounts.5.destination"), "/sys");
	CHECK_STR(str_at(v, "mounts.5.source"), "/sys");
	CHECK_STR(str_at(v, "mounts.5.options.0"), "rbind");
	CHECK_INT(len_at(v, "mounts.2.options"), 5); /* devpts without gid=5 */
	CHECK(config_loads(t));
}

TEST(caps_flags)
{
	struct spec_opts o;
	cleanup_free char *t1 = NULL, *t2 = NULL;
	CHECK(parse(&o, (const char *const[]){"--cap-drop", "all", "--cap-add", "KILL", NULL}) == 0);
	struct json_value *v = render(&o, &t1);
	CHECK(v && len_at(v, "process.capabilities.effective") == 1);
	CHECK_STR(str_at(v, "process.capabilities.effective.0"), "CAP_KILL");
	CHECK(parse(&o, (const char *const[]){"--cap-add", "ALL", "--cap-drop", "SYS_ADMIN", NULL}) == 0);
	v = render(&o, &t2);
	CHECK(v && len_at(v, "process.capabilities.permitted") == (size_t)caps_known_last());
	CHECK(parse(&o, (const char *const[]){"--cap-add", "CAP_FLY", NULL}) < 0);
	CHECK_STR(E.msg, "--cap-add \"CAP_FLY\": unknown capability");
}

static bool parse_fails(const char *const *args, const char *msg)
{
	struct spec_opts o;
	if (parse(&o, args) == 0)
		return false;
	if (strcmp(E.msg, msg) != 0) {
		fprintf(stderr, "  got \"%s\"\n  want \"%s\"\n", E.msg, msg);
		return false;
	}
	return true;
}

TEST(flag_errors)
{
	CHECK(parse_fails((const char *const[]){"--mount", "foo", NULL}, "--mount \"foo\": want SRC:DST[:OPTIONS]"));
	CHECK(parse_fails((const char *const[]){"--env", "FOO", NULL}, "--env \"FOO\": want KEY=VALUE"));
	CHECK(parse_fails((const char *const[]){"--command", "sh -c 'x", NULL},
	                  "--command \"sh -c 'x\": unterminated single quote"));
	CHECK(parse_fails(
	    (const char *const[]){"--ns", "bogus", NULL},
	    "--ns \"bogus\": unknown namespace (want pid, network, mount, ipc, uts, user, cgroup or time)"));
	CHECK(parse_fails((const char *const[]){"--ns-path", "net", NULL}, "--ns-path \"net\": want TYPE=PATH"));
	CHECK(parse_fails((const char *const[]){"--ns-path", "foo=/x", NULL},
	                  "--ns-path \"foo=/x\": unknown namespace \"foo\""));
	CHECK(parse_fails((const char *const[]){"--hook-prestart", "rel", NULL},
	                  "--hook-prestart \"rel\": hook path must be absolute"));
	CHECK(parse_fails((const char *const[]){"--hook-poststart-env", "A=1", NULL},
	                  "--hook-poststart-env \"A=1\": no matching --hook-poststart (env #1, 0 hooks)"));
	CHECK(parse_fails((const char *const[]){"--hook-create-container", "/x", "--hook-create-container-env", "A=1",
	                                        "--hook-createContainer-env", "B=2", NULL},
	                  "--hook-create-container-env \"B=2\": no matching --hook-create-container (env #2, 1 hook)"));
	CHECK(parse_fails((const char *const[]){"--hook-start-container-env", "A", NULL},
	                  "--hook-start-container-env \"A\": want KEY=VALUE"));
	CHECK(parse_fails((const char *const[]){"--hook-startContainer", "x", NULL},
	                  "--hook-startContainer \"x\": hook path must be absolute"));
	CHECK(parse_fails((const char *const[]){"-b", NULL}, "flag \"-b\" needs a value"));
	CHECK(parse_fails((const char *const[]){"--bogus", NULL}, "unknown flag \"--bogus\""));
	CHECK(parse_fails((const char *const[]){"-x", NULL}, "unknown flag \"-x\""));
	CHECK(parse_fails((const char *const[]){"--mount", NULL}, "flag \"--mount\" needs a value"));
	CHECK(parse_fails((const char *const[]){"extra", NULL}, "unexpected argument \"extra\""));
	struct spec_opts o;
	CHECK(parse(&o, (const char *const[]){"-h", NULL}) == 0 && o.help);
	CHECK(parse(&o, (const char *const[]){"--mount=/a:/b", "-b", "/tmp", "--command=ls -l", NULL}) == 0);
	CHECK(o.n_mounts == 1 && o.args.n == 2 && strcmp(o.bundle, "/tmp") == 0);
}

static int run_main(const char *const *args)
{
	char *argv[64];
	int argc = 0;
	argv[argc++] = "spec";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return spec_main(argc, argv);
}

TEST(spec_main_files)
{
	char dir[] = "/tmp/droplet-spec-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	cleanup_free char *out = xasprintf("%s/out/sub", dir);
	cleanup_free char *outcfg = xasprintf("%s/config.json", out);
	cleanup_free char *bcfg = xasprintf("%s/config.json", dir);
	CHECK_INT(run_main((const char *const[]){"--output", out, "--hostname", "h1", NULL}), 0);
	CHECK_INT(run_main((const char *const[]){"--output", out, "--hostname", "h2", NULL}), 0); /* overwrites */
	char *text = NULL;
	size_t len;
	struct derr e;
	CHECK(read_file(outcfg, 1 << 20, &text, &len, &e) == 0);
	if (text) {
		struct json_value *v = json_parse(&A, text, len, &E);
		CHECK(v && strcmp(json_get(v, "hostname")->str.s, "h2") == 0);
		free(text);
	}
	CHECK_INT(run_main((const char *const[]){"--bundle", dir, NULL}), 0);
	CHECK(access(bcfg, F_OK) == 0);
	CHECK_INT(run_main((const char *const[]){"-b", dir, NULL}), 1); /* exists */
	CHECK_INT(run_main((const char *const[]){"--bundle", "/nonexistent/dir", NULL}), 1);
	CHECK_INT(run_main((const char *const[]){"--mount", "foo", NULL}), 2);
	cleanup_free char *tmp = xasprintf("%s.tmp", outcfg);
	CHECK(access(tmp, F_OK) != 0);
	unlink(outcfg);
	unlink(bcfg);
	rmdir(out);
	cleanup_free char *mid = xasprintf("%s/out", dir);
	rmdir(mid);
	CHECK(rmdir(dir) == 0);
}

int main(void)
{
	RUN(split_command);
	RUN(parse_mount);
	RUN(parse_hook);
	RUN(names);
	RUN(render_defaults);
	RUN(render_full);
	RUN(render_rootless);
	RUN(caps_flags);
	RUN(flag_errors);
	RUN(spec_main_files);
	arena_free(&A);
	UNIT_DONE();
}
