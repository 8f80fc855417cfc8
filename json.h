/* json.h: a strict RFC 8259 JSON parser into an arena-backed tree, and a
 * writer. Knows nothing of OCI. */
#ifndef DROPLET_JSON_H
#define DROPLET_JSON_H

#include "common.h"

#define JSON_MAX_DEPTH 256
#define JSON_MAX_SIZE  (16u << 20) /* 16 MiB */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

/* How a number was written and what it holds exactly:
 * JSON_INT:    integral and fits int64 -> .i (and .d)
 * JSON_UINT:   integral, > INT64_MAX, <= UINT64_MAX -> .u (and .d)
 * JSON_DOUBLE: anything else (fraction, exponent, or out of 64-bit range) -> .d only */
enum json_numkind { JSON_INT, JSON_UINT, JSON_DOUBLE };

struct json_member;

struct json_value {
	enum json_type type;
	unsigned line, col; /* 1-based position of the value's first byte */
	union {
		bool b;
		struct {
			enum json_numkind kind;
			int64_t i;
			uint64_t u;
			double d;
		} num;
		struct {
			char *s; /* UTF-8, NUL-terminated (may contain embedded NULs from \u0000) */
			size_t len;
		} str;
		struct {
			struct json_value **items;
			size_t n;
		} arr;
		struct {
			struct json_member *members; /* in document order */
			size_t n;
		} obj;
	};
};

struct json_member {
	char *key;
	size_t key_len;
	struct json_value *value;
};

/* Parse len bytes of text. All nodes live in *a. On error returns NULL and
 * fills *e with "line L, column C: <reason>" (no file name; callers wrap).
 * Rejects: trailing garbage, invalid UTF-8, control characters in strings,
 * lone surrogates, leading zeros, depth > JSON_MAX_DEPTH, len > JSON_MAX_SIZE.
 * Duplicate keys are kept in the tree; json_get returns the LAST one
 * (the behaviour of Go's encoding/json, which runc uses). */
struct json_value *json_parse(struct arena *a, const char *text, size_t len, struct derr *e);

/* Object lookup by exact (case-sensitive) key; NULL when absent or when o is
 * not an object. The last duplicate wins. */
struct json_value *json_get(const struct json_value *o, const char *key);

const char *json_type_name(enum json_type t); /* "null", "boolean", "number", "string", "array", "object" */

/* True when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF). */
bool json_utf8_valid(const char *s, size_t n);

/* ---- writer ---- */
/* A growable output buffer that builds JSON text. Commas and (with indent)
 * newlines are inserted automatically. Memory errors exit (die_oom). */
struct json_writer {
	char *buf;
	size_t len, cap;
	int indent; /* 0 = compact, else spaces per level */
	int depth;
	bool need_comma; /* a value was written at this depth */
	bool after_key;  /* next value follows a key */
};

void jw_init(struct json_writer *w, int indent);
void jw_free(struct json_writer *w);
void jw_obj_begin(struct json_writer *w);
void jw_obj_end(struct json_writer *w);
void jw_arr_begin(struct json_writer *w);
void jw_arr_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_keyn(struct json_writer *w, const char *key, size_t n); /* key may hold NULs */
/* Strings are escaped as RFC 8259 requires; invalid UTF-8 is written as
 * U+FFFD so the output is always valid JSON. */
void jw_str(struct json_writer *w, const char *s); /* NULL writes null */
void jw_strn(struct json_writer *w, const char *s, size_t n);
void jw_int(struct json_writer *w, int64_t v);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_double(struct json_writer *w, double v); /* shortest round-trip form */
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* Write a whole parsed value (used for round trips and pass-through). */
void jw_value(struct json_writer *w, const struct json_value *v);
/* Take the text (NUL-terminated); the writer is reset. Caller frees. */
char *jw_take(struct json_writer *w, size_t *len);

#endif
