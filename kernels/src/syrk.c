/* syrk: lower triangle of C = alpha*A*A^T + beta*C (SPEC.md, linear-algebra/blas/syrk). */
#include "harness.h"

static double C[N][N], A[N][M];
static const double alpha = 1.5, beta = 1.2;

void kernel_init(void) {
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < M; j++)
			A[i][j] = (double)((i * j + 1) % N) / N;
		for (int j = 0; j < N; j++)
			C[i][j] = (double)((i * j + 2) % M) / M;
	}
}

void kernel_run(void) {
	for (int i = 0; i < N; i++) {
		for (int j = 0; j <= i; j++)
			C[i][j] *= beta;
		for (int k = 0; k < M; k++)
			for (int j = 0; j <= i; j++)
				C[i][j] += alpha * A[i][k] * A[j][k];
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("C");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			dump_double(C[i][j], (long)i * N + j);
	dump_array_end("C");
	dump_end();
}
