/* jacobi-2d: 5-point Jacobi relaxation on a square grid (SPEC.md, stencils/jacobi-2d). */
#include "harness.h"

static double A[N][N], B[N][N];

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			A[i][j] = ((double)i * (j + 2) + 2) / N;
			B[i][j] = ((double)i * (j + 3) + 3) / N;
		}
}

static void step(double (*dst)[N], double (*src)[N]) {
	for (int i = 1; i < N - 1; i++)
		for (int j = 1; j < N - 1; j++)
			dst[i][j] = 0.2 * ((((src[i][j] + src[i][j - 1]) + src[i][j + 1]) + src[i + 1][j]) + src[i - 1][j]);
}

void kernel_run(void) {
	for (int t = 0; t < TSTEPS; t++) {
		step(B, A);
		step(A, B);
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("A");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			dump_double(A[i][j], (long)i * N + j);
	dump_array_end("A");
	dump_end();
}
