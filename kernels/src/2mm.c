/* 2mm: D = alpha*A*B*C + beta*D via tmp = alpha*A*B (SPEC.md, linear-algebra/kernels/2mm). */
#include "harness.h"

static double tmp[NI][NJ], A[NI][NK], B[NK][NJ], C[NJ][NL], D[NI][NL];
static const double alpha = 1.5, beta = 1.2;

void kernel_init(void) {
	for (int i = 0; i < NI; i++)
		for (int k = 0; k < NK; k++)
			A[i][k] = (double)((i * k + 1) % NI) / NI;
	for (int k = 0; k < NK; k++)
		for (int j = 0; j < NJ; j++)
			B[k][j] = (double)(k * (j + 1) % NJ) / NJ;
	for (int j = 0; j < NJ; j++)
		for (int l = 0; l < NL; l++)
			C[j][l] = (double)((j * (l + 3) + 1) % NL) / NL;
	for (int i = 0; i < NI; i++)
		for (int l = 0; l < NL; l++)
			D[i][l] = (double)(i * (l + 2) % NK) / NK;
}

void kernel_run(void) {
	for (int i = 0; i < NI; i++)
		for (int j = 0; j < NJ; j++) {
			tmp[i][j] = 0.0;
			for (int k = 0; k < NK; k++)
				tmp[i][j] += alpha * A[i][k] * B[k][j];
		}
	for (int i = 0; i < NI; i++)
		for (int l = 0; l < NL; l++) {
			D[i][l] *= beta;
			for (int k = 0; k < NJ; k++)
				D[i][l] += tmp[i][k] * C[k][l];
		}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("D");
	for (int i = 0; i < NI; i++)
		for (int l = 0; l < NL; l++)
			dump_double(D[i][l], (long)i * NI + l);
	dump_array_end("D");
	dump_end();
}
