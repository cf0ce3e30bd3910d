/* lu: in-place Doolittle LU factorisation without pivoting (SPEC.md §7, linear-algebra/solvers/lu). */
#include "harness.h"

static double A[N][N], L[N][N];

#include "spd.h"

void kernel_init(void) {
	spd_init();
}

void kernel_run(void) {
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < i; j++) {
			for (int k = 0; k < j; k++)
				A[i][j] -= A[i][k] * A[k][j];
			A[i][j] = A[i][j] / A[j][j];
		}
		for (int j = i; j < N; j++)
			for (int k = 0; k < i; k++)
				A[i][j] -= A[i][k] * A[k][j];
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("A");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			dump_double(A[i][j], (long)i * N + j);
	dump_array_end("A");
	dump_end();
}
