/* sha256: SHA-256 (FIPS 180-4) of a generated LEN-byte buffer, as an edge
 * node does to check a firmware image or sign a telemetry batch.
 *
 * The buffer is fed in uneven chunks so that the streaming code path (partial
 * blocks carried between updates) runs, and the digests of its first 0..129
 * bytes exercise every padding case (55, 56, 63, 64, 119, 120 bytes…). The
 * dump holds the buffer's digest and the digest of those 130 digests;
 * kernels/apps_test.go recomputes both with Go's crypto/sha256. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define PREFIXES 130

typedef struct {
	uint32_t h[8];
	uint8_t block[64];
	uint32_t fill;  /* bytes waiting in block */
	uint64_t total; /* bytes hashed so far */
} sha256_ctx;

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* First 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint8_t buf[LEN];
static uint8_t digest[32], prefix_digests[PREFIXES * 32], prefix_digest[32];

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static uint32_t load_be32(const uint8_t *p) {
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void compress(uint32_t h[8], const uint8_t *p) {
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = load_be32(p + 4 * t);
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
		uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static void sha256_init(sha256_ctx *c) {
	memcpy(c->h, H0, sizeof H0);
	c->fill = 0;
	c->total = 0;
}

static void sha256_update(sha256_ctx *c, const uint8_t *p, uint32_t n) {
	c->total += n;
	if (c->fill > 0) {
		uint32_t take = 64 - c->fill < n ? 64 - c->fill : n;
		memcpy(c->block + c->fill, p, take);
		c->fill += take, p += take, n -= take;
		if (c->fill < 64)
			return;
		compress(c->h, c->block);
		c->fill = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		compress(c->h, p);
	memcpy(c->block, p, n);
	c->fill = n;
}

/* Padding: a 1 bit, zeros up to 56 mod 64 bytes, then the bit length. */
static void sha256_final(sha256_ctx *c, uint8_t out[32]) {
	uint64_t bits = c->total * 8;
	uint8_t pad[72] = {0x80};
	uint32_t zeros = (c->fill < 56 ? 56 : 120) - c->fill;
	for (int i = 0; i < 8; i++)
		pad[zeros + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(c, pad, zeros + 8);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t)(c->h[i] >> (24 - 8 * j));
}

static void sha256(const uint8_t *p, uint32_t n, uint8_t out[32]) {
	sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, out);
}

void kernel_init(void) {
	uint32_t x = 0x12345678u;
	for (uint32_t i = 0; i < LEN; i++) {
		x = x * 1664525u + 1013904223u;
		buf[i] = (uint8_t)(x >> 24);
	}
}

void kernel_run(void) {
	sha256_ctx c;
	sha256_init(&c);
	/* Chunks of 1..1021 bytes in a fixed, irregular order. */
	for (uint32_t pos = 0, i = 0; pos < LEN; i++) {
		uint32_t n = 1 + (i * 7919u) % 1021u;
		if (n > LEN - pos)
			n = LEN - pos;
		sha256_update(&c, buf + pos, n);
		pos += n;
	}
	sha256_final(&c, digest);
	for (uint32_t n = 0; n < PREFIXES; n++)
		sha256(buf, n < LEN ? n : LEN, prefix_digests + 32 * n);
	sha256(prefix_digests, sizeof prefix_digests, prefix_digest);
}

static void dump_hex(const char *name, const uint8_t d[32]) {
	dump_array_begin(name);
	fputc('\n', stderr);
	for (int i = 0; i < 32; i++)
		fprintf(stderr, "%02x", d[i]);
	dump_array_end(name);
}

void kernel_dump(void) {
	dump_begin();
	dump_hex("digest", digest);
	dump_hex("prefix_digests", prefix_digest);
	dump_end();
}
