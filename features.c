/* features.c: the runtime-spec `features` document, from the same tables
 * the loader and the compilers use, so it says what this build does. */
#include "features.h"

#include "caps.h"
#include "common.h"
#include "config.h"
#include "json.h"
#include "seccomp_bpf.h"

static const char *const mount_options[] = {
    "async",         "atime",        "bind",        "defaults",     "dev",         "diratime",
    "dirsync",       "exec",         "idmap",       "lazytime",     "mand",        "noatime",
    "nodev",         "nodiratime",   "noexec",      "nolazytime",   "nomand",      "norelatime",
    "nostrictatime", "nosuid",       "nosymfollow", "private",      "ratime",      "rbind",
    "rdev",          "rdiratime",    "relatime",    "remount",      "rexec",       "ridmap",
    "rnoatime",      "rnodev",       "rnodiratime", "rnoexec",      "rnorelatime", "rnostrictatime",
    "rnosuid",       "rnosymfollow", "ro",          "rprivate",     "rrelatime",   "rro",
    "rrw",           "rshared",      "rslave",      "rstrictatime", "rsuid",       "rsymfollow",
    "runbindable",   "rw",           "shared",      "slave",        "strictatime", "suid",
    "symfollow",     "sync",         "unbindable",
};

static void str_array(struct json_writer *w, const char *key, const char *const *v, size_t n)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i]);
	jw_arr_end(w);
}

static void seccomp_features(struct json_writer *w)
{
	static const char *const flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	                                    "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
	static const char *const archs[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
	jw_key(w, "seccomp"), jw_obj_begin(w);
	jw_key(w, "enabled"), jw_bool(w, true);
	jw_key(w, "actions"), jw_arr_begin(w);
	jw_str(w, "SCMP_ACT_KILL");
	for (int a = 0; a < BPF_ACT_COUNT; a++)
		jw_str(w, bpf_action_name(a));
	jw_arr_end(w);
	jw_key(w, "operators"), jw_arr_begin(w);
	for (int o = 0; o < BPF_OP_COUNT; o++)
		jw_str(w, bpf_op_name(o));
	jw_arr_end(w);
	str_array(w, "archs", archs, ARRAY_SIZE(archs));
	str_array(w, "knownFlags", flags, ARRAY_SIZE(flags));
	str_array(w, "supportedFlags", flags, ARRAY_SIZE(flags));
	jw_obj_end(w);
}

static void linux_features(struct json_writer *w)
{
	jw_key(w, "linux"), jw_obj_begin(w);
	jw_key(w, "namespaces"), jw_arr_begin(w);
	for (int t = 0; t < NS_COUNT; t++)
		jw_str(w, ns_type_name((enum ns_type)t));
	jw_arr_end(w);
	jw_key(w, "capabilities"), jw_arr_begin(w);
	for (int c = 0; c <= caps_known_last(); c++)
		jw_str(w, caps_name(c));
	jw_arr_end(w);
	jw_key(w, "cgroup"), jw_obj_begin(w);
	jw_key(w, "v1"), jw_bool(w, false);
	jw_key(w, "v2"), jw_bool(w, true);
	jw_key(w, "systemd"), jw_bool(w, false);
	jw_key(w, "systemdUser"), jw_bool(w, false);
	jw_key(w, "rdma"), jw_bool(w, false);
	jw_obj_end(w);
	seccomp_features(w);
	jw_key(w, "apparmor"), jw_obj_begin(w), jw_key(w, "enabled"), jw_bool(w, true), jw_obj_end(w);
	jw_key(w, "selinux"), jw_obj_begin(w), jw_key(w, "enabled"), jw_bool(w, false), jw_obj_end(w);
	jw_key(w, "intelRdt"), jw_obj_begin(w), jw_key(w, "enabled"), jw_bool(w, false), jw_obj_end(w);
	jw_key(w, "mountExtensions"), jw_obj_begin(w);
	jw_key(w, "idmap"), jw_obj_begin(w), jw_key(w, "enabled"), jw_bool(w, true), jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

void features_print(FILE *f)
{
	struct json_writer w;
	jw_init(&w, 2);
	jw_obj_begin(&w);
	jw_key(&w, "ociVersionMin"), jw_str(&w, "1.0.0");
	jw_key(&w, "ociVersionMax"), jw_str(&w, OCI_VERSION);
	jw_key(&w, "hooks"), jw_arr_begin(&w);
	for (int p = 0; p < HOOK_PHASE_COUNT; p++)
		jw_str(&w, hook_phase_name((enum hook_phase)p));
	jw_arr_end(&w);
	str_array(&w, "mountOptions", mount_options, ARRAY_SIZE(mount_options));
	linux_features(&w);
	jw_key(&w, "annotations"), jw_obj_begin(&w);
	jw_key(&w, "io.raind.runtime.annotation.version"), jw_str(&w, DROPLET_VERSION);
	jw_key(&w, "org.opencontainers.runc.checkpoint.enabled"), jw_str(&w, "false");
	jw_obj_end(&w);
	jw_obj_end(&w);
	char *t = jw_take(&w, NULL);
	fprintf(f, "%s\n", t);
	free(t);
}
