/* imgpipe: the front end of a camera pipeline on an edge node. FRAMES frames
 * of W×H RGB pass through grayscale conversion (with a per-frame exposure
 * gain), a 5×5 Gaussian blur (binomial 1 4 6 4 1, separable), Sobel
 * gradients (|gx|+|gy|) and a threshold to a binary edge map.
 *
 * All arithmetic is on small integers, so every runtime must agree to the
 * bit. Borders replicate the nearest pixel. The dump holds edge counts per
 * frame, a gradient histogram, an 8×8 grid of edge counts of the last frame
 * and a checksum of every edge map. */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

#define THRESHOLD 96
#define GRID 8
#define BINS 16 /* of width 16; the last one is open */

static uint8_t rgb[H][W][3], gray[H][W], blurred[H][W], edges[H][W];
static uint16_t row_blur[H][W], magnitude[H][W];
static uint32_t edge_count[FRAMES], histogram[BINS], grid[GRID][GRID], checksum;

static uint32_t rng_state;

static uint32_t rng(void) {
	rng_state = rng_state * 1664525u + 1013904223u;
	return rng_state >> 8;
}

static uint8_t clamp255(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

/* A scene: a diagonal colour gradient, rectangles and discs of random colour
 * (the "objects"), and a little sensor noise. */
void kernel_init(void) {
	rng_state = 7u;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			rgb[y][x][0] = (uint8_t)(x * 200 / W + 20);
			rgb[y][x][1] = (uint8_t)(y * 180 / H + 30);
			rgb[y][x][2] = (uint8_t)((x + y) * 120 / (W + H) + 60);
		}
	for (int o = 0; o < 24; o++) {
		int cx = rng() % W, cy = rng() % H, r = 2 + rng() % (W / 8 + 1), disc = rng() & 1;
		uint8_t c[3] = {(uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng()};
		for (int y = cy - r < 0 ? 0 : cy - r; y < H && y <= cy + r; y++)
			for (int x = cx - r < 0 ? 0 : cx - r; x < W && x <= cx + r; x++)
				if (!disc || (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
					for (int k = 0; k < 3; k++)
						rgb[y][x][k] = c[k];
	}
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			for (int k = 0; k < 3; k++)
				rgb[y][x][k] = clamp255(rgb[y][x][k] + (int)(rng() % 9) - 4);
}

/* BT.601 luma in 8.8 fixed point, times gain/16. */
static void grayscale(int gain) {
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			int luma = 77 * rgb[y][x][0] + 150 * rgb[y][x][1] + 29 * rgb[y][x][2];
			gray[y][x] = clamp255((luma * gain + 2048) >> 12);
		}
}

static int at(int i, int n) { return i < 0 ? 0 : i >= n ? n - 1 : i; }

static void blur(void) {
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			row_blur[y][x] = (uint16_t)(gray[y][at(x - 2, W)] + 4 * gray[y][at(x - 1, W)] + 6 * gray[y][x] +
			                            4 * gray[y][at(x + 1, W)] + gray[y][at(x + 2, W)]);
	for (int y = 0; y < H; y++) {
		const uint16_t *r0 = row_blur[at(y - 2, H)], *r1 = row_blur[at(y - 1, H)], *r2 = row_blur[y],
		               *r3 = row_blur[at(y + 1, H)], *r4 = row_blur[at(y + 2, H)];
		for (int x = 0; x < W; x++)
			blurred[y][x] = (uint8_t)((r0[x] + 4 * r1[x] + 6 * r2[x] + 4 * r3[x] + r4[x] + 128) >> 8);
	}
}

static void sobel(void) {
	for (int y = 0; y < H; y++) {
		const uint8_t *up = blurred[at(y - 1, H)], *mid = blurred[y], *down = blurred[at(y + 1, H)];
		for (int x = 0; x < W; x++) {
			int l = at(x - 1, W), r = at(x + 1, W);
			int gx = (up[r] + 2 * mid[r] + down[r]) - (up[l] + 2 * mid[l] + down[l]);
			int gy = (down[l] + 2 * down[x] + down[r]) - (up[l] + 2 * up[x] + up[r]);
			magnitude[y][x] = (uint16_t)((gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy));
		}
	}
}

/* threshold writes the edge map and folds it into the statistics. */
static uint32_t threshold(void) {
	uint32_t count = 0;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			uint8_t e = magnitude[y][x] > THRESHOLD;
			edges[y][x] = e;
			count += e;
			histogram[magnitude[y][x] >> 4 < BINS - 1 ? magnitude[y][x] >> 4 : BINS - 1]++;
		}
	return count;
}

/* FNV-1a over the edge map, packed eight pixels to a byte. */
static void fold_checksum(void) {
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x += 8) {
			uint8_t byte = 0;
			for (int b = 0; b < 8 && x + b < W; b++)
				byte |= (uint8_t)(edges[y][x + b] << b);
			checksum = (checksum ^ byte) * 16777619u;
		}
}

void kernel_run(void) {
	checksum = 2166136261u;
	for (int b = 0; b < BINS; b++)
		histogram[b] = 0;
	for (int f = 0; f < FRAMES; f++) {
		grayscale(12 + f % 9);
		blur();
		sobel();
		edge_count[f] = threshold();
		fold_checksum();
	}
	for (int i = 0; i < GRID; i++)
		for (int j = 0; j < GRID; j++)
			grid[i][j] = 0;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			grid[y * GRID / H][x * GRID / W] += edges[y][x];
}

static void dump_list(const char *name, const uint32_t *v, int n) {
	dump_array_begin(name);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s%u ", i % 20 == 0 ? "\n" : "", (unsigned)v[i]);
	dump_array_end(name);
}

void kernel_dump(void) {
	dump_begin();
	dump_list("edge_count", edge_count, FRAMES);
	dump_list("histogram", histogram, BINS);
	dump_list("grid", &grid[0][0], GRID * GRID);
	dump_array_begin("checksum");
	fprintf(stderr, "\n%08x", (unsigned)checksum);
	dump_array_end("checksum");
	dump_end();
}
