/* config_linux.c: the linux object of config.json (namespaces, ID mappings,
 * time offsets, devices, sysctl, paths, personality) and the cross-field
 * rules checked once the whole config is parsed. Resources and seccomp have
 * their own files. */
#include "config_int.h"

#include <sys/mount.h>
#include <sys/personality.h>

static const struct name_val propagations[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static const struct name_val personalities[] = {
    {"LINUX", PER_LINUX},
    {"LINUX32", PER_LINUX32},
};

static const struct name_val device_types[] = {{"c", 'c'}, {"b", 'b'}, {"u", 'u'}, {"p", 'p'}};

/* Sysctls that only make sense inside a namespace of the container's own. */
static const struct {
	const char *prefix;
	enum ns_type ns;
} sysctl_ns[] = {
    {"net.", NS_NET},       {"kernel.msg", NS_IPC},      {"kernel.sem", NS_IPC},        {"kernel.shm", NS_IPC},
    {"fs.mqueue.", NS_IPC}, {"kernel.hostname", NS_UTS}, {"kernel.domainname", NS_UTS},
};

static const char *const ns_hint[NS_COUNT] = {
    [NS_NET] = "network",
    [NS_IPC] = "IPC",
    [NS_UTS] = "UTS",
};

struct ns_item {
	int type;
	char *path;
};

static int cfg_namespace(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct ns_item *all = base, *ns = &all[i];
	char *name;
	TRY(need_string(c, o, "type", &name));
	ns->type = ns_type_from_name(name);
	if (ns->type < 0)
		return cerr_at(c, "type", "unknown namespace \"%s\"", name);
	for (size_t j = 0; j < i; j++)
		if (all[j].type == ns->type)
			return cerr_at(c, "type", "duplicate namespace \"%s\"", name);
	return get_abs_path(c, o, "path", &ns->path);
}

static int cfg_namespaces(struct cctx *c, const struct json_value *o, struct oci_linux *l)
{
	struct ns_item *items = NULL;
	size_t n = 0;
	TRY(get_obj_array(c, o, "namespaces", sizeof *items, (void **)&items, &n, cfg_namespace));
	for (size_t i = 0; i < n; i++) {
		l->ns[items[i].type].present = true;
		l->ns[items[i].type].path = items[i].path;
	}
	return 0;
}

static int cfg_time_offset(struct cctx *c, const struct json_value *o, const char *key, int64_t *secs, uint32_t *nsecs,
                           bool *has)
{
	const struct json_value *t;
	int r = get_object(c, o, key, &t);
	if (r <= 0)
		return r;
	size_t m = path_key(c, key);
	TRY(get_i64(c, t, "secs", secs));
	TRY(get_u32_range(c, t, "nanosecs", 0, 999999999, nsecs));
	path_pop(c, m);
	*has = true;
	return 0;
}

static int cfg_time_offsets(struct cctx *c, const struct json_value *o, struct oci_linux *l)
{
	const struct json_value *t;
	int r = get_object(c, o, "timeOffsets", &t);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "timeOffsets");
	l->time_offsets.present = true;
	TRY(cfg_time_offset(c, t, "monotonic", &l->time_offsets.monotonic_secs, &l->time_offsets.monotonic_nanosecs,
	                    &l->time_offsets.has_monotonic));
	TRY(cfg_time_offset(c, t, "boottime", &l->time_offsets.boottime_secs, &l->time_offsets.boottime_nanosecs,
	                    &l->time_offsets.has_boottime));
	path_pop(c, m);
	return 0;
}

static int cfg_device(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_device *d = (struct oci_device *)base + i;
	long type = 0;
	int r;
	TRY(need_enum(c, o, "type", device_types, ARRAY_SIZE(device_types), "device type", &type));
	d->type = (char)type;
	TRY(need_abs_path(c, o, "path", &d->path));
	bool need = d->type != 'p';
	TRY(r = get_i64(c, o, "major", &d->major));
	if (!r && need)
		return cerr_at(c, "major", "required");
	TRY(r = get_i64(c, o, "minor", &d->minor));
	if (!r && need)
		return cerr_at(c, "minor", "required");
	TRY(r = get_u32_range(c, o, "fileMode", 0, 07777, &d->file_mode));
	d->has_file_mode = r > 0;
	TRY(r = get_u32(c, o, "uid", &d->uid));
	d->has_uid = r > 0;
	TRY(r = get_u32(c, o, "gid", &d->gid));
	d->has_gid = r > 0;
	return 0;
}

static bool sysctl_name_ok(const char *k)
{
	if (!k[0] || k[0] == '.' || k[0] == '/' || strstr(k, ".."))
		return false;
	for (; *k; k++)
		if (*k <= ' ' || *k == 0x7f || *k == '=')
			return false;
	return true;
}

static int cfg_personality(struct cctx *c, const struct json_value *o, struct oci_linux *l)
{
	const struct json_value *p;
	char **flags;
	size_t n;
	long dom = 0;
	int r = get_object(c, o, "personality", &p);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "personality");
	TRY(need_enum(c, p, "domain", personalities, ARRAY_SIZE(personalities), "personality domain", &dom));
	TRY(get_string_array(c, p, "flags", &flags, &n, NULL)); /* no flags are defined yet */
	path_pop(c, m);
	l->has_personality = true;
	l->personality = (unsigned long)dom;
	return 0;
}

static int cfg_linux_paths(struct cctx *c, const struct json_value *o, struct oci_linux *l)
{
	long prop = 0;
	int r;
	TRY(get_string(c, o, "cgroupsPath", &l->cgroups_path));
	TRY(get_enum(c, o, "rootfsPropagation", propagations, ARRAY_SIZE(propagations), "propagation", &prop));
	l->rootfs_propagation = (unsigned long)prop;
	TRY(r = get_string_array(c, o, "maskedPaths", &l->masked_paths, &l->n_masked_paths, check_abs_path));
	l->has_masked_paths = r > 0;
	TRY(r = get_string_array(c, o, "readonlyPaths", &l->readonly_paths, &l->n_readonly_paths, check_abs_path));
	l->has_readonly_paths = r > 0;
	TRY(get_string(c, o, "mountLabel", &l->mount_label));
	return 0;
}

int cfg_linux(struct cctx *c, const struct json_value *o, struct oci_config *cfg)
{
	struct oci_linux *l = &cfg->linux;
	const struct json_value *v;
	int r;
	TRY(cfg_namespaces(c, o, l));
	TRY(cfg_idmaps(c, o, "uidMappings", &l->uid_mappings, &l->n_uid_mappings));
	TRY(cfg_idmaps(c, o, "gidMappings", &l->gid_mappings, &l->n_gid_mappings));
	TRY(cfg_time_offsets(c, o, l));
	TRY(get_obj_array(c, o, "devices", sizeof *l->devices, (void **)&l->devices, &l->n_devices, cfg_device));
	TRY(cfg_linux_paths(c, o, l));
	TRY(get_string_map(c, o, "sysctl", &l->sysctl, &l->n_sysctl, sysctl_name_ok, "invalid sysctl name"));
	TRY(cfg_personality(c, o, l));
	TRY(r = get_object(c, o, "resources", &v));
	if (r > 0) {
		size_t m = path_key(c, "resources");
		TRY(cfg_resources(c, v, &l->resources));
		path_pop(c, m);
	}
	TRY(r = get_object(c, o, "seccomp", &v));
	if (r > 0) {
		size_t m = path_key(c, "seccomp");
		TRY(cfg_seccomp(c, v, &l->seccomp));
		path_pop(c, m);
	}
	if (field(o, "intelRdt")) {
		l->intel_rdt = true;
		return cerr_at(c, "intelRdt", "not supported by droplet");
	}
	return 0;
}

/* ---- cross-field rules ---- */

static int check_idmaps(struct cctx *c, const struct oci_linux *l)
{
	const struct oci_namespace *user = &l->ns[NS_USER];
	if (!user->present && (l->n_uid_mappings || l->n_gid_mappings))
		return cerr(c, "linux.%s: requires a user namespace",
		            l->n_uid_mappings ? "uidMappings" : "gidMappings");
	if (user->present && !user->path && (!l->n_uid_mappings || !l->n_gid_mappings))
		return cerr(c, "linux.%s: a new user namespace needs uid and gid mappings",
		            !l->n_uid_mappings ? "uidMappings" : "gidMappings");
	return 0;
}

static int check_sysctl_ns(struct cctx *c, const struct oci_linux *l)
{
	for (size_t i = 0; i < l->n_sysctl; i++)
		for (size_t j = 0; j < ARRAY_SIZE(sysctl_ns); j++) {
			const char *p = sysctl_ns[j].prefix;
			if (strncmp(l->sysctl[i].key, p, strlen(p)) == 0 && !l->ns[sysctl_ns[j].ns].present)
				return cerr(c, "linux.sysctl[\"%s\"]: requires a %s namespace", l->sysctl[i].key,
				            ns_hint[sysctl_ns[j].ns]);
		}
	return 0;
}

int cfg_validate(struct cctx *c, const struct oci_config *cfg)
{
	const struct oci_linux *l = &cfg->linux;
	static const char hint[] = "requires a UTS namespace (add {\"type\":\"uts\"} to linux.namespaces)";
	if (cfg->hostname && cfg->hostname[0] && !l->ns[NS_UTS].present)
		return cerr(c, "hostname: %s", hint);
	if (cfg->domainname && cfg->domainname[0] && !l->ns[NS_UTS].present)
		return cerr(c, "domainname: %s", hint);
	if (l->time_offsets.present && !l->ns[NS_TIME].present)
		return cerr(c, "linux.timeOffsets: requires a time namespace");
	TRY(check_idmaps(c, l));
	return check_sysctl_ns(c, l);
}
