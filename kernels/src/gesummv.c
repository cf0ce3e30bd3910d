/* gesummv: y = alpha*A*x + beta*B*x (SPEC.md, linear-algebra/blas/gesummv). */
#include "harness.h"

static double A[N][N], B[N][N], tmp[N], x[N], y[N];
static const double alpha = 1.5, beta = 1.2;

void kernel_init(void) {
	for (int i = 0; i < N; i++) {
		x[i] = (double)(i % N) / N;
		for (int j = 0; j < N; j++) {
			A[i][j] = (double)((i * j + 1) % N) / N;
			B[i][j] = (double)((i * j + 2) % N) / N;
		}
	}
}

void kernel_run(void) {
	for (int i = 0; i < N; i++) {
		tmp[i] = 0.0;
		y[i] = 0.0;
		for (int j = 0; j < N; j++) {
			tmp[i] = A[i][j] * x[j] + tmp[i];
			y[i] = B[i][j] * x[j] + y[i];
		}
		y[i] = alpha * tmp[i] + beta * y[i];
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("y");
	for (int i = 0; i < N; i++)
		dump_double(y[i], i);
	dump_array_end("y");
	dump_end();
}
