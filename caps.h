/* caps.h: capability names and applying process.capabilities. */
#ifndef DROPLET_CAPS_H
#define DROPLET_CAPS_H

#include "config.h"

#define CAPS_MAX 64
/* "CAP_CHOWN" -> 0 ... "CAP_CHECKPOINT_RESTORE" -> 40; -1 when unknown. */
int caps_from_name(const char *name);
/* 0 -> "CAP_CHOWN"; NULL when out of range. */
const char *caps_name(int cap);
/* Highest capability Droplet knows by name. */
int caps_known_last(void);

/* The running kernel's highest capability: /proc/sys/kernel/cap_last_cap,
 * else found by probing PR_CAPBSET_READ. Cached after the first call (call
 * it once before pivot_root so the cache is filled from the host's /proc).
 * Cannot fail. */
int caps_last_cap(void);

/* Apply p->caps in two steps around the caller's setgroups/setgid/setuid.
 * Caps in the config that the running kernel lacks (> caps_last_cap()) are
 * skipped with one warning each. Without p->caps.present every set ends up
 * empty (runc's behaviour with no capabilities field).
 *
 * caps_before_setuid: sets PR_SET_KEEPCAPS so the permitted set survives a
 * setuid to a non-zero uid, and drops every bounding cap not in the
 * bounding set (needs CAP_SETPCAP: call it while still privileged). Warns
 * about unknown names here, once.
 *
 * caps_after_setuid: clears KEEPCAPS, sets effective/permitted/inheritable
 * with capset (v3), then clears the ambient set and raises the configured
 * ambient caps. Fails naming the cap when permitted asks for a cap droplet
 * does not hold, effective is not within permitted, or an ambient cap is
 * not in both permitted and inheritable.
 *
 * Both return 0, or -1 with *e filled; a failure leaves the sets partly
 * applied (the caller is a child about to _exit). */
int caps_before_setuid(const struct oci_process *p, struct derr *e);
int caps_after_setuid(const struct oci_process *p, struct derr *e);
#endif
