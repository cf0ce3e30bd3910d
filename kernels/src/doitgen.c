/* doitgen: each A[r][q][:] row replaced by its product with C4 (SPEC.md, linear-algebra/kernels/doitgen). */
#include "harness.h"

static double A[NR][NQ][NP], C4[NP][NP], sum[NP];

void kernel_init(void) {
	for (int r = 0; r < NR; r++)
		for (int q = 0; q < NQ; q++)
			for (int p = 0; p < NP; p++)
				A[r][q][p] = (double)((r * q + p) % NP) / NP;
	for (int s = 0; s < NP; s++)
		for (int p = 0; p < NP; p++)
			C4[s][p] = (double)(s * p % NP) / NP;
}

void kernel_run(void) {
	for (int r = 0; r < NR; r++)
		for (int q = 0; q < NQ; q++) {
			for (int p = 0; p < NP; p++) {
				sum[p] = 0.0;
				for (int s = 0; s < NP; s++)
					sum[p] += A[r][q][s] * C4[s][p];
			}
			for (int p = 0; p < NP; p++)
				A[r][q][p] = sum[p];
		}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("A");
	for (int r = 0; r < NR; r++)
		for (int q = 0; q < NQ; q++)
			for (int p = 0; p < NP; p++)
				dump_double(A[r][q][p], ((long)r * NQ + q) * NP + p);
	dump_array_end("A");
	dump_end();
}
