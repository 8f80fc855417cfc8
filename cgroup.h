/* cgroup.h: a container's cgroup on the unified (v2) hierarchy, by plain
 * file writes: create, apply linux.resources, enter, freeze, list, destroy.
 * On a hybrid host (cgroup2 at /sys/fs/cgroup/unified with few or no
 * controllers) the cgroup still exists, so freeze/kill/ps work and device
 * rules (eBPF, cgroup_devices.c) are enforced; limits whose controller is
 * missing are reported in one warning line. On a v1-only host
 * there is no cgroup: cg->dirfd stays -1 and every call is a no-op (freeze
 * and pids fail). */
#ifndef DROPLET_CGROUP_H
#define DROPLET_CGROUP_H

#include "common.h"
#include "config.h"

struct json_writer;

struct cg {
	char root[256];  /* the cgroup2 mount ("/sys/fs/cgroup"), "" when none */
	char rel[4096];  /* below root: "raind/c1" */
	char path[4352]; /* root + "/" + rel, "" when no cgroup2 */
	int dirfd;       /* O_PATH|O_DIRECTORY of path (clone3 CLONE_INTO_CGROUP), -1 when none */
	bool created;    /* cg_create made the leaf directory */
};

/* The cgroup2 mount point: /sys/fs/cgroup when it is cgroup2, else
 * /sys/fs/cgroup/unified, else the first cgroup2 in mountinfo; "" when the
 * host has none (returns 0 then too). */
int cg_detect_root(char *out, size_t n, struct derr *e);

/* Create (or reuse an existing, process-free) cgroup for container id at
 * cgroups_path (linux.cgroupsPath; NULL = "raind/<id>"), enable controllers
 * in the ancestors and apply r. On error everything this call created is
 * removed and cg->dirfd is -1. */
int cg_create(struct cg *cg, const char *cgroups_path, const char *id, const struct oci_resources *r, struct derr *e);
/* Write r's files. Limits whose controller is unavailable are skipped with
 * one warning line; linux.resources.unified keys and kernel-rejected values
 * are errors. update: enable controllers first (for `droplet update`). */
int cg_apply(const struct cg *cg, const struct oci_resources *r, bool update, struct derr *e);
/* Move pid into the cgroup (cgroup.procs). */
int cg_enter(const struct cg *cg, pid_t pid, struct derr *e);
/* Kill what is left (cgroup.kill, else SIGKILL per pid), wait for
 * "populated 0" (bounded), remove the directory and any child cgroups,
 * close dirfd. A cgroup already gone is not an error. Parents stay. */
int cg_destroy(struct cg *cg, struct derr *e);
/* Locate an existing cgroup (for state/pause/ps/delete). ENOENT when missing. */
int cg_open(struct cg *cg, const char *cgroups_path, const char *id, struct derr *e);
/* Close dirfd without touching the cgroup. */
void cg_close(struct cg *cg);
/* cgroup.freeze, then wait (bounded) until cgroup.events says frozen 1/0. */
int cg_freeze(const struct cg *cg, bool frozen, struct derr *e);
/* 1 frozen, 0 not, -1 unknown (no cgroup, or no freezer). */
int cg_is_frozen(const struct cg *cg);
/* The pids in cgroup.procs, malloc'd (caller frees *pids). */
int cg_pids(const struct cg *cg, pid_t **pids, size_t *n, struct derr *e);
/* {"cpu":{"usage":{"total","user","kernel"}},"memory":{"usage":{"usage","limit"}},
 *  "pids":{"current","limit"}}: only what the files provide. Returns 0. */
int cg_stats_json(const struct cg *cg, struct json_writer *w);

/* ---- pure helpers, exported for the unit tests ---- */
/* One file write computed from linux.resources. */
struct cg_setting {
	char *file; /* "memory.max", "io.max", "hugetlb.2MB.max" */
	char *value;
	const char *alt_file; /* written instead when file does not exist */
	char *alt_value;
	const char *oci; /* OCI field it came from, for messages */
	bool unified;    /* linux.resources.unified: must be written */
};
struct cg_settings {
	struct cg_setting *v;
	size_t n;
};
/* Turn r into the list of writes, in a fixed order. Config errors (a swap
 * limit without a memory limit, bad unified names) fail here. */
int cg_settings_build(const struct oci_resources *r, struct cg_settings *s, struct derr *e);
void cg_settings_free(struct cg_settings *s);
/* linux.cgroupsPath (or NULL) -> "raind/c1" below the cgroup2 root. */
int cg_resolve_path(const char *cgroups_path, const char *id, char *out, size_t n, struct derr *e);
/* cpu.shares (2..262144) -> cpu.weight (1..10000); 0 stays 0 (unset). */
uint64_t cg_shares_to_weight(uint64_t shares);
/* blkio weight (10..1000) -> io.weight (1..10000); 0 stays 0. */
uint64_t cg_blkio_to_io_weight(uint64_t weight);
/* Controller bit for a file name ("memory.max" -> memory), 0 for core files. */
unsigned cg_controller_of(const char *file);

/* ---- linux.resources.devices as eBPF (cgroup_devices.c) ---- */
struct bpf_insn;
struct cg_dev_prog {
	struct bpf_insn *insn; /* malloc'd */
	size_t n;
};
/* Compile the rules into a BPF_PROG_TYPE_CGROUP_DEVICE program (returns 1
 * allow, 0 deny): the last matching rule wins, then runc's implicit allows
 * (mknod of anything; null, zero, full, random, urandom, tty, console, ptmx,
 * pts, tun); no match denies. Fails only on too many rules (p->insn NULL). */
int cg_dev_compile(const struct oci_device_cgroup *rules, size_t n, struct cg_dev_prog *p, struct derr *e);
void cg_dev_free(struct cg_dev_prog *p);
/* Compile, load (the verifier's reason on a refusal) and attach to cg with
 * BPF_F_ALLOW_MULTI, then detach the programs attached before (update). */
int cg_dev_apply(const struct cg *cg, const struct oci_device_cgroup *rules, size_t n, struct derr *e);

#endif
