/* droplet.c: main, the global options and the command table of both front
 * doors (the Raind CLI and runc's). Each command is thin glue: its own
 * options, then one call into the library. */
#include "common.h"
#include "container.h"
#include "features.h"
#include "seccomp_bpf.h"
#include "spec.h"
#include "terminal.h"

#include <getopt.h>
#include <limits.h>

struct gopts {
	const char *root;
};

struct cmd {
	const char *name;
	int (*fn)(struct gopts *g, int argc, char **argv);
	const char *usage;
};

static const struct cmd *find_cmd(const char *name);

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "droplet: %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'droplet %s --help'.\n", cmd);
	return 2;
}

static int fail(struct derr *e)
{
	log_err(e);
	return 1;
}

/* getopt_long over a command's options; "h" always means --help. Returns
 * the option, -1 at the end, or prints a usage error (returns '?'). */
static int next_opt(const char *cmd, int argc, char **argv, const char *shorts, const struct option *longs)
{
	int c = getopt_long(argc, argv, shorts, longs, NULL);
	if (c == 'h') {
		printf("%s", find_cmd(cmd)->usage);
		exit(0);
	}
	if (c == '?')
		exit(usage_error(cmd, "%s", "invalid option"));
	return c;
}

/* Exactly n positional arguments left (the id first). */
static int positional(const char *cmd, int argc, char **argv, int min, int max)
{
	int n = argc - optind;
	if (n < min)
		exit(usage_error(cmd, "%s", min == 1 ? "missing container id" : "missing arguments"));
	if (max >= 0 && n > max)
		exit(usage_error(cmd, "unexpected argument \"%s\"", argv[optind + max]));
	return n;
}

static int parse_int(const char *cmd, const char *flag, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > INT_MAX)
		exit(usage_error(cmd, flag, s));
	return (int)v;
}

#define HELP_OPT                                                                                                       \
	{                                                                                                              \
		"help", no_argument, 0, 'h'                                                                            \
	}

static int create_like(struct gopts *g, int argc, char **argv, bool run)
{
	const char *cmd = run ? "run" : "create";
	static const struct option longs[] = {
	    {"bundle", required_argument, 0, 'b'},
	    {"pid-file", required_argument, 0, 'p'},
	    {"console-socket", required_argument, 0, 'c'},
	    {"preserve-fds", required_argument, 0, 'P'},
	    {"tty", no_argument, 0, 't'},
	    {"interactive", no_argument, 0, 'i'},
	    {"detach", no_argument, 0, 'd'},
	    {"no-pivot", no_argument, 0, 'N'},
	    {"no-new-keyring", no_argument, 0, 'K'},
	    {"keep", no_argument, 0, 'k'},
	    HELP_OPT,
	    {0, 0, 0, 0},
	};
	struct create_opts o = {.root = g->root};
	int c;
	while ((c = next_opt(cmd, argc, argv, "+b:tidh", longs)) != -1) {
		switch (c) {
		case 'b':
			o.bundle = optarg;
			break;
		case 'p':
			o.pid_file = optarg;
			break;
		case 'c':
			o.console_socket = optarg;
			break;
		case 'P':
			o.preserve_fds = parse_int(cmd, "--preserve-fds \"%s\": want a number", optarg);
			break;
		case 't':
			o.tty = true;
			break;
		case 'i':
			o.interactive = true;
			break;
		case 'd':
			o.detach = true;
			break;
		default:
			break; /* accepted for runc compatibility */
		}
	}
	positional(cmd, argc, argv, 1, 1);
	o.id = argv[optind];
	o.raind = !o.bundle && !o.pid_file && !o.console_socket;
	const char *lf = getenv("LISTEN_FDS"); /* systemd socket activation, as runc */
	if (lf && atoi(lf) > 0)
		o.listen_fds = atoi(lf);
	struct derr e = {0};
	if (!run)
		return container_create(&o, &e) < 0 ? fail(&e) : 0;
	if (o.detach && o.raind) { /* Raind run -d: create with the monitor, then start */
		if (container_create(&o, &e) < 0 || container_start(o.root, o.id, &e) < 0)
			return fail(&e);
		return 0;
	}
	o.raind = false; /* a foreground run keeps the caller's stdio */
	int code = container_run(&o, &e);
	return code < 0 ? fail(&e) : code;
}

static int cmd_create(struct gopts *g, int argc, char **argv)
{
	return create_like(g, argc, argv, false);
}

static int cmd_run(struct gopts *g, int argc, char **argv)
{
	return create_like(g, argc, argv, true);
}

/* Commands that take just an id. */
static int id_only(const char *cmd, int argc, char **argv)
{
	static const struct option longs[] = {HELP_OPT, {0, 0, 0, 0}};
	while (next_opt(cmd, argc, argv, "h", longs) != -1)
		;
	positional(cmd, argc, argv, 1, 1);
	return optind;
}

static int cmd_start(struct gopts *g, int argc, char **argv)
{
	struct derr e = {0};
	int i = id_only("start", argc, argv);
	return container_start(g->root, argv[i], &e) < 0 ? fail(&e) : 0;
}

static int cmd_state(struct gopts *g, int argc, char **argv)
{
	struct derr e = {0};
	int i = id_only("state", argc, argv);
	return container_state(g->root, argv[i], &e) < 0 ? fail(&e) : 0;
}

static int cmd_pause(struct gopts *g, int argc, char **argv)
{
	struct derr e = {0};
	int i = id_only("pause", argc, argv);
	return container_pause(g->root, argv[i], true, &e) < 0 ? fail(&e) : 0;
}

static int cmd_resume(struct gopts *g, int argc, char **argv)
{
	struct derr e = {0};
	int i = id_only("resume", argc, argv);
	return container_pause(g->root, argv[i], false, &e) < 0 ? fail(&e) : 0;
}

static int cmd_stop(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {{"time", required_argument, 0, 't'}, HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	int grace = 10, c;
	while ((c = next_opt("stop", argc, argv, "t:h", longs)) != -1)
		if (c == 't')
			grace = parse_int("stop", "-t \"%s\": want seconds", optarg);
	positional("stop", argc, argv, 1, 1);
	return container_stop(g->root, argv[optind], grace, &e) < 0 ? fail(&e) : 0;
}

static int cmd_kill(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {{"all", no_argument, 0, 'a'}, HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	bool all = false;
	int c;
	while ((c = next_opt("kill", argc, argv, "ah", longs)) != -1)
		if (c == 'a')
			all = true;
	int n = positional("kill", argc, argv, 1, 2);
	const char *id = argv[optind];
	if (n == 1) /* Raind's kill: stop with a 3 s grace period */
		return container_stop(g->root, id, 3, &e) < 0 ? fail(&e) : 0;
	if (signal_parse(argv[optind + 1]) < 0) {
		fprintf(stderr, "droplet: kill: unknown signal \"%s\"\n", argv[optind + 1]);
		return 2;
	}
	return container_kill(g->root, id, argv[optind + 1], all, &e) < 0 ? fail(&e) : 0;
}

static int cmd_delete(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {{"force", no_argument, 0, 'f'}, HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	bool force = false;
	int c;
	while ((c = next_opt("delete", argc, argv, "fh", longs)) != -1)
		if (c == 'f')
			force = true;
	positional("delete", argc, argv, 1, 1);
	return container_delete(g->root, argv[optind], force, &e) < 0 ? fail(&e) : 0;
}

static int cmd_list(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {
	    {"format", required_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'}, HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	const char *format = NULL;
	bool quiet = false;
	int c;
	while ((c = next_opt("list", argc, argv, "f:qh", longs)) != -1)
		if (c == 'f')
			format = optarg;
		else if (c == 'q')
			quiet = true;
	positional("list", argc, argv, 0, 0);
	return container_list(g->root, format, quiet, &e) < 0 ? fail(&e) : 0;
}

static int cmd_ps(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {{"format", required_argument, 0, 'f'}, HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	const char *format = NULL;
	int c;
	while ((c = next_opt("ps", argc, argv, "f:h", longs)) != -1)
		if (c == 'f')
			format = optarg;
	positional("ps", argc, argv, 1, -1);
	return container_ps(g->root, argv[optind], format, &e) < 0 ? fail(&e) : 0;
}

static int cmd_update(struct gopts *g, int argc, char **argv)
{
	struct derr e = {0};
	if (argc < 2 || strcmp(argv[argc - 1], "--help") == 0 || strcmp(argv[argc - 1], "-h") == 0) {
		printf("%s", find_cmd("update")->usage);
		return argc < 2 ? 2 : 0;
	}
	const char *id = argv[argc - 1];
	return container_update(g->root, id, argc - 1, argv, &e) < 0 ? fail(&e) : 0;
}

static int cmd_events(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {
	    {"stats", no_argument, 0, 's'}, {"interval", required_argument, 0, 'i'}, HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	bool stats = false;
	int interval = 5, c;
	while ((c = next_opt("events", argc, argv, "h", longs)) != -1)
		if (c == 's')
			stats = true;
		else if (c == 'i')
			interval = parse_int("events", "--interval \"%s\": want seconds", optarg);
	positional("events", argc, argv, 1, 1);
	return container_events(g->root, argv[optind], stats, interval, &e) < 0 ? fail(&e) : 0;
}

static int cmd_exec(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {
	    {"process", required_argument, 0, 'p'},
	    {"detach", no_argument, 0, 'd'},
	    {"pid-file", required_argument, 0, 'P'},
	    {"tty", no_argument, 0, 't'},
	    {"interactive", no_argument, 0, 'i'},
	    {"console-socket", required_argument, 0, 'c'},
	    {"env", required_argument, 0, 'e'},
	    {"cwd", required_argument, 0, 'w'},
	    {"user", required_argument, 0, 'u'},
	    {"preserve-fds", required_argument, 0, 'F'},
	    HELP_OPT,
	    {0, 0, 0, 0},
	};
	struct exec_opts o = {.root = g->root};
	cleanup_free char **env = xcalloc((size_t)argc, sizeof *env);
	int c;
	o.env = env;
	while ((c = next_opt("exec", argc, argv, "+p:dtie:w:u:h", longs)) != -1) {
		switch (c) {
		case 'p':
			o.process_file = optarg;
			break;
		case 'd':
			o.detach = true;
			break;
		case 'P':
			o.pid_file = optarg;
			break;
		case 't':
			o.tty = true;
			break;
		case 'i':
			o.interactive = true;
			break;
		case 'c':
			o.console_socket = optarg;
			break;
		case 'e':
			env[o.n_env++] = optarg;
			break;
		case 'w':
			o.cwd = optarg;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'F':
			o.preserve_fds = parse_int("exec", "--preserve-fds \"%s\": want a number", optarg);
			break;
		default:
			break;
		}
	}
	positional("exec", argc, argv, o.process_file ? 1 : 2, o.process_file ? 1 : -1);
	o.id = argv[optind];
	o.argv = argv + optind + 1;
	o.argc = argc - optind - 1;
	o.raind = !o.process_file && !o.pid_file && !o.console_socket && !o.detach && !o.interactive;
	struct derr e = {0};
	int code = container_exec(&o, &e);
	return code < 0 ? fail(&e) : code;
}

static int cmd_attach(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {{"detach-keys", required_argument, 0, 'k'}, HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	const char *keys = "ctrl-p,ctrl-q";
	char dir[PATH_MAX];
	int c;
	while ((c = next_opt("attach", argc, argv, "h", longs)) != -1)
		if (c == 'k')
			keys = optarg;
	positional("attach", argc, argv, 1, 1);
	if (container_state_dir(g->root, argv[optind], dir, sizeof dir, &e) < 0)
		return fail(&e);
	cleanup_free char *sock = xasprintf("%s/tty.sock", dir);
	return term_attach(sock, keys, &e) < 0 ? fail(&e) : 0;
}

static int cmd_spec(struct gopts *g, int argc, char **argv)
{
	return spec_main(argc, argv);
}

static int cmd_features(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {HELP_OPT, {0, 0, 0, 0}};
	while (next_opt("features", argc, argv, "h", longs) != -1)
		;
	positional("features", argc, argv, 0, 0);
	features_print(stdout);
	return 0;
}

static int cmd_seccomp_compile(struct gopts *g, int argc, char **argv)
{
	static const struct option longs[] = {HELP_OPT, {0, 0, 0, 0}};
	struct derr e = {0};
	struct oci_config cfg = {0};
	while (next_opt("seccomp-compile", argc, argv, "h", longs) != -1)
		;
	positional("seccomp-compile", argc, argv, 1, 1);
	if (config_load(argv[optind], &cfg, &e) < 0)
		return fail(&e);
	int r = cfg.linux.seccomp.present ? bpf_cmd_compile(&cfg.linux.seccomp, stdout, &e)
	                                  : derr_set(&e, 0, "%s: linux.seccomp: not present", argv[optind]);
	config_free(&cfg);
	return r < 0 ? fail(&e) : 0;
}

static const struct cmd cmds[] = {
    {"spec", cmd_spec, "usage: droplet spec [--bundle DIR] [--rootless] [Raind flags, see README] [--output DIR]\n"},
    {"create", cmd_create,
     "usage: droplet create [-t] [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--preserve-fds N] ID\n"
     "  Without --bundle/--pid-file/--console-socket: the Raind way (bundle <root>/ID, a monitor records the\n"
     "  exit, logs/init.log, -t starts the terminal shim on tty.sock).\n"},
    {"start", cmd_start, "usage: droplet start ID\n"},
    {"run", cmd_run,
     "usage: droplet run [-i] [-t] [-d] [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] ID\n"
     "  create + start + wait; the exit code is the container's (128+N for signal N).\n"},
    {"stop", cmd_stop, "usage: droplet stop [-t SECONDS] ID   (TERM, wait, then KILL; default 10 s)\n"},
    {"kill", cmd_kill,
     "usage: droplet kill [--all] ID [SIGNAL]\n"
     "  SIGNAL: a name with or without SIG, or a number. Without SIGNAL: stop with a 3 s grace period.\n"},
    {"delete", cmd_delete, "usage: droplet delete [--force] ID\n"},
    {"exec", cmd_exec,
     "usage: droplet exec [-t] [-i] [-d] [--process FILE] [--pid-file FILE] [--console-socket SOCK]\n"
     "                    [-e K=V]... [--cwd DIR] [--user UID[:GID]] [--preserve-fds N] ID [CMD ARGS...]\n"},
    {"attach", cmd_attach, "usage: droplet attach [--detach-keys KEYS] ID   (default keys ctrl-p,ctrl-q)\n"},
    {"state", cmd_state, "usage: droplet state ID\n"},
    {"list", cmd_list, "usage: droplet list [--format table|json] [-q]\n"},
    {"ps", cmd_ps, "usage: droplet ps [--format table|json] ID\n"},
    {"pause", cmd_pause, "usage: droplet pause ID\n"},
    {"resume", cmd_resume, "usage: droplet resume ID\n"},
    {"update", cmd_update,
     "usage: droplet update [-r FILE] [--memory N] [--memory-reservation N] [--memory-swap N] [--cpu-quota N]\n"
     "                      [--cpu-period N] [--cpu-shares N] [--cpuset-cpus LIST] [--cpuset-mems LIST]\n"
     "                      [--pids-limit N] ID\n"},
    {"events", cmd_events, "usage: droplet events [--stats] [--interval SECONDS] ID\n"},
    {"features", cmd_features, "usage: droplet features\n"},
    {"seccomp-compile", cmd_seccomp_compile, "usage: droplet seccomp-compile CONFIG.JSON   (prints the BPF program)\n"},
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: droplet [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND [ARGS]\n\n"
	           "commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %s\n", cmds[i].name);
	fprintf(f, "\nRun 'droplet COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"root", required_argument, 0, 'r'},
	    {"log", required_argument, 0, 'l'},
	    {"log-format", required_argument, 0, 'f'},
	    {"debug", no_argument, 0, 'd'},
	    {"systemd-cgroup", no_argument, 0, 's'},
	    {"version", no_argument, 0, 'v'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	struct gopts g = {0};
	const char *log = NULL, *format = "text";
	bool debug = false;
	int c;
	while ((c = getopt_long(argc, argv, "+vh", longs, NULL)) != -1) {
		switch (c) {
		case 'r':
			g.root = optarg;
			break;
		case 'l':
			log = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 's':
			fprintf(stderr,
			        "droplet: --systemd-cgroup: not supported (droplet writes cgroup v2 files itself)\n");
			return 2;
		case 'v':
			printf("droplet version %s\nspec: %s\n", DROPLET_VERSION, OCI_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
		fprintf(stderr, "droplet: --log-format \"%s\": want text or json\n", format);
		return 2;
	}
	log_setup(log, strcmp(format, "json") == 0, debug);
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const struct cmd *cmd = find_cmd(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "droplet: unknown command \"%s\"\nTry 'droplet --help'.\n", argv[optind]);
		return 2;
	}
	char resolved[PATH_MAX];
	g.root = state_root(g.root);
	if (g.root[0] != '/' && realpath(g.root, resolved))
		g.root = resolved;
	argc -= optind;
	argv += optind;
	optind = 1;
	return cmd->fn(&g, argc, argv);
}
