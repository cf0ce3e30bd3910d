/* durbin: Levinson-Durbin recursion for a Toeplitz system (SPEC.md §7, linear-algebra/solvers/durbin). */
#include "harness.h"

static double r[N], y[N], z[N];

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		r[i] = (double)(N + 1 - i);
}

void kernel_run(void) {
	double alpha = -r[0], beta = 1, sum;
	y[0] = -r[0];
	for (int k = 1; k < N; k++) {
		beta = (1 - alpha * alpha) * beta;
		sum = 0;
		for (int i = 0; i < k; i++)
			sum += r[k - i - 1] * y[i];
		alpha = -(r[k] + sum) / beta;
		for (int i = 0; i < k; i++)
			z[i] = y[i] + alpha * y[k - i - 1];
		for (int i = 0; i < k; i++)
			y[i] = z[i];
		y[k] = alpha;
	}
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("y");
	for (int i = 0; i < N; i++)
		dump_double(y[i], i);
	dump_array_end("y");
	dump_end();
}
