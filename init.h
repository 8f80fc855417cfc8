/* init.h: the container's first process, from clone to exec. */
#ifndef DROPLET_INIT_H
#define DROPLET_INIT_H

#include "config.h"
#include "ns.h"
#include "seccomp_bpf.h"

struct init_args {
	const struct oci_config *cfg;
	const char *id, *bundle, *rootfs;
	const char *state_dir;
	int sync_fd;                   /* the init's end of the sync pair */
	int fifo_fd;                   /* O_PATH exec.fifo (create), -1 for run */
	int join_fds[NS_COUNT];        /* namespaces joined by path (user and pid done by the parent) */
	const struct bpf_program *bpf; /* NULL: no seccomp */
	const char *log_path;          /* Raind: stdout+stderr to this file, stdin /dev/null */
	bool tty;                      /* open a pty and pass its master to the parent */
	bool keep_pdeathsig;           /* run: die with droplet; create: outlive it */
	bool wait_go;                  /* maps or hooks first: wait for SYNC_GO (also when !*in_cgroup) */
	const bool *in_cgroup;         /* NULL: no cgroup; else whether our clone put us in it */
	int preserve_fds;
	bool new_userns, new_netns, new_pidns;
	bool joined_userns; /* cloned inside a user namespace joined by path */
	int *idmap_fds;     /* idmapped trees per mounts[] entry (idmap.c), or NULL */
};

/* Never returns: execs the container process or reports over sync and exits. */
_Noreturn void init_main(struct init_args *a);
#endif
