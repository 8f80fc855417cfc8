/* spec.c: the `spec` command: flags are parsed into struct spec_opts (all
 * strings in one arena), rendered by spec_render.c and written atomically
 * to config.json. */
#include "spec.h"

#include "caps.h"

#include <getopt.h>
#include <stddef.h>
#include <sys/stat.h>
/* Namespaces: OCI names first, then aliases. */
static const struct {
	const char *name;
	enum ns_type type;
} ns_names[] = {
    {"pid", NS_PID},       {"network", NS_NET}, {"ipc", NS_IPC},   {"uts", NS_UTS}, {"mount", NS_MNT},
    {"cgroup", NS_CGROUP}, {"user", NS_USER},   {"time", NS_TIME}, {"net", NS_NET}, {"mnt", NS_MNT},
};

/* Hook phases: OCI name and kebab-case spelling (both accepted, and the
 * all-lowercase form of the OCI name). */
static const struct {
	enum hook_phase phase;
	const char *oci, *kebab;
} hook_names[] = {
    {HOOK_PRESTART, "prestart", "prestart"},
    {HOOK_CREATE_RUNTIME, "createRuntime", "create-runtime"},
    {HOOK_CREATE_CONTAINER, "createContainer", "create-container"},
    {HOOK_START_CONTAINER, "startContainer", "start-container"},
    {HOOK_POSTSTART, "poststart", "poststart"},
    {HOOK_STOP_CONTAINER, "stopContainer", "stop-container"},
    {HOOK_POSTSTOP, "poststop", "poststop"},
};

/* ---- small helpers ---- */

static void *arena_grow(struct arena *a, void *old, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return old;
	size_t c = *cap ? *cap * 2 : 4;
	void *p = arena_alloc(a, c * elem);
	if (n)
		memcpy(p, old, n * elem);
	*cap = c;
	return p;
}

void spec_strv_push(struct arena *a, struct spec_strv *sv, const char *s)
{
	sv->v = arena_grow(a, sv->v, sv->n, &sv->cap, sizeof *sv->v);
	sv->v[sv->n++] = arena_strdup(a, s);
}
int spec_check_env(const char *kv, struct derr *e)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return derr_set(e, 0, "want KEY=VALUE");
	return 0;
}
int spec_ns_type(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++)
		if (strcmp(ns_names[i].name, name) == 0)
			return (int)ns_names[i].type;
	return -1;
}

int spec_hook_phase(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(hook_names); i++)
		if (strcmp(name, hook_names[i].oci) == 0 || strcmp(name, hook_names[i].kebab) == 0 ||
		    strcasecmp(name, hook_names[i].oci) == 0)
			return (int)hook_names[i].phase;
	return -1;
}

/* ---- pure parsers ---- */

/* Inside "...": copy to word until the closing quote; NULL if none. */
static const char *dquote(const char *p, char *word, size_t *wl)
{
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
			if (*++p == '\n')
				continue;
		}
		word[(*wl)++] = *p;
	}
	return *p ? p : NULL;
}

int spec_split_command(struct arena *a, const char *s, struct spec_strv *out, struct derr *e)
{
	cleanup_free char *word = xmalloc(strlen(s) + 1);
	size_t wl = 0, before = out->n;
	bool in_word = false;
	for (const char *p = s;; p++) {
		char c = *p;
		if (c == 0 || c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				word[wl] = 0;
				spec_strv_push(a, out, word);
				wl = 0;
				in_word = false;
			}
			if (!c)
				break;
			continue;
		}
		in_word = true;
		if (c == '\\') {
			if (!p[1])
				return derr_set(e, 0, "trailing backslash");
			word[wl++] = *++p;
		} else if (c == '\'') {
			const char *q = strchr(p + 1, '\'');
			if (!q)
				return derr_set(e, 0, "unterminated single quote");
			memcpy(word + wl, p + 1, (size_t)(q - p - 1));
			wl += (size_t)(q - p - 1);
			p = q;
		} else if (c == '"') {
			if (!(p = dquote(p + 1, word, &wl)))
				return derr_set(e, 0, "unterminated double quote");
		} else {
			word[wl++] = c;
		}
	}
	if (out->n == before)
		return derr_set(e, 0, "empty command");
	return 0;
}

static const char *const bind_opts[] = {"bind", "rbind"};
static const char *const propagation_opts[] = {
    "private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Split "a,b,c" into *out; empty items are an error. */
static int split_options(struct arena *a, const char *s, struct spec_strv *out, struct derr *e)
{
	cleanup_free char *copy = xstrdup(s);
	char *p = copy;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = 0;
		if (!*p)
			return derr_set(e, 0, "empty mount option");
		spec_strv_push(a, out, p);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int spec_parse_mount(struct arena *a, const char *arg, struct spec_mount *m, struct derr *e)
{
	struct spec_strv given = {0};
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	memset(m, 0, sizeof *m);
	if (!c1 || c1 == arg || c1[1] == 0 || c1 + 1 == c2)
		return derr_set(e, 0, "want SRC:DST[:OPTIONS]");
	m->source = arena_strndup(a, arg, (size_t)(c1 - arg));
	m->destination = c2 ? arena_strndup(a, c1 + 1, (size_t)(c2 - c1 - 1)) : arena_strdup(a, c1 + 1);
	if (m->destination[0] != '/')
		return derr_set(e, 0, "destination must be an absolute path");
	if (c2 && c2[1] && split_options(a, c2 + 1, &given, e) < 0)
		return -1;
	bool has_bind = false, has_prop = false;
	for (size_t i = 0; i < given.n; i++) {
		has_bind |= in_list(given.v[i], bind_opts, ARRAY_SIZE(bind_opts));
		has_prop |= in_list(given.v[i], propagation_opts, ARRAY_SIZE(propagation_opts));
	}
	if (!has_bind)
		spec_strv_push(a, &m->options, "rbind");
	if (!has_prop)
		spec_strv_push(a, &m->options, "rprivate");
	for (size_t i = 0; i < given.n; i++)
		spec_strv_push(a, &m->options, given.v[i]);
	return 0;
}

int spec_parse_hook(struct arena *a, const char *arg, struct spec_hook *h, struct derr *e)
{
	cleanup_free char *copy = xstrdup(arg);
	memset(h, 0, sizeof *h);
	char *p = copy, *comma = strchr(p, ',');
	if (comma)
		*comma = 0;
	if (!*p)
		return derr_set(e, 0, "want PATH[,ARG...]");
	if (*p != '/')
		return derr_set(e, 0, "hook path must be absolute");
	h->path = arena_strdup(a, p);
	spec_strv_push(a, &h->args, p);
	while (comma) {
		p = comma + 1;
		if ((comma = strchr(p, ',')))
			*comma = 0;
		spec_strv_push(a, &h->args, p);
	}
	return 0;
}

/* ---- flag handlers ---- */

typedef int (*opt_fn)(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e);

static int opt_command(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e)
{
	o->args.n = 0;
	return spec_split_command(a, arg, &o->args, e);
}

static int opt_env(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e)
{
	if (spec_check_env(arg, e) < 0)
		return -1;
	spec_strv_push(a, &o->env, arg);
	return 0;
}

static int opt_mount(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e)
{
	struct spec_mount m;
	if (spec_parse_mount(a, arg, &m, e) < 0)
		return -1;
	o->mounts = arena_grow(a, o->mounts, o->n_mounts, &o->cap_mounts, sizeof *o->mounts);
	o->mounts[o->n_mounts++] = m;
	return 0;
}

static int opt_ns(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e)
{
	int t = spec_ns_type(arg);
	if (t < 0)
		return derr_set(e, 0, "unknown namespace (want pid, network, mount, ipc, uts, user, cgroup or time)");
	o->ns_given = true;
	o->ns[t] = true;
	return 0;
}

static int opt_ns_path(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return derr_set(e, 0, "want TYPE=PATH");
	cleanup_free char *type = strndup(arg, (size_t)(eq - arg));
	if (!type)
		die_oom();
	int t = spec_ns_type(type);
	if (t < 0)
		return derr_set(e, 0, "unknown namespace \"%s\"", type);
	o->ns_path[t] = arena_strdup(a, eq + 1);
	return 0;
}

static int opt_cap(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e);

/* --hook-<phase> and --hook-<phase>-env: val encodes phase and kind. */
#define OPT_HOOK_BASE 0x1000
static int opt_hook(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e)
{
	int phase = (val - OPT_HOOK_BASE) / 2;
	if ((val - OPT_HOOK_BASE) % 2) {
		if (spec_check_env(arg, e) < 0)
			return -1;
		spec_strv_push(a, &o->hook_env[phase], arg);
		return 0;
	}
	struct spec_hook h;
	if (spec_parse_hook(a, arg, &h, e) < 0)
		return -1;
	o->hooks[phase] = arena_grow(a, o->hooks[phase], o->n_hooks[phase], &o->cap_hooks[phase], sizeof h);
	o->hooks[phase][o->n_hooks[phase]++] = h;
	return 0;
}

enum {
	OPT_ROOTLESS = 0x100,
	OPT_OUTPUT,
	OPT_ROOTFS,
	OPT_CWD,
	OPT_COMMAND,
	OPT_ENV,
	OPT_MOUNT,
	OPT_NS,
	OPT_NS_PATH,
	OPT_HOSTNAME,
	OPT_HOST_IF,
	OPT_BRIDGE_IF,
	OPT_IF_NAME,
	OPT_IF_ADDR,
	OPT_IF_GATEWAY,
	OPT_DNS,
	OPT_LAYER,
	OPT_UPPER,
	OPT_WORK,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
};

enum opt_kind { K_STR, K_LIST, K_FN };
enum { F_NET = 1, F_IMAGE = 2 };

/* What each option does: store a string, append to a list, or call fn. */
static const struct {
	int val;
	enum opt_kind kind;
	size_t off;
	opt_fn fn;
	int flags;
} opt_actions[] = {
    {'b', K_STR, offsetof(struct spec_opts, bundle), NULL, 0},
    {OPT_OUTPUT, K_STR, offsetof(struct spec_opts, output), NULL, 0},
    {OPT_ROOTFS, K_STR, offsetof(struct spec_opts, rootfs), NULL, 0},
    {OPT_CWD, K_STR, offsetof(struct spec_opts, cwd), NULL, 0},
    {OPT_HOSTNAME, K_STR, offsetof(struct spec_opts, hostname), NULL, 0},
    {OPT_HOST_IF, K_STR, offsetof(struct spec_opts, host_if), NULL, F_NET},
    {OPT_BRIDGE_IF, K_STR, offsetof(struct spec_opts, bridge_if), NULL, F_NET},
    {OPT_IF_NAME, K_STR, offsetof(struct spec_opts, if_name), NULL, F_NET},
    {OPT_IF_ADDR, K_STR, offsetof(struct spec_opts, if_addr), NULL, F_NET},
    {OPT_IF_GATEWAY, K_STR, offsetof(struct spec_opts, if_gateway), NULL, F_NET},
    {OPT_DNS, K_LIST, offsetof(struct spec_opts, dns), NULL, F_NET},
    {OPT_LAYER, K_LIST, offsetof(struct spec_opts, layers), NULL, F_IMAGE},
    {OPT_UPPER, K_STR, offsetof(struct spec_opts, upper_dir), NULL, F_IMAGE},
    {OPT_WORK, K_STR, offsetof(struct spec_opts, work_dir), NULL, F_IMAGE},
    {OPT_COMMAND, K_FN, 0, opt_command, 0},
    {OPT_ENV, K_FN, 0, opt_env, 0},
    {OPT_MOUNT, K_FN, 0, opt_mount, 0},
    {OPT_NS, K_FN, 0, opt_ns, 0},
    {OPT_NS_PATH, K_FN, 0, opt_ns_path, 0},
    {OPT_CAP_ADD, K_FN, 0, opt_cap, 0},
    {OPT_CAP_DROP, K_FN, 0, opt_cap, 0},
};

static const struct option base_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"rootless", no_argument, NULL, OPT_ROOTLESS},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"rootfs", required_argument, NULL, OPT_ROOTFS},
    {"cwd", required_argument, NULL, OPT_CWD},
    {"command", required_argument, NULL, OPT_COMMAND},
    {"env", required_argument, NULL, OPT_ENV},
    {"mount", required_argument, NULL, OPT_MOUNT},
    {"ns", required_argument, NULL, OPT_NS},
    {"ns-path", required_argument, NULL, OPT_NS_PATH},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"host_if_name", required_argument, NULL, OPT_HOST_IF},
    {"host-if-name", required_argument, NULL, OPT_HOST_IF},
    {"bridge_if_name", required_argument, NULL, OPT_BRIDGE_IF},
    {"bridge-if-name", required_argument, NULL, OPT_BRIDGE_IF},
    {"if_name", required_argument, NULL, OPT_IF_NAME},
    {"if-name", required_argument, NULL, OPT_IF_NAME},
    {"if_addr", required_argument, NULL, OPT_IF_ADDR},
    {"if-addr", required_argument, NULL, OPT_IF_ADDR},
    {"if_gateway", required_argument, NULL, OPT_IF_GATEWAY},
    {"if-gateway", required_argument, NULL, OPT_IF_GATEWAY},
    {"dns", required_argument, NULL, OPT_DNS},
    {"image_layer", required_argument, NULL, OPT_LAYER},
    {"image-layer", required_argument, NULL, OPT_LAYER},
    {"upper_dir", required_argument, NULL, OPT_UPPER},
    {"upper-dir", required_argument, NULL, OPT_UPPER},
    {"work_dir", required_argument, NULL, OPT_WORK},
    {"work-dir", required_argument, NULL, OPT_WORK},
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"help", no_argument, NULL, 'h'},
};

/* base_options plus, per phase, hook-<spelling> and hook-<spelling>-env for
 * the OCI, lowercase and kebab spellings (duplicates skipped). */
#define HOOK_SPELLINGS 3
static struct option all_options[ARRAY_SIZE(base_options) + ARRAY_SIZE(hook_names) * HOOK_SPELLINGS * 2 + 1];
static char hook_option_names[ARRAY_SIZE(hook_names) * HOOK_SPELLINGS * 2][48];

static void add_hook_options(size_t *n, size_t *k, const char *spelling, int phase)
{
	for (int env = 0; env < 2; env++) {
		char *name = hook_option_names[*k];
		snprintf(name, sizeof hook_option_names[0], "hook-%s%s", spelling, env ? "-env" : "");
		for (size_t i = ARRAY_SIZE(base_options); i < *n; i++)
			if (strcmp(all_options[i].name, name) == 0)
				return;
		(*k)++;
		all_options[(*n)++] = (struct option){name, required_argument, NULL, OPT_HOOK_BASE + phase * 2 + env};
	}
}

static const struct option *long_options(void)
{
	static bool built;
	size_t n = ARRAY_SIZE(base_options), k = 0;
	if (built)
		return all_options;
	memcpy(all_options, base_options, sizeof base_options);
	for (size_t i = 0; i < ARRAY_SIZE(hook_names); i++) {
		char lower[32];
		size_t j = 0;
		for (; hook_names[i].oci[j] && j < sizeof lower - 1; j++)
			lower[j] = (char)(hook_names[i].oci[j] | 0x20);
		lower[j] = 0;
		add_hook_options(&n, &k, hook_names[i].oci, (int)hook_names[i].phase);
		add_hook_options(&n, &k, lower, (int)hook_names[i].phase);
		add_hook_options(&n, &k, hook_names[i].kebab, (int)hook_names[i].phase);
	}
	all_options[n] = (struct option){0};
	built = true;
	return all_options;
}

/* --cap-add/--cap-drop NAME: case-insensitive, CAP_ prefix optional, or ALL. */
static int opt_cap(struct arena *a, struct spec_opts *o, const char *arg, int val, struct derr *e)
{
	char name[64];
	bool prefixed = strncasecmp(arg, "CAP_", 4) == 0;
	if (strlen(arg) + 5 > sizeof name)
		return derr_set(e, 0, "unknown capability");
	snprintf(name, sizeof name, "%s%s", prefixed ? "" : "CAP_", arg);
	for (char *p = name; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (strcmp(name, "CAP_ALL") == 0)
		snprintf(name, sizeof name, "ALL");
	else if (caps_from_name(name) < 0)
		return derr_set(e, 0, "unknown capability");
	spec_strv_push(a, val == OPT_CAP_ADD ? &o->cap_add : &o->cap_drop, name);
	return 0;
}

/* flag: the spelling the user typed, for messages. */
static int apply_option(struct arena *a, struct spec_opts *o, int val, const char *flag, const char *arg,
                        struct derr *e)
{
	int rc = 0;
	if (val >= OPT_HOOK_BASE)
		rc = opt_hook(a, o, arg, val, e);
	for (size_t i = 0; i < ARRAY_SIZE(opt_actions) && val < OPT_HOOK_BASE; i++) {
		if (opt_actions[i].val != val)
			continue;
		char *field = (char *)o + opt_actions[i].off;
		if (opt_actions[i].kind == K_STR)
			*(const char **)field = arena_strdup(a, arg);
		else if (opt_actions[i].kind == K_LIST)
			spec_strv_push(a, (struct spec_strv *)field, arg);
		else
			rc = opt_actions[i].fn(a, o, arg, val, e);
		o->net |= (opt_actions[i].flags & F_NET) != 0;
		o->image |= (opt_actions[i].flags & F_IMAGE) != 0;
	}
	if (rc < 0)
		return derr_wrap(e, "%s \"%s\"", flag, arg);
	return 0;
}

/* The Nth --hook-<phase>-env belongs to the Nth --hook-<phase>. */
static int attach_hook_env(struct spec_opts *o, struct arena *a, struct derr *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(hook_names); i++) {
		int ph = (int)hook_names[i].phase;
		for (size_t k = 0; k < o->hook_env[ph].n; k++) {
			if (k >= o->n_hooks[ph])
				return derr_set(e, 0,
				                "--hook-%s-env \"%s\": no matching --hook-%s (env #%zu, %zu hook%s)",
				                hook_names[i].kebab, o->hook_env[ph].v[k], hook_names[i].kebab, k + 1,
				                o->n_hooks[ph], o->n_hooks[ph] == 1 ? "" : "s");
			spec_strv_push(a, &o->hooks[ph][k].env, o->hook_env[ph].v[k]);
		}
	}
	return 0;
}

/* getopt_long's ':' (missing value) or '?' (unknown flag). musl leaves
 * optind one past argc after a missing value at the end. */
static int bad_flag(int c, int argc, char **argv, struct derr *e)
{
	const char *arg = argv[optind - 1 < argc ? optind - 1 : argc - 1];
	if (c == ':')
		return derr_set(e, 0, "flag \"%s\" needs a value", arg);
	if (optopt > 0 && optopt < 0x80 && strncmp(arg, "--", 2) != 0)
		return derr_set(e, 0, "unknown flag \"-%c\"", optopt);
	return derr_set(e, 0, "unknown flag \"%s\"", arg);
}

int spec_parse_args(struct arena *a, int argc, char **argv, struct spec_opts *o, struct derr *e)
{
	const struct option *opts = long_options();
	int c, idx = -1;
	char flag[64];
	memset(o, 0, sizeof *o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hb:", opts, &idx)) != -1) {
		if (idx >= 0)
			snprintf(flag, sizeof flag, "--%s", opts[idx].name);
		else
			snprintf(flag, sizeof flag, "-%c", c);
		idx = -1;
		if (c == 'h') {
			o->help = true;
		} else if (c == OPT_ROOTLESS) {
			o->rootless = true;
		} else if (c == ':' || c == '?') {
			return bad_flag(c, argc, argv, e);
		} else if (apply_option(a, o, c, flag, optarg, e) < 0) {
			return -1;
		}
	}
	if (optind < argc)
		return derr_set(e, 0, "unexpected argument \"%s\"", argv[optind]);
	return attach_hook_env(o, a, e);
}

const char *spec_ns_name(enum ns_type t)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++)
		if (ns_names[i].type == t)
			return ns_names[i].name;
	return NULL;
}

const char *spec_hook_name(enum hook_phase p)
{
	for (size_t i = 0; i < ARRAY_SIZE(hook_names); i++)
		if (hook_names[i].phase == p)
			return hook_names[i].oci;
	return NULL;
}

/* ---- the command ---- */

static const char usage[] =
    "usage: droplet spec [flags]\n"
    "Write config.json: into --output DIR, else --bundle DIR, else the current directory.\n"
    "  -b, --bundle DIR            bundle directory (refuses to overwrite config.json)\n"
    "      --output DIR            write DIR/config.json (DIR is created; overwrites)\n"
    "      --rootless              user namespace mapping root to the caller, no network namespace, no cgroup limits\n"
    "      --rootfs PATH           root.path (default \"rootfs\")\n"
    "      --cwd DIR               process.cwd (default \"/\")\n"
    "      --command \"CMD ARG...\"  process.args, split shell-style (default \"sh\")\n"
    "      --env KEY=VALUE         add to process.env (repeatable; replaces a default of the same KEY)\n"
    "      --mount SRC:DST[:OPTS]  bind mount, OPTS comma-separated (repeatable; default rbind,rprivate)\n"
    "      --ns TYPE               create only these namespaces: pid network mount ipc uts user cgroup time "
    "(repeatable)\n"
    "      --ns-path TYPE=PATH     join the namespace at PATH (repeatable)\n"
    "      --hostname NAME         hostname (default \"droplet\")\n"
    "      --cap-add CAP           add a capability to the defaults, or ALL (repeatable)\n"
    "      --cap-drop CAP          drop a capability from the defaults, or ALL (repeatable)\n"
    "      --host_if_name NAME     io.raind.net.config hostInterface (default \"eth0\")\n"
    "      --bridge_if_name NAME   io.raind.net.config bridgeInterface (default \"raind0\")\n"
    "      --if_name NAME          io.raind.net.config interface.name (host end of the veth)\n"
    "      --if_addr CIDR          io.raind.net.config interface.ipv4.address\n"
    "      --if_gateway IP         io.raind.net.config interface.ipv4.gateway\n"
    "      --dns IP                io.raind.net.config interface.dns.servers (repeatable)\n"
    "      --image_layer DIR       io.raind.image.config imageLayer, overlay lowerdir (repeatable)\n"
    "      --upper_dir DIR         io.raind.image.config upperDir\n"
    "      --work_dir DIR          io.raind.image.config workDir\n"
    "      --hook-PHASE PATH[,ARG...]  add a hook; PHASE: prestart create-runtime create-container\n"
    "                              start-container poststart stop-container poststop (repeatable)\n"
    "      --hook-PHASE-env K=V    env of the Nth hook of PHASE, in order (repeatable)\n"
    "  -h, --help                  this text\n";

static int write_config(const struct spec_opts *o, struct derr *e)
{
	const char *dir = o->output ? o->output : o->bundle;
	cleanup_free char *path = dir ? xasprintf("%s/config.json", dir) : xstrdup("config.json");
	cleanup_free char *text = NULL;
	struct stat st;
	size_t len;
	if (o->output) {
		if (mkdir_p(o->output, 0755, e) < 0)
			return -1;
	} else if (dir && stat(dir, &st) < 0) {
		return derr_sys(e, "bundle \"%s\"", dir);
	} else if (lstat(path, &st) == 0) {
		return derr_set(e, 0, "\"%s\" exists; remove it first", path);
	}
	text = spec_render(o, &len);
	return write_file_atomic(path, text, len, e);
}

int spec_main(int argc, char **argv)
{
	struct arena a = {0};
	struct spec_opts o;
	struct derr e = {0};
	int rc = 0;
	if (spec_parse_args(&a, argc, argv, &o, &e) < 0) {
		rc = 2;
	} else if (o.help) {
		fputs(usage, stdout);
	} else {
		o.uid = (uint32_t)getuid();
		o.gid = (uint32_t)getgid();
		if (write_config(&o, &e) < 0)
			rc = 1;
	}
	if (rc) {
		derr_wrap(&e, "spec");
		log_err(&e);
	}
	arena_free(&a);
	return rc;
}
