/* covariance: sample covariance matrix of the columns of data (SPEC.md, datamining/covariance). */
#include "harness.h"

static double data[N][M], cov[M][M], mean[M];
static const double float_n = (double)N;

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < M; j++)
			data[i][j] = ((double)i * j) / M;
}

void kernel_run(void) {
	for (int j = 0; j < M; j++) {
		mean[j] = 0.0;
		for (int i = 0; i < N; i++)
			mean[j] += data[i][j];
		mean[j] /= float_n;
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < M; j++)
			data[i][j] -= mean[j];
	for (int i = 0; i < M; i++)
		for (int j = i; j < M; j++) {
			cov[i][j] = 0.0;
			for (int k = 0; k < N; k++)
				cov[i][j] += data[k][i] * data[k][j];
			cov[i][j] /= float_n - 1.0;
			cov[j][i] = cov[i][j];
		}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("cov");
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++)
			dump_double(cov[i][j], (long)i * M + j);
	dump_array_end("cov");
	dump_end();
}
