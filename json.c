/* json.c: strict RFC 8259 parser and writer (stub until implemented). */
#include "json.h"
