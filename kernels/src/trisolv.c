/* trisolv: forward substitution L x = b for a lower-triangular L (SPEC.md §7, linear-algebra/solvers/trisolv). */
#include "harness.h"

static double L[N][N], x[N], b[N];

void kernel_init(void) {
	for (int i = 0; i < N; i++) {
		x[i] = -999;
		b[i] = (double)i;
		for (int j = 0; j <= i; j++)
			L[i][j] = ((double)(i + N - j + 1) * 2) / N;
	}
}

void kernel_run(void) {
	for (int i = 0; i < N; i++) {
		x[i] = b[i];
		for (int j = 0; j < i; j++)
			x[i] -= L[i][j] * x[j];
		x[i] = x[i] / L[i][i];
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("x");
	for (int i = 0; i < N; i++)
		dump_double_newline_after(x[i], i);
	dump_array_end("x");
	dump_end();
}
