/* jacobi-1d: 3-point Jacobi relaxation on a line (SPEC.md, stencils/jacobi-1d). */
#include "harness.h"

static double A[N], B[N];

void kernel_init(void) {
	for (int i = 0; i < N; i++) {
		A[i] = ((double)i + 2) / N;
		B[i] = ((double)i + 3) / N;
	}
}

void kernel_run(void) {
	for (int t = 0; t < TSTEPS; t++) {
		for (int i = 1; i < N - 1; i++)
			B[i] = 0.33333 * ((A[i - 1] + A[i]) + A[i + 1]);
		for (int i = 1; i < N - 1; i++)
			A[i] = 0.33333 * ((B[i - 1] + B[i]) + B[i + 1]);
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("A");
	for (int i = 0; i < N; i++)
		dump_double(A[i], i);
	dump_array_end("A");
	dump_end();
}
