/* lz77: LZ77 compression and decompression round trip of LEN bytes of
 * generated text, as an edge node does before shipping logs upstream.
 *
 * Greedy matching over a 64 KiB window with hash chains (at most CHAIN
 * candidates per position). Output format: groups of up to eight items after
 * a flag byte; flag bit i set means item i is a match (offset, 16 bits little
 * endian, then length-3 in one byte), clear means one literal byte. The dump
 * holds sizes, item counts, a checksum of the compressed stream and whether
 * decompression gave back the input exactly. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define WINDOW 65536u /* offsets 1..65535 */
#define HASH_BITS 15
#define MIN_MATCH 3
#define MAX_MATCH 258
#define CHAIN 32
#define WORDS 256

static uint8_t text[LEN], packed[LEN + LEN / 8 + 16], unpacked[LEN];
static int32_t head[1 << HASH_BITS], prev[WINDOW];
static uint32_t packed_len, literals, matches, match_bytes, roundtrip_ok, checksum;

static uint32_t rng_state;

static uint32_t rng(void) {
	rng_state = rng_state * 1664525u + 1013904223u;
	return rng_state >> 8;
}

/* A vocabulary of pronounceable words, then text drawn from it with a skew
 * towards the first words (like natural language) plus numbers and
 * punctuation, so that the input compresses roughly as log text does. */
void kernel_init(void) {
	static const char *syll[16] = {"ka", "to", "ri", "sen", "mo", "la", "ve", "dor",
	                               "in", "qu", "es", "tra", "pi", "lo", "na", "gu"};
	static char vocab[WORDS][16];
	rng_state = 2024u;
	for (int w = 0; w < WORDS; w++) {
		int n = 1 + rng() % 4, len = 0;
		for (int s = 0; s < n; s++)
			for (const char *p = syll[rng() % 16]; *p; p++)
				vocab[w][len++] = *p;
		vocab[w][len] = '\0';
	}
	uint32_t pos = 0;
	while (pos < LEN) {
		uint32_t r = rng();
		char word[16];
		const char *src = word;
		if (r % 29 == 0)
			snprintf(word, sizeof word, "%u", (unsigned)(r % 100000u));
		else if (r % 31 == 0)
			src = ".\n";
		else
			src = vocab[((r & 0xff) * ((r >> 8) & 0xff)) >> 8];
		for (; *src && pos < LEN; src++)
			text[pos++] = (uint8_t)*src;
		if (pos < LEN)
			text[pos++] = ' ';
	}
}

static uint32_t hash3(const uint8_t *p) {
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

static void insert(uint32_t i) {
	if (i + MIN_MATCH > LEN)
		return;
	uint32_t h = hash3(text + i);
	prev[i % WINDOW] = head[h];
	head[h] = (int32_t)i;
}

/* longest_match returns the longest earlier match for position i, or 0. */
static uint32_t longest_match(uint32_t i, uint32_t *offset) {
	uint32_t best = 0, limit = LEN - i < MAX_MATCH ? LEN - i : MAX_MATCH;
	if (limit < MIN_MATCH)
		return 0;
	int32_t cand = head[hash3(text + i)];
	for (int chain = CHAIN; cand >= 0 && i - (uint32_t)cand < WINDOW && chain > 0; chain--) {
		const uint8_t *a = text + cand, *b = text + i;
		if (a[best] == b[best]) {
			uint32_t n = 0;
			while (n < limit && a[n] == b[n])
				n++;
			if (n > best) {
				best = n, *offset = i - (uint32_t)cand;
				if (n == limit)
					break;
			}
		}
		cand = prev[(uint32_t)cand % WINDOW];
	}
	return best >= MIN_MATCH ? best : 0;
}

static void compress(void) {
	uint32_t out = 0, flag_at = 0, items = 8;
	memset(head, 0xff, sizeof head);
	literals = matches = match_bytes = 0;
	for (uint32_t i = 0; i < LEN;) {
		if (items == 8) {
			flag_at = out++;
			packed[flag_at] = 0;
			items = 0;
		}
		uint32_t offset = 0, n = longest_match(i, &offset);
		if (n > 0) {
			packed[flag_at] |= (uint8_t)(1u << items);
			packed[out++] = (uint8_t)offset;
			packed[out++] = (uint8_t)(offset >> 8);
			packed[out++] = (uint8_t)(n - MIN_MATCH);
			matches++, match_bytes += n;
		} else {
			packed[out++] = text[i];
			n = 1, literals++;
		}
		items++;
		for (uint32_t end = i + n; i < end; i++)
			insert(i);
	}
	packed_len = out;
}

/* decompress returns the number of bytes produced, or 0 on a corrupt stream. */
static uint32_t decompress(void) {
	uint32_t in = 0, out = 0;
	while (in < packed_len) {
		uint8_t flags = packed[in++];
		for (int item = 0; item < 8 && in < packed_len; item++) {
			if (!(flags >> item & 1)) {
				if (out >= LEN)
					return 0;
				unpacked[out++] = packed[in++];
				continue;
			}
			if (in + 3 > packed_len)
				return 0;
			uint32_t offset = packed[in] | (uint32_t)packed[in + 1] << 8, n = packed[in + 2] + MIN_MATCH;
			in += 3;
			if (offset == 0 || offset > out || n > LEN - out)
				return 0;
			for (uint32_t k = 0; k < n; k++, out++) /* byte by byte: matches may overlap */
				unpacked[out] = unpacked[out - offset];
		}
	}
	return out;
}

/* Adler-32-style checksum (sums modulo the largest prime below 2^16). */
static uint32_t sum32(const uint8_t *p, uint32_t n) {
	uint32_t a = 1, b = 0;
	for (uint32_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521u;
		b = (b + a) % 65521u;
	}
	return b << 16 | a;
}

void kernel_run(void) {
	compress();
	uint32_t n = decompress();
	roundtrip_ok = n == LEN && memcmp(unpacked, text, LEN) == 0;
	checksum = sum32(packed, packed_len);
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("summary");
	fprintf(stderr, "\ninput_bytes %u\ncompressed_bytes %u\nliterals %u\nmatches %u\nmatch_bytes %u\n",
	        (unsigned)LEN, (unsigned)packed_len, (unsigned)literals, (unsigned)matches, (unsigned)match_bytes);
	fprintf(stderr, "checksum %08x\nroundtrip_ok %u", (unsigned)checksum, (unsigned)roundtrip_ok);
	dump_array_end("summary");
	dump_end();
}
