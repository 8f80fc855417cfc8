/* config_process.c: the process object of config.json (and of exec's
 * process.json): argv, env, user, capabilities, rlimits, scheduling. */
#include "config_int.h"

#include "caps.h"

#include <sched.h>
#include <sys/resource.h>

#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

static const struct name_val rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static const struct name_val ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

static const struct name_val sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER},       {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},       {"SCHED_ISO", SCHED_ISO},   {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
};

static const struct name_val sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},     {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},    {"SCHED_FLAG_KEEP_PARAMS", 0x10}, {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static const char *const cap_set_names[CAP_SET_COUNT] = {
    [CAP_SET_BOUNDING] = "bounding",   [CAP_SET_EFFECTIVE] = "effective", [CAP_SET_INHERITABLE] = "inheritable",
    [CAP_SET_PERMITTED] = "permitted", [CAP_SET_AMBIENT] = "ambient",
};

static int check_cap(struct cctx *c, const char *s)
{
	return caps_from_name(s) >= 0 ? 0 : cerr(c, "unknown capability \"%s\"", s);
}

static int cfg_caps(struct cctx *c, const struct json_value *p, struct oci_caps *caps)
{
	const struct json_value *o;
	int r = get_object(c, p, "capabilities", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "capabilities");
	caps->present = true;
	for (int s = 0; s < CAP_SET_COUNT; s++) {
		char **names = NULL;
		size_t n = 0;
		TRY(get_string_array(c, o, cap_set_names[s], &names, &n, check_cap));
		for (size_t i = 0; i < n; i++)
			caps->sets[s] |= UINT64_C(1) << caps_from_name(names[i]);
	}
	path_pop(c, m);
	return 0;
}

static int cfg_rlimit(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_rlimit *all = base, *rl = &all[i];
	long res = 0;
	TRY(need_enum(c, o, "type", rlimit_names, ARRAY_SIZE(rlimit_names), "rlimit", &res));
	rl->resource = (int)res;
	TRY(need_string(c, o, "type", &rl->name));
	for (size_t j = 0; j < i; j++)
		if (all[j].resource == rl->resource)
			return cerr_at(c, "type", "duplicate rlimit \"%s\"", rl->name);
	TRY(need_u64(c, o, "soft", &rl->soft));
	TRY(need_u64(c, o, "hard", &rl->hard));
	if (rl->soft > rl->hard)
		return cerr(c, "soft limit %" PRIu64 " exceeds hard limit %" PRIu64, rl->soft, rl->hard);
	return 0;
}

static int cfg_user(struct cctx *c, const struct json_value *p, struct oci_user *u)
{
	const struct json_value *o, *arr;
	int r = get_object(c, p, "user", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "user");
	TRY(get_u32(c, o, "uid", &u->uid));
	TRY(get_u32(c, o, "gid", &u->gid));
	TRY(r = get_u32_range(c, o, "umask", 0, 0777, &u->umask));
	u->has_umask = r > 0;
	TRY(get_string(c, o, "username", &u->username));
	TRY(r = get_array(c, o, "additionalGids", &arr));
	if (r > 0) {
		size_t ma = path_key(c, "additionalGids");
		u->n_additional_gids = arr->arr.n;
		u->additional_gids = arena_alloc(c->a, (arr->arr.n + 1) * sizeof(uint32_t));
		for (size_t i = 0; i < arr->arr.n; i++) {
			size_t mi = path_idx(c, i);
			uint64_t g;
			TRY(as_u64(c, arr->arr.items[i], UINT32_MAX, &g));
			u->additional_gids[i] = (uint32_t)g;
			path_pop(c, mi);
		}
		path_pop(c, ma);
	}
	path_pop(c, m);
	return 0;
}

static int cfg_console(struct cctx *c, const struct json_value *p, struct oci_process *proc)
{
	const struct json_value *o;
	uint32_t h = 0, w = 0;
	int r = get_object(c, p, "consoleSize", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "consoleSize");
	TRY(need_u32(c, o, "height", &h));
	TRY(need_u32(c, o, "width", &w));
	path_pop(c, m);
	proc->has_console_size = true;
	proc->console_height = h;
	proc->console_width = w;
	return 0;
}

static int cfg_ioprio(struct cctx *c, const struct json_value *p, struct oci_process *proc)
{
	const struct json_value *o;
	long cls = 0;
	int r = get_object(c, p, "ioPriority", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "ioPriority");
	TRY(need_enum(c, o, "class", ioprio_classes, ARRAY_SIZE(ioprio_classes), "class", &cls));
	TRY(get_int(c, o, "priority", 0, 7, &proc->io_priority));
	path_pop(c, m);
	proc->has_io_priority = true;
	proc->io_priority_class = (int)cls;
	return 0;
}

static int check_sched_flag(struct cctx *c, const char *s)
{
	return name_lookup(sched_flags, ARRAY_SIZE(sched_flags), s) ? 0 : cerr(c, "unknown scheduler flag \"%s\"", s);
}

static int cfg_sched_flags(struct cctx *c, const struct json_value *o, uint32_t *flags)
{
	char **names = NULL;
	size_t n = 0;
	TRY(get_string_array(c, o, "flags", &names, &n, check_sched_flag));
	for (size_t i = 0; i < n; i++)
		*flags |= (uint32_t)name_lookup(sched_flags, ARRAY_SIZE(sched_flags), names[i])->val;
	return 0;
}

static bool sched_deadline_ok(uint64_t runtime, uint64_t deadline, uint64_t period)
{
	return runtime > 0 && runtime <= deadline && (period == 0 || deadline <= period);
}

static int cfg_scheduler(struct cctx *c, const struct json_value *p, struct oci_process *proc)
{
	const struct json_value *o;
	long pol = 0;
	int r = get_object(c, p, "scheduler", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "scheduler");
	TRY(need_enum(c, o, "policy", sched_policies, ARRAY_SIZE(sched_policies), "policy", &pol));
	proc->scheduler.policy = (int)pol;
	TRY(get_int(c, o, "nice", -20, 19, &proc->scheduler.nice));
	TRY(get_int(c, o, "priority", 0, 99, &proc->scheduler.priority));
	if (proc->scheduler.priority && pol != SCHED_FIFO && pol != SCHED_RR)
		return cerr_at(c, "priority", "only valid with SCHED_FIFO or SCHED_RR");
	TRY(cfg_sched_flags(c, o, &proc->scheduler.flags));
	TRY(get_u64(c, o, "runtime", &proc->scheduler.runtime));
	TRY(get_u64(c, o, "deadline", &proc->scheduler.deadline));
	TRY(get_u64(c, o, "period", &proc->scheduler.period));
	if (pol == SCHED_DEADLINE &&
	    !sched_deadline_ok(proc->scheduler.runtime, proc->scheduler.deadline, proc->scheduler.period))
		return cerr(c, "SCHED_DEADLINE needs 0 < runtime <= deadline <= period (period 0: = deadline)");
	path_pop(c, m);
	proc->has_scheduler = true;
	return 0;
}

static int cfg_affinity(struct cctx *c, const struct json_value *p, struct oci_process *proc)
{
	const struct json_value *o;
	int r = get_object(c, p, "execCPUAffinity", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "execCPUAffinity");
	proc->exec_cpu_affinity.present = true;
	TRY(get_string_checked(c, o, "initial", check_cpu_list, &proc->exec_cpu_affinity.initial));
	TRY(get_string_checked(c, o, "final", check_cpu_list, &proc->exec_cpu_affinity.final));
	path_pop(c, m);
	return 0;
}

static int cfg_args(struct cctx *c, const struct json_value *o, struct oci_process *p)
{
	const struct json_value *v = field(o, "args");
	if (!v || v->type != JSON_ARRAY || v->arr.n == 0)
		return cerr_at(c, "args", "must be a non-empty array of strings");
	return get_string_array(c, o, "args", &p->args, &p->n_args, NULL);
}

int cfg_process(struct cctx *c, const struct json_value *o, struct oci_process *p)
{
	p->present = true;
	TRY(get_bool(c, o, "terminal", &p->terminal));
	TRY(cfg_console(c, o, p));
	TRY(cfg_user(c, o, &p->user));
	TRY(get_string(c, o, "commandLine", &p->command_line));
	TRY(cfg_args(c, o, p));
	TRY(get_string_array(c, o, "env", &p->env, &p->n_env, check_env));
	TRY(need_abs_path(c, o, "cwd", &p->cwd));
	TRY(cfg_caps(c, o, &p->caps));
	TRY(get_obj_array(c, o, "rlimits", sizeof *p->rlimits, (void **)&p->rlimits, &p->n_rlimits, cfg_rlimit));
	TRY(get_bool(c, o, "noNewPrivileges", &p->no_new_privileges));
	TRY(get_string(c, o, "apparmorProfile", &p->apparmor_profile));
	int r = get_int(c, o, "oomScoreAdj", -1000, 1000, &p->oom_score_adj);
	TRY(r);
	p->has_oom_score_adj = r > 0;
	TRY(get_string(c, o, "selinuxLabel", &p->selinux_label));
	TRY(cfg_ioprio(c, o, p));
	TRY(cfg_scheduler(c, o, p));
	return cfg_affinity(c, o, p);
}
