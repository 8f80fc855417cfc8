/* config_seccomp.c: linux.seccomp of config.json: actions, architectures,
 * flags and syscall rules with their argument comparisons, mapped to the
 * enums of seccomp_bpf.h. */
#include "config_int.h"

#include "seccomp_bpf.h"

/* A string field mapped by one of seccomp_bpf.c's name functions. */
static int get_named(struct cctx *c, const struct json_value *o, const char *key, long (*from)(const char *),
                     const char *what, long *out)
{
	char *s;
	int r = get_string(c, o, key, &s);
	if (r <= 0)
		return r == 0 ? cerr_at(c, key, "required") : -1;
	*out = from(s);
	if (*out < 0)
		return cerr_at(c, key, "unknown %s \"%s\"", what, s);
	return 1;
}

static long action_from(const char *s)
{
	return bpf_action_from_name(s);
}
static long op_from(const char *s)
{
	return bpf_op_from_name(s);
}

static int check_arch(struct cctx *c, const char *s)
{
	return bpf_arch_from_name(s) >= 0 ? 0 : cerr(c, "unknown architecture \"%s\"", s);
}

static int check_flag(struct cctx *c, const char *s)
{
	return bpf_flag_from_name(s) >= 0 ? 0 : cerr(c, "unknown seccomp flag \"%s\"", s);
}

/* errnoRet / defaultErrnoRet: only meaningful with ERRNO and TRACE. */
static int get_errno_ret(struct cctx *c, const struct json_value *o, const char *key, int action, bool *has,
                         uint32_t *out)
{
	int r = get_u32(c, o, key, out);
	TRY(r);
	*has = r > 0;
	if (*has && action != BPF_ACT_ERRNO && action != BPF_ACT_TRACE)
		return cerr_at(c, key, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	return 0;
}

static int cfg_arg(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_seccomp_arg *a = (struct oci_seccomp_arg *)base + i;
	uint32_t idx = 0;
	long op = 0;
	int r = get_u32(c, o, "index", &idx);
	TRY(r);
	if (r == 0)
		return cerr_at(c, "index", "required");
	if (idx > 5)
		return cerr_at(c, "index", "must be 0..5");
	a->index = idx;
	TRY(need_u64(c, o, "value", &a->value));
	TRY(get_u64(c, o, "valueTwo", &a->value_two));
	TRY(get_named(c, o, "op", op_from, "operator", &op));
	a->op = (int)op;
	return 0;
}

static int cfg_rule(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_seccomp_rule *rule = (struct oci_seccomp_rule *)base + i;
	const struct json_value *names = field(o, "names");
	long act = 0;
	if (!names || names->type != JSON_ARRAY || names->arr.n == 0)
		return cerr_at(c, "names", "must be a non-empty array of strings");
	TRY(get_string_array(c, o, "names", &rule->names, &rule->n_names, NULL));
	TRY(get_named(c, o, "action", action_from, "action", &act));
	rule->action = (int)act;
	TRY(get_errno_ret(c, o, "errnoRet", rule->action, &rule->has_errno_ret, &rule->errno_ret));
	return get_obj_array(c, o, "args", sizeof *rule->args, (void **)&rule->args, &rule->n_args, cfg_arg);
}

static int cfg_seccomp_lists(struct cctx *c, const struct json_value *o, struct oci_seccomp *s)
{
	char **names = NULL;
	size_t n = 0;
	TRY(get_string_array(c, o, "architectures", &names, &n, check_arch));
	s->archs = n ? arena_alloc(c->a, n * sizeof *s->archs) : NULL;
	s->n_archs = n;
	for (size_t i = 0; i < n; i++)
		s->archs[i] = bpf_arch_from_name(names[i]);
	n = 0;
	TRY(get_string_array(c, o, "flags", &names, &n, check_flag));
	for (size_t i = 0; i < n; i++)
		s->flags |= (unsigned)bpf_flag_from_name(names[i]);
	return 0;
}

int cfg_seccomp(struct cctx *c, const struct json_value *o, struct oci_seccomp *s)
{
	long act = 0;
	bool notify;
	s->present = true;
	TRY(get_named(c, o, "defaultAction", action_from, "action", &act));
	s->default_action = (int)act;
	if (act == BPF_ACT_NOTIFY)
		return cerr_at(c, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
	TRY(get_errno_ret(c, o, "defaultErrnoRet", s->default_action, &s->has_default_errno_ret,
	                  &s->default_errno_ret));
	TRY(cfg_seccomp_lists(c, o, s));
	TRY(get_abs_path(c, o, "listenerPath", &s->listener_path));
	TRY(get_string(c, o, "listenerMetadata", &s->listener_metadata));
	TRY(get_obj_array(c, o, "syscalls", sizeof *s->syscalls, (void **)&s->syscalls, &s->n_syscalls, cfg_rule));
	notify = false;
	for (size_t i = 0; i < s->n_syscalls; i++)
		notify |= s->syscalls[i].action == BPF_ACT_NOTIFY;
	if (notify && !s->listener_path)
		return cerr_at(c, "listenerPath", "required when SCMP_ACT_NOTIFY is used");
	return 0;
}
