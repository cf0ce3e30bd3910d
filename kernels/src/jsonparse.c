/* jsonparse: tokenise, validate and query a generated JSON document of about
 * LEN bytes, as an edge gateway does with sensor and configuration messages.
 *
 * The document is an array of sensor records (numbers, escaped strings,
 * booleans, nulls, nested objects and arrays, irregular whitespace). The
 * parser is iterative with an explicit stack and writes one token per value
 * or key into a token array (memory-bound, branchy); a second pass walks the
 * tokens to answer queries (sums of ids and temperatures, active sensors, a
 * hash of every unescaped string). Numbers are kept in fixed point
 * (thousandths) so every runtime must agree to the bit. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define MAX_RECORD 1024 /* bytes one generated record may take */
#define MAX_TOKENS (LEN / 4 + 16) /* generated records average 7.5 bytes a token */
#define MAX_DEPTH 64

enum { T_OBJECT, T_ARRAY, T_KEY, T_STRING, T_NUMBER, T_TRUE, T_FALSE, T_NULL, T_KINDS };

typedef struct {
	uint32_t start, len; /* the token's bytes in doc */
	int32_t parent;      /* index of the enclosing object or array, -1 at top */
	uint8_t kind;
} token;

static char doc[LEN + 1];
static uint32_t doc_len;
static token tokens[MAX_TOKENS];
static uint32_t ntokens, max_depth, error_at; /* error_at: 0, or 1 + offset of the first bad byte */
static uint32_t kind_count[T_KINDS], active, string_hash;
static int64_t id_sum, temp_sum_milli, reading_sum;

static uint32_t rng_state;

static uint32_t rng(void) {
	rng_state = rng_state * 1664525u + 1013904223u;
	return rng_state >> 8;
}

/* --- generator ---------------------------------------------------------- */

static void put(const char *s) {
	while (*s)
		doc[doc_len++] = *s++;
}

static void space(void) {
	static const char ws[] = {' ', ' ', '\n', '\t'};
	for (uint32_t n = rng() % 3; n > 0; n--)
		doc[doc_len++] = ws[rng() % 4];
}

static void put_int(int64_t v) {
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)v);
	put(s);
}

/* put_fixed writes milli/1000 with up to three decimals, e.g. -12.75. */
static void put_fixed(int32_t milli) {
	if (milli < 0)
		doc[doc_len++] = '-', milli = -milli;
	put_int(milli / 1000);
	int frac = milli % 1000, digits = 3;
	for (; digits > 0 && frac % 10 == 0; digits--)
		frac /= 10;
	if (digits > 0) {
		char s[8];
		snprintf(s, sizeof s, ".%0*d", digits, frac);
		put(s);
	}
}

static void put_string(int escapes) {
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz-_ 0123456789";
	static const char *esc[] = {"\\\"", "\\\\", "\\n", "\\t", "\\u00e9", "\\/"};
	doc[doc_len++] = '"';
	for (uint32_t n = 3 + rng() % 20; n > 0; n--) {
		uint32_t r = rng();
		if (escapes && r % 13 == 0)
			put(esc[r / 13 % 6]);
		else
			doc[doc_len++] = letters[r % (sizeof letters - 1)];
	}
	doc[doc_len++] = '"';
}

static void put_key(const char *k) {
	space();
	put(k);
	space();
	doc[doc_len++] = ':';
	space();
}

static void put_record(uint32_t id) {
	doc[doc_len++] = '{';
	put_key("\"id\"");
	put_int(id);
	put(",");
	put_key("\"name\"");
	put_string(1);
	put(",");
	put_key("\"active\"");
	put(rng() % 3 ? "true" : "false");
	put(",");
	put_key("\"temp\"");
	put_fixed((int32_t)(rng() % 120000) - 40000);
	put(",");
	put_key("\"tags\"");
	put("[");
	for (uint32_t n = rng() % 4, i = 0; i < n; i++) {
		if (i)
			put(",");
		space();
		put_string(0);
	}
	put("],");
	put_key("\"pos\"");
	put("{\"lat\":");
	put_fixed((int32_t)(rng() % 180000) - 90000);
	put(",\"lon\":");
	put_fixed((int32_t)(rng() % 360000) - 180000);
	put(",\"alt\":");
	put(rng() % 4 ? "null" : "0");
	put("},");
	put_key("\"readings\"");
	put("[");
	for (uint32_t n = 1 + rng() % 16, i = 0; i < n; i++) {
		if (i)
			put(", ");
		put_int((int64_t)(rng() % 20000) - 10000);
	}
	put("]");
	space();
	put("}");
}

void kernel_init(void) {
	rng_state = 99u;
	doc_len = 0;
	put("[");
	for (uint32_t id = 1; doc_len + MAX_RECORD + 2 < LEN; id++) {
		if (id > 1)
			put(",\n");
		put_record(id);
	}
	put("]\n");
	doc[doc_len] = '\0';
}

/* --- parser ------------------------------------------------------------- */

static uint32_t skip_space(uint32_t i) {
	while (i < doc_len && (doc[i] == ' ' || doc[i] == '\n' || doc[i] == '\t' || doc[i] == '\r'))
		i++;
	return i;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* scan_string returns the offset after the closing quote of the string that
 * starts at i, or 0 if it is malformed. */
static uint32_t scan_string(uint32_t i) {
	for (i++; i < doc_len; i++) {
		char c = doc[i];
		if (c == '"')
			return i + 1;
		if ((unsigned char)c < 0x20)
			return 0;
		if (c != '\\')
			continue;
		c = doc[++i];
		if (c == 'u') {
			for (int k = 1; k <= 4; k++)
				if (!is_hex(doc[i + k]))
					return 0;
			i += 4;
		} else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
			return 0;
		}
	}
	return 0;
}

/* scan_number returns the offset after the number that starts at i, or 0. */
static uint32_t scan_number(uint32_t i) {
	if (doc[i] == '-')
		i++;
	if (doc[i] == '0')
		i++;
	else if (is_digit(doc[i]))
		while (is_digit(doc[i]))
			i++;
	else
		return 0;
	if (doc[i] == '.') {
		if (!is_digit(doc[++i]))
			return 0;
		while (is_digit(doc[i]))
			i++;
	}
	if (doc[i] == 'e' || doc[i] == 'E') {
		i++;
		if (doc[i] == '+' || doc[i] == '-')
			i++;
		if (!is_digit(doc[i]))
			return 0;
		while (is_digit(doc[i]))
			i++;
	}
	return i;
}

static int push_token(uint8_t kind, uint32_t start, uint32_t end, int32_t parent) {
	if (ntokens == MAX_TOKENS)
		return 0;
	tokens[ntokens++] = (token){start, end - start, parent, kind};
	kind_count[kind]++;
	return 1;
}

/* parse fills tokens; it returns 0 on success or 1 + the offset of the
 * first byte that breaks the grammar. */
static uint32_t parse(void) {
	int32_t stack[MAX_DEPTH]; /* token index of each open container */
	int depth = 0, want_key = 0, need_value = 1;
	uint32_t i = skip_space(0);
	while (i < doc_len) {
		char c = doc[i];
		int32_t parent = depth ? stack[depth - 1] : -1;
		uint32_t end = 0;
		if (!need_value) { /* after a value: a comma or a closing bracket */
			if (depth == 0)
				return i + 1;
			char close = tokens[parent].kind == T_OBJECT ? '}' : ']';
			if (c == ',') {
				need_value = 1, want_key = tokens[parent].kind == T_OBJECT;
				i = skip_space(i + 1);
				continue;
			}
			if (c != close)
				return i + 1;
			tokens[parent].len = i + 1 - tokens[parent].start;
			depth--;
			i = skip_space(i + 1);
			continue;
		}
		if (want_key) {
			if (c != '"' || !(end = scan_string(i)) || !push_token(T_KEY, i, end, parent))
				return i + 1;
			i = skip_space(end);
			if (doc[i] != ':')
				return i + 1;
			want_key = 0;
			i = skip_space(i + 1);
			continue;
		}
		if (c == '{' || c == '[') {
			if (depth == MAX_DEPTH || !push_token(c == '{' ? T_OBJECT : T_ARRAY, i, i + 1, parent))
				return i + 1;
			stack[depth++] = (int32_t)ntokens - 1;
			if ((uint32_t)depth > max_depth)
				max_depth = (uint32_t)depth;
			want_key = c == '{';
			i = skip_space(i + 1);
			if (doc[i] == (c == '{' ? '}' : ']')) /* empty: let the closing branch take it */
				want_key = 0, need_value = 0;
			continue;
		}
		uint8_t kind;
		if (c == '"')
			kind = T_STRING, end = scan_string(i);
		else if (c == '-' || is_digit(c))
			kind = T_NUMBER, end = scan_number(i);
		else if (strncmp(doc + i, "true", 4) == 0)
			kind = T_TRUE, end = i + 4;
		else if (strncmp(doc + i, "false", 5) == 0)
			kind = T_FALSE, end = i + 5;
		else if (strncmp(doc + i, "null", 4) == 0)
			kind = T_NULL, end = i + 4;
		else
			return i + 1;
		if (!end || !push_token(kind, i, end, parent))
			return i + 1;
		need_value = 0;
		i = skip_space(end);
	}
	return depth || need_value ? doc_len + 1 : 0;
}

/* --- queries ------------------------------------------------------------ */

/* milli converts a number token to thousandths, truncating extra decimals. */
static int64_t milli(const token *t) {
	const char *p = doc + t->start;
	int neg = *p == '-';
	int64_t v = 0;
	int decimals = -1;
	for (p += neg; p < doc + t->start + t->len && *p != 'e' && *p != 'E'; p++) {
		if (*p == '.')
			decimals = 0;
		else if (decimals < 3)
			v = v * 10 + (*p - '0'), decimals += decimals >= 0;
	}
	for (decimals = decimals < 0 ? 0 : decimals; decimals < 3; decimals++)
		v *= 10;
	return neg ? -v : v;
}

/* hash_string folds a string token's unescaped bytes into an FNV-1a hash. */
static uint32_t hash_string(uint32_t h, const token *t) {
	const char *p = doc + t->start + 1, *end = doc + t->start + t->len - 1;
	while (p < end) {
		unsigned c = (unsigned char)*p++;
		if (c == '\\') {
			c = (unsigned char)*p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'r': c = '\r'; break;
			case 'u':
				c = 0;
				for (int k = 0; k < 4; k++, p++)
					c = c * 16 + (is_digit(*p) ? *p - '0' : (*p | 0x20) - 'a' + 10);
				break;
			}
		}
		h = (h ^ (c & 0xff)) * 16777619u;
		if (c > 0xff)
			h = (h ^ (c >> 8)) * 16777619u;
	}
	return h;
}

static int key_is(const token *t, const char *name) {
	uint32_t n = (uint32_t)strlen(name);
	return t->len == n + 2 && memcmp(doc + t->start + 1, name, n) == 0;
}

static void query(void) {
	id_sum = temp_sum_milli = reading_sum = 0;
	active = 0;
	string_hash = 2166136261u;
	for (uint32_t k = 0; k < ntokens; k++) {
		const token *t = &tokens[k];
		if (t->kind == T_STRING || t->kind == T_KEY)
			string_hash = hash_string(string_hash, t);
		if (t->kind == T_NUMBER && t->parent >= 0 && tokens[t->parent].kind == T_ARRAY)
			reading_sum += milli(t) / 1000;
		if (t->kind != T_KEY || k + 1 == ntokens)
			continue;
		const token *v = &tokens[k + 1];
		if (key_is(t, "id") && v->kind == T_NUMBER)
			id_sum += milli(v) / 1000;
		else if (key_is(t, "temp") && v->kind == T_NUMBER)
			temp_sum_milli += milli(v);
		else if (key_is(t, "active") && v->kind == T_TRUE)
			active++;
	}
}

void kernel_run(void) {
	ntokens = max_depth = 0;
	memset(kind_count, 0, sizeof kind_count);
	error_at = parse();
	query();
}

void kernel_dump(void) {
	static const char *names[T_KINDS] = {"objects", "arrays", "keys", "strings", "numbers", "trues", "falses", "nulls"};
	dump_begin();
	dump_array_begin("summary");
	fprintf(stderr, "\nbytes %u\ntokens %u\n", (unsigned)doc_len, (unsigned)ntokens);
	for (int k = 0; k < T_KINDS; k++)
		fprintf(stderr, "%s %u\n", names[k], (unsigned)kind_count[k]);
	fprintf(stderr, "max_depth %u\nerror_at %u\nid_sum %lld\ntemp_sum_milli %lld\nreading_sum %lld\nactive %u\n",
	        (unsigned)max_depth, (unsigned)error_at, (long long)id_sum, (long long)temp_sum_milli,
	        (long long)reading_sum, (unsigned)active);
	fprintf(stderr, "string_hash %08x", (unsigned)string_hash);
	dump_array_end("summary");
	dump_end();
}
