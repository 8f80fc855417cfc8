/* hooks.h: running OCI lifecycle hooks (and Raind's stopContainer). */
#ifndef DROPLET_HOOKS_H
#define DROPLET_HOOKS_H

#include "config.h"

/* Run one hook: fork + execve(h->path, h->args or {path}, h->env only),
 * with state_json (may be NULL: empty stdin) written to its stdin. Its
 * stdout and stderr are captured (never droplet's own stdio) and echoed at
 * debug level; every fd beyond 0-2 is closed in the hook. With a timeout
 * the hook's process group is killed after h->timeout seconds. SIGPIPE is
 * ignored while writing, so a hook that does not read stdin is fine.
 * Returns 0 when the hook exits 0, else -1 with *e set to one of
 *   hook prestart[0] failed: /nope: exec: No such file or directory
 *   hook poststop[1] failed: /h: exit 3: <last non-empty stderr line, else stdout's>
 *   hook poststart[0] failed: /h: killed by signal 9 (SIGKILL)
 *   hook createRuntime[0] failed: /h: timed out after 2s
 * `index` is only used in messages. */
int hook_run(const struct oci_hook *h, enum hook_phase phase, size_t index, const char *state_json, struct derr *e);

/* Run hs->hooks[phase][0..n) in order; stop at the first failure and
 * return -1 with its error. hs may be NULL (nothing to run). Whether a
 * failure is fatal is the caller's decision (OCI: prestart, createRuntime,
 * createContainer, startContainer are; poststart, stopContainer, poststop
 * are warnings). */
int hook_run_phase(const struct oci_hooks *hs, enum hook_phase phase, const char *state_json, struct derr *e);
#endif
