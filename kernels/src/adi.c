/* adi: alternating-direction implicit sweeps over a 2-D grid (SPEC.md, stencils/adi). */
#include "harness.h"

static double u[N][N], v[N][N], p[N][N], q[N][N];

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			u[i][j] = (double)(i + N - j) / N;
}

void kernel_run(void) {
	double DX = 1.0 / N, DY = 1.0 / N, DT = 1.0 / TSTEPS;
	double B1 = 2.0, B2 = 1.0;
	double mul1 = (B1 * DT) / (DX * DX), mul2 = (B2 * DT) / (DY * DY);
	double a = -mul1 / 2.0, b = 1.0 + mul1, c = a;
	double d = -mul2 / 2.0, e = 1.0 + mul2, f = d;

	for (int t = 1; t <= TSTEPS; t++) {
		/* column sweep: u -> v */
		for (int i = 1; i < N - 1; i++) {
			v[0][i] = 1.0;
			p[i][0] = 0.0;
			q[i][0] = v[0][i];
			for (int j = 1; j < N - 1; j++) {
				double den = a * p[i][j - 1] + b;
				p[i][j] = -c / den;
				q[i][j] = ((((-d) * u[j][i - 1] + (1.0 + 2.0 * d) * u[j][i]) - f * u[j][i + 1]) - a * q[i][j - 1]) / den;
			}
			v[N - 1][i] = 1.0;
			for (int j = N - 2; j >= 1; j--)
				v[j][i] = p[i][j] * v[j + 1][i] + q[i][j];
		}
		/* row sweep: v -> u */
		for (int i = 1; i < N - 1; i++) {
			u[i][0] = 1.0;
			p[i][0] = 0.0;
			q[i][0] = u[i][0];
			for (int j = 1; j < N - 1; j++) {
				double den = d * p[i][j - 1] + e;
				p[i][j] = -f / den;
				q[i][j] = ((((-a) * v[i - 1][j] + (1.0 + 2.0 * a) * v[i][j]) - c * v[i + 1][j]) - d * q[i][j - 1]) / den;
			}
			u[i][N - 1] = 1.0;
			for (int j = N - 2; j >= 1; j--)
				u[i][j] = p[i][j] * u[i][j + 1] + q[i][j];
		}
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("u");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			dump_double(u[i][j], (long)i * N + j);
	dump_array_end("u");
	dump_end();
}
