/* config_get.c: the config loader's JSON path builder and typed getters.
 * Every type, range and "required" message of the loader comes from here, so
 * each field of config.json is one line in the section parsers. */
#include "config_int.h"

#include <inttypes.h>
#include <limits.h>

/* ---- path builder ---- */

/* Append n bytes of s, cut at the buffer's end. The path grows and shrinks
 * with every field read, so no printf here: it was a third of the time of
 * loading a config. */
static void path_put(struct cctx *c, const char *s, size_t n)
{
	size_t room = sizeof c->path - 1 - c->len;
	if (n > room)
		n = room;
	memcpy(c->path + c->len, s, n);
	c->len += n;
	c->path[c->len] = 0;
}

size_t path_key(struct cctx *c, const char *key)
{
	size_t mark = c->len;
	if (c->len)
		path_put(c, ".", 1);
	path_put(c, key, strlen(key));
	return mark;
}

size_t path_idx(struct cctx *c, size_t i)
{
	char buf[32], *p = buf + sizeof buf;
	size_t mark = c->len;
	*--p = ']';
	do
		*--p = (char)('0' + i % 10);
	while (i /= 10);
	*--p = '[';
	path_put(c, p, (size_t)(buf + sizeof buf - p));
	return mark;
}

size_t path_mkey(struct cctx *c, const char *key)
{
	size_t mark = c->len;
	path_put(c, "[\"", 2);
	path_put(c, key, strlen(key));
	path_put(c, "\"]", 2);
	return mark;
}

void path_pop(struct cctx *c, size_t mark)
{
	c->len = mark;
	c->path[mark] = 0;
}

/* ---- errors ---- */

static int cverr(struct cctx *c, const char *fmt, va_list ap)
{
	char reason[ERR_MSG_MAX];
	vsnprintf(reason, sizeof reason, fmt, ap);
	if (c->len)
		return derr_set(c->e, 0, "%s: %s: %s", c->name, c->path, reason);
	return derr_set(c->e, 0, "%s: %s", c->name, reason);
}

int cerr(struct cctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cverr(c, fmt, ap);
	va_end(ap);
	return -1;
}

int cerr_at(struct cctx *c, const char *key, const char *fmt, ...)
{
	size_t m = path_key(c, key);
	va_list ap;
	va_start(ap, fmt);
	cverr(c, fmt, ap);
	va_end(ap);
	path_pop(c, m);
	return -1;
}

static const char *a_type(const struct json_value *v)
{
	static const char *const names[] = {
	    [JSON_NULL] = "null",       [JSON_BOOL] = "a boolean", [JSON_NUMBER] = "a number",
	    [JSON_STRING] = "a string", [JSON_ARRAY] = "an array", [JSON_OBJECT] = "an object",
	};
	return v->type <= JSON_OBJECT ? names[v->type] : "unknown";
}

/* ---- value checks ---- */

int as_object(struct cctx *c, const struct json_value *v)
{
	return v->type == JSON_OBJECT ? 0 : cerr(c, "must be an object, not %s", a_type(v));
}

int as_string(struct cctx *c, const struct json_value *v, char **out)
{
	if (v->type != JSON_STRING)
		return cerr(c, "must be a string, not %s", a_type(v));
	if (strlen(v->str.s) != v->str.len)
		return cerr(c, "must not contain a NUL character");
	*out = arena_strndup(c->a, v->str.s, v->str.len);
	return 0;
}

int as_bool(struct cctx *c, const struct json_value *v, bool *out)
{
	if (v->type != JSON_BOOL)
		return cerr(c, "must be a boolean, not %s", a_type(v));
	*out = v->b;
	return 0;
}

static int as_integer(struct cctx *c, const struct json_value *v)
{
	if (v->type != JSON_NUMBER)
		return cerr(c, "must be an integer, not %s", a_type(v));
	if (v->num.kind == JSON_DOUBLE)
		return cerr(c, "must be an integer");
	return 0;
}

int as_i64(struct cctx *c, const struct json_value *v, int64_t lo, int64_t hi, int64_t *out)
{
	TRY(as_integer(c, v));
	if (v->num.kind == JSON_UINT || v->num.i < lo || v->num.i > hi)
		return cerr(c, "must be %" PRId64 "..%" PRId64, lo, hi);
	*out = v->num.i;
	return 0;
}

int as_u64(struct cctx *c, const struct json_value *v, uint64_t hi, uint64_t *out)
{
	TRY(as_integer(c, v));
	uint64_t u = v->num.kind == JSON_UINT ? v->num.u : (uint64_t)v->num.i;
	if ((v->num.kind == JSON_INT && v->num.i < 0) || u > hi)
		return cerr(c, "must be 0..%" PRIu64, hi);
	*out = u;
	return 0;
}

/* ---- field getters ---- */

const struct json_value *field(const struct json_value *o, const char *key)
{
	const struct json_value *v = json_get(o, key);
	return v && v->type != JSON_NULL ? v : NULL;
}

/* The common shape: absent -> 0; else check at path "key" -> 1 / -1. */
#define FIELD_GET(check)                                                                                               \
	const struct json_value *v = field(o, key);                                                                    \
	if (!v)                                                                                                        \
		return 0;                                                                                              \
	size_t m = path_key(c, key);                                                                                   \
	int r = (check);                                                                                               \
	path_pop(c, m);                                                                                                \
	return r < 0 ? -1 : 1

int get_object(struct cctx *c, const struct json_value *o, const char *key, const struct json_value **out)
{
	FIELD_GET((*out = v, as_object(c, v)));
}

int get_array(struct cctx *c, const struct json_value *o, const char *key, const struct json_value **out)
{
	FIELD_GET((*out = v, v->type == JSON_ARRAY ? 0 : cerr(c, "must be an array, not %s", a_type(v))));
}

int get_string(struct cctx *c, const struct json_value *o, const char *key, char **out)
{
	FIELD_GET(as_string(c, v, out));
}

int get_string_checked(struct cctx *c, const struct json_value *o, const char *key, str_check_fn check, char **out)
{
	FIELD_GET(as_string(c, v, out) < 0 ? -1 : check(c, *out));
}

int get_abs_path(struct cctx *c, const struct json_value *o, const char *key, char **out)
{
	return get_string_checked(c, o, key, check_abs_path, out);
}

int get_bool(struct cctx *c, const struct json_value *o, const char *key, bool *out)
{
	FIELD_GET(as_bool(c, v, out));
}

int get_i64(struct cctx *c, const struct json_value *o, const char *key, int64_t *out)
{
	FIELD_GET(as_i64(c, v, INT64_MIN, INT64_MAX, out));
}

int get_int(struct cctx *c, const struct json_value *o, const char *key, int64_t lo, int64_t hi, int *out)
{
	int64_t x = 0;
	FIELD_GET(as_i64(c, v, lo, hi, &x) < 0 ? -1 : (*out = (int)x, 0));
}

int get_u64(struct cctx *c, const struct json_value *o, const char *key, uint64_t *out)
{
	FIELD_GET(as_u64(c, v, UINT64_MAX, out));
}

int get_u32_range(struct cctx *c, const struct json_value *o, const char *key, uint32_t lo, uint32_t hi, uint32_t *out)
{
	int64_t x = 0;
	FIELD_GET(as_i64(c, v, lo, hi, &x) < 0 ? -1 : (*out = (uint32_t)x, 0));
}

int get_u32(struct cctx *c, const struct json_value *o, const char *key, uint32_t *out)
{
	return get_u32_range(c, o, key, 0, UINT32_MAX, out);
}

int get_opt_i64(struct cctx *c, const struct json_value *o, const char *key, struct opt_i64 *out)
{
	int r = get_i64(c, o, key, &out->v);
	out->set = r > 0;
	return r;
}

int get_opt_u64(struct cctx *c, const struct json_value *o, const char *key, struct opt_u64 *out)
{
	int r = get_u64(c, o, key, &out->v);
	out->set = r > 0;
	return r;
}

static int required(struct cctx *c, int r, const char *key)
{
	return r == 0 ? cerr_at(c, key, "required") : r;
}

int need_string(struct cctx *c, const struct json_value *o, const char *key, char **out)
{
	return required(c, get_string(c, o, key, out), key);
}

int need_abs_path(struct cctx *c, const struct json_value *o, const char *key, char **out)
{
	return required(c, get_abs_path(c, o, key, out), key);
}

int need_i64(struct cctx *c, const struct json_value *o, const char *key, int64_t *out)
{
	return required(c, get_i64(c, o, key, out), key);
}

int need_u64(struct cctx *c, const struct json_value *o, const char *key, uint64_t *out)
{
	return required(c, get_u64(c, o, key, out), key);
}

int need_u32(struct cctx *c, const struct json_value *o, const char *key, uint32_t *out)
{
	return required(c, get_u32(c, o, key, out), key);
}

/* ---- string checks ---- */

int check_abs_path(struct cctx *c, const char *s)
{
	return s[0] == '/' ? 0 : cerr(c, "must be an absolute path, not \"%s\"", s);
}

int check_env(struct cctx *c, const char *s)
{
	return strchr(s, '=') && s[0] != '=' ? 0 : cerr(c, "must be \"KEY=VALUE\", not \"%s\"", s);
}

/* "0-3,7,9-11" */
int check_cpu_list(struct cctx *c, const char *s)
{
	const char *p = s;
	while (*p) {
		if (*p < '0' || *p > '9')
			break;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '-' && p[1] >= '0' && p[1] <= '9')
			for (p++; *p >= '0' && *p <= '9';)
				p++;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			break;
	}
	return *p ? cerr(c, "must be a list like \"0-3,7\", not \"%s\"", s) : 0;
}

/* ---- arrays ---- */

int get_string_array(struct cctx *c, const struct json_value *o, const char *key, char ***out, size_t *n,
                     str_check_fn check)
{
	const struct json_value *arr;
	int r = get_array(c, o, key, &arr);
	if (r <= 0)
		return r;
	size_t m = path_key(c, key);
	char **v = arr->arr.n ? arena_alloc(c->a, arr->arr.n * sizeof *v) : NULL;
	for (size_t i = 0; i < arr->arr.n; i++) {
		size_t mi = path_idx(c, i);
		if (as_string(c, arr->arr.items[i], &v[i]) < 0 || (check && check(c, v[i]) < 0))
			return -1;
		path_pop(c, mi);
	}
	path_pop(c, m);
	*out = v;
	*n = arr->arr.n;
	return 1;
}

int get_obj_array(struct cctx *c, const struct json_value *o, const char *key, size_t size, void **out, size_t *n,
                  obj_fn fn)
{
	const struct json_value *arr;
	int r = get_array(c, o, key, &arr);
	if (r <= 0)
		return r;
	size_t m = path_key(c, key);
	char *base = arr->arr.n ? arena_alloc(c->a, arr->arr.n * size) : NULL;
	for (size_t i = 0; i < arr->arr.n; i++) {
		size_t mi = path_idx(c, i);
		if (as_object(c, arr->arr.items[i]) < 0 || fn(c, arr->arr.items[i], base, i) < 0)
			return -1;
		path_pop(c, mi);
	}
	path_pop(c, m);
	*out = base;
	*n = arr->arr.n;
	return 1;
}

/* ---- objects as maps ---- */

struct mref {
	const struct json_member *m;
	size_t i;
};

static int mref_cmp(const void *pa, const void *pb)
{
	const struct mref *a = pa, *b = pb;
	size_t n = a->m->key_len < b->m->key_len ? a->m->key_len : b->m->key_len;
	int r = memcmp(a->m->key, b->m->key, n);
	if (r)
		return r;
	if (a->m->key_len != b->m->key_len)
		return a->m->key_len < b->m->key_len ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

size_t uniq_members(struct cctx *c, const struct json_value *o, const struct json_member ***out)
{
	size_t n = o->obj.n, k = 0;
	const struct json_member **res = n ? arena_alloc(c->a, n * sizeof *res) : NULL;
	cleanup_free struct mref *refs = xcalloc(n ? n : 1, sizeof *refs);
	cleanup_free bool *keep = xcalloc(n ? n : 1, sizeof *keep);
	for (size_t i = 0; i < n; i++)
		refs[i] = (struct mref){&o->obj.members[i], i};
	qsort(refs, n, sizeof *refs, mref_cmp);
	for (size_t i = 0; i < n; i++) /* the last of each run of equal keys */
		keep[refs[i].i] =
		    i + 1 == n || mref_cmp(&(struct mref){refs[i].m, 0}, &(struct mref){refs[i + 1].m, 0});
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			res[k++] = &o->obj.members[i];
	*out = res;
	return k;
}

int get_string_map(struct cctx *c, const struct json_value *o, const char *key, struct oci_kv **out, size_t *n,
                   bool (*key_ok)(const char *key), const char *bad_key)
{
	const struct json_value *obj;
	const struct json_member **mem;
	int r = get_object(c, o, key, &obj);
	if (r <= 0)
		return r;
	size_t m = path_key(c, key), k = uniq_members(c, obj, &mem);
	struct oci_kv *kv = k ? arena_alloc(c->a, k * sizeof *kv) : NULL;
	for (size_t i = 0; i < k; i++) {
		size_t mi = path_mkey(c, mem[i]->key);
		if (strlen(mem[i]->key) != mem[i]->key_len || (key_ok && !key_ok(mem[i]->key)))
			return cerr(c, "%s", bad_key ? bad_key : "must not contain a NUL character");
		kv[i].key = arena_strdup(c->a, mem[i]->key);
		TRY(as_string(c, mem[i]->value, &kv[i].value));
		path_pop(c, mi);
	}
	path_pop(c, m);
	*out = kv;
	*n = k;
	return 1;
}

/* ---- name tables ---- */

const struct name_val *name_lookup(const struct name_val *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

int get_enum(struct cctx *c, const struct json_value *o, const char *key, const struct name_val *t, size_t n,
             const char *what, long *out)
{
	char *s;
	int r = get_string(c, o, key, &s);
	if (r <= 0)
		return r;
	const struct name_val *nv = name_lookup(t, n, s);
	if (!nv)
		return cerr_at(c, key, "unknown %s \"%s\"", what, s);
	*out = nv->val;
	return 1;
}

int need_enum(struct cctx *c, const struct json_value *o, const char *key, const struct name_val *t, size_t n,
              const char *what, long *out)
{
	int r = get_enum(c, o, key, t, n, what, out);
	return r == 0 ? cerr_at(c, key, "required") : r;
}
