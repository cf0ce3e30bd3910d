/* deriche: single-precision Deriche recursive edge-detection filter (SPEC.md, medley/deriche). */
#include <math.h>

#include "harness.h"

static float imgIn[W][H], imgOut[W][H];
/* The SPEC's y1 and y2 (renamed: math.h declares a Bessel function y1). */
static float Y1[W][H], Y2[W][H];

/* exp and pow rounded once to float (the SPEC's constants are the correctly rounded f32 values). */
static float fexp(float x) { return (float)exp((double)x); }

void kernel_init(void) {
	for (int i = 0; i < W; i++)
		for (int j = 0; j < H; j++)
			imgIn[i][j] = (float)((313 * i + 991 * j) % 65536) / 65535.0f;
}

void kernel_run(void) {
	const float alpha = 0.25f;
	const float e = fexp(-alpha);
	const float k = ((1.0f - e) * (1.0f - e)) / ((1.0f + (2.0f * alpha) * e) - fexp(2.0f * alpha));
	const float a1 = k, a5 = k;
	const float a2 = (k * e) * (alpha - 1.0f), a6 = a2;
	const float a3 = (k * e) * (alpha + 1.0f), a7 = a3;
	const float a4 = -(k * fexp(-2.0f * alpha)), a8 = a4;
	const float b1 = (float)pow(2.0, -(double)alpha);
	const float b2 = -fexp(-2.0f * alpha);
	const float c1 = 1.0f, c2 = 1.0f;

	for (int i = 0; i < W; i++) {
		float xm1 = 0.0f, ym1 = 0.0f, ym2 = 0.0f;
		for (int j = 0; j < H; j++) {
			Y1[i][j] = a1 * imgIn[i][j] + a2 * xm1 + b1 * ym1 + b2 * ym2;
			xm1 = imgIn[i][j];
			ym2 = ym1;
			ym1 = Y1[i][j];
		}
	}
	for (int i = 0; i < W; i++) {
		float xp1 = 0.0f, xp2 = 0.0f, yp1 = 0.0f, yp2 = 0.0f;
		for (int j = H - 1; j >= 0; j--) {
			Y2[i][j] = a3 * xp1 + a4 * xp2 + b1 * yp1 + b2 * yp2;
			xp2 = xp1;
			xp1 = imgIn[i][j];
			yp2 = yp1;
			yp1 = Y2[i][j];
		}
	}
	for (int i = 0; i < W; i++)
		for (int j = 0; j < H; j++)
			imgOut[i][j] = c1 * (Y1[i][j] + Y2[i][j]);
	for (int j = 0; j < H; j++) {
		float tm1 = 0.0f, ym1 = 0.0f, ym2 = 0.0f;
		for (int i = 0; i < W; i++) {
			Y1[i][j] = a5 * imgOut[i][j] + a6 * tm1 + b1 * ym1 + b2 * ym2;
			tm1 = imgOut[i][j];
			ym2 = ym1;
			ym1 = Y1[i][j];
		}
	}
	for (int j = 0; j < H; j++) {
		float tp1 = 0.0f, tp2 = 0.0f, yp1 = 0.0f, yp2 = 0.0f;
		for (int i = W - 1; i >= 0; i--) {
			Y2[i][j] = a7 * tp1 + a8 * tp2 + b1 * yp1 + b2 * yp2;
			tp2 = tp1;
			tp1 = imgOut[i][j];
			yp2 = yp1;
			yp1 = Y2[i][j];
		}
	}
	for (int i = 0; i < W; i++)
		for (int j = 0; j < H; j++)
			imgOut[i][j] = c2 * (Y1[i][j] + Y2[i][j]);
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("imgOut");
	for (int i = 0; i < W; i++)
		for (int j = 0; j < H; j++)
			dump_double((double)imgOut[i][j], (long)i * H + j);
	dump_array_end("imgOut");
	dump_end();
}
