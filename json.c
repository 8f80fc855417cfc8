/* json.c: a strict RFC 8259 parser into an arena-backed tree, and a writer.
 * Knows nothing of OCI. The parser is recursive (depth <= JSON_MAX_DEPTH);
 * array items and object members of every level share two scratch stacks
 * that grow geometrically and are copied into the arena when a container
 * closes, so nothing is quadratic. */
#include "json.h"

#include <inttypes.h>
#include <math.h>

struct parser {
	struct arena *a;
	const char *start, *p, *end;
	const char *line_start; /* first byte of the current line */
	unsigned line;
	struct derr *e;
	struct json_value **vals; /* scratch: items of all open arrays */
	size_t n_vals, cap_vals;
	struct json_member *mems; /* scratch: members of all open objects */
	size_t n_mems, cap_mems;
	char *sbuf; /* scratch: the string being decoded */
	size_t slen, scap;
};

/* ---- UTF-8 ---- */

/* Well-formed UTF-8 lead bytes (RFC 3629 table 3-7): the range of the
 * lead byte, the sequence length and the range of the second byte. This
 * excludes overlongs, surrogates and code points above U+10FFFF. */
static const struct {
	unsigned char lo, hi, len, lo2, hi2;
} utf8_leads[] = {
    {0xC2, 0xDF, 2, 0x80, 0xBF}, {0xE0, 0xE0, 3, 0xA0, 0xBF}, {0xE1, 0xEC, 3, 0x80, 0xBF}, {0xED, 0xED, 3, 0x80, 0x9F},
    {0xEE, 0xEF, 3, 0x80, 0xBF}, {0xF0, 0xF0, 4, 0x90, 0xBF}, {0xF1, 0xF3, 4, 0x80, 0xBF}, {0xF4, 0xF4, 4, 0x80, 0x8F},
};

/* Length of the well-formed sequence at s (n bytes available), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(utf8_leads); i++) {
		if (s[0] < utf8_leads[i].lo || s[0] > utf8_leads[i].hi)
			continue;
		size_t len = utf8_leads[i].len;
		if (n < len || s[1] < utf8_leads[i].lo2 || s[1] > utf8_leads[i].hi2)
			return 0;
		for (size_t k = 2; k < len; k++)
			if ((s[k] & 0xC0) != 0x80)
				return 0;
		return len;
	}
	return 0;
}

bool json_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(u + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

static size_t utf8_encode(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- parser helpers ---- */

/* Report an error at byte `at`: "line L, column C: reason". Columns count
 * bytes from 1. Errors happen once, so the position is found by a scan. */
static void *perr(struct parser *P, const char *at, const char *fmt, ...) PRINTF(3, 4);
static void *perr(struct parser *P, const char *at, const char *fmt, ...)
{
	char reason[256];
	unsigned line = 1;
	const char *ls = P->start;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	for (const char *s = P->start; s < at; s++)
		if (*s == '\n') {
			line++;
			ls = s + 1;
		}
	derr_set(P->e, 0, "line %u, column %u: %s", line, (unsigned)(at - ls) + 1, reason);
	return NULL;
}

static void *err_unexpected(struct parser *P)
{
	if (P->p >= P->end)
		return perr(P, P->p, "unexpected end of input");
	unsigned char c = (unsigned char)*P->p;
	if (c > 0x20 && c < 0x7F)
		return perr(P, P->p, "unexpected character '%c'", c);
	return perr(P, P->p, "unexpected byte 0x%02x", c);
}

static void skip_ws(struct parser *P)
{
	while (P->p < P->end) {
		char c = *P->p;
		if (c == '\n') {
			P->line++;
			P->line_start = P->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		P->p++;
	}
}

static void *grow(void *buf, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return buf;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	*cap = c;
	return xrealloc(buf, c * elem);
}

static void sbuf_put(struct parser *P, const char *s, size_t n)
{
	P->sbuf = grow(P->sbuf, &P->scap, P->slen + n + 1, 1);
	memcpy(P->sbuf + P->slen, s, n);
	P->slen += n;
}

static struct json_value *new_value(struct parser *P, enum json_type t)
{
	struct json_value *v = arena_alloc(P->a, sizeof *v);
	v->type = t;
	v->line = P->line;
	v->col = (unsigned)(P->p - P->line_start) + 1;
	return v;
}

/* ---- strings ---- */

static int hex4(const char *s, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	if (end - s < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* P->p is at the 'u' of "\uXXXX"; esc points at the backslash. */
static int parse_uescape(struct parser *P, const char *esc)
{
	uint32_t cp, lo;
	char out[4];
	if (hex4(P->p + 1, P->end, &cp) < 0)
		return perr(P, esc, "invalid \\u escape"), -1;
	P->p += 5;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return perr(P, esc, "lone surrogate '%.6s'", esc), -1;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (P->end - P->p < 6 || P->p[0] != '\\' || P->p[1] != 'u' || hex4(P->p + 2, P->end, &lo) < 0 ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return perr(P, esc, "lone surrogate '%.6s'", esc), -1;
		P->p += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	sbuf_put(P, out, utf8_encode(out, cp));
	return 0;
}

static const char escape_from[] = "\"\\/bfnrt";
static const char escape_to[] = "\"\\/\b\f\n\r\t";

static int parse_escape(struct parser *P, const char *open)
{
	const char *esc = P->p++;
	if (P->p >= P->end)
		return perr(P, open, "unterminated string"), -1;
	char c = *P->p;
	if (c == 'u')
		return parse_uescape(P, esc);
	const char *hit = c ? strchr(escape_from, c) : NULL;
	if (!hit) {
		if ((unsigned char)c > 0x20 && (unsigned char)c < 0x7F)
			return perr(P, esc, "invalid escape '\\%c'", c), -1;
		return perr(P, esc, "invalid escape"), -1;
	}
	sbuf_put(P, &escape_to[hit - escape_from], 1);
	P->p++;
	return 0;
}

static bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* P->p is at the opening quote. The decoded string goes to the arena. */
static int parse_string(struct parser *P, char **out, size_t *out_len)
{
	const char *open = P->p++;
	P->slen = 0;
	for (;;) {
		const char *q = P->p;
		while (q < P->end && plain_byte((unsigned char)*q))
			q++;
		sbuf_put(P, P->p, (size_t)(q - P->p));
		P->p = q;
		if (q >= P->end)
			return perr(P, open, "unterminated string"), -1;
		unsigned char c = (unsigned char)*q;
		if (c == '"')
			break;
		if (c == '\\') {
			if (parse_escape(P, open) < 0)
				return -1;
			continue;
		}
		if (c < 0x20)
			return perr(P, q, "control character 0x%02x in string", c), -1;
		size_t l = utf8_seq((const unsigned char *)q, (size_t)(P->end - q));
		if (!l)
			return perr(P, q, "invalid UTF-8"), -1;
		sbuf_put(P, q, l);
		P->p += l;
	}
	P->p++;
	*out = arena_strndup(P->a, P->sbuf ? P->sbuf : "", P->slen);
	*out_len = P->slen;
	return 0;
}

/* ---- numbers ---- */

static bool is_digit(const char *q, const char *end)
{
	return q < end && *q >= '0' && *q <= '9';
}

/* Exact integer path: digits [s, e), negative if neg. False when the value
 * does not fit (the caller then goes through strtod). */
static bool integer_value(struct json_value *v, const char *s, const char *e, bool neg)
{
	uint64_t m = 0;
	for (; s < e; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (m > (UINT64_MAX - d) / 10)
			return false;
		m = m * 10 + d;
	}
	if (neg && m > (uint64_t)INT64_MAX + 1)
		return false;
	if (neg) {
		v->num.kind = JSON_INT;
		v->num.i = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
		v->num.d = m ? (double)v->num.i : -0.0;
	} else if (m <= INT64_MAX) {
		v->num.kind = JSON_INT;
		v->num.i = (int64_t)m;
		v->num.d = (double)m;
	} else {
		v->num.kind = JSON_UINT;
		v->num.u = m;
		v->num.d = (double)m;
	}
	return true;
}

static struct json_value *double_value(struct parser *P, struct json_value *v, const char *s, const char *e)
{
	char small[128];
	size_t n = (size_t)(e - s);
	cleanup_free char *big = n < sizeof small ? NULL : xmalloc(n + 1);
	char *buf = big ? big : small;
	memcpy(buf, s, n);
	buf[n] = 0;
	v->num.kind = JSON_DOUBLE;
	v->num.d = strtod(buf, NULL);
	if (isinf(v->num.d))
		return perr(P, s, "number out of range");
	return v;
}

static struct json_value *parse_number(struct parser *P)
{
	struct json_value *v = new_value(P, JSON_NUMBER);
	const char *s = P->p, *q = s, *end = P->end;
	bool neg = *q == '-', integral = true;
	q += neg;
	if (!is_digit(q, end))
		return perr(P, q, "expected digit after '-'");
	if (*q == '0' && is_digit(q + 1, end))
		return perr(P, q, "leading zero in number");
	while (is_digit(q, end))
		q++;
	const char *int_end = q;
	if (q < end && *q == '.') {
		integral = false;
		if (!is_digit(++q, end))
			return perr(P, q, "expected digit after '.'");
		while (is_digit(q, end))
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		integral = false;
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (!is_digit(q, end))
			return perr(P, q, "expected digit in exponent");
		while (is_digit(q, end))
			q++;
	}
	P->p = q;
	if (integral && integer_value(v, s + neg, int_end, neg))
		return v;
	return double_value(P, v, s, q);
}

/* ---- values ---- */

static struct json_value *parse_value(struct parser *P, int depth);

static const struct {
	const char *word;
	enum json_type type;
	bool b;
} literals[] = {{"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, false}};

static struct json_value *parse_literal(struct parser *P)
{
	size_t avail = (size_t)(P->end - P->p);
	for (size_t i = 0; i < ARRAY_SIZE(literals); i++) {
		size_t n = strlen(literals[i].word);
		if (avail >= n && memcmp(P->p, literals[i].word, n) == 0) {
			struct json_value *v = new_value(P, literals[i].type);
			v->b = literals[i].b;
			P->p += n;
			return v;
		}
	}
	return perr(P, P->p, "invalid literal");
}

/* After a container's element: skip to ',' (more) or the closer (done).
 * Returns 1 for more, 0 for done, -1 on error. */
static int next_or_close(struct parser *P, char closer, const char *what)
{
	skip_ws(P);
	if (P->p >= P->end)
		return err_unexpected(P), -1;
	if (*P->p == ',') {
		P->p++;
		return 1;
	}
	if (*P->p == closer) {
		P->p++;
		return 0;
	}
	return perr(P, P->p, "expected ',' or '%s'", what), -1;
}

static bool open_container(struct parser *P, int depth)
{
	if (depth >= JSON_MAX_DEPTH) {
		perr(P, P->p, "nesting deeper than %d", JSON_MAX_DEPTH);
		return false;
	}
	P->p++;
	skip_ws(P);
	return true;
}

static struct json_value *parse_array(struct parser *P, int depth)
{
	struct json_value *v = new_value(P, JSON_ARRAY);
	size_t base = P->n_vals;
	int more = 1;
	if (!open_container(P, depth))
		return NULL;
	if (P->p < P->end && *P->p == ']') {
		P->p++;
		more = 0;
	}
	while (more > 0) {
		struct json_value *item = parse_value(P, depth + 1);
		if (!item)
			return NULL;
		P->vals = grow(P->vals, &P->cap_vals, P->n_vals + 1, sizeof *P->vals);
		P->vals[P->n_vals++] = item;
		more = next_or_close(P, ']', "]");
	}
	if (more < 0)
		return NULL;
	v->arr.n = P->n_vals - base;
	v->arr.items = arena_alloc(P->a, v->arr.n * sizeof *v->arr.items);
	if (v->arr.n)
		memcpy(v->arr.items, P->vals + base, v->arr.n * sizeof *v->arr.items);
	P->n_vals = base;
	return v;
}

static int parse_member(struct parser *P, int depth)
{
	struct json_member m;
	skip_ws(P);
	if (P->p >= P->end)
		return err_unexpected(P), -1;
	if (*P->p != '"')
		return perr(P, P->p, "expected string key"), -1;
	if (parse_string(P, &m.key, &m.key_len) < 0)
		return -1;
	skip_ws(P);
	if (P->p >= P->end)
		return err_unexpected(P), -1;
	if (*P->p != ':')
		return perr(P, P->p, "expected ':'"), -1;
	P->p++;
	m.value = parse_value(P, depth + 1);
	if (!m.value)
		return -1;
	P->mems = grow(P->mems, &P->cap_mems, P->n_mems + 1, sizeof *P->mems);
	P->mems[P->n_mems++] = m;
	return 0;
}

static struct json_value *parse_object(struct parser *P, int depth)
{
	struct json_value *v = new_value(P, JSON_OBJECT);
	size_t base = P->n_mems;
	int more = 1;
	if (!open_container(P, depth))
		return NULL;
	if (P->p < P->end && *P->p == '}') {
		P->p++;
		more = 0;
	}
	while (more > 0) {
		if (parse_member(P, depth) < 0)
			return NULL;
		more = next_or_close(P, '}', "}");
	}
	if (more < 0)
		return NULL;
	v->obj.n = P->n_mems - base;
	v->obj.members = arena_alloc(P->a, v->obj.n * sizeof *v->obj.members);
	if (v->obj.n)
		memcpy(v->obj.members, P->mems + base, v->obj.n * sizeof *v->obj.members);
	P->n_mems = base;
	return v;
}

static struct json_value *parse_value(struct parser *P, int depth)
{
	struct json_value *v;
	skip_ws(P);
	if (P->p >= P->end)
		return err_unexpected(P);
	switch (*P->p) {
	case '{':
		return parse_object(P, depth);
	case '[':
		return parse_array(P, depth);
	case '"':
		v = new_value(P, JSON_STRING);
		return parse_string(P, &v->str.s, &v->str.len) < 0 ? NULL : v;
	case 't':
	case 'f':
	case 'n':
		return parse_literal(P);
	case '-':
	case '0' ... '9':
		return parse_number(P);
	default:
		return err_unexpected(P);
	}
}

struct json_value *json_parse(struct arena *a, const char *text, size_t len, struct derr *e)
{
	struct parser P = {.a = a, .start = text, .p = text, .end = text + len, .line_start = text, .line = 1, .e = e};
	struct json_value *v = NULL;
	if (len > JSON_MAX_SIZE) {
		derr_set(e, 0, "document larger than %u bytes", JSON_MAX_SIZE);
		return NULL;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		perr(&P, text, "byte order mark is not allowed");
	else
		v = parse_value(&P, 0);
	if (v) {
		skip_ws(&P);
		if (P.p < P.end)
			v = perr(&P, P.p, "trailing data after the document");
	}
	free(P.vals);
	free(P.mems);
	free(P.sbuf);
	return v;
}

struct json_value *json_get(const struct json_value *o, const char *key)
{
	if (!o || o->type != JSON_OBJECT)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = o->obj.n; i-- > 0;) {
		const struct json_member *m = &o->obj.members[i];
		if (m->key_len == n && memcmp(m->key, key, n) == 0)
			return m->value;
	}
	return NULL;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = {
	    [JSON_NULL] = "null",     [JSON_BOOL] = "boolean", [JSON_NUMBER] = "number",
	    [JSON_STRING] = "string", [JSON_ARRAY] = "array",  [JSON_OBJECT] = "object",
	};
	if ((unsigned)t >= ARRAY_SIZE(names))
		return "unknown";
	return names[t];
}

/* ---- writer ---- */

void jw_init(struct json_writer *w, int indent)
{
	memset(w, 0, sizeof *w);
	w->indent = indent;
}

void jw_free(struct json_writer *w)
{
	free(w->buf);
	jw_init(w, w->indent);
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	w->buf = grow(w->buf, &w->cap, w->len + n + 1, 1);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = 0;
}

static void put_c(struct json_writer *w, char c)
{
	put(w, &c, 1);
}

static void newline_indent(struct json_writer *w)
{
	static const char spaces[] = "                                ";
	if (!w->indent)
		return;
	put_c(w, '\n');
	for (size_t n = (size_t)w->depth * (size_t)w->indent; n > 0;) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		put(w, spaces, k);
		n -= k;
	}
}

static void before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->need_comma)
		put_c(w, ',');
	if (w->depth > 0)
		newline_indent(w);
}

static void begin(struct json_writer *w, char c)
{
	before_value(w);
	put_c(w, c);
	w->depth++;
	w->need_comma = false;
}

static void end(struct json_writer *w, char c)
{
	w->depth--;
	if (w->need_comma)
		newline_indent(w);
	put_c(w, c);
	w->need_comma = true;
}

void jw_obj_begin(struct json_writer *w)
{
	begin(w, '{');
}
void jw_obj_end(struct json_writer *w)
{
	end(w, '}');
}
void jw_arr_begin(struct json_writer *w)
{
	begin(w, '[');
}
void jw_arr_end(struct json_writer *w)
{
	end(w, ']');
}

/* Escaped and quoted. Invalid UTF-8 is replaced by U+FFFD so that the
 * output is always valid JSON. */
static void put_string(struct json_writer *w, const char *s, size_t n)
{
	static const char short_esc[] = "\"\\\b\f\n\r\t", short_name[] = "\"\\bfnrt";
	const unsigned char *u = (const unsigned char *)s;
	put_c(w, '"');
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && plain_byte(u[j]))
			j++;
		put(w, s + i, j - i);
		if ((i = j) >= n)
			break;
		const char *hit = u[i] ? memchr(short_esc, u[i], sizeof short_esc - 1) : NULL;
		size_t l = utf8_seq(u + i, n - i);
		char tmp[8];
		if (hit) {
			tmp[0] = '\\';
			tmp[1] = short_name[hit - short_esc];
			put(w, tmp, 2);
		} else if (u[i] < 0x20) {
			snprintf(tmp, sizeof tmp, "\\u%04x", u[i]);
			put(w, tmp, 6);
		} else if (l) {
			put(w, s + i, l);
			i += l - 1;
		} else {
			put(w, "\xEF\xBF\xBD", 3);
		}
		i++;
	}
	put_c(w, '"');
}

void jw_keyn(struct json_writer *w, const char *key, size_t n)
{
	if (w->need_comma)
		put_c(w, ',');
	newline_indent(w);
	put_string(w, key, n);
	put(w, ": ", w->indent ? 2 : 1);
	w->after_key = true;
}

void jw_key(struct json_writer *w, const char *key)
{
	jw_keyn(w, key, strlen(key));
}

static void put_scalar(struct json_writer *w, const char *s, size_t n)
{
	before_value(w);
	put(w, s, n);
	w->need_comma = true;
}

void jw_strn(struct json_writer *w, const char *s, size_t n)
{
	before_value(w);
	put_string(w, s, n);
	w->need_comma = true;
}

void jw_str(struct json_writer *w, const char *s)
{
	if (!s)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

void jw_int(struct json_writer *w, int64_t v)
{
	char b[32];
	put_scalar(w, b, (size_t)snprintf(b, sizeof b, "%" PRId64, v));
}

void jw_uint(struct json_writer *w, uint64_t v)
{
	char b[32];
	put_scalar(w, b, (size_t)snprintf(b, sizeof b, "%" PRIu64, v));
}

/* Shortest "%.Ng" that reads back as the same double (integral values
 * below 1e16 in full); ".0" is appended to forms without '.' or 'e' so the
 * value re-parses as a JSON_DOUBLE. */
void jw_double(struct json_writer *w, double v)
{
	char b[40];
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	if (fabs(v) < 1e16 && (double)(int64_t)v == v) {
		snprintf(b, sizeof b - 2, "%.0f", v); /* exact, and reads better than 1e+02 */
	} else {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(b, sizeof b - 2, "%.*g", prec, v);
			if (strtod(b, NULL) == v)
				break;
		}
	}
	if (!strpbrk(b, ".e"))
		strcat(b, ".0");
	put_scalar(w, b, strlen(b));
}

void jw_bool(struct json_writer *w, bool v)
{
	put_scalar(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct json_writer *w)
{
	put_scalar(w, "null", 4);
}

static void jw_number(struct json_writer *w, const struct json_value *v)
{
	switch (v->num.kind) {
	case JSON_INT:
		jw_int(w, v->num.i);
		break;
	case JSON_UINT:
		jw_uint(w, v->num.u);
		break;
	default:
		jw_double(w, v->num.d);
	}
}

void jw_value(struct json_writer *w, const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL:
		jw_null(w);
		break;
	case JSON_BOOL:
		jw_bool(w, v->b);
		break;
	case JSON_NUMBER:
		jw_number(w, v);
		break;
	case JSON_STRING:
		jw_strn(w, v->str.s, v->str.len);
		break;
	case JSON_ARRAY:
		jw_arr_begin(w);
		for (size_t i = 0; i < v->arr.n; i++)
			jw_value(w, v->arr.items[i]);
		jw_arr_end(w);
		break;
	case JSON_OBJECT:
		jw_obj_begin(w);
		for (size_t i = 0; i < v->obj.n; i++) {
			jw_keyn(w, v->obj.members[i].key, v->obj.members[i].key_len);
			jw_value(w, v->obj.members[i].value);
		}
		jw_obj_end(w);
		break;
	}
}

char *jw_take(struct json_writer *w, size_t *len)
{
	char *r = w->buf ? w->buf : xstrdup("");
	if (len)
		*len = w->len;
	w->buf = NULL;
	jw_init(w, w->indent);
	return r;
}
