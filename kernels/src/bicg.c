/* bicg: s = A^T * r and q = A * p in one sweep (SPEC.md, linear-algebra/kernels/bicg). */
#include "harness.h"

static double A[N][M], s[M], q[N], p[M], r[N];

void kernel_init(void) {
	for (int j = 0; j < M; j++)
		p[j] = (double)(j % M) / M;
	for (int i = 0; i < N; i++) {
		r[i] = (double)(i % N) / N;
		for (int j = 0; j < M; j++)
			A[i][j] = (double)(i * (j + 1) % N) / N;
	}
}

void kernel_run(void) {
	for (int j = 0; j < M; j++)
		s[j] = 0.0;
	for (int i = 0; i < N; i++) {
		q[i] = 0.0;
		for (int j = 0; j < M; j++) {
			s[j] = s[j] + r[i] * A[i][j];
			q[i] = q[i] + A[i][j] * p[j];
		}
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("s");
	for (int j = 0; j < M; j++)
		dump_double(s[j], j);
	dump_array_end("s");
	dump_array_begin("q");
	for (int i = 0; i < N; i++)
		dump_double(q[i], i);
	dump_array_end("q");
	dump_end();
}
