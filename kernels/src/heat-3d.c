/* heat-3d: explicit 3-D heat diffusion, ping-ponging two grids (SPEC.md, stencils/heat-3d). */
#include "harness.h"

static double A[N][N][N], B[N][N][N];

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			for (int k = 0; k < N; k++)
				A[i][j][k] = B[i][j][k] = ((double)(i + j + (N - k)) * 10) / N;
}

static void step(double (*dst)[N][N], double (*src)[N][N]) {
	for (int i = 1; i < N - 1; i++)
		for (int j = 1; j < N - 1; j++)
			for (int k = 1; k < N - 1; k++)
				dst[i][j][k] = ((0.125 * ((src[i + 1][j][k] - 2.0 * src[i][j][k]) + src[i - 1][j][k])
					+ 0.125 * ((src[i][j + 1][k] - 2.0 * src[i][j][k]) + src[i][j - 1][k]))
					+ 0.125 * ((src[i][j][k + 1] - 2.0 * src[i][j][k]) + src[i][j][k - 1]))
					+ src[i][j][k];
}

void kernel_run(void) {
	for (int t = 1; t <= TSTEPS; t++) {
		step(B, A);
		step(A, B);
	}
}

void kernel_dump(void) {
	long key = 0;
	dump_begin();
	dump_array_begin("A");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			for (int k = 0; k < N; k++)
				dump_double(A[i][j][k], key++);
	dump_array_end("A");
	dump_end();
}
