/* cholesky: in-place Cholesky factorisation of an SPD matrix (SPEC.md §7, linear-algebra/solvers/cholesky). */
#include "harness.h"
#include <math.h>

static double A[N][N], L[N][N];

#include "spd.h"

void kernel_init(void) {
	spd_init();
}

void kernel_run(void) {
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < i; j++) {
			for (int k = 0; k < j; k++)
				A[i][j] -= A[i][k] * A[j][k];
			A[i][j] = A[i][j] / A[j][j];
		}
		for (int k = 0; k < i; k++)
			A[i][i] -= A[i][k] * A[i][k];
		A[i][i] = sqrt(A[i][i]);
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("A");
	for (int i = 0; i < N; i++)
		for (int j = 0; j <= i; j++)
			dump_double(A[i][j], (long)i * N + j);
	dump_array_end("A");
	dump_end();
}
