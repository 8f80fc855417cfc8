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
#endif
