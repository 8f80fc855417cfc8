/* container.h: the lifecycle commands, each one call from the CLI glue. */
#ifndef DROPLET_CONTAINER_H
#define DROPLET_CONTAINER_H

#include "config.h"
#include "state.h"

struct create_opts {
	const char *root; /* state root (resolved) */
	const char *id;
	const char *bundle; /* NULL: Raind layout (<root>/<id> with config.json, else cwd) */
	const char *pid_file;
	const char *console_socket;
	bool raind;       /* Raind front door: monitor process, logs/ */
	bool tty;         /* Raind -t / run -t: force a terminal */
	bool interactive; /* run -i: stdin stays attached */
	bool detach;      /* run -d */
	int preserve_fds;
	int listen_fds; /* $LISTEN_FDS: socket activation, passed after the preserved fds */
};

int container_create(const struct create_opts *o, struct derr *e);
int container_start(const char *root, const char *id, struct derr *e);
/* Returns the container's exit code (128+N for a signal), or -1 with *e. */
int container_run(const struct create_opts *o, struct derr *e);

/* runc's "container process state" JSON that a seccomp agent receives at
 * linux.seccomp.listenerPath with the listener fd. Caller frees. */
char *seccomp_listener_message(const struct oci_seccomp *sc, pid_t pid, const char *state);

/* lifecycle.c */
int container_state_dir(const char *root, const char *id, char *out, size_t n, struct derr *e);
int container_kill(const char *root, const char *id, const char *signal, bool all, struct derr *e);
/* TERM, wait up to grace seconds, then KILL; waits until it is gone. */
int container_stop(const char *root, const char *id, int grace, struct derr *e);
int container_delete(const char *root, const char *id, bool force, struct derr *e);
int container_state(const char *root, const char *id, struct derr *e);
int container_list(const char *root, const char *format, bool quiet, struct derr *e);
int container_ps(const char *root, const char *id, const char *format, struct derr *e);
int container_pause(const char *root, const char *id, bool pause, struct derr *e);
int container_update(const char *root, const char *id, int argc, char **argv, struct derr *e);
int container_events(const char *root, const char *id, bool stats, int interval, struct derr *e);
/* Undo a container on the host: processes, cgroup, veth, poststop hooks
 * (when cfg given), state files and the state dir. Keeps the first error. */
int container_cleanup(const char *dir, struct cstate *st, const struct oci_config *cfg, struct derr *e);
struct cg;
/* Load <root>/<id>/state.json under the container's lock (*lock to close). */
int container_open(const char *root, const char *id, char *dir, size_t n, int *lock, struct cstate *s, struct derr *e);
/* Open the container's cgroup recorded in its state. */
int container_cg_open(const struct cstate *s, struct cg *cg, struct derr *e);
/* Wait until pid (not our child) is gone or timeout_ms passes; 1 gone, 0 not. */
int wait_pid_gone(pid_t pid, unsigned long long start_time, int timeout_ms);

/* exec.c */
struct exec_opts {
	const char *root, *id;
	const char *process_file; /* --process */
	char **argv;              /* command when no --process */
	int argc;
	char **env; /* --env, repeatable */
	int n_env;
	const char *cwd, *user; /* --cwd, --user uid[:gid] */
	const char *pid_file, *console_socket;
	bool tty, detach, interactive;
	int preserve_fds;
	bool raind; /* Raind `exec` form: logs/exec.log, returns at once */
};
int container_exec(const struct exec_opts *o, struct derr *e);
#endif
