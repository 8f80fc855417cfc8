/* state.h: a container's state.json: write atomically, read back and
 * recompute the status from the live process (guarding against pid reuse). */
#ifndef DROPLET_STATE_H
#define DROPLET_STATE_H

#include "config.h"
#include "json.h"

enum cstatus { CS_CREATING, CS_CREATED, CS_RUNNING, CS_PAUSED, CS_STOPPED };

struct cstate {
	struct arena arena;
	char *id;
	enum cstatus status;
	pid_t pid;
	unsigned long long start_time; /* field 22 of /proc/PID/stat */
	char *bundle, *rootfs;
	pid_t shim_pid;   /* Raind monitor/shim, 0 when none */
	char *created;    /* RFC 3339 */
	char *cgroup;     /* absolute cgroup dir, NULL when none */
	char *cgroup_rel; /* relative to the cgroup2 root */
	bool raind;       /* started the Raind way (monitor) */
	bool has_exit;
	int exit_code;
	char *reason, *message; /* "Exited|Signaled|OOMKilled|Error" */
	struct oci_kv *annotations;
	size_t n_annotations;
};

const char *state_status_name(enum cstatus s);
/* An id is [A-Za-z0-9][A-Za-z0-9_.-]*, at most 1024 bytes. */
int state_check_id(const char *id, struct derr *e);
/* "<root>/<id>", root from --root, $RAIND_ROOT_DIR or /etc/raind/container. */
const char *state_root(const char *opt_root);
/* The OCI state JSON plus the contract's fields. private_fields adds what
 * only droplet reads back (startTime, cgroup, raind, created). Caller frees. */
char *state_render(const struct cstate *s, bool private_fields, int indent);
int state_save(const char *dir, const struct cstate *s, struct derr *e);
/* Load <dir>/state.json and recompute status. ENOENT -> "container \"id\" does not exist". */
int state_load(const char *dir, const char *id, struct cstate *s, struct derr *e);
void state_refresh(struct cstate *s, const char *dir);
void state_free(struct cstate *s);
/* 0 when the process is gone or a zombie. */
unsigned long long proc_start_time(pid_t pid);
/* Take an exclusive flock on dir; returns the fd. */
int state_lock(const char *dir, struct derr *e);
/* Fill exit fields from a wait status. */
void state_set_exit(struct cstate *s, int wstatus);
#endif
