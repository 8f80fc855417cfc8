/* config.h: the OCI runtime-spec configuration (1.0-1.2) as plain C structs,
 * plus the Raind annotations. config.c is the only file that sees JSON nodes
 * of a config; everything else reads these structs.
 *
 * Conventions: every string/array lives in cfg->arena. Arrays are (ptr, n).
 * Optional scalars come with a has_* flag. Strings absent in the JSON are NULL. */
#ifndef DROPLET_CONFIG_H
#define DROPLET_CONFIG_H

#include "common.h"

#include <sys/types.h>

struct json_value;

/* ---- namespaces ---- */
enum ns_type { NS_CGROUP, NS_IPC, NS_MNT, NS_NET, NS_PID, NS_TIME, NS_USER, NS_UTS, NS_COUNT };

struct oci_namespace {
	bool present; /* listed in linux.namespaces */
	char *path;   /* join this one instead of creating (NULL: create) */
};

struct oci_idmap {
	uint32_t container_id, host_id, size;
};

/* ---- mounts ---- */
struct oci_mount {
	char *destination; /* absolute, inside the container */
	char *type;        /* may be NULL (bind) */
	char *source;      /* may be NULL */
	char **options;    /* as written */
	size_t n_options;
	/* parsed from options by the loader: */
	unsigned long flags;              /* MS_* to set (MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC, ...) */
	unsigned long clear_flags;        /* MS_* explicitly cleared (rw, suid, dev, exec, ...) */
	unsigned long propagation;        /* MS_PRIVATE|MS_SLAVE|MS_SHARED|MS_UNBINDABLE [|MS_REC] or 0 */
	unsigned long attr_set, attr_clr; /* MOUNT_ATTR_* for recursive r* options (rro, rnosuid, ...) */
	char *data;                       /* remaining fs-specific options, comma-joined (NULL if none) */
	bool bind;                        /* bind or rbind (MS_BIND set; MS_REC with rbind) */
	bool tmpcopyup;
	bool idmap, ridmap; /* "idmap"/"ridmap" options */
	struct oci_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
};

/* ---- process ---- */
struct oci_rlimit {
	int resource; /* RLIMIT_* */
	char *name;   /* "RLIMIT_NOFILE" */
	uint64_t soft, hard;
};

struct oci_user {
	uint32_t uid, gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* windows only; kept */
};

enum cap_set {
	CAP_SET_BOUNDING,
	CAP_SET_EFFECTIVE,
	CAP_SET_INHERITABLE,
	CAP_SET_PERMITTED,
	CAP_SET_AMBIENT,
	CAP_SET_COUNT
};

struct oci_caps {
	bool present;                 /* process.capabilities given */
	uint64_t sets[CAP_SET_COUNT]; /* bit N = capability N */
	                              /* names listed that the running kernel lacks are resolved by caps.c at
	                               * apply time; the loader only rejects names unknown to Droplet. */
};

struct oci_process {
	bool present;
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	struct oci_user user;
	char **args;
	size_t n_args;
	char *command_line; /* windows; kept */
	char **env;         /* "K=V" */
	size_t n_env;
	char *cwd; /* absolute */
	struct oci_caps caps;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile; /* process.apparmorProfile, else Raind's linux.apparmorProfile */
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
	bool has_io_priority;
	int io_priority_class; /* IOPRIO_CLASS_RT/BE/IDLE */
	int io_priority;
	bool has_scheduler;
	struct {
		int policy; /* SCHED_* */
		int nice, priority;
		uint32_t flags; /* SCHED_FLAG_* */
		uint64_t runtime, deadline, period;
	} scheduler;
	struct {
		bool present;
		uint64_t *cpus;            /* bitmask words; NULL when not set */
		char *cpus_str, *mems_str; /* linux.intelRdt-like strings as written */
		char *initial, *final;     /* process.execCPUAffinity.initial/final, as written ("0-3,7") */
	} exec_cpu_affinity;
};

/* ---- linux ---- */
struct oci_device {
	char type; /* 'c', 'b', 'u', 'p' */
	char *path;
	int64_t major, minor;
	bool has_file_mode, has_uid, has_gid;
	uint32_t file_mode, uid, gid;
};

struct oci_device_cgroup { /* linux.resources.devices[] */
	bool allow;
	char type; /* 'a', 'c', 'b' */
	bool has_major, has_minor;
	int64_t major, minor; /* -1 = wildcard */
	char access[4];       /* subset of "rwm" */
};

struct oci_throttle_dev {
	int64_t major, minor;
	uint64_t rate;
};

struct oci_weight_dev {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct oci_kv {
	char *key, *value;
};

/* Optional int64 / uint64 */
struct opt_i64 {
	bool set;
	int64_t v;
};
struct opt_u64 {
	bool set;
	uint64_t v;
};

struct oci_resources {
	bool present;
	struct oci_device_cgroup *devices;
	size_t n_devices;
	struct {
		struct opt_i64 limit, reservation, swap, kernel, kernel_tcp;
		struct opt_u64 swappiness;
		bool has_disable_oom_killer, disable_oom_killer;
		bool has_use_hierarchy, use_hierarchy;
		bool has_check_before_update, check_before_update;
	} memory;
	struct {
		struct opt_u64 shares, period, realtime_period, burst;
		struct opt_i64 quota, realtime_runtime, idle;
		char *cpus, *mems;
	} cpu;
	struct {
		struct opt_i64 limit;
	} pids;
	struct {
		bool has_weight, has_leaf_weight;
		uint16_t weight, leaf_weight;
		struct oci_weight_dev *weight_device;
		size_t n_weight_device;
		struct oci_throttle_dev *throttle_read_bps, *throttle_write_bps, *throttle_read_iops,
		    *throttle_write_iops;
		size_t n_throttle_read_bps, n_throttle_write_bps, n_throttle_read_iops, n_throttle_write_iops;
	} block_io;
	struct {
		char *page_size;
		uint64_t limit;
	} * hugepage_limits;
	size_t n_hugepage_limits;
	struct {
		bool has_class_id;
		uint32_t class_id;
		struct {
			char *name;
			uint32_t priority;
		} * priorities;
		size_t n_priorities;
	} network;
	struct {
		char *device;
		bool has_hca_handles, has_hca_objects;
		uint32_t hca_handles, hca_objects;
	} * rdma;
	size_t n_rdma;
	struct oci_kv *unified; /* linux.resources.unified: file name -> value */
	size_t n_unified;
};

/* seccomp: enums are owned by seccomp_bpf.h; the loader maps names with
 * bpf_action_from_name() etc. Kept as ints here so config.h stays small. */
struct oci_seccomp_arg {
	unsigned index; /* 0..5 */
	uint64_t value, value_two;
	int op; /* enum bpf_op */
};

struct oci_seccomp_rule {
	char **names;
	size_t n_names;
	int action; /* enum bpf_action */
	bool has_errno_ret;
	uint32_t errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	bool present;
	int default_action; /* enum bpf_action */
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	int *archs; /* enum bpf_arch */
	size_t n_archs;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* */
	char *listener_path, *listener_metadata;
	struct oci_seccomp_rule *syscalls;
	size_t n_syscalls;
};

struct oci_linux {
	struct oci_namespace ns[NS_COUNT];
	struct oci_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct {
		bool present;
		int64_t monotonic_secs, boottime_secs;
		uint32_t monotonic_nanosecs, boottime_nanosecs;
		bool has_monotonic, has_boottime;
	} time_offsets;
	struct oci_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct oci_resources resources;
	struct oci_kv *sysctl;
	size_t n_sysctl;
	struct oci_seccomp seccomp;
	unsigned long rootfs_propagation; /* MS_* or 0 when not set */
	char **masked_paths, **readonly_paths;
	size_t n_masked_paths, n_readonly_paths;
	bool has_masked_paths, has_readonly_paths;
	char *mount_label;
	bool has_personality;
	unsigned long personality; /* PER_LINUX / PER_LINUX32 */
	bool intel_rdt;            /* present: rejected at create with a message */
};

/* ---- hooks ---- */
enum hook_phase {
	HOOK_PRESTART,
	HOOK_CREATE_RUNTIME,
	HOOK_CREATE_CONTAINER,
	HOOK_START_CONTAINER,
	HOOK_POSTSTART,
	HOOK_STOP_CONTAINER, /* Raind extension */
	HOOK_POSTSTOP,
	HOOK_PHASE_COUNT
};

struct oci_hook {
	char *path;
	char **args; /* argv, argv0 first; may be empty (then argv0 = path) */
	size_t n_args;
	char **env;
	size_t n_env;
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

struct oci_hooks {
	struct oci_hook *hooks[HOOK_PHASE_COUNT];
	size_t n[HOOK_PHASE_COUNT];
};

/* ---- Raind annotations ---- */
struct raind_net {
	bool present;           /* io.raind.net.config given */
	char *host_interface;   /* name the peer is created with in the container ("eth0") */
	char *bridge_interface; /* "raind0" */
	char *if_name;          /* veth end that stays on the host ("rd_<id>") */
	char *address;          /* "10.166.0.2/24" (may be NULL) */
	char *gateway;          /* "10.166.0.254" (may be NULL) */
	char **dns;
	size_t n_dns;
};

struct raind_image {
	bool present;      /* io.raind.image.config given */
	char *rootfs_type; /* "overlay" */
	char **layers;     /* lowerdirs, top first as given */
	size_t n_layers;
	char *upper_dir, *work_dir;
};

/* ---- the whole config ---- */
struct oci_config {
	struct arena arena;
	char *oci_version;
	struct {
		char *path; /* as written (may be relative to the bundle) */
		bool readonly;
	} root;
	char *hostname, *domainname;
	struct oci_mount *mounts;
	size_t n_mounts;
	struct oci_process process;
	struct oci_linux linux;
	struct oci_hooks hooks;
	struct oci_kv *annotations;
	size_t n_annotations;
	struct raind_net net;
	struct raind_image image;
};

/* Load and validate "<bundle>/config.json" (or `path` itself when it names a
 * file). Error messages name the file and JSON path:
 *   config.json: process.args: must be a non-empty array of strings
 *   config.json: line 3, column 7: expected ',' or '}'
 * On error nothing is allocated (cfg is left zeroed). */
int config_load(const char *path, struct oci_config *cfg, struct derr *e);
/* Same from text already in memory; `name` is used in messages. */
int config_parse(const char *name, const char *text, size_t len, struct oci_config *cfg, struct derr *e);
/* Parse a process object alone (exec --process FILE). Allocates in cfg->arena. */
int config_load_process(const char *path, struct oci_config *cfg, struct oci_process *p, struct derr *e);
void config_free(struct oci_config *cfg);

/* Name tables shared with other modules */
const char *ns_type_name(enum ns_type t);       /* "pid", "network", "mount", ... (OCI names) */
int ns_type_from_name(const char *name);        /* -1 if unknown */
const char *hook_phase_name(enum hook_phase p); /* "prestart", "createRuntime", ... */
const char *config_annotation(const struct oci_config *cfg, const char *key);

#endif
