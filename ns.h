/* ns.h: the eight namespaces: clone flags, joining by path, id maps. */
#ifndef DROPLET_NS_H
#define DROPLET_NS_H

#include "config.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct ns_info {
	enum ns_type type;
	int flag;         /* CLONE_NEW* */
	const char *proc; /* name under /proc/PID/ns/ */
};

const struct ns_info *ns_info(enum ns_type t);
/* CLONE_NEW* flags of the namespaces the config creates (present, no path). */
unsigned long ns_new_flags(const struct oci_linux *l);
/* Open every namespace path the config joins; fds[t] = -1 where none (or
 * where it is the namespace we are in already).
 * Each must be a namespace of the right type ("linux.namespaces: path
 * \"/x\": not a network namespace"). On error nothing stays open. */
int ns_open_joins(const struct oci_linux *l, int fds[NS_COUNT], struct derr *e);
void ns_close_joins(int fds[NS_COUNT]);
/* fd is a namespace of type t that this process is already in (joining it
 * is then a no-op: `nsenter -U -- droplet create` into the owner's userns). */
bool ns_is_current(int fd, enum ns_type t);
/* setns into fds[t] for the given type (no-op when -1). */
int ns_join(int fds[NS_COUNT], enum ns_type t, struct derr *e);
/* Write /proc/PID/{setgroups,uid_map,gid_map}. */
int ns_write_idmaps(pid_t pid, const struct oci_linux *l, struct derr *e);
/* Write /proc/self/timens_offsets (after unshare(CLONE_NEWTIME)). */
int ns_write_time_offsets(const struct oci_linux *l, struct derr *e);
/* Open /proc/PID/ns/<type> of another process (for exec). */
int ns_open_pid(pid_t pid, enum ns_type t, struct derr *e);
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
/* Fork-like clone (no new stack) with CLONE_NEW* flags, straight into the
 * cgroup of cgroup_fd (clone3 CLONE_INTO_CGROUP) when >= 0. *in_cgroup says
 * whether that happened; on kernels without it the caller must write
 * cgroup.procs. Returns the pid, 0 in the child, -1 with errno. */
pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *in_cgroup);
/* ns_clone from inside the user namespace user_fd, so that every namespace
 * in flags (pid included) is owned by it, and a time namespace in flags is
 * made there with l's offsets; pid_fd (or -1) is the pid namespace to join.
 * A short-lived helper enters the cgroup of cgroup_fd (or -1) first, joins
 * the namespaces and clones with CLONE_PARENT: the child is still ours, and
 * its pid is the one in our pid namespace, so the caller must not have
 * joined another pid namespace for its children. *in_cgroup as for
 * ns_clone. Returns the pid, 0 in the child (already in the user
 * namespace), -1 with e set. */
pid_t ns_clone_in_user(int user_fd, int pid_fd, int cgroup_fd, unsigned long flags, const struct oci_linux *l,
                       bool *in_cgroup, struct derr *e);
#endif
