/* fuzz_json.c: libFuzzer target for json.c. Parse; when the input is
 * accepted, write it compact, re-parse that text (it must be accepted) and
 * write again: both texts must be identical. The indented form must parse too. */
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *write_tree(const struct json_value *v, int indent, size_t *len)
{
	struct json_writer w;
	jw_init(&w, indent);
	jw_value(&w, v);
	return jw_take(&w, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct derr e;
	struct json_value *v = json_parse(&a, (const char *)data, size, &e);
	if (!v) {
		if (strncmp(e.msg, "line ", 5) != 0 && strncmp(e.msg, "document larger", 15) != 0)
			__builtin_trap();
		arena_free(&a);
		return 0;
	}
	size_t l1, l2, l3;
	char *t1 = write_tree(v, 0, &l1);
	struct json_value *v2 = json_parse(&a, t1, l1, &e);
	if (!v2)
		__builtin_trap();
	char *t2 = write_tree(v2, 0, &l2);
	if (l1 != l2 || memcmp(t1, t2, l1) != 0)
		__builtin_trap();
	char *t3 = write_tree(v2, 2, &l3);
	if (!json_parse(&a, t3, l3, &e))
		__builtin_trap();
	free(t1);
	free(t2);
	free(t3);
	arena_free(&a);
	return 0;
}
