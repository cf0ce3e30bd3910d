/* ludcmp: LU factorisation, then forward and back substitution for A x = b (SPEC.md §7, linear-algebra/solvers/ludcmp). */
#include "harness.h"

static double A[N][N], L[N][N], b[N], x[N], y[N];

#include "spd.h"

void kernel_init(void) {
	const double fn = (double)N;
	for (int i = 0; i < N; i++) {
		x[i] = 0;
		y[i] = 0;
		b[i] = ((double)(i + 1) / fn) / 2.0 + 4;
	}
	spd_init();
}

void kernel_run(void) {
	double w;
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < i; j++) {
			w = A[i][j];
			for (int k = 0; k < j; k++)
				w -= A[i][k] * A[k][j];
			A[i][j] = w / A[j][j];
		}
		for (int j = i; j < N; j++) {
			w = A[i][j];
			for (int k = 0; k < i; k++)
				w -= A[i][k] * A[k][j];
			A[i][j] = w;
		}
	}
	for (int i = 0; i < N; i++) {
		w = b[i];
		for (int j = 0; j < i; j++)
			w -= A[i][j] * y[j];
		y[i] = w;
	}
	for (int i = N - 1; i >= 0; i--) {
		w = y[i];
		for (int j = i + 1; j < N; j++)
			w -= A[i][j] * x[j];
		x[i] = w / A[i][i];
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("x");
	for (int i = 0; i < N; i++)
		dump_double(x[i], i);
	dump_array_end("x");
	dump_end();
}
