/* gemm: C = alpha*A*B + beta*C (SPEC.md, linear-algebra/blas/gemm). */
#include "harness.h"

static double C[NI][NJ], A[NI][NK], B[NK][NJ];
static const double alpha = 1.5, beta = 1.2;

void kernel_init(void) {
	for (int i = 0; i < NI; i++)
		for (int j = 0; j < NJ; j++)
			C[i][j] = (double)((i * j + 1) % NI) / NI;
	for (int i = 0; i < NI; i++)
		for (int k = 0; k < NK; k++)
			A[i][k] = (double)(i * (k + 1) % NK) / NK;
	for (int k = 0; k < NK; k++)
		for (int j = 0; j < NJ; j++)
			B[k][j] = (double)(k * (j + 2) % NJ) / NJ;
}

void kernel_run(void) {
	for (int i = 0; i < NI; i++) {
		for (int j = 0; j < NJ; j++)
			C[i][j] *= beta;
		for (int k = 0; k < NK; k++)
			for (int j = 0; j < NJ; j++)
				C[i][j] += alpha * A[i][k] * B[k][j];
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("C");
	for (int i = 0; i < NI; i++)
		for (int j = 0; j < NJ; j++)
			dump_double(C[i][j], (long)i * NI + j);
	dump_array_end("C");
	dump_end();
}
