/* config_int.h: internals of the config loader, shared by config*.c only.
 * A parse context carries the arena, the file name and a JSON path builder;
 * typed getters turn one JSON field into one C field and report errors as
 * "<name>: <json path>: <reason>". */
#ifndef DROPLET_CONFIG_INT_H
#define DROPLET_CONFIG_INT_H

#include "config.h"
#include "json.h"

#include <inttypes.h>

#define CFG_PATH_MAX 512

struct cctx {
	struct arena *a;
	const char *name;        /* "config.json" */
	char path[CFG_PATH_MAX]; /* "linux.seccomp.syscalls[3].args[0]" */
	size_t len;
	struct derr *e;
};

/* Path builder: each push returns a mark to pop back to. */
size_t path_key(struct cctx *c, const char *key);  /* .key */
size_t path_idx(struct cctx *c, size_t i);         /* [i] */
size_t path_mkey(struct cctx *c, const char *key); /* ["key"] */
void path_pop(struct cctx *c, size_t mark);

/* Report at the current path ("name: path: reason"). Returns -1. */
int cerr(struct cctx *c, const char *fmt, ...) PRINTF(2, 3);
/* Report at the current path plus ".key". Returns -1. */
int cerr_at(struct cctx *c, const char *key, const char *fmt, ...) PRINTF(3, 4);

/* Checks of a value at the current path; 0 or -1. */
int as_object(struct cctx *c, const struct json_value *v);
int as_string(struct cctx *c, const struct json_value *v, char **out);
int as_bool(struct cctx *c, const struct json_value *v, bool *out);
int as_i64(struct cctx *c, const struct json_value *v, int64_t lo, int64_t hi, int64_t *out);
int as_u64(struct cctx *c, const struct json_value *v, uint64_t hi, uint64_t *out);

/* Field getters: -1 on error, 0 when absent (or null), 1 when set. */
const struct json_value *field(const struct json_value *o, const char *key);
int get_object(struct cctx *c, const struct json_value *o, const char *key, const struct json_value **out);
int get_array(struct cctx *c, const struct json_value *o, const char *key, const struct json_value **out);
int get_string(struct cctx *c, const struct json_value *o, const char *key, char **out);
typedef int (*str_check_fn)(struct cctx *c, const char *s);
int get_string_checked(struct cctx *c, const struct json_value *o, const char *key, str_check_fn check, char **out);
int get_abs_path(struct cctx *c, const struct json_value *o, const char *key, char **out);
int get_bool(struct cctx *c, const struct json_value *o, const char *key, bool *out);
int get_i64(struct cctx *c, const struct json_value *o, const char *key, int64_t *out);
int get_int(struct cctx *c, const struct json_value *o, const char *key, int64_t lo, int64_t hi, int *out);
int get_u64(struct cctx *c, const struct json_value *o, const char *key, uint64_t *out);
int get_u32(struct cctx *c, const struct json_value *o, const char *key, uint32_t *out);
int get_u32_range(struct cctx *c, const struct json_value *o, const char *key, uint32_t lo, uint32_t hi, uint32_t *out);
int get_opt_i64(struct cctx *c, const struct json_value *o, const char *key, struct opt_i64 *out);
int get_opt_u64(struct cctx *c, const struct json_value *o, const char *key, struct opt_u64 *out);
/* Same, but the field must be present ("required"). */
int need_string(struct cctx *c, const struct json_value *o, const char *key, char **out);
int need_abs_path(struct cctx *c, const struct json_value *o, const char *key, char **out);
int need_i64(struct cctx *c, const struct json_value *o, const char *key, int64_t *out);
int need_u64(struct cctx *c, const struct json_value *o, const char *key, uint64_t *out);
int need_u32(struct cctx *c, const struct json_value *o, const char *key, uint32_t *out);

/* Array of strings; each element checked by check (may be NULL) at its path. */
int get_string_array(struct cctx *c, const struct json_value *o, const char *key, char ***out, size_t *n,
                     str_check_fn check);
int check_abs_path(struct cctx *c, const char *s);
int check_env(struct cctx *c, const char *s);
int check_cpu_list(struct cctx *c, const char *s);

/* Array of objects: allocates n elements of size bytes and calls fn for each
 * at path "key[i]" with the element index (elements before i are filled). */
typedef int (*obj_fn)(struct cctx *c, const struct json_value *o, void *base, size_t i);
int get_obj_array(struct cctx *c, const struct json_value *o, const char *key, size_t size, void **out, size_t *n,
                  obj_fn fn);

/* Object members with duplicate keys removed (the last one wins, as in
 * json_get), in document order. */
size_t uniq_members(struct cctx *c, const struct json_value *o, const struct json_member ***out);
/* An object of string -> string (annotations, sysctl, unified); key_ok may be NULL. */
int get_string_map(struct cctx *c, const struct json_value *o, const char *key, struct oci_kv **out, size_t *n,
                   bool (*key_ok)(const char *key), const char *bad_key);

/* Name -> value tables. */
struct name_val {
	const char *name;
	long val;
};
const struct name_val *name_lookup(const struct name_val *t, size_t n, const char *name);
/* Reads a string field and maps it through a table; "unknown <what> \"x\"". */
int get_enum(struct cctx *c, const struct json_value *o, const char *key, const struct name_val *t, size_t n,
             const char *what, long *out);
int need_enum(struct cctx *c, const struct json_value *o, const char *key, const struct name_val *t, size_t n,
              const char *what, long *out);

/* Sections. */
int cfg_process(struct cctx *c, const struct json_value *o, struct oci_process *p);
int cfg_mounts(struct cctx *c, const struct json_value *root, struct oci_config *cfg);
int cfg_linux(struct cctx *c, const struct json_value *o, struct oci_config *cfg);
int cfg_seccomp(struct cctx *c, const struct json_value *o, struct oci_seccomp *s);
int cfg_resources(struct cctx *c, const struct json_value *o, struct oci_resources *r);
int cfg_hooks(struct cctx *c, const struct json_value *o, struct oci_hooks *h);
int cfg_annotations(struct cctx *c, const struct json_value *root, struct oci_config *cfg);
/* Cross-field rules once everything is parsed (namespaces vs. hostname, ...). */
int cfg_validate(struct cctx *c, const struct oci_config *cfg);
int cfg_idmaps(struct cctx *c, const struct json_value *o, const char *key, struct oci_idmap **out, size_t *n);

#define TRY(x)                                                                                                         \
	do {                                                                                                           \
		if ((x) < 0)                                                                                           \
			return -1;                                                                                     \
	} while (0)

#endif
