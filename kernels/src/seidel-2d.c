/* seidel-2d: in-place 9-point Gauss-Seidel sweeps (SPEC.md, stencils/seidel-2d). */
#include "harness.h"

static double A[N][N];

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			A[i][j] = ((double)i * (j + 2) + 2) / N;
}

void kernel_run(void) {
	for (int t = 0; t < TSTEPS; t++)
		for (int i = 1; i <= N - 2; i++)
			for (int j = 1; j <= N - 2; j++)
				A[i][j] = (A[i - 1][j - 1] + A[i - 1][j] + A[i - 1][j + 1]
					+ A[i][j - 1] + A[i][j] + A[i][j + 1]
					+ A[i + 1][j - 1] + A[i + 1][j] + A[i + 1][j + 1]) / 9.0;
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
