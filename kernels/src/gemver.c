/* gemver: rank-2 update of A, then two matrix-vector products (SPEC.md, linear-algebra/blas/gemver). */
#include "harness.h"

static double A[N][N], u1[N], v1[N], u2[N], v2[N], w[N], x[N], y[N], z[N];
static const double alpha = 1.5, beta = 1.2;

void kernel_init(void) {
	double fn = (double)N;
	for (int i = 0; i < N; i++) {
		double s = (double)(i + 1) / fn;
		u1[i] = (double)i;
		u2[i] = s / 2.0;
		v1[i] = s / 4.0;
		v2[i] = s / 6.0;
		y[i] = s / 8.0;
		z[i] = s / 9.0;
		x[i] = 0.0;
		w[i] = 0.0;
		for (int j = 0; j < N; j++)
			A[i][j] = (double)(i * j % N) / N;
	}
}

void kernel_run(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			A[i][j] = A[i][j] + u1[i] * v1[j] + u2[i] * v2[j];
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			x[i] = x[i] + beta * A[j][i] * y[j];
	for (int i = 0; i < N; i++)
		x[i] = x[i] + z[i];
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			w[i] = w[i] + alpha * A[i][j] * x[j];
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("w");
	for (int i = 0; i < N; i++)
		dump_double(w[i], i);
	dump_array_end("w");
	dump_end();
}
