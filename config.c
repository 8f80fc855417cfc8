/* config.c: loading config.json (and exec's process.json) into struct
 * oci_config: reading the file, the top-level fields, and the name tables
 * other modules share. The sections live in config_process.c,
 * config_mounts.c, config_linux.c, config_resources.c and config_raind.c;
 * the typed getters in config_get.c. */
#include "config_int.h"

#include <libgen.h>
#include <sys/stat.h>

#define CONFIG_MAX_SIZE (4u << 20)

static const char *const ns_names[NS_COUNT] = {
    [NS_CGROUP] = "cgroup", [NS_IPC] = "ipc",   [NS_MNT] = "mount", [NS_NET] = "network",
    [NS_PID] = "pid",       [NS_TIME] = "time", [NS_USER] = "user", [NS_UTS] = "uts",
};

static const char *const hook_names[HOOK_PHASE_COUNT] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_STOP_CONTAINER] = "stopContainer",
    [HOOK_POSTSTOP] = "poststop",
};

const char *ns_type_name(enum ns_type t)
{
	return (unsigned)t < NS_COUNT ? ns_names[t] : NULL;
}

int ns_type_from_name(const char *name)
{
	for (int i = 0; i < NS_COUNT; i++)
		if (strcmp(ns_names[i], name) == 0)
			return i;
	return -1;
}

const char *hook_phase_name(enum hook_phase p)
{
	return (unsigned)p < HOOK_PHASE_COUNT ? hook_names[p] : NULL;
}

const char *config_annotation(const struct oci_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n_annotations; i++)
		if (strcmp(cfg->annotations[i].key, key) == 0)
			return cfg->annotations[i].value;
	return NULL;
}

void config_free(struct oci_config *cfg)
{
	arena_free(&cfg->arena);
	memset(cfg, 0, sizeof *cfg);
}

static int cfg_version(struct cctx *c, const struct json_value *root, struct oci_config *cfg)
{
	TRY(need_string(c, root, "ociVersion", &cfg->oci_version));
	if (strncmp(cfg->oci_version, "1.", 2) != 0)
		return cerr_at(c, "ociVersion", "unsupported version \"%s\"", cfg->oci_version);
	return 0;
}

static int cfg_root(struct cctx *c, const struct json_value *top, struct oci_config *cfg)
{
	const struct json_value *root;
	int r = get_object(c, top, "root", &root);
	if (r <= 0)
		return r < 0 ? -1 : cerr_at(c, "root", "required");
	size_t m = path_key(c, "root");
	TRY(need_string(c, root, "path", &cfg->root.path));
	if (!cfg->root.path[0])
		return cerr_at(c, "path", "must not be empty");
	TRY(get_bool(c, root, "readonly", &cfg->root.readonly));
	path_pop(c, m);
	return 0;
}

static int cfg_process_field(struct cctx *c, const struct json_value *top, struct oci_config *cfg)
{
	const struct json_value *proc, *lnx;
	int r = get_object(c, top, "process", &proc);
	if (r > 0) {
		size_t m = path_key(c, "process");
		TRY(cfg_process(c, proc, &cfg->process));
		path_pop(c, m);
	}
	/* Raind's place for the profile; OCI's process.apparmorProfile wins. */
	if (r >= 0 && !cfg->process.apparmor_profile && get_object(c, top, "linux", &lnx) > 0) {
		size_t m = path_key(c, "linux");
		r = get_string(c, lnx, "apparmorProfile", &cfg->process.apparmor_profile);
		path_pop(c, m);
	}
	return r < 0 ? -1 : 0;
}

static int cfg_top(struct cctx *c, const struct json_value *top, struct oci_config *cfg)
{
	const struct json_value *o;
	int r;
	TRY(as_object(c, top));
	TRY(cfg_version(c, top, cfg));
	TRY(cfg_root(c, top, cfg));
	TRY(get_string(c, top, "hostname", &cfg->hostname));
	TRY(get_string(c, top, "domainname", &cfg->domainname));
	TRY(cfg_mounts(c, top, cfg));
	TRY(cfg_process_field(c, top, cfg));
	TRY(r = get_object(c, top, "linux", &o));
	if (r > 0) {
		size_t m = path_key(c, "linux");
		TRY(cfg_linux(c, o, cfg));
		path_pop(c, m);
	}
	TRY(r = get_object(c, top, "hooks", &o));
	if (r > 0) {
		size_t m = path_key(c, "hooks");
		TRY(cfg_hooks(c, o, &cfg->hooks));
		path_pop(c, m);
	}
	TRY(cfg_annotations(c, top, cfg));
	return cfg_validate(c, cfg);
}

int config_parse(const char *name, const char *text, size_t len, struct oci_config *cfg, struct derr *e)
{
	memset(cfg, 0, sizeof *cfg);
	struct cctx c = {.a = &cfg->arena, .name = name, .e = e};
	struct json_value *top = json_parse(&cfg->arena, text, len, e);
	if (!top)
		derr_wrap(e, "%s", name);
	if (!top || cfg_top(&c, top, cfg) < 0) {
		config_free(cfg);
		return -1;
	}
	return 0;
}

/* A directory means the bundle: its config.json. */
static char *config_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s/config.json", path);
	return xstrdup(path);
}

int config_load(const char *path, struct oci_config *cfg, struct derr *e)
{
	cleanup_free char *file = config_path(path);
	cleanup_free char *copy = xstrdup(file);
	cleanup_free char *text = NULL;
	size_t len = 0;
	memset(cfg, 0, sizeof *cfg);
	if (read_file(file, CONFIG_MAX_SIZE, &text, &len, e) < 0)
		return -1;
	return config_parse(basename(copy), text, len, cfg, e);
}

int config_load_process(const char *path, struct oci_config *cfg, struct oci_process *p, struct derr *e)
{
	cleanup_free char *copy = xstrdup(path);
	cleanup_free char *text = NULL;
	size_t len = 0;
	memset(p, 0, sizeof *p);
	if (read_file(path, CONFIG_MAX_SIZE, &text, &len, e) < 0)
		return -1;
	struct cctx c = {.a = &cfg->arena, .name = basename(copy), .e = e};
	struct json_value *top = json_parse(&cfg->arena, text, len, e);
	if (!top)
		return derr_wrap(e, "%s", c.name);
	if (as_object(&c, top) < 0 || cfg_process(&c, top, p) < 0) {
		memset(p, 0, sizeof *p);
		return -1;
	}
	return 0;
}
