/* cnn: object-detection-style CNN inference on an IMG×IMG RGB image, the
 * workload of a smart camera (a tiny YOLO-like network, int8 weights and
 * activations with int32 accumulators, as quantised edge models run).
 *
 * Network (valid 3×3 convolutions, stride 1, ReLU folded into the requantise
 * step, 2×2 max pooling):
 *   conv 3→8, pool, conv 8→16, pool, conv 16→32, pool, conv 32→64
 *   → detection head: a fully-connected 64→1+CLASSES layer per grid cell
 *     (objectness and class scores);
 *   → classifier: global sum pooling and a fully-connected 64→CLASSES layer.
 * Image and weights are generated, so the run needs no files. The dump holds
 * the image class scores, the detections per class, the grid size and a
 * checksum of every head output. */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

#define CLASSES 10
#define HEAD (1 + CLASSES)
#define OBJECTNESS 0 /* a cell with objectness above this holds a detection */

/* Spatial sizes after each layer. */
#define S1 (IMG - 2)
#define P1 (S1 / 2)
#define S2 (P1 - 2)
#define P2 (S2 / 2)
#define S3 (P2 - 2)
#define P3 (S3 / 2)
#define S4 (P3 - 2)

#if S4 < 1
#error "cnn: IMG too small for four 3x3 convolutions and three poolings (need IMG >= 38)"
#endif

static int8_t image[3][IMG][IMG];
static int8_t a1[8][S1][S1], p1[8][P1][P1], a2[16][S2][S2], p2[16][P2][P2];
static int8_t a3[32][S3][S3], p3[32][P3][P3], a4[64][S4][S4];
static int8_t w1[8][3][3][3], w2[16][8][3][3], w3[32][16][3][3], w4[64][32][3][3];
static int8_t wh[HEAD][64], wc[CLASSES][64];
static int32_t b1[8], b2[16], b3[32], b4[64], bh[HEAD];
static int32_t acc[S1];
static int32_t scores[CLASSES];
static uint32_t detections[CLASSES], checksum;

static uint32_t rng_state;

static uint32_t rng(void) {
	rng_state = rng_state * 1664525u + 1013904223u;
	return rng_state >> 8;
}

static void fill_weights(int8_t *w, int n, int32_t *bias, int nb, int bias_span) {
	for (int i = 0; i < n; i++)
		w[i] = (int8_t)((int)(rng() % 15) - 7);
	for (int i = 0; i < nb; i++)
		bias[i] = (int32_t)(rng() % (uint32_t)bias_span) - bias_span / 4;
}

/* A scene like a camera frame: a gradient background and coloured boxes
 * and discs (the objects), centred on zero. */
static void fill_image(void) {
	for (int y = 0; y < IMG; y++)
		for (int x = 0; x < IMG; x++) {
			image[0][y][x] = (int8_t)(x * 160 / IMG - 80);
			image[1][y][x] = (int8_t)(y * 140 / IMG - 70);
			image[2][y][x] = (int8_t)((x + y) * 100 / (2 * IMG) - 50);
		}
	for (int o = 0; o < 12; o++) {
		int cx = rng() % IMG, cy = rng() % IMG, r = 3 + rng() % (IMG / 6 + 1), disc = rng() & 1;
		int8_t c[3] = {(int8_t)rng(), (int8_t)rng(), (int8_t)rng()};
		for (int y = cy - r < 0 ? 0 : cy - r; y < IMG && y <= cy + r; y++)
			for (int x = cx - r < 0 ? 0 : cx - r; x < IMG && x <= cx + r; x++)
				if (!disc || (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
					for (int k = 0; k < 3; k++)
						image[k][y][x] = c[k];
	}
}

void kernel_init(void) {
	rng_state = 416u;
	fill_weights(&w1[0][0][0][0], sizeof w1, b1, 8, 512);
	fill_weights(&w2[0][0][0][0], sizeof w2, b2, 16, 1024);
	fill_weights(&w3[0][0][0][0], sizeof w3, b3, 32, 2048);
	fill_weights(&w4[0][0][0][0], sizeof w4, b4, 64, 2048);
	fill_weights(&wh[0][0], sizeof wh, bh, HEAD, 4096);
	fill_weights(&wc[0][0], sizeof wc, NULL, 0, 1);
	fill_image();
}

/* conv3x3 computes out[k] = requant(relu(bias[k] + Σ w[k][c] * in[c])) one
 * output row at a time, so the int32 accumulators stay in the L1 cache. */
static void conv3x3(const int8_t *in, int channels, int size, const int8_t *w, const int32_t *bias, int kernels,
                    int shift, int8_t *out) {
	int osize = size - 2;
	for (int k = 0; k < kernels; k++)
		for (int y = 0; y < osize; y++) {
			for (int x = 0; x < osize; x++)
				acc[x] = bias[k];
			for (int c = 0; c < channels; c++)
				for (int ky = 0; ky < 3; ky++) {
					const int8_t *row = in + (c * size + y + ky) * size;
					const int8_t *wk = w + ((k * channels + c) * 3 + ky) * 3;
					for (int x = 0; x < osize; x++)
						acc[x] += wk[0] * row[x] + wk[1] * row[x + 1] + wk[2] * row[x + 2];
				}
			int8_t *o = out + (k * osize + y) * osize;
			for (int x = 0; x < osize; x++) {
				int32_t v = acc[x] < 0 ? 0 : acc[x] >> shift;
				o[x] = (int8_t)(v > 127 ? 127 : v);
			}
		}
}

static void maxpool2(const int8_t *in, int channels, int size, int8_t *out) {
	int osize = size / 2;
	for (int c = 0; c < channels; c++)
		for (int y = 0; y < osize; y++) {
			const int8_t *r0 = in + (c * size + 2 * y) * size, *r1 = r0 + size;
			int8_t *o = out + (c * osize + y) * osize;
			for (int x = 0; x < osize; x++) {
				int8_t m = r0[2 * x] > r0[2 * x + 1] ? r0[2 * x] : r0[2 * x + 1];
				int8_t n = r1[2 * x] > r1[2 * x + 1] ? r1[2 * x] : r1[2 * x + 1];
				o[x] = m > n ? m : n;
			}
		}
}

/* detect runs the head on every grid cell and counts a detection of the
 * best-scoring class (lowest index on ties) where objectness is positive. */
static void detect(void) {
	checksum = 2166136261u;
	for (int k = 0; k < CLASSES; k++)
		detections[k] = 0;
	for (int y = 0; y < S4; y++)
		for (int x = 0; x < S4; x++) {
			int32_t out[HEAD];
			for (int j = 0; j < HEAD; j++) {
				int32_t s = bh[j];
				for (int c = 0; c < 64; c++)
					s += wh[j][c] * a4[c][y][x];
				out[j] = s;
				checksum = (checksum ^ (uint32_t)s) * 16777619u;
			}
			if (out[0] <= OBJECTNESS)
				continue;
			int best = 1;
			for (int j = 2; j < HEAD; j++)
				if (out[j] > out[best])
					best = j;
			detections[best - 1]++;
		}
}

static void classify(void) {
	int32_t pooled[64];
	for (int c = 0; c < 64; c++) {
		pooled[c] = 0;
		for (int y = 0; y < S4; y++)
			for (int x = 0; x < S4; x++)
				pooled[c] += a4[c][y][x];
		pooled[c] /= S4 * S4;
	}
	for (int k = 0; k < CLASSES; k++) {
		scores[k] = 0;
		for (int c = 0; c < 64; c++)
			scores[k] += wc[k][c] * pooled[c];
	}
}

void kernel_run(void) {
	conv3x3(&image[0][0][0], 3, IMG, &w1[0][0][0][0], b1, 8, 4, &a1[0][0][0]);
	maxpool2(&a1[0][0][0], 8, S1, &p1[0][0][0]);
	conv3x3(&p1[0][0][0], 8, P1, &w2[0][0][0][0], b2, 16, 5, &a2[0][0][0]);
	maxpool2(&a2[0][0][0], 16, S2, &p2[0][0][0]);
	conv3x3(&p2[0][0][0], 16, P2, &w3[0][0][0][0], b3, 32, 6, &a3[0][0][0]);
	maxpool2(&a3[0][0][0], 32, S3, &p3[0][0][0]);
	conv3x3(&p3[0][0][0], 32, P3, &w4[0][0][0][0], b4, 64, 6, &a4[0][0][0]);
	detect();
	classify();
}

static void dump_ints(const char *name, const int32_t *v, int n) {
	dump_array_begin(name);
	for (int i = 0; i < n; i++)
		dump_int(v[i], i);
	dump_array_end(name);
}

void kernel_dump(void) {
	int32_t counts[CLASSES], grid = S4;
	for (int k = 0; k < CLASSES; k++)
		counts[k] = (int32_t)detections[k];
	dump_begin();
	dump_ints("scores", scores, CLASSES);
	dump_ints("grid", &grid, 1);
	dump_ints("detections", counts, CLASSES);
	dump_array_begin("checksum");
	fprintf(stderr, "\n%08x", (unsigned)checksum);
	dump_array_end("checksum");
	dump_end();
}
