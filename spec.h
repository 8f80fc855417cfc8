/* spec.h: the `spec` command: write an OCI config.json from defaults plus
 * runc-style (--bundle, --rootless) and Raind flags (--rootfs, --command,
 * --mount, --ns, --hook-<phase>, network and image annotations, ...).
 * spec.c parses the flags, spec_render.c renders the config text.
 * The pure parts are exported for unit tests. Everything parsed lives in
 * one arena. Error messages of the parse helpers are the bare reason; the
 * caller prefixes `--flag "value"`. */
#ifndef DROPLET_SPEC_H
#define DROPLET_SPEC_H

#include "common.h"
#include "config.h"

struct json_writer;

/* A growable vector of strings, storage in an arena. Zero-initialise. */
struct spec_strv {
	char **v;
	size_t n, cap;
};
void spec_strv_push(struct arena *a, struct spec_strv *sv, const char *s);

/* Split a command line shell-style and append the words to *out: blanks
 * separate words, '...' is literal, "..." honours \" \\ \$ \` and
 * backslash-newline, a bare backslash escapes the next character.
 * Errors: "unterminated single quote", "unterminated double quote",
 * "trailing backslash", "empty command". */
int spec_split_command(struct arena *a, const char *s, struct spec_strv *out, struct derr *e);

/* --mount SRC:DST[:OPT,OPT...]: a bind mount. Options are "rbind","rprivate"
 * followed by the given ones; a given bind/rbind replaces "rbind" and a given
 * propagation option replaces "rprivate".
 * Errors: "want SRC:DST[:OPTIONS]", "destination must be an absolute path",
 * "empty mount option". */
struct spec_mount {
	char *source, *destination;
	struct spec_strv options;
};
int spec_parse_mount(struct arena *a, const char *arg, struct spec_mount *m, struct derr *e);

/* --hook-<phase> PATH[,ARG...]: args are written OCI-style, argv0 first
 * (args = [PATH, ARG...]). Errors: "want PATH[,ARG...]",
 * "hook path must be absolute". */
struct spec_hook {
	char *path;
	struct spec_strv args, env;
};
int spec_parse_hook(struct arena *a, const char *arg, struct spec_hook *h, struct derr *e);

/* Hook phase from a flag spelling: "createRuntime", "createruntime" or
 * "create-runtime" -> HOOK_CREATE_RUNTIME; -1 when unknown. */
int spec_hook_phase(const char *name);
/* OCI namespace name or alias ("net", "mnt") -> enum ns_type; -1 when unknown. */
int spec_ns_type(const char *name);

/* OCI names: "createRuntime", "network", ...; NULL when out of range. */
const char *spec_hook_name(enum hook_phase p);
const char *spec_ns_name(enum ns_type t);

/* KEY=VALUE with a non-empty KEY. Error: "want KEY=VALUE". */
int spec_check_env(const char *kv, struct derr *e);

struct spec_opts {
	const char *bundle, *output;
	bool rootless, help;
	uint32_t uid, gid; /* caller's ids, for --rootless mappings */
	const char *rootfs, *cwd, *hostname;
	struct spec_strv args, env; /* args empty: ["sh"] */
	struct spec_mount *mounts;
	size_t n_mounts, cap_mounts;
	bool ns_given; /* any --ns: exactly those are written */
	bool ns[NS_COUNT];
	const char *ns_path[NS_COUNT];
	bool net, image; /* annotations requested */
	const char *host_if, *bridge_if, *if_name, *if_addr, *if_gateway;
	struct spec_strv dns, layers;
	const char *upper_dir, *work_dir;
	struct spec_hook *hooks[HOOK_PHASE_COUNT];
	size_t n_hooks[HOOK_PHASE_COUNT], cap_hooks[HOOK_PHASE_COUNT];
	struct spec_strv hook_env[HOOK_PHASE_COUNT]; /* Nth goes to the Nth hook */
	struct spec_strv cap_add, cap_drop;
};

/* Parse argv (argv[0] = "spec") into *o (zeroed by this function). Hook
 * environments are attached by index. On error e holds
 * `--flag "value": reason` (or `unknown flag "--x"`); that is a usage error. */
int spec_parse_args(struct arena *a, int argc, char **argv, struct spec_opts *o, struct derr *e);
/* The config.json text (indent 2, trailing newline); caller frees. */
char *spec_render(const struct spec_opts *o, size_t *len);

/* `droplet spec ...`: returns the exit code (0 ok, 1 error, 2 usage). */
int spec_main(int argc, char **argv);

#endif
