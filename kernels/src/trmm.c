/* trmm: B = alpha*A^T*B with A unit lower triangular (SPEC.md, linear-algebra/blas/trmm). */
#include "harness.h"

static double A[M][M], B[M][N];
static const double alpha = 1.5;

void kernel_init(void) {
	for (int i = 0; i < M; i++) {
		for (int j = 0; j < i; j++)
			A[i][j] = (double)((i + j) % M) / M;
		A[i][i] = 1.0;
		for (int j = 0; j < N; j++)
			B[i][j] = (double)((N + (i - j)) % N) / N;
	}
}

void kernel_run(void) {
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			for (int k = i + 1; k < M; k++)
				B[i][j] += A[k][i] * B[k][j];
			B[i][j] = alpha * B[i][j];
		}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("B");
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++)
			dump_double(B[i][j], (long)i * M + j);
	dump_array_end("B");
	dump_end();
}
