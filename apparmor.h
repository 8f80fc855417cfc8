/* apparmor.h: AppArmor exec profiles, and the checked procfs open that
 * every write to /proc/self/... should go through. */
#ifndef DROPLET_APPARMOR_H
#define DROPLET_APPARMOR_H

#include "common.h"

/* 1 when /sys/module/apparmor/parameters/enabled reads "Y", else 0. */
int apparmor_enabled(void);

/* Make the next execve(2) switch to AppArmor `profile`: writes
 * "exec <profile>" to /proc/self/attr/apparmor/exec (or /proc/self/attr/exec
 * on kernels without the per-LSM directory). A NULL or empty profile does
 * nothing. On a host without AppArmor fails with
 *   apparmor profile "x": AppArmor is not enabled on this host
 * Returns 0, or -1 with *e filled. */
int apparmor_exec_profile(const char *profile, struct derr *e);

/* Open a file under /proc ("/proc/..." absolute path) so that a container
 * cannot redirect the access (CVE-2025-52881 class): always O_NOFOLLOW and
 * O_CLOEXEC added to flags; resolved from /proc without crossing a mount
 * (a bind mount over a procfs file fails with EXDEV) where openat2 exists;
 * the result checked with fstatfs to be on procfs. Returns the fd, or -1
 * with *e filled ("open \"/proc/...\": <reason>"). */
int proc_open_checked(const char *path, int flags, struct derr *e);
#endif
