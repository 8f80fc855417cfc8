/* features.h: `droplet features`: what this build really supports, as the
 * runtime-spec features document. */
#ifndef DROPLET_FEATURES_H
#define DROPLET_FEATURES_H
#include <stdio.h>
void features_print(FILE *f);
#endif
