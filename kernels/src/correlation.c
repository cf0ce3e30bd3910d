/* correlation: Pearson correlation matrix of the columns of data (SPEC.md, datamining/correlation). */
#include <math.h>

#include "harness.h"

static double data[N][M], corr[M][M], mean[M], stddev[M];
static const double float_n = (double)N, eps = 0.1;

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < M; j++)
			data[i][j] = (double)(i * j) / M + i;
}

void kernel_run(void) {
	for (int j = 0; j < M; j++) {
		mean[j] = 0.0;
		for (int i = 0; i < N; i++)
			mean[j] += data[i][j];
		mean[j] /= float_n;
	}
	for (int j = 0; j < M; j++) {
		stddev[j] = 0.0;
		for (int i = 0; i < N; i++)
			stddev[j] += (data[i][j] - mean[j]) * (data[i][j] - mean[j]);
		stddev[j] /= float_n;
		stddev[j] = sqrt(stddev[j]);
		if (stddev[j] <= eps)
			stddev[j] = 1.0;
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < M; j++) {
			data[i][j] -= mean[j];
			data[i][j] /= sqrt(float_n) * stddev[j];
		}
	for (int i = 0; i < M - 1; i++) {
		corr[i][i] = 1.0;
		for (int j = i + 1; j < M; j++) {
			corr[i][j] = 0.0;
			for (int k = 0; k < N; k++)
				corr[i][j] += data[k][i] * data[k][j];
			corr[j][i] = corr[i][j];
		}
	}
	corr[M - 1][M - 1] = 1.0;
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("corr");
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++)
			dump_double(corr[i][j], (long)i * M + j);
	dump_array_end("corr");
	dump_end();
}
