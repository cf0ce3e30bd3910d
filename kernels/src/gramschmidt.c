/* gramschmidt: modified Gram-Schmidt QR of a rank-deficient M x N matrix (SPEC.md §7, linear-algebra/solvers/gramschmidt). */
#include "harness.h"
#include <math.h>

static double A[M][N], R[N][N], Q[M][N];

void kernel_init(void) {
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			A[i][j] = (((double)((i * j) % M) / M) * 100) + 10;
			Q[i][j] = 0;
		}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			R[i][j] = 0;
}

void kernel_run(void) {
	for (int k = 0; k < N; k++) {
		double nrm = 0;
		for (int i = 0; i < M; i++)
			nrm += A[i][k] * A[i][k];
		R[k][k] = sqrt(nrm);
		for (int i = 0; i < M; i++)
			Q[i][k] = A[i][k] / R[k][k];
		for (int j = k + 1; j < N; j++) {
			R[k][j] = 0;
			for (int i = 0; i < M; i++)
				R[k][j] += Q[i][k] * A[i][j];
			for (int i = 0; i < M; i++)
				A[i][j] = A[i][j] - Q[i][k] * R[k][j];
		}
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("R");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			dump_double(R[i][j], (long)i * N + j);
	dump_array_end("R");
	dump_array_begin("Q");
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++)
			dump_double(Q[i][j], (long)i * N + j);
	dump_array_end("Q");
	dump_end();
}
