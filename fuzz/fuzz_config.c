/* fuzz_config.c: config_parse on arbitrary bytes must either succeed or fail
 * with a message, never crash, leak or read out of bounds. */
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_config cfg;
	struct derr e;
	if (config_parse("config.json", (const char *)data, size, &cfg, &e) == 0)
		config_free(&cfg);
	else if (!e.msg[0] || cfg.arena.head)
		__builtin_trap();
	return 0;
}
