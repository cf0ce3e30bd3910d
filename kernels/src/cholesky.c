/* cholesky: in-place Cholesky factorisation of an SPD matrix (SPEC.md §7, linear-algebra/solvers/cholesky). */
#include "harness.h"
#include <math.h>

static double A[N][N], L[N][N];

/* SPD-init (SPEC §7): L lower triangular with L[i][j] = -j/N + 1 below the
 * diagonal and 1 on it, then A = L*L^T as the full sum over t, as PolyBench's
 * generator does, so that init costs the same O(N^3) work inside the timed span. */
static void spd_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			L[i][j] = j < i ? (double)(-j % N) / N + 1 : (j == i ? 1.0 : 0.0);
	for (int r = 0; r < N; r++)
		for (int s = 0; s < N; s++) {
			A[r][s] = 0;
			for (int t = 0; t < N; t++)
				A[r][s] += L[r][t] * L[s][t];
		}
}

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
