/* spec_render.c: the config.json that `spec` writes: the default tables
 * (mounts, capabilities, seccomp, masked paths, ...) and the rendering of
 * struct spec_opts with the JSON writer. */
#include "spec.h"

#include "caps.h"
#include "json.h"

/* ---- default tables ---- */

static const char *const default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "TERM=xterm-256color",
    "LANG=C.UTF-8",
};

static const char *const default_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE",
};

enum { ANY_MODE, ROOTFUL_ONLY, ROOTLESS_ONLY };

static const struct {
	const char *destination, *type, *source, *options; /* options comma-separated */
	int mode;
} default_mounts[] = {
    {"/proc", "proc", "proc", NULL, ANY_MODE},
    {"/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k", ANY_MODE},
    {"/dev/pts", "devpts", "devpts", "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5", ANY_MODE},
    {"/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k", ANY_MODE},
    {"/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev", ANY_MODE},
    {"/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro", ROOTFUL_ONLY},
    {"/sys", "none", "/sys", "rbind,nosuid,noexec,nodev,ro", ROOTLESS_ONLY},
    {"/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro", ROOTFUL_ONLY},
};

static const char *const masked_paths[] = {
    "/proc/acpi",       "/proc/asound",      "/proc/kcore",       "/proc/keys",    "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static const char *const seccomp_archs[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};

static const char *const seccomp_denied[] = {
    "bpf",
    "perf_event_open",
    "kexec_load",
    "open_by_handle_at",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "userfaultfd",
    "reboot",
    "swapon",
    "swapoff",
    "name_to_handle_at",
    "init_module",
    "finit_module",
    "delete_module",
    "kcmp",
    "mount",
    "unshare",
    "setns",
};

/* Namespaces in the order they are written; by_default: created when no
 * --ns is given (network is left out with --rootless, user is added). */
static const struct {
	enum ns_type type;
	bool by_default;
} ns_order[] = {
    {NS_PID, true}, {NS_NET, true},    {NS_IPC, true},   {NS_UTS, true},
    {NS_MNT, true}, {NS_CGROUP, true}, {NS_USER, false}, {NS_TIME, false},
};

static bool strv_has(const struct spec_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}
/* Set KEY=VALUE in env, replacing an entry with the same KEY. */
static void env_set(struct arena *a, struct spec_strv *env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv) + 1;
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], kv, klen) == 0) {
			env->v[i] = arena_strdup(a, kv);
			return;
		}
	spec_strv_push(a, env, kv);
}
/* ---- rendering ---- */

static void kv_str(struct json_writer *w, const char *key, const char *val)
{
	jw_key(w, key);
	jw_str(w, val);
}

static void kv_int(struct json_writer *w, const char *key, int64_t val)
{
	jw_key(w, key);
	jw_int(w, val);
}

static void str_array(struct json_writer *w, const char *key, char *const *v, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i]);
	jw_arr_end(w);
}

#define STR_ARRAY(w, key, table) str_array(w, key, (char *const *)(table), ARRAY_SIZE(table))

/* Capabilities: the defaults, plus --cap-add, minus --cap-drop (a drop of
 * ALL keeps only what --cap-add names). */
static uint64_t cap_set(const struct spec_opts *o)
{
	uint64_t set = 0, added = 0, all = 0;
	for (int c = 0; c <= caps_known_last(); c++)
		all |= 1ull << c;
	for (size_t i = 0; i < ARRAY_SIZE(default_caps); i++)
		set |= 1ull << caps_from_name(default_caps[i]);
	for (size_t i = 0; i < o->cap_add.n; i++)
		added |= strcmp(o->cap_add.v[i], "ALL") == 0 ? all : 1ull << caps_from_name(o->cap_add.v[i]);
	if (strv_has(&o->cap_drop, "ALL"))
		return added;
	set |= added;
	for (size_t i = 0; i < o->cap_drop.n; i++)
		set &= ~(1ull << caps_from_name(o->cap_drop.v[i]));
	return set;
}

static void write_caps(struct json_writer *w, const struct spec_opts *o)
{
	static const char *const sets[] = {"bounding", "effective", "permitted"};
	uint64_t set = cap_set(o);
	jw_key(w, "capabilities");
	jw_obj_begin(w);
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		jw_key(w, sets[s]);
		jw_arr_begin(w);
		uint64_t left = set;
		for (size_t i = 0; i < ARRAY_SIZE(default_caps); i++) {
			int c = caps_from_name(default_caps[i]);
			if (left & (1ull << c))
				jw_str(w, default_caps[i]);
			left &= ~(1ull << c);
		}
		for (int c = 0; c <= caps_known_last(); c++)
			if (left & (1ull << c))
				jw_str(w, caps_name(c));
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void write_process(struct json_writer *w, struct arena *a, const struct spec_opts *o)
{
	struct spec_strv env = {0};
	for (size_t i = 0; i < ARRAY_SIZE(default_env); i++)
		spec_strv_push(a, &env, default_env[i]);
	for (size_t i = 0; i < o->env.n; i++)
		env_set(a, &env, o->env.v[i]);
	jw_key(w, "process");
	jw_obj_begin(w);
	jw_key(w, "terminal");
	jw_bool(w, false);
	jw_key(w, "user");
	jw_obj_begin(w);
	kv_int(w, "uid", 0);
	kv_int(w, "gid", 0);
	jw_obj_end(w);
	if (o->args.n) {
		str_array(w, "args", o->args.v, o->args.n);
	} else {
		static const char *const sh[] = {"sh"};
		STR_ARRAY(w, "args", sh);
	}
	str_array(w, "env", env.v, env.n);
	kv_str(w, "cwd", o->cwd ? o->cwd : "/");
	write_caps(w, o);
	jw_key(w, "rlimits");
	jw_arr_begin(w);
	jw_obj_begin(w);
	kv_str(w, "type", "RLIMIT_NOFILE");
	kv_int(w, "hard", 1024);
	kv_int(w, "soft", 1024);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_key(w, "noNewPrivileges");
	jw_bool(w, true);
	jw_obj_end(w);
}

/* Comma-separated options as an array; rootless drops uid=/gid= (there is
 * only one id mapped). */
static void write_csv(struct json_writer *w, const char *csv, bool rootless)
{
	jw_key(w, "options");
	jw_arr_begin(w);
	for (const char *p = csv; *p;) {
		size_t n = strcspn(p, ",");
		if (!rootless || (strncmp(p, "uid=", 4) != 0 && strncmp(p, "gid=", 4) != 0))
			jw_strn(w, p, n);
		p += n + (p[n] == ',');
	}
	jw_arr_end(w);
}

static void write_mounts(struct json_writer *w, const struct spec_opts *o)
{
	int skip = o->rootless ? ROOTFUL_ONLY : ROOTLESS_ONLY;
	jw_key(w, "mounts");
	jw_arr_begin(w);
	for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
		if (default_mounts[i].mode == skip)
			continue;
		jw_obj_begin(w);
		kv_str(w, "destination", default_mounts[i].destination);
		kv_str(w, "type", default_mounts[i].type);
		kv_str(w, "source", default_mounts[i].source);
		if (default_mounts[i].options)
			write_csv(w, default_mounts[i].options, o->rootless);
		jw_obj_end(w);
	}
	for (size_t i = 0; i < o->n_mounts; i++) {
		jw_obj_begin(w);
		kv_str(w, "destination", o->mounts[i].destination);
		kv_str(w, "type", "bind");
		kv_str(w, "source", o->mounts[i].source);
		str_array(w, "options", o->mounts[i].options.v, o->mounts[i].options.n);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_hooks(struct json_writer *w, const struct spec_opts *o)
{
	bool any = false;
	for (int ph = 0; ph < HOOK_PHASE_COUNT; ph++)
		any |= o->n_hooks[ph] > 0;
	if (!any)
		return;
	jw_key(w, "hooks");
	jw_obj_begin(w);
	for (int ph = 0; ph < HOOK_PHASE_COUNT; ph++) {
		if (!o->n_hooks[ph])
			continue;
		jw_key(w, spec_hook_name((enum hook_phase)ph));
		jw_arr_begin(w);
		for (size_t k = 0; k < o->n_hooks[ph]; k++) {
			const struct spec_hook *h = &o->hooks[ph][k];
			jw_obj_begin(w);
			kv_str(w, "path", h->path);
			str_array(w, "args", h->args.v, h->args.n);
			if (h->env.n)
				str_array(w, "env", h->env.v, h->env.n);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void write_namespaces(struct json_writer *w, const struct spec_opts *o)
{
	bool on[NS_COUNT] = {0};
	for (size_t i = 0; i < ARRAY_SIZE(ns_order); i++) {
		enum ns_type t = ns_order[i].type;
		on[t] = o->ns_given ? o->ns[t] : ns_order[i].by_default && !(o->rootless && t == NS_NET);
		on[t] |= (o->rootless && t == NS_USER) || o->ns_path[t];
	}
	jw_key(w, "namespaces");
	jw_arr_begin(w);
	for (size_t i = 0; i < ARRAY_SIZE(ns_order); i++) {
		enum ns_type t = ns_order[i].type;
		if (!on[t])
			continue;
		jw_obj_begin(w);
		kv_str(w, "type", spec_ns_name(t));
		if (o->ns_path[t])
			kv_str(w, "path", o->ns_path[t]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_idmap(struct json_writer *w, const char *key, uint32_t host_id)
{
	jw_key(w, key);
	jw_arr_begin(w);
	jw_obj_begin(w);
	kv_int(w, "containerID", 0);
	kv_int(w, "hostID", host_id);
	kv_int(w, "size", 1);
	jw_obj_end(w);
	jw_arr_end(w);
}

static void write_resources(struct json_writer *w)
{
	jw_key(w, "resources");
	jw_obj_begin(w);
	/* runc's: deny every device; the runtime adds the standard ones */
	jw_key(w, "devices");
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_key(w, "allow");
	jw_bool(w, false);
	kv_str(w, "access", "rwm");
	jw_obj_end(w);
	jw_arr_end(w);
	jw_key(w, "memory");
	jw_obj_begin(w);
	kv_int(w, "limit", 1073741824);
	jw_obj_end(w);
	jw_key(w, "cpu");
	jw_obj_begin(w);
	kv_int(w, "quota", 80000);
	kv_int(w, "period", 100000);
	jw_obj_end(w);
	jw_obj_end(w);
}

static void write_seccomp(struct json_writer *w)
{
	jw_key(w, "seccomp");
	jw_obj_begin(w);
	kv_str(w, "defaultAction", "SCMP_ACT_ALLOW");
	STR_ARRAY(w, "architectures", seccomp_archs);
	jw_key(w, "syscalls");
	jw_arr_begin(w);
	jw_obj_begin(w);
	STR_ARRAY(w, "names", seccomp_denied);
	kv_str(w, "action", "SCMP_ACT_ERRNO");
	kv_int(w, "errnoRet", 1);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void write_linux(struct json_writer *w, const struct spec_opts *o)
{
	jw_key(w, "linux");
	jw_obj_begin(w);
	if (o->rootless) {
		write_idmap(w, "uidMappings", o->uid);
		write_idmap(w, "gidMappings", o->gid);
	} else {
		write_resources(w);
	}
	write_namespaces(w, o);
	STR_ARRAY(w, "maskedPaths", masked_paths);
	STR_ARRAY(w, "readonlyPaths", readonly_paths);
	write_seccomp(w);
	jw_obj_end(w);
}

/* io.raind.net.config: compact JSON carried as a string. */
static char *net_annotation(const struct spec_opts *o)
{
	struct json_writer w;
	jw_init(&w, 0);
	jw_obj_begin(&w);
	kv_str(&w, "hostInterface", o->host_if ? o->host_if : "eth0");
	kv_str(&w, "bridgeInterface", o->bridge_if ? o->bridge_if : "raind0");
	jw_key(&w, "interface");
	jw_obj_begin(&w);
	if (o->if_name)
		kv_str(&w, "name", o->if_name);
	if (o->if_addr || o->if_gateway) {
		jw_key(&w, "ipv4");
		jw_obj_begin(&w);
		if (o->if_addr)
			kv_str(&w, "address", o->if_addr);
		if (o->if_gateway)
			kv_str(&w, "gateway", o->if_gateway);
		jw_obj_end(&w);
	}
	jw_key(&w, "dns");
	jw_obj_begin(&w);
	str_array(&w, "servers", o->dns.v, o->dns.n);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	return jw_take(&w, NULL);
}

/* io.raind.image.config: compact JSON carried as a string. */
static char *image_annotation(const struct spec_opts *o)
{
	struct json_writer w;
	jw_init(&w, 0);
	jw_obj_begin(&w);
	kv_str(&w, "rootfsType", "overlay");
	str_array(&w, "imageLayer", o->layers.v, o->layers.n);
	if (o->upper_dir)
		kv_str(&w, "upperDir", o->upper_dir);
	if (o->work_dir)
		kv_str(&w, "workDir", o->work_dir);
	jw_obj_end(&w);
	return jw_take(&w, NULL);
}

static void write_annotations(struct json_writer *w, const struct spec_opts *o)
{
	jw_key(w, "annotations");
	jw_obj_begin(w);
	kv_str(w, "io.raind.runtime.annotation.version", DROPLET_VERSION);
	if (o->net) {
		cleanup_free char *s = net_annotation(o);
		kv_str(w, "io.raind.net.config", s);
	}
	if (o->image) {
		cleanup_free char *s = image_annotation(o);
		kv_str(w, "io.raind.image.config", s);
	}
	jw_obj_end(w);
}

char *spec_render(const struct spec_opts *o, size_t *len)
{
	struct arena a = {0};
	struct json_writer w;
	jw_init(&w, 2);
	jw_obj_begin(&w);
	kv_str(&w, "ociVersion", OCI_VERSION);
	write_process(&w, &a, o);
	jw_key(&w, "root");
	jw_obj_begin(&w);
	kv_str(&w, "path", o->rootfs ? o->rootfs : "rootfs");
	jw_key(&w, "readonly");
	jw_bool(&w, false);
	jw_obj_end(&w);
	kv_str(&w, "hostname", o->hostname ? o->hostname : "droplet");
	write_mounts(&w, o);
	write_hooks(&w, o);
	write_linux(&w, o);
	write_annotations(&w, o);
	jw_obj_end(&w);
	arena_free(&a);
	size_t n;
	char *text = jw_take(&w, &n);
	text = xrealloc(text, n + 2);
	text[n++] = '\n';
	text[n] = 0;
	if (len)
		*len = n;
	return text;
}
