/* mvt: x1 += A * y_1 and x2 += A^T * y_2 (SPEC.md, linear-algebra/kernels/mvt). */
#include "harness.h"

static double A[N][N], x1[N], x2[N], y_1[N], y_2[N];

void kernel_init(void) {
	for (int i = 0; i < N; i++) {
		x1[i] = (double)(i % N) / N;
		x2[i] = (double)((i + 1) % N) / N;
		y_1[i] = (double)((i + 3) % N) / N;
		y_2[i] = (double)((i + 4) % N) / N;
		for (int j = 0; j < N; j++)
			A[i][j] = (double)(i * j % N) / N;
	}
}

void kernel_run(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			x1[i] = x1[i] + A[i][j] * y_1[j];
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			x2[i] = x2[i] + A[j][i] * y_2[j];
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("x1");
	for (int i = 0; i < N; i++)
		dump_double(x1[i], i);
	dump_array_end("x1");
	dump_array_begin("x2");
	for (int i = 0; i < N; i++)
		dump_double(x2[i], i);
	dump_array_end("x2");
	dump_end();
}
