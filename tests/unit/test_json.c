/* test_json.c: the strict parser (grammar, numbers, strings, UTF-8, limits,
 * error texts) and the writer (escaping, doubles, indentation, round trips). */
#include "json.h"
#include "unit.h"

#include <math.h>
#include <time.h>

static struct arena A;
static struct derr E;

static struct json_value *P(const char *s)
{
	return json_parse(&A, s, strlen(s), &E);
}

static bool ok(const char *s)
{
	return P(s) != NULL;
}

/* Parse must fail with exactly this message. */
static bool fails(const char *s, const char *msg)
{
	if (P(s))
		return false;
	if (strcmp(E.msg, msg) != 0) {
		fprintf(stderr, "  input %s: got \"%s\", want \"%s\"\n", s, E.msg, msg);
		return false;
	}
	return true;
}

TEST(literals_and_containers)
{
	struct json_value *v = P(" {\"a\": [true, false, null, \"x\", {}, []]}\n");
	CHECK(v && v->type == JSON_OBJECT && v->obj.n == 1);
	struct json_value *a = json_get(v, "a");
	CHECK(a && a->type == JSON_ARRAY && a->arr.n == 6);
	CHECK(a->arr.items[0]->type == JSON_BOOL && a->arr.items[0]->b);
	CHECK(a->arr.items[1]->type == JSON_BOOL && !a->arr.items[1]->b);
	CHECK(a->arr.items[2]->type == JSON_NULL);
	CHECK_STR(a->arr.items[3]->str.s, "x");
	CHECK(a->arr.items[4]->type == JSON_OBJECT && a->arr.items[4]->obj.n == 0);
	CHECK(a->arr.items[5]->type == JSON_ARRAY && a->arr.items[5]->arr.n == 0);
	CHECK(json_get(v, "b") == NULL);
	CHECK(json_get(a, "a") == NULL);
	CHECK(ok("1") && ok("\"s\"") && ok("null") && ok(" \t\r\n[ ]\n"));
	CHECK_STR(json_type_name(JSON_BOOL), "boolean");
	CHECK_STR(json_type_name(JSON_OBJECT), "object");
}

TEST(positions)
{
	struct json_value *v = P("{\n  \"a\": 1,\n  \"b\": [2, 3]\n}");
	CHECK(v && v->line == 1 && v->col == 1);
	CHECK_INT(json_get(v, "a")->line, 2);
	CHECK_INT(json_get(v, "a")->col, 8);
	CHECK_INT(json_get(v, "b")->arr.items[1]->line, 3);
	CHECK_INT(json_get(v, "b")->arr.items[1]->col, 12);
}

TEST(syntax_errors)
{
	CHECK(fails("{\n  \"a\": 1,\n  \"b\" 2}", "line 3, column 7: expected ':'"));
	CHECK(fails("{\"a\": 1 \"b\": 2}", "line 1, column 9: expected ',' or '}'"));
	CHECK(fails("[1 2]", "line 1, column 4: expected ',' or ']'"));
	CHECK(fails("{\"a\":", "line 1, column 6: unexpected end of input"));
	CHECK(fails("", "line 1, column 1: unexpected end of input"));
	CHECK(fails("   ", "line 1, column 4: unexpected end of input"));
	CHECK(fails("[1,]", "line 1, column 4: unexpected character ']'"));
	CHECK(fails("{\"a\":1,}", "line 1, column 8: expected string key"));
	CHECK(fails("{a:1}", "line 1, column 2: expected string key"));
	CHECK(fails("[1] x", "line 1, column 5: trailing data after the document"));
	CHECK(fails("1 2", "line 1, column 3: trailing data after the document"));
	CHECK(fails("tru", "line 1, column 1: invalid literal"));
	CHECK(fails("True", "line 1, column 1: unexpected character 'T'"));
	CHECK(fails("nul", "line 1, column 1: invalid literal"));
	CHECK(fails("\xEF\xBB\xBF{}", "line 1, column 1: byte order mark is not allowed"));
	CHECK(fails("[\f1]", "line 1, column 2: unexpected byte 0x0c"));
	CHECK(fails("[\xc2\xa0"
	            "1]",
	            "line 1, column 2: unexpected byte 0xc2"));
	CHECK(fails("{\"a\":1}}", "line 1, column 8: trailing data after the document"));
	CHECK(fails("[1,\n\n   @]", "line 3, column 4: unexpected character '@'"));
	CHECK(!ok("/* c */ 1") && !ok("[1] // c") && !ok("'a'") && !ok("[NaN]") && !ok("[Infinity]"));
}

TEST(numbers_grammar)
{
	CHECK(ok("0") && ok("-0") && ok("1.5") && ok("-1.5e-3") && ok("1E+2") && ok("0.0") && ok("1e05"));
	CHECK(fails("01", "line 1, column 1: leading zero in number"));
	CHECK(fails("-01", "line 1, column 2: leading zero in number"));
	CHECK(fails("+1", "line 1, column 1: unexpected character '+'"));
	CHECK(fails(".5", "line 1, column 1: unexpected character '.'"));
	CHECK(fails("1.", "line 1, column 3: expected digit after '.'"));
	CHECK(fails("1.e3", "line 1, column 3: expected digit after '.'"));
	CHECK(fails("1e", "line 1, column 3: expected digit in exponent"));
	CHECK(fails("1e+", "line 1, column 4: expected digit in exponent"));
	CHECK(fails("-", "line 1, column 2: expected digit after '-'"));
	CHECK(fails("-a", "line 1, column 2: expected digit after '-'"));
	CHECK(fails("[1e400]", "line 1, column 2: number out of range"));
	CHECK(!ok("0x10") && !ok("1_000") && !ok("--1"));
}

TEST(numbers_kinds)
{
	struct json_value *v;
	v = P("18446744073709551615");
	CHECK(v && v->num.kind == JSON_UINT && v->num.u == UINT64_MAX);
	v = P("9223372036854775808");
	CHECK(v && v->num.kind == JSON_UINT && v->num.u == 9223372036854775808ull);
	v = P("9223372036854775807");
	CHECK(v && v->num.kind == JSON_INT && v->num.i == INT64_MAX);
	v = P("-9223372036854775808");
	CHECK(v && v->num.kind == JSON_INT && v->num.i == INT64_MIN && v->num.d == -9223372036854775808.0);
	v = P("-9223372036854775809");
	CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == -9223372036854775808.0);
	v = P("18446744073709551616");
	CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == 18446744073709551616.0);
	v = P("123456789012345678901234567890");
	CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == 1.2345678901234568e29);
	v = P("1e3");
	CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == 1000.0);
	v = P("1.0");
	CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == 1.0);
	v = P("-42");
	CHECK(v && v->num.kind == JSON_INT && v->num.i == -42 && v->num.d == -42.0);
	v = P("0");
	CHECK(v && v->num.kind == JSON_INT && v->num.i == 0);
	v = P("-0");
	CHECK(v && v->num.kind == JSON_INT && v->num.i == 0 && signbit(v->num.d));
	v = P("0.1");
	CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == 0.1);
	v = P("1e-400");
	CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == 0.0);
	v = P("4294967295");
	CHECK(v && v->num.kind == JSON_INT && v->num.i == 4294967295ll);
}

TEST(strings_escapes)
{
	struct json_value *v = P("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"");
	CHECK(v && v->str.len == 12);
	CHECK_STR(v->str.s, "a\"b\\c/d\b\f\n\r\t");
	v = P("\"\\u0041\\u00e9\\u20AC\"");
	CHECK_STR(v ? v->str.s : NULL, "A\xc3\xa9\xe2\x82\xac");
	v = P("\"\\uD83D\\uDE00\""); /* U+1F600 */
	CHECK_STR(v ? v->str.s : NULL, "\xf0\x9f\x98\x80");
	v = P("\"\\udbff\\udfff\""); /* U+10FFFF */
	CHECK_STR(v ? v->str.s : NULL, "\xf4\x8f\xbf\xbf");
	v = P("\"a\\u0000b\"");
	CHECK(v && v->str.len == 3 && v->str.s[1] == 0 && v->str.s[2] == 'b' && v->str.s[3] == 0);
	v = P("\"\"");
	CHECK(v && v->str.len == 0 && v->str.s && v->str.s[0] == 0);
	CHECK(fails("\"abc", "line 1, column 1: unterminated string"));
	CHECK(fails("[\"a\\", "line 1, column 2: unterminated string"));
	CHECK(fails("\"a\\qb\"", "line 1, column 3: invalid escape '\\q'"));
	CHECK(fails("\"\\x41\"", "line 1, column 2: invalid escape '\\x'"));
	CHECK(fails("\"\\u12G4\"", "line 1, column 2: invalid \\u escape"));
	CHECK(fails("\"\\u12\"", "line 1, column 2: invalid \\u escape"));
	CHECK(fails("\"\\uD800\"", "line 1, column 2: lone surrogate '\\uD800'"));
	CHECK(fails("\"x\\uDC00\"", "line 1, column 3: lone surrogate '\\uDC00'"));
	CHECK(fails("\"\\uD800\\u0041\"", "line 1, column 2: lone surrogate '\\uD800'"));
	CHECK(fails("\"\\uD800\\n\"", "line 1, column 2: lone surrogate '\\uD800'"));
	CHECK(fails("\"a\nb\"", "line 1, column 3: control character 0x0a in string"));
	CHECK(fails("\"a\tb\"", "line 1, column 3: control character 0x09 in string"));
	CHECK(!ok("\"\x1f\"") && ok("\"\x7f\""));
	CHECK(json_parse(&A, "\"a\0b\"", 5, &E) == NULL);
	CHECK_STR(E.msg, "line 1, column 3: control character 0x00 in string");
}

TEST(strings_utf8)
{
	CHECK(ok("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80\""));
	CHECK(fails("\"\xc0\xaf\"", "line 1, column 2: invalid UTF-8"));     /* overlong '/' */
	CHECK(fails("\"\xe0\x80\xaf\"", "line 1, column 2: invalid UTF-8")); /* overlong 3 */
	CHECK(fails("\"\xf0\x80\x80\xaf\"", "line 1, column 2: invalid UTF-8"));
	CHECK(fails("\"ab\xed\xa0\x80\"", "line 1, column 4: invalid UTF-8"));   /* U+D800 */
	CHECK(fails("\"\xf4\x90\x80\x80\"", "line 1, column 2: invalid UTF-8")); /* > U+10FFFF */
	CHECK(fails("\"\xf5\x80\x80\x80\"", "line 1, column 2: invalid UTF-8"));
	CHECK(fails("\"\xff\"", "line 1, column 2: invalid UTF-8"));
	CHECK(fails("\"\x80\"", "line 1, column 2: invalid UTF-8"));
	CHECK(fails("\"\xc3\"", "line 1, column 2: invalid UTF-8"));
	CHECK(fails("\"\xe2\x82\"", "line 1, column 2: invalid UTF-8"));
	CHECK(json_parse(&A, "\"\xe2\x82", 3, &E) == NULL); /* truncated at end */
	CHECK(json_utf8_valid("a\xc3\xa9", 3) && !json_utf8_valid("\xc3", 1) && json_utf8_valid("", 0));
}

TEST(duplicates_last_wins)
{
	struct json_value *v = P("{\"k\":1,\"j\":true,\"k\":2}");
	CHECK(v && v->obj.n == 3);
	CHECK_STR(v->obj.members[0].key, "k");
	CHECK_STR(v->obj.members[1].key, "j");
	CHECK_INT(json_get(v, "k")->num.i, 2);
	CHECK(json_get(v, "K") == NULL);
	v = P("{\"a\\u0000b\":1,\"a\":2}");
	CHECK(v && v->obj.members[0].key_len == 3);
	CHECK_INT(json_get(v, "a")->num.i, 2);
}

static char *nested(int depth, const char *open, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *s = xmalloc((size_t)depth * (lo + lc) + 2), *p = s;
	for (int i = 0; i < depth; i++, p += lo)
		memcpy(p, open, lo);
	*p++ = '1';
	for (int i = 0; i < depth; i++, p += lc)
		memcpy(p, close, lc);
	*p = 0;
	return s;
}

TEST(depth_limit)
{
	cleanup_free char *ok256 = nested(256, "[", "]");
	cleanup_free char *bad257 = nested(257, "[", "]");
	cleanup_free char *obj256 = nested(256, "{\"a\":", "}");
	cleanup_free char *obj257 = nested(257, "{\"a\":", "}");
	CHECK(ok(ok256));
	CHECK(fails(bad257, "line 1, column 257: nesting deeper than 256"));
	CHECK(ok(obj256));
	CHECK(!ok(obj257) && strstr(E.msg, "nesting deeper than 256"));
	cleanup_free char *deep = nested(100000, "[", "]");
	CHECK(!ok(deep));
}

TEST(size_limit)
{
	size_t n = JSON_MAX_SIZE + 1;
	cleanup_free char *s = xmalloc(n);
	memset(s, ' ', n);
	s[0] = '1';
	CHECK(json_parse(&A, s, n, &E) == NULL);
	CHECK_STR(E.msg, "document larger than 16777216 bytes");
	CHECK(json_parse(&A, s, n - 1, &E) != NULL);
}

TEST(big_array_fast)
{
	size_t n = 1 << 20, len = 0;
	cleanup_free char *s = xmalloc(n + 16);
	s[len++] = '[';
	while (len < n - 8)
		len += (size_t)sprintf(s + len, "%u,", (unsigned)(len % 1000));
	s[len++] = '0';
	s[len++] = ']';
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct json_value *v = json_parse(&A, s, len, &E);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	CHECK(v && v->type == JSON_ARRAY && v->arr.n > 200000);
	CHECK(ms < 2000);
	/* a big object too */
	struct json_writer w;
	jw_init(&w, 0);
	jw_obj_begin(&w);
	for (int i = 0; i < 100000; i++) {
		char k[16];
		snprintf(k, sizeof k, "k%d", i);
		jw_key(&w, k);
		jw_int(&w, i);
	}
	jw_obj_end(&w);
	size_t wl;
	cleanup_free char *t = jw_take(&w, &wl);
	v = json_parse(&A, t, wl, &E);
	CHECK(v && v->obj.n == 100000 && json_get(v, "k99999")->num.i == 99999);
}

static char *write_value(const struct json_value *v, int indent)
{
	struct json_writer w;
	jw_init(&w, indent);
	jw_value(&w, v);
	return jw_take(&w, NULL);
}

static bool equal(const struct json_value *a, const struct json_value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JSON_NULL:
		return true;
	case JSON_BOOL:
		return a->b == b->b;
	case JSON_NUMBER:
		return a->num.kind == b->num.kind && a->num.i == b->num.i && a->num.u == b->num.u &&
		       (a->num.d == b->num.d || (isnan(a->num.d) && isnan(b->num.d)));
	case JSON_STRING:
		return a->str.len == b->str.len && memcmp(a->str.s, b->str.s, a->str.len) == 0;
	case JSON_ARRAY:
		if (a->arr.n != b->arr.n)
			return false;
		for (size_t i = 0; i < a->arr.n; i++)
			if (!equal(a->arr.items[i], b->arr.items[i]))
				return false;
		return true;
	case JSON_OBJECT:
		if (a->obj.n != b->obj.n)
			return false;
		for (size_t i = 0; i < a->obj.n; i++) {
			const struct json_member *x = &a->obj.members[i], *y = &b->obj.members[i];
			if (x->key_len != y->key_len || memcmp(x->key, y->key, x->key_len) ||
			    !equal(x->value, y->value))
				return false;
		}
		return true;
	}
	return false;
}

static const char *const round_trip_docs[] = {
    "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\"],\"env\":[]},"
    "\"n\":[0,-1,18446744073709551615,-9223372036854775808,1.5,1e300,-0.0,0.1,1.0,5e-324,"
    "1.7976931348623157e308,123456789.125,18446744073709551616,2.5e-7],"
    "\"s\":\"\\u0000\\u001f\\u007f\\\\\\\"\\/\\b\\f\\n\\r\\t\xc3\xa9\xf0\x9f\x98\x80\\u2028\","
    "\"e\":{},\"a\":[],\"dup\":1,\"dup\":2,\"nest\":[[[{\"x\":[null,true,false]}]]]}",
    "[]",
    "\"just a string\"",
    "-12",
    "3.141592653589793",
};

TEST(round_trip)
{
	for (size_t i = 0; i < ARRAY_SIZE(round_trip_docs); i++) {
		struct json_value *v = P(round_trip_docs[i]);
		CHECK(v != NULL);
		if (!v)
			continue;
		for (int indent = 0; indent <= 4; indent += 2) {
			cleanup_free char *t1 = write_value(v, indent);
			struct json_value *v2 = P(t1);
			CHECK(v2 && equal(v, v2));
			if (!v2)
				continue;
			cleanup_free char *t2 = write_value(v2, indent);
			CHECK_STR(t1, t2);
		}
	}
}

TEST(writer_compact_and_indent)
{
	struct json_writer w;
	jw_init(&w, 0);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_arr_begin(&w);
	jw_int(&w, 1);
	jw_str(&w, "x");
	jw_null(&w);
	jw_arr_end(&w);
	jw_key(&w, "e");
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_key(&w, "f");
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_key(&w, "b");
	jw_bool(&w, true);
	jw_key(&w, "s");
	jw_str(&w, NULL);
	jw_obj_end(&w);
	size_t len;
	cleanup_free char *t = jw_take(&w, &len);
	CHECK_STR(t, "{\"a\":[1,\"x\",null],\"e\":{},\"f\":[],\"b\":true,\"s\":null}");
	CHECK_INT(len, strlen(t));
	cleanup_free char *empty = jw_take(&w, &len);
	CHECK_STR(empty, "");
	CHECK_INT(len, 0);

	jw_init(&w, 2);
	jw_obj_begin(&w);
	jw_key(&w, "a");
	jw_arr_begin(&w);
	jw_int(&w, 1);
	jw_uint(&w, UINT64_MAX);
	jw_arr_end(&w);
	jw_key(&w, "o");
	jw_obj_begin(&w);
	jw_key(&w, "k");
	jw_str(&w, "v");
	jw_obj_end(&w);
	jw_key(&w, "e");
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	cleanup_free char *t2 = jw_take(&w, NULL);
	CHECK_STR(t2, "{\n  \"a\": [\n    1,\n    18446744073709551615\n  ],\n  \"o\": {\n    \"k\": \"v\"\n  },\n"
	              "  \"e\": []\n}");
	jw_init(&w, 2);
	jw_str(&w, "x");
	jw_free(&w);
	CHECK(w.buf == NULL && w.len == 0);
}

static char *write_str(const char *s, size_t n)
{
	struct json_writer w;
	jw_init(&w, 0);
	jw_strn(&w, s, n);
	return jw_take(&w, NULL);
}

TEST(writer_escaping)
{
	cleanup_free char *a = write_str("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f", 14);
	CHECK_STR(a, "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"");
	cleanup_free char *b = write_str("a\0b", 3);
	CHECK_STR(b, "\"a\\u0000b\"");
	cleanup_free char *c = write_str("\xc3\xa9\xf0\x9f\x98\x80", 6);
	CHECK_STR(c, "\"\xc3\xa9\xf0\x9f\x98\x80\"");
	cleanup_free char *d = write_str("x\xff\xc0\xafy\xed\xa0\x80", 8); /* invalid -> U+FFFD */
	CHECK(d && json_utf8_valid(d, strlen(d)));
	CHECK(P(d) != NULL);
	struct json_writer w;
	jw_init(&w, 0);
	jw_obj_begin(&w);
	jw_keyn(&w, "k\0\n", 3);
	jw_int(&w, -5);
	jw_obj_end(&w);
	cleanup_free char *k = jw_take(&w, NULL);
	CHECK_STR(k, "{\"k\\u0000\\n\":-5}");
}

static char *write_double(double d)
{
	struct json_writer w;
	jw_init(&w, 0);
	jw_double(&w, d);
	return jw_take(&w, NULL);
}

TEST(writer_doubles)
{
	static const struct {
		double d;
		const char *want;
	} cases[] = {
	    {0.1, "0.1"},
	    {1.5, "1.5"},
	    {1.0, "1.0"},
	    {-0.0, "-0.0"},
	    {100.0, "100.0"},
	    {1e300, "1e+300"},
	    {1e16, "1e+16"},
	    {-123.0, "-123.0"},
	    {9007199254740993.0, "9007199254740992.0"},
	    {5e-324, "5e-324"},
	    {1.7976931348623157e308, "1.7976931348623157e+308"},
	    {0.30000000000000004, "0.30000000000000004"},
	    {123456789.125, "123456789.125"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *t = write_double(cases[i].d);
		CHECK_STR(t, cases[i].want);
		struct json_value *v = P(t);
		CHECK(v && v->num.kind == JSON_DOUBLE && v->num.d == cases[i].d);
	}
	cleanup_free char *n1 = write_double(NAN);
	cleanup_free char *n2 = write_double(INFINITY);
	cleanup_free char *n3 = write_double(-INFINITY);
	CHECK_STR(n1, "null");
	CHECK_STR(n2, "null");
	CHECK_STR(n3, "null");
	/* many random doubles round trip exactly */
	uint64_t x = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double d;
		memcpy(&d, &x, sizeof d);
		if (!isfinite(d))
			continue;
		cleanup_free char *t = write_double(d);
		struct json_value *v = P(t);
		CHECK(v && v->num.d == d);
		arena_free(&A);
	}
}

int main(void)
{
	RUN(literals_and_containers);
	RUN(positions);
	RUN(syntax_errors);
	RUN(numbers_grammar);
	RUN(numbers_kinds);
	RUN(strings_escapes);
	RUN(strings_utf8);
	RUN(duplicates_last_wins);
	RUN(depth_limit);
	RUN(size_limit);
	RUN(big_array_fast);
	RUN(round_trip);
	RUN(writer_compact_and_indent);
	RUN(writer_escaping);
	RUN(writer_doubles);
	arena_free(&A);
	UNIT_DONE();
}
