/* atax: y = A^T * (A * x) (SPEC.md, linear-algebra/kernels/atax). */
#include "harness.h"

static double A[M][N], x[N], y[N], tmp[M];

void kernel_init(void) {
	double fn = (double)N;
	for (int i = 0; i < N; i++)
		x[i] = 1 + (double)i / fn;
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++)
			A[i][j] = (double)((i + j) % N) / (5 * M);
}

void kernel_run(void) {
	for (int j = 0; j < N; j++)
		y[j] = 0.0;
	for (int i = 0; i < M; i++) {
		tmp[i] = 0.0;
		for (int j = 0; j < N; j++)
			tmp[i] = tmp[i] + A[i][j] * x[j];
		for (int j = 0; j < N; j++)
			y[j] = y[j] + A[i][j] * tmp[i];
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("y");
	for (int j = 0; j < N; j++)
		dump_double(y[j], j);
	dump_array_end("y");
	dump_end();
}
