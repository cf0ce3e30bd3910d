/* symm: C = alpha*A*B + beta*C with A symmetric, lower triangle stored (SPEC.md, linear-algebra/blas/symm). */
#include "harness.h"

static double C[M][N], A[M][M], B[M][N];
static const double alpha = 1.5, beta = 1.2;

void kernel_init(void) {
	for (int i = 0; i < M; i++) {
		for (int j = 0; j < N; j++) {
			C[i][j] = (double)((i + j) % 100) / M;
			B[i][j] = (double)((N + i - j) % 100) / M;
		}
		for (int j = 0; j < M; j++)
			A[i][j] = j <= i ? (double)((i + j) % 100) / M : -999.0;
	}
}

void kernel_run(void) {
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			double temp2 = 0.0;
			for (int k = 0; k < i; k++) {
				C[k][j] += alpha * B[i][j] * A[i][k];
				temp2 += B[k][j] * A[i][k];
			}
			C[i][j] = beta * C[i][j] + alpha * B[i][j] * A[i][i] + alpha * temp2;
		}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("C");
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++)
			dump_double(C[i][j], (long)i * M + j);
	dump_array_end("C");
	dump_end();
}
