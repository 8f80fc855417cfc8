/* idmap.h: idmapped mounts (the idmap and ridmap mount options), prepared by
 * the parent before the init is cloned; the init attaches them (mounts.c). */
#ifndef DROPLET_IDMAP_H
#define DROPLET_IDMAP_H

#include "config.h"

/* For each idmap/ridmap bind mount of cfg: a detached copy of its source
 * (recursive for rbind or ridmap; relative sources are under bundle),
 * idmapped (recursively for ridmap) with the mount's uidMappings and
 * gidMappings, else with those of the container's user namespace, and made
 * private (slave under a slave or shared rootfsPropagation).
 * *fds becomes a malloc'd array indexed like cfg->mounts, -1 for the other
 * mounts, or NULL when there is no idmapped mount; every fd is O_CLOEXEC.
 * Returns 0, or -1 with *e set ("mounts[2] \"/data\": idmap: mount_setattr:
 * Invalid argument (...)") and nothing left open or running. */
int idmap_prepare(const struct oci_config *cfg, const char *bundle, int **fds, struct derr *e);

/* Close and free what idmap_prepare made (n = cfg->n_mounts); *fds = NULL. */
void idmap_close(int **fds, size_t n);

#endif
